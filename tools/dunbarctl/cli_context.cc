#include "tools/dunbarctl/cli_context.h"

#include "common/client/grpc_client.h"
#include "common/ids/id_generator.h"
#include "tools/dunbarctl/exit_codes.h"
#include "tools/dunbarctl/json_output.h"

namespace dunbar::dunbarctl {

std::string NewRequestId() { return ids::NewId("cli_"); }

CliContext::CliContext(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

std::shared_ptr<grpc::Channel> CliContext::channel() {
  if (channel_ == nullptr) channel_ = client::MakeChannel(options_.addr);
  return channel_;
}

membership::v1::MembershipService::StubInterface& CliContext::membership() {
  if (membership_ == nullptr) membership_ = membership::v1::MembershipService::NewStub(channel());
  return *membership_;
}

grpc::health::v1::Health::StubInterface& CliContext::health() {
  if (health_ == nullptr) health_ = grpc::health::v1::Health::NewStub(channel());
  return *health_;
}

cohort::v1::CohortService::StubInterface& CliContext::cohort() {
  if (cohort_ == nullptr) {
    if (cohort_channel_ == nullptr) cohort_channel_ = client::MakeChannel(options_.cohort_addr);
    cohort_ = cohort::v1::CohortService::NewStub(cohort_channel_);
  }
  return *cohort_;
}

outreach::v1::OutreachService::StubInterface& CliContext::outreach() {
  if (outreach_ == nullptr) {
    if (outreach_channel_ == nullptr) {
      outreach_channel_ = client::MakeChannel(options_.outreach_addr);
    }
    outreach_ = outreach::v1::OutreachService::NewStub(outreach_channel_);
  }
  return *outreach_;
}

std::unique_ptr<grpc::ClientContext> CliContext::NewCall() const {
  return NewCall(absl::Seconds(options_.timeout_seconds));
}

std::unique_ptr<grpc::ClientContext> CliContext::NewCall(absl::Duration timeout) const {
  return client::NewCallContext(timeout, options_.token);
}

int CliContext::Fail(const grpc::Status& status) {
  err_ << FormatError(status) << '\n';
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED && options_.token.empty()) {
    err_ << "hint: pass --token or set DUNBAR_TOKEN (mint one with `dunbarctl tokens mint`)\n";
  }
  return ExitCodeForRpc(status);
}

int CliContext::UsageError(const absl::Status& status) {
  err_ << FormatError(status) << '\n';
  return kExitUsage;
}

int CliContext::UsageError(absl::string_view message) {
  return UsageError(absl::InvalidArgumentError(std::string(message)));
}

int CliContext::Emit(const google::protobuf::Message& message,
                     const std::function<void(std::ostream&)>& render_table) {
  if (options_.output == OutputMode::kJson) {
    absl::StatusOr<std::string> json = ToJson(message);
    if (!json.ok()) {
      err_ << FormatError(json.status()) << '\n';
      return 1;
    }
    out_ << *json;
  } else {
    render_table(out_);
  }
  out_.flush();
  return kExitOk;
}

}  // namespace dunbar::dunbarctl
