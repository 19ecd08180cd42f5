// Table renderings of programmes, cohorts (batches) and seats shared by the cohort-service
// commands. Names may be Chinese: tables align by display width.
//
//   PrintProgramRows(response.programs(), out);  // ID  NAME  CAPACITY  PRICE  ROLLOVER ...
//   PrintProgramDetail(program, out);            // one "field  value" line per set field
//   PrintCohortRows(response.cohorts(), out);    // #  NAME  SEATS [█████░░░░░] 5/10  STATE ...
//   SeatLabel(seat);                             // "小源说说 第2期 (cohort 2), seat 1"
#pragma once

#include <ostream>
#include <string>

#include "dunbar/cohort/v1/cohort.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace dunbar::dunbarctl {

void PrintProgramRows(const google::protobuf::RepeatedPtrField<cohort::v1::Program>& programs,
                      std::ostream& out);
void PrintProgramDetail(const cohort::v1::Program& program, std::ostream& out);

void PrintCohortRows(const google::protobuf::RepeatedPtrField<cohort::v1::Cohort>& cohorts,
                     std::ostream& out);
void PrintCohortDetail(const cohort::v1::Cohort& cohort, std::ostream& out);

// "199.00 CNY", or "free" for a zero price.
std::string PriceLabel(const cohort::v1::Money& price);
// "<name> (cohort <number>), seat <seat>"; the cohort id stands in for a missing name.
std::string SeatLabel(const cohort::v1::Seat& seat);

}  // namespace dunbar::dunbarctl
