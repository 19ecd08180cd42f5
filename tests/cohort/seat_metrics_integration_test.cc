// dunbar_cohort_seats_taken / _capacity over real gRPC and Redis: the gauges follow enrolments,
// rollover into the next batch and withdrawals, with labels tenant, program and cohort number,
// and a batch that starts (stops selling) drops its series.
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/cohort_fixture.h"
#include "tests/support/metrics_scrape.h"

namespace dunbar::testing {
namespace {

class SeatMetricsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<prometheus::Registry>();
    CohortFixtureOptions options;
    options.cohort.metrics = registry_;
    auto fixture = CohortFixture::Start(options);
    ASSERT_TRUE(fixture.ok()) << fixture.status();
    fixture_ = *std::move(fixture);
  }

  std::string Page() const { return prometheus::TextSerializer().Serialize(registry_->Collect()); }

  std::map<std::string, std::string> Labels(const std::string& program_id, int cohort) const {
    return {{"tenant", "acme"}, {"program", program_id}, {"cohort", absl::StrCat(cohort)}};
  }

  // The gauge once it equals `expected` (the refresh thread re-reads changed programmes every
  // second); its last value otherwise, after 10 s.
  std::optional<double> WaitForSeats(const std::string& program_id, int cohort,
                                     std::optional<double> expected) const {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    std::optional<double> value;
    while (true) {
      value = SampleValue(Page(), "dunbar_cohort_seats_taken", Labels(program_id, cohort));
      if (value == expected || absl::Now() >= deadline) return value;
      absl::SleepFor(absl::Milliseconds(50));  // polling the service's background refresh
    }
  }

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<CohortFixture> fixture_;
};

TEST_F(SeatMetricsIntegrationTest, GaugesFollowEnrolmentsRolloverWithdrawalsAndStart) {
  cv1::Program program = MustCreateProgram(*fixture_, ProgramSpec("Deep Work", 3));
  auto members = MakeMembers(*fixture_, 5);
  ASSERT_TRUE(members.ok()) << members.status();
  // A new programme's first batch is selling with nobody in it yet.
  EXPECT_EQ(WaitForSeats(program.id(), 1, 0.0), 0.0) << Page();
  EXPECT_EQ(SampleValue(Page(), "dunbar_cohort_seats_capacity", Labels(program.id(), 1)), 3.0);

  for (int i = 0; i < 2; ++i) {
    cv1::EnrollResponse enrolled;
    ASSERT_GRPC_OK(Enroll(*fixture_, program.id(), (*members)[i], &enrolled));
  }
  EXPECT_EQ(WaitForSeats(program.id(), 1, 2.0), 2.0) << Page();

  // The third fills batch 1; AUTO_OPEN_NEXT opens batch 2, which takes the next two.
  for (int i = 2; i < 5; ++i) {
    cv1::EnrollResponse enrolled;
    ASSERT_GRPC_OK(Enroll(*fixture_, program.id(), (*members)[i], &enrolled));
  }
  EXPECT_EQ(WaitForSeats(program.id(), 2, 2.0), 2.0) << Page();
  EXPECT_EQ(WaitForSeats(program.id(), 1, 3.0), 3.0) << Page();
  EXPECT_EQ(SampleValue(Page(), "dunbar_cohort_seats_capacity", Labels(program.id(), 2)), 3.0);

  cv1::WithdrawResponse withdrawn;
  ASSERT_GRPC_OK(Withdraw(*fixture_, program.id(), (*members)[0], &withdrawn));
  EXPECT_EQ(WaitForSeats(program.id(), 1, 2.0), 2.0) << Page();

  // Batch 1 starts: it no longer sells, so its series go; batch 2's stay.
  cv1::Cohort started;
  ASSERT_GRPC_OK(StartCohort(*fixture_, CohortId(program.id(), 1), false, &started));
  EXPECT_EQ(WaitForSeats(program.id(), 1, std::nullopt), std::nullopt) << Page();
  EXPECT_EQ(SampleCount(Page(), "dunbar_cohort_seats_capacity", Labels(program.id(), 1)), 0);
  EXPECT_EQ(SampleValue(Page(), "dunbar_cohort_seats_taken", Labels(program.id(), 2)), 2.0);
  // Only selling batches of programmes that changed: no series for anything else.
  EXPECT_EQ(SampleCount(Page(), "dunbar_cohort_seats_taken"), 1) << Page();
}

TEST_F(SeatMetricsIntegrationTest, WithoutARegistryNoSeatGaugesExist) {
  auto fixture = CohortFixture::Start();  // options.cohort.metrics unset
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  cv1::Program program = MustCreateProgram(**fixture, ProgramSpec("Plain", 3));
  auto members = MakeMembers(**fixture, 1);
  ASSERT_TRUE(members.ok());
  cv1::EnrollResponse enrolled;
  ASSERT_GRPC_OK(Enroll(**fixture, program.id(), (*members)[0], &enrolled));
  // The suite's registry belongs to the other fixture and never hears of this programme.
  absl::SleepFor(absl::Milliseconds(1500));  // longer than the refresh interval
  EXPECT_EQ(SampleCount(Page(), "dunbar_cohort_seats_taken", {{"program", program.id()}}), 0);
}

}  // namespace
}  // namespace dunbar::testing
