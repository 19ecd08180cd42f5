// Members over real gRPC against a real redis-server: create/get/batch-get/update/delete/list/find,
// handle normalization, idempotency, and that DeleteMember leaves no index entry behind.
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = grpc::StatusCode;

class MembersTest : public MembershipIntegrationTest {};

std::vector<std::string> Ids(const std::vector<mv1::Member>& members) {
  std::vector<std::string> ids;
  for (const auto& m : members) ids.push_back(m.id());
  return ids;
}

// A member with a name and an email handle.
mv1::Member Person(int i) {
  return MakeMember(absl::StrCat("m", i), "", absl::StrCat("m", i, "@example.com"));
}

mv1::Member FullMember() {
  mv1::Member m =
      MakeMember("王小明", "+86 138 0013 8000", "  Wang.XiaoMing@Example.COM ", "WangXM_2024");
  m.set_stage(mv1::STAGE_LEAD);
  m.add_tags("Deep-Work");
  m.add_tags("alumni");
  m.add_tags("deep-work");
  m.set_source("workshop-2024");
  m.mutable_connection_point()->set_description("Deep Work 2 alumni");
  *m.mutable_connection_point()->mutable_at() = ToProto(absl::FromUnixSeconds(1709251200));
  m.set_notes("met at the Shanghai workshop; 喜欢读书");
  return m;
}

TEST_F(MembersTest, CreateNormalizesAndGetReturnsTheSameMember) {
  const absl::Time before = absl::Now() - absl::Seconds(1);
  mv1::Member created = MustCreate(fixture(), FullMember());
  const absl::Time after = absl::Now() + absl::Seconds(1);

  EXPECT_FALSE(created.id().empty());
  EXPECT_EQ(created.tenant(), "acme");
  EXPECT_EQ(created.name(), "王小明");
  EXPECT_EQ(created.phone(), "+8613800138000");
  EXPECT_EQ(created.email(), "wang.xiaoming@example.com");
  EXPECT_EQ(created.wechat_id(), "wangxm_2024");
  EXPECT_EQ(created.stage(), mv1::STAGE_LEAD);
  EXPECT_THAT(created.tags(), ElementsAre("alumni", "deep-work"));
  EXPECT_EQ(created.source(), "workshop-2024");
  EXPECT_EQ(created.connection_point().description(), "Deep Work 2 alumni");
  EXPECT_EQ(created.connection_point().at().seconds(), 1709251200);
  EXPECT_EQ(created.notes(), "met at the Shanghai workshop; 喜欢读书");
  EXPECT_FALSE(created.preference().do_not_contact());
  ASSERT_TRUE(created.has_created_at());
  EXPECT_GE(FromProto(created.created_at()), before);
  EXPECT_LE(FromProto(created.created_at()), after);
  ASSERT_TRUE(created.has_updated_at());
  EXPECT_GE(FromProto(created.updated_at()), FromProto(created.created_at()));
  EXPECT_FALSE(created.has_last_contacted_at());
  EXPECT_FALSE(created.has_last_interaction_at());

  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), created.id(), &got));
  EXPECT_THAT(got, EqualsProto(created));
}

TEST_F(MembersTest, CreateIgnoresServerOwnedFields) {
  mv1::Member m = MakeMember("Li Wei", "13800138001");
  m.set_id("01JD3Z9X4Q6W8ZK2M5N7P9R1T3");
  m.set_tenant("globex");
  m.mutable_preference()->set_do_not_contact(true);
  *m.mutable_created_at() = ToProto(absl::FromUnixSeconds(1000));
  *m.mutable_last_contacted_at() = ToProto(absl::FromUnixSeconds(1000));
  mv1::Member created = MustCreate(fixture(), m);
  EXPECT_NE(created.id(), "01JD3Z9X4Q6W8ZK2M5N7P9R1T3");
  EXPECT_EQ(created.tenant(), "acme");
  EXPECT_FALSE(created.preference().do_not_contact());
  EXPECT_GT(created.created_at().seconds(), 1000);
  EXPECT_FALSE(created.has_last_contacted_at());
}

TEST_F(MembersTest, PhoneWrittenWithSpacesIsFoundByNationalNumber) {
  mv1::Member created = MustCreate(fixture(), MakeMember("Zhang San", "+86 138 0013 8000"));
  for (const char* query :
       {"13800138000", "+8613800138000", "138-0013-8000", "+86 138 0013 8000", "(138) 0013 8000"}) {
    mv1::Member found;
    ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, query, &found)) << query;
    EXPECT_EQ(found.id(), created.id()) << query;
    EXPECT_EQ(found.phone(), "+8613800138000");
  }
}

TEST_F(MembersTest, EmailAndWeChatLookupsAreCaseInsensitive) {
  mv1::Member created =
      MustCreate(fixture(), MakeMember("Ann", "", "Ann.Lee@Example.com", "AnnLee_88"));
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "ANN.LEE@EXAMPLE.COM", &found));
  EXPECT_EQ(found.id(), created.id());
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, " ann.lee@example.com ", &found));
  EXPECT_EQ(found.id(), created.id());
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "ANNLEE_88", &found));
  EXPECT_EQ(found.id(), created.id());
  EXPECT_EQ(found.wechat_id(), "annlee_88");
}

TEST_F(MembersTest, FindByHandleRejectsBadInputAndReportsUnknownHandles) {
  MustCreate(fixture(), MakeMember("Zhang San", "13800138000", "zs@example.com", "zhangsan01"));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13900139000", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "nobody@example.com", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "nobody_here", nullptr),
              HasCode(Code::NOT_FOUND));
  // The same value under another kind is not the same handle.
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "zs@example.com", nullptr),
              HasCode(Code::INVALID_ARGUMENT));

  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_KIND_UNSPECIFIED, "13800138000", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "kind"));
  EXPECT_THAT(FindByHandle(fixture(), static_cast<mv1::HandleKind>(42), "13800138000", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "kind"));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "", nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "call me maybe", nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "+86 123", nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "not-an-email", nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "1starts_with_digit", nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(
      FindByHandle(fixture(), mv1::HANDLE_EMAIL, std::string(300, 'a') + "@example.com", nullptr),
      HasCode(Code::INVALID_ARGUMENT));
}

TEST_F(MembersTest, DuplicateHandleOnCreateIsAlreadyExistsAndWritesNothing) {
  mv1::Member first = MustCreate(
      fixture(), MakeMember("Zhang San", "+86 138 0013 8000", "zs@example.com", "zhangsan01"));
  struct Case {
    std::string label;
    mv1::Member member;
  };
  const std::vector<Case> cases = {
      {"phone, other format", MakeMember("Other", "138-0013-8000", "other1@example.com")},
      {"email, upper case", MakeMember("Other", "13900139001", "ZS@EXAMPLE.COM")},
      {"wechat, other case", MakeMember("Other", "13900139002", "", "ZhangSan01")},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(CreateMember(fixture(), c.member, nullptr), HasCode(Code::ALREADY_EXISTS))
        << c.label;
  }
  // The rejected creates left no trace: no member, no index entry for their other handles.
  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ElementsAre(first.id()));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "other1@example.com", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13900139001", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13900139002", nullptr),
              HasCode(Code::NOT_FOUND));
}

TEST_F(MembersTest, CreateRejectsEachBadField) {
  struct Case {
    std::string label;
    std::string field;  // the message must name it
    mv1::Member member;
    std::optional<std::string> request_id;
  };
  auto with = [](auto edit) {
    mv1::Member m = MakeMember("Valid Name", "13800138000", "ok@example.com", "valid_id1");
    edit(m);
    return m;
  };
  std::vector<Case> cases = {
      {"empty request id", "request_id", with([](mv1::Member&) {}), std::string()},
      {"request id too long", "request_id", with([](mv1::Member&) {}), std::string(129, 'r')},
      {"request id not printable", "request_id", with([](mv1::Member&) {}), "req\x01id"},
      {"name too long", "name", with([](mv1::Member& m) { m.set_name(std::string(201, 'n')); }),
       std::nullopt},
      {"phone letters", "phone", with([](mv1::Member& m) { m.set_phone("12345abc"); }),
       std::nullopt},
      {"phone too short", "phone", with([](mv1::Member& m) { m.set_phone("+86 123"); }),
       std::nullopt},
      {"email no at", "email", with([](mv1::Member& m) { m.set_email("not-an-email"); }),
       std::nullopt},
      {"email no dot", "email", with([](mv1::Member& m) { m.set_email("a@localhost"); }),
       std::nullopt},
      {"email space", "email", with([](mv1::Member& m) { m.set_email("a b@example.com"); }),
       std::nullopt},
      {"email two ats", "email", with([](mv1::Member& m) { m.set_email("a@b@example.com"); }),
       std::nullopt},
      {"email too long", "email",
       with([](mv1::Member& m) { m.set_email(std::string(250, 'a') + "@example.com"); }),
       std::nullopt},
      {"wechat starts with digit", "wechat_id",
       with([](mv1::Member& m) { m.set_wechat_id("1abcdefg"); }), std::nullopt},
      {"wechat too short", "wechat_id", with([](mv1::Member& m) { m.set_wechat_id("abc"); }),
       std::nullopt},
      {"wechat too long", "wechat_id",
       with([](mv1::Member& m) { m.set_wechat_id("a" + std::string(20, 'b')); }), std::nullopt},
      {"tag too long", "tags", with([](mv1::Member& m) { m.add_tags(std::string(65, 't')); }),
       std::nullopt},
      {"tag with comma", "tags", with([](mv1::Member& m) { m.add_tags("a,b"); }), std::nullopt},
      {"empty tag", "tags", with([](mv1::Member& m) { m.add_tags("  "); }), std::nullopt},
      {"too many tags", "tags", with([](mv1::Member& m) {
         for (int i = 0; i < 51; ++i) m.add_tags(absl::StrCat("tag", i));
       }),
       std::nullopt},
      {"notes too long", "notes", with([](mv1::Member& m) { m.set_notes(std::string(4001, 'x')); }),
       std::nullopt},
      {"stage out of range", "stage",
       with([](mv1::Member& m) { m.set_stage(static_cast<mv1::Stage>(99)); }), std::nullopt},
  };
  for (Case& c : cases) {
    EXPECT_THAT(CreateMember(fixture(), c.member, nullptr, Caller::kAcme, c.request_id),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field))
        << c.label;
  }
  // Empty request id must not fall back to "no idempotency": it is rejected above. A member with
  // nothing to identify or name it is rejected too.
  EXPECT_THAT(CreateMember(fixture(), mv1::Member(), nullptr), HasCode(Code::INVALID_ARGUMENT));
  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, IsEmpty());

  // The limits are inclusive.
  mv1::Member at_limits =
      MakeMember(std::string(200, 'n'), "13900139000", "", "a" + std::string(19, 'b'));
  at_limits.set_notes(std::string(4000, 'x'));
  at_limits.add_tags(std::string(64, 't'));
  EXPECT_GRPC_OK(CreateMember(fixture(), at_limits, nullptr, Caller::kAcme, std::string(128, 'r')));
}

TEST_F(MembersTest, RetryWithTheSameRequestIdReturnsTheSameMemberOnce) {
  mv1::Member first;
  ASSERT_GRPC_OK(CreateMember(fixture(), MakeMember("Zhang San", "13800138000"), &first,
                              Caller::kAcme, "create-zs-1"));
  mv1::Member again;
  ASSERT_GRPC_OK(CreateMember(fixture(), MakeMember("Zhang San", "13800138000"), &again,
                              Caller::kAcme, "create-zs-1"));
  EXPECT_THAT(again, EqualsProto(first));

  // Same id, different request.
  EXPECT_THAT(CreateMember(fixture(), MakeMember("Zhang Si", "13800138000"), nullptr, Caller::kAcme,
                           "create-zs-1"),
              HasCode(Code::ALREADY_EXISTS));
  EXPECT_THAT(CreateMember(fixture(), MakeMember("Zhang San", "13900139000"), nullptr,
                           Caller::kAcme, "create-zs-1"),
              HasCode(Code::ALREADY_EXISTS));

  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ElementsAre(first.id()));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13900139000", nullptr),
              HasCode(Code::NOT_FOUND));
}

TEST_F(MembersTest, RequestIdsAreScopedToTheTenant) {
  mv1::Member acme, globex;
  ASSERT_GRPC_OK(
      CreateMember(fixture(), MakeMember("A", "13800138000"), &acme, Caller::kAcme, "same-id"));
  ASSERT_GRPC_OK(
      CreateMember(fixture(), MakeMember("G", "13900139000"), &globex, Caller::kGlobex, "same-id"));
  EXPECT_NE(acme.id(), globex.id());
  EXPECT_EQ(globex.tenant(), "globex");
  EXPECT_EQ(globex.name(), "G");
}

TEST_F(MembersTest, GetRejectsBadIdsAndReportsUnknownOnes) {
  mv1::Member created = MustCreate(fixture(), MakeMember("Zhang San", "13800138000"));
  EXPECT_THAT(GetMember(fixture(), UnknownIdLike(created.id()), nullptr), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(GetMember(fixture(), "", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  EXPECT_THAT(GetMember(fixture(), std::string(65, 'a'), nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  EXPECT_THAT(GetMember(fixture(), "has space", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  EXPECT_THAT(GetMember(fixture(), "dunbar:membership:{acme}:member", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
}

TEST_F(MembersTest, BatchGetReturnsRequestOrderAndListsMissingIds) {
  mv1::Member a = MustCreate(fixture(), MakeMember("A", "13800138001"));
  mv1::Member b = MustCreate(fixture(), MakeMember("B", "13800138002"));
  const std::string unknown = UnknownIdLike(a.id());

  mv1::BatchGetMembersRequest request;
  request.add_member_ids(b.id());
  request.add_member_ids(unknown);
  request.add_member_ids(a.id());
  mv1::BatchGetMembersResponse response;
  ASSERT_GRPC_OK(stub().BatchGetMembers(Ctx().get(), request, &response));
  ASSERT_THAT(response.members(), SizeIs(2));
  EXPECT_THAT(response.members(0), EqualsProto(b));
  EXPECT_THAT(response.members(1), EqualsProto(a));
  EXPECT_THAT(response.missing_ids(), ElementsAre(unknown));

  // 500 is the limit; 501 is rejected.
  mv1::BatchGetMembersRequest full;
  full.add_member_ids(b.id());
  for (int i = 1; i < 500; ++i) full.add_member_ids(i == 250 ? a.id() : UnknownIdLike(a.id(), i));
  response.Clear();
  ASSERT_GRPC_OK(stub().BatchGetMembers(Ctx().get(), full, &response));
  ASSERT_THAT(response.members(), SizeIs(2));
  EXPECT_EQ(response.members(0).id(), b.id());
  EXPECT_EQ(response.members(1).id(), a.id());
  EXPECT_THAT(response.missing_ids(), SizeIs(498));

  full.add_member_ids(a.id());
  EXPECT_THAT(stub().BatchGetMembers(Ctx().get(), full, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids"));

  mv1::BatchGetMembersRequest bad;
  bad.add_member_ids(a.id());
  bad.add_member_ids("");
  EXPECT_THAT(stub().BatchGetMembers(Ctx().get(), bad, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids"));
  bad.set_member_ids(1, std::string(65, 'x'));
  EXPECT_THAT(stub().BatchGetMembers(Ctx().get(), bad, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_ids"));
}

mv1::UpdateMemberRequest Update(const std::string& id, const mv1::Member& values,
                                std::vector<std::string> paths,
                                const std::string& request_id = "") {
  mv1::UpdateMemberRequest request;
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  *request.mutable_member() = values;
  request.mutable_member()->set_id(id);
  for (const auto& p : paths) request.mutable_update_mask()->add_paths(p);
  return request;
}

TEST_F(MembersTest, UpdateReplacesOnlyMaskedFieldsAndReindexesHandles) {
  mv1::Member created = MustCreate(fixture(), FullMember());

  mv1::Member values = MakeMember("Ignored Name", "+86 139-0013-9000", "NEW@Example.com");
  values.add_tags("VIP");
  values.add_tags("alumni");
  values.set_stage(mv1::STAGE_MEMBER);
  values.set_notes("ignored notes");
  mv1::Member updated;
  ASSERT_GRPC_OK(stub().UpdateMember(
      Ctx().get(), Update(created.id(), values, {"phone", "email", "tags", "stage"}), &updated));
  EXPECT_EQ(updated.id(), created.id());
  EXPECT_EQ(updated.name(), "王小明");
  EXPECT_EQ(updated.phone(), "+8613900139000");
  EXPECT_EQ(updated.email(), "new@example.com");
  EXPECT_EQ(updated.wechat_id(), "wangxm_2024");
  EXPECT_THAT(updated.tags(), ElementsAre("alumni", "vip"));
  EXPECT_EQ(updated.stage(), mv1::STAGE_MEMBER);
  EXPECT_EQ(updated.notes(), created.notes());
  EXPECT_EQ(updated.source(), created.source());
  EXPECT_THAT(updated.connection_point(), EqualsProto(created.connection_point()));
  EXPECT_THAT(updated.created_at(), EqualsProto(created.created_at()));
  EXPECT_GE(FromProto(updated.updated_at()), FromProto(created.updated_at()));

  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), created.id(), &got));
  EXPECT_THAT(got, EqualsProto(updated));

  // Old handles are released, new ones resolve.
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800138000", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "wang.xiaoming@example.com", nullptr),
              HasCode(Code::NOT_FOUND));
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13900139000", &found));
  EXPECT_EQ(found.id(), created.id());
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "new@example.com", &found));
  EXPECT_EQ(found.id(), created.id());
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "wangxm_2024", &found));
  EXPECT_EQ(found.id(), created.id());
  // The released phone can be used by someone else.
  MustCreate(fixture(), MakeMember("Someone Else", "13800138000"));

  // Filters follow the new tags and stage.
  mv1::ListMembersRequest by_old_tag;
  by_old_tag.set_tag("deep-work");
  auto listed = ListAllMembers(fixture(), by_old_tag);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());
  mv1::ListMembersRequest by_new_tag;
  by_new_tag.set_tag("vip");
  listed = ListAllMembers(fixture(), by_new_tag);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Ids(*listed), ElementsAre(created.id()));
  mv1::ListMembersRequest by_old_stage;
  by_old_stage.set_stage(mv1::STAGE_LEAD);
  listed = ListAllMembers(fixture(), by_old_stage);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());
  mv1::ListMembersRequest by_new_stage;
  by_new_stage.set_stage(mv1::STAGE_MEMBER);
  listed = ListAllMembers(fixture(), by_new_stage);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Ids(*listed), ElementsAre(created.id()));
}

TEST_F(MembersTest, UpdateCanClearAHandleAndChangeSourceAndConnectionPoint) {
  mv1::Member created = MustCreate(fixture(), FullMember());
  mv1::Member values;
  values.set_source("referral");
  values.mutable_connection_point()->set_description("referred by Li Wei");
  *values.mutable_connection_point()->mutable_at() = ToProto(absl::FromUnixSeconds(1700000000));
  mv1::Member updated;
  ASSERT_GRPC_OK(stub().UpdateMember(
      Ctx().get(), Update(created.id(), values, {"email", "source", "connection_point", "name"}),
      &updated));
  EXPECT_EQ(updated.email(), "");
  EXPECT_EQ(updated.name(), "");
  EXPECT_EQ(updated.source(), "referral");
  EXPECT_EQ(updated.connection_point().description(), "referred by Li Wei");
  EXPECT_EQ(updated.connection_point().at().seconds(), 1700000000);
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "wang.xiaoming@example.com", nullptr),
              HasCode(Code::NOT_FOUND));

  mv1::ListMembersRequest by_old_source;
  by_old_source.set_source("workshop-2024");
  auto listed = ListAllMembers(fixture(), by_old_source);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(*listed, IsEmpty());
  mv1::ListMembersRequest by_new_source;
  by_new_source.set_source("referral");
  listed = ListAllMembers(fixture(), by_new_source);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_THAT(Ids(*listed), ElementsAre(created.id()));
}

TEST_F(MembersTest, UpdateToAHandleOfAnotherMemberIsAlreadyExistsAndChangesNothing) {
  mv1::Member a = MustCreate(fixture(), MakeMember("A", "13800138001", "a@example.com"));
  mv1::Member b = MustCreate(fixture(), MakeMember("B", "13800138002", "b@example.com"));
  mv1::Member values = MakeMember("B renamed", "", "A@EXAMPLE.COM");
  mv1::Member ignored;
  EXPECT_THAT(stub().UpdateMember(Ctx().get(), Update(b.id(), values, {"name", "email"}), &ignored),
              HasCode(Code::ALREADY_EXISTS));
  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), b.id(), &got));
  EXPECT_THAT(got, EqualsProto(b));
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "a@example.com", &found));
  EXPECT_EQ(found.id(), a.id());
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "b@example.com", &found));
  EXPECT_EQ(found.id(), b.id());

  // Setting a member's handle to its own current value is not a conflict.
  mv1::Member same = MakeMember("", "+86 138 0013 8002");
  EXPECT_GRPC_OK(stub().UpdateMember(Ctx().get(), Update(b.id(), same, {"phone"}), &ignored));
}

TEST_F(MembersTest, UpdateRejectsBadInput) {
  mv1::Member created = MustCreate(fixture(), FullMember());
  mv1::Member ignored;
  mv1::Member bad_email = MakeMember("", "", "nope");
  EXPECT_THAT(
      stub().UpdateMember(Ctx().get(), Update(created.id(), bad_email, {"email"}), &ignored),
      HasCodeAndMessage(Code::INVALID_ARGUMENT, "email"));
  mv1::Member bad_phone = MakeMember("", "12345abc");
  EXPECT_THAT(
      stub().UpdateMember(Ctx().get(), Update(created.id(), bad_phone, {"phone"}), &ignored),
      HasCodeAndMessage(Code::INVALID_ARGUMENT, "phone"));
  mv1::Member long_name = MakeMember(std::string(201, 'n'));
  EXPECT_THAT(stub().UpdateMember(Ctx().get(), Update(created.id(), long_name, {"name"}), &ignored),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "name"));
  for (const char* path : {"id", "tenant", "created_at", "preference", "bogus"}) {
    EXPECT_THAT(
        stub().UpdateMember(Ctx().get(), Update(created.id(), mv1::Member(), {path}), &ignored),
        HasCodeAndMessage(Code::INVALID_ARGUMENT, "update_mask"))
        << path;
  }
  EXPECT_THAT(stub().UpdateMember(Ctx().get(), Update("", MakeMember("x"), {"name"}), &ignored),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(stub().UpdateMember(Ctx().get(),
                                  Update(created.id(), MakeMember("x"), {"name"}, "\t"), &ignored),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "request_id"));
  EXPECT_THAT(
      stub().UpdateMember(Ctx().get(),
                          Update(UnknownIdLike(created.id()), MakeMember("x"), {"name"}), &ignored),
      HasCode(Code::NOT_FOUND));
  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), created.id(), &got));
  EXPECT_THAT(got, EqualsProto(created));
}

TEST_F(MembersTest, UpdateRetryReturnsTheSameAnswerAndConflictingRetryIsAlreadyExists) {
  mv1::Member created = MustCreate(fixture(), FullMember());
  mv1::Member first, second;
  ASSERT_GRPC_OK(stub().UpdateMember(
      Ctx().get(), Update(created.id(), MakeMember("New Name"), {"name"}, "upd-1"), &first));
  // Someone else changes the member in between; the retry still returns the recorded answer.
  mv1::Member third;
  ASSERT_GRPC_OK(stub().UpdateMember(
      Ctx().get(), Update(created.id(), MakeMember("Newer Name"), {"name"}), &third));
  ASSERT_GRPC_OK(stub().UpdateMember(
      Ctx().get(), Update(created.id(), MakeMember("New Name"), {"name"}, "upd-1"), &second));
  EXPECT_THAT(second, EqualsProto(first));
  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), created.id(), &got));
  EXPECT_EQ(got.name(), "Newer Name");  // the retry did not apply again

  EXPECT_THAT(stub().UpdateMember(
                  Ctx().get(), Update(created.id(), MakeMember("Other"), {"name"}, "upd-1"), &got),
              HasCode(Code::ALREADY_EXISTS));
}

TEST_F(MembersTest, DeleteRemovesTheMemberFromEveryIndex) {
  mv1::Member doomed = MustCreate(fixture(), FullMember());
  mv1::Member keeper = MustCreate(fixture(), [] {
    mv1::Member m = MakeMember("Keeper", "13900139000");
    m.set_stage(mv1::STAGE_LEAD);
    m.add_tags("alumni");
    m.set_source("workshop-2024");
    return m;
  }());
  const absl::Time now = absl::Now();
  ASSERT_GRPC_OK(RecordInteraction(fixture(), doomed.id(), mv1::LIKED, now - absl::Hours(1)));
  ASSERT_GRPC_OK(RecordInteraction(fixture(), keeper.id(), mv1::LIKED, now - absl::Hours(2)));
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), doomed.id(), false));
  mv1::GrantEntitlementRequest grant;
  grant.set_member_id(doomed.id());
  grant.set_program_id("deep-work");
  grant.set_order_id("order-doomed-1");
  grant.set_amount_minor(19900);
  grant.set_currency("CNY");
  *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
  mv1::Entitlement entitlement;
  ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx().get(), grant, &entitlement));

  bool deleted = false;
  mv1::DeleteMemberRequest del;
  del.set_request_id("delete-doomed");
  del.set_member_id(doomed.id());
  mv1::DeleteMemberResponse response;
  ASSERT_GRPC_OK(stub().DeleteMember(Ctx().get(), del, &response));
  EXPECT_TRUE(response.deleted());

  EXPECT_THAT(GetMember(fixture(), doomed.id(), nullptr), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800138000", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "wang.xiaoming@example.com", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "wangxm_2024", nullptr),
              HasCode(Code::NOT_FOUND));

  mv1::BatchGetMembersRequest batch;
  batch.add_member_ids(doomed.id());
  mv1::BatchGetMembersResponse batch_response;
  ASSERT_GRPC_OK(stub().BatchGetMembers(Ctx().get(), batch, &batch_response));
  EXPECT_THAT(batch_response.members(), IsEmpty());
  EXPECT_THAT(batch_response.missing_ids(), ElementsAre(doomed.id()));

  for (auto filter : std::vector<std::function<void(mv1::ListMembersRequest&)>>{
           [](mv1::ListMembersRequest&) {}, [](mv1::ListMembersRequest& r) { r.set_tag("alumni"); },
           [](mv1::ListMembersRequest& r) { r.set_stage(mv1::STAGE_LEAD); },
           [](mv1::ListMembersRequest& r) { r.set_source("workshop-2024"); }}) {
    mv1::ListMembersRequest request;
    filter(request);
    auto listed = ListAllMembers(fixture(), request);
    ASSERT_TRUE(listed.ok()) << listed.status();
    EXPECT_THAT(Ids(*listed), ElementsAre(keeper.id())) << request.ShortDebugString();
  }

  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(1));
  EXPECT_EQ((*ranked)[0].member().id(), keeper.id());

  mv1::ListInteractionsRequest interactions;
  interactions.set_member_id(doomed.id());
  mv1::ListInteractionsResponse interactions_response;
  EXPECT_THAT(stub().ListInteractions(Ctx().get(), interactions, &interactions_response),
              HasCode(Code::NOT_FOUND));

  // Retrying the same delete returns the same answer; a new delete finds nothing.
  response.Clear();
  ASSERT_GRPC_OK(stub().DeleteMember(Ctx().get(), del, &response));
  EXPECT_TRUE(response.deleted());
  ASSERT_GRPC_OK(DeleteMember(fixture(), doomed.id(), &deleted));
  EXPECT_FALSE(deleted);
  // The same request id naming another member is a different request.
  del.set_member_id(keeper.id());
  EXPECT_THAT(stub().DeleteMember(Ctx().get(), del, &response), HasCode(Code::ALREADY_EXISTS));
  EXPECT_GRPC_OK(GetMember(fixture(), keeper.id(), nullptr));

  // Every handle is free again, for a brand-new member.
  mv1::Member reborn = MustCreate(
      fixture(), MakeMember("Reborn", "13800138000", "wang.xiaoming@example.com", "wangxm_2024"));
  EXPECT_NE(reborn.id(), doomed.id());
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_WECHAT, "WangXM_2024", &found));
  EXPECT_EQ(found.id(), reborn.id());
  EXPECT_FALSE(found.has_last_interaction_at());

  // Entitlements stay as financial records: the order can still be refunded.
  mv1::RevokeEntitlementRequest revoke;
  revoke.set_order_id("order-doomed-1");
  revoke.set_reason("refund after erasure");
  mv1::Entitlement revoked;
  ASSERT_GRPC_OK(stub().RevokeEntitlement(Ctx().get(), revoke, &revoked));
  EXPECT_TRUE(revoked.revoked());
  EXPECT_EQ(revoked.order_id(), "order-doomed-1");
  EXPECT_EQ(revoked.amount_minor(), 19900);
}

TEST_F(MembersTest, DeleteRejectsBadInputAndIsIdempotentForUnknownIds) {
  mv1::Member created = MustCreate(fixture(), MakeMember("A", "13800138000"));
  bool deleted = true;
  ASSERT_GRPC_OK(DeleteMember(fixture(), UnknownIdLike(created.id()), &deleted));
  EXPECT_FALSE(deleted);
  EXPECT_THAT(DeleteMember(fixture(), "", nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  EXPECT_THAT(DeleteMember(fixture(), std::string(65, 'a'), nullptr),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  mv1::DeleteMemberRequest no_request_id;
  no_request_id.set_member_id(created.id());
  mv1::DeleteMemberResponse response;
  EXPECT_THAT(stub().DeleteMember(Ctx().get(), no_request_id, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "request_id"));
  EXPECT_GRPC_OK(GetMember(fixture(), created.id(), nullptr));
}

TEST_F(MembersTest, ListPagesThrough1234MembersInCreationOrderExactlyOnce) {
  std::vector<std::string> created;
  for (int i = 0; i < 1234; ++i) {
    created.push_back(MustCreate(fixture(), Person(i)).id());
    if (::testing::Test::HasFailure()) return;
  }
  std::vector<std::string> listed;
  mv1::ListMembersRequest request;
  request.set_page_size(100);
  int pages = 0;
  while (true) {
    mv1::ListMembersResponse response;
    ASSERT_GRPC_OK(stub().ListMembers(Ctx().get(), request, &response));
    ++pages;
    ASSERT_LE(pages, 13);
    EXPECT_EQ(response.members_size(), pages < 13 ? 100 : 34);
    for (const auto& m : response.members()) listed.push_back(m.id());
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(pages, 13);
  EXPECT_EQ(listed, created);  // each exactly once, in creation order
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), 1234u);

  // Default page size is 50; the maximum 500.
  mv1::ListMembersResponse response;
  ASSERT_GRPC_OK(stub().ListMembers(Ctx().get(), mv1::ListMembersRequest(), &response));
  EXPECT_EQ(response.members_size(), 50);
  EXPECT_FALSE(response.next_page_token().empty());
  mv1::ListMembersRequest max;
  max.set_page_size(500);
  ASSERT_GRPC_OK(stub().ListMembers(Ctx().get(), max, &response));
  EXPECT_EQ(response.members_size(), 500);
}

TEST_F(MembersTest, ListOrderIsStableWhileMembersAreAddedAndDeletedBetweenPages) {
  std::vector<std::string> created;
  for (int i = 0; i < 30; ++i) {
    created.push_back(MustCreate(fixture(), Person(i)).id());
  }
  mv1::ListMembersRequest request;
  request.set_page_size(10);
  mv1::ListMembersResponse page1;
  ASSERT_GRPC_OK(stub().ListMembers(Ctx().get(), request, &page1));
  ASSERT_EQ(page1.members_size(), 10);
  // Between pages: five new members, and a member of page 1 and one of page 2 are deleted.
  for (int i = 30; i < 35; ++i) {
    created.push_back(MustCreate(fixture(), Person(i)).id());
  }
  ASSERT_GRPC_OK(DeleteMember(fixture(), created[3]));
  ASSERT_GRPC_OK(DeleteMember(fixture(), created[15]));

  std::vector<std::string> listed;
  for (const auto& m : page1.members()) listed.push_back(m.id());
  request.set_page_token(page1.next_page_token());
  while (!request.page_token().empty()) {
    mv1::ListMembersResponse response;
    ASSERT_GRPC_OK(stub().ListMembers(Ctx().get(), request, &response));
    for (const auto& m : response.members()) listed.push_back(m.id());
    request.set_page_token(response.next_page_token());
  }
  std::vector<std::string> expected = created;
  expected.erase(expected.begin() + 15);  // deleted before it was reached
  EXPECT_EQ(listed, expected);
}

TEST_F(MembersTest, ListFiltersByStageTagAndSourceCombined) {
  struct Spec {
    mv1::Stage stage;
    std::vector<std::string> tags;
    std::string source;
  };
  const std::vector<Spec> specs = {
      {mv1::STAGE_LEAD, {"alumni", "vip"}, "workshop"},  // 0
      {mv1::STAGE_LEAD, {"alumni"}, "wechat-group"},     // 1
      {mv1::STAGE_MEMBER, {"vip"}, "workshop"},          // 2
      {mv1::STAGE_CONTACT, {}, "workshop"},              // 3
      {mv1::STAGE_LEAD, {"vip"}, "workshop"},            // 4
      {mv1::STAGE_ALUMNI, {"alumni", "vip"}, ""},        // 5
  };
  std::vector<std::string> ids;
  for (size_t i = 0; i < specs.size(); ++i) {
    mv1::Member m = Person(i);
    m.set_stage(specs[i].stage);
    for (const auto& t : specs[i].tags) m.add_tags(t);
    m.set_source(specs[i].source);
    ids.push_back(MustCreate(fixture(), m).id());
  }
  struct Query {
    mv1::Stage stage;
    std::string tag;
    std::string source;
    std::vector<int> expected;
  };
  const std::vector<Query> queries = {
      {mv1::STAGE_UNSPECIFIED, "", "", {0, 1, 2, 3, 4, 5}},
      {mv1::STAGE_LEAD, "", "", {0, 1, 4}},
      {mv1::STAGE_UNSPECIFIED, "vip", "", {0, 2, 4, 5}},
      {mv1::STAGE_UNSPECIFIED, "", "workshop", {0, 2, 3, 4}},
      {mv1::STAGE_LEAD, "vip", "", {0, 4}},
      {mv1::STAGE_LEAD, "alumni", "workshop", {0}},
      {mv1::STAGE_UNSPECIFIED, "vip", "workshop", {0, 2, 4}},
      {mv1::STAGE_MEMBER, "alumni", "", {}},
      {mv1::STAGE_UNSPECIFIED, "no-such-tag", "", {}},
  };
  for (const Query& q : queries) {
    mv1::ListMembersRequest request;
    request.set_stage(q.stage);
    request.set_tag(q.tag);
    request.set_source(q.source);
    std::vector<std::string> expected;
    for (int i : q.expected) expected.push_back(ids[i]);
    // Page size 1 makes every filter page, too.
    for (int page_size : {1, 2, 500}) {
      auto listed = ListAllMembers(fixture(), request, page_size);
      ASSERT_TRUE(listed.ok()) << listed.status();
      EXPECT_EQ(Ids(*listed), expected) << request.ShortDebugString() << " page " << page_size;
    }
  }
}

TEST_F(MembersTest, ListRejectsBadPageSizeAndToken) {
  MustCreate(fixture(), Person(0));
  mv1::ListMembersResponse response;
  for (int bad : {-1, 501, -2147483647 - 1}) {
    mv1::ListMembersRequest request;
    request.set_page_size(bad);
    EXPECT_THAT(stub().ListMembers(Ctx().get(), request, &response),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_size"))
        << bad;
  }
  for (const std::string& token :
       std::vector<std::string>{"garbage", "!!!", std::string(2000, 'z')}) {
    mv1::ListMembersRequest request;
    request.set_page_token(token);
    EXPECT_THAT(stub().ListMembers(Ctx().get(), request, &response),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"))
        << token;
  }
  mv1::ListMembersRequest bad_tag;
  bad_tag.set_tag(std::string(65, 't'));
  EXPECT_THAT(stub().ListMembers(Ctx().get(), bad_tag, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "tag"));
  mv1::ListMembersRequest bad_stage;
  bad_stage.set_stage(static_cast<mv1::Stage>(99));
  EXPECT_THAT(stub().ListMembers(Ctx().get(), bad_stage, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "stage"));
}

// Racing creates: one handle, one member, whatever the interleaving.
TEST_F(MembersTest, ConcurrentCreatesWithOneHandleMakeExactlyOneMember) {
  constexpr int kThreads = 8;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<mv1::Member> members(kThreads);
  std::vector<std::thread> threads;
  absl::Notification go;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      // Same phone, each in its own format and with its own email.
      const std::vector<std::string> formats = {"13800138000", "+86 138 0013 8000", "138-0013-8000",
                                                "+8613800138000"};
      statuses[i] = CreateMember(fixture(),
                                 MakeMember(absl::StrCat("racer ", i), formats[i % formats.size()],
                                            absl::StrCat("racer", i, "@example.com")),
                                 &members[i]);
    });
  }
  go.Notify();
  for (auto& t : threads) t.join();
  int ok = 0;
  for (int i = 0; i < kThreads; ++i) {
    if (statuses[i].ok()) {
      ++ok;
    } else {
      EXPECT_THAT(statuses[i], HasCode(Code::ALREADY_EXISTS)) << i;
    }
  }
  EXPECT_EQ(ok, 1);
  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_THAT(*all, SizeIs(1));
  // The losers left no email behind.
  for (int i = 0; i < kThreads; ++i) {
    if (statuses[i].ok()) continue;
    EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, absl::StrCat("racer", i, "@example.com"),
                             nullptr),
                HasCode(Code::NOT_FOUND));
  }
}

// Racing retries of one request: one member, the same answer for everyone.
TEST_F(MembersTest, ConcurrentRetriesOfOneRequestAgree) {
  constexpr int kThreads = 8;
  std::vector<grpc::Status> statuses(kThreads);
  std::vector<mv1::Member> members(kThreads);
  std::vector<std::thread> threads;
  absl::Notification go;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      go.WaitForNotification();
      statuses[i] = CreateMember(fixture(), MakeMember("Once", "13800138000"), &members[i],
                                 Caller::kAcme, "create-once");
    });
  }
  go.Notify();
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    ASSERT_GRPC_OK(statuses[i]) << i;
    EXPECT_THAT(members[i], EqualsProto(members[0])) << i;
  }
  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, SizeIs(1));
}

// Text that is not UTF-8 is a bad argument wherever it appears, and is never stored.
TEST_F(MembersTest, InvalidUtf8IsInvalidArgumentInEveryTextField) {
  const std::string bad = "\xff\xfe";
  mv1::Member target = MustCreate(fixture(), MakeMember("Target", "13800138000"));
  using Call = std::function<grpc::Status()>;
  auto create = [](std::function<void(mv1::Member&)> edit) -> Call {
    return [edit] {
      mv1::Member m = MakeMember("Valid", "", "valid@example.com");
      edit(m);
      return CreateMember(fixture(), m, nullptr);
    };
  };
  const std::vector<std::pair<std::string, Call>> calls = {
      {"member.name", create([&](mv1::Member& m) { m.set_name("名字" + bad); })},
      {"member.notes", create([&](mv1::Member& m) { m.set_notes(bad); })},
      {"member.source", create([&](mv1::Member& m) { m.set_source(bad); })},
      {"member.tags", create([&](mv1::Member& m) { m.add_tags(bad); })},
      {"member.connection_point",
       create([&](mv1::Member& m) { m.mutable_connection_point()->set_description(bad); })},
      {"update name",
       [&] {
         mv1::UpdateMemberRequest r;
         r.set_request_id(NewRequestId());
         r.mutable_member()->set_id(target.id());
         r.mutable_member()->set_name(bad);
         r.mutable_update_mask()->add_paths("name");
         mv1::Member out;
         return stub().UpdateMember(Ctx().get(), r, &out);
       }},
      {"interaction note",
       [&] {
         mv1::RecordInteractionRequest r;
         r.set_request_id(NewRequestId());
         r.set_member_id(target.id());
         r.set_kind(mv1::LIKED);
         r.set_note(bad);
         mv1::Interaction out;
         return stub().RecordInteraction(Ctx().get(), r, &out);
       }},
      {"do-not-contact reason",
       [&] {
         mv1::SetContactPreferenceRequest r;
         r.set_request_id(NewRequestId());
         r.set_member_id(target.id());
         r.set_do_not_contact(true);
         r.set_do_not_contact_reason(bad);
         mv1::ContactPreference out;
         return stub().SetContactPreference(Ctx().get(), r, &out);
       }},
      {"list tag filter",
       [&] {
         mv1::ListMembersRequest r;
         r.set_tag(bad);
         mv1::ListMembersResponse out;
         return stub().ListMembers(Ctx().get(), r, &out);
       }},
      {"handle value",
       [&] { return FindByHandle(fixture(), mv1::HANDLE_EMAIL, bad + "@example.com", nullptr); }},
  };
  // protobuf refuses such text while parsing, before the handler runs; the server's parse-error
  // interceptor turns gRPC's bare INTERNAL into INVALID_ARGUMENT saying why.
  for (const auto& [label, call] : calls) {
    grpc::Status status = call();
    EXPECT_THAT(status, HasCode(Code::INVALID_ARGUMENT)) << label;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("UTF-8")) << label;
  }
  auto all = ListAllMembers(fixture(), {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ElementsAre(target.id()));
  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), target.id(), &got));
  EXPECT_THAT(got, EqualsProto(target));
}

}  // namespace
}  // namespace dunbar::testing
