#include "services/cohort/cohort_store.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cohort_lib_embedded.h"
#include "common/api/timestamps.h"
#include "common/status/status_macros.h"
#include "services/cohort/cohort_codec.h"

namespace dunbar::cohort {
namespace {

using redis::RedisReply;

// How many programmes one ListPrograms call looks at, at most, per entry of the page it fills
// (archived programmes are skipped without a full scan).
constexpr int kListScanFactor = 4;

std::string WithLib(std::string_view body) {
  std::string script(lua::kLibLua);
  script += "\n";
  script += body;
  return script;
}

std::string Flag(bool value) { return value ? "1" : "0"; }

// The `enrollments` array of a script reply.
std::vector<v1::Enrollment> DecodeEnrollments(const Json& json) {
  std::vector<v1::Enrollment> enrollments;
  for (const Json& enrollment : JsonArray(json, "enrollments")) {
    enrollments.push_back(DecodeEnrollment(enrollment));
  }
  return enrollments;
}

}  // namespace

struct CohortStore::Scripts {
  redis::ScriptId probe;
  redis::ScriptId create_program;
  redis::ScriptId update_program;
  redis::ScriptId archive_program;
  redis::ScriptId get_program;
  redis::ScriptId list_programs;
  redis::ScriptId get_cohort;
  redis::ScriptId list_cohorts;
  redis::ScriptId open_next_cohort;
  redis::ScriptId start_cohort;
  redis::ScriptId close_cohort;
  redis::ScriptId enroll;
  redis::ScriptId withdraw;
  redis::ScriptId transfer;
  redis::ScriptId list_roster;
  redis::ScriptId get_waitlist;
  redis::ScriptId list_member_enrollments;
  redis::ScriptId batch_get_enrollments;
  redis::ScriptId program_stats;
  redis::ScriptId invalidate_admission;
  redis::ScriptId cache_granted_admission;

  // Key prefix of the tenant; ARGV[1] of every script.
  static std::string Prefix(const std::string& tenant) {
    return absl::StrCat("dunbar:cohort:{", tenant, "}:");
  }

  // KEYS[1] routes the call to the tenant's slot; ARGV[1] is the prefix, `args` follow.
  static absl::StatusOr<RedisReply> Eval(redis::ScriptRegistry& registry, redis::ScriptId script,
                                         const std::string& tenant, std::vector<std::string> args) {
    std::string prefix = Prefix(tenant);
    std::vector<std::string> keys = {absl::StrCat(prefix, "progs")};
    args.insert(args.begin(), std::move(prefix));
    return registry.Eval(script, keys, args);
  }
};

CohortStore::CohortStore(std::shared_ptr<redis::RedisClient> redis, Options options)
    : redis_(std::move(redis)),
      options_(options),
      registry_(redis_),
      scripts_(std::make_unique<Scripts>()) {
  Scripts& s = *scripts_;
  s.probe = registry_.Register("cohort.probe", lua::kProbeLua);
  auto add = [this](const char* name, std::string_view body) {
    return registry_.Register(absl::StrCat("cohort.", name), WithLib(body));
  };
  s.create_program = add("create_program", lua::kCreateProgramLua);
  s.update_program = add("update_program", lua::kUpdateProgramLua);
  s.archive_program = add("archive_program", lua::kArchiveProgramLua);
  s.get_program = add("get_program", lua::kGetProgramLua);
  s.list_programs = add("list_programs", lua::kListProgramsLua);
  s.get_cohort = add("get_cohort", lua::kGetCohortLua);
  s.list_cohorts = add("list_cohorts", lua::kListCohortsLua);
  s.open_next_cohort = add("open_next_cohort", lua::kOpenNextCohortLua);
  s.start_cohort = add("start_cohort", lua::kStartCohortLua);
  s.close_cohort = add("close_cohort", lua::kCloseCohortLua);
  s.enroll = add("enroll", lua::kEnrollLua);
  s.withdraw = add("withdraw", lua::kWithdrawLua);
  s.transfer = add("transfer", lua::kTransferLua);
  s.list_roster = add("list_roster", lua::kListRosterLua);
  s.get_waitlist = add("get_waitlist", lua::kGetWaitlistLua);
  s.list_member_enrollments = add("list_member_enrollments", lua::kListMemberEnrollmentsLua);
  s.batch_get_enrollments = add("batch_get_enrollments", lua::kBatchGetEnrollmentsLua);
  s.program_stats = add("program_stats", lua::kProgramStatsLua);
  s.invalidate_admission = add("invalidate_admission", lua::kInvalidateAdmissionLua);
  s.cache_granted_admission = add("cache_granted_admission", lua::kCacheGrantedAdmissionLua);
}

CohortStore::~CohortStore() = default;

absl::Status CohortStore::LoadScripts() { return registry_.LoadAll(); }

absl::Status CohortStore::Probe() {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, registry_.Eval(scripts_->probe, {}, {}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t one, reply.AsInteger());
  if (one != 1) return absl::InternalError("probe: unexpected reply from the store");
  return absl::OkStatus();
}

namespace {

// ARGV[2..7] of every mutation script (lib.lua: mutation_context), then the script's own.
std::vector<std::string> MutationArgs(const Mutation& mutation, const CohortStore::Options& options,
                                      std::initializer_list<std::string> own) {
  std::vector<std::string> args = {absl::StrCat(api::TimeToMillis(mutation.now)),
                                   mutation.request_id,
                                   mutation.fingerprint,
                                   absl::StrCat(absl::ToInt64Milliseconds(options.request_id_ttl)),
                                   absl::StrCat(options.event_stream_max_len),
                                   absl::FormatTime("%Y-%m-%d", mutation.now, absl::UTCTimeZone())};
  args.insert(args.end(), own);
  return args;
}

}  // namespace

absl::StatusOr<v1::Program> CohortStore::CreateProgram(const Mutation& mutation,
                                                       const v1::Program& program) {
  std::vector<std::string> args = MutationArgs(mutation, options_, {program.id()});
  DUNBAR_RETURN_IF_ERROR(AppendProgramFields(program, AllProgramPaths(), args));
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Scripts::Eval(registry_, scripts_->create_program,
                                                          mutation.tenant, std::move(args)));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "create program"));
  return DecodeProgram(json, mutation.tenant);
}

absl::StatusOr<v1::Program> CohortStore::GetProgram(const std::string& tenant,
                                                    const std::string& program_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Scripts::Eval(registry_, scripts_->get_program, tenant, {program_id}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "get program"));
  return DecodeProgram(json, tenant);
}

absl::StatusOr<ProgramPage> CohortStore::ListPrograms(const std::string& tenant,
                                                      const std::string& cursor, int page_size,
                                                      bool include_archived) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Scripts::Eval(registry_, scripts_->list_programs, tenant,
                                        {cursor, absl::StrCat(page_size), Flag(include_archived),
                                         absl::StrCat(page_size * kListScanFactor)}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "list programs"));
  ProgramPage page;
  for (const Json& program : JsonArray(json, "programs")) {
    page.programs.push_back(DecodeProgram(program, tenant));
  }
  page.next_cursor = JsonString(json, "next");
  return page;
}

absl::StatusOr<v1::Program> CohortStore::UpdateProgram(const Mutation& mutation,
                                                       const v1::Program& values,
                                                       const std::vector<std::string>& paths) {
  std::vector<std::string> args = MutationArgs(mutation, options_, {values.id()});
  DUNBAR_RETURN_IF_ERROR(AppendProgramFields(values, paths, args));
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Scripts::Eval(registry_, scripts_->update_program,
                                                          mutation.tenant, std::move(args)));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "update program"));
  return DecodeProgram(json, mutation.tenant);
}

absl::StatusOr<v1::Program> CohortStore::ArchiveProgram(const Mutation& mutation,
                                                        const std::string& program_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Scripts::Eval(registry_, scripts_->archive_program, mutation.tenant,
                                        MutationArgs(mutation, options_, {program_id})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "archive program"));
  return DecodeProgram(json, mutation.tenant);
}

absl::StatusOr<v1::Cohort> CohortStore::GetCohort(const std::string& tenant,
                                                  const std::string& program_id, int32_t number) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Scripts::Eval(registry_, scripts_->get_cohort, tenant,
                                                          {program_id, absl::StrCat(number)}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "get cohort"));
  return DecodeCohort(json, program_id);
}

absl::StatusOr<CohortPage> CohortStore::ListCohorts(const std::string& tenant,
                                                    const std::string& program_id,
                                                    int32_t after_number, int page_size) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Scripts::Eval(registry_, scripts_->list_cohorts, tenant,
                                                          {program_id, absl::StrCat(after_number),
                                                           absl::StrCat(page_size)}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "list cohorts"));
  CohortPage page;
  for (const Json& cohort : JsonArray(json, "cohorts")) {
    page.cohorts.push_back(DecodeCohort(cohort, program_id));
  }
  page.next_after_number = static_cast<int32_t>(JsonInt(json, "next"));
  return page;
}

absl::StatusOr<v1::OpenNextCohortResponse> CohortStore::OpenNextCohort(
    const Mutation& mutation, const std::string& program_id, const std::string& start_date) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply, Scripts::Eval(registry_, scripts_->open_next_cohort, mutation.tenant,
                                      MutationArgs(mutation, options_, {program_id, start_date})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "open next cohort"));
  v1::OpenNextCohortResponse response;
  *response.mutable_cohort() = DecodeCohort(json["cohort"], program_id);
  for (const Json& member : JsonArray(json, "promoted")) {
    if (member.is_string()) response.add_promoted_member_ids(member.get<std::string>());
  }
  return response;
}

absl::StatusOr<v1::Cohort> CohortStore::StartCohort(const Mutation& mutation,
                                                    const std::string& program_id, int32_t number,
                                                    bool allow_late_enrollment) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->start_cohort, mutation.tenant,
                    MutationArgs(mutation, options_,
                                 {program_id, absl::StrCat(number), Flag(allow_late_enrollment)})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "start cohort"));
  return DecodeCohort(json, program_id);
}

absl::StatusOr<v1::Cohort> CohortStore::CloseCohort(const Mutation& mutation,
                                                    const std::string& program_id, int32_t number) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->close_cohort, mutation.tenant,
                    MutationArgs(mutation, options_, {program_id, absl::StrCat(number)})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "close cohort"));
  return DecodeCohort(json, program_id);
}

absl::StatusOr<EnrollOutcome> CohortStore::Enroll(const Mutation& mutation,
                                                  const EnrollCommand& command) {
  const Admission admission = command.admission.value_or(Admission{});
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(
          registry_, scripts_->enroll, mutation.tenant,
          MutationArgs(mutation, options_,
                       {command.program_id, command.member_id, command.source,
                        Flag(command.admission.has_value()), admission.order_id,
                        absl::StrCat(admission.generation),
                        absl::StrCat(absl::ToUnixMillis(command.admission_valid_since)),
                        absl::StrCat(absl::ToInt64Milliseconds(options_.admission_cache_ttl))})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "enroll"));
  EnrollOutcome outcome;
  if (JsonBool(json, "need")) {
    outcome.requires_entitlement = JsonBool(json, "req");
    outcome.admission_generation = JsonInt(json, "gen");
    return outcome;
  }
  v1::EnrollResponse& response = outcome.response.emplace();
  response.set_result(static_cast<v1::EnrollResult>(JsonInt(json, "r")));
  if (auto seat = json.find("seat"); seat != json.end() && seat->is_object()) {
    *response.mutable_seat() = DecodeSeat(*seat, command.program_id);
  }
  response.set_waitlist_position(static_cast<int32_t>(JsonInt(json, "pos")));
  response.set_cohort_filled(JsonBool(json, "filled"));
  if (auto opened = json.find("opened"); opened != json.end() && opened->is_object()) {
    *response.mutable_opened_cohort() = DecodeCohort(*opened, command.program_id);
  }
  return outcome;
}

absl::StatusOr<v1::WithdrawResponse> CohortStore::Withdraw(const Mutation& mutation,
                                                           const std::string& program_id,
                                                           const std::string& member_id,
                                                           const std::string& reason) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->withdraw, mutation.tenant,
                    MutationArgs(mutation, options_, {program_id, member_id, reason})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "withdraw"));
  v1::WithdrawResponse response;
  if (auto enrollment = json.find("enr"); enrollment != json.end() && enrollment->is_object()) {
    *response.mutable_enrollment() = DecodeEnrollment(*enrollment);
  }
  response.set_promoted_member_id(JsonString(json, "promoted"));
  response.set_left_waitlist(JsonBool(json, "left"));
  return response;
}

absl::StatusOr<v1::Enrollment> CohortStore::Transfer(const Mutation& mutation,
                                                     const std::string& program_id,
                                                     const std::string& member_id,
                                                     int32_t from_number, int32_t to_number,
                                                     const std::string& reason) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->transfer, mutation.tenant,
                    MutationArgs(mutation, options_,
                                 {program_id, member_id, absl::StrCat(from_number),
                                  absl::StrCat(to_number), reason})));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "transfer"));
  return DecodeEnrollment(json);
}

absl::StatusOr<RosterPage> CohortStore::ListRoster(const std::string& tenant,
                                                   const std::string& program_id, int32_t number,
                                                   int32_t after_seat, int page_size) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Scripts::Eval(registry_, scripts_->list_roster, tenant,
                                        {program_id, absl::StrCat(number), absl::StrCat(after_seat),
                                         absl::StrCat(page_size)}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "list roster"));
  RosterPage page;
  page.cohort = DecodeCohort(json["cohort"], program_id);
  for (const Json& row : JsonArray(json, "entries")) {
    v1::RosterEntry& entry = page.entries.emplace_back();
    entry.set_member_id(JsonString(row, "m"));
    entry.set_seat_number(static_cast<int32_t>(JsonInt(row, "s")));
    if (const int64_t seated = JsonInt(row, "seated"); seated > 0) {
      *entry.mutable_seated_at() = api::TimestampFromMillis(seated);
    }
    entry.set_source(JsonString(row, "src"));
    entry.set_entitlement_order_id(JsonString(row, "o"));
  }
  page.next_after_seat = static_cast<int32_t>(JsonInt(json, "next"));
  return page;
}

absl::StatusOr<WaitlistPage> CohortStore::GetWaitlist(const std::string& tenant,
                                                      const std::string& program_id,
                                                      int32_t after_position, int page_size) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Scripts::Eval(registry_, scripts_->get_waitlist, tenant,
                                                          {program_id, absl::StrCat(after_position),
                                                           absl::StrCat(page_size)}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "get waitlist"));
  WaitlistPage page;
  for (const Json& row : JsonArray(json, "entries")) {
    v1::WaitlistEntry& entry = page.entries.emplace_back();
    entry.set_member_id(JsonString(row, "m"));
    entry.set_position(static_cast<int32_t>(JsonInt(row, "pos")));
    if (const int64_t joined = JsonInt(row, "joined"); joined > 0) {
      *entry.mutable_joined_at() = api::TimestampFromMillis(joined);
    }
    entry.set_source(JsonString(row, "src"));
  }
  page.length = static_cast<int32_t>(JsonInt(json, "length"));
  page.next_after_position = static_cast<int32_t>(JsonInt(json, "next"));
  return page;
}

absl::StatusOr<std::vector<v1::Enrollment>> CohortStore::ListMemberEnrollments(
    const std::string& tenant, const std::string& member_id) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->list_member_enrollments, tenant, {member_id}));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "list member enrollments"));
  return DecodeEnrollments(json);
}

absl::StatusOr<std::vector<v1::Enrollment>> CohortStore::BatchGetEnrollments(
    const std::string& tenant, const std::string& program_id,
    const std::vector<std::string>& member_ids) {
  std::vector<std::string> args = {program_id};
  args.insert(args.end(), member_ids.begin(), member_ids.end());
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->batch_get_enrollments, tenant, std::move(args)));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "batch get enrollments"));
  return DecodeEnrollments(json);
}

absl::StatusOr<v1::ProgramStats> CohortStore::GetProgramStats(
    const std::string& tenant, const std::string& program_id,
    const std::vector<std::string>& dates) {
  std::vector<std::string> args = {program_id};
  args.insert(args.end(), dates.begin(), dates.end());
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply, Scripts::Eval(registry_, scripts_->program_stats, tenant, std::move(args)));
  DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "program stats"));
  v1::ProgramStats stats;
  *stats.mutable_program() = DecodeProgram(json["program"], tenant);
  stats.set_waitlist_length(stats.program().waitlist_length());
  int32_t total = 0;
  for (const Json& row : JsonArray(json, "cohorts")) {
    v1::CohortStats* cohort_stats = stats.add_cohorts();
    *cohort_stats->mutable_cohort() = DecodeCohort(row, program_id);
    const v1::Cohort& cohort = cohort_stats->cohort();
    total += cohort.seats_taken();
    if (cohort.has_full_at() && cohort.has_opened_at()) {
      cohort_stats->set_time_to_fill_seconds(cohort.full_at().seconds() -
                                             cohort.opened_at().seconds());
    }
    if (cohort.capacity() > 0) {
      cohort_stats->set_fill_ratio(static_cast<double>(cohort.seats_taken()) / cohort.capacity());
    }
  }
  stats.set_total_enrolled(total);
  const Json& counts = JsonArray(json, "daily");
  for (size_t i = 0; i < dates.size(); ++i) {
    v1::DailyCount* day = stats.add_enrollments_per_day();
    day->set_date(dates[i]);
    if (i < counts.size() && counts[i].is_number()) {
      day->set_enrollments(counts[i].get<int32_t>());
    }
  }
  return stats;
}

absl::Status CohortStore::InvalidateAdmission(const std::string& tenant,
                                              const std::string& program_id,
                                              const std::string& member_id, absl::Time changed_at) {
  const int64_t changed_ms =
      changed_at == absl::InfinitePast() ? 0 : std::max<int64_t>(0, api::TimeToMillis(changed_at));
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(registry_, scripts_->invalidate_admission, tenant,
                    {program_id, member_id,
                     absl::StrCat(absl::ToInt64Milliseconds(options_.admission_cache_ttl)),
                     absl::StrCat(changed_ms)}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t one, reply.AsInteger());
  if (one != 1) return absl::InternalError("invalidate admission: unexpected reply from the store");
  return absl::OkStatus();
}

absl::StatusOr<bool> CohortStore::CacheGrantedAdmission(const std::string& tenant,
                                                        const std::string& program_id,
                                                        const std::string& member_id,
                                                        const std::string& order_id,
                                                        absl::Time changed_at, absl::Time now) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Scripts::Eval(
          registry_, scripts_->cache_granted_admission, tenant,
          {program_id, member_id, order_id,
           absl::StrCat(absl::ToInt64Milliseconds(options_.admission_cache_ttl)),
           absl::StrCat(api::TimeToMillis(changed_at)), absl::StrCat(api::TimeToMillis(now))}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t cached, reply.AsInteger());
  return cached == 1;
}

}  // namespace dunbar::cohort
