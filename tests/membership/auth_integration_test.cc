// Authentication and tenant isolation for EVERY RPC of MembershipService. Both tables are checked
// against the service descriptor, so a new RPC without an auth case fails these tests.
#include <google/protobuf/descriptor.h>

#include <functional>
#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/support/auth_table.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = grpc::StatusCode;

constexpr char kServiceName[] = "dunbar.membership.v1.MembershipService";

std::set<std::string> ServiceMethods() { return ServiceMethodNames(kServiceName); }

template <typename Table>
void ExpectCoversEveryMethod(const Table& table) {
  const std::set<std::string> methods = ServiceMethods();
  EXPECT_EQ(methods.size(), 17u) << "the service changed: update this test's tables";
  for (const std::string& method : methods) {
    EXPECT_EQ(table.count(method), 1u) << "no case for RPC " << method;
  }
  for (const auto& [name, unused] : table) {
    EXPECT_EQ(methods.count(name), 1u) << "case for an RPC the service does not have: " << name;
  }
}

class AuthTest : public MembershipIntegrationTest {
 protected:
  void SetUp() override {
    MembershipIntegrationTest::SetUp();
    if (HasFatalFailure()) return;
    target_ = MustCreate(fixture(),
                         MakeMember("Target", "13800138000", "target@example.com", "target_wx"));
    ASSERT_FALSE(target_.id().empty());
    ASSERT_GRPC_OK(
        RecordInteraction(fixture(), target_.id(), mv1::REPLIED, absl::Now() - absl::Hours(1)));
    mv1::GrantEntitlementRequest grant;
    grant.set_member_id(target_.id());
    grant.set_program_id("deep-work");
    grant.set_order_id("order-target-1");
    grant.set_amount_minor(19900);
    grant.set_currency("CNY");
    *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
    ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx().get(), grant, &entitlement_));
    ASSERT_GRPC_OK(GetMember(fixture(), target_.id(), &target_));
  }

  using Call = std::function<grpc::Status(grpc::ClientContext*, const std::string& tenant)>;

  // The feed runs until cancelled: OK means it opened with `subscribed`, then ended on our cancel.
  static grpc::Status WatchOnce(grpc::ClientContext* ctx) {
    auto reader = stub().WatchEntitlementChanges(ctx, {});
    mv1::EntitlementChange first;
    if (!reader->Read(&first)) return reader->Finish();
    ctx->TryCancel();
    const grpc::Status ended = reader->Finish();
    if (!first.subscribed()) return grpc::Status(grpc::StatusCode::INTERNAL, "no `subscribed`");
    if (ended.error_code() != grpc::StatusCode::CANCELLED) {
      return grpc::Status(grpc::StatusCode::INTERNAL, "did not end on cancel");
    }
    return grpc::Status::OK;
  }

  // One valid call per RPC, acting on acme's data; `tenant` goes into the request.
  std::map<std::string, Call> Calls() {
    const std::string id = target_.id();
    return {
        {"CreateMember",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::CreateMemberRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           *r.mutable_member() =
               MakeMember("New", "", absl::StrCat(NewRequestId(), "@example.com"));
           mv1::Member out;
           return stub().CreateMember(ctx, r, &out);
         }},
        {"GetMember",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::GetMemberRequest r;
           r.set_tenant(tenant);
           r.set_member_id(id);
           mv1::Member out;
           return stub().GetMember(ctx, r, &out);
         }},
        {"BatchGetMembers",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::BatchGetMembersRequest r;
           r.set_tenant(tenant);
           r.add_member_ids(id);
           mv1::BatchGetMembersResponse out;
           return stub().BatchGetMembers(ctx, r, &out);
         }},
        {"UpdateMember",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::UpdateMemberRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.mutable_member()->set_id(id);
           r.mutable_member()->set_notes(NewRequestId());
           r.mutable_update_mask()->add_paths("notes");
           mv1::Member out;
           return stub().UpdateMember(ctx, r, &out);
         }},
        {"DeleteMember",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           // A member of its own, so the other calls keep their target.
           mv1::Member victim = MustCreate(
               fixture(), MakeMember("Victim", "", absl::StrCat(NewRequestId(), "@example.com")));
           mv1::DeleteMemberRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_member_id(victim.id());
           mv1::DeleteMemberResponse out;
           return stub().DeleteMember(ctx, r, &out);
         }},
        {"ListMembers",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::ListMembersRequest r;
           r.set_tenant(tenant);
           mv1::ListMembersResponse out;
           return stub().ListMembers(ctx, r, &out);
         }},
        {"FindMemberByHandle",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::FindMemberByHandleRequest r;
           r.set_tenant(tenant);
           r.set_kind(mv1::HANDLE_PHONE);
           r.set_value("13800138000");
           mv1::Member out;
           return stub().FindMemberByHandle(ctx, r, &out);
         }},
        {"ImportContacts",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::ImportContactsResponse out;
           auto writer = stub().ImportContacts(ctx, &out);
           mv1::ImportContactsRequest message;
           message.mutable_header()->set_tenant(tenant);
           message.mutable_header()->set_request_id(NewRequestId());
           mv1::ImportRow* row = message.add_rows();
           row->set_name("Imported");
           row->set_email(absl::StrCat(NewRequestId(), "@example.com"));
           message.set_end_of_import(true);
           writer->Write(message);
           writer->WritesDone();
           return writer->Finish();
         }},
        {"RecordInteraction",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::RecordInteractionRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_member_id(id);
           r.set_kind(mv1::LIKED);
           mv1::Interaction out;
           return stub().RecordInteraction(ctx, r, &out);
         }},
        {"ListInteractions",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::ListInteractionsRequest r;
           r.set_tenant(tenant);
           r.set_member_id(id);
           mv1::ListInteractionsResponse out;
           return stub().ListInteractions(ctx, r, &out);
         }},
        {"RankContacts",
         [](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::RankContactsRequest r;
           r.set_tenant(tenant);
           mv1::RankContactsResponse out;
           return stub().RankContacts(ctx, r, &out);
         }},
        {"SetContactPreference",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::SetContactPreferenceRequest r;
           r.set_tenant(tenant);
           r.set_request_id(NewRequestId());
           r.set_member_id(id);
           r.set_preferred_channel(mv1::CHANNEL_WECHAT);
           mv1::ContactPreference out;
           return stub().SetContactPreference(ctx, r, &out);
         }},
        {"GrantEntitlement",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::GrantEntitlementRequest r;
           r.set_tenant(tenant);
           r.set_member_id(id);
           r.set_program_id("deep-work");
           r.set_order_id(absl::StrCat("order-", NewRequestId()));
           r.set_amount_minor(100);
           r.set_currency("CNY");
           *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
           mv1::Entitlement out;
           return stub().GrantEntitlement(ctx, r, &out);
         }},
        {"RevokeEntitlement",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           // A grant of its own, so CheckEntitlement keeps its answer.
           mv1::GrantEntitlementRequest grant;
           grant.set_member_id(id);
           grant.set_program_id("other-program");
           grant.set_order_id(absl::StrCat("order-", NewRequestId()));
           grant.set_amount_minor(100);
           grant.set_currency("CNY");
           *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
           mv1::Entitlement granted;
           grpc::Status s = stub().GrantEntitlement(Ctx().get(), grant, &granted);
           if (!s.ok()) return grpc::Status(grpc::StatusCode::ABORTED, "setup grant failed");
           mv1::RevokeEntitlementRequest r;
           r.set_tenant(tenant);
           r.set_order_id(grant.order_id());
           r.set_reason("refund");
           mv1::Entitlement out;
           return stub().RevokeEntitlement(ctx, r, &out);
         }},
        {"ListEntitlements",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::ListEntitlementsRequest r;
           r.set_tenant(tenant);
           r.set_member_id(id);
           mv1::ListEntitlementsResponse out;
           return stub().ListEntitlements(ctx, r, &out);
         }},
        {"CheckEntitlement",
         [id](grpc::ClientContext* ctx, const std::string& tenant) {
           mv1::CheckEntitlementRequest r;
           r.set_tenant(tenant);
           r.set_member_id(id);
           r.set_program_id("deep-work");
           mv1::CheckEntitlementResponse out;
           return stub().CheckEntitlement(ctx, r, &out);
         }},
        {"WatchEntitlementChanges",
         [](grpc::ClientContext* ctx, const std::string& /*tenant: the feed spans all*/) {
           return WatchOnce(ctx);
         }},
    };
  }

  mv1::Member target_;
  mv1::Entitlement entitlement_;
};

TEST_F(AuthTest, EveryRpcChecksTheTokenAndTheTenant) {
  const auto calls = Calls();
  ExpectCoversEveryMethod(calls);

  struct Case {
    std::string label;
    std::function<std::unique_ptr<grpc::ClientContext>()> context;
    std::string tenant;
    Code expected;
    // WatchEntitlementChanges has no tenant and admits service tokens only.
    Code watch_expected;
  };
  auto as = [](Caller caller) { return [caller] { return Ctx(caller); }; };
  auto with_header = [](std::string value) {
    return [value] { return fixture().ContextWithAuthorization(value); };
  };
  const std::vector<Case> cases = {
      {"no token", as(Caller::kNone), "", Code::UNAUTHENTICATED, Code::UNAUTHENTICATED},
      {"no token, tenant named", as(Caller::kNone), "acme", Code::UNAUTHENTICATED,
       Code::UNAUTHENTICATED},
      {"unknown token", as(Caller::kUnknown), "acme", Code::UNAUTHENTICATED, Code::UNAUTHENTICATED},
      {"unknown token, no tenant", as(Caller::kUnknown), "", Code::UNAUTHENTICATED,
       Code::UNAUTHENTICATED},
      {"not a bearer token", with_header("Basic YWNtZTpzZWNyZXQ="), "", Code::UNAUTHENTICATED,
       Code::UNAUTHENTICATED},
      {"bearer without a token", with_header("Bearer "), "", Code::UNAUTHENTICATED,
       Code::UNAUTHENTICATED},
      {"bare token without the scheme", with_header(fixture().token(Caller::kAcme)), "",
       Code::UNAUTHENTICATED, Code::UNAUTHENTICATED},
      {"acme token naming globex", as(Caller::kAcme), "globex", Code::PERMISSION_DENIED,
       Code::PERMISSION_DENIED},
      {"globex token naming acme", as(Caller::kGlobex), "acme", Code::PERMISSION_DENIED,
       Code::PERMISSION_DENIED},
      {"service token without a tenant", as(Caller::kService), "", Code::INVALID_ARGUMENT,
       Code::OK},
      {"service token naming a malformed tenant", as(Caller::kService), "Acme Corp!",
       Code::INVALID_ARGUMENT, Code::OK},
      {"acme token, own tenant implied", as(Caller::kAcme), "", Code::OK, Code::PERMISSION_DENIED},
      {"acme token, own tenant named", as(Caller::kAcme), "acme", Code::OK,
       Code::PERMISSION_DENIED},
      {"service token for acme", as(Caller::kService), "acme", Code::OK, Code::OK},
  };
  for (const auto& [method, call] : calls) {
    for (const Case& c : cases) {
      auto context = c.context();
      grpc::Status status = call(context.get(), c.tenant);
      const Code expected = method == "WatchEntitlementChanges" ? c.watch_expected : c.expected;
      EXPECT_THAT(status, HasCode(expected)) << method << ": " << c.label;
      if (expected == Code::UNAUTHENTICATED) {
        // The message never echoes a token.
        EXPECT_EQ(status.error_message().find("dbr_"), std::string::npos) << method;
      }
    }
  }

  // Nothing was written for globex by any rejected call.
  auto globex_members = ListAllMembers(fixture(), {}, 500, Caller::kGlobex);
  ASSERT_TRUE(globex_members.ok()) << globex_members.status();
  EXPECT_THAT(*globex_members, IsEmpty());
}

TEST_F(AuthTest, UnauthenticatedWritesHaveNoEffect) {
  const std::string email = "ghost@example.com";
  mv1::CreateMemberRequest r;
  r.set_request_id(NewRequestId());
  *r.mutable_member() = MakeMember("Ghost", "", email);
  mv1::Member out;
  EXPECT_THAT(stub().CreateMember(Ctx(Caller::kNone).get(), r, &out),
              HasCode(Code::UNAUTHENTICATED));
  EXPECT_THAT(stub().CreateMember(Ctx(Caller::kUnknown).get(), r, &out),
              HasCode(Code::UNAUTHENTICATED));
  r.set_tenant("globex");
  EXPECT_THAT(stub().CreateMember(Ctx(Caller::kAcme).get(), r, &out),
              HasCode(Code::PERMISSION_DENIED));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, email, nullptr), HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_EMAIL, email, nullptr, Caller::kGlobex),
              HasCode(Code::NOT_FOUND));
  // The same request id is still free: the rejected calls recorded no answer under it.
  r.set_tenant("");
  ASSERT_GRPC_OK(stub().CreateMember(Ctx(Caller::kAcme).get(), r, &out));
  EXPECT_EQ(out.email(), email);
}

// What another tenant sees of acme's data: nothing, and it can change nothing.
TEST_F(AuthTest, NoRpcReachesAnotherTenantsData) {
  const std::string id = target_.id();
  using Check = std::function<void(Caller caller, const std::string& tenant)>;
  const std::map<std::string, Check> checks = {
      {"CreateMember",
       [](Caller caller, const std::string& tenant) {
         // Handles are per tenant: acme's phone is free in globex.
         mv1::CreateMemberRequest r;
         r.set_tenant(tenant);
         r.set_request_id(NewRequestId());
         *r.mutable_member() = MakeMember("Globex person", "13800138000");
         mv1::Member out;
         ASSERT_GRPC_OK(stub().CreateMember(Ctx(caller).get(), r, &out));
         EXPECT_EQ(out.tenant(), "globex");
         // Clean up as globex so the second caller starts from the same state.
         ASSERT_GRPC_OK(DeleteMember(fixture(), out.id(), nullptr, Caller::kGlobex));
       }},
      {"GetMember",
       [id](Caller caller, const std::string& tenant) {
         mv1::GetMemberRequest r;
         r.set_tenant(tenant);
         r.set_member_id(id);
         mv1::Member out;
         EXPECT_THAT(stub().GetMember(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
       }},
      {"BatchGetMembers",
       [id](Caller caller, const std::string& tenant) {
         mv1::BatchGetMembersRequest r;
         r.set_tenant(tenant);
         r.add_member_ids(id);
         mv1::BatchGetMembersResponse out;
         ASSERT_GRPC_OK(stub().BatchGetMembers(Ctx(caller).get(), r, &out));
         EXPECT_THAT(out.members(), IsEmpty());
         EXPECT_THAT(out.missing_ids(), ElementsAre(id));
       }},
      {"UpdateMember",
       [id](Caller caller, const std::string& tenant) {
         mv1::UpdateMemberRequest r;
         r.set_tenant(tenant);
         r.set_request_id(NewRequestId());
         r.mutable_member()->set_id(id);
         r.mutable_member()->set_name("hijacked");
         r.mutable_update_mask()->add_paths("name");
         mv1::Member out;
         EXPECT_THAT(stub().UpdateMember(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
       }},
      {"DeleteMember",
       [id](Caller caller, const std::string& tenant) {
         mv1::DeleteMemberRequest r;
         r.set_tenant(tenant);
         r.set_request_id(NewRequestId());
         r.set_member_id(id);
         mv1::DeleteMemberResponse out;
         ASSERT_GRPC_OK(stub().DeleteMember(Ctx(caller).get(), r, &out));
         EXPECT_FALSE(out.deleted());
       }},
      {"ListMembers",
       [](Caller caller, const std::string& tenant) {
         mv1::ListMembersRequest r;
         r.set_tenant(tenant);
         mv1::ListMembersResponse out;
         ASSERT_GRPC_OK(stub().ListMembers(Ctx(caller).get(), r, &out));
         EXPECT_THAT(out.members(), IsEmpty());
       }},
      {"FindMemberByHandle",
       [](Caller caller, const std::string& tenant) {
         for (auto [kind, value] : std::vector<std::pair<mv1::HandleKind, std::string>>{
                  {mv1::HANDLE_PHONE, "13800138000"},
                  {mv1::HANDLE_EMAIL, "target@example.com"},
                  {mv1::HANDLE_WECHAT, "target_wx"}}) {
           mv1::FindMemberByHandleRequest r;
           r.set_tenant(tenant);
           r.set_kind(kind);
           r.set_value(value);
           mv1::Member out;
           EXPECT_THAT(stub().FindMemberByHandle(Ctx(caller).get(), r, &out),
                       HasCode(Code::NOT_FOUND))
               << value;
         }
       }},
      {"ImportContacts",
       [](Caller caller, const std::string& tenant) {
         // A row with acme's email creates a globex member; acme's member is untouched.
         mv1::ImportRow row;
         row.set_name("Globex import");
         row.set_email("target@example.com");
         row.add_tags("globex-tag");
         mv1::ImportContactsResponse out;
         ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), {row}, &out, caller, 500, tenant));
         EXPECT_EQ(out.created(), 1);
         EXPECT_EQ(out.merged(), 0);
         mv1::Member created;
         const Caller as_globex = Caller::kGlobex;
         ASSERT_GRPC_OK(
             FindByHandle(fixture(), mv1::HANDLE_EMAIL, "target@example.com", &created, as_globex));
         EXPECT_EQ(created.tenant(), "globex");
         ASSERT_GRPC_OK(DeleteMember(fixture(), created.id(), nullptr, as_globex));
       }},
      {"RecordInteraction",
       [id](Caller caller, const std::string& tenant) {
         mv1::RecordInteractionRequest r;
         r.set_tenant(tenant);
         r.set_request_id(NewRequestId());
         r.set_member_id(id);
         r.set_kind(mv1::PURCHASED);
         mv1::Interaction out;
         EXPECT_THAT(stub().RecordInteraction(Ctx(caller).get(), r, &out),
                     HasCode(Code::NOT_FOUND));
       }},
      {"ListInteractions",
       [id](Caller caller, const std::string& tenant) {
         mv1::ListInteractionsRequest r;
         r.set_tenant(tenant);
         r.set_member_id(id);
         mv1::ListInteractionsResponse out;
         EXPECT_THAT(stub().ListInteractions(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
       }},
      {"RankContacts",
       [](Caller caller, const std::string& tenant) {
         mv1::RankContactsRequest r;
         r.set_tenant(tenant);
         mv1::RankContactsResponse out;
         ASSERT_GRPC_OK(stub().RankContacts(Ctx(caller).get(), r, &out));
         EXPECT_THAT(out.contacts(), IsEmpty());
       }},
      {"SetContactPreference",
       [id](Caller caller, const std::string& tenant) {
         mv1::SetContactPreferenceRequest r;
         r.set_tenant(tenant);
         r.set_request_id(NewRequestId());
         r.set_member_id(id);
         r.set_do_not_contact(true);
         r.set_do_not_contact_reason("sabotage");
         mv1::ContactPreference out;
         EXPECT_THAT(stub().SetContactPreference(Ctx(caller).get(), r, &out),
                     HasCode(Code::NOT_FOUND));
       }},
      {"GrantEntitlement",
       [id](Caller caller, const std::string& tenant) {
         mv1::GrantEntitlementRequest r;
         r.set_tenant(tenant);
         r.set_member_id(id);
         r.set_program_id("globex-program");
         r.set_order_id(absl::StrCat("globex-order-", NewRequestId()));
         r.set_amount_minor(100);
         r.set_currency("CNY");
         *r.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717200000));
         mv1::Entitlement out;
         EXPECT_THAT(stub().GrantEntitlement(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
       }},
      {"RevokeEntitlement",
       [](Caller caller, const std::string& tenant) {
         mv1::RevokeEntitlementRequest r;
         r.set_tenant(tenant);
         r.set_order_id("order-target-1");
         r.set_reason("sabotage");
         mv1::Entitlement out;
         EXPECT_THAT(stub().RevokeEntitlement(Ctx(caller).get(), r, &out),
                     HasCode(Code::NOT_FOUND));
       }},
      {"ListEntitlements",
       [id](Caller caller, const std::string& tenant) {
         mv1::ListEntitlementsRequest r;
         r.set_tenant(tenant);
         r.set_member_id(id);
         r.set_include_revoked(true);
         mv1::ListEntitlementsResponse out;
         EXPECT_THAT(stub().ListEntitlements(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
         EXPECT_THAT(out.entitlements(), IsEmpty());
       }},
      {"CheckEntitlement",
       [id](Caller caller, const std::string& tenant) {
         mv1::CheckEntitlementRequest r;
         r.set_tenant(tenant);
         r.set_member_id(id);
         r.set_program_id("deep-work");
         mv1::CheckEntitlementResponse out;
         EXPECT_THAT(stub().CheckEntitlement(Ctx(caller).get(), r, &out), HasCode(Code::NOT_FOUND));
         EXPECT_FALSE(out.entitled());
       }},
      {"WatchEntitlementChanges",
       [](Caller caller, const std::string& /*tenant*/) {
         // A cross-tenant feed of ids by contract: an operator never gets it; a service does.
         auto context = Ctx(caller);
         EXPECT_THAT(WatchOnce(context.get()),
                     HasCode(caller == Caller::kService ? Code::OK : Code::PERMISSION_DENIED));
       }},
  };
  ExpectCoversEveryMethod(checks);

  for (const auto& [method, check] : checks) {
    {
      SCOPED_TRACE(method + " as globex operator");
      check(Caller::kGlobex, "");
    }
    {
      SCOPED_TRACE(method + " as service acting for globex");
      check(Caller::kService, "globex");
    }
  }

  // acme's data is exactly as it was.
  mv1::Member now;
  ASSERT_GRPC_OK(GetMember(fixture(), id, &now));
  EXPECT_THAT(now, EqualsProto(target_));
  mv1::ListInteractionsRequest interactions;
  interactions.set_member_id(id);
  mv1::ListInteractionsResponse listed;
  ASSERT_GRPC_OK(stub().ListInteractions(Ctx().get(), interactions, &listed));
  EXPECT_THAT(listed.interactions(), SizeIs(1));
  mv1::ListEntitlementsRequest entitlements;
  entitlements.set_member_id(id);
  entitlements.set_include_revoked(true);
  mv1::ListEntitlementsResponse granted;
  ASSERT_GRPC_OK(stub().ListEntitlements(Ctx().get(), entitlements, &granted));
  ASSERT_THAT(granted.entitlements(), SizeIs(1));
  EXPECT_THAT(granted.entitlements(0), EqualsProto(entitlement_));
  auto ranked = RankAll(fixture(), {}, 50);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_THAT(*ranked, SizeIs(1));
  EXPECT_EQ((*ranked)[0].member().id(), id);
}

TEST_F(AuthTest, OrderIdsAndRequestIdsDoNotCollideAcrossTenants) {
  mv1::Member globex_member =
      MustCreate(fixture(), MakeMember("Globex", "13900139000"), Caller::kGlobex);
  mv1::GrantEntitlementRequest grant;
  grant.set_member_id(globex_member.id());
  grant.set_program_id("globex-program");
  grant.set_order_id("order-target-1");  // acme already used this order id
  grant.set_amount_minor(500);
  grant.set_currency("USD");
  *grant.mutable_paid_at() = ToProto(absl::FromUnixSeconds(1717300000));
  mv1::Entitlement out;
  ASSERT_GRPC_OK(stub().GrantEntitlement(Ctx(Caller::kGlobex).get(), grant, &out));
  EXPECT_EQ(out.tenant(), "globex");
  EXPECT_EQ(out.member_id(), globex_member.id());
  EXPECT_EQ(out.amount_minor(), 500);
  mv1::CheckEntitlementRequest check;
  check.set_member_id(target_.id());
  check.set_program_id("deep-work");
  mv1::CheckEntitlementResponse checked;
  ASSERT_GRPC_OK(stub().CheckEntitlement(Ctx().get(), check, &checked));
  EXPECT_TRUE(checked.entitled());
  EXPECT_EQ(checked.order_id(), "order-target-1");
}

}  // namespace
}  // namespace dunbar::testing
