// The real dunbarctl command line (RunCli) for the cohort-service commands against an in-process
// fake CohortService over loopback gRPC: what goes on the wire (request ids, update masks, prices
// in minor units, the cohort address), what is printed and the exit codes.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "tools/dunbarctl/cli_app.h"
#include "tools/dunbarctl/exit_codes.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

cohort_api::Cohort MakeCohort(int number, const std::string& name, int taken, int capacity,
                              cohort_api::CohortState state) {
  cohort_api::Cohort cohort;
  cohort.set_id(absl::StrCat("p_1.", number));
  cohort.set_program_id("p_1");
  cohort.set_number(number);
  cohort.set_name(name);
  cohort.set_seats_taken(taken);
  cohort.set_capacity(capacity);
  cohort.set_state(state);
  return cohort;
}

// Answers like the cohort service would for a programme "p_1" (小源说说, capacity 2) and records
// every request the CLI sent.
class FakeCohort final : public cohort_api::CohortService::Service {
 public:
  grpc::Status CreateProgram(grpc::ServerContext* context,
                             const cohort_api::CreateProgramRequest* request,
                             cohort_api::Program* reply) override {
    Record(context, *request);
    *reply = request->program();
    reply->set_id("p_1");
    reply->set_tenant("acme");
    reply->set_latest_cohort_number(1);
    if (reply->cohort_capacity() > 150) {
      reply->add_warnings(absl::StrCat("cohort_capacity ", reply->cohort_capacity(),
                                       " is above Dunbar's number (150)"));
    }
    return grpc::Status::OK;
  }

  grpc::Status GetProgram(grpc::ServerContext* context,
                          const cohort_api::GetProgramRequest* request,
                          cohort_api::Program* reply) override {
    Record(context, *request);
    if (request->program_id() != "p_1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("programme ", request->program_id(), " not found"));
    }
    reply->set_id("p_1");
    reply->set_name("小源说说");
    return grpc::Status::OK;
  }

  grpc::Status ListPrograms(grpc::ServerContext* context,
                            const cohort_api::ListProgramsRequest* request,
                            cohort_api::ListProgramsResponse* reply) override {
    Record(context, *request);
    cohort_api::Program* program = reply->add_programs();
    program->set_id("p_1");
    program->set_name("小源说说");
    program->set_cohort_capacity(2);
    program->mutable_price()->set_amount_minor(19900);
    program->mutable_price()->set_currency("CNY");
    program->set_requires_entitlement(true);
    program->set_rollover_policy(cohort_api::AUTO_OPEN_NEXT);
    program->set_latest_cohort_number(2);
    if (request->include_archived()) {
      cohort_api::Program* old = reply->add_programs();
      old->set_id("p_0");
      old->set_name("Deep Work");
      old->set_cohort_capacity(50);
      old->set_rollover_policy(cohort_api::WAITLIST);
      old->set_latest_cohort_number(3);
      old->set_waitlist_length(4);
      old->set_archived(true);
    }
    return grpc::Status::OK;
  }

  grpc::Status UpdateProgram(grpc::ServerContext* context,
                             const cohort_api::UpdateProgramRequest* request,
                             cohort_api::Program* reply) override {
    Record(context, *request);
    *reply = request->program();
    return grpc::Status::OK;
  }

  grpc::Status ListCohorts(grpc::ServerContext* context,
                           const cohort_api::ListCohortsRequest* request,
                           cohort_api::ListCohortsResponse* reply) override {
    Record(context, *request);
    // Two pages, so the CLI must follow the token.
    if (request->page_token().empty()) {
      *reply->add_cohorts() = MakeCohort(1, "小源说说 第1期", 150, 150, cohort_api::RUNNING);
      *reply->add_cohorts() = MakeCohort(2, "小源说说 第2期", 142, 150, cohort_api::OPEN);
      reply->set_next_page_token("c2");
    } else {
      *reply->add_cohorts() = MakeCohort(3, "Bonus", 0, 150, cohort_api::OPEN);
    }
    return grpc::Status::OK;
  }

  grpc::Status OpenNextCohort(grpc::ServerContext* context,
                              const cohort_api::OpenNextCohortRequest* request,
                              cohort_api::OpenNextCohortResponse* reply) override {
    Record(context, *request);
    *reply->mutable_cohort() = MakeCohort(3, "小源说说 第3期", 2, 2, cohort_api::FULL);
    reply->mutable_cohort()->set_start_date(request->start_date());
    reply->add_promoted_member_ids("m_7");
    reply->add_promoted_member_ids("m_8");
    return grpc::Status::OK;
  }

  grpc::Status StartCohort(grpc::ServerContext* context,
                           const cohort_api::StartCohortRequest* request,
                           cohort_api::Cohort* reply) override {
    Record(context, *request);
    *reply = MakeCohort(1, "小源说说 第1期", 2, 2, cohort_api::RUNNING);
    reply->set_allow_late_enrollment(request->allow_late_enrollment());
    return grpc::Status::OK;
  }

  grpc::Status Enroll(grpc::ServerContext* context, const cohort_api::EnrollRequest* request,
                      cohort_api::EnrollResponse* reply) override {
    Record(context, *request);
    const std::string& member = request->member_id();
    if (member == "m_nopay") {
      return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                          "member m_nopay has no entitlement for programme p_1");
    }
    if (member == "m_wait") {
      reply->set_result(cohort_api::WAITLISTED);
      reply->set_waitlist_position(3);
      return grpc::Status::OK;
    }
    reply->set_result(member == "m_again" ? cohort_api::ALREADY_ENROLLED : cohort_api::ENROLLED);
    cohort_api::Seat* seat = reply->mutable_seat();
    seat->set_cohort_id("p_1.1");
    seat->set_cohort_number(1);
    seat->set_cohort_name("小源说说 第1期");
    seat->set_seat_number(2);
    if (member == "m_last") {
      reply->set_cohort_filled(true);
      *reply->mutable_opened_cohort() = MakeCohort(2, "小源说说 第2期", 0, 2, cohort_api::OPEN);
    }
    return grpc::Status::OK;
  }

  grpc::Status Withdraw(grpc::ServerContext* context, const cohort_api::WithdrawRequest* request,
                        cohort_api::WithdrawResponse* reply) override {
    Record(context, *request);
    reply->mutable_enrollment()->set_status(cohort_api::WITHDRAWN);
    if (request->member_id() == "m_wait") {
      reply->set_left_waitlist(true);
      return grpc::Status::OK;
    }
    cohort_api::HistoryEntry* entry = reply->mutable_enrollment()->add_history();
    entry->set_kind(cohort_api::HISTORY_WITHDRAWN);
    entry->set_from_cohort_id("p_1.1");
    entry->set_reason(request->reason());
    reply->set_promoted_member_id("m_9");
    return grpc::Status::OK;
  }

  grpc::Status Transfer(grpc::ServerContext* context, const cohort_api::TransferRequest* request,
                        cohort_api::Enrollment* reply) override {
    Record(context, *request);
    if (request->to_cohort_id() == "p_1.1") {
      return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "cohort p_1.1 is full");
    }
    reply->set_status(cohort_api::ACTIVE);
    reply->mutable_seat()->set_cohort_id(request->to_cohort_id());
    reply->mutable_seat()->set_cohort_number(2);
    reply->mutable_seat()->set_cohort_name("小源说说 第2期");
    reply->mutable_seat()->set_seat_number(1);
    return grpc::Status::OK;
  }

  grpc::Status ListRoster(grpc::ServerContext* context,
                          const cohort_api::ListRosterRequest* request,
                          cohort_api::ListRosterResponse* reply) override {
    Record(context, *request);
    *reply->mutable_cohort() = MakeCohort(1, "小源说说 第1期", 3, 3, cohort_api::FULL);
    auto add = [reply](int seat, const std::string& member, const std::string& source) {
      cohort_api::RosterEntry* entry = reply->add_entries();
      entry->set_seat_number(seat);
      entry->set_member_id(member);
      entry->set_source(source);
    };
    if (request->page_token().empty()) {
      add(1, "m_1", "cli");
      add(2, "m_2", "outreach");
      reply->set_next_page_token("r2");
    } else {
      add(3, "m_3", "");
      reply->mutable_entries(0)->set_entitlement_order_id("ord-3");
    }
    return grpc::Status::OK;
  }

  grpc::Status GetWaitlist(grpc::ServerContext* context,
                           const cohort_api::GetWaitlistRequest* request,
                           cohort_api::GetWaitlistResponse* reply) override {
    Record(context, *request);
    for (int position = 1; position <= 2; ++position) {
      cohort_api::WaitlistEntry* entry = reply->add_entries();
      entry->set_position(position);
      entry->set_member_id(absl::StrCat("m_w", position));
      entry->set_source("cli");
    }
    reply->set_length(2);
    return grpc::Status::OK;
  }

  grpc::Status GetProgramStats(grpc::ServerContext* context,
                               const cohort_api::GetProgramStatsRequest* request,
                               cohort_api::ProgramStats* reply) override {
    Record(context, *request);
    reply->mutable_program()->set_id("p_1");
    reply->mutable_program()->set_name("小源说说");
    cohort_api::CohortStats* first = reply->add_cohorts();
    *first->mutable_cohort() = MakeCohort(1, "小源说说 第1期", 2, 2, cohort_api::FULL);
    first->mutable_cohort()->mutable_full_at()->set_seconds(1700000000);
    first->set_time_to_fill_seconds(12000);
    first->set_fill_ratio(1.0);
    cohort_api::CohortStats* second = reply->add_cohorts();
    *second->mutable_cohort() = MakeCohort(2, "Deep Work 2", 1, 2, cohort_api::OPEN);
    second->set_fill_ratio(0.5);
    reply->set_waitlist_length(0);
    reply->set_total_enrolled(3);
    const int counts[] = {0, 1, 0, 2};
    for (int day = 0; day < 4; ++day) {
      cohort_api::DailyCount* count = reply->add_enrollments_per_day();
      count->set_date(absl::StrCat("2024-03-0", day + 1));
      count->set_enrollments(counts[day]);
    }
    return grpc::Status::OK;
  }

  // Every request received, in order, with the bearer token it came with.
  struct Seen {
    std::string method;  // the request message's type name, e.g. "EnrollRequest"
    std::string authorization;
    std::string serialized;
  };
  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // The last request of type T.
  template <typename T>
  T Last() {
    T message;
    for (const Seen& seen : this->seen()) {
      if (seen.method == T::descriptor()->name()) message.ParseFromString(seen.serialized);
    }
    return message;
  }

 private:
  void Record(grpc::ServerContext* context, const google::protobuf::Message& request) {
    Seen seen{request.GetDescriptor()->name(), "", request.SerializeAsString()};
    auto it = context->client_metadata().find("authorization");
    if (it != context->client_metadata().end()) {
      seen.authorization = std::string(it->second.data(), it->second.size());
    }
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(std::move(seen));
  }

  std::mutex mu_;
  std::vector<Seen> seen_;
};

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

// A loopback port nothing listens on (it was free a moment ago).
std::string ClosedAddress() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return absl::StrCat("127.0.0.1:", ntohs(address.sin_port));
}

class CohortCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    cohort_addr_ = absl::StrCat("127.0.0.1:", port);
    // Membership is not running: cohort commands must not need it.
    membership_addr_ = ClosedAddress();
  }
  void TearDown() override { server_->Shutdown(); }

  // Runs dunbarctl with --cohort-addr pointing at the fake (unless `with_cohort_addr` is false).
  CliRun Run(std::vector<std::string> args, bool with_cohort_addr = true) {
    std::vector<std::string> all = {"dunbarctl", "--addr", membership_addr_, "--token", "dbr_test",
                                    "--timeout", "5"};
    if (with_cohort_addr) {
      all.push_back("--cohort-addr");
      all.push_back(cohort_addr_);
    }
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& arg : all) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }

  FakeCohort fake_;
  std::unique_ptr<grpc::Server> server_;
  std::string cohort_addr_;
  std::string membership_addr_;
};

TEST_F(CohortCliTest, ProgramsCreateSendsEveryFieldWithPriceInMinorUnits) {
  const CliRun run = Run({"--tenant",
                          "acme",
                          "programs",
                          "create",
                          "--name",
                          "小源说说",
                          "--capacity",
                          "2",
                          "--price",
                          "199.00",
                          "--currency",
                          "CNY",
                          "--requires-entitlement",
                          "--rollover",
                          "waitlist",
                          "--name-template",
                          "{programme} 第{n}期",
                          "--start-date",
                          "2024-04-01",
                          "--description",
                          "读书会",
                          "--request-id",
                          "req-1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.err, "");
  const auto request = fake_.Last<cohort_api::CreateProgramRequest>();
  EXPECT_EQ(request.tenant(), "acme");
  EXPECT_EQ(request.request_id(), "req-1");
  EXPECT_EQ(request.program().name(), "小源说说");
  EXPECT_EQ(request.program().cohort_capacity(), 2);
  EXPECT_EQ(request.program().price().amount_minor(), 19900);
  EXPECT_EQ(request.program().price().currency(), "CNY");
  EXPECT_TRUE(request.program().requires_entitlement());
  EXPECT_FALSE(request.program().allow_over_dunbar());
  EXPECT_EQ(request.program().rollover_policy(), cohort_api::WAITLIST);
  EXPECT_EQ(request.program().cohort_name_template(), "{programme} 第{n}期");
  EXPECT_EQ(request.program().first_cohort_start_date(), "2024-04-01");
  EXPECT_EQ(request.program().description(), "读书会");
  EXPECT_EQ(fake_.seen()[0].authorization, "Bearer dbr_test");
  EXPECT_EQ(run.out,
            "id           p_1\n"
            "name         小源说说\n"
            "description  读书会\n"
            "capacity     2 per batch\n"
            "price        199.00 CNY\n"
            "entry        needs a paid entitlement\n"
            "rollover     waitlist\n"
            "batch name   {programme} 第{n}期\n"
            "first start  2024-04-01\n"
            "batches      1\n"
            "waiting      0\n");
}

TEST_F(CohortCliTest, ProgramsCreateOverDunbarShowsTheWarningAndMintsRequestIds) {
  const CliRun run = Run({"programs", "create", "--name", "Big", "--capacity", "200",
                          "--allow-over-dunbar", "--price-minor", "500", "--currency", "USD"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("capacity  200 per batch (over Dunbar's number allowed)\n"));
  EXPECT_THAT(run.out, HasSubstr("warning   cohort_capacity 200 is above Dunbar's number (150)\n"));
  const auto first = fake_.Last<cohort_api::CreateProgramRequest>();
  EXPECT_TRUE(first.program().allow_over_dunbar());
  EXPECT_EQ(first.program().price().amount_minor(), 500);
  EXPECT_THAT(first.request_id(), StartsWith("cli_"));

  ASSERT_EQ(Run({"programs", "create", "--name", "Big"}).exit_code, kExitOk);
  const auto second = fake_.Last<cohort_api::CreateProgramRequest>();
  EXPECT_THAT(second.request_id(), StartsWith("cli_"));
  EXPECT_NE(second.request_id(), first.request_id());
  EXPECT_EQ(second.program().rollover_policy(), cohort_api::ROLLOVER_POLICY_UNSPECIFIED);
}

TEST_F(CohortCliTest, BadProgramFlagsAreUsageErrorsWithoutACall) {
  const CliRun no_currency = Run({"programs", "create", "--name", "x", "--price", "199"});
  EXPECT_EQ(no_currency.exit_code, kExitUsage);
  EXPECT_EQ(no_currency.err, "error: INVALID_ARGUMENT: --currency: required with --price\n");
  const CliRun bad_price =
      Run({"programs", "create", "--name", "x", "--price", "1.999", "--currency", "CNY"});
  EXPECT_EQ(bad_price.exit_code, kExitUsage);
  EXPECT_EQ(bad_price.err, "error: INVALID_ARGUMENT: --price: '1.999' has more than 2 decimals\n");
  const CliRun bad_rollover = Run({"programs", "create", "--name", "x", "--rollover", "never"});
  EXPECT_EQ(bad_rollover.exit_code, kExitUsage);
  EXPECT_EQ(bad_rollover.err,
            "error: INVALID_ARGUMENT: --rollover: 'never' is not one of auto, waitlist\n");
  const CliRun both_prices = Run({"programs", "create", "--name", "x", "--price", "1",
                                  "--price-minor", "100", "--currency", "CNY"});
  EXPECT_EQ(both_prices.exit_code, kExitUsage);
  const CliRun nothing_to_update = Run({"programs", "update", "p_1"});
  EXPECT_EQ(nothing_to_update.exit_code, kExitUsage);
  EXPECT_EQ(nothing_to_update.err,
            "error: INVALID_ARGUMENT: programs update: give at least one field to change\n");
  EXPECT_EQ(Run({"enroll", "p_1"}).exit_code, kExitUsage);
  EXPECT_EQ(Run({"stats", "p_1", "--days", "400"}).exit_code, kExitUsage);
  EXPECT_TRUE(fake_.seen().empty());
}

TEST_F(CohortCliTest, ProgramsUpdateMasksOnlyTheGivenFlags) {
  const CliRun run =
      Run({"programs", "update", "p_1", "--name", "新名字", "--no-requires-entitlement", "--price",
           "10", "--currency", "CNY", "--request-id", "u-1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  const auto request = fake_.Last<cohort_api::UpdateProgramRequest>();
  EXPECT_EQ(request.request_id(), "u-1");
  EXPECT_EQ(request.program().id(), "p_1");
  EXPECT_THAT(request.update_mask().paths(), ElementsAre("name", "price", "requires_entitlement"));
  EXPECT_EQ(request.program().name(), "新名字");
  EXPECT_EQ(request.program().price().amount_minor(), 1000);
  EXPECT_FALSE(request.program().requires_entitlement());

  ASSERT_EQ(Run({"programs", "update", "p_1", "--capacity", "30", "--rollover", "auto"}).exit_code,
            kExitOk);
  const auto second = fake_.Last<cohort_api::UpdateProgramRequest>();
  EXPECT_THAT(second.update_mask().paths(), ElementsAre("cohort_capacity", "rollover_policy"));
  EXPECT_EQ(second.program().rollover_policy(), cohort_api::AUTO_OPEN_NEXT);
  EXPECT_THAT(second.request_id(), StartsWith("cli_"));
}

TEST_F(CohortCliTest, ProgramsListAndGet) {
  const CliRun active = Run({"programs", "list"});
  EXPECT_EQ(active.exit_code, kExitOk) << active.err;
  EXPECT_EQ(active.out,
            "ID   NAME      CAPACITY  PRICE       ENTRY        ROLLOVER  BATCHES  WAITING  STATUS\n"
            "p_1  小源说说  2         199.00 CNY  entitlement  auto      2        0        active\n"
            "(1 programme)\n");
  EXPECT_FALSE(fake_.Last<cohort_api::ListProgramsRequest>().include_archived());

  const CliRun all = Run({"programs", "list", "--all"});
  EXPECT_TRUE(fake_.Last<cohort_api::ListProgramsRequest>().include_archived());
  EXPECT_THAT(all.out,
              HasSubstr("p_0  Deep Work  50        free        open         waitlist  3        4 "
                        "       archived\n(2 programmes)\n"));

  const CliRun missing = Run({"programs", "get", "p_404"});
  EXPECT_EQ(missing.exit_code, kExitRpcError);
  EXPECT_EQ(missing.out, "");
  EXPECT_EQ(missing.err, "error: NOT_FOUND: programme p_404 not found\n");
}

TEST_F(CohortCliTest, CohortsListFollowsPagesAndAlignsChineseNamesAndFillBars) {
  const CliRun run = Run({"cohorts", "list", "p_1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "#  NAME            SEATS                 STATE    START  ID\n"
            "1  小源说说 第1期  [██████████] 150/150  running         p_1.1\n"
            "2  小源说说 第2期  [█████████░] 142/150  open            p_1.2\n"
            "3  Bonus           [░░░░░░░░░░] 0/150    open            p_1.3\n");
  EXPECT_EQ(fake_.seen().size(), 2u);
  EXPECT_EQ(fake_.Last<cohort_api::ListCohortsRequest>().program_id(), "p_1");
}

TEST_F(CohortCliTest, OpenNextStartAndClose) {
  const CliRun opened = Run({"cohorts", "open-next", "p_1", "--start-date", "2024-05-01"});
  EXPECT_EQ(opened.exit_code, kExitOk) << opened.err;
  EXPECT_THAT(opened.out, StartsWith("opened cohort 3: 小源说说 第3期 (p_1.3)\n"
                                     "moved 2 from the waitlist: m_7, m_8\n"));
  EXPECT_THAT(opened.out, HasSubstr("seats      [██████████] 2/2\n"));
  const auto request = fake_.Last<cohort_api::OpenNextCohortRequest>();
  EXPECT_EQ(request.start_date(), "2024-05-01");
  EXPECT_THAT(request.request_id(), StartsWith("cli_"));

  const CliRun started = Run({"cohorts", "start", "p_1.1", "--allow-late"});
  EXPECT_EQ(started.exit_code, kExitOk) << started.err;
  EXPECT_TRUE(fake_.Last<cohort_api::StartCohortRequest>().allow_late_enrollment());
  EXPECT_THAT(started.out, HasSubstr("state       running\nlate entry  allowed\n"));

  // Not implemented by the fake: the server's UNIMPLEMENTED is reported as is.
  const CliRun closed = Run({"cohorts", "close", "p_1.1"});
  EXPECT_EQ(closed.exit_code, kExitRpcError);
  EXPECT_THAT(closed.err, StartsWith("error: UNIMPLEMENTED"));
}

TEST_F(CohortCliTest, EnrollPrintsEachResult) {
  const CliRun enrolled =
      Run({"enroll", "p_1", "m_1", "--request-id", "e-1", "--source", "outreach"});
  EXPECT_EQ(enrolled.exit_code, kExitOk) << enrolled.err;
  EXPECT_EQ(enrolled.out, "ENROLLED m_1 in 小源说说 第1期 (cohort 1), seat 2\n");
  const auto request = fake_.Last<cohort_api::EnrollRequest>();
  EXPECT_EQ(request.request_id(), "e-1");
  EXPECT_EQ(request.source(), "outreach");
  EXPECT_EQ(request.program_id(), "p_1");
  EXPECT_EQ(request.member_id(), "m_1");

  const CliRun rolled = Run({"enroll", "p_1", "m_last"});
  EXPECT_EQ(rolled.out,
            "ENROLLED m_last in 小源说说 第1期 (cohort 1), seat 2\n"
            "cohort 1 is now full; cohort 2 opened: 小源说说 第2期\n");
  const auto minted = fake_.Last<cohort_api::EnrollRequest>();
  EXPECT_THAT(minted.request_id(), StartsWith("cli_"));
  EXPECT_EQ(minted.source(), "cli");

  EXPECT_EQ(Run({"enroll", "p_1", "m_again"}).out,
            "ALREADY_ENROLLED m_again in 小源说说 第1期 (cohort 1), seat 2\n");
  EXPECT_EQ(Run({"enroll", "p_1", "m_wait"}).out, "WAITLISTED m_wait at position 3 for p_1\n");

  const CliRun refused = Run({"enroll", "p_1", "m_nopay"});
  EXPECT_EQ(refused.exit_code, kExitRpcError);
  EXPECT_EQ(refused.out, "");
  EXPECT_EQ(refused.err,
            "error: FAILED_PRECONDITION: member m_nopay has no entitlement for programme p_1\n");
}

TEST_F(CohortCliTest, EnrollJsonIsTheResponse) {
  const CliRun run = Run({"enroll", "p_1", "m_wait", "-o", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, StartsWith("{\n"));
  EXPECT_THAT(run.out, HasSubstr("\"result\": \"WAITLISTED\""));
  EXPECT_THAT(run.out, HasSubstr("\"waitlistPosition\": 3"));
  EXPECT_THAT(run.out, HasSubstr("\"cohortFilled\": false"));
}

TEST_F(CohortCliTest, WithdrawAndTransfer) {
  const CliRun seat = Run({"withdraw", "p_1", "m_1", "--reason", "refund", "--request-id", "w-1"});
  EXPECT_EQ(seat.exit_code, kExitOk) << seat.err;
  EXPECT_EQ(seat.out,
            "WITHDRAWN m_1 from p_1 (seat freed in p_1.1)\n"
            "m_9 moved up from the waitlist into the freed seat\n");
  const auto withdraw = fake_.Last<cohort_api::WithdrawRequest>();
  EXPECT_EQ(withdraw.reason(), "refund");
  EXPECT_EQ(withdraw.request_id(), "w-1");
  EXPECT_EQ(Run({"withdraw", "p_1", "m_wait"}).out, "WITHDRAWN m_wait left the waitlist of p_1\n");

  const CliRun moved = Run({"transfer", "m_1", "p_1.1", "p_1.2", "--reason", "schedule"});
  EXPECT_EQ(moved.exit_code, kExitOk) << moved.err;
  EXPECT_EQ(moved.out, "TRANSFERRED m_1 from p_1.1 to 小源说说 第2期 (cohort 2), seat 1\n");
  const auto transfer = fake_.Last<cohort_api::TransferRequest>();
  EXPECT_EQ(transfer.from_cohort_id(), "p_1.1");
  EXPECT_EQ(transfer.to_cohort_id(), "p_1.2");
  EXPECT_EQ(transfer.reason(), "schedule");
  EXPECT_THAT(transfer.request_id(), StartsWith("cli_"));

  const CliRun full = Run({"transfer", "m_2", "p_1.2", "p_1.1"});
  EXPECT_EQ(full.exit_code, kExitRpcError);
  EXPECT_EQ(full.err, "error: RESOURCE_EXHAUSTED: cohort p_1.1 is full\n");
}

TEST_F(CohortCliTest, RosterOnePageOrAll) {
  const CliRun one = Run({"roster", "p_1.1", "--page-size", "2"});
  EXPECT_EQ(one.exit_code, kExitOk) << one.err;
  EXPECT_EQ(one.out,
            "小源说说 第1期 (p_1.1)  [██████████] 3/3  full\n"
            "SEAT  MEMBER  SEATED  SOURCE    ORDER\n"
            "1     m_1             cli\n"
            "2     m_2             outreach\n"
            "(2 members; more with --page-token r2 or --all)\n");
  EXPECT_EQ(fake_.Last<cohort_api::ListRosterRequest>().page_size(), 2);

  const CliRun all = Run({"roster", "p_1.1", "--all"});
  EXPECT_EQ(all.out,
            "小源说说 第1期 (p_1.1)  [██████████] 3/3  full\n"
            "SEAT  MEMBER  SEATED  SOURCE    ORDER\n"
            "1     m_1             cli\n"
            "2     m_2             outreach\n"
            "3     m_3                       ord-3\n"
            "(3 members)\n");
}

TEST_F(CohortCliTest, Waitlist) {
  const CliRun run = Run({"waitlist", "p_1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "2 waiting for p_1\n"
            "POS  MEMBER  JOINED  SOURCE\n"
            "1    m_w1            cli\n"
            "2    m_w2            cli\n");
}

TEST_F(CohortCliTest, StatsShowsBatchesTimeToFillAndADailySparkline) {
  const CliRun run = Run({"stats", "p_1", "--days", "4"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(fake_.Last<cohort_api::GetProgramStatsRequest>().days(), 4);
  EXPECT_EQ(run.out,
            "小源说说 (p_1): 3 enrolled in 2 batches, 0 waiting\n"
            "#  NAME            SEATS             STATE  OPENED  TIME TO FILL\n"
            "1  小源说说 第1期  [██████████] 2/2  full           3h 20m\n"
            "2  Deep Work 2     [█████░░░░░] 1/2  open\n"
            "enrolments per day (UTC), 2024-03-01 .. 2024-03-04: 3 in total, at most 2 a day\n"
            "▁▄▁█\n"
            "DATE        ENROLMENTS\n"
            "2024-03-02  1\n"
            "2024-03-04  2\n");
}

TEST_F(CohortCliTest, CohortAddressComesFromTheEnvironmentAndMembershipIsNotNeeded) {
  ASSERT_EQ(setenv("DUNBAR_COHORT_ADDR", cohort_addr_.c_str(), 1), 0);
  const CliRun run = Run({"waitlist", "p_1"}, /*with_cohort_addr=*/false);
  unsetenv("DUNBAR_COHORT_ADDR");
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(fake_.seen().size(), 1u);
}

TEST_F(CohortCliTest, UnreachableCohortServiceExitsFour) {
  const CliRun run = Run({"--cohort-addr", ClosedAddress(), "enroll", "p_1", "m_1"},
                         /*with_cohort_addr=*/false);
  EXPECT_EQ(run.exit_code, kExitTransport);
  EXPECT_THAT(run.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_TRUE(fake_.seen().empty());
}

}  // namespace
}  // namespace dunbar::dunbarctl
