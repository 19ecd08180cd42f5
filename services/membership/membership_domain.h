// The membership service's logic, independent of gRPC: validates and normalizes requests (errors
// name the field), computes idempotency fingerprints, and calls the store. The tenant is already
// resolved by the caller (authentication is the adapter's job).
//
//   MembershipDomain domain(store, {.default_country = "CN"});
//   absl::StatusOr<v1::Member> member = domain.CreateMember("acme", request);
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "services/membership/contact_import.h"
#include "services/membership/member_store.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

struct DomainOptions {
  std::string default_country = "CN";
  absl::Duration warmth_half_life = absl::Hours(24 * 30);
  std::function<absl::Time()> clock = [] { return absl::Now(); };
  ContactImportOptions import;
};

class MembershipDomain {
 public:
  MembershipDomain(std::shared_ptr<MemberStore> store, DomainOptions options);

  absl::StatusOr<v1::Member> CreateMember(const std::string& tenant,
                                          const v1::CreateMemberRequest& request);
  absl::StatusOr<v1::Member> GetMember(const std::string& tenant,
                                       const v1::GetMemberRequest& request);
  absl::StatusOr<v1::BatchGetMembersResponse> BatchGetMembers(
      const std::string& tenant, const v1::BatchGetMembersRequest& request);
  absl::StatusOr<v1::Member> UpdateMember(const std::string& tenant,
                                          const v1::UpdateMemberRequest& request);
  absl::StatusOr<v1::DeleteMemberResponse> DeleteMember(const std::string& tenant,
                                                        const v1::DeleteMemberRequest& request);
  absl::StatusOr<v1::ListMembersResponse> ListMembers(const std::string& tenant,
                                                      const v1::ListMembersRequest& request);
  absl::StatusOr<v1::Member> FindMemberByHandle(const std::string& tenant,
                                                const v1::FindMemberByHandleRequest& request);

  // An import session for one stream (see contact_import.h), from the stream's header:
  // `request_id` is optional (checked when given, "header.request_id"); `default_country`, when
  // set, overrides the server default and must be a region libphonenumber knows
  // ("header.default_country").
  absl::StatusOr<std::unique_ptr<ContactImport>> StartImport(const std::string& tenant,
                                                             const v1::ImportHeader& header);

  absl::StatusOr<v1::Interaction> RecordInteraction(const std::string& tenant,
                                                    const v1::RecordInteractionRequest& request);
  absl::StatusOr<v1::ListInteractionsResponse> ListInteractions(
      const std::string& tenant, const v1::ListInteractionsRequest& request);
  absl::StatusOr<v1::RankContactsResponse> RankContacts(const std::string& tenant,
                                                        const v1::RankContactsRequest& request);
  absl::StatusOr<v1::ContactPreference> SetContactPreference(
      const std::string& tenant, const v1::SetContactPreferenceRequest& request);

  absl::StatusOr<v1::Entitlement> GrantEntitlement(const std::string& tenant,
                                                   const v1::GrantEntitlementRequest& request);
  absl::StatusOr<v1::Entitlement> RevokeEntitlement(const std::string& tenant,
                                                    const v1::RevokeEntitlementRequest& request);
  absl::StatusOr<v1::ListEntitlementsResponse> ListEntitlements(
      const std::string& tenant, const v1::ListEntitlementsRequest& request);
  absl::StatusOr<v1::CheckEntitlementResponse> CheckEntitlement(
      const std::string& tenant, const v1::CheckEntitlementRequest& request);

 private:
  // The mutation context: request id checked, fingerprint of `request` with the tenant resolved.
  template <typename Request>
  absl::StatusOr<Mutation> MakeMutation(const std::string& tenant, const Request& request);
  v1::RankedContact ToRankedContact(const StoredMember& stored, absl::Time now) const;

  std::shared_ptr<MemberStore> store_;
  DomainOptions options_;
};

}  // namespace dunbar::membership
