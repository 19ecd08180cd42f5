// The real dunbarctl command line (RunCli) against an in-process fake MembershipService over
// loopback gRPC: what goes on the wire (tenant, token, deadline, import chunks), what is printed,
// and the exit codes.
#include "tools/dunbarctl/cli_app.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/token_store.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "tools/dunbarctl/exit_codes.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Answers like the membership service would, and records what the CLI sent.
class FakeMembership final : public v1::MembershipService::Service {
 public:
  struct Seen {
    std::string authorization;
    absl::Duration deadline_left;
    std::string tenant;
  };

  grpc::Status GetMember(grpc::ServerContext* context, const v1::GetMemberRequest* request,
                         v1::Member* reply) override {
    Record(context, request->tenant());
    if (request->member_id() != "m_1") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          absl::StrCat("member ", request->member_id(), " not found"));
    }
    reply->set_id("m_1");
    reply->set_name("王小明");
    reply->set_stage(v1::STAGE_LEAD);
    reply->set_phone("+8613800138000");
    reply->add_tags("深度工作");
    return grpc::Status::OK;
  }

  grpc::Status ListMembers(grpc::ServerContext* context, const v1::ListMembersRequest* request,
                           v1::ListMembersResponse* reply) override {
    Record(context, request->tenant());
    // Two pages: page 1 has 王小明, page 2 (token "p2") has Li Wei.
    v1::Member* member = reply->add_members();
    if (request->page_token().empty()) {
      member->set_id("m_1");
      member->set_name("王小明");
      reply->set_next_page_token("p2");
    } else {
      member->set_id("m_2");
      member->set_name("Li Wei");
    }
    return grpc::Status::OK;
  }

  grpc::Status ImportContacts(grpc::ServerContext* context,
                              grpc::ServerReader<v1::ImportContactsRequest>* reader,
                              v1::ImportContactsResponse* reply) override {
    Record(context, "");
    v1::ImportContactsRequest message;
    absl::flat_hash_set<std::string> emails;
    int64_t row_number = 0;
    while (reader->Read(&message)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        import_messages_.push_back(message);
      }
      for (const v1::ImportRow& row : message.rows()) {
        ++row_number;
        if (row.phone() == "+conflict") {
          reply->set_merged(reply->merged() + 1);
          v1::RowError* warning = reply->add_warnings();
          warning->set_row(row_number);
          warning->set_field("phone");
          warning->set_reason("belongs to another member");
        } else if (row.email().find('@') == std::string::npos) {
          reply->set_rejected(reply->rejected() + 1);
          v1::RowError* error = reply->add_errors();
          error->set_row(row_number);
          error->set_field("email");
          error->set_reason("not a valid email address");
        } else if (emails.insert(row.email()).second) {
          reply->set_created(reply->created() + 1);
        } else {
          reply->set_merged(reply->merged() + 1);
        }
      }
    }
    reply->set_rows_received(row_number);
    if (fail_imports_) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis is down");
    return grpc::Status::OK;
  }

  grpc::Status CheckEntitlement(grpc::ServerContext* context,
                                const v1::CheckEntitlementRequest* request,
                                v1::CheckEntitlementResponse* reply) override {
    Record(context, request->tenant());
    reply->set_entitled(false);
    return grpc::Status::OK;
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  std::vector<v1::ImportContactsRequest> import_messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return import_messages_;
  }
  void set_fail_imports(bool fail) { fail_imports_ = fail; }

 private:
  void Record(grpc::ServerContext* context, const std::string& tenant) {
    Seen seen;
    auto it = context->client_metadata().find("authorization");
    if (it != context->client_metadata().end()) {
      seen.authorization = std::string(it->second.data(), it->second.size());
    }
    seen.deadline_left = absl::FromChrono(context->deadline()) - absl::Now();
    seen.tenant = tenant;
    std::lock_guard<std::mutex> lock(mu_);
    seen_.push_back(seen);
  }

  // std::mutex, not absl::Mutex: Debian's abseil is not built for TSan, which then cannot see
  // absl::Mutex and reports false races.
  std::mutex mu_;
  std::vector<Seen> seen_ ABSL_GUARDED_BY(mu_);
  std::vector<v1::ImportContactsRequest> import_messages_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> fail_imports_{false};
};

struct CliRun {
  int exit_code;
  std::string out;
  std::string err;
};

class CliAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    addr_ = absl::StrCat("127.0.0.1:", port);
  }
  void TearDown() override { server_->Shutdown(); }

  CliRun Run(std::vector<std::string> args, const std::string& addr = "") {
    std::vector<std::string> all = {"dunbarctl", "--addr",   addr.empty() ? addr_ : addr,
                                    "--token",   "dbr_test", "--timeout",
                                    "5"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<const char*> argv;
    for (const std::string& arg : all) argv.push_back(arg.c_str());
    std::ostringstream out, err;
    const int code = RunCli(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
  }

  std::string WriteTempFile(const std::string& contents) {
    char pattern[] = "/tmp/dunbarctl-cli-test-XXXXXX";
    const int fd = mkstemp(pattern);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(pattern, std::ios::binary) << contents;
    temp_files_.push_back(pattern);
    return pattern;
  }
  ~CliAppTest() override {
    for (const std::string& path : temp_files_) std::remove(path.c_str());
  }

  FakeMembership fake_;
  std::unique_ptr<grpc::Server> server_;
  std::string addr_;
  std::vector<std::string> temp_files_;
};

TEST_F(CliAppTest, GetPrintsTheMemberAndSendsTokenTenantAndDeadline) {
  const CliRun run = Run({"--tenant", "acme", "members", "get", "m_1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_EQ(run.out,
            "id     m_1\n"
            "name   王小明\n"
            "stage  lead\n"
            "phone  +8613800138000\n"
            "tags   深度工作\n");
  const auto seen = fake_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].authorization, "Bearer dbr_test");
  EXPECT_EQ(seen[0].tenant, "acme");
  EXPECT_GT(seen[0].deadline_left, absl::ZeroDuration());
  // gRPC rounds the deadline it sends up, so the server may see a little more than 5 s.
  EXPECT_LE(seen[0].deadline_left, absl::Seconds(5) + absl::Milliseconds(100));
}

TEST_F(CliAppTest, JsonOutputAndGlobalFlagsAfterTheSubcommand) {
  const CliRun run = Run({"members", "get", "m_1", "--output", "json"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, StartsWith("{\n"));
  EXPECT_THAT(run.out, HasSubstr("\"name\": \"王小明\""));
  EXPECT_THAT(run.out, HasSubstr("\"stage\": \"STAGE_LEAD\""));
}

TEST_F(CliAppTest, ServerErrorPrintsCodeAndMessageAndExitsThree) {
  const CliRun run = Run({"members", "get", "m_404"});
  EXPECT_EQ(run.exit_code, kExitRpcError);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "error: NOT_FOUND: member m_404 not found\n");
}

TEST_F(CliAppTest, UnreachableServerExitsFour) {
  // A port that was free a moment ago: nothing listens there.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length), 0);
  close(fd);
  const CliRun run =
      Run({"members", "get", "m_1"}, absl::StrCat("127.0.0.1:", ntohs(address.sin_port)));
  EXPECT_EQ(run.exit_code, kExitTransport);
  EXPECT_THAT(run.err, StartsWith("error: UNAVAILABLE: "));
  EXPECT_EQ(run.err.find("terminate"), std::string::npos);
}

TEST_F(CliAppTest, UsageErrorsExitTwoWithoutCallingTheServer) {
  const CliRun bad_stage = Run({"members", "list", "--stage", "vip"});
  EXPECT_EQ(bad_stage.exit_code, kExitUsage);
  EXPECT_EQ(bad_stage.err,
            "error: INVALID_ARGUMENT: --stage: 'vip' is not one of contact, lead, member, "
            "alumni\n");
  const CliRun unknown_flag = Run({"members", "list", "--colour"});
  EXPECT_EQ(unknown_flag.exit_code, kExitUsage);
  EXPECT_THAT(unknown_flag.err, StartsWith("error: INVALID_ARGUMENT: "));
  const CliRun missing_arg = Run({"members", "get"});
  EXPECT_EQ(missing_arg.exit_code, kExitUsage);
  const CliRun no_command = Run({});
  EXPECT_EQ(no_command.exit_code, kExitUsage);
  EXPECT_TRUE(fake_.seen().empty());
}

TEST_F(CliAppTest, ListAllFollowsPageTokens) {
  const CliRun run = Run({"members", "list", "--all"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out,
            "ID   NAME    STAGE  PHONE  WECHAT  EMAIL  TAGS  SOURCE\n"
            "m_1  王小明\n"
            "m_2  Li Wei\n"
            "(2 members)\n");
  EXPECT_EQ(fake_.seen().size(), 2u);

  const CliRun one_page = Run({"members", "list"});
  EXPECT_THAT(one_page.out, HasSubstr("(1 member; more with --page-token p2 or --all)\n"));
}

TEST_F(CliAppTest, CheckEntitlementPrintsFalseExplicitlyInJson) {
  const CliRun run =
      Run({"-o", "json", "entitlements", "check", "--member", "m_1", "--program", "deep-work"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out, "{\n \"entitled\": false,\n \"orderId\": \"\"\n}\n");
}

TEST_F(CliAppTest, HealthReportsServing) {
  const CliRun run = Run({"health", "--wait", "5"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out, "SERVING\n");
}

// 1203 data rows: row 5 has a bad date (rejected locally, never sent), row 10 a bad email
// (rejected by the server), rows 1000..1203 repeat the emails of rows 1..204: merged, except the
// repeats of rows 5 and 10, whose first appearance never created anyone.
std::string BigCsv() {
  std::string csv = "\xEF\xBB\xBFName,Email,Tags,Connection_At,Birthday\n";
  for (int row = 1; row <= 1203; ++row) {
    const int person = row >= 1000 ? row - 999 : row;
    const std::string email = row == 10 ? "no-at-sign" : absl::StrCat("p", person, "@example.com");
    const std::string date = row == 5 ? "someday" : "2024-03-01";
    absl::StrAppend(&csv, "\"王, ", row, "\",", email, ",vip;读书会,", date, ",1990-01-01\n");
    if (row == 600) csv += "\n";  // a blank line is skipped, not a row
  }
  return csv;
}

TEST_F(CliAppTest, ImportStreamsChunksWithTheHeaderFirstAndNumbersErrorsByFileRow) {
  const std::string path = WriteTempFile(BigCsv());
  const CliRun run = Run({"--tenant", "acme", "import", "contacts", path, "--request-id", "imp-1"});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.err, "warning: ignoring unknown columns: Birthday\n");
  EXPECT_EQ(run.out, absl::StrCat("imported ", path,
                                  ": 1203 rows: 999 created, 202 merged, 2 rejected\n"
                                  "rejected rows:\n"
                                  "  row 5 (line 6): connection_at: 'someday' is not a date (use "
                                  "2024-03-01 or RFC 3339)\n"
                                  "  row 10 (line 11): email: not a valid email address\n"));

  const auto messages = fake_.import_messages();
  ASSERT_EQ(messages.size(), 3u);
  EXPECT_EQ(messages[0].rows_size(), 500);
  EXPECT_EQ(messages[1].rows_size(), 500);
  EXPECT_EQ(messages[2].rows_size(), 202);
  ASSERT_TRUE(messages[0].has_header());
  EXPECT_EQ(messages[0].header().tenant(), "acme");
  EXPECT_EQ(messages[0].header().request_id(), "imp-1");
  EXPECT_FALSE(messages[1].has_header());
  EXPECT_FALSE(messages[2].has_header());
  EXPECT_EQ(messages[0].rows(0).name(), "王, 1");
  EXPECT_THAT(messages[0].rows(0).tags(), ElementsAre("vip", "读书会"));
  EXPECT_EQ(messages[0].rows(4).name(), "王, 6");  // row 5 was not sent
  EXPECT_EQ(messages[2].rows(201).name(), "王, 1203");
}

TEST_F(CliAppTest, ImportJsonSummaryUsesFileRowNumbers) {
  const std::string path = WriteTempFile("name,email\nA,a@x.io\nB,broken\nA again,a@x.io\n");
  const CliRun run = Run({"-o", "json", "import", "contacts", path});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"rowsReceived\": \"3\""));
  EXPECT_THAT(run.out, HasSubstr("\"created\": \"1\""));
  EXPECT_THAT(run.out, HasSubstr("\"merged\": \"1\""));
  EXPECT_THAT(run.out, HasSubstr("\"row\": \"2\""));
  EXPECT_THAT(run.out, HasSubstr("\"reason\": \"not a valid email address\""));
}

TEST_F(CliAppTest, ImportListsMergeWarningsByFileRow) {
  const std::string path = WriteTempFile(
      "name,phone,email,connection_at\n"
      "A,,a@x.io,never\n"         // row 1: rejected locally, not sent
      "B,+conflict,b@x.io,\n"     // row 2: server row 1, merged with a warning
      "C,,c@x.io,2024-01-01\n");  // row 3
  const CliRun run = Run({"import", "contacts", path});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_EQ(run.out, absl::StrCat("imported ", path,
                                  ": 3 rows: 1 created, 1 merged, 1 rejected\n"
                                  "rejected rows:\n"
                                  "  row 1 (line 2): connection_at: 'never' is not a date (use "
                                  "2024-03-01 or RFC 3339)\n"
                                  "merged, but a handle belongs to another member:\n"
                                  "  row 2 (line 3): phone: belongs to another member\n"));
}

TEST_F(CliAppTest, ImportCountsEveryRejectionButListsAtMostAThousand) {
  std::string csv = "name,email,connection_at\n";
  for (int row = 1; row <= 1500; ++row) absl::StrAppend(&csv, "P", row, ",p", row, "@x.io,bad\n");
  const std::string path = WriteTempFile(csv);
  const CliRun run = Run({"-o", "json", "import", "contacts", path});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"rejected\": \"1500\""));
  size_t listed = 0;
  for (size_t at = run.out.find("\"reason\""); at != std::string::npos;
       at = run.out.find("\"reason\"", at + 1)) {
    ++listed;
  }
  EXPECT_EQ(listed, 1000u);
  EXPECT_TRUE(fake_.import_messages().size() == 1 && fake_.import_messages()[0].rows().empty());
}

TEST_F(CliAppTest, ImportTransportFailureExitsFour) {
  fake_.set_fail_imports(true);
  const std::string path = WriteTempFile("name,email\nA,a@x.io\n");
  const CliRun run = Run({"import", "contacts", path});
  EXPECT_EQ(run.exit_code, kExitTransport);
  EXPECT_THAT(run.err, StartsWith("error: UNAVAILABLE: redis is down\n"));
  EXPECT_THAT(run.err, HasSubstr("import stopped after sending 1 rows"));
}

TEST_F(CliAppTest, ImportOfAFileWithoutKnownColumnsIsAUsageError) {
  const std::string path = WriteTempFile("王小明,13800138000\n");
  const CliRun run = Run({"import", "contacts", path});
  EXPECT_EQ(run.exit_code, kExitUsage);
  EXPECT_THAT(run.err,
              StartsWith("error: INVALID_ARGUMENT: " + path + ": header: no known column"));
  EXPECT_TRUE(fake_.import_messages().empty());

  const CliRun missing = Run({"import", "contacts", "/nonexistent/contacts.csv"});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_EQ(missing.err,
            "error: INVALID_ARGUMENT: /nonexistent/contacts.csv: cannot open (No such file or "
            "directory)\n");
}

TEST_F(CliAppTest, TokensMintAppendsTheHashOfThePrintedToken) {
  const std::string path = WriteTempFile("");
  const CliRun run =
      Run({"tokens", "mint", "--tenant", "acme", "--role", "operator", "--tokens-file", path});
  EXPECT_EQ(run.exit_code, kExitOk) << run.err;
  ASSERT_THAT(run.out, StartsWith("dbr_"));
  const std::string token = run.out.substr(0, run.out.size() - 1);
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  EXPECT_EQ(contents.str(), auth::Sha256Hex(token) + " operator acme\n");
  EXPECT_TRUE(fake_.seen().empty());  // offline

  const CliRun bad_role = Run({"tokens", "mint", "--tenant", "acme", "--role", "root"});
  EXPECT_EQ(bad_role.exit_code, kExitUsage);
}

}  // namespace
}  // namespace dunbar::dunbarctl
