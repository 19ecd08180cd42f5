// Redis going away under a running service: every RPC answers UNAVAILABLE quickly (no crash, no
// hang), health turns NOT_SERVING, and when Redis comes back on the same data dir the service
// recovers by itself (scripts reloaded after NOSCRIPT) with every acknowledged write intact.
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::SizeIs;
using Code = grpc::StatusCode;

// Polls `condition` until it holds or `timeout` passes. Redis and the health loop run on their own
// clocks and offer no notification, so polling the observable condition is the wait.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

using Call = std::function<grpc::Status(MembershipFixture&, const std::string& member_id)>;

// One call per RPC (all of them), acting on an existing member.
std::map<std::string, Call> EveryRpc() {
  auto ctx = [](MembershipFixture& f) { return f.Context(Caller::kAcme, absl::Seconds(5)); };
  return {
      {"CreateMember",
       [ctx](MembershipFixture& f, const std::string&) {
         mv1::CreateMemberRequest r;
         r.set_request_id(NewRequestId());
         *r.mutable_member() = MakeMember("During outage", "", NewRequestId() + "@example.com");
         mv1::Member out;
         return f.stub().CreateMember(ctx(f).get(), r, &out);
       }},
      {"GetMember",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::GetMemberRequest r;
         r.set_member_id(id);
         mv1::Member out;
         return f.stub().GetMember(ctx(f).get(), r, &out);
       }},
      {"BatchGetMembers",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::BatchGetMembersRequest r;
         r.add_member_ids(id);
         mv1::BatchGetMembersResponse out;
         return f.stub().BatchGetMembers(ctx(f).get(), r, &out);
       }},
      {"UpdateMember",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::UpdateMemberRequest r;
         r.set_request_id(NewRequestId());
         r.mutable_member()->set_id(id);
         r.mutable_member()->set_notes("updated");
         r.mutable_update_mask()->add_paths("notes");
         mv1::Member out;
         return f.stub().UpdateMember(ctx(f).get(), r, &out);
       }},
      {"DeleteMember",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::DeleteMemberRequest r;
         r.set_request_id(NewRequestId());
         r.set_member_id(UnknownIdLike(id));
         mv1::DeleteMemberResponse out;
         return f.stub().DeleteMember(ctx(f).get(), r, &out);
       }},
      {"ListMembers",
       [ctx](MembershipFixture& f, const std::string&) {
         mv1::ListMembersResponse out;
         return f.stub().ListMembers(ctx(f).get(), mv1::ListMembersRequest(), &out);
       }},
      {"FindMemberByHandle",
       [ctx](MembershipFixture& f, const std::string&) {
         mv1::FindMemberByHandleRequest r;
         r.set_kind(mv1::HANDLE_PHONE);
         r.set_value("13800138000");
         mv1::Member out;
         return f.stub().FindMemberByHandle(ctx(f).get(), r, &out);
       }},
      {"ImportContacts",
       [](MembershipFixture& f, const std::string&) {
         mv1::ImportRow row;
         row.set_name("Imported during outage");
         row.set_email(NewRequestId() + "@example.com");
         return Import(f, NewRequestId(), {row}, nullptr);
       }},
      {"RecordInteraction",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::RecordInteractionRequest r;
         r.set_request_id(NewRequestId());
         r.set_member_id(id);
         r.set_kind(mv1::LIKED);
         mv1::Interaction out;
         return f.stub().RecordInteraction(ctx(f).get(), r, &out);
       }},
      {"ListInteractions",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::ListInteractionsRequest r;
         r.set_member_id(id);
         mv1::ListInteractionsResponse out;
         return f.stub().ListInteractions(ctx(f).get(), r, &out);
       }},
      {"RankContacts",
       [ctx](MembershipFixture& f, const std::string&) {
         mv1::RankContactsResponse out;
         return f.stub().RankContacts(ctx(f).get(), mv1::RankContactsRequest(), &out);
       }},
      {"SetContactPreference",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::SetContactPreferenceRequest r;
         r.set_request_id(NewRequestId());
         r.set_member_id(id);
         r.set_preferred_channel(mv1::CHANNEL_PHONE);
         mv1::ContactPreference out;
         return f.stub().SetContactPreference(ctx(f).get(), r, &out);
       }},
      {"GrantEntitlement",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::GrantEntitlementRequest r;
         r.set_member_id(id);
         r.set_program_id("deep-work");
         r.set_order_id("order-" + NewRequestId());
         r.set_amount_minor(100);
         r.set_currency("CNY");
         *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
         mv1::Entitlement out;
         return f.stub().GrantEntitlement(ctx(f).get(), r, &out);
       }},
      {"RevokeEntitlement",
       [ctx](MembershipFixture& f, const std::string&) {
         mv1::RevokeEntitlementRequest r;
         r.set_order_id("order-before-outage");
         r.set_reason("refund");
         mv1::Entitlement out;
         return f.stub().RevokeEntitlement(ctx(f).get(), r, &out);
       }},
      {"ListEntitlements",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::ListEntitlementsRequest r;
         r.set_member_id(id);
         mv1::ListEntitlementsResponse out;
         return f.stub().ListEntitlements(ctx(f).get(), r, &out);
       }},
      {"CheckEntitlement",
       [ctx](MembershipFixture& f, const std::string& id) {
         mv1::CheckEntitlementRequest r;
         r.set_member_id(id);
         r.set_program_id("deep-work");
         mv1::CheckEntitlementResponse out;
         return f.stub().CheckEntitlement(ctx(f).get(), r, &out);
       }},
  };
}

// Members with an interaction each and one entitlement, as acknowledged before an outage.
std::vector<mv1::Member> Populate(MembershipFixture& f, int count) {
  std::vector<mv1::Member> members;
  for (int i = 0; i < count; ++i) {
    mv1::Member m =
        MustCreate(f, MakeMember(absl::StrCat("成员", i), absl::StrCat("1380013", 8000 + i),
                                 absl::StrCat("before", i, "@example.com")));
    EXPECT_GRPC_OK(RecordInteraction(f, m.id(), mv1::REPLIED, absl::Now() - absl::Hours(i + 1)));
    mv1::Member with_interaction;
    EXPECT_GRPC_OK(GetMember(f, m.id(), &with_interaction));
    members.push_back(with_interaction);
  }
  mv1::GrantEntitlementRequest grant;
  grant.set_member_id(members.front().id());
  grant.set_program_id("deep-work");
  grant.set_order_id("order-before-outage");
  grant.set_amount_minor(19900);
  grant.set_currency("CNY");
  *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
  mv1::Entitlement out;
  EXPECT_GRPC_OK(f.stub().GrantEntitlement(f.Context(Caller::kAcme).get(), grant, &out));
  return members;
}

void ExpectAllThere(MembershipFixture& f, const std::vector<mv1::Member>& members) {
  for (const mv1::Member& m : members) {
    mv1::Member got;
    ASSERT_GRPC_OK(GetMember(f, m.id(), &got));
    EXPECT_THAT(got, EqualsProto(m));
    mv1::Member found;
    ASSERT_GRPC_OK(FindByHandle(f, mv1::HANDLE_PHONE, m.phone(), &found));
    EXPECT_EQ(found.id(), m.id());
  }
  auto ranked = RankAll(f, {}, 500);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  std::set<std::string> ranked_ids;
  for (const auto& c : *ranked) ranked_ids.insert(c.member().id());
  for (const mv1::Member& m : members) {
    EXPECT_EQ(ranked_ids.count(m.id()), 1u) << "not ranked after the restart: " << m.id();
  }
  mv1::CheckEntitlementRequest check;
  check.set_member_id(members.front().id());
  check.set_program_id("deep-work");
  mv1::CheckEntitlementResponse checked;
  ASSERT_GRPC_OK(f.stub().CheckEntitlement(f.Context(Caller::kAcme).get(), check, &checked));
  EXPECT_TRUE(checked.entitled());
}

TEST(RedisOutageTest, EveryRpcFailsFastWithUnavailableAndTheServiceRecoversByItself) {
  MembershipFixtureOptions options;
  options.redis_command_timeout = absl::Seconds(1);
  auto started = MembershipFixture::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  MembershipFixture& f = **started;
  const std::vector<mv1::Member> members = Populate(f, 5);
  ASSERT_FALSE(::testing::Test::HasFailure());
  ASSERT_TRUE(f.membership().Probe().ok());
  ASSERT_TRUE(WaitFor([&] { return f.HealthServing().value_or(false); }, absl::Seconds(5)));

  f.StopRedis();
  const auto calls = EveryRpc();
  ASSERT_EQ(calls.size(), 16u);
  // Twice round: the first pass meets dead pooled connections, the second fresh connect failures.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [method, call] : calls) {
      const absl::Time start = absl::Now();
      grpc::Status status = call(f, members.front().id());
      const absl::Duration took = absl::Now() - start;
      EXPECT_THAT(status, HasCode(Code::UNAVAILABLE)) << method << " pass " << pass;
      EXPECT_LT(took, absl::Seconds(3)) << method << " pass " << pass;
      // Redis internals stay in the logs.
      EXPECT_EQ(status.error_message().find(f.redis_process().socket_path()), std::string::npos)
          << method << ": " << status.error_message();
      EXPECT_EQ(status.error_message().find("hiredis"), std::string::npos) << method;
    }
  }
  absl::Status probe = f.membership().Probe();
  EXPECT_EQ(probe.code(), absl::StatusCode::kUnavailable) << probe;
  EXPECT_TRUE(WaitFor([&] { return !f.HealthServing().value_or(true); }, absl::Seconds(5)))
      << "health still SERVING with Redis down";

  // Redis returns on the same dir: the AOF replays; the service was never restarted.
  ASSERT_TRUE(f.RestartRedis().ok());
  EXPECT_TRUE(
      WaitFor([&] { return GetMember(f, members.front().id(), nullptr).ok(); }, absl::Seconds(10)))
      << "the service did not recover within 10 s of Redis coming back";
  ExpectAllThere(f, members);
  // Every RPC works again, scripts included (Redis forgot them: NOSCRIPT -> reload).
  for (const auto& [method, call] : calls) {
    EXPECT_GRPC_OK(call(f, members.front().id())) << method;
  }
  EXPECT_TRUE(f.membership().Probe().ok());
  EXPECT_TRUE(WaitFor([&] { return f.HealthServing().value_or(false); }, absl::Seconds(5)))
      << "health did not return to SERVING";

  // Many connections at once: none of them is a stale one from before the outage.
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back(
        [&, i] { statuses[i] = GetMember(f, members[i % members.size()].id(), nullptr); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 16; ++i) EXPECT_GRPC_OK(statuses[i]) << i;
}

TEST(RedisOutageTest, AcknowledgedWritesSurviveARedisCrash) {
  MembershipFixtureOptions options;
  options.redis_args = {"--appendfsync", "always"};
  auto started = MembershipFixture::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  MembershipFixture& f = **started;
  std::vector<mv1::Member> members = Populate(f, 20);
  std::vector<mv1::ImportRow> rows;
  for (int i = 0; i < 500; ++i) {
    mv1::ImportRow row;
    row.set_name(absl::StrCat("导入", i));
    row.set_email(absl::StrCat("imported", i, "@example.com"));
    rows.push_back(row);
  }
  mv1::ImportContactsResponse imported;
  ASSERT_GRPC_OK(Import(f, NewRequestId(), rows, &imported));
  ASSERT_EQ(imported.created(), 500);
  ASSERT_FALSE(::testing::Test::HasFailure());

  f.KillRedis();  // SIGKILL: no shutdown, no final flush
  ASSERT_TRUE(f.RestartRedis().ok());
  ASSERT_TRUE(
      WaitFor([&] { return GetMember(f, members.front().id(), nullptr).ok(); }, absl::Seconds(10)));
  ExpectAllThere(f, members);
  auto all = ListAllMembers(f, {});
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(*all, SizeIs(520));
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(f, mv1::HANDLE_EMAIL, "imported499@example.com", &found));
  EXPECT_EQ(found.name(), "导入499");
}

class ScriptCacheTest : public MembershipIntegrationTest {};

// Redis can forget scripts at any time (restart, failover, SCRIPT FLUSH): every RPC reloads them.
TEST_F(ScriptCacheTest, EveryRpcWorksRightAfterScriptFlush) {
  mv1::Member m = MustCreate(fixture(), MakeMember("Target", "13800138000"));
  ASSERT_GRPC_OK(RecordInteraction(fixture(), m.id(), mv1::LIKED, absl::Now()));
  mv1::GrantEntitlementRequest grant;
  grant.set_member_id(m.id());
  grant.set_program_id("deep-work");
  grant.set_order_id("order-before-outage");
  grant.set_amount_minor(100);
  grant.set_currency("CNY");
  *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
  mv1::Entitlement granted;
  ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx().get(), grant, &granted));
  for (const auto& [method, call] : EveryRpc()) {
    ASSERT_TRUE(fixture().redis().Command({"SCRIPT", "FLUSH"}).ok());
    EXPECT_GRPC_OK(call(fixture(), m.id())) << method;
  }
  ASSERT_TRUE(fixture().redis().Command({"SCRIPT", "FLUSH"}).ok());
  EXPECT_TRUE(fixture().membership().Probe().ok());
}

}  // namespace
}  // namespace dunbar::testing
