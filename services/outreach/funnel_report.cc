#include "services/outreach/funnel_report.h"

namespace dunbar::outreach {
namespace {

void Add(const v1::FunnelCounts& day, v1::FunnelCounts& total) {
  total.set_contacted(total.contacted() + day.contacted());
  total.set_replied(total.replied() + day.replied());
  total.set_interested(total.interested() + day.interested());
  total.set_enrolled(total.enrolled() + day.enrolled());
  total.set_declined(total.declined() + day.declined());
  total.set_no_response(total.no_response() + day.no_response());
  total.set_opted_out(total.opted_out() + day.opted_out());
  total.set_waitlisted(total.waitlisted() + day.waitlisted());
}

double Ratio(int64_t part, int64_t whole) {
  return whole <= 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

}  // namespace

v1::Funnel MakeFunnel(const std::vector<std::string>& dates,
                      const std::vector<v1::FunnelCounts>& counts) {
  v1::Funnel funnel;
  if (!dates.empty()) {
    funnel.set_from_date(dates.front());
    funnel.set_to_date(dates.back());
  }
  v1::FunnelCounts& totals = *funnel.mutable_totals();
  for (size_t i = 0; i < dates.size(); ++i) {
    v1::FunnelDay& day = *funnel.add_days();
    day.set_date(dates[i]);
    if (i < counts.size()) *day.mutable_counts() = counts[i];
    Add(day.counts(), totals);
  }
  const int64_t contacted = totals.contacted();
  // Anyone who answered at all: every completed task but NO_RESPONSE.
  funnel.set_reply_rate(Ratio(contacted - totals.no_response(), contacted));
  funnel.set_interest_rate(Ratio(totals.interested() + totals.enrolled(), contacted));
  funnel.set_enrol_rate(Ratio(totals.enrolled(), contacted));
  return funnel;
}

}  // namespace dunbar::outreach
