#include "services/membership/membership_grpc_service.h"

#include <google/protobuf/util/message_differencer.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/auth/grpc_auth.h"
#include "common/server/rpc_log_interceptor.h"
#include "common/server/tenant_call.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"

namespace dunbar::membership {

MembershipGrpcService::MembershipGrpcService(std::shared_ptr<MembershipDomain> domain,
                                             std::shared_ptr<auth::TokenStore> tokens,
                                             std::shared_ptr<EntitlementFeed> entitlement_feed)
    : domain_(std::move(domain)),
      tokens_(std::move(tokens)),
      entitlement_feed_(std::move(entitlement_feed)) {}

// Each RPC: the same four steps, differing only in the domain call.
#define DUNBAR_MEMBERSHIP_UNARY(Method, Request, Response)                                         \
  grpc::Status MembershipGrpcService::Method(grpc::ServerContext* context,                         \
                                             const v1::Request* request, v1::Response* response) { \
    return server::RunTenantCall(                                                                  \
        *tokens_, *context, request->tenant(), response,                                           \
        [&](const std::string& tenant) { return domain_->Method(tenant, *request); });             \
  }

DUNBAR_MEMBERSHIP_UNARY(CreateMember, CreateMemberRequest, Member)
DUNBAR_MEMBERSHIP_UNARY(GetMember, GetMemberRequest, Member)
DUNBAR_MEMBERSHIP_UNARY(BatchGetMembers, BatchGetMembersRequest, BatchGetMembersResponse)
DUNBAR_MEMBERSHIP_UNARY(UpdateMember, UpdateMemberRequest, Member)
DUNBAR_MEMBERSHIP_UNARY(DeleteMember, DeleteMemberRequest, DeleteMemberResponse)
DUNBAR_MEMBERSHIP_UNARY(ListMembers, ListMembersRequest, ListMembersResponse)
DUNBAR_MEMBERSHIP_UNARY(FindMemberByHandle, FindMemberByHandleRequest, Member)
DUNBAR_MEMBERSHIP_UNARY(RecordInteraction, RecordInteractionRequest, Interaction)
DUNBAR_MEMBERSHIP_UNARY(ListInteractions, ListInteractionsRequest, ListInteractionsResponse)
DUNBAR_MEMBERSHIP_UNARY(RankContacts, RankContactsRequest, RankContactsResponse)
DUNBAR_MEMBERSHIP_UNARY(SetContactPreference, SetContactPreferenceRequest, ContactPreference)
DUNBAR_MEMBERSHIP_UNARY(GrantEntitlement, GrantEntitlementRequest, Entitlement)
DUNBAR_MEMBERSHIP_UNARY(RevokeEntitlement, RevokeEntitlementRequest, Entitlement)
DUNBAR_MEMBERSHIP_UNARY(ListEntitlements, ListEntitlementsRequest, ListEntitlementsResponse)
DUNBAR_MEMBERSHIP_UNARY(CheckEntitlement, CheckEntitlementRequest, CheckEntitlementResponse)

#undef DUNBAR_MEMBERSHIP_UNARY

grpc::Status MembershipGrpcService::WatchEntitlementChanges(
    grpc::ServerContext* context, const v1::WatchEntitlementChangesRequest* /*request*/,
    grpc::ServerWriter<v1::EntitlementChange>* writer) {
  absl::StatusOr<auth::Principal> principal = auth::Authenticate(*tokens_, *context);
  if (!principal.ok()) return ToGrpcStatus(principal.status());
  if (principal->role != auth::Role::kService) {
    // The feed spans every tenant.
    return ToGrpcStatus(absl::PermissionDeniedError(
        "WatchEntitlementChanges: only service tokens may watch entitlement changes"));
  }
  return ToGrpcStatus(entitlement_feed_->Watch(
      [context] { return context->IsCancelled(); },
      [writer](const v1::EntitlementChange& change) { return writer->Write(change); }));
}

grpc::Status MembershipGrpcService::ImportContacts(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportContactsRequest>* reader,
    v1::ImportContactsResponse* response) {
  absl::StatusOr<v1::ImportContactsResponse> result = Import(context, reader);
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

absl::StatusOr<v1::ImportContactsResponse> MembershipGrpcService::Import(
    grpc::ServerContext* context, grpc::ServerReader<v1::ImportContactsRequest>* reader) {
  DUNBAR_ASSIGN_OR_RETURN(auth::Principal principal, auth::Authenticate(*tokens_, *context));
  v1::ImportContactsRequest message;
  const bool any = reader->Read(&message);
  const v1::ImportHeader header = message.header();
  DUNBAR_ASSIGN_OR_RETURN(std::string tenant,
                          auth::ResolveTenant(principal, header.tenant(), "header.tenant"));
  server::SetLogTenant(*context, tenant);
  DUNBAR_ASSIGN_OR_RETURN(std::unique_ptr<ContactImport> import,
                          domain_->StartImport(tenant, header));
  bool more = any;
  bool ended = false;
  while (more) {
    if (ended) {
      return absl::InvalidArgumentError("end_of_import: a message followed the last one");
    }
    ended = message.end_of_import();
    if (message.has_header() &&
        !google::protobuf::util::MessageDifferencer::Equals(message.header(), header)) {
      return absl::InvalidArgumentError("header: only the first message may carry a header");
    }
    for (const v1::ImportRow& row : message.rows()) {
      DUNBAR_RETURN_IF_ERROR(import->Add(row));
    }
    if (context->IsCancelled()) return absl::CancelledError("import cancelled by the client");
    message.Clear();
    more = reader->Read(&message);
  }
  DUNBAR_ASSIGN_OR_RETURN(v1::ImportContactsResponse summary, import->Finish());
  if (!ended) {
    // gRPC ends a client stream at a message it cannot parse, exactly as at a clean half-close;
    // only the missing end marker tells them apart. Never report a truncated import as done.
    return absl::InvalidArgumentError(absl::StrCat(
        "end_of_import: the stream ended before its last message after ", summary.rows_received(),
        " rows (", summary.created(), " created, ", summary.merged(),
        " merged); a later message was lost, e.g. one with text that is not valid UTF-8. "
        "Re-running the fixed import is safe"));
  }
  return summary;
}

}  // namespace dunbar::membership
