// The outreach keyspace in Redis. Owns every key name and every Lua script; each state change is
// one script call (one round trip, atomic), each read one command or read-only script. Inputs are
// already validated and normalized by the domain layer (outreach_domain.h).
//
// Keys, all under the tenant's hash tag  P = "dunbar:outreach:{<tenant>}:"
//   P policy                 the policy (JSON)
//   P plan:<date>            plan header (JSON: date, timezone, weekday, quota, shortfall,
//                            generated_at); its existence is "the plan of that date exists"
//   P plantasks:<date>       zset task id -> position: the picks of that plan
//   P due:<date>             zset task id -> created ms: follow-ups and snoozed tasks due that date
//   P task:<id>              task hash (scalar fields the scripts update + JSON blobs for the card,
//                            reason and effects)
//   P open                   hash member id -> the member's open task id (one open task per member)
//   P ctasks:<campaign id>   zset task id -> created ms (ListTasks by campaign)
//   P camp:<id>              campaign (JSON + paused flag); P camps zset id -> created ms
//   P campsrc:<cohort id>    the NEW_COHORT campaign created for that batch (dedupe)
//   P funnel:<scope>:<date>  hash counter -> count; scope "all", "c:<campaign id>", "b:<cohort id>"
//   P jobs                   stream: the worker's own jobs: type=task.effects task_id;
//                            type=task.follow_up task_id date; type=replay source source_entry_id
//                            entry_type (the dead entry's own type) fields (JSON object)
//   P delayed                zset job payload -> due ms (follow-ups scheduled by INTERESTED); the
//                            payload is the job's flat field list as a JSON array
//   P dead                   stream: dead letters (source, source_entry_id, type, fields JSON,
//                            error, attempts, dead_at ms)
//   P deadidx                hash "<source>/<entry id>" -> dead letter id (dead-lettering twice
//                            is a no-op)
//   P failerr:<source>       hash entry id -> the last handler error (for the dead letter)
//   P req:<request id>       idempotency record "<fingerprint>\n<answer>" with a TTL
//   P events                 stream: outreach's own events (plan.generated, task.completed,
//                            campaign.created|paused|resumed; ids only)
// and one key outside any tenant slot:
//   dunbar:outreach:tenants  set of tenants that use outreach (the worker's list of streams)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

namespace v1 = ::dunbar::outreach::v1;

// Everything a mutation script needs besides its own arguments. `request_id` may be empty for
// naturally idempotent mutations.
struct Mutation {
  std::string tenant;
  std::string request_id;
  std::string fingerprint;  // api::RequestFingerprint of the canonical request
  absl::Time now;
};

// A plan as the domain computed it, before it is stored.
struct PlanDraft {
  // date, timezone, weekday, active (always true here), quota, shortfall_reason; tasks empty.
  v1::DailyPlan header;
  // The picks: ids assigned, status OPEN, kind, date, position 1..n, card, reason, campaign,
  // target programme/batch, created_at set.
  std::vector<v1::Task> picks;
};

struct TaskFilter {
  std::string date;                                     // "" = any (then campaign_id is set)
  v1::TaskStatus status = v1::TASK_STATUS_UNSPECIFIED;  // unspecified = any
  std::string campaign_id;                              // "" = any
};

struct TaskPage {
  std::vector<v1::Task> tasks;
  std::string next_cursor;  // empty on the last page
};

struct Completion {
  std::string task_id;
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::string note;
  std::string local_date;  // the funnel day: the date the outcome was recorded, policy timezone
  // INTERESTED only: when the follow-up is due (scheduled on P delayed) and its local date.
  absl::Time follow_up_due = absl::InfinitePast();
  std::string follow_up_date;
};

struct CampaignPage {
  std::vector<v1::Campaign> campaigns;
  std::string next_cursor;
};

struct DeadLetterPage {
  std::vector<v1::DeadLetter> dead_letters;
  std::string next_cursor;
};

struct DelayedCounts {
  int64_t total = 0;
  int64_t due = 0;
};

class OutreachStore {
 public:
  struct Options {
    int event_stream_max_len = 100000;
    int job_stream_max_len = 100000;
    int dead_letter_max_len = 10000;
    absl::Duration request_id_ttl = absl::Hours(24);
    // How long a recorded handler error waits for its dead letter (P failerr:<source>).
    absl::Duration handler_error_ttl = absl::Hours(24 * 7);
  };

  // The key of the tenants set and the streams the worker consumes (for the worker and tests).
  static std::string TenantsKey();
  static std::string JobStreamKey(const std::string& tenant);
  static std::string DelayedKey(const std::string& tenant);
  static std::string DeadLetterKey(const std::string& tenant);

  OutreachStore(std::shared_ptr<redis::RedisClient> redis, Options options);
  ~OutreachStore();

  // SCRIPT LOAD for every script; failing is fine when Redis is down (EVALSHA reloads later).
  absl::Status LoadScripts();
  // EVALSHA of a tiny registered script.
  absl::Status Probe();

  // SADD to the tenants set (idempotent; its own round trip: the set is outside the tenant slot).
  absl::Status RegisterTenant(const std::string& tenant);
  absl::StatusOr<std::vector<std::string>> ListTenants();

  // nullopt when the tenant never set one.
  absl::StatusOr<std::optional<v1::Policy>> GetPolicy(const std::string& tenant);
  // `policy`: validated, defaults applied. Sets updated_at = now.
  absl::StatusOr<v1::Policy> SetPolicy(const std::string& tenant, absl::Time now,
                                       const v1::Policy& policy);

  // The stored plan of `date` (tasks: picks by position, then tasks due that date from P due),
  // or nullopt. generated_now is false.
  absl::StatusOr<std::optional<v1::DailyPlan>> GetPlan(const std::string& tenant,
                                                       const std::string& date);
  // Members holding an open task (HKEYS P open): excluded from new picks.
  absl::StatusOr<std::vector<std::string>> OpenTaskMembers(const std::string& tenant);
  // Whether the member holds an open task (HEXISTS P open): only then does outreach cache anything
  // about them that a membership change could make stale.
  absl::StatusOr<bool> HasOpenTask(const std::string& tenant, const std::string& member_id);
  // Stores `draft` unless a plan of that date exists, in one step; answers the stored plan either
  // way (generated_now = whether this call stored it). A pick whose member meanwhile got an open
  // task is dropped and the positions close up. Bumps each campaign's tasks_planned.
  absl::StatusOr<v1::DailyPlan> CreatePlan(const std::string& tenant, absl::Time now,
                                           const PlanDraft& draft);

  // NOT_FOUND "task <id>".
  absl::StatusOr<v1::Task> GetTask(const std::string& tenant, const std::string& task_id);
  // Ordered by position within a date (date filter) or newest first (campaign filter).
  absl::StatusOr<TaskPage> ListTasks(const std::string& tenant, const TaskFilter& filter,
                                     const std::string& cursor, int page_size);

  // One step: OPEN -> DONE with outcome, note, completed_at = now, effects.state PENDING; the
  // member's open-task slot freed; funnel counters (scopes all, the campaign's, the target batch's)
  // for completion.local_date; a "task.effects" job on P jobs; INTERESTED: the follow-up job on
  // P delayed (due follow_up_due). FAILED_PRECONDITION "task <id> is DONE|CANCELLED". Replays the
  // request id.
  absl::StatusOr<v1::Task> CompleteTask(const Mutation& mutation, const Completion& completion);
  // Merges applied effects into the task: flags only ever go from false to true, the enroll result
  // and follow-up are written once, state and last_error replaced. The first time an enroll result
  // of WAITLISTED (cohort's EnrollResult name) is recorded the "waitlisted" funnel counters are
  // bumped (same scopes and day as the completion). NOT_FOUND for an unknown task.
  absl::StatusOr<v1::Task> RecordEffects(const std::string& tenant, const std::string& task_id,
                                         const v1::TaskEffects& effects);
  // OPEN task -> `until_date` (re-indexed under P due:<until_date>; snoozed_from keeps the first
  // date). Same date again: unchanged. FAILED_PRECONDITION unless OPEN.
  absl::StatusOr<v1::Task> SnoozeTask(const std::string& tenant, const std::string& task_id,
                                      const std::string& until_date);
  // CANCELLED with `reason` for the member's open task, if any; answers how many (0 or 1).
  absl::StatusOr<int> CancelOpenTasks(const std::string& tenant, const std::string& member_id,
                                      const std::string& reason, absl::Time now);
  // Replaces the card of the member's open task, if any; answers how many (0 or 1).
  absl::StatusOr<int> RefreshContactCard(const std::string& tenant, const v1::ContactCard& card);
  // The FOLLOW_UP task of `source_task_id` (id "fu-<source task id>"), due `date`, with the
  // source's card, campaign and targets; created once (a second call answers the stored one). If
  // the member meanwhile holds another open task, or the source was the member's opt-out, it is
  // stored CANCELLED with a reason instead of OPEN.
  absl::StatusOr<v1::Task> CreateFollowUpTask(const std::string& tenant, absl::Time now,
                                              const std::string& source_task_id,
                                              const std::string& date);

  // `campaign`: validated, id and defaults assigned, origin set. A NEW_COHORT campaign whose
  // target_cohort_id already has one answers that one (P campsrc). Replays the request id.
  absl::StatusOr<v1::Campaign> CreateCampaign(const Mutation& mutation,
                                              const v1::Campaign& campaign);
  // NOT_FOUND "campaign <id>". The state is derived by the domain (dates), the store keeps paused.
  absl::StatusOr<v1::Campaign> GetCampaign(const std::string& tenant,
                                           const std::string& campaign_id);
  // Newest first.
  absl::StatusOr<CampaignPage> ListCampaigns(const std::string& tenant, const std::string& cursor,
                                             int page_size);
  // Every campaign that is not paused (the domain filters by date). Plans read this.
  absl::StatusOr<std::vector<v1::Campaign>> ListUnpausedCampaigns(const std::string& tenant);
  absl::StatusOr<v1::Campaign> SetCampaignPaused(const std::string& tenant,
                                                 const std::string& campaign_id, bool paused);

  // Counts of each day in `dates` for one scope ("all", "c:<campaign id>", "b:<cohort id>").
  absl::StatusOr<std::vector<v1::FunnelCounts>> GetFunnelDays(
      const std::string& tenant, const std::string& scope, const std::vector<std::string>& dates);

  // Moves up to `max` delayed jobs due by `now` from P delayed onto P jobs (one step); answers how
  // many moved.
  absl::StatusOr<int> PromoteDueJobs(const std::string& tenant, absl::Time now, int max);
  absl::StatusOr<DelayedCounts> CountDelayedJobs(const std::string& tenant, absl::Time now);
  // Remembers the last handler error of a source entry (for its dead letter).
  absl::Status RecordHandlerError(const std::string& tenant, const std::string& source,
                                  const std::string& entry_id, const std::string& error);
  // Appends the dead letter unless that source entry already has one (answers its id either way);
  // `letter.error` empty -> the recorded last handler error. Clears the recorded error.
  absl::StatusOr<std::string> AddDeadLetter(const std::string& tenant, absl::Time now,
                                            const v1::DeadLetter& letter);
  // Oldest first.
  absl::StatusOr<DeadLetterPage> ListDeadLetters(const std::string& tenant,
                                                 const std::string& cursor, int page_size);
  absl::StatusOr<int64_t> CountDeadLetters(const std::string& tenant);
  // One step: the letter's entry goes back on P jobs as a "replay" job (fields: source,
  // source_entry_id, entry_type = the letter's type, fields JSON) and leaves P dead (and P
  // deadidx). NOT_FOUND "dead letter <id>". Replays the request id (answers the same job id).
  absl::StatusOr<std::string> ReplayDeadLetter(const Mutation& mutation,
                                               const std::string& dead_letter_id);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dunbar::outreach
