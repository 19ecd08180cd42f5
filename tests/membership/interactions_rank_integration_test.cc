// Interactions, contact preferences and RankContacts: warmth is checked against the formula
//   warmth(now) = sum weight(kind) * 2^(-(now - at) / half_life)
// with the weights documented in services/membership/warmth.h (LIKED 1, COMMENTED 2, REPLIED 3,
// ATTENDED 4, PURCHASED 8, REFERRED 6, CONTACTED 0).
#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = grpc::StatusCode;

double Decayed(double weight, absl::Time at, absl::Time now, absl::Duration half_life) {
  return weight * std::exp2(-absl::FDivDuration(now - at, half_life));
}

// Whole seconds, so stored timestamps compare exactly.
absl::Time NowSeconds() { return absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())); }

std::vector<std::string> RankedIds(const std::vector<mv1::RankedContact>& contacts) {
  std::vector<std::string> ids;
  for (const auto& c : contacts) ids.push_back(c.member().id());
  return ids;
}

std::map<mv1::InteractionKind, int64_t> Counts(const mv1::RankedContact& contact) {
  std::map<mv1::InteractionKind, int64_t> counts;
  for (const auto& c : contact.counts()) {
    EXPECT_GE(c.count(), 0);
    EXPECT_EQ(counts.count(c.kind()), 0u) << "kind listed twice: " << c.kind();
    if (c.count() > 0) counts[c.kind()] = c.count();
  }
  return counts;
}

class InteractionsTest : public MembershipIntegrationTest {
 protected:
  static mv1::Member New(int i) {
    return MustCreate(fixture(), MakeMember(absl::StrCat("contact ", i), "",
                                            absl::StrCat("c", i, "@example.com")));
  }
  static void Record(const std::string& id, mv1::InteractionKind kind, absl::Time at,
                     int times = 1) {
    for (int i = 0; i < times; ++i) {
      ASSERT_GRPC_OK(RecordInteraction(fixture(), id, kind, at)) << kind;
    }
  }
};

TEST_F(InteractionsTest, RecordReturnsTheInteractionAndUpdatesTheMember) {
  mv1::Member m = New(1);
  const absl::Time now = NowSeconds();
  mv1::RecordInteractionRequest r;
  r.set_request_id(NewRequestId());
  r.set_member_id(m.id());
  r.set_kind(mv1::COMMENTED);
  *r.mutable_at() = ToProto(now - absl::Hours(2));
  r.set_note("commented on the post about 读书");
  mv1::Interaction recorded;
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), r, &recorded));
  EXPECT_FALSE(recorded.id().empty());
  EXPECT_EQ(recorded.member_id(), m.id());
  EXPECT_EQ(recorded.kind(), mv1::COMMENTED);
  EXPECT_EQ(FromProto(recorded.at()), now - absl::Hours(2));
  EXPECT_EQ(recorded.note(), "commented on the post about 读书");

  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  ASSERT_TRUE(got.has_last_interaction_at());
  EXPECT_EQ(FromProto(got.last_interaction_at()), now - absl::Hours(2));
  EXPECT_FALSE(got.has_last_contacted_at());

  // An older interaction does not move last_interaction_at back.
  Record(m.id(), mv1::LIKED, now - absl::Hours(5));
  // The operator's own touch sets last_contacted_at.
  Record(m.id(), mv1::CONTACTED, now - absl::Hours(3));
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  EXPECT_EQ(FromProto(got.last_interaction_at()), now - absl::Hours(2));
  ASSERT_TRUE(got.has_last_contacted_at());
  EXPECT_EQ(FromProto(got.last_contacted_at()), now - absl::Hours(3));
  // An older CONTACTED does not move last_contacted_at back either.
  Record(m.id(), mv1::CONTACTED, now - absl::Hours(30));
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  EXPECT_EQ(FromProto(got.last_contacted_at()), now - absl::Hours(3));
}

TEST_F(InteractionsTest, AtDefaultsToNowAndMayNotBeMoreThanFiveMinutesAhead) {
  mv1::Member m = New(1);
  mv1::RecordInteractionRequest r;
  r.set_request_id(NewRequestId());
  r.set_member_id(m.id());
  r.set_kind(mv1::LIKED);
  const absl::Time before = absl::Now() - absl::Seconds(1);
  mv1::Interaction recorded;
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), r, &recorded));
  ASSERT_TRUE(recorded.has_at());
  EXPECT_GE(FromProto(recorded.at()), before);
  EXPECT_LE(FromProto(recorded.at()), absl::Now() + absl::Seconds(1));

  r.set_request_id(NewRequestId());
  *r.mutable_at() = ToProto(absl::Now() + absl::Minutes(1));
  EXPECT_GRPC_OK(stub().RecordInteraction(Ctx().get(), r, &recorded));
  r.set_request_id(NewRequestId());
  *r.mutable_at() = ToProto(absl::Now() + absl::Minutes(6));
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &recorded),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "at"));
}

TEST_F(InteractionsTest, RecordRejectsBadInput) {
  mv1::Member m = New(1);
  auto request = [&m] {
    mv1::RecordInteractionRequest r;
    r.set_request_id(NewRequestId());
    r.set_member_id(m.id());
    r.set_kind(mv1::LIKED);
    *r.mutable_at() = ToProto(absl::Now() - absl::Hours(1));
    return r;
  };
  struct Case {
    std::string label;
    std::string field;
    std::function<void(mv1::RecordInteractionRequest&)> edit;
  };
  const std::vector<Case> cases = {
      {"unspecified kind", "kind", [](auto& r) { r.set_kind(mv1::INTERACTION_KIND_UNSPECIFIED); }},
      {"unknown kind", "kind", [](auto& r) { r.set_kind(static_cast<mv1::InteractionKind>(99)); }},
      {"note too long", "note", [](auto& r) { r.set_note(std::string(4001, 'n')); }},
      {"no member", "member_id", [](auto& r) { r.set_member_id(""); }},
      {"member id too long", "member_id", [](auto& r) { r.set_member_id(std::string(65, 'm')); }},
      {"no request id", "request_id", [](auto& r) { r.set_request_id(""); }},
      {"request id too long", "request_id",
       [](auto& r) { r.set_request_id(std::string(129, 'r')); }},
  };
  mv1::Interaction out;
  for (const Case& c : cases) {
    mv1::RecordInteractionRequest r = request();
    c.edit(r);
    EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &out),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field))
        << c.label;
  }
  mv1::RecordInteractionRequest unknown = request();
  unknown.set_member_id(UnknownIdLike(m.id()));
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), unknown, &out), HasCode(Code::NOT_FOUND));

  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  EXPECT_FALSE(got.has_last_interaction_at());
  // A note of exactly 4000 bytes is fine.
  mv1::RecordInteractionRequest at_limit = request();
  at_limit.set_note(std::string(4000, 'n'));
  EXPECT_GRPC_OK(stub().RecordInteraction(Ctx().get(), at_limit, &out));
}

TEST_F(InteractionsTest, RetryWithTheSameRequestIdDoesNotDoubleApply) {
  mv1::Member m = New(1);
  const absl::Time at = NowSeconds() - absl::Hours(1);
  mv1::RecordInteractionRequest r;
  r.set_request_id("interaction-1");
  r.set_member_id(m.id());
  r.set_kind(mv1::PURCHASED);
  *r.mutable_at() = ToProto(at);
  mv1::Interaction first, second;
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), r, &first));
  ASSERT_GRPC_OK(stub().RecordInteraction(Ctx().get(), r, &second));
  EXPECT_THAT(second, EqualsProto(first));

  r.set_kind(mv1::LIKED);
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &second), HasCode(Code::ALREADY_EXISTS));
  r.set_kind(mv1::PURCHASED);
  r.set_note("different");
  EXPECT_THAT(stub().RecordInteraction(Ctx().get(), r, &second), HasCode(Code::ALREADY_EXISTS));

  mv1::ListInteractionsRequest list;
  list.set_member_id(m.id());
  mv1::ListInteractionsResponse listed;
  ASSERT_GRPC_OK(stub().ListInteractions(Ctx().get(), list, &listed));
  ASSERT_THAT(listed.interactions(), SizeIs(1));
  EXPECT_THAT(listed.interactions(0), EqualsProto(first));

  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(1));
  EXPECT_EQ(Counts((*ranked)[0]), (std::map<mv1::InteractionKind, int64_t>{{mv1::PURCHASED, 1}}));
  const double expected = Decayed(8, at, absl::Now(), absl::Hours(24 * 30));
  EXPECT_NEAR((*ranked)[0].warmth(), expected, expected * 1e-5);
}

TEST_F(InteractionsTest, ListInteractionsIsNewestFirstAndPages) {
  mv1::Member m = New(1);
  mv1::Member other = New(2);
  const absl::Time now = NowSeconds();
  // Recorded out of order; listed by `at`, newest first.
  const std::vector<int> hours_ago = {5, 1, 7, 3, 2, 6, 4};
  for (int h : hours_ago) Record(m.id(), mv1::LIKED, now - absl::Hours(h));
  Record(other.id(), mv1::LIKED, now);

  std::vector<absl::Time> seen;
  std::set<std::string> ids;
  mv1::ListInteractionsRequest r;
  r.set_member_id(m.id());
  r.set_page_size(3);
  std::vector<int> page_sizes;
  while (true) {
    mv1::ListInteractionsResponse response;
    ASSERT_GRPC_OK(stub().ListInteractions(Ctx().get(), r, &response));
    page_sizes.push_back(response.interactions_size());
    for (const auto& i : response.interactions()) {
      EXPECT_EQ(i.member_id(), m.id());
      EXPECT_TRUE(ids.insert(i.id()).second) << "listed twice: " << i.id();
      seen.push_back(FromProto(i.at()));
    }
    if (response.next_page_token().empty()) break;
    ASSERT_LT(page_sizes.size(), 5u);
    r.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(page_sizes, ElementsAre(3, 3, 1));
  std::vector<absl::Time> expected;
  for (int h = 1; h <= 7; ++h) expected.push_back(now - absl::Hours(h));
  EXPECT_EQ(seen, expected);

  mv1::ListInteractionsResponse response;
  for (int bad : {-1, 501}) {
    mv1::ListInteractionsRequest b;
    b.set_member_id(m.id());
    b.set_page_size(bad);
    EXPECT_THAT(stub().ListInteractions(Ctx().get(), b, &response),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_size"));
  }
  mv1::ListInteractionsRequest bad_token;
  bad_token.set_member_id(m.id());
  bad_token.set_page_token("not-a-token");
  EXPECT_THAT(stub().ListInteractions(Ctx().get(), bad_token, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"));
  mv1::ListInteractionsRequest no_member;
  EXPECT_THAT(stub().ListInteractions(Ctx().get(), no_member, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  mv1::ListInteractionsRequest unknown;
  unknown.set_member_id(UnknownIdLike(m.id()));
  EXPECT_THAT(stub().ListInteractions(Ctx().get(), unknown, &response), HasCode(Code::NOT_FOUND));
}

TEST_F(InteractionsTest, SetContactPreferenceIsStoredAndIdempotent) {
  mv1::Member m = New(1);
  mv1::SetContactPreferenceRequest r;
  r.set_request_id("pref-1");
  r.set_member_id(m.id());
  r.set_do_not_contact(true);
  r.set_do_not_contact_reason("请不要再联系我");
  r.set_preferred_channel(mv1::CHANNEL_WECHAT);
  const absl::Time before = absl::Now() - absl::Seconds(1);
  mv1::ContactPreference set, again;
  ASSERT_GRPC_OK(stub().SetContactPreference(Ctx().get(), r, &set));
  EXPECT_EQ(set.member_id(), m.id());
  EXPECT_TRUE(set.do_not_contact());
  EXPECT_EQ(set.do_not_contact_reason(), "请不要再联系我");
  EXPECT_EQ(set.preferred_channel(), mv1::CHANNEL_WECHAT);
  ASSERT_TRUE(set.has_updated_at());
  EXPECT_GE(FromProto(set.updated_at()), before);

  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  EXPECT_THAT(got.preference(), EqualsProto(set));

  ASSERT_GRPC_OK(stub().SetContactPreference(Ctx().get(), r, &again));
  EXPECT_THAT(again, EqualsProto(set));
  r.set_preferred_channel(mv1::CHANNEL_EMAIL);
  EXPECT_THAT(stub().SetContactPreference(Ctx().get(), r, &again), HasCode(Code::ALREADY_EXISTS));

  struct Case {
    std::string label;
    std::string field;
    std::function<void(mv1::SetContactPreferenceRequest&)> edit;
  };
  const std::vector<Case> cases = {
      {"reason too long", "do_not_contact_reason",
       [](auto& x) { x.set_do_not_contact_reason(std::string(4001, 'r')); }},
      {"unknown channel", "preferred_channel",
       [](auto& x) { x.set_preferred_channel(static_cast<mv1::Channel>(9)); }},
      {"no member", "member_id", [](auto& x) { x.set_member_id(""); }},
      {"no request id", "request_id", [](auto& x) { x.set_request_id(""); }},
  };
  for (const Case& c : cases) {
    mv1::SetContactPreferenceRequest b = r;
    b.set_request_id(NewRequestId());
    c.edit(b);
    EXPECT_THAT(stub().SetContactPreference(Ctx().get(), b, &again),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field))
        << c.label;
  }
  mv1::SetContactPreferenceRequest unknown = r;
  unknown.set_request_id(NewRequestId());
  unknown.set_member_id(UnknownIdLike(m.id()));
  EXPECT_THAT(stub().SetContactPreference(Ctx().get(), unknown, &again), HasCode(Code::NOT_FOUND));
  ASSERT_GRPC_OK(GetMember(fixture(), m.id(), &got));
  EXPECT_THAT(got.preference(), EqualsProto(set));
}

class RankTest : public InteractionsTest {};

TEST_F(RankTest, OrdersByDecayedWarmthPerTheFormula) {
  const absl::Duration half_life = absl::Hours(24 * 30);
  const absl::Time now = NowSeconds();
  mv1::Member old_heavy = New(1), recent_light = New(2), ancient = New(3), old_medium = New(4);
  Record(old_heavy.id(), mv1::COMMENTED, now - absl::Hours(24 * 45), 4);
  Record(recent_light.id(), mv1::COMMENTED, now - absl::Hours(24 * 1));
  Record(ancient.id(), mv1::COMMENTED, now - absl::Hours(24 * 90));
  Record(old_medium.id(), mv1::COMMENTED, now - absl::Hours(24 * 75), 2);

  const absl::Time before = absl::Now();
  auto ranked = RankAll(fixture(), {}, 50);
  const absl::Time at = before + (absl::Now() - before) / 2;
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  // 4*2*2^-1.5 = 2.83 > 2*2^-(1/30) = 1.95 > 2*2*2^-2.5 = 0.71 > 2*2^-3 = 0.25
  EXPECT_THAT(RankedIds(*ranked),
              ElementsAre(old_heavy.id(), recent_light.id(), old_medium.id(), ancient.id()));
  ASSERT_THAT(*ranked, SizeIs(4));
  const std::vector<double> expected = {
      4 * Decayed(2, now - absl::Hours(24 * 45), at, half_life),
      Decayed(2, now - absl::Hours(24 * 1), at, half_life),
      2 * Decayed(2, now - absl::Hours(24 * 75), at, half_life),
      Decayed(2, now - absl::Hours(24 * 90), at, half_life),
  };
  const std::vector<int64_t> counts = {4, 1, 2, 1};
  const std::vector<int> days = {45, 1, 75, 90};
  for (size_t i = 0; i < expected.size(); ++i) {
    const mv1::RankedContact& c = (*ranked)[i];
    EXPECT_NEAR(c.warmth(), expected[i], expected[i] * 1e-5) << i;
    EXPECT_EQ(Counts(c), (std::map<mv1::InteractionKind, int64_t>{{mv1::COMMENTED, counts[i]}}))
        << i;
    EXPECT_EQ(FromProto(c.last_interaction_at()), now - absl::Hours(24 * days[i])) << i;
    EXPECT_EQ(c.days_since_contacted(), -1) << i;
  }
}

TEST_F(RankTest, ReasonsCountEachKindAndCarryTheConnectionPoint) {
  const absl::Duration half_life = absl::Hours(24 * 30);
  const absl::Time now = NowSeconds();
  mv1::Member m = MakeMember("小源", "", "xiaoyuan@example.com");
  m.mutable_connection_point()->set_description("小源说说 第2期");
  *m.mutable_connection_point()->mutable_at() = ToProto(absl::FromUnixSeconds(1700000000));
  mv1::Member created = MustCreate(fixture(), m);
  Record(created.id(), mv1::LIKED, now - absl::Hours(24 * 10), 3);
  Record(created.id(), mv1::COMMENTED, now - absl::Hours(24 * 20), 2);
  Record(created.id(), mv1::PURCHASED, now - absl::Hours(24 * 40));
  Record(created.id(), mv1::REFERRED, now - absl::Hours(24 * 5));
  Record(created.id(), mv1::ATTENDED, now - absl::Hours(24 * 12));
  Record(created.id(), mv1::REPLIED, now - absl::Hours(24 * 2));

  const absl::Time before = absl::Now();
  auto ranked = RankAll(fixture(), {}, 50);
  const absl::Time at = before + (absl::Now() - before) / 2;
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(1));
  const mv1::RankedContact& c = (*ranked)[0];
  EXPECT_EQ(Counts(c), (std::map<mv1::InteractionKind, int64_t>{{mv1::LIKED, 3},
                                                                {mv1::COMMENTED, 2},
                                                                {mv1::PURCHASED, 1},
                                                                {mv1::REFERRED, 1},
                                                                {mv1::ATTENDED, 1},
                                                                {mv1::REPLIED, 1}}));
  const double expected = 3 * Decayed(1, now - absl::Hours(24 * 10), at, half_life) +
                          2 * Decayed(2, now - absl::Hours(24 * 20), at, half_life) +
                          Decayed(8, now - absl::Hours(24 * 40), at, half_life) +
                          Decayed(6, now - absl::Hours(24 * 5), at, half_life) +
                          Decayed(4, now - absl::Hours(24 * 12), at, half_life) +
                          Decayed(3, now - absl::Hours(24 * 2), at, half_life);
  EXPECT_NEAR(c.warmth(), expected, expected * 1e-5);
  EXPECT_EQ(FromProto(c.last_interaction_at()), now - absl::Hours(24 * 2));
  EXPECT_EQ(c.member().id(), created.id());
  EXPECT_EQ(c.member().name(), "小源");
  EXPECT_EQ(c.member().connection_point().description(), "小源说说 第2期");
  EXPECT_EQ(c.member().connection_point().at().seconds(), 1700000000);
  EXPECT_EQ(c.days_since_contacted(), -1);
}

TEST_F(RankTest, RecordingAnInteractionMovesAContactUp) {
  const absl::Duration half_life = absl::Hours(24 * 30);
  const absl::Time now = NowSeconds();
  mv1::Member a = New(1), b = New(2);
  Record(a.id(), mv1::LIKED, now - absl::Hours(24 * 3));
  Record(b.id(), mv1::REPLIED, now - absl::Hours(24 * 3));
  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(b.id(), a.id()));

  Record(a.id(), mv1::PURCHASED, now - absl::Hours(1));
  ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(a.id(), b.id()));
  const double expected = Decayed(1, now - absl::Hours(24 * 3), absl::Now(), half_life) +
                          Decayed(8, now - absl::Hours(1), absl::Now(), half_life);
  EXPECT_NEAR((*ranked)[0].warmth(), expected, expected * 1e-5);
  mv1::Member got;
  ASSERT_GRPC_OK(GetMember(fixture(), a.id(), &got));
  EXPECT_EQ(FromProto(got.last_interaction_at()), now - absl::Hours(1));
}

TEST_F(RankTest, SkipsDoNotContactUntilItIsCleared) {
  const absl::Time now = NowSeconds();
  mv1::Member a = New(1), b = New(2), c = New(3);
  Record(a.id(), mv1::PURCHASED, now - absl::Hours(1));
  Record(b.id(), mv1::REPLIED, now - absl::Hours(1));
  Record(c.id(), mv1::LIKED, now - absl::Hours(1));
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), a.id(), true));
  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(b.id(), c.id()));
  // With page size 1 the skipped contact leaves no hole and no duplicate.
  ranked = RankAll(fixture(), {}, 1);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(b.id(), c.id()));

  // Interactions recorded while do-not-contact still count once it is cleared.
  Record(a.id(), mv1::LIKED, now - absl::Hours(2));
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), a.id(), false));
  ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(a.id(), b.id(), c.id()));
  EXPECT_EQ(Counts((*ranked)[0]),
            (std::map<mv1::InteractionKind, int64_t>{{mv1::PURCHASED, 1}, {mv1::LIKED, 1}}));
}

TEST_F(RankTest, HonoursMinDaysSinceContacted) {
  const absl::Time now = NowSeconds();
  mv1::Member recent = New(1), long_ago = New(2), never = New(3);
  Record(recent.id(), mv1::PURCHASED, now - absl::Hours(1));
  Record(long_ago.id(), mv1::REPLIED, now - absl::Hours(1));
  Record(never.id(), mv1::LIKED, now - absl::Hours(1));
  Record(recent.id(), mv1::CONTACTED, now - absl::Hours(24 * 3 + 1));
  Record(long_ago.id(), mv1::CONTACTED, now - absl::Hours(24 * 20 + 1));

  mv1::RankContactsRequest request;
  request.set_min_days_since_contacted(14);
  auto ranked = RankAll(fixture(), request, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(long_ago.id(), never.id()));
  ASSERT_THAT(*ranked, SizeIs(2));
  EXPECT_EQ((*ranked)[0].days_since_contacted(), 20);
  EXPECT_EQ((*ranked)[1].days_since_contacted(), -1);

  request.set_min_days_since_contacted(3);
  ranked = RankAll(fixture(), request, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(recent.id(), long_ago.id(), never.id()));
  request.set_min_days_since_contacted(4);
  ranked = RankAll(fixture(), request, 1);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_THAT(RankedIds(*ranked), ElementsAre(long_ago.id(), never.id()));

  request.set_min_days_since_contacted(0);
  ranked = RankAll(fixture(), request, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(RankedIds(*ranked), ElementsAre(recent.id(), long_ago.id(), never.id()));
  EXPECT_EQ((*ranked)[0].days_since_contacted(), 3);

  mv1::RankContactsResponse response;
  request.set_min_days_since_contacted(-1);
  EXPECT_THAT(stub().RankContacts(Ctx().get(), request, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "min_days_since_contacted"));
}

TEST_F(RankTest, HonoursExcludeIdsStageAndTag) {
  const absl::Time now = NowSeconds();
  struct Spec {
    mv1::Stage stage;
    std::string tag;
  };
  const std::vector<Spec> specs = {{mv1::STAGE_LEAD, "vip"}, {mv1::STAGE_CONTACT, "vip"},
                                   {mv1::STAGE_LEAD, ""},    {mv1::STAGE_MEMBER, "vip"},
                                   {mv1::STAGE_LEAD, "vip"}, {mv1::STAGE_CONTACT, ""}};
  std::vector<std::string> ids;
  for (size_t i = 0; i < specs.size(); ++i) {
    mv1::Member m = MakeMember(absl::StrCat("c", i), "", absl::StrCat("c", i, "@example.com"));
    m.set_stage(specs[i].stage);
    if (!specs[i].tag.empty()) m.add_tags(specs[i].tag);
    ids.push_back(MustCreate(fixture(), m).id());
    // Warmest first: member i's only interaction is i hours old.
    Record(ids.back(), mv1::REPLIED, now - absl::Hours(1 + static_cast<int>(i)));
  }
  auto rank = [&](std::function<void(mv1::RankContactsRequest&)> edit, int page_size) {
    mv1::RankContactsRequest r;
    edit(r);
    auto ranked = RankAll(fixture(), r, page_size);
    EXPECT_TRUE(ranked.ok()) << ranked.status();
    return ranked.ok() ? RankedIds(*ranked) : std::vector<std::string>{};
  };
  for (int page_size : {1, 2, 50}) {
    SCOPED_TRACE(absl::StrCat("page size ", page_size));
    EXPECT_THAT(rank([](auto&) {}, page_size),
                ElementsAre(ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]));
    EXPECT_THAT(rank(
                    [&](auto& r) {
                      r.add_exclude_ids(ids[0]);
                      r.add_exclude_ids(ids[3]);
                      r.add_exclude_ids(UnknownIdLike(ids[0]));
                    },
                    page_size),
                ElementsAre(ids[1], ids[2], ids[4], ids[5]));
    EXPECT_THAT(rank([](auto& r) { r.set_stage(mv1::STAGE_LEAD); }, page_size),
                ElementsAre(ids[0], ids[2], ids[4]));
    EXPECT_THAT(rank([](auto& r) { r.set_tag("vip"); }, page_size),
                ElementsAre(ids[0], ids[1], ids[3], ids[4]));
    EXPECT_THAT(rank(
                    [&](auto& r) {
                      r.set_tag("vip");
                      r.set_stage(mv1::STAGE_LEAD);
                      r.add_exclude_ids(ids[0]);
                    },
                    page_size),
                ElementsAre(ids[4]));
    EXPECT_THAT(rank([](auto& r) { r.set_tag("nobody"); }, page_size), IsEmpty());
  }

  mv1::RankContactsRequest too_many;
  for (int i = 0; i < 1001; ++i) too_many.add_exclude_ids(UnknownIdLike(ids[0], i % 1000));
  mv1::RankContactsResponse response;
  EXPECT_THAT(stub().RankContacts(Ctx().get(), too_many, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "exclude_ids"));
  too_many.mutable_exclude_ids()->RemoveLast();
  EXPECT_GRPC_OK(stub().RankContacts(Ctx().get(), too_many, &response));
  mv1::RankContactsRequest bad_id;
  bad_id.add_exclude_ids("");
  EXPECT_THAT(stub().RankContacts(Ctx().get(), bad_id, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "exclude_ids"));
}

TEST_F(RankTest, PagesWithoutDuplicatesOrGaps) {
  const absl::Time now = NowSeconds();
  std::vector<std::string> ids;
  for (int i = 0; i < 25; ++i) {
    mv1::Member m = New(i);
    if (i % 3 == 0) {
      mv1::UpdateMemberRequest tag;
      tag.set_request_id(NewRequestId());
      tag.mutable_member()->set_id(m.id());
      tag.mutable_member()->add_tags("third");
      tag.mutable_update_mask()->add_paths("tags");
      mv1::Member ignored;
      ASSERT_GRPC_OK(stub().UpdateMember(Ctx().get(), tag, &ignored));
    }
    ids.push_back(m.id());
    Record(m.id(), mv1::ATTENDED, now - absl::Hours(i + 1));
  }
  mv1::RankContactsRequest request;
  request.set_page_size(10);
  std::vector<std::string> seen;
  std::vector<int> page_sizes;
  double previous = std::numeric_limits<double>::infinity();
  while (true) {
    mv1::RankContactsResponse response;
    ASSERT_GRPC_OK(stub().RankContacts(Ctx().get(), request, &response));
    page_sizes.push_back(response.contacts_size());
    for (const auto& c : response.contacts()) {
      seen.push_back(c.member().id());
      EXPECT_LT(c.warmth(), previous);
      previous = c.warmth();
    }
    if (response.next_page_token().empty()) break;
    ASSERT_LT(page_sizes.size(), 5u);
    request.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(page_sizes, ElementsAre(10, 10, 5));
  EXPECT_EQ(seen, ids);

  mv1::RankContactsRequest tagged;
  tagged.set_tag("third");
  auto ranked = RankAll(fixture(), tagged, 2);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  std::vector<std::string> expected;
  for (int i = 0; i < 25; i += 3) expected.push_back(ids[i]);
  EXPECT_EQ(RankedIds(*ranked), expected);

  // Default page size 50.
  mv1::RankContactsResponse response;
  ASSERT_GRPC_OK(stub().RankContacts(Ctx().get(), mv1::RankContactsRequest(), &response));
  EXPECT_EQ(response.contacts_size(), 25);
  EXPECT_EQ(response.next_page_token(), "");
}

TEST_F(RankTest, RejectsBadPageSizeAndToken) {
  mv1::RankContactsResponse response;
  for (int bad : {-1, 501}) {
    mv1::RankContactsRequest r;
    r.set_page_size(bad);
    EXPECT_THAT(stub().RankContacts(Ctx().get(), r, &response),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_size"))
        << bad;
  }
  for (const std::string& token : std::vector<std::string>{"garbage", "%%%", "0"}) {
    mv1::RankContactsRequest r;
    r.set_page_token(token);
    EXPECT_THAT(stub().RankContacts(Ctx().get(), r, &response),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"))
        << token;
  }
  mv1::RankContactsRequest bad_stage;
  bad_stage.set_stage(static_cast<mv1::Stage>(42));
  EXPECT_THAT(stub().RankContacts(Ctx().get(), bad_stage, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "stage"));
  mv1::RankContactsRequest bad_tag;
  bad_tag.set_tag("a,b");
  EXPECT_THAT(stub().RankContacts(Ctx().get(), bad_tag, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "tag"));
}

TEST_F(RankTest, ContactsWithoutInteractionsComeAfterWarmOnesNewestFirst) {
  const absl::Time now = NowSeconds();
  mv1::Member cold1 = New(1);
  mv1::Member warm_low = New(2);
  mv1::Member cold2 = New(3);
  mv1::Member warm_high = New(4);
  mv1::Member cold3 = New(5);
  mv1::Member cold_dnc = New(6);
  Record(warm_low.id(), mv1::LIKED, now - absl::Hours(24 * 60));
  Record(warm_high.id(), mv1::LIKED, now - absl::Hours(1));
  ASSERT_GRPC_OK(SetDoNotContact(fixture(), cold_dnc.id(), true));
  for (int page_size : {1, 2, 50}) {
    auto ranked = RankAll(fixture(), {}, page_size);
    ASSERT_TRUE(ranked.ok()) << ranked.status();
    EXPECT_THAT(RankedIds(*ranked),
                ElementsAre(warm_high.id(), warm_low.id(), cold3.id(), cold2.id(), cold1.id()))
        << "page size " << page_size;
    if (ranked->size() != 5) continue;
    for (size_t i = 2; i < 5; ++i) {
      EXPECT_EQ((*ranked)[i].warmth(), 0.0);
      EXPECT_THAT(Counts((*ranked)[i]), IsEmpty());
      EXPECT_FALSE((*ranked)[i].has_last_interaction_at());
      EXPECT_EQ((*ranked)[i].days_since_contacted(), -1);
    }
  }
}

TEST_F(InteractionsTest, KeepsTheNewest1000InteractionsButCountsEveryOne) {
  mv1::Member m = New(1);
  const absl::Time now = NowSeconds();
  for (int i = 0; i < 1005; ++i) {
    Record(m.id(), i < 5 ? mv1::REPLIED : mv1::LIKED, now - absl::Minutes(2000 - i));
    if (HasFatalFailure()) return;
  }
  size_t listed = 0;
  absl::Time oldest = absl::InfiniteFuture();
  mv1::ListInteractionsRequest r;
  r.set_member_id(m.id());
  r.set_page_size(500);
  while (true) {
    mv1::ListInteractionsResponse response;
    ASSERT_GRPC_OK(stub().ListInteractions(Ctx().get(), r, &response));
    for (const auto& i : response.interactions()) {
      ++listed;
      oldest = std::min(oldest, FromProto(i.at()));
      EXPECT_EQ(i.kind(), mv1::LIKED);  // the five REPLIED ones were the oldest
    }
    if (response.next_page_token().empty()) break;
    ASSERT_LT(listed, 2000u);
    r.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(listed, 1000u);
  EXPECT_EQ(oldest, now - absl::Minutes(2000 - 5));
  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(1));
  EXPECT_EQ(Counts((*ranked)[0]),
            (std::map<mv1::InteractionKind, int64_t>{{mv1::REPLIED, 5}, {mv1::LIKED, 1000}}));
}

// The half-life comes from MembershipOptions: with 10 days, a 10-day-old interaction counts half.
TEST(RankHalfLifeTest, UsesTheConfiguredHalfLife) {
  MembershipFixtureOptions options;
  options.membership.warmth_half_life = absl::Hours(24 * 10);
  auto started = MembershipFixture::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  MembershipFixture& f = **started;
  const absl::Time now = NowSeconds();
  mv1::Member fresh = MustCreate(f, MakeMember("fresh", "", "fresh@example.com"));
  mv1::Member older = MustCreate(f, MakeMember("older", "", "older@example.com"));
  mv1::Member oldest = MustCreate(f, MakeMember("oldest", "", "oldest@example.com"));
  ASSERT_GRPC_OK(RecordInteraction(f, fresh.id(), mv1::COMMENTED, now));
  ASSERT_GRPC_OK(RecordInteraction(f, older.id(), mv1::COMMENTED, now - absl::Hours(24 * 10)));
  ASSERT_GRPC_OK(RecordInteraction(f, oldest.id(), mv1::COMMENTED, now - absl::Hours(24 * 30)));
  auto ranked = RankAll(f, {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(RankedIds(*ranked), ElementsAre(fresh.id(), older.id(), oldest.id()));
  const double fresh_warmth = (*ranked)[0].warmth();
  EXPECT_NEAR(fresh_warmth, 2.0, 2.0 * 1e-4);  // seconds old: 2 * 2^-(s / 10 days)
  EXPECT_NEAR((*ranked)[1].warmth() / fresh_warmth, 0.5, 1e-6);
  EXPECT_NEAR((*ranked)[2].warmth() / fresh_warmth, 0.125, 1e-6);
}

}  // namespace
}  // namespace dunbar::testing
