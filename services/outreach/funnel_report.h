// The funnel answer from per-day counters: totals, conversion rates over `contacted`, and the
// per-day series (every date given, oldest first).
//
//   v1::Funnel funnel = MakeFunnel(dates, store_counts);   // dates.size() == counts.size()
#pragma once

#include <string>
#include <vector>

#include "dunbar/outreach/v1/outreach.pb.h"

namespace dunbar::outreach {

namespace v1 = ::dunbar::outreach::v1;

// `dates` oldest first, `counts[i]` the counts of dates[i]; from/to are the first and last date.
// Rates are 0 when nothing was contacted.
v1::Funnel MakeFunnel(const std::vector<std::string>& dates,
                      const std::vector<v1::FunnelCounts>& counts);

}  // namespace dunbar::outreach
