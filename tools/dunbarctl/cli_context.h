// What every dunbarctl command shares: the global flags, the output streams and mode, the lazily
// made channels and stubs (membership at --addr, cohort at --cohort-addr, outreach at
// --outreach-addr), and the helpers that
// turn a response or an error into output and an exit code (see exit_codes.h).
//
//   GetMemberRequest request;
//   request.set_tenant(ctx.options().tenant);
//   Member member;
//   auto call = ctx.NewCall();                       // deadline from --timeout, bearer --token
//   grpc::Status status = ctx.membership().GetMember(call.get(), request, &member);
//   if (!status.ok()) return ctx.Fail(status);       // "error: NOT_FOUND: ..." -> exit 3
//   return ctx.Emit(member, [&](std::ostream& out) { PrintMemberDetail(member, out); });
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "dunbar/outreach/v1/outreach.grpc.pb.h"
#include "google/protobuf/message.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dunbar::dunbarctl {

enum class OutputMode { kTable, kJson };

struct GlobalOptions {
  std::string addr = "127.0.0.1:50051";           // --addr, env DUNBAR_ADDR (membership)
  std::string cohort_addr = "127.0.0.1:50052";    // --cohort-addr, env DUNBAR_COHORT_ADDR
  std::string outreach_addr = "127.0.0.1:50053";  // --outreach-addr, env DUNBAR_OUTREACH_ADDR
  std::string token;                              // --token, env DUNBAR_TOKEN
  std::string tenant;                             // --tenant: needed with service tokens
  OutputMode output = OutputMode::kTable;
  double timeout_seconds = 10;  // --timeout: deadline of each unary call
};

// A request id for a mutation when the operator gave none: unique, so a plain re-run is a new
// request. Pass --request-id to make a retry idempotent.
std::string NewRequestId();

class CliContext {
 public:
  CliContext(std::ostream& out, std::ostream& err);

  GlobalOptions& options() { return options_; }
  const GlobalOptions& options() const { return options_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Made on first use from options().addr, shared by all calls of this run.
  membership::v1::MembershipService::StubInterface& membership();
  grpc::health::v1::Health::StubInterface& health();
  // Made on first use from options().cohort_addr (its own channel: another service).
  cohort::v1::CohortService::StubInterface& cohort();
  // Made on first use from options().outreach_addr.
  outreach::v1::OutreachService::StubInterface& outreach();

  // A call context with the --timeout deadline (or `timeout`) and the bearer token.
  std::unique_ptr<grpc::ClientContext> NewCall() const;
  std::unique_ptr<grpc::ClientContext> NewCall(absl::Duration timeout) const;

  // Prints the error line for a failed RPC (plus a hint for a missing token) and returns the exit
  // code for it.
  int Fail(const grpc::Status& status);
  // Prints "error: INVALID_ARGUMENT: <message>" (or the status's code) and returns kExitUsage.
  int UsageError(const absl::Status& status);
  int UsageError(absl::string_view message);

  // --output json: prints `message` as JSON; table mode: calls `render_table`.
  int Emit(const google::protobuf::Message& message,
           const std::function<void(std::ostream&)>& render_table);

 private:
  std::shared_ptr<grpc::Channel> channel();

  std::ostream& out_;
  std::ostream& err_;
  GlobalOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::shared_ptr<grpc::Channel> cohort_channel_;
  std::shared_ptr<grpc::Channel> outreach_channel_;
  std::unique_ptr<membership::v1::MembershipService::StubInterface> membership_;
  std::unique_ptr<grpc::health::v1::Health::StubInterface> health_;
  std::unique_ptr<cohort::v1::CohortService::StubInterface> cohort_;
  std::unique_ptr<outreach::v1::OutreachService::StubInterface> outreach_;
};

}  // namespace dunbar::dunbarctl
