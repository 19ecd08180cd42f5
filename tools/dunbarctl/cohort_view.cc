#include "tools/dunbarctl/cohort_view.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cohort_format.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/fill_bar.h"
#include "tools/dunbarctl/table_printer.h"

namespace dunbar::dunbarctl {

namespace cohort_api = ::dunbar::cohort::v1;

std::string PriceLabel(const cohort_api::Money& price) {
  if (price.amount_minor() == 0) return "free";
  return FormatMinorAmount(price.amount_minor(), price.currency());
}

std::string SeatLabel(const cohort_api::Seat& seat) {
  const std::string& name = seat.cohort_name().empty() ? seat.cohort_id() : seat.cohort_name();
  return absl::StrCat(name, " (cohort ", seat.cohort_number(), "), seat ", seat.seat_number());
}

void PrintProgramRows(const google::protobuf::RepeatedPtrField<cohort_api::Program>& programs,
                      std::ostream& out) {
  Table table(
      {"ID", "NAME", "CAPACITY", "PRICE", "ENTRY", "ROLLOVER", "BATCHES", "WAITING", "STATUS"});
  for (const cohort_api::Program& program : programs) {
    table.AddRow(
        {program.id(), program.name(), absl::StrCat(program.cohort_capacity()),
         PriceLabel(program.price()), program.requires_entitlement() ? "entitlement" : "open",
         RolloverLabel(program.rollover_policy()), absl::StrCat(program.latest_cohort_number()),
         absl::StrCat(program.waitlist_length()), program.archived() ? "archived" : "active"});
  }
  table.Render(out);
}

void PrintProgramDetail(const cohort_api::Program& program, std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  KeyValueTable table;
  auto add = [&table](const char* key, const std::string& value) {
    if (!value.empty()) table.Add(key, value);
  };
  add("id", program.id());
  add("name", program.name());
  add("description", program.description());
  add("capacity",
      absl::StrCat(program.cohort_capacity(), " per batch",
                   program.allow_over_dunbar() ? " (over Dunbar's number allowed)" : ""));
  add("price", PriceLabel(program.price()));
  add("entry", program.requires_entitlement() ? "needs a paid entitlement" : "open");
  add("rollover", RolloverLabel(program.rollover_policy()));
  add("batch name", program.cohort_name_template());
  add("first start", program.first_cohort_start_date());
  add("batches", absl::StrCat(program.latest_cohort_number()));
  add("waiting", absl::StrCat(program.waitlist_length()));
  add("created", FormatTimestamp(program.created_at(), zone));
  add("updated", FormatTimestamp(program.updated_at(), zone));
  if (program.archived()) add("archived", FormatTimestamp(program.archived_at(), zone));
  for (const std::string& warning : program.warnings()) add("warning", warning);
  table.Render(out);
}

void PrintCohortRows(const google::protobuf::RepeatedPtrField<cohort_api::Cohort>& cohorts,
                     std::ostream& out) {
  Table table({"#", "NAME", "SEATS", "STATE", "START", "ID"});
  for (const cohort_api::Cohort& cohort : cohorts) {
    table.AddRow({absl::StrCat(cohort.number()), cohort.name(),
                  FillBar(cohort.seats_taken(), cohort.capacity()),
                  CohortStateLabel(cohort.state()), cohort.start_date(), cohort.id()});
  }
  table.Render(out);
}

void PrintCohortDetail(const cohort_api::Cohort& cohort, std::ostream& out) {
  const absl::TimeZone zone = absl::LocalTimeZone();
  KeyValueTable table;
  auto add = [&table](const char* key, const std::string& value) {
    if (!value.empty()) table.Add(key, value);
  };
  add("id", cohort.id());
  add("programme", cohort.program_id());
  add("number", absl::StrCat(cohort.number()));
  add("name", cohort.name());
  add("seats", FillBar(cohort.seats_taken(), cohort.capacity()));
  add("state", CohortStateLabel(cohort.state()));
  if (cohort.allow_late_enrollment()) add("late entry", "allowed");
  add("start", cohort.start_date());
  add("opened", FormatTimestamp(cohort.opened_at(), zone));
  add("full", FormatTimestamp(cohort.full_at(), zone));
  add("started", FormatTimestamp(cohort.started_at(), zone));
  add("closed", FormatTimestamp(cohort.closed_at(), zone));
  table.Render(out);
}

}  // namespace dunbar::dunbarctl
