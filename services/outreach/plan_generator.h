// Walks membership's ranking and asks cohort who is already in, for one plan draft: the I/O side
// of plan generation (the choices are PlanBuilder's). For each slot (campaigns, then the warm
// fill) it reads RankContacts pages warmest first, with the open-task and already-picked members
// as exclude_ids and the campaign's single tag / single stage pushed down, screens each page, and
// asks cohort's BatchGetEnrollments once per page for the survivors (when the slot has a target
// programme), until the slot has what it wants, the ranking ends, or `max_pages` pages were read
// for that slot. Any error from membership or cohort ends the walk: no partial plan.
//
//   PlanGenerator generator(*membership_stub, *cohort_stub, membership_caller, cohort_caller,
//                           {.page_size = 100, .max_pages = 20});
//   DUNBAR_ASSIGN_OR_RETURN(PlanPicks picks, generator.Generate("acme", settings, deadline));
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/outreach/plan_builder.h"
#include "services/outreach/service_calls.h"

namespace dunbar::outreach {

struct PlanWalkLimits {
  int page_size = 100;
  int max_pages = 20;  // per slot
};

class PlanGenerator {
 public:
  using MembershipStub = ::dunbar::membership::v1::MembershipService::StubInterface;
  using CohortStub = ::dunbar::cohort::v1::CohortService::StubInterface;

  // Membership's limit on RankContacts.exclude_ids.
  static constexpr size_t kMaxExcludeIds = 1000;

  PlanGenerator(MembershipStub& membership, CohortStub& cohort,
                const ServiceCaller& membership_calls, const ServiceCaller& cohort_calls,
                PlanWalkLimits limits);

  absl::StatusOr<PlanPicks> Generate(const std::string& tenant, PlanSettings settings,
                                     absl::Time deadline);

 private:
  // Fills `slot` as far as the ranking allows; answers whether the ranking was walked to its end.
  absl::StatusOr<bool> FillSlot(const std::string& tenant, int slot, PlanBuilder& builder,
                                absl::Time deadline);

  MembershipStub& membership_;
  CohortStub& cohort_;
  const ServiceCaller& membership_calls_;
  const ServiceCaller& cohort_calls_;
  PlanWalkLimits limits_;
};

}  // namespace dunbar::outreach
