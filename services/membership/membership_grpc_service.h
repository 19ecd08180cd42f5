// The gRPC face of the membership service: authenticates the caller, resolves the tenant, tags the
// RPC log line with it, calls the domain, and maps absl::Status to grpc::Status. No logic lives
// here.
//
//   MembershipGrpcService service(domain, tokens, feed);
//   builder.RegisterService(&service);
#pragma once

#include <memory>
#include <string>

#include "common/auth/token_store.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/membership/entitlement_feed.h"
#include "services/membership/membership_domain.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

class MembershipGrpcService final : public v1::MembershipService::Service {
 public:
  MembershipGrpcService(std::shared_ptr<MembershipDomain> domain,
                        std::shared_ptr<auth::TokenStore> tokens,
                        std::shared_ptr<EntitlementFeed> entitlement_feed);

  grpc::Status CreateMember(grpc::ServerContext* context, const v1::CreateMemberRequest* request,
                            v1::Member* response) override;
  grpc::Status GetMember(grpc::ServerContext* context, const v1::GetMemberRequest* request,
                         v1::Member* response) override;
  grpc::Status BatchGetMembers(grpc::ServerContext* context,
                               const v1::BatchGetMembersRequest* request,
                               v1::BatchGetMembersResponse* response) override;
  grpc::Status UpdateMember(grpc::ServerContext* context, const v1::UpdateMemberRequest* request,
                            v1::Member* response) override;
  grpc::Status DeleteMember(grpc::ServerContext* context, const v1::DeleteMemberRequest* request,
                            v1::DeleteMemberResponse* response) override;
  grpc::Status ListMembers(grpc::ServerContext* context, const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* response) override;
  grpc::Status FindMemberByHandle(grpc::ServerContext* context,
                                  const v1::FindMemberByHandleRequest* request,
                                  v1::Member* response) override;
  grpc::Status ImportContacts(grpc::ServerContext* context,
                              grpc::ServerReader<v1::ImportContactsRequest>* reader,
                              v1::ImportContactsResponse* response) override;
  grpc::Status RecordInteraction(grpc::ServerContext* context,
                                 const v1::RecordInteractionRequest* request,
                                 v1::Interaction* response) override;
  grpc::Status ListInteractions(grpc::ServerContext* context,
                                const v1::ListInteractionsRequest* request,
                                v1::ListInteractionsResponse* response) override;
  grpc::Status RankContacts(grpc::ServerContext* context, const v1::RankContactsRequest* request,
                            v1::RankContactsResponse* response) override;
  grpc::Status SetContactPreference(grpc::ServerContext* context,
                                    const v1::SetContactPreferenceRequest* request,
                                    v1::ContactPreference* response) override;
  grpc::Status GrantEntitlement(grpc::ServerContext* context,
                                const v1::GrantEntitlementRequest* request,
                                v1::Entitlement* response) override;
  grpc::Status RevokeEntitlement(grpc::ServerContext* context,
                                 const v1::RevokeEntitlementRequest* request,
                                 v1::Entitlement* response) override;
  grpc::Status ListEntitlements(grpc::ServerContext* context,
                                const v1::ListEntitlementsRequest* request,
                                v1::ListEntitlementsResponse* response) override;
  grpc::Status CheckEntitlement(grpc::ServerContext* context,
                                const v1::CheckEntitlementRequest* request,
                                v1::CheckEntitlementResponse* response) override;
  // Service tokens only; runs until the feed ends (entitlement_feed.h).
  grpc::Status WatchEntitlementChanges(grpc::ServerContext* context,
                                       const v1::WatchEntitlementChangesRequest* request,
                                       grpc::ServerWriter<v1::EntitlementChange>* writer) override;

 private:
  absl::StatusOr<v1::ImportContactsResponse> Import(
      grpc::ServerContext* context, grpc::ServerReader<v1::ImportContactsRequest>* reader);

  std::shared_ptr<MembershipDomain> domain_;
  std::shared_ptr<auth::TokenStore> tokens_;
  std::shared_ptr<EntitlementFeed> entitlement_feed_;
};

}  // namespace dunbar::membership
