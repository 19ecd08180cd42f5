#include "services/cohort/seat_metrics.h"

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"

namespace dunbar::cohort {
namespace {

// ListCohorts' largest page: a programme's batches in as few round trips as possible.
constexpr int kCohortPage = 500;

bool Selling(v1::CohortState state) { return state == v1::OPEN || state == v1::FULL; }

}  // namespace

SeatMetrics::SeatMetrics(std::shared_ptr<CohortStore> store, prometheus::Registry& registry,
                         SeatMetricsOptions options)
    : store_(std::move(store)),
      options_(options),
      taken_(prometheus::BuildGauge()
                 .Name("dunbar_cohort_seats_taken")
                 .Help("Seats taken in a batch that is OPEN or FULL.")
                 .Register(registry)),
      capacity_(prometheus::BuildGauge()
                    .Name("dunbar_cohort_seats_capacity")
                    .Help("Seat cap of a batch that is OPEN or FULL.")
                    .Register(registry)),
      thread_([this] { Loop(); }) {}

SeatMetrics::~SeatMetrics() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SeatMetrics::ProgramChanged(const std::string& tenant, const std::string& program_id) {
  std::lock_guard<std::mutex> lock(mu_);
  dirty_.emplace(tenant, program_id);
}

void SeatMetrics::Loop() {
  absl::Time next_full_refresh = absl::Now() + options_.refresh_interval;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_for(lock, absl::ToChronoNanoseconds(options_.dirty_interval),
                         [this] { return stopping_; })) {
        return;
      }
    }
    const bool full = absl::Now() >= next_full_refresh;
    if (full) next_full_refresh = absl::Now() + options_.refresh_interval;
    std::set<ProgramKey> dirty;
    {
      std::lock_guard<std::mutex> lock(mu_);
      dirty.swap(dirty_);
    }
    if (dirty.empty() && !full) continue;
    if (absl::Status s = Refresh(dirty, full); !s.ok()) {
      // Values stay as last read; the next round retries (Redis may be restarting).
      log::Warn("cohort.seat_metrics_refresh_failed", {{"error", s.ToString()}});
    }
  }
}

absl::Status SeatMetrics::RefreshNow() {
  std::set<ProgramKey> dirty;
  {
    std::lock_guard<std::mutex> lock(mu_);
    dirty.swap(dirty_);
  }
  return Refresh(dirty, /*everything=*/true);
}

absl::Status SeatMetrics::Refresh(const std::set<ProgramKey>& dirty, bool everything) {
  std::lock_guard<std::mutex> refresh(refresh_mu_);
  tracked_.insert(dirty.begin(), dirty.end());
  absl::Status first_error;
  for (auto it = tracked_.begin(); it != tracked_.end();) {
    if (!everything && dirty.count(*it) == 0) {
      ++it;
      continue;
    }
    absl::StatusOr<bool> selling = RefreshProgram(*it);
    if (!selling.ok()) {
      if (first_error.ok()) first_error = selling.status();
      ++it;
    } else if (!*selling) {
      it = tracked_.erase(it);
    } else {
      ++it;
    }
  }
  return first_error;
}

absl::StatusOr<bool> SeatMetrics::RefreshProgram(const ProgramKey& program) {
  const auto& [tenant, program_id] = program;
  std::map<int32_t, BatchSeries>& known = series_[program];
  std::map<int32_t, BatchSeries> still_selling;
  absl::StatusOr<CohortPage> page;
  int32_t after = 0;
  do {
    page = store_->ListCohorts(tenant, program_id, after, kCohortPage);
    if (page.status().code() == absl::StatusCode::kNotFound) break;  // Deleted: drop its series.
    if (!page.ok()) return page.status();
    for (const v1::Cohort& cohort : page->cohorts) {
      if (!Selling(cohort.state())) continue;
      auto found = known.find(cohort.number());
      BatchSeries series;
      if (found != known.end()) {
        series = found->second;
        known.erase(found);
      } else {
        const prometheus::Labels labels = {
            {"tenant", tenant}, {"program", program_id}, {"cohort", absl::StrCat(cohort.number())}};
        series = {&taken_.Add(labels), &capacity_.Add(labels)};
      }
      series.taken->Set(cohort.seats_taken());
      series.capacity->Set(cohort.capacity());
      still_selling.emplace(cohort.number(), series);
    }
    after = page->next_after_number;
  } while (after != 0);
  // Whatever is left in `known` started, closed or vanished.
  for (auto& [number, series] : known) {
    taken_.Remove(series.taken);
    capacity_.Remove(series.capacity);
  }
  const bool selling = !still_selling.empty();
  if (selling) {
    known = std::move(still_selling);
  } else {
    series_.erase(program);
  }
  return selling;
}

}  // namespace dunbar::cohort
