#include "services/gateway/route_table.h"

#include "dunbar/cohort/v1/cohort.pb.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::gateway {
namespace {

constexpr char kCohort[] = "dunbar.cohort.v1.CohortService.";
constexpr char kMembership[] = "dunbar.membership.v1.MembershipService.";
constexpr char kOutreach[] = "dunbar.outreach.v1.OutreachService.";

Route R(const char* method, const char* pattern, const char* service, const char* rpc,
        std::map<std::string, std::string> field_for_param = {}) {
  return Route{method, pattern, std::string(service) + rpc, std::move(field_for_param)};
}

}  // namespace

std::vector<Route> ApiRoutes() {
  return {
      // cohort
      R("GET", "/v1/programs", kCohort, "ListPrograms"),
      R("POST", "/v1/programs", kCohort, "CreateProgram"),
      R("GET", "/v1/programs/{program_id}", kCohort, "GetProgram"),
      R("PATCH", "/v1/programs/{program_id}", kCohort, "UpdateProgram",
        {{"program_id", "program.id"}}),
      R("POST", "/v1/programs/{program_id}:archive", kCohort, "ArchiveProgram"),
      R("GET", "/v1/programs/{program_id}/stats", kCohort, "GetProgramStats"),
      R("GET", "/v1/programs/{program_id}/cohorts", kCohort, "ListCohorts"),
      R("POST", "/v1/programs/{program_id}/cohorts:openNext", kCohort, "OpenNextCohort"),
      R("POST", "/v1/programs/{program_id}:enroll", kCohort, "Enroll"),
      R("POST", "/v1/programs/{program_id}:withdraw", kCohort, "Withdraw"),
      R("GET", "/v1/programs/{program_id}/waitlist", kCohort, "GetWaitlist"),
      R("POST", "/v1/programs/{program_id}/enrollments:batchGet", kCohort, "BatchGetEnrollments"),
      R("GET", "/v1/cohorts/{cohort_id}", kCohort, "GetCohort"),
      R("POST", "/v1/cohorts/{cohort_id}:start", kCohort, "StartCohort"),
      R("POST", "/v1/cohorts/{cohort_id}:close", kCohort, "CloseCohort"),
      R("GET", "/v1/cohorts/{cohort_id}/roster", kCohort, "ListRoster"),
      R("POST", "/v1/enrollments:transfer", kCohort, "Transfer"),
      R("GET", "/v1/members/{member_id}/enrollments", kCohort, "ListMemberEnrollments"),
      // membership
      R("GET", "/v1/members", kMembership, "ListMembers"),
      R("POST", "/v1/members", kMembership, "CreateMember"),
      R("GET", "/v1/members:findByHandle", kMembership, "FindMemberByHandle"),
      R("POST", "/v1/members:batchGet", kMembership, "BatchGetMembers"),
      R("POST", "/v1/members:import", kMembership, "ImportContacts"),
      R("GET", "/v1/members:rank", kMembership, "RankContacts"),
      R("GET", "/v1/members/{member_id}", kMembership, "GetMember"),
      R("PATCH", "/v1/members/{member_id}", kMembership, "UpdateMember",
        {{"member_id", "member.id"}}),
      R("DELETE", "/v1/members/{member_id}", kMembership, "DeleteMember"),
      R("GET", "/v1/members/{member_id}/interactions", kMembership, "ListInteractions"),
      R("POST", "/v1/members/{member_id}/interactions", kMembership, "RecordInteraction"),
      R("PUT", "/v1/members/{member_id}/preference", kMembership, "SetContactPreference"),
      R("GET", "/v1/members/{member_id}/entitlements", kMembership, "ListEntitlements"),
      R("POST", "/v1/members/{member_id}/entitlements", kMembership, "GrantEntitlement"),
      R("GET", "/v1/members/{member_id}/entitlements:check", kMembership, "CheckEntitlement"),
      R("POST", "/v1/entitlements/{order_id}:revoke", kMembership, "RevokeEntitlement"),
      // outreach
      R("GET", "/v1/outreach/policy", kOutreach, "GetPolicy"),
      R("PUT", "/v1/outreach/policy", kOutreach, "SetPolicy"),
      R("GET", "/v1/outreach/plan", kOutreach, "GetDailyPlan"),
      R("GET", "/v1/outreach/tasks", kOutreach, "ListTasks"),
      R("GET", "/v1/outreach/tasks/{task_id}", kOutreach, "GetTask"),
      R("POST", "/v1/outreach/tasks/{task_id}:complete", kOutreach, "CompleteTask"),
      R("POST", "/v1/outreach/tasks/{task_id}:snooze", kOutreach, "SnoozeTask"),
      R("GET", "/v1/outreach/campaigns", kOutreach, "ListCampaigns"),
      R("POST", "/v1/outreach/campaigns", kOutreach, "CreateCampaign"),
      R("GET", "/v1/outreach/campaigns/{campaign_id}", kOutreach, "GetCampaign"),
      R("POST", "/v1/outreach/campaigns/{campaign_id}:pause", kOutreach, "PauseCampaign"),
      R("POST", "/v1/outreach/campaigns/{campaign_id}:resume", kOutreach, "ResumeCampaign"),
      R("GET", "/v1/outreach/funnel", kOutreach, "GetFunnel"),
      R("GET", "/v1/outreach/dead-letters", kOutreach, "ListDeadLetters"),
      R("POST", "/v1/outreach/dead-letters/{dead_letter_id}:replay", kOutreach, "ReplayDeadLetter"),
      R("GET", "/v1/outreach/worker", kOutreach, "GetWorkerStatus"),
  };
}

std::vector<std::pair<std::string, std::string>> GatewayOwnRoutes() {
  return {{"POST", "/v1/webhooks/payments"},
          {"GET", "/healthz"},
          {"GET", "/readyz"},
          {"GET", "/metrics"},
          {"GET", "/openapi.json"},
          {"GET", "/"}};
}

std::vector<std::string> BackendServiceNames() {
  // Touching a message descriptor of each file keeps its generated code (and so its entry in the
  // generated descriptor pool) in the link.
  return {
      membership::v1::Member::descriptor()->file()->service(0)->full_name(),
      cohort::v1::Program::descriptor()->file()->service(0)->full_name(),
      outreach::v1::Policy::descriptor()->file()->service(0)->full_name(),
  };
}

}  // namespace dunbar::gateway
