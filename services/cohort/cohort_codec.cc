#include "services/cohort/cohort_codec.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/api/timestamps.h"
#include "services/cohort/cohort_naming.h"

namespace dunbar::cohort {
namespace {

namespace v1 = ::dunbar::cohort::v1;

// Sets the timestamp only when the field holds a time (proto presence: unset means "never").
template <typename MutableTimestamp>
void SetTimestamp(const Json& json, const char* field, MutableTimestamp mutable_timestamp) {
  const int64_t millis = JsonInt(json, field);
  if (millis > 0) *mutable_timestamp() = api::TimestampFromMillis(millis);
}

std::string Flag(bool value) { return value ? "1" : "0"; }

}  // namespace

absl::StatusOr<Json> ParseScriptReply(const redis::RedisReply& reply, std::string_view what) {
  if (reply.type() == redis::RedisReply::Type::kString) {
    Json json = Json::parse(reply.str(), nullptr, /*allow_exceptions=*/false);
    if (json.is_object()) return json;
  }
  return absl::InternalError(std::string(what) + ": unexpected reply from the store");
}

int64_t JsonInt(const Json& json, const char* field) {
  auto it = json.find(field);
  if (it == json.end()) return 0;
  if (it->is_number_integer()) return it->get<int64_t>();
  if (it->is_number()) return static_cast<int64_t>(it->get<double>());
  if (it->is_boolean()) return it->get<bool>() ? 1 : 0;
  if (it->is_string()) return std::strtoll(it->get_ref<const std::string&>().c_str(), nullptr, 10);
  return 0;
}

std::string JsonString(const Json& json, const char* field) {
  auto it = json.find(field);
  if (it == json.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return absl::StrCat(it->get<int64_t>());
  return "";
}

bool JsonBool(const Json& json, const char* field) {
  auto it = json.find(field);
  if (it == json.end()) return false;
  if (it->is_boolean()) return it->get<bool>();
  return JsonInt(json, field) != 0;
}

const Json& JsonArray(const Json& json, const char* field) {
  static const Json* const kEmpty = new Json(Json::array());
  auto it = json.find(field);
  if (it == json.end() || !it->is_array()) return *kEmpty;
  return *it;
}

v1::Program DecodeProgram(const Json& json, const std::string& tenant) {
  v1::Program program;
  program.set_id(JsonString(json, "id"));
  program.set_tenant(tenant);
  program.set_name(JsonString(json, "name"));
  program.set_description(JsonString(json, "desc"));
  program.set_cohort_capacity(static_cast<int32_t>(JsonInt(json, "cap")));
  program.set_allow_over_dunbar(JsonBool(json, "over"));
  const int64_t amount = JsonInt(json, "amount");
  const std::string currency = JsonString(json, "currency");
  if (amount != 0 || !currency.empty()) {
    program.mutable_price()->set_amount_minor(amount);
    program.mutable_price()->set_currency(currency);
  }
  program.set_requires_entitlement(JsonBool(json, "reqent"));
  program.set_rollover_policy(static_cast<v1::RolloverPolicy>(JsonInt(json, "policy")));
  program.set_cohort_name_template(JsonString(json, "tmpl"));
  program.set_first_cohort_start_date(JsonString(json, "start"));
  program.set_archived(JsonBool(json, "archived"));
  for (std::string& warning : CapacityWarnings(program.cohort_capacity())) {
    program.add_warnings(std::move(warning));
  }
  program.set_latest_cohort_number(static_cast<int32_t>(JsonInt(json, "latest")));
  program.set_waitlist_length(static_cast<int32_t>(JsonInt(json, "wl")));
  SetTimestamp(json, "created", [&] { return program.mutable_created_at(); });
  SetTimestamp(json, "updated", [&] { return program.mutable_updated_at(); });
  SetTimestamp(json, "archived_at", [&] { return program.mutable_archived_at(); });
  return program;
}

v1::Cohort DecodeCohort(const Json& json, const std::string& program_id) {
  v1::Cohort cohort;
  const auto number = static_cast<int32_t>(JsonInt(json, "number"));
  cohort.set_id(CohortId(program_id, number));
  cohort.set_program_id(program_id);
  cohort.set_number(number);
  cohort.set_name(JsonString(json, "name"));
  cohort.set_capacity(static_cast<int32_t>(JsonInt(json, "cap")));
  cohort.set_seats_taken(static_cast<int32_t>(JsonInt(json, "taken")));
  cohort.set_state(static_cast<v1::CohortState>(JsonInt(json, "state")));
  cohort.set_allow_late_enrollment(JsonBool(json, "late"));
  cohort.set_start_date(JsonString(json, "start"));
  SetTimestamp(json, "opened", [&] { return cohort.mutable_opened_at(); });
  SetTimestamp(json, "full", [&] { return cohort.mutable_full_at(); });
  SetTimestamp(json, "started", [&] { return cohort.mutable_started_at(); });
  SetTimestamp(json, "closed", [&] { return cohort.mutable_closed_at(); });
  return cohort;
}

v1::Seat DecodeSeat(const Json& json, const std::string& program_id) {
  v1::Seat seat;
  const auto number = static_cast<int32_t>(JsonInt(json, "c"));
  seat.set_cohort_id(CohortId(program_id, number));
  seat.set_cohort_number(number);
  seat.set_cohort_name(JsonString(json, "name"));
  seat.set_seat_number(static_cast<int32_t>(JsonInt(json, "s")));
  return seat;
}

v1::Enrollment DecodeEnrollment(const Json& json) {
  v1::Enrollment enrollment;
  const std::string program_id = JsonString(json, "pid");
  enrollment.set_program_id(program_id);
  enrollment.set_member_id(JsonString(json, "m"));
  enrollment.set_status(static_cast<v1::EnrollmentStatus>(JsonInt(json, "st")));
  if (enrollment.status() == v1::ACTIVE) {
    v1::Seat* seat = enrollment.mutable_seat();
    const auto number = static_cast<int32_t>(JsonInt(json, "c"));
    seat->set_cohort_id(CohortId(program_id, number));
    seat->set_cohort_number(number);
    seat->set_cohort_name(JsonString(json, "cname"));
    seat->set_seat_number(static_cast<int32_t>(JsonInt(json, "s")));
  }
  enrollment.set_waitlist_position(static_cast<int32_t>(JsonInt(json, "pos")));
  enrollment.set_entitlement_order_id(JsonString(json, "o"));
  enrollment.set_source(JsonString(json, "src"));
  SetTimestamp(json, "en", [&] { return enrollment.mutable_enrolled_at(); });
  for (const Json& entry : JsonArray(json, "h")) {
    v1::HistoryEntry* history = enrollment.add_history();
    history->set_kind(static_cast<v1::HistoryKind>(JsonInt(entry, "k")));
    SetTimestamp(entry, "at", [&] { return history->mutable_at(); });
    if (const int64_t to = JsonInt(entry, "c"); to > 0) {
      history->set_cohort_id(CohortId(program_id, static_cast<int32_t>(to)));
    }
    if (const int64_t from = JsonInt(entry, "f"); from > 0) {
      history->set_from_cohort_id(CohortId(program_id, static_cast<int32_t>(from)));
    }
    history->set_reason(JsonString(entry, "r"));
  }
  return enrollment;
}

absl::Status AppendProgramFields(const v1::Program& program, const std::vector<std::string>& paths,
                                 std::vector<std::string>& out) {
  for (const std::string& path : paths) {
    if (path == "name") {
      out.insert(out.end(), {"name", program.name()});
    } else if (path == "description") {
      out.insert(out.end(), {"desc", program.description()});
    } else if (path == "cohort_capacity") {
      out.insert(out.end(), {"cap", absl::StrCat(program.cohort_capacity())});
    } else if (path == "allow_over_dunbar") {
      out.insert(out.end(), {"over", Flag(program.allow_over_dunbar())});
    } else if (path == "price") {
      out.insert(out.end(), {"amount", absl::StrCat(program.price().amount_minor()), "currency",
                             program.price().currency()});
    } else if (path == "price.amount_minor") {
      out.insert(out.end(), {"amount", absl::StrCat(program.price().amount_minor())});
    } else if (path == "price.currency") {
      out.insert(out.end(), {"currency", program.price().currency()});
    } else if (path == "requires_entitlement") {
      out.insert(out.end(), {"reqent", Flag(program.requires_entitlement())});
    } else if (path == "rollover_policy") {
      out.insert(out.end(), {"policy", absl::StrCat(static_cast<int>(program.rollover_policy()))});
    } else if (path == "cohort_name_template") {
      out.insert(out.end(), {"tmpl", program.cohort_name_template()});
    } else if (path == "first_cohort_start_date") {
      out.insert(out.end(), {"start", program.first_cohort_start_date()});
    } else {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: unknown path \"", path, "\""));
    }
  }
  return absl::OkStatus();
}

const std::vector<std::string>& AllProgramPaths() {
  static const auto* const kPaths = new std::vector<std::string>{"name",
                                                                 "description",
                                                                 "cohort_capacity",
                                                                 "allow_over_dunbar",
                                                                 "price",
                                                                 "requires_entitlement",
                                                                 "rollover_policy",
                                                                 "cohort_name_template",
                                                                 "first_cohort_start_date"};
  return *kPaths;
}

}  // namespace dunbar::cohort
