// Table and text renderings of the outreach policy, the daily plan (the operator's morning
// screen), task lists and what an outcome did. Names may be Chinese: tables align by display width.
//
//   PrintPolicy(policy, out);        // one "field  value" line per setting
//   PrintPlan(plan, out);            // header (date, weekday, timezone, quota), then each person:
//                                    //  1. 王小明 · WeChat wang_xm
//                                    //     why: warm: commented 3x; never contacted
//                                    //     met via 读书会 · never contacted
//                                    //     task t_1 · open
//   PrintTaskRows(tasks, out);       // DATE  #  NAME  HANDLE  KIND  STATUS  CAMPAIGN  TASK
//   PrintCompletion(task, out);      // "enrolled: 王小明 (task t_1)" + one line per effect
#pragma once

#include <ostream>
#include <string>

#include "dunbar/outreach/v1/outreach.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace dunbar::dunbarctl {

void PrintPolicy(const outreach::v1::Policy& policy, std::ostream& out);

void PrintPlan(const outreach::v1::DailyPlan& plan, std::ostream& out);

void PrintTaskRows(const google::protobuf::RepeatedPtrField<outreach::v1::Task>& tasks,
                   std::ostream& out);

// The outcome recorded on `task` and each of its effects (or that they are still pending).
void PrintCompletion(const outreach::v1::Task& task, std::ostream& out);

// "open", "done: interested", "cancelled (opted out)"; with "(snoozed from DATE)" when moved.
std::string TaskStatusSummary(const outreach::v1::Task& task);

}  // namespace dunbar::dunbarctl
