// The cohort keyspace in Redis. Owns every key name and every Lua script; each state change is one
// script call (one round trip, atomic), each read one command or read-only script. Inputs are
// already validated and normalized by the domain layer (cohort_domain.h).
//
// Keys, all under the tenant's hash tag  P = "dunbar:cohort:{<tenant>}:"
//   P prog:<pid>            programme hash
//   P progs                 zset score created_ms: programme ids
//   P coh:<pid>:<n>         cohort hash (number, name, capacity, taken, state, late, start_date,
//                           opened/full/started/closed ms, next_seat)
//   P free:<pid>:<n>        zset of freed seat numbers (the lowest is reused first)
//   P roster:<pid>:<n>      zset member id -> seat number
//   P enr:<pid>             hash member id -> the member's enrolment record in the programme
//                           (status, cohort, seat, order id, source, times, history)
//   P wait:<pid>            zset member id -> join sequence (FIFO); P waitseq:<pid> counter
//   P menr:<member id>      zset programme id -> first enrolment ms (ListMemberEnrollments)
//   P daily:<pid>           hash "YYYY-MM-DD" (UTC) -> enrolments that day
//   P adm:<pid>:<member>    paid admission cache: "<order id>|<cached ms>", expires (PX)
//   P admgen:<pid>:<member> admission generation, bumped by every invalidation, expires (PX)
//   P admchg:<pid>:<member> time (membership's ms) of the latest entitlement change applied
//   P known:<member>        "<cached ms>": membership confirmed the member exists (free
//                           programmes need nothing more), expires (PX)
//   P req:<request id>      idempotency record "<fingerprint>\n<answer>" with a TTL
//   P events                stream: cohort.opened|full|started|closed, enrollment.created|
//                           withdrawn|transferred, waitlist.joined|promoted (ids only)
//
// The admission cache lets Enroll stay one round trip: the enroll script itself looks at
// adm:<pid>:<member> (paid programmes) or known:<member> (free ones); only when it holds nothing
// usable does the script answer "admission needed"
// (writing nothing), the domain asks membership, and calls Enroll again with the answer. The
// generation guards the race "membership said yes, then an invalidation arrived, then we cached the
// yes": the script only caches when the generation is still the one it reported. Grants reported by
// membership's feed are cached ahead of the enrolment (CacheGrantedAdmission), so a member who has
// just paid enrols in one round trip; changes carry membership's time so that a late, older one
// delivered through another replica's feed cannot undo a newer one.
//
//   CohortStore store(redis, CohortStore::Options{});
//   store.LoadScripts().IgnoreError();  // Redis may be down at start; EVALSHA reloads later
//   auto program = store.GetProgram("acme", id);
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/redis_client.h"
#include "common/redis/script_registry.h"
#include "dunbar/cohort/v1/cohort.pb.h"

namespace dunbar::cohort {

namespace v1 = ::dunbar::cohort::v1;

// Everything a mutation script needs besides its own arguments. `request_id` may be empty for
// naturally idempotent mutations (archive, start, close).
struct Mutation {
  std::string tenant;
  std::string request_id;
  std::string fingerprint;  // api::RequestFingerprint of the canonical request
  absl::Time now;
};

// What membership answered for (programme, member): the member may enter. `order_id` is the
// entitling order ("" for programmes without requires_entitlement). `generation` is the one the
// enroll script reported with its "admission needed" answer.
struct Admission {
  std::string order_id;
  int64_t generation = 0;
};

struct EnrollCommand {
  std::string program_id;
  std::string member_id;
  std::string source;
  // Set on the second call, after membership was asked.
  std::optional<Admission> admission;
  // Cached admissions written before this instant are not trusted (the entitlement feed may have
  // missed events before it, see admission_gate.h).
  absl::Time admission_valid_since = absl::InfinitePast();
};

struct EnrollOutcome {
  // Set when the step is done (or replayed). Unset: nothing was written; ask membership and call
  // again with `admission` (generation = admission_generation).
  std::optional<v1::EnrollResponse> response;
  bool requires_entitlement = false;
  int64_t admission_generation = 0;
};

struct ProgramPage {
  std::vector<v1::Program> programs;
  std::string next_cursor;  // empty on the last page
};

struct CohortPage {
  std::vector<v1::Cohort> cohorts;
  int32_t next_after_number = 0;  // 0 on the last page
};

struct RosterPage {
  v1::Cohort cohort;
  std::vector<v1::RosterEntry> entries;
  int32_t next_after_seat = 0;  // 0 on the last page
};

struct WaitlistPage {
  std::vector<v1::WaitlistEntry> entries;
  int32_t length = 0;
  int32_t next_after_position = 0;  // 0 on the last page
};

class CohortStore {
 public:
  struct Options {
    int event_stream_max_len = 100000;
    absl::Duration request_id_ttl = absl::Hours(24);
    // How long a membership answer (admission) is trusted without the entitlement feed.
    absl::Duration admission_cache_ttl = absl::Minutes(10);
  };

  CohortStore(std::shared_ptr<redis::RedisClient> redis, Options options);
  ~CohortStore();

  // SCRIPT LOAD for every script; failing is fine when Redis is down (EVALSHA reloads later).
  absl::Status LoadScripts();
  // EVALSHA of a tiny registered script.
  absl::Status Probe();

  // `program`: validated, id assigned, defaults applied (capacity, policy, template). Opens cohort
  // 1 (name rendered from the template, start date = first_cohort_start_date) in the same step.
  absl::StatusOr<v1::Program> CreateProgram(const Mutation& mutation, const v1::Program& program);
  // NOT_FOUND "program <id>".
  absl::StatusOr<v1::Program> GetProgram(const std::string& tenant, const std::string& program_id);
  // Newest first. `cursor`: from a previous page's next_cursor ("" = first page).
  absl::StatusOr<ProgramPage> ListPrograms(const std::string& tenant, const std::string& cursor,
                                           int page_size, bool include_archived);
  // Replaces the fields named by `paths` (validated update_mask paths) with `values`' fields. The
  // script enforces what needs the stored state: the resulting capacity above 150 needs the
  // resulting allow_over_dunbar (INVALID_ARGUMENT "program.cohort_capacity: ..."). Cohorts
  // already open keep their capacity.
  absl::StatusOr<v1::Program> UpdateProgram(const Mutation& mutation, const v1::Program& values,
                                            const std::vector<std::string>& paths);
  absl::StatusOr<v1::Program> ArchiveProgram(const Mutation& mutation,
                                             const std::string& program_id);

  // NOT_FOUND "cohort <pid>.<n>".
  absl::StatusOr<v1::Cohort> GetCohort(const std::string& tenant, const std::string& program_id,
                                       int32_t number);
  // By number, after `after_number`. NOT_FOUND for an unknown programme.
  absl::StatusOr<CohortPage> ListCohorts(const std::string& tenant, const std::string& program_id,
                                         int32_t after_number, int page_size);
  // FAILED_PRECONDITION for an archived programme.
  absl::StatusOr<v1::OpenNextCohortResponse> OpenNextCohort(const Mutation& mutation,
                                                            const std::string& program_id,
                                                            const std::string& start_date);
  // OPEN|FULL -> RUNNING (RUNNING: unchanged, allow_late_enrollment updated); CLOSED ->
  // FAILED_PRECONDITION.
  absl::StatusOr<v1::Cohort> StartCohort(const Mutation& mutation, const std::string& program_id,
                                         int32_t number, bool allow_late_enrollment);
  // Any -> CLOSED; idempotent. Members keep their seats (the roster is the batch's record).
  absl::StatusOr<v1::Cohort> CloseCohort(const Mutation& mutation, const std::string& program_id,
                                         int32_t number);

  // The atomic enrolment step (see the file comment for the admission protocol). NOT_FOUND for an
  // unknown programme, FAILED_PRECONDITION for an archived one.
  absl::StatusOr<EnrollOutcome> Enroll(const Mutation& mutation, const EnrollCommand& command);
  // NOT_FOUND "enrollment of member <id> in program <pid>" when the member holds no seat and no
  // waitlist place.
  absl::StatusOr<v1::WithdrawResponse> Withdraw(const Mutation& mutation,
                                                const std::string& program_id,
                                                const std::string& member_id,
                                                const std::string& reason);
  // Same programme only (the domain checks). NOT_FOUND when the member holds no seat in the source
  // cohort; RESOURCE_EXHAUSTED when the target is full; FAILED_PRECONDITION when the target is
  // CLOSED or RUNNING without late enrolment. Transferring to the cohort the member is in returns
  // the enrolment unchanged.
  absl::StatusOr<v1::Enrollment> Transfer(const Mutation& mutation, const std::string& program_id,
                                          const std::string& member_id, int32_t from_number,
                                          int32_t to_number, const std::string& reason);

  absl::StatusOr<RosterPage> ListRoster(const std::string& tenant, const std::string& program_id,
                                        int32_t number, int32_t after_seat, int page_size);
  absl::StatusOr<WaitlistPage> GetWaitlist(const std::string& tenant, const std::string& program_id,
                                           int32_t after_position, int page_size);
  // Every programme the member was ever in, oldest first (empty for an unknown member).
  absl::StatusOr<std::vector<v1::Enrollment>> ListMemberEnrollments(const std::string& tenant,
                                                                    const std::string& member_id);
  // The enrolment records of `member_ids` (validated, no duplicates) in one programme, in that
  // order, without history; members without a record are left out. One read-only script.
  // NOT_FOUND "program <id>" for an unknown programme.
  absl::StatusOr<std::vector<v1::Enrollment>> BatchGetEnrollments(
      const std::string& tenant, const std::string& program_id,
      const std::vector<std::string>& member_ids);
  // Counts for `dates` ("YYYY-MM-DD", oldest first) come back in that order.
  absl::StatusOr<v1::ProgramStats> GetProgramStats(const std::string& tenant,
                                                   const std::string& program_id,
                                                   const std::vector<std::string>& dates);

  // An entitlement was revoked: forgets the cached admission of (programme, member) and bumps its
  // generation. `changed_at` is membership's time of the revoke (InfinitePast: unknown).
  // Idempotent; fine for programmes and members the store never saw.
  absl::Status InvalidateAdmission(const std::string& tenant, const std::string& program_id,
                                   const std::string& member_id,
                                   absl::Time changed_at = absl::InfinitePast());
  // An entitlement was granted at `changed_at` (membership's time): caches the admission (and that
  // the member exists) unless a change at least as recent was applied already. Returns whether it
  // was cached.
  absl::StatusOr<bool> CacheGrantedAdmission(const std::string& tenant,
                                             const std::string& program_id,
                                             const std::string& member_id,
                                             const std::string& order_id, absl::Time changed_at,
                                             absl::Time now);

 private:
  std::shared_ptr<redis::RedisClient> redis_;
  Options options_;
  redis::ScriptRegistry registry_;
  // Script ids and helpers: the implementation's business.
  struct Scripts;
  std::unique_ptr<Scripts> scripts_;
};

}  // namespace dunbar::cohort
