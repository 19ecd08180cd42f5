// Entitlement change notices on Redis Pub/Sub: the grant and revoke scripts PUBLISH one on
// kEntitlementChangesChannel in the same script as the change (only when something changed), and
// WatchEntitlementChanges (entitlement_feed.h) forwards them. A channel is not a key, so this is
// Redis Cluster compatible (PUBLISH reaches every node) while the tenant's keys stay in its slot.
//
// Payload, tab-separated (ids never contain tabs: validation allows [A-Za-z0-9_.:-]):
//
//   "<tenant>\t<member id>\t<program id>\t<order id>\t<0 granted | 1 revoked>\t<changed at>"
//
// where "changed at" is the service clock's time of the change in Unix milliseconds.
//
//   DUNBAR_ASSIGN_OR_RETURN(v1::EntitlementChange change, DecodeEntitlementChange(payload));
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

inline constexpr char kEntitlementChangesChannel[] = "dunbar:membership:entitlement-changes";

// INTERNAL for a payload that is not a notice (never published by our scripts).
absl::StatusOr<v1::EntitlementChange> DecodeEntitlementChange(std::string_view payload);

}  // namespace dunbar::membership
