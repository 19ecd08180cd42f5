#include "services/outreach/outreach_store.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "common/redis/script_registry.h"
#include "common/status/status_macros.h"
#include "outreach_lib_embedded.h"

namespace dunbar::outreach {
namespace {

using Json = nlohmann::json;
using redis::RedisReply;

// How many campaign tasks one filtered ListTasks call looks at, per entry of the page it fills.
constexpr int kTaskScanFactor = 8;
// Fields per pick in create_plan.lua's arguments.
constexpr int kPickFields = 9;

std::string Prefix(const std::string& tenant) {
  return absl::StrCat("dunbar:outreach:{", tenant, "}:");
}

std::string Millis(absl::Time time) { return absl::StrCat(api::TimeToMillis(time)); }

std::string WithLib(std::string_view body) {
  std::string script(lua::kLibLua);
  script += "\n";
  script += body;
  return script;
}

// Protobuf JSON is how records are stored; a record that does not parse is a store fault.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(message, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot encode ", message.GetTypeName()));
  }
  return json;
}

absl::Status FromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // records written by a newer version
  if (!google::protobuf::util::JsonStringToMessage(json, message, options).ok()) {
    return absl::InternalError(absl::StrCat("stored ", message->GetTypeName(), " is unreadable"));
  }
  return absl::OkStatus();
}

// Script replies carry hash fields as strings (cjson may give numbers); missing fields are empty.
std::string Text(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return absl::StrCat(it->get<int64_t>());
  return "";
}

int64_t Number(const Json& object, const char* field) {
  auto it = object.find(field);
  if (it == object.end()) return 0;
  if (it->is_number()) return it->get<int64_t>();
  if (it->is_string()) return std::strtoll(it->get_ref<const std::string&>().c_str(), nullptr, 10);
  return 0;
}

// cjson encodes an empty Lua table as {}: read anything but an array as no items.
const Json& Items(const Json& object, const char* field) {
  static const Json* const kNone = new Json(Json::array());
  auto it = object.find(field);
  return it != object.end() && it->is_array() ? *it : *kNone;
}

absl::StatusOr<Json> ParseReply(const RedisReply& reply, std::string_view what) {
  if (reply.type() == RedisReply::Type::kString) {
    Json json = Json::parse(reply.str(), nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) return json;
  }
  return absl::InternalError(std::string(what) + ": unexpected reply from the store");
}

// An HGETALL reply as a JSON object of strings (empty for a missing key).
Json HashObject(const RedisReply& reply) {
  Json object = Json::object();
  const auto& flat = reply.elements();
  for (size_t i = 0; i + 1 < flat.size(); i += 2) {
    object[flat[i].str()] = flat[i + 1].str();
  }
  return object;
}

google::protobuf::Timestamp MillisTimestamp(int64_t millis) {
  return api::TimestampFromMillis(millis);
}

// A task hash (lib.lua lists the fields) as the proto.
absl::StatusOr<v1::Task> DecodeTask(const Json& fields, const std::string& tenant) {
  v1::Task task;
  task.set_id(Text(fields, "id"));
  task.set_tenant(tenant);
  task.set_date(Text(fields, "date"));
  task.set_kind(static_cast<v1::TaskKind>(Number(fields, "kind")));
  task.set_status(static_cast<v1::TaskStatus>(Number(fields, "status")));
  task.set_member_id(Text(fields, "member"));
  if (std::string card = Text(fields, "card"); !card.empty()) {
    DUNBAR_RETURN_IF_ERROR(FromJson(card, task.mutable_contact()));
  }
  if (std::string reason = Text(fields, "reason"); !reason.empty()) {
    DUNBAR_RETURN_IF_ERROR(FromJson(reason, task.mutable_reason()));
  }
  task.set_campaign_id(Text(fields, "camp"));
  task.set_target_program_id(Text(fields, "tprog"));
  task.set_target_cohort_id(Text(fields, "tcoh"));
  task.set_follows_up_task_id(Text(fields, "fuof"));
  task.set_position(static_cast<int32_t>(Number(fields, "pos")));
  task.set_outcome(static_cast<v1::Outcome>(Number(fields, "outcome")));
  task.set_note(Text(fields, "note"));
  if (int64_t done = Number(fields, "done"); done > 0) {
    *task.mutable_completed_at() = MillisTimestamp(done);
  }
  if (int64_t state = Number(fields, "est"); state > 0) {
    v1::TaskEffects& effects = *task.mutable_effects();
    effects.set_state(static_cast<v1::EffectsState>(state));
    effects.set_contact_recorded(Text(fields, "econ") == "1");
    effects.set_opt_out_recorded(Text(fields, "eopt") == "1");
    effects.set_enroll_result(Text(fields, "eenr"));
    effects.set_enrolled_cohort_id(Text(fields, "ecoh"));
    effects.set_seat_number(static_cast<int32_t>(Number(fields, "eseat")));
    effects.set_waitlist_position(static_cast<int32_t>(Number(fields, "ewpos")));
    effects.set_follow_up_task_id(Text(fields, "efu"));
    effects.set_follow_up_date(Text(fields, "efud"));
    effects.set_last_error(Text(fields, "eerr"));
  }
  task.set_snoozed_from(Text(fields, "snz"));
  task.set_cancel_reason(Text(fields, "creason"));
  if (int64_t created = Number(fields, "created"); created > 0) {
    *task.mutable_created_at() = MillisTimestamp(created);
  }
  return task;
}

absl::StatusOr<std::vector<v1::Task>> DecodeTasks(const Json& tasks, const std::string& tenant) {
  std::vector<v1::Task> decoded;
  for (const Json& fields : tasks) {
    DUNBAR_ASSIGN_OR_RETURN(v1::Task task, DecodeTask(fields, tenant));
    decoded.push_back(std::move(task));
  }
  return decoded;
}

// A campaign view {json, paused, planned} (or its whole hash) as the proto.
absl::StatusOr<v1::Campaign> DecodeCampaign(const Json& view, const std::string& tenant) {
  v1::Campaign campaign;
  DUNBAR_RETURN_IF_ERROR(FromJson(Text(view, "json"), &campaign));
  campaign.set_tenant(tenant);
  campaign.set_paused(Text(view, "paused") == "1");
  campaign.set_tasks_planned(Number(view, "planned"));
  return campaign;
}

absl::StatusOr<std::vector<v1::Campaign>> DecodeCampaigns(const Json& views,
                                                          const std::string& tenant) {
  std::vector<v1::Campaign> campaigns;
  for (const Json& view : views) {
    DUNBAR_ASSIGN_OR_RETURN(v1::Campaign campaign, DecodeCampaign(view, tenant));
    campaigns.push_back(std::move(campaign));
  }
  return campaigns;
}

// {h header JSON, tasks, gen} as the plan.
absl::StatusOr<v1::DailyPlan> DecodePlan(const Json& view, const std::string& tenant) {
  v1::DailyPlan plan;
  DUNBAR_RETURN_IF_ERROR(FromJson(Text(view, "h"), &plan));
  plan.set_tenant(tenant);
  plan.clear_tasks();
  DUNBAR_ASSIGN_OR_RETURN(std::vector<v1::Task> tasks, DecodeTasks(Items(view, "tasks"), tenant));
  for (v1::Task& task : tasks) *plan.add_tasks() = std::move(task);
  plan.set_generated_now(Number(view, "gen") == 1);
  return plan;
}

void SetFunnelCounter(const std::string& name, int64_t value, v1::FunnelCounts& counts) {
  if (name == "contacted") counts.set_contacted(value);
  if (name == "replied") counts.set_replied(value);
  if (name == "interested") counts.set_interested(value);
  if (name == "enrolled") counts.set_enrolled(value);
  if (name == "declined") counts.set_declined(value);
  if (name == "no_response") counts.set_no_response(value);
  if (name == "opted_out") counts.set_opted_out(value);
  if (name == "waitlisted") counts.set_waitlisted(value);
}

// A P dead entry [id, [field, value, ...]] as the proto.
v1::DeadLetter DecodeDeadLetter(const RedisReply& entry) {
  v1::DeadLetter letter;
  if (entry.elements().size() != 2) return letter;
  letter.set_id(entry.elements()[0].str());
  const Json fields = HashObject(entry.elements()[1]);
  letter.set_source(Text(fields, "source"));
  letter.set_source_entry_id(Text(fields, "source_entry_id"));
  letter.set_type(Text(fields, "type"));
  const Json entry_fields = Json::parse(Text(fields, "fields"), nullptr, false);
  if (entry_fields.is_object()) {
    for (const auto& [name, value] : entry_fields.items()) {
      if (value.is_string()) (*letter.mutable_fields())[name] = value.get<std::string>();
    }
  }
  letter.set_error(Text(fields, "error"));
  letter.set_attempts(static_cast<int32_t>(Number(fields, "attempts")));
  if (int64_t at = Number(fields, "dead_at"); at > 0)
    *letter.mutable_dead_at() = MillisTimestamp(at);
  return letter;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// A stream entry id "<ms>-<seq>".
bool IsStreamId(std::string_view id) {
  const size_t dash = id.find('-');
  return dash != std::string_view::npos && AllDigits(id.substr(0, dash)) &&
         AllDigits(id.substr(dash + 1));
}

}  // namespace

class OutreachStore::Impl {
 public:
  Impl(std::shared_ptr<redis::RedisClient> client, Options store_options)
      : redis(std::move(client)), options(store_options), registry(redis) {
    probe = registry.Register("outreach.probe", lua::kProbeLua);
    auto add = [this](const char* name, std::string_view body) {
      return registry.Register(absl::StrCat("outreach.", name), WithLib(body));
    };
    set_policy = add("set_policy", lua::kSetPolicyLua);
    get_plan = add("get_plan", lua::kGetPlanLua);
    create_plan = add("create_plan", lua::kCreatePlanLua);
    list_tasks = add("list_tasks", lua::kListTasksLua);
    complete_task = add("complete_task", lua::kCompleteTaskLua);
    record_effects = add("record_effects", lua::kRecordEffectsLua);
    snooze_task = add("snooze_task", lua::kSnoozeTaskLua);
    cancel_open_tasks = add("cancel_open_tasks", lua::kCancelOpenTasksLua);
    refresh_contact_card = add("refresh_contact_card", lua::kRefreshContactCardLua);
    create_follow_up = add("create_follow_up", lua::kCreateFollowUpLua);
    create_campaign = add("create_campaign", lua::kCreateCampaignLua);
    set_campaign_paused = add("set_campaign_paused", lua::kSetCampaignPausedLua);
    list_campaigns = add("list_campaigns", lua::kListCampaignsLua);
    list_unpaused_campaigns = add("list_unpaused_campaigns", lua::kListUnpausedCampaignsLua);
    promote_due_jobs = add("promote_due_jobs", lua::kPromoteDueJobsLua);
    record_handler_error = add("record_handler_error", lua::kRecordHandlerErrorLua);
    add_dead_letter = add("add_dead_letter", lua::kAddDeadLetterLua);
    replay_dead_letter = add("replay_dead_letter", lua::kReplayDeadLetterLua);
  }

  // KEYS[1] routes the call to the tenant's slot; ARGV[1..8] are lib.lua's context, `own` follow.
  absl::StatusOr<RedisReply> Run(redis::ScriptId script, const Mutation& mutation,
                                 std::vector<std::string> own) {
    std::string prefix = Prefix(mutation.tenant);
    std::vector<std::string> keys = {absl::StrCat(prefix, "events")};
    std::vector<std::string> args = {
        std::move(prefix),
        Millis(mutation.now),
        mutation.request_id,
        mutation.fingerprint,
        absl::StrCat(absl::ToInt64Milliseconds(options.request_id_ttl)),
        absl::StrCat(options.event_stream_max_len),
        absl::StrCat(options.job_stream_max_len),
        absl::StrCat(options.dead_letter_max_len)};
    args.insert(args.end(), std::make_move_iterator(own.begin()),
                std::make_move_iterator(own.end()));
    return registry.Eval(script, keys, args);
  }

  // A call without a request id (reads, naturally idempotent mutations).
  absl::StatusOr<RedisReply> Run(redis::ScriptId script, const std::string& tenant, absl::Time now,
                                 std::vector<std::string> own) {
    return Run(script, Mutation{tenant, "", "", now}, std::move(own));
  }

  absl::StatusOr<Json> RunJson(redis::ScriptId script, const std::string& tenant, absl::Time now,
                               std::vector<std::string> own, std::string_view what) {
    DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Run(script, tenant, now, std::move(own)));
    return ParseReply(reply, what);
  }

  absl::StatusOr<int> RunCount(redis::ScriptId script, const std::string& tenant, absl::Time now,
                               std::vector<std::string> own) {
    DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Run(script, tenant, now, std::move(own)));
    DUNBAR_ASSIGN_OR_RETURN(int64_t count, reply.AsInteger());
    return static_cast<int>(count);
  }

  std::shared_ptr<redis::RedisClient> redis;
  Options options;
  redis::ScriptRegistry registry;
  redis::ScriptId probe, set_policy, get_plan, create_plan, list_tasks, complete_task,
      record_effects, snooze_task, cancel_open_tasks, refresh_contact_card, create_follow_up,
      create_campaign, set_campaign_paused, list_campaigns, list_unpaused_campaigns,
      promote_due_jobs, record_handler_error, add_dead_letter, replay_dead_letter;
};

std::string OutreachStore::TenantsKey() { return "dunbar:outreach:tenants"; }
std::string OutreachStore::JobStreamKey(const std::string& tenant) {
  return Prefix(tenant) + "jobs";
}
std::string OutreachStore::DelayedKey(const std::string& tenant) {
  return Prefix(tenant) + "delayed";
}
std::string OutreachStore::DeadLetterKey(const std::string& tenant) {
  return Prefix(tenant) + "dead";
}

OutreachStore::OutreachStore(std::shared_ptr<redis::RedisClient> redis, Options options)
    : impl_(std::make_unique<Impl>(std::move(redis), options)) {}

OutreachStore::~OutreachStore() = default;

absl::Status OutreachStore::LoadScripts() { return impl_->registry.LoadAll(); }

absl::Status OutreachStore::Probe() {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, impl_->registry.Eval(impl_->probe, {}, {}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t one, reply.AsInteger());
  if (one != 1) return absl::InternalError("probe: unexpected reply from the store");
  return absl::OkStatus();
}

absl::Status OutreachStore::RegisterTenant(const std::string& tenant) {
  return impl_->redis->Command({"SADD", TenantsKey(), tenant}).status();
}

absl::StatusOr<std::vector<std::string>> OutreachStore::ListTenants() {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, impl_->redis->Command({"SMEMBERS", TenantsKey()}));
  std::vector<std::string> tenants;
  for (const RedisReply& tenant : reply.elements()) tenants.push_back(tenant.str());
  std::sort(tenants.begin(), tenants.end());
  return tenants;
}

absl::StatusOr<std::optional<v1::Policy>> OutreachStore::GetPolicy(const std::string& tenant) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->redis->Command({"GET", Prefix(tenant) + "policy"}));
  if (reply.is_nil()) return std::nullopt;
  v1::Policy policy;
  DUNBAR_RETURN_IF_ERROR(FromJson(reply.str(), &policy));
  policy.set_tenant(tenant);
  policy.set_is_default(false);
  return policy;
}

absl::StatusOr<v1::Policy> OutreachStore::SetPolicy(const std::string& tenant, absl::Time now,
                                                    const v1::Policy& policy) {
  v1::Policy stored = policy;
  stored.set_tenant(tenant);
  stored.set_is_default(false);
  *stored.mutable_updated_at() = MillisTimestamp(api::TimeToMillis(now));
  DUNBAR_ASSIGN_OR_RETURN(std::string json, ToJson(stored));
  DUNBAR_RETURN_IF_ERROR(impl_->Run(impl_->set_policy, tenant, now, {std::move(json)}).status());
  return stored;
}

absl::StatusOr<std::optional<v1::DailyPlan>> OutreachStore::GetPlan(const std::string& tenant,
                                                                    const std::string& date) {
  DUNBAR_ASSIGN_OR_RETURN(
      Json view, impl_->RunJson(impl_->get_plan, tenant, absl::UnixEpoch(), {date}, "get plan"));
  if (Number(view, "none") == 1) return std::nullopt;
  return DecodePlan(view, tenant);
}

absl::StatusOr<std::vector<std::string>> OutreachStore::OpenTaskMembers(const std::string& tenant) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->redis->Command({"HKEYS", Prefix(tenant) + "open"}));
  std::vector<std::string> members;
  for (const RedisReply& member : reply.elements()) members.push_back(member.str());
  return members;
}

absl::StatusOr<bool> OutreachStore::HasOpenTask(const std::string& tenant,
                                                const std::string& member_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->redis->Command({"HEXISTS", Prefix(tenant) + "open", member_id}));
  return reply.integer() == 1;
}

absl::StatusOr<v1::DailyPlan> OutreachStore::CreatePlan(const std::string& tenant, absl::Time now,
                                                        const PlanDraft& draft) {
  if (draft.header.date().empty()) return absl::InvalidArgumentError("date: required");
  v1::DailyPlan header = draft.header;
  header.clear_tasks();
  header.clear_tenant();
  header.set_generated_now(false);
  *header.mutable_generated_at() = MillisTimestamp(api::TimeToMillis(now));
  DUNBAR_ASSIGN_OR_RETURN(std::string header_json, ToJson(header));
  std::vector<std::string> args = {header.date(), std::move(header_json),
                                   absl::StrCat(draft.picks.size())};
  args.reserve(args.size() + draft.picks.size() * kPickFields);
  for (const v1::Task& pick : draft.picks) {
    DUNBAR_ASSIGN_OR_RETURN(std::string card, ToJson(pick.contact()));
    DUNBAR_ASSIGN_OR_RETURN(std::string reason, ToJson(pick.reason()));
    const std::string& member =
        pick.member_id().empty() ? pick.contact().member_id() : pick.member_id();
    const int64_t created =
        pick.has_created_at() ? api::TimestampToMillis(pick.created_at()) : api::TimeToMillis(now);
    args.insert(args.end(), {pick.id(), member, absl::StrCat(static_cast<int>(pick.kind())),
                             pick.campaign_id(), pick.target_program_id(), pick.target_cohort_id(),
                             std::move(card), std::move(reason), absl::StrCat(created)});
  }
  DUNBAR_ASSIGN_OR_RETURN(
      Json view, impl_->RunJson(impl_->create_plan, tenant, now, std::move(args), "create plan"));
  return DecodePlan(view, tenant);
}

absl::StatusOr<v1::Task> OutreachStore::GetTask(const std::string& tenant,
                                                const std::string& task_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->redis->Command({"HGETALL", Prefix(tenant) + "task:" + task_id}));
  if (reply.elements().empty()) return absl::NotFoundError(absl::StrCat("task ", task_id));
  return DecodeTask(HashObject(reply), tenant);
}

absl::StatusOr<TaskPage> OutreachStore::ListTasks(const std::string& tenant,
                                                  const TaskFilter& filter,
                                                  const std::string& cursor, int page_size) {
  page_size = std::max(page_size, 1);
  DUNBAR_ASSIGN_OR_RETURN(
      Json view, impl_->RunJson(impl_->list_tasks, tenant, absl::UnixEpoch(),
                                {filter.date, absl::StrCat(static_cast<int>(filter.status)),
                                 filter.campaign_id, cursor, absl::StrCat(page_size),
                                 absl::StrCat(page_size * kTaskScanFactor)},
                                "list tasks"));
  TaskPage page;
  DUNBAR_ASSIGN_OR_RETURN(page.tasks, DecodeTasks(Items(view, "tasks"), tenant));
  page.next_cursor = Text(view, "next");
  return page;
}

absl::StatusOr<v1::Task> OutreachStore::CompleteTask(const Mutation& mutation,
                                                     const Completion& completion) {
  if (completion.outcome <= v1::OUTCOME_UNSPECIFIED || !v1::Outcome_IsValid(completion.outcome)) {
    return absl::InvalidArgumentError("outcome: must be one of REPLIED..OPTED_OUT");
  }
  const bool interested = completion.outcome == v1::INTERESTED;
  if (interested && completion.follow_up_date.empty()) {
    return absl::InvalidArgumentError("follow_up_date: required for INTERESTED");
  }
  const absl::Time follow_up_due =
      completion.follow_up_due == absl::InfinitePast() ? mutation.now : completion.follow_up_due;
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      impl_->Run(impl_->complete_task, mutation,
                 {completion.task_id, absl::StrCat(static_cast<int>(completion.outcome)),
                  absl::AsciiStrToLower(v1::Outcome_Name(completion.outcome)), completion.note,
                  completion.local_date, interested ? Millis(follow_up_due) : "0",
                  interested ? completion.follow_up_date : ""}));
  DUNBAR_ASSIGN_OR_RETURN(Json task, ParseReply(reply, "complete task"));
  return DecodeTask(task, mutation.tenant);
}

absl::StatusOr<v1::Task> OutreachStore::RecordEffects(const std::string& tenant,
                                                      const std::string& task_id,
                                                      const v1::TaskEffects& effects) {
  DUNBAR_ASSIGN_OR_RETURN(
      Json task,
      impl_->RunJson(
          impl_->record_effects, tenant, absl::UnixEpoch(),
          {task_id, absl::StrCat(static_cast<int>(effects.state())),
           effects.contact_recorded() ? "1" : "0", effects.opt_out_recorded() ? "1" : "0",
           effects.enroll_result(), effects.enrolled_cohort_id(),
           absl::StrCat(effects.seat_number()), absl::StrCat(effects.waitlist_position()),
           effects.follow_up_task_id(), effects.follow_up_date(), effects.last_error()},
          "record effects"));
  return DecodeTask(task, tenant);
}

absl::StatusOr<v1::Task> OutreachStore::SnoozeTask(const std::string& tenant,
                                                   const std::string& task_id,
                                                   const std::string& until_date) {
  DUNBAR_ASSIGN_OR_RETURN(Json task, impl_->RunJson(impl_->snooze_task, tenant, absl::UnixEpoch(),
                                                    {task_id, until_date}, "snooze task"));
  return DecodeTask(task, tenant);
}

absl::StatusOr<int> OutreachStore::CancelOpenTasks(const std::string& tenant,
                                                   const std::string& member_id,
                                                   const std::string& reason, absl::Time now) {
  return impl_->RunCount(impl_->cancel_open_tasks, tenant, now, {member_id, reason});
}

absl::StatusOr<int> OutreachStore::RefreshContactCard(const std::string& tenant,
                                                      const v1::ContactCard& card) {
  if (card.member_id().empty()) return absl::InvalidArgumentError("card.member_id: required");
  DUNBAR_ASSIGN_OR_RETURN(std::string json, ToJson(card));
  return impl_->RunCount(impl_->refresh_contact_card, tenant, absl::UnixEpoch(),
                         {card.member_id(), std::move(json)});
}

absl::StatusOr<v1::Task> OutreachStore::CreateFollowUpTask(const std::string& tenant,
                                                           absl::Time now,
                                                           const std::string& source_task_id,
                                                           const std::string& date) {
  DUNBAR_ASSIGN_OR_RETURN(Json task, impl_->RunJson(impl_->create_follow_up, tenant, now,
                                                    {source_task_id, date}, "create follow-up"));
  return DecodeTask(task, tenant);
}

absl::StatusOr<v1::Campaign> OutreachStore::CreateCampaign(const Mutation& mutation,
                                                           const v1::Campaign& campaign) {
  v1::Campaign stored = campaign;
  stored.clear_tenant();
  stored.clear_state();
  stored.clear_paused();
  stored.clear_tasks_planned();
  if (!stored.has_created_at()) {
    *stored.mutable_created_at() = MillisTimestamp(api::TimeToMillis(mutation.now));
  }
  DUNBAR_ASSIGN_OR_RETURN(std::string json, ToJson(stored));
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      impl_->Run(
          impl_->create_campaign, mutation,
          {stored.id(), std::move(json), absl::StrCat(static_cast<int>(stored.origin())),
           stored.target_cohort_id(), absl::StrCat(api::TimestampToMillis(stored.created_at()))}));
  DUNBAR_ASSIGN_OR_RETURN(Json view, ParseReply(reply, "create campaign"));
  return DecodeCampaign(view, mutation.tenant);
}

absl::StatusOr<v1::Campaign> OutreachStore::GetCampaign(const std::string& tenant,
                                                        const std::string& campaign_id) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply, impl_->redis->Command({"HGETALL", Prefix(tenant) + "camp:" + campaign_id}));
  if (reply.elements().empty()) {
    return absl::NotFoundError(absl::StrCat("campaign ", campaign_id));
  }
  return DecodeCampaign(HashObject(reply), tenant);
}

absl::StatusOr<CampaignPage> OutreachStore::ListCampaigns(const std::string& tenant,
                                                          const std::string& cursor,
                                                          int page_size) {
  page_size = std::max(page_size, 1);
  DUNBAR_ASSIGN_OR_RETURN(Json view,
                          impl_->RunJson(impl_->list_campaigns, tenant, absl::UnixEpoch(),
                                         {cursor, absl::StrCat(page_size)}, "list campaigns"));
  CampaignPage page;
  DUNBAR_ASSIGN_OR_RETURN(page.campaigns, DecodeCampaigns(Items(view, "campaigns"), tenant));
  page.next_cursor = Text(view, "next");
  return page;
}

absl::StatusOr<std::vector<v1::Campaign>> OutreachStore::ListUnpausedCampaigns(
    const std::string& tenant) {
  DUNBAR_ASSIGN_OR_RETURN(Json view, impl_->RunJson(impl_->list_unpaused_campaigns, tenant,
                                                    absl::UnixEpoch(), {}, "list campaigns"));
  return DecodeCampaigns(Items(view, "campaigns"), tenant);
}

absl::StatusOr<v1::Campaign> OutreachStore::SetCampaignPaused(const std::string& tenant,
                                                              const std::string& campaign_id,
                                                              bool paused) {
  DUNBAR_ASSIGN_OR_RETURN(Json view,
                          impl_->RunJson(impl_->set_campaign_paused, tenant, absl::Now(),
                                         {campaign_id, paused ? "1" : "0"}, "set campaign paused"));
  return DecodeCampaign(view, tenant);
}

absl::StatusOr<std::vector<v1::FunnelCounts>> OutreachStore::GetFunnelDays(
    const std::string& tenant, const std::string& scope, const std::vector<std::string>& dates) {
  std::vector<v1::FunnelCounts> days(dates.size());
  if (dates.empty()) return days;
  std::vector<std::vector<std::string>> commands;
  commands.reserve(dates.size());
  for (const std::string& date : dates) {
    commands.push_back({"HGETALL", absl::StrCat(Prefix(tenant), "funnel:", scope, ":", date)});
  }
  DUNBAR_ASSIGN_OR_RETURN(auto replies, impl_->redis->Pipeline(commands));
  for (size_t i = 0; i < replies.size() && i < days.size(); ++i) {
    DUNBAR_RETURN_IF_ERROR(replies[i].status());
    const auto& flat = replies[i]->elements();
    for (size_t j = 0; j + 1 < flat.size(); j += 2) {
      SetFunnelCounter(flat[j].str(), std::strtoll(flat[j + 1].str().c_str(), nullptr, 10),
                       days[i]);
    }
  }
  return days;
}

absl::StatusOr<int> OutreachStore::PromoteDueJobs(const std::string& tenant, absl::Time now,
                                                  int max) {
  return impl_->RunCount(impl_->promote_due_jobs, tenant, now, {absl::StrCat(std::max(max, 0))});
}

absl::StatusOr<DelayedCounts> OutreachStore::CountDelayedJobs(const std::string& tenant,
                                                              absl::Time now) {
  const std::string key = DelayedKey(tenant);
  DUNBAR_ASSIGN_OR_RETURN(
      auto replies, impl_->redis->Pipeline({{"ZCARD", key}, {"ZCOUNT", key, "-inf", Millis(now)}}));
  DelayedCounts counts;
  for (size_t i = 0; i < replies.size(); ++i) {
    DUNBAR_RETURN_IF_ERROR(replies[i].status());
    DUNBAR_ASSIGN_OR_RETURN(int64_t count, replies[i]->AsInteger());
    (i == 0 ? counts.total : counts.due) = count;
  }
  return counts;
}

absl::Status OutreachStore::RecordHandlerError(const std::string& tenant, const std::string& source,
                                               const std::string& entry_id,
                                               const std::string& error) {
  return impl_
      ->Run(impl_->record_handler_error, tenant, absl::UnixEpoch(),
            {source, entry_id, error,
             absl::StrCat(absl::ToInt64Milliseconds(impl_->options.handler_error_ttl))})
      .status();
}

absl::StatusOr<std::string> OutreachStore::AddDeadLetter(const std::string& tenant, absl::Time now,
                                                         const v1::DeadLetter& letter) {
  Json fields = Json::object();
  for (const auto& [name, value] : letter.fields()) fields[name] = value;
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->Run(impl_->add_dead_letter, tenant, now,
                                     {letter.source(), letter.source_entry_id(), letter.type(),
                                      fields.dump(-1, ' ', false, Json::error_handler_t::replace),
                                      letter.error(), absl::StrCat(letter.attempts())}));
  if (reply.type() != RedisReply::Type::kString) {
    return absl::InternalError("add dead letter: unexpected reply from the store");
  }
  return reply.str();
}

absl::StatusOr<DeadLetterPage> OutreachStore::ListDeadLetters(const std::string& tenant,
                                                              const std::string& cursor,
                                                              int page_size) {
  if (!cursor.empty() && !IsStreamId(cursor)) {
    return absl::InvalidArgumentError("page_token: not a token of this list");
  }
  page_size = std::max(page_size, 1);
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      impl_->redis->Command({"XRANGE", DeadLetterKey(tenant), cursor.empty() ? "-" : "(" + cursor,
                             "+", "COUNT", absl::StrCat(page_size + 1)}));
  DeadLetterPage page;
  for (const RedisReply& entry : reply.elements()) {
    if (static_cast<int>(page.dead_letters.size()) == page_size) {
      page.next_cursor = page.dead_letters.back().id();
      break;
    }
    page.dead_letters.push_back(DecodeDeadLetter(entry));
  }
  return page;
}

absl::StatusOr<int64_t> OutreachStore::CountDeadLetters(const std::string& tenant) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, impl_->redis->Command({"XLEN", DeadLetterKey(tenant)}));
  return reply.AsInteger();
}

absl::StatusOr<std::string> OutreachStore::ReplayDeadLetter(const Mutation& mutation,
                                                            const std::string& dead_letter_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          impl_->Run(impl_->replay_dead_letter, mutation, {dead_letter_id}));
  DUNBAR_ASSIGN_OR_RETURN(Json view, ParseReply(reply, "replay dead letter"));
  return Text(view, "job");
}

}  // namespace dunbar::outreach
