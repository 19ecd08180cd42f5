// The outbox: each state change appends its events to the tenant's stream in the cohort's Redis,
// in the same script; retries and rejected calls append nothing.
#include <map>
#include <string>
#include <vector>

#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kAcmeEvents[] = "dunbar:cohort:{acme}:events";

class CohortEventsTest : public CohortIntegrationTest {
 protected:
  // Event types appended since the previous call.
  std::vector<std::string> NewTypes() {
    auto reply = fixture().redis().Command({"XRANGE", kAcmeEvents, "-", "+"});
    EXPECT_TRUE(reply.ok()) << reply.status();
    std::vector<std::string> types;
    if (!reply.ok()) return types;
    size_t index = 0;
    for (const auto& entry : reply->elements()) {
      if (index++ < seen_) continue;
      std::map<std::string, std::string> fields;
      const auto& pairs = entry.elements().at(1).elements();
      for (size_t i = 0; i + 1 < pairs.size(); i += 2) fields[pairs[i].str()] = pairs[i + 1].str();
      types.push_back(fields["type"]);
      last_ = fields;
    }
    seen_ = index;
    return types;
  }

  size_t seen_ = 0;
  std::map<std::string, std::string> last_;
};

TEST_F(CohortEventsTest, EachChangeAppendsItsEventsAndRetriesAppendNone) {
  auto members = MakeMembers(fixture(), 4);
  ASSERT_TRUE(members.ok()) << members.status();
  const auto& m = *members;
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Events", 2, cv1::WAITLIST));
  EXPECT_THAT(NewTypes(), ElementsAre("program.created", "cohort.opened"));
  EXPECT_EQ(last_["program_id"], p.id());

  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[0], nullptr, Caller::kAcme, "e-1"));
  EXPECT_THAT(NewTypes(), ElementsAre("enrollment.created"));
  EXPECT_EQ(last_["member_id"], m[0]);
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[0], nullptr, Caller::kAcme, "e-1"));
  EXPECT_THAT(NewTypes(), IsEmpty()) << "a retry appended an event";
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[0], nullptr));
  EXPECT_THAT(NewTypes(), IsEmpty()) << "ALREADY_ENROLLED appended an event";

  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[1], nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("cohort.full", "enrollment.created"));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[2], nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("waitlist.joined")) << "joining the waitlist is not an "
                                                             "enrolment";
  ASSERT_GRPC_OK(Withdraw(fixture(), p.id(), m[0], nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("waitlist.promoted", "enrollment.withdrawn"));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), m[3], nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("waitlist.joined"));
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("cohort.opened", "waitlist.promoted"));
  ASSERT_GRPC_OK(Transfer(fixture(), m[3], CohortId(p.id(), 2), CohortId(p.id(), 2), nullptr));
  EXPECT_THAT(NewTypes(), IsEmpty()) << "a transfer to the same cohort changed nothing";
  ASSERT_GRPC_OK(StartCohort(fixture(), CohortId(p.id(), 2), false, nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("cohort.started"));
  ASSERT_GRPC_OK(CloseCohort(fixture(), CohortId(p.id(), 2), nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("cohort.closed"));
  ASSERT_GRPC_OK(CloseCohort(fixture(), CohortId(p.id(), 2), nullptr));
  EXPECT_THAT(NewTypes(), IsEmpty()) << "closing a closed cohort changed nothing";
  // Rejected calls append nothing.
  EXPECT_THAT(Withdraw(fixture(), p.id(), m[0], nullptr), HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(NewTypes(), IsEmpty());
}

TEST_F(CohortEventsTest, TransferAppendsOneEvent) {
  auto members = MakeMembers(fixture(), 2);
  ASSERT_TRUE(members.ok()) << members.status();
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Move", 5));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), (*members)[0], nullptr));
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), nullptr));
  NewTypes();
  ASSERT_GRPC_OK(
      Transfer(fixture(), (*members)[0], CohortId(p.id(), 1), CohortId(p.id(), 2), nullptr));
  EXPECT_THAT(NewTypes(), ElementsAre("enrollment.transferred"));
  EXPECT_EQ(last_["member_id"], (*members)[0]);
}

}  // namespace
}  // namespace dunbar::testing
