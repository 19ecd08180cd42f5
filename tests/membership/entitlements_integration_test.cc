// Entitlements: grant (idempotent on order id), revoke (refund), list, check.
#include <map>
#include <string>

#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = grpc::StatusCode;

class EntitlementsTest : public MembershipIntegrationTest {
 protected:
  void SetUp() override {
    MembershipIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    member_ = MustCreate(fixture(), MakeMember("Buyer", "13800138000"));
    ASSERT_FALSE(member_.id().empty());
  }

  mv1::GrantEntitlementRequest Grant(const std::string& order_id,
                                     const std::string& program_id = "deep-work") const {
    mv1::GrantEntitlementRequest r;
    r.set_member_id(member_.id());
    r.set_program_id(program_id);
    r.set_order_id(order_id);
    r.set_amount_minor(19900);
    r.set_currency("cny");
    *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
    return r;
  }

  static grpc::Status Call(const mv1::GrantEntitlementRequest& r, mv1::Entitlement* out = nullptr) {
    mv1::Entitlement ignored;
    return stub().GrantEntitlement(Ctx().get(), r, out ? out : &ignored);
  }
  static grpc::Status Revoke(const std::string& order_id, const std::string& reason,
                             mv1::Entitlement* out = nullptr) {
    mv1::RevokeEntitlementRequest r;
    r.set_order_id(order_id);
    r.set_reason(reason);
    mv1::Entitlement ignored;
    return stub().RevokeEntitlement(Ctx().get(), r, out ? out : &ignored);
  }
  mv1::CheckEntitlementResponse Check(const std::string& program_id) const {
    mv1::CheckEntitlementRequest r;
    r.set_member_id(member_.id());
    r.set_program_id(program_id);
    mv1::CheckEntitlementResponse out;
    EXPECT_GRPC_OK(stub().CheckEntitlement(Ctx().get(), r, &out));
    return out;
  }
  std::map<std::string, mv1::Entitlement> List(bool include_revoked) const {
    mv1::ListEntitlementsRequest r;
    r.set_member_id(member_.id());
    r.set_include_revoked(include_revoked);
    mv1::ListEntitlementsResponse out;
    EXPECT_GRPC_OK(stub().ListEntitlements(Ctx().get(), r, &out));
    std::map<std::string, mv1::Entitlement> by_order;
    for (const auto& e : out.entitlements()) {
      EXPECT_TRUE(by_order.emplace(e.order_id(), e).second) << "listed twice: " << e.order_id();
    }
    return by_order;
  }

  mv1::Member member_;
};

TEST_F(EntitlementsTest, GrantReturnsTheEntitlementAndCheckFindsIt) {
  const absl::Time before = absl::Now() - absl::Seconds(1);
  mv1::Entitlement granted;
  ASSERT_GRPC_OK(Call(Grant("order-1"), &granted));
  EXPECT_EQ(granted.tenant(), "acme");
  EXPECT_EQ(granted.member_id(), member_.id());
  EXPECT_EQ(granted.program_id(), "deep-work");
  EXPECT_EQ(granted.order_id(), "order-1");
  EXPECT_EQ(granted.amount_minor(), 19900);
  EXPECT_EQ(granted.currency(), "CNY");
  EXPECT_EQ(granted.paid_at().seconds(), 1717200000);
  EXPECT_FALSE(granted.revoked());
  EXPECT_EQ(granted.revoke_reason(), "");
  EXPECT_FALSE(granted.has_revoked_at());
  ASSERT_TRUE(granted.has_granted_at());
  EXPECT_GE(FromProto(granted.granted_at()), before);
  EXPECT_LE(FromProto(granted.granted_at()), absl::Now() + absl::Seconds(1));

  mv1::CheckEntitlementResponse check = Check("deep-work");
  EXPECT_TRUE(check.entitled());
  EXPECT_EQ(check.order_id(), "order-1");
  check = Check("other-program");
  EXPECT_FALSE(check.entitled());
  EXPECT_EQ(check.order_id(), "");

  auto listed = List(false);
  ASSERT_EQ(listed.count("order-1"), 1u);
  EXPECT_THAT(listed["order-1"], EqualsProto(granted));
}

TEST_F(EntitlementsTest, SameOrderTwiceIsTheSameEntitlementAndDifferentDetailsAreAlreadyExists) {
  mv1::Entitlement first, second;
  ASSERT_GRPC_OK(Call(Grant("order-1"), &first));
  ASSERT_GRPC_OK(Call(Grant("order-1"), &second));
  EXPECT_THAT(second, EqualsProto(first));
  EXPECT_THAT(List(true), SizeIs(1));

  mv1::Member other = MustCreate(fixture(), MakeMember("Other", "13900139000"));
  struct Case {
    std::string label;
    std::function<void(mv1::GrantEntitlementRequest&)> edit;
  };
  const std::vector<Case> cases = {
      {"amount", [](auto& r) { r.set_amount_minor(29900); }},
      {"currency", [](auto& r) { r.set_currency("USD"); }},
      {"program", [](auto& r) { r.set_program_id("other-program"); }},
      {"paid_at",
       [](auto& r) { *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200001)); }},
      {"member", [&other](auto& r) { r.set_member_id(other.id()); }},
  };
  for (const Case& c : cases) {
    mv1::GrantEntitlementRequest r = Grant("order-1");
    c.edit(r);
    EXPECT_THAT(Call(r), HasCode(Code::ALREADY_EXISTS)) << c.label;
  }
  auto listed = List(true);
  ASSERT_THAT(listed, SizeIs(1));
  EXPECT_THAT(listed["order-1"], EqualsProto(first));
  EXPECT_FALSE(Check("other-program").entitled());
}

TEST_F(EntitlementsTest, GrantRejectsBadInputAndUnknownMembers) {
  struct Case {
    std::string label;
    std::string field;
    std::function<void(mv1::GrantEntitlementRequest&)> edit;
  };
  const std::vector<Case> cases = {
      {"no member", "member_id", [](auto& r) { r.set_member_id(""); }},
      {"no program", "program_id", [](auto& r) { r.set_program_id(""); }},
      {"program id too long", "program_id",
       [](auto& r) { r.set_program_id(std::string(65, 'p')); }},
      {"program id with spaces", "program_id", [](auto& r) { r.set_program_id("deep work"); }},
      {"no order", "order_id", [](auto& r) { r.set_order_id(""); }},
      {"order id too long", "order_id", [](auto& r) { r.set_order_id(std::string(65, 'o')); }},
      {"negative amount", "amount_minor", [](auto& r) { r.set_amount_minor(-1); }},
      {"no currency", "currency", [](auto& r) { r.set_currency(""); }},
      {"currency too short", "currency", [](auto& r) { r.set_currency("CN"); }},
      {"currency with digit", "currency", [](auto& r) { r.set_currency("C1Y"); }},
      {"currency too long", "currency", [](auto& r) { r.set_currency("CNYY"); }},
  };
  for (const Case& c : cases) {
    mv1::GrantEntitlementRequest r = Grant("order-bad");
    c.edit(r);
    EXPECT_THAT(Call(r), HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field)) << c.label;
  }
  mv1::GrantEntitlementRequest unknown = Grant("order-unknown");
  unknown.set_member_id(UnknownIdLike(member_.id()));
  EXPECT_THAT(Call(unknown), HasCode(Code::NOT_FOUND));

  // Nothing was recorded: the order ids are still free.
  EXPECT_THAT(List(true), IsEmpty());
  ASSERT_GRPC_OK(Call(Grant("order-unknown")));
  ASSERT_GRPC_OK(Call(Grant("order-bad")));
}

TEST_F(EntitlementsTest, RevokeIsARefundAndIsNaturallyIdempotent) {
  mv1::Entitlement granted;
  ASSERT_GRPC_OK(Call(Grant("order-1"), &granted));
  const absl::Time before = absl::Now() - absl::Seconds(1);
  mv1::Entitlement revoked;
  ASSERT_GRPC_OK(Revoke("order-1", "refund requested", &revoked));
  EXPECT_TRUE(revoked.revoked());
  EXPECT_EQ(revoked.revoke_reason(), "refund requested");
  ASSERT_TRUE(revoked.has_revoked_at());
  EXPECT_GE(FromProto(revoked.revoked_at()), before);
  EXPECT_EQ(revoked.order_id(), "order-1");
  EXPECT_EQ(revoked.member_id(), member_.id());
  EXPECT_EQ(revoked.amount_minor(), 19900);
  EXPECT_THAT(revoked.granted_at(), EqualsProto(granted.granted_at()));

  // Revoking again returns it unchanged, whatever the new reason.
  mv1::Entitlement again;
  ASSERT_GRPC_OK(Revoke("order-1", "another reason", &again));
  EXPECT_THAT(again, EqualsProto(revoked));

  EXPECT_FALSE(Check("deep-work").entitled());
  EXPECT_EQ(Check("deep-work").order_id(), "");
  EXPECT_THAT(List(false), IsEmpty());
  auto all = List(true);
  ASSERT_THAT(all, SizeIs(1));
  EXPECT_THAT(all["order-1"], EqualsProto(revoked));
}

TEST_F(EntitlementsTest, AnotherActiveOrderKeepsTheMemberEntitled) {
  ASSERT_GRPC_OK(Call(Grant("order-1")));
  ASSERT_GRPC_OK(Call(Grant("order-2")));
  ASSERT_GRPC_OK(Call(Grant("order-3", "other-program")));
  ASSERT_GRPC_OK(Revoke("order-1", "refund"));
  mv1::CheckEntitlementResponse check = Check("deep-work");
  EXPECT_TRUE(check.entitled());
  EXPECT_EQ(check.order_id(), "order-2");
  auto active = List(false);
  EXPECT_EQ(active.count("order-1"), 0u);
  EXPECT_EQ(active.count("order-2"), 1u);
  EXPECT_EQ(active.count("order-3"), 1u);
  EXPECT_THAT(List(true), SizeIs(3));
  ASSERT_GRPC_OK(Revoke("order-2", "refund"));
  EXPECT_FALSE(Check("deep-work").entitled());
  EXPECT_TRUE(Check("other-program").entitled());
}

TEST_F(EntitlementsTest, RevokeListAndCheckRejectBadInput) {
  EXPECT_THAT(Revoke("no-such-order", "refund"), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(Revoke("", "refund"), HasCodeAndMessage(Code::INVALID_ARGUMENT, "order_id"));
  EXPECT_THAT(Revoke(std::string(65, 'o'), "refund"),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "order_id"));
  ASSERT_GRPC_OK(Call(Grant("order-1")));
  EXPECT_THAT(Revoke("order-1", std::string(4001, 'r')),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "reason"));
  EXPECT_TRUE(Check("deep-work").entitled());

  mv1::ListEntitlementsRequest list;
  mv1::ListEntitlementsResponse listed;
  EXPECT_THAT(stub().ListEntitlements(Ctx().get(), list, &listed),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  list.set_member_id(UnknownIdLike(member_.id()));
  EXPECT_THAT(stub().ListEntitlements(Ctx().get(), list, &listed), HasCode(Code::NOT_FOUND));

  mv1::CheckEntitlementRequest check;
  mv1::CheckEntitlementResponse checked;
  check.set_program_id("deep-work");
  EXPECT_THAT(stub().CheckEntitlement(Ctx().get(), check, &checked),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "member_id"));
  check.set_member_id(member_.id());
  check.set_program_id("");
  EXPECT_THAT(stub().CheckEntitlement(Ctx().get(), check, &checked),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
  check.set_program_id("deep-work");
  check.set_member_id(UnknownIdLike(member_.id()));
  EXPECT_THAT(stub().CheckEntitlement(Ctx().get(), check, &checked), HasCode(Code::NOT_FOUND));
}

}  // namespace
}  // namespace dunbar::testing
