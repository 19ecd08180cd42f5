// Error lines, exit codes, JSON output and the progress line.
#include <gtest/gtest.h>

#include <sstream>

#include "dunbar/membership/v1/membership.pb.h"
#include "tools/dunbarctl/exit_codes.h"
#include "tools/dunbarctl/json_output.h"
#include "tools/dunbarctl/progress_bar.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;

TEST(ExitCodesTest, FormatsErrorLines) {
  EXPECT_EQ(FormatError(grpc::Status(grpc::StatusCode::NOT_FOUND, "member m_1 not found")),
            "error: NOT_FOUND: member m_1 not found");
  EXPECT_EQ(FormatError(grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "")),
            "error: PERMISSION_DENIED");
  EXPECT_EQ(FormatError(absl::InvalidArgumentError("--stage: 'x' is not one of ...")),
            "error: INVALID_ARGUMENT: --stage: 'x' is not one of ...");
  EXPECT_EQ(StatusCodeName(grpc::StatusCode::UNAUTHENTICATED), "UNAUTHENTICATED");
}

TEST(ExitCodesTest, TransportFailuresAreDistinctFromServerErrors) {
  EXPECT_EQ(ExitCodeForRpc(grpc::Status::OK), kExitOk);
  EXPECT_EQ(ExitCodeForRpc(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")), kExitTransport);
  EXPECT_EQ(ExitCodeForRpc(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")),
            kExitTransport);
  EXPECT_EQ(ExitCodeForRpc(grpc::Status(grpc::StatusCode::NOT_FOUND, "x")), kExitRpcError);
  EXPECT_EQ(ExitCodeForRpc(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "x")), kExitRpcError);
  EXPECT_EQ(kExitUsage, 2);
  EXPECT_EQ(kExitRpcError, 3);
  EXPECT_EQ(kExitTransport, 4);
}

TEST(JsonOutputTest, CanonicalNamesKeepUtf8AndPrintZeroValues) {
  v1::Member member;
  member.set_id("m_1");
  member.set_name("王小明");
  member.set_stage(v1::STAGE_LEAD);
  member.add_tags("深度工作");
  absl::StatusOr<std::string> json = ToJson(member);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find("\"name\": \"王小明\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"stage\": \"STAGE_LEAD\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"wechatId\": \"\""), std::string::npos) << *json;
  EXPECT_NE(json->find("\"tags\": [\n  \"深度工作\"\n ]"), std::string::npos) << *json;
  EXPECT_EQ(json->back(), '\n');

  v1::CheckEntitlementResponse not_entitled;
  EXPECT_EQ(*ToJson(not_entitled), "{\n \"entitled\": false,\n \"orderId\": \"\"\n}\n");
}

TEST(ProgressLineTest, RendersBarPercentAndRows) {
  EXPECT_EQ(RenderProgressLine(50, 100, 1234, 10), "[#####-----]   50%  1,234 rows");
  EXPECT_EQ(RenderProgressLine(0, 100, 0, 4), "[----]    0%  0 rows");
  EXPECT_EQ(RenderProgressLine(100, 100, 1, 4), "[####]  100%  1 row");
  EXPECT_EQ(RenderProgressLine(150, 100, 7, 4), "[####]  100%  7 rows");  // clamped
  EXPECT_EQ(RenderProgressLine(10, 0, 1000000, 4), "1,000,000 rows");     // size unknown (stdin)
}

TEST(ProgressBarTest, DrawsOnlyWhenEnabledAndErasesAtFinish) {
  std::ostringstream disabled_out;
  {
    ProgressBar bar(disabled_out, 100, /*enabled=*/false);
    bar.Update(100, 3);
  }
  EXPECT_EQ(disabled_out.str(), "");

  std::ostringstream out;
  ProgressBar bar(out, 100, /*enabled=*/true);
  bar.Update(100, 3);  // complete: drawn even within the redraw interval
  const std::string line = RenderProgressLine(100, 100, 3);
  EXPECT_EQ(out.str(), "\r" + line);
  bar.Finish();
  EXPECT_EQ(out.str(), "\r" + line + "\r" + std::string(line.size(), ' ') + "\r");
}

}  // namespace
}  // namespace dunbar::dunbarctl
