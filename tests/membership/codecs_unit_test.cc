// Member/entitlement hash codecs, interaction entries, page tokens and request fingerprints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "services/membership/api_helpers.h"
#include "services/membership/interaction_codec.h"
#include "services/membership/member_codec.h"

namespace dunbar::membership {
namespace {

using redis::RedisReply;
using ::testing::ElementsAre;

RedisReply Flat(const std::vector<std::string>& items) {
  std::vector<RedisReply> elements;
  for (const std::string& item : items) elements.push_back(RedisReply::String(item));
  return RedisReply::Array(std::move(elements));
}

TEST(TimestampsTest, MillisRoundTripIncludingBefore1970) {
  for (int64_t ms : {int64_t{0}, int64_t{1}, int64_t{1700000000123}, int64_t{-1}, int64_t{-1500}}) {
    EXPECT_EQ(TimestampToMillis(TimestampFromMillis(ms)), ms) << ms;
  }
  const google::protobuf::Timestamp t = TimestampFromMillis(-1500);
  EXPECT_EQ(t.seconds(), -2);
  EXPECT_EQ(t.nanos(), 500000000);
}

TEST(MemberCodecTest, AppendsFieldsForPaths) {
  v1::Member m;
  m.set_name("Li Wei");
  m.set_phone("+8613800138000");
  m.set_stage(v1::STAGE_LEAD);
  m.add_tags("vip");
  m.add_tags("alpha");
  m.add_tags("vip");
  m.mutable_connection_point()->set_description("Deep Work 2");
  *m.mutable_connection_point()->mutable_at() = TimestampFromMillis(1700000000000);
  std::vector<std::string> out;
  ASSERT_TRUE(
      AppendMemberFields(m, {"name", "phone", "email", "stage", "tags", "connection_point"}, out)
          .ok());
  EXPECT_THAT(out,
              ElementsAre("name", "Li Wei", "phone", "+8613800138000", "email", "", "stage", "2",
                          "tags", "alpha,vip", "cp", "Deep Work 2", "cp_at", "1700000000000"));
}

TEST(MemberCodecTest, UnknownPathIsInvalidArgumentNamingTheMask) {
  std::vector<std::string> out;
  absl::Status status = AppendMemberFields(v1::Member(), {"created_at"}, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("update_mask"));
}

TEST(MemberCodecTest, DecodesEveryStoredField) {
  absl::StatusOr<StoredMember> stored = DecodeMemberHash(Flat({"id",         "01ABC",
                                                               "name",       "李伟",
                                                               "phone",      "+8613800138000",
                                                               "wechat_id",  "liwei_88",
                                                               "email",      "li@example.com",
                                                               "stage",      "3",
                                                               "tags",       "a,b",
                                                               "source",     "workshop",
                                                               "cp",         "Deep Work 2",
                                                               "cp_at",      "1700000000000",
                                                               "notes",      "n",
                                                               "created",    "1700000000001",
                                                               "updated",    "1700000000002",
                                                               "contacted",  "1700000000003",
                                                               "interacted", "1700000000004",
                                                               "dnc",        "1",
                                                               "dnc_reason", "asked",
                                                               "channel",    "2",
                                                               "pref_at",    "1700000000005",
                                                               "ws",         "12.5",
                                                               "k1",         "4",
                                                               "k7",         "2"}),
                                                         "acme");
  ASSERT_TRUE(stored.ok()) << stored.status();
  const v1::Member& m = stored->member;
  EXPECT_EQ(m.id(), "01ABC");
  EXPECT_EQ(m.tenant(), "acme");
  EXPECT_EQ(m.name(), "李伟");
  EXPECT_EQ(m.phone(), "+8613800138000");
  EXPECT_EQ(m.wechat_id(), "liwei_88");
  EXPECT_EQ(m.email(), "li@example.com");
  EXPECT_EQ(m.stage(), v1::STAGE_MEMBER);
  EXPECT_THAT(m.tags(), ElementsAre("a", "b"));
  EXPECT_EQ(m.source(), "workshop");
  EXPECT_EQ(m.connection_point().description(), "Deep Work 2");
  EXPECT_EQ(TimestampToMillis(m.connection_point().at()), 1700000000000);
  EXPECT_EQ(m.notes(), "n");
  EXPECT_EQ(TimestampToMillis(m.created_at()), 1700000000001);
  EXPECT_EQ(TimestampToMillis(m.updated_at()), 1700000000002);
  EXPECT_EQ(TimestampToMillis(m.last_contacted_at()), 1700000000003);
  EXPECT_EQ(TimestampToMillis(m.last_interaction_at()), 1700000000004);
  EXPECT_EQ(m.preference().member_id(), "01ABC");
  EXPECT_TRUE(m.preference().do_not_contact());
  EXPECT_EQ(m.preference().do_not_contact_reason(), "asked");
  EXPECT_EQ(m.preference().preferred_channel(), v1::CHANNEL_WECHAT);
  EXPECT_EQ(TimestampToMillis(m.preference().updated_at()), 1700000000005);
  EXPECT_EQ(stored->warmth_score, 12.5);
  EXPECT_EQ(stored->counts_by_kind[v1::LIKED], 4);
  EXPECT_EQ(stored->counts_by_kind[v1::CONTACTED], 2);
  EXPECT_EQ(stored->counts_by_kind[v1::REPLIED], 0);
}

TEST(MemberCodecTest, MissingOptionalFieldsStayUnset) {
  absl::StatusOr<StoredMember> stored =
      DecodeMemberHash(Flat({"id", "01ABC", "created", "5"}), "t");
  ASSERT_TRUE(stored.ok());
  EXPECT_FALSE(stored->member.has_last_contacted_at());
  EXPECT_FALSE(stored->member.has_last_interaction_at());
  EXPECT_FALSE(stored->member.has_connection_point());
  EXPECT_EQ(stored->warmth_score, kNoWarmth);
  EXPECT_TRUE(stored->member.tags().empty());
}

TEST(MemberCodecTest, EmptyHashDecodesToNoMemberAndOddReplyIsInternal) {
  absl::StatusOr<StoredMember> empty = DecodeMemberHash(Flat({}), "t");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->member.id().empty());
  EXPECT_EQ(DecodeMemberHash(Flat({"id"}), "t").status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(DecodeMemberHash(RedisReply::Integer(1), "t").status().code(),
            absl::StatusCode::kInternal);
}

TEST(MemberCodecTest, DecodesEntitlement) {
  absl::StatusOr<v1::Entitlement> e = DecodeEntitlementHash(
      Flat({"order_id",     "o1",    "member_id", "m1",  "program_id",    "p1",
            "amount_minor", "19900", "currency",  "CNY", "paid_at",       "1000",
            "granted_at",   "2000",  "revoked",   "1",   "revoke_reason", "refund",
            "revoked_at",   "3000",  "fp",        "abc"}),
      "acme");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->tenant(), "acme");
  EXPECT_EQ(e->order_id(), "o1");
  EXPECT_EQ(e->member_id(), "m1");
  EXPECT_EQ(e->program_id(), "p1");
  EXPECT_EQ(e->amount_minor(), 19900);
  EXPECT_EQ(e->currency(), "CNY");
  EXPECT_EQ(TimestampToMillis(e->paid_at()), 1000);
  EXPECT_EQ(TimestampToMillis(e->granted_at()), 2000);
  EXPECT_TRUE(e->revoked());
  EXPECT_EQ(e->revoke_reason(), "refund");
  EXPECT_EQ(TimestampToMillis(e->revoked_at()), 3000);
}

TEST(InteractionCodecTest, RoundTripKeepsNoteWithSeparators) {
  v1::Interaction in;
  in.set_id("01IX");
  in.set_kind(v1::REPLIED);
  *in.mutable_at() = TimestampFromMillis(1700000000123);
  in.set_note("a|b:c\nd");
  const std::string entry = EncodeInteractionEntry(in);
  EXPECT_EQ(entry, "001700000000123:01IX|3|a|b:c\nd");
  EXPECT_EQ(InteractionSortKey(entry), "001700000000123:01IX");
  absl::StatusOr<v1::Interaction> out = DecodeInteractionEntry(entry, "m1");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->id(), "01IX");
  EXPECT_EQ(out->member_id(), "m1");
  EXPECT_EQ(out->kind(), v1::REPLIED);
  EXPECT_EQ(TimestampToMillis(out->at()), 1700000000123);
  EXPECT_EQ(out->note(), "a|b:c\nd");
}

TEST(InteractionCodecTest, EntriesSortByTime) {
  v1::Interaction early, late;
  early.set_id("ZZZ");
  *early.mutable_at() = TimestampFromMillis(999);
  late.set_id("AAA");
  *late.mutable_at() = TimestampFromMillis(1000);
  EXPECT_LT(EncodeInteractionEntry(early), EncodeInteractionEntry(late));
}

TEST(InteractionCodecTest, MalformedEntryIsInternal) {
  for (const char* bad : {"", "123", "123:id", "123:id|x|n", "x:id|1|n", "123:id|99|n"}) {
    EXPECT_EQ(DecodeInteractionEntry(bad, "m").status().code(), absl::StatusCode::kInternal) << bad;
  }
}

TEST(PageTokenTest, RoundTrip) {
  const std::string token = EncodePageToken(kRankToken, {"-inf", "01ABC"});
  absl::StatusOr<std::vector<std::string>> fields = DecodePageToken(kRankToken, token, 2);
  ASSERT_TRUE(fields.ok());
  EXPECT_THAT(*fields, ElementsAre("-inf", "01ABC"));
}

TEST(PageTokenTest, EmptyTokenIsFirstPage) {
  absl::StatusOr<std::vector<std::string>> fields = DecodePageToken(kMembersToken, "", 1);
  ASSERT_TRUE(fields.ok());
  EXPECT_TRUE(fields->empty());
}

TEST(PageTokenTest, RejectsForeignAndGarbageTokens) {
  const std::string members = EncodePageToken(kMembersToken, {"01ABC"});
  const auto code = [](const absl::StatusOr<std::vector<std::string>>& r) {
    return r.status().code();
  };
  EXPECT_EQ(code(DecodePageToken(kInteractionsToken, members, 1)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DecodePageToken(kMembersToken, members, 2)), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DecodePageToken(kMembersToken, "!!not base64!!", 1)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DecodePageToken(kMembersToken, std::string(5000, 'A'), 1)),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(DecodePageToken(kMembersToken, EncodePageToken(kMembersToken, {""}), 1)),
            absl::StatusCode::kInvalidArgument);
  absl::Status status = DecodePageToken(kMembersToken, "zzz", 1).status();
  EXPECT_THAT(std::string(status.message()), ::testing::StartsWith("page_token:"));
}

TEST(RequestFingerprintTest, SameRequestSameFingerprint) {
  v1::CreateMemberRequest a;
  a.set_tenant("acme");
  a.set_request_id("r1");
  a.mutable_member()->set_name("Li");
  a.mutable_member()->add_tags("x");
  v1::CreateMemberRequest b = a;
  EXPECT_EQ(RequestFingerprint(a), RequestFingerprint(b));
  EXPECT_EQ(RequestFingerprint(a).size(), 64u);  // SHA-256 hex
}

TEST(RequestFingerprintTest, AnyChangeChangesFingerprint) {
  v1::CreateMemberRequest a;
  a.set_tenant("acme");
  a.set_request_id("r1");
  a.mutable_member()->set_name("Li");
  v1::CreateMemberRequest b = a;
  b.mutable_member()->set_name("Lu");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(b));
  v1::CreateMemberRequest c = a;
  c.set_tenant("beta");
  EXPECT_NE(RequestFingerprint(a), RequestFingerprint(c));
}

TEST(RequestFingerprintTest, DifferentRequestTypesNeverCollide) {
  // Same wire bytes (field 1 = tenant, 2 = request_id), different RPCs.
  v1::DeleteMemberRequest del;
  del.set_tenant("acme");
  del.set_request_id("r1");
  v1::CreateMemberRequest create;
  create.set_tenant("acme");
  create.set_request_id("r1");
  EXPECT_EQ(del.SerializeAsString(), create.SerializeAsString());
  EXPECT_NE(RequestFingerprint(del), RequestFingerprint(create));
}

}  // namespace
}  // namespace dunbar::membership
