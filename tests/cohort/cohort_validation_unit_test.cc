// The cohort service's request rules (cohort_validation.h): every field rule, with its exact code
// and the field the message names.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/cohort/cohort_validation.h"

namespace dunbar::cohort {
namespace {

v1::Program ValidProgram() {
  v1::Program program;
  program.set_name("Deep Work");
  return program;
}

// The error's code is INVALID_ARGUMENT and its message starts with "<field>:".
void ExpectInvalid(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), field + ":")) << status.message();
}

TEST(NormalizeNewProgramTest, AppliesDefaults) {
  v1::Program program = ValidProgram();
  ASSERT_TRUE(NormalizeNewProgram(program).ok());
  EXPECT_EQ(program.cohort_capacity(), 50);
  EXPECT_EQ(program.rollover_policy(), v1::AUTO_OPEN_NEXT);
  EXPECT_EQ(program.cohort_name_template(), "{programme} {n}");
  EXPECT_EQ(program.price().amount_minor(), 0);
  EXPECT_EQ(program.price().currency(), "");
}

TEST(NormalizeNewProgramTest, KeepsGivenValuesAndClearsOutputOnlyFields) {
  v1::Program program = ValidProgram();
  program.set_name("小源说说");
  program.set_cohort_capacity(150);
  program.set_rollover_policy(v1::WAITLIST);
  program.set_cohort_name_template("{programme} 第{n}期");
  program.set_first_cohort_start_date("2024-02-29");
  program.mutable_price()->set_amount_minor(19900);
  program.mutable_price()->set_currency("cny");
  program.set_id("caller-chosen");
  program.set_tenant("other");
  program.set_archived(true);
  program.add_warnings("x");
  program.set_latest_cohort_number(9);
  program.set_waitlist_length(3);
  program.mutable_created_at()->set_seconds(5);
  ASSERT_TRUE(NormalizeNewProgram(program).ok());
  EXPECT_EQ(program.name(), "小源说说");
  EXPECT_EQ(program.cohort_capacity(), 150);
  EXPECT_EQ(program.rollover_policy(), v1::WAITLIST);
  EXPECT_EQ(program.cohort_name_template(), "{programme} 第{n}期");
  EXPECT_EQ(program.first_cohort_start_date(), "2024-02-29");
  EXPECT_EQ(program.price().currency(), "CNY");
  EXPECT_EQ(program.id(), "");
  EXPECT_EQ(program.tenant(), "");
  EXPECT_FALSE(program.archived());
  EXPECT_EQ(program.warnings_size(), 0);
  EXPECT_EQ(program.latest_cohort_number(), 0);
  EXPECT_EQ(program.waitlist_length(), 0);
  EXPECT_FALSE(program.has_created_at());
}

struct CapacityCase {
  int capacity;
  bool allow_over_dunbar;
  bool ok;
  int stored;  // when ok
};

class CapacityTest : public ::testing::TestWithParam<CapacityCase> {};

TEST_P(CapacityTest, FollowsTheDunbarRule) {
  const CapacityCase& c = GetParam();
  v1::Program program = ValidProgram();
  program.set_cohort_capacity(c.capacity);
  program.set_allow_over_dunbar(c.allow_over_dunbar);
  const absl::Status status = NormalizeNewProgram(program);
  if (c.ok) {
    ASSERT_TRUE(status.ok()) << status;
    EXPECT_EQ(program.cohort_capacity(), c.stored);
  } else {
    ExpectInvalid(status, "program.cohort_capacity");
  }
}

INSTANTIATE_TEST_SUITE_P(
    Capacities, CapacityTest,
    ::testing::Values(CapacityCase{0, false, true, 50}, CapacityCase{1, false, true, 1},
                      CapacityCase{2, false, true, 2}, CapacityCase{150, false, true, 150},
                      CapacityCase{151, false, false, 0}, CapacityCase{151, true, true, 151},
                      CapacityCase{500, true, true, 500}, CapacityCase{500, false, false, 0},
                      CapacityCase{501, true, false, 0}, CapacityCase{-1, false, false, 0},
                      CapacityCase{-1, true, false, 0}, CapacityCase{1000000, true, false, 0}));

TEST(NormalizeNewProgramTest, OverDunbarMessageNamesTheFlag) {
  v1::Program program = ValidProgram();
  program.set_cohort_capacity(200);
  const absl::Status status = NormalizeNewProgram(program);
  EXPECT_EQ(status.message(),
            "program.cohort_capacity: 200 is above Dunbar's number (150); set allow_over_dunbar to "
            "allow up to 500");
}

TEST(NormalizeNewProgramTest, AboveFiveHundredIsRejectedEvenWhenAllowed) {
  v1::Program program = ValidProgram();
  program.set_cohort_capacity(501);
  program.set_allow_over_dunbar(true);
  EXPECT_EQ(NormalizeNewProgram(program).message(),
            "program.cohort_capacity: must be between 1 and 500 (0 means 50), got 501");
}

TEST(NormalizeNewProgramTest, Name) {
  for (const std::string& bad : {std::string(), std::string("   "), std::string(201, 'a'),
                                 std::string("\xff\xfe"), std::string("ab\xe4\xb8")}) {
    v1::Program program = ValidProgram();
    program.set_name(bad);
    ExpectInvalid(NormalizeNewProgram(program), "program.name");
  }
  v1::Program longest = ValidProgram();
  longest.set_name(std::string(200, 'a'));
  EXPECT_TRUE(NormalizeNewProgram(longest).ok());
  // 66 three-byte characters = 198 bytes: fine; 67 = 201 bytes: too long.
  std::string chinese;
  for (int i = 0; i < 66; ++i) chinese += "期";
  v1::Program fits = ValidProgram();
  fits.set_name(chinese);
  EXPECT_TRUE(NormalizeNewProgram(fits).ok());
  fits.set_name(chinese + "期");
  ExpectInvalid(NormalizeNewProgram(fits), "program.name");
}

TEST(NormalizeNewProgramTest, Description) {
  v1::Program program = ValidProgram();
  program.set_description(std::string(4000, 'd'));
  EXPECT_TRUE(NormalizeNewProgram(program).ok());
  program.set_description(std::string(4001, 'd'));
  ExpectInvalid(NormalizeNewProgram(program), "program.description");
  program.set_description("bad \xc3");
  ExpectInvalid(NormalizeNewProgram(program), "program.description");
}

TEST(NormalizeNewProgramTest, Price) {
  v1::Program negative = ValidProgram();
  negative.mutable_price()->set_amount_minor(-1);
  ExpectInvalid(NormalizeNewProgram(negative), "program.price.amount_minor");

  v1::Program no_currency = ValidProgram();
  no_currency.mutable_price()->set_amount_minor(100);
  const absl::Status status = NormalizeNewProgram(no_currency);
  ExpectInvalid(status, "program.price.currency");
  EXPECT_EQ(status.message(), "program.price.currency: required when amount_minor > 0");

  for (const char* bad : {"US", "USDX", "U$D", "12A"}) {
    v1::Program program = ValidProgram();
    program.mutable_price()->set_amount_minor(100);
    program.mutable_price()->set_currency(bad);
    ExpectInvalid(NormalizeNewProgram(program), "program.price.currency");
  }

  v1::Program free_with_currency = ValidProgram();
  free_with_currency.mutable_price()->set_currency("usd");
  ASSERT_TRUE(NormalizeNewProgram(free_with_currency).ok());
  EXPECT_EQ(free_with_currency.price().currency(), "USD");
}

TEST(NormalizeNewProgramTest, RolloverPolicy) {
  v1::Program program = ValidProgram();
  program.set_rollover_policy(static_cast<v1::RolloverPolicy>(7));
  ExpectInvalid(NormalizeNewProgram(program), "program.rollover_policy");
  program.set_rollover_policy(v1::AUTO_OPEN_NEXT);
  EXPECT_TRUE(NormalizeNewProgram(program).ok());
}

TEST(NormalizeNewProgramTest, NameTemplate) {
  v1::Program missing_number = ValidProgram();
  missing_number.set_cohort_name_template("{programme} batch");
  const absl::Status status = NormalizeNewProgram(missing_number);
  ExpectInvalid(status, "program.cohort_name_template");
  EXPECT_TRUE(absl::StrContains(status.message(), "{n}")) << status.message();

  v1::Program too_long = ValidProgram();
  too_long.set_cohort_name_template("{n}" + std::string(198, 'x'));
  ExpectInvalid(NormalizeNewProgram(too_long), "program.cohort_name_template");

  v1::Program longest = ValidProgram();
  longest.set_cohort_name_template("{n}" + std::string(197, 'x'));
  EXPECT_TRUE(NormalizeNewProgram(longest).ok());

  v1::Program number_only = ValidProgram();
  number_only.set_cohort_name_template("Batch {n}");
  ASSERT_TRUE(NormalizeNewProgram(number_only).ok());
  EXPECT_EQ(number_only.cohort_name_template(), "Batch {n}");
}

TEST(NormalizeNewProgramTest, FirstCohortStartDate) {
  for (const char* bad : {"2025-02-29", "2025-13-01", "2025-1-01", "25-01-01", "2025/01/01",
                          "2025-01-32", "2025-00-10", "0999-01-01", "2025-01-01T00:00"}) {
    v1::Program program = ValidProgram();
    program.set_first_cohort_start_date(bad);
    ExpectInvalid(NormalizeNewProgram(program), "program.first_cohort_start_date");
  }
  v1::Program leap = ValidProgram();
  leap.set_first_cohort_start_date("2024-02-29");
  EXPECT_TRUE(NormalizeNewProgram(leap).ok());
}

google::protobuf::FieldMask Mask(std::initializer_list<const char*> paths) {
  google::protobuf::FieldMask mask;
  for (const char* path : paths) mask.add_paths(path);
  return mask;
}

TEST(NormalizeProgramUpdateTest, AcceptsEveryListedPathOnce) {
  v1::Program values = ValidProgram();
  values.set_cohort_capacity(20);
  google::protobuf::FieldMask mask;
  for (const std::string& path : UpdatableProgramPaths()) mask.add_paths(path);
  mask.add_paths("name");  // a duplicate
  absl::StatusOr<std::vector<std::string>> paths = NormalizeProgramUpdate(mask, values);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, UpdatableProgramPaths());
  EXPECT_EQ(UpdatableProgramPaths().size(), 9u);
}

TEST(NormalizeProgramUpdateTest, RejectsUnknownReadOnlyAndEmptyMasks) {
  for (const char* path : {"id", "tenant", "archived", "warnings", "latest_cohort_number",
                           "created_at", "nme", "price.amount_minor", ""}) {
    v1::Program values = ValidProgram();
    ExpectInvalid(NormalizeProgramUpdate(Mask({path}), values).status(), "update_mask");
  }
  v1::Program values = ValidProgram();
  ExpectInvalid(NormalizeProgramUpdate(Mask({}), values).status(), "update_mask");
}

TEST(NormalizeProgramUpdateTest, ChecksOnlyTheNamedFields) {
  v1::Program values;  // no name: fine unless the mask names it
  values.set_description("new words");
  absl::StatusOr<std::vector<std::string>> paths =
      NormalizeProgramUpdate(Mask({"description"}), values);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_EQ(*paths, std::vector<std::string>{"description"});
  ExpectInvalid(NormalizeProgramUpdate(Mask({"name"}), values).status(), "program.name");
}

TEST(NormalizeProgramUpdateTest, DefaultsApplyToClearedFields) {
  v1::Program values;
  ASSERT_TRUE(NormalizeProgramUpdate(
                  Mask({"cohort_capacity", "rollover_policy", "cohort_name_template"}), values)
                  .ok());
  EXPECT_EQ(values.cohort_capacity(), 50);
  EXPECT_EQ(values.rollover_policy(), v1::AUTO_OPEN_NEXT);
  EXPECT_EQ(values.cohort_name_template(), "{programme} {n}");
}

TEST(NormalizeProgramUpdateTest, OverDunbarCheckedWhenBothFieldsAreInTheMask) {
  v1::Program values;
  values.set_cohort_capacity(300);
  // Capacity alone: whether the stored programme allows it is the store's check.
  EXPECT_TRUE(NormalizeProgramUpdate(Mask({"cohort_capacity"}), values).ok());
  ExpectInvalid(
      NormalizeProgramUpdate(Mask({"cohort_capacity", "allow_over_dunbar"}), values).status(),
      "program.cohort_capacity");
  values.set_allow_over_dunbar(true);
  EXPECT_TRUE(NormalizeProgramUpdate(Mask({"allow_over_dunbar", "cohort_capacity"}), values).ok());
  values.set_cohort_capacity(501);
  ExpectInvalid(NormalizeProgramUpdate(Mask({"cohort_capacity"}), values).status(),
                "program.cohort_capacity");
}

TEST(NormalizeProgramUpdateTest, PriceRulesAsOnCreate) {
  v1::Program values;
  values.mutable_price()->set_amount_minor(5);
  ExpectInvalid(NormalizeProgramUpdate(Mask({"price"}), values).status(), "program.price.currency");
  values.mutable_price()->set_currency("eur");
  ASSERT_TRUE(NormalizeProgramUpdate(Mask({"price"}), values).ok());
  EXPECT_EQ(values.price().currency(), "EUR");
}

TEST(NormalizeStatsDaysTest, DefaultsAndRange) {
  EXPECT_EQ(*NormalizeStatsDays(0), 30);
  EXPECT_EQ(*NormalizeStatsDays(1), 1);
  EXPECT_EQ(*NormalizeStatsDays(366), 366);
  ExpectInvalid(NormalizeStatsDays(367).status(), "days");
  ExpectInvalid(NormalizeStatsDays(-1).status(), "days");
}

TEST(ValidateOptionalTextTest, LengthAndUtf8) {
  EXPECT_TRUE(ValidateOptionalText("source", "", kMaxSourceLength).ok());
  EXPECT_TRUE(ValidateOptionalText("source", std::string(64, 's'), kMaxSourceLength).ok());
  ExpectInvalid(ValidateOptionalText("source", std::string(65, 's'), kMaxSourceLength), "source");
  ExpectInvalid(ValidateOptionalText("reason", "\xc0\xaf", kMaxReasonLength), "reason");
  EXPECT_TRUE(ValidateOptionalText("reason", std::string(500, 'r'), kMaxReasonLength).ok());
  ExpectInvalid(ValidateOptionalText("reason", std::string(501, 'r'), kMaxReasonLength), "reason");
}

TEST(ParseCohortRefTest, ParsesProgramIdAndNumber) {
  absl::StatusOr<CohortRef> ref = ParseCohortRef("cohort_id", "01JD3Z9X4Q6W8ZK2M5N7P9R1T3.12");
  ASSERT_TRUE(ref.ok()) << ref.status();
  EXPECT_EQ(ref->program_id, "01JD3Z9X4Q6W8ZK2M5N7P9R1T3");
  EXPECT_EQ(ref->number, 12);
  EXPECT_EQ(CohortId(ref->program_id, ref->number), "01JD3Z9X4Q6W8ZK2M5N7P9R1T3.12");
  absl::StatusOr<CohortRef> max = ParseCohortRef("cohort_id", "p.2147483647");
  ASSERT_TRUE(max.ok()) << max.status();
  EXPECT_EQ(max->number, 2147483647);
}

TEST(ParseCohortRefTest, RejectsMalformedIdsNamingTheField) {
  for (const char* bad : {"", "p", "p.", ".3", "p.0", "p.-1", "p.+1", "p.1a", "p.1.2x", "a b.1",
                          "p/q.1", "p.2147483648", "p.99999999999"}) {
    ExpectInvalid(ParseCohortRef("from_cohort_id", bad).status(), "from_cohort_id");
  }
  // Programme ids never contain '.': "a.b.1" is not programme "a.b".
  ExpectInvalid(ParseCohortRef("cohort_id", "a.b.1").status(), "cohort_id");
  ExpectInvalid(ParseCohortRef("cohort_id", std::string(65, 'p') + ".1").status(), "cohort_id");
}

}  // namespace
}  // namespace dunbar::cohort
