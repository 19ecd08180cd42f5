// The outbox: every state change appends its event to the tenant's stream in the same script, a
// retry or a rejected call appends nothing, and events carry ids, never personal data.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Code = grpc::StatusCode;

constexpr char kAcmeEvents[] = "dunbar:membership:{acme}:events";

struct Event {
  std::string type;
  std::map<std::string, std::string> fields;
};

class EventsTest : public MembershipIntegrationTest {
 protected:
  // Events appended since the previous call.
  std::vector<Event> NewEvents() {
    auto reply = fixture().redis().Command({"XRANGE", kAcmeEvents, "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    std::vector<Event> all;
    if (!reply.ok()) return all;
    for (const auto& entry : reply->elements()) {
      Event event;
      const auto& pairs = entry.elements().at(1).elements();
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) {
        event.fields[pairs[i].str()] = pairs[i + 1].str();
      }
      event.type = event.fields["type"];
      all.push_back(event);
    }
    std::vector<Event> fresh(all.begin() + std::min(seen_, all.size()), all.end());
    seen_ = all.size();
    return fresh;
  }
  std::vector<std::string> Types() {
    std::vector<std::string> types;
    for (const Event& e : NewEvents()) types.push_back(e.type);
    return types;
  }

  size_t seen_ = 0;
};

TEST_F(EventsTest, EachChangeAppendsOneEventAndRetriesAppendNone) {
  mv1::Member member;
  mv1::Member input = MakeMember("王小明", "13800138000", "wang@example.com", "wangxm_2024");
  ASSERT_GRPC_OK(CreateMember(fixture(), input, &member, Caller::kAcme, "create-1"));
  std::vector<Event> events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "member.created");
  EXPECT_EQ(events[0].fields["member_id"], member.id());
  // Ids and kinds only: nothing personal.
  for (const auto& [field, value] : events[0].fields) {
    for (const std::string& personal :
         {std::string("王小明"), std::string("+8613800138000"), std::string("wang@example.com"),
          std::string("wangxm_2024")}) {
      EXPECT_EQ(value.find(personal), std::string::npos) << field << " = " << value;
    }
  }

  // A retry, a duplicate handle and a bad request change nothing and say nothing.
  ASSERT_GRPC_OK(CreateMember(fixture(), input, nullptr, Caller::kAcme, "create-1"));
  EXPECT_THAT(CreateMember(fixture(), MakeMember("Dup", "13800138000"), nullptr),
              HasCode(Code::ALREADY_EXISTS));
  EXPECT_THAT(CreateMember(fixture(), MakeMember("Bad", "", "bad-email"), nullptr),
              HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(Types(), IsEmpty());

  mv1::UpdateMemberRequest update;
  update.set_request_id("update-1");
  update.mutable_member()->set_id(member.id());
  update.mutable_member()->set_notes("notes");
  update.mutable_update_mask()->add_paths("notes");
  mv1::Member updated;
  ASSERT_GRPC_OK(stub().UpdateMember(Ctx().get(), update, &updated));
  ASSERT_GRPC_OK(stub().UpdateMember(Ctx().get(), update, &updated));
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "member.updated");
  EXPECT_EQ(events[0].fields["member_id"], member.id());

  mv1::RecordInteractionRequest interaction;
  interaction.set_request_id("interaction-1");
  interaction.set_member_id(member.id());
  interaction.set_kind(mv1::REPLIED);
  *interaction.mutable_at() = ToProto(absl::Now() - absl::Hours(1));
  mv1::Interaction recorded;
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), interaction, &recorded));
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), interaction, &recorded));
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "interaction.recorded");
  EXPECT_EQ(events[0].fields["member_id"], member.id());

  mv1::SetContactPreferenceRequest preference;
  preference.set_request_id("preference-1");
  preference.set_member_id(member.id());
  preference.set_do_not_contact(true);
  preference.set_do_not_contact_reason("不要联系");
  mv1::ContactPreference stored;
  ASSERT_GRPC_OK(stub().SetContactPreference(Ctx().get(), preference, &stored));
  ASSERT_GRPC_OK(stub().SetContactPreference(Ctx().get(), preference, &stored));
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "member.updated");
  for (const auto& [field, value] : events[0].fields) {
    EXPECT_EQ(value.find("不要联系"), std::string::npos) << field;
  }

  mv1::GrantEntitlementRequest grant;
  grant.set_member_id(member.id());
  grant.set_program_id("deep-work");
  grant.set_order_id("order-1");
  grant.set_amount_minor(19900);
  grant.set_currency("CNY");
  *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
  mv1::Entitlement entitlement;
  ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx().get(), grant, &entitlement));
  ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx().get(), grant, &entitlement));
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "entitlement.granted");
  EXPECT_EQ(events[0].fields["member_id"], member.id());
  EXPECT_EQ(events[0].fields["program_id"], "deep-work");

  mv1::RevokeEntitlementRequest revoke;
  revoke.set_order_id("order-1");
  revoke.set_reason("refund");
  ASSERT_GRPC_OK(stub().RevokeEntitlement(Ctx().get(), revoke, &entitlement));
  ASSERT_GRPC_OK(stub().RevokeEntitlement(Ctx().get(), revoke, &entitlement));
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "entitlement.revoked");
  EXPECT_EQ(events[0].fields["member_id"], member.id());

  bool deleted = false;
  ASSERT_GRPC_OK(DeleteMember(fixture(), member.id(), &deleted));
  EXPECT_TRUE(deleted);
  ASSERT_GRPC_OK(DeleteMember(fixture(), member.id(), &deleted));
  EXPECT_FALSE(deleted);
  events = NewEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "member.deleted");
  EXPECT_EQ(events[0].fields["member_id"], member.id());
}

TEST_F(EventsTest, ImportAnnouncesEveryCreatedMember) {
  std::vector<mv1::ImportRow> rows(3);
  rows[0].set_name("A");
  rows[0].set_phone("13800000001");
  rows[1].set_name("B");
  rows[1].set_phone("13800000002");
  rows[2].set_name("A again");
  rows[2].set_phone("+86 138 0000 0001");
  mv1::ImportContactsResponse response;
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response));
  ASSERT_EQ(response.created(), 2);
  std::vector<std::string> created;
  for (const Event& e : NewEvents()) {
    if (e.type == "member.created") created.push_back(e.fields.at("member_id"));
  }
  mv1::Member a, b;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800000001", &a));
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800000002", &b));
  EXPECT_THAT(created, ElementsAre(a.id(), b.id()));

  // Importing the same rows again changes nothing, so announces no new member.
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response));
  for (const Event& e : NewEvents()) EXPECT_NE(e.type, "member.created");
}

// Rejected calls (auth, validation, not found) write nothing to the stream.
TEST_F(EventsTest, RejectedCallsAppendNothing) {
  mv1::Member member = MustCreate(fixture(), MakeMember("A", "13800138000"));
  NewEvents();
  mv1::RecordInteractionRequest r;
  r.set_request_id(NewRequestId());
  r.set_member_id(member.id());
  r.set_kind(mv1::LIKED);
  mv1::Interaction out;
  EXPECT_THAT(stub().RecordInteraction(Ctx(Caller::kNone).get(), r, &out),
              HasCode(Code::UNAUTHENTICATED));
  EXPECT_THAT(stub().RecordInteraction(Ctx(Caller::kGlobex).get(), r, &out),
              HasCode(Code::NOT_FOUND));
  r.set_kind(mv1::INTERACTION_KIND_UNSPECIFIED);
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &out), HasCode(Code::INVALID_ARGUMENT));
  r.set_kind(mv1::LIKED);
  r.set_member_id(UnknownIdLike(member.id()));
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &out), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(Types(), IsEmpty());
  auto globex = fixture().redis().Command({"XLEN", "dunbar:membership:{globex}:events"});
  ASSERT_TRUE(globex.ok()) << globex.status();
  EXPECT_EQ(globex->integer(), 0);
}

}  // namespace
}  // namespace dunbar::testing
