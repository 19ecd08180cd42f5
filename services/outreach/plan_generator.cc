#include "services/outreach/plan_generator.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "common/status/status_macros.h"

namespace dunbar::outreach {
namespace {

namespace cv1 = ::dunbar::cohort::v1;

}  // namespace

PlanGenerator::PlanGenerator(MembershipStub& membership, CohortStub& cohort,
                             const ServiceCaller& membership_calls,
                             const ServiceCaller& cohort_calls, PlanWalkLimits limits)
    : membership_(membership),
      cohort_(cohort),
      membership_calls_(membership_calls),
      cohort_calls_(cohort_calls),
      limits_(limits) {
  // One cohort question per page: its batch limit (500) bounds the page.
  limits_.page_size = std::clamp(limits_.page_size, 1, 500);
}

absl::StatusOr<PlanPicks> PlanGenerator::Generate(const std::string& tenant, PlanSettings settings,
                                                  absl::Time deadline) {
  PlanBuilder builder(std::move(settings));
  bool warm_ranking_exhausted = true;
  for (int slot = 0; slot < builder.slot_count(); ++slot) {
    if (builder.Wanted(slot) <= 0) continue;
    DUNBAR_ASSIGN_OR_RETURN(bool exhausted, FillSlot(tenant, slot, builder, deadline));
    if (builder.IsWarmSlot(slot)) warm_ranking_exhausted = exhausted;
  }
  return builder.Finish(warm_ranking_exhausted);
}

absl::StatusOr<bool> PlanGenerator::FillSlot(const std::string& tenant, int slot,
                                             PlanBuilder& builder, absl::Time deadline) {
  const RankPushdown pushdown = builder.Pushdown(slot);
  const std::string& program_id = builder.TargetProgram(slot);
  std::string page_token;
  for (int page = 0; page < limits_.max_pages && builder.Wanted(slot) > 0; ++page) {
    mv1::RankContactsRequest rank_request;
    rank_request.set_tenant(tenant);
    rank_request.set_page_size(limits_.page_size);
    rank_request.set_page_token(page_token);
    rank_request.set_stage(pushdown.stage);
    rank_request.set_tag(pushdown.tag);
    for (std::string& id : builder.ExcludeIds(kMaxExcludeIds)) {
      rank_request.add_exclude_ids(std::move(id));
    }
    mv1::RankContactsResponse ranked;
    DUNBAR_RETURN_IF_ERROR(membership_calls_.Call(deadline, [&](grpc::ClientContext* context) {
      return membership_.RankContacts(context, rank_request, &ranked);
    }));

    const std::vector<const mv1::RankedContact*> screened = builder.Screen(slot, ranked.contacts());
    std::set<std::string> enrolled_or_waiting;
    if (!screened.empty() && !program_id.empty()) {
      cv1::BatchGetEnrollmentsRequest enrollments_request;
      enrollments_request.set_tenant(tenant);
      enrollments_request.set_program_id(program_id);
      for (const mv1::RankedContact* contact : screened) {
        enrollments_request.add_member_ids(contact->member().id());
      }
      cv1::BatchGetEnrollmentsResponse enrollments;
      DUNBAR_RETURN_IF_ERROR(cohort_calls_.Call(deadline, [&](grpc::ClientContext* context) {
        return cohort_.BatchGetEnrollments(context, enrollments_request, &enrollments);
      }));
      for (const cv1::Enrollment& enrollment : enrollments.enrollments()) {
        if (enrollment.status() == cv1::ACTIVE || enrollment.status() == cv1::WAITING) {
          enrolled_or_waiting.insert(enrollment.member_id());
        }
      }
    }
    builder.Take(slot, screened, enrolled_or_waiting);
    page_token = ranked.next_page_token();
    if (page_token.empty()) return true;
  }
  // Satisfied, or stopped by the page limit with more ranking left.
  return builder.Wanted(slot) <= 0;
}

}  // namespace dunbar::outreach
