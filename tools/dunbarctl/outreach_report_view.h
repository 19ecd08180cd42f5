// Renderings of outreach campaigns, the funnel, the worker's dead letters and its status.
//
//   PrintCampaignRows(response.campaigns(), out);  // ID  NAME  PROGRAMME  BATCH  SEGMENT  PACE ...
//   PrintCampaignDetail(campaign, out);            // one "field  value" line per set field
//   PrintFunnel(funnel, out);     // stages with bars over `contacted`, rates, a sparkline of
//                                 // contacts per day and a table of the days with activity
//   PrintDeadLetterRows(response.dead_letters(), out);
//   PrintWorkerStatus(status, out);                // SOURCE  GROUP  LAG  PENDING  CONSUMERS
#pragma once

#include <ostream>
#include <string>

#include "dunbar/outreach/v1/outreach.pb.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace dunbar::dunbarctl {

void PrintCampaignRows(const google::protobuf::RepeatedPtrField<outreach::v1::Campaign>& campaigns,
                       std::ostream& out);
void PrintCampaignDetail(const outreach::v1::Campaign& campaign, std::ostream& out);
// "tags vip|读书会; stages lead", or "everyone".
std::string SegmentLabel(const outreach::v1::Segment& segment);

void PrintFunnel(const outreach::v1::Funnel& funnel, std::ostream& out);

void PrintDeadLetterRows(
    const google::protobuf::RepeatedPtrField<outreach::v1::DeadLetter>& dead_letters,
    std::ostream& out);

void PrintWorkerStatus(const outreach::v1::WorkerStatus& status, std::ostream& out);

}  // namespace dunbar::dunbarctl
