// Programmes: create (defaults, capacity rules, Chinese names and templates), get, list, update
// (FieldMask), archive; bad inputs name the field; retries are idempotent.
#include <functional>
#include <string>
#include <vector>

#include "tests/support/cohort_fixture.h"

namespace dunbar::testing {
namespace {

using Code = grpc::StatusCode;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class ProgramsTest : public CohortIntegrationTest {};

TEST_F(ProgramsTest, CreateAppliesDefaultsAndOpensCohortOne) {
  cv1::Program spec;
  spec.set_name("Deep Work");
  cv1::Program p;
  ASSERT_GRPC_OK(CreateProgram(fixture(), spec, &p));
  EXPECT_FALSE(p.id().empty());
  EXPECT_EQ(p.tenant(), "acme");
  EXPECT_EQ(p.cohort_capacity(), 50);
  EXPECT_EQ(p.rollover_policy(), cv1::AUTO_OPEN_NEXT);
  EXPECT_EQ(p.cohort_name_template(), "{programme} {n}");
  EXPECT_EQ(p.latest_cohort_number(), 1);
  EXPECT_THAT(p.warnings(), IsEmpty());
  EXPECT_TRUE(p.has_created_at());
  auto cohorts = ListAllCohorts(fixture(), p.id());
  ASSERT_TRUE(cohorts.ok()) << cohorts.status();
  ASSERT_THAT(*cohorts, SizeIs(1));
  EXPECT_EQ((*cohorts)[0].name(), "Deep Work 1");
  EXPECT_EQ((*cohorts)[0].capacity(), 50);
  EXPECT_EQ((*cohorts)[0].state(), cv1::OPEN);
  cv1::GetProgramRequest get;
  get.set_program_id(p.id());
  cv1::Program got;
  ASSERT_GRPC_OK(stub().GetProgram(Ctx().get(), get, &got));
  EXPECT_THAT(got, EqualsProto(p));
}

TEST_F(ProgramsTest, ChineseNameTemplateAndStartDate) {
  cv1::Program spec = ProgramSpec("小源说说", 20, cv1::WAITLIST);
  spec.set_cohort_name_template("{programme} 第{n}期");
  spec.set_first_cohort_start_date("2025-03-01");
  spec.mutable_price()->set_amount_minor(19900);
  spec.mutable_price()->set_currency("cny");
  const cv1::Program p = MustCreateProgram(fixture(), spec);
  EXPECT_EQ(p.name(), "小源说说");
  EXPECT_EQ(p.price().currency(), "CNY");
  cv1::Cohort first;
  ASSERT_GRPC_OK(GetCohort(fixture(), CohortId(p.id(), 1), &first));
  EXPECT_EQ(first.name(), "小源说说 第1期");
  EXPECT_EQ(first.start_date(), "2025-03-01");
  cv1::OpenNextCohortResponse opened;
  ASSERT_GRPC_OK(OpenNextCohort(fixture(), p.id(), &opened));
  EXPECT_EQ(opened.cohort().name(), "小源说说 第2期");
}

TEST_F(ProgramsTest, CapacityRules) {
  cv1::Program out;
  EXPECT_GRPC_OK(CreateProgram(fixture(), ProgramSpec("One", 1), &out));
  EXPECT_GRPC_OK(CreateProgram(fixture(), ProgramSpec("Dunbar", 150), &out));
  EXPECT_THAT(out.warnings(), IsEmpty());
  EXPECT_THAT(CreateProgram(fixture(), ProgramSpec("Big", 151), &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program.cohort_capacity"));
  cv1::Program big = ProgramSpec("Big", 200);
  big.set_allow_over_dunbar(true);
  ASSERT_GRPC_OK(CreateProgram(fixture(), big, &out));
  ASSERT_THAT(out.warnings(), SizeIs(1));
  EXPECT_THAT(out.warnings(0), HasSubstr("150"));
  big.set_cohort_capacity(500);
  EXPECT_GRPC_OK(CreateProgram(fixture(), big, &out));
  big.set_cohort_capacity(501);
  EXPECT_THAT(CreateProgram(fixture(), big, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program.cohort_capacity"));
  EXPECT_THAT(CreateProgram(fixture(), ProgramSpec("Negative", -1), &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program.cohort_capacity"));
}

TEST_F(ProgramsTest, CreateRejectsBadInput) {
  struct Case {
    std::string label;
    std::function<void(cv1::Program&)> mutate;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"no name", [](cv1::Program& p) { p.set_name(""); }, "program.name"},
      {"name too long", [](cv1::Program& p) { p.set_name(std::string(201, 'n')); }, "program.name"},
      // Invalid UTF-8 fails protobuf parsing before validation (the message names "request").
      {"name not UTF-8", [](cv1::Program& p) { p.set_name("\xc3\x28"); }, "request"},
      {"negative price", [](cv1::Program& p) { p.mutable_price()->set_amount_minor(-1); },
       "program.price.amount_minor"},
      {"price without currency", [](cv1::Program& p) { p.mutable_price()->set_amount_minor(5); },
       "program.price.currency"},
      {"bad currency",
       [](cv1::Program& p) {
         p.mutable_price()->set_amount_minor(5);
         p.mutable_price()->set_currency("yuan");
       },
       "program.price.currency"},
      {"unknown policy",
       [](cv1::Program& p) { p.set_rollover_policy(static_cast<cv1::RolloverPolicy>(7)); },
       "program.rollover_policy"},
      {"template without {n}", [](cv1::Program& p) { p.set_cohort_name_template("{programme}"); },
       "program.cohort_name_template"},
      {"bad start date", [](cv1::Program& p) { p.set_first_cohort_start_date("2025-02-30"); },
       "program.first_cohort_start_date"},
  };
  for (const Case& c : cases) {
    cv1::Program spec = ProgramSpec("Valid", 10);
    c.mutate(spec);
    EXPECT_THAT(CreateProgram(fixture(), spec, nullptr),
                HasCodeAndMessage(Code::INVALID_ARGUMENT, c.field))
        << c.label;
  }
  EXPECT_THAT(CreateProgram(fixture(), ProgramSpec("Valid", 10), nullptr, Caller::kAcme, ""),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "request_id"));
  cv1::ListProgramsRequest list;
  cv1::ListProgramsResponse listed;
  ASSERT_GRPC_OK(stub().ListPrograms(Ctx().get(), list, &listed));
  EXPECT_THAT(listed.programs(), IsEmpty()) << "a rejected create wrote something";
}

TEST_F(ProgramsTest, CreateIsIdempotentOnTheRequestId) {
  cv1::Program first, replay;
  ASSERT_GRPC_OK(CreateProgram(fixture(), ProgramSpec("Once", 10), &first, Caller::kAcme, "c-1"));
  ASSERT_GRPC_OK(CreateProgram(fixture(), ProgramSpec("Once", 10), &replay, Caller::kAcme, "c-1"));
  EXPECT_THAT(replay, EqualsProto(first));
  EXPECT_THAT(CreateProgram(fixture(), ProgramSpec("Twice", 10), nullptr, Caller::kAcme, "c-1"),
              HasCodeAndMessage(Code::ALREADY_EXISTS, "request_id"));
  cv1::ListProgramsRequest list;
  cv1::ListProgramsResponse listed;
  ASSERT_GRPC_OK(stub().ListPrograms(Ctx().get(), list, &listed));
  EXPECT_THAT(listed.programs(), SizeIs(1));
}

TEST_F(ProgramsTest, ListIsNewestFirstPagedAndHidesArchived) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(MustCreateProgram(fixture(), ProgramSpec("P" + std::to_string(i), 10)).id());
  }
  cv1::ArchiveProgramRequest archive;
  archive.set_program_id(ids[1]);
  cv1::Program archived;
  ASSERT_GRPC_OK(stub().ArchiveProgram(Ctx().get(), archive, &archived));
  EXPECT_TRUE(archived.archived());
  EXPECT_TRUE(archived.has_archived_at());
  // Idempotent.
  cv1::Program again;
  ASSERT_GRPC_OK(stub().ArchiveProgram(Ctx().get(), archive, &again));
  EXPECT_TRUE(again.archived());

  std::vector<std::string> seen;
  cv1::ListProgramsRequest list;
  list.set_page_size(2);
  for (int page = 0; page < 10; ++page) {
    cv1::ListProgramsResponse response;
    ASSERT_GRPC_OK(stub().ListPrograms(Ctx().get(), list, &response));
    EXPECT_LE(response.programs_size(), 2);
    for (const auto& p : response.programs()) seen.push_back(p.id());
    if (response.next_page_token().empty()) break;
    list.set_page_token(response.next_page_token());
  }
  EXPECT_THAT(seen, ElementsAre(ids[4], ids[3], ids[2], ids[0]));
  cv1::ListProgramsRequest all;
  all.set_include_archived(true);
  all.set_page_size(500);
  cv1::ListProgramsResponse response;
  ASSERT_GRPC_OK(stub().ListPrograms(Ctx().get(), all, &response));
  EXPECT_THAT(response.programs(), SizeIs(5));
  all.set_page_size(501);
  EXPECT_THAT(stub().ListPrograms(Ctx().get(), all, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_size"));
  all.set_page_size(10);
  all.set_page_token("garbage");
  EXPECT_THAT(stub().ListPrograms(Ctx().get(), all, &response),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "page_token"));
}

TEST_F(ProgramsTest, GetRejectsUnknownAndMalformedIds) {
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Real", 10));
  cv1::GetProgramRequest get;
  cv1::Program out;
  get.set_program_id(UnknownIdLike(p.id()));
  EXPECT_THAT(stub().GetProgram(Ctx().get(), get, &out),
              HasCodeAndMessage(Code::NOT_FOUND, get.program_id()));
  get.set_program_id("");
  EXPECT_THAT(stub().GetProgram(Ctx().get(), get, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
  get.set_program_id("has space");
  EXPECT_THAT(stub().GetProgram(Ctx().get(), get, &out),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program_id"));
}

TEST_F(ProgramsTest, UpdateCapacityAppliesToLaterCohortsOnly) {
  auto members = MakeMembers(fixture(), 3);
  ASSERT_TRUE(members.ok()) << members.status();
  const cv1::Program p = MustCreateProgram(fixture(), ProgramSpec("Grow", 2));
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), (*members)[0], nullptr));
  cv1::UpdateProgramRequest update;
  update.set_request_id("u-1");
  update.mutable_program()->set_id(p.id());
  update.mutable_program()->set_cohort_capacity(3);
  update.mutable_program()->set_name("Grown");
  update.mutable_update_mask()->add_paths("cohort_capacity");
  cv1::Program updated;
  ASSERT_GRPC_OK(stub().UpdateProgram(Ctx().get(), update, &updated));
  EXPECT_EQ(updated.cohort_capacity(), 3);
  EXPECT_EQ(updated.name(), "Grow") << "a field outside the mask changed";
  cv1::Program replay;
  ASSERT_GRPC_OK(stub().UpdateProgram(Ctx().get(), update, &replay));
  EXPECT_THAT(replay, EqualsProto(updated));
  // Cohort 1 keeps capacity 2; filling it opens cohort 2 with capacity 3.
  cv1::EnrollResponse r;
  ASSERT_GRPC_OK(Enroll(fixture(), p.id(), (*members)[1], &r));
  EXPECT_TRUE(r.cohort_filled());
  auto cohorts = ListAllCohorts(fixture(), p.id());
  ASSERT_TRUE(cohorts.ok()) << cohorts.status();
  ASSERT_THAT(*cohorts, SizeIs(2));
  EXPECT_EQ((*cohorts)[0].capacity(), 2);
  EXPECT_EQ((*cohorts)[1].capacity(), 3);

  // Over Dunbar without the flag (stored false): rejected; with it in the same mask: allowed.
  update.set_request_id("u-2");
  update.mutable_program()->set_cohort_capacity(200);
  EXPECT_THAT(stub().UpdateProgram(Ctx().get(), update, &updated),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "program.cohort_capacity"));
  update.set_request_id("u-3");
  update.mutable_program()->set_allow_over_dunbar(true);
  update.mutable_update_mask()->add_paths("allow_over_dunbar");
  ASSERT_GRPC_OK(stub().UpdateProgram(Ctx().get(), update, &updated));
  EXPECT_EQ(updated.cohort_capacity(), 200);
  EXPECT_THAT(updated.warnings(), SizeIs(1));

  update.set_request_id("u-4");
  update.mutable_update_mask()->Clear();
  EXPECT_THAT(stub().UpdateProgram(Ctx().get(), update, &updated),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "update_mask"));
  update.mutable_update_mask()->add_paths("id");
  EXPECT_THAT(stub().UpdateProgram(Ctx().get(), update, &updated),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "update_mask"));
  update.mutable_update_mask()->Clear();
  update.mutable_update_mask()->add_paths("name");
  update.mutable_program()->set_id(UnknownIdLike(p.id()));
  update.set_request_id("u-5");
  EXPECT_THAT(stub().UpdateProgram(Ctx().get(), update, &updated),
              HasCodeAndMessage(Code::NOT_FOUND, "program"));
}

}  // namespace
}  // namespace dunbar::testing
