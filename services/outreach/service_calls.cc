#include "services/outreach/service_calls.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "common/log/json_log.h"
#include "common/status/grpc_status.h"

namespace dunbar::outreach {

ServiceCaller::ServiceCaller(ServiceCallOptions options) : options_(std::move(options)) {}

grpc::Status ServiceCaller::CallRaw(absl::Time deadline, const Attempt& attempt) const {
  absl::Duration backoff = options_.backoff;
  const int attempts = std::max(1, options_.attempts);
  grpc::Status status;
  for (int i = 1;; ++i) {
    const absl::Duration remaining = deadline - absl::Now();
    if (remaining <= absl::ZeroDuration()) {
      return grpc::Status(
          grpc::StatusCode::DEADLINE_EXCEEDED,
          absl::StrCat("the deadline passed before ", options_.service, " could be asked"));
    }
    std::unique_ptr<grpc::ClientContext> context =
        client::NewCallContext(std::min(options_.timeout, remaining), options_.token);
    status = attempt(context.get());
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || i >= attempts) return status;
    // Not worth sleeping past the caller's deadline: the next attempt could not run anyway.
    if (deadline - absl::Now() <= backoff) return status;
    absl::SleepFor(backoff);
    backoff *= 2;
  }
}

absl::Status ServiceCaller::Call(absl::Time deadline, const Attempt& attempt) const {
  const grpc::Status status = CallRaw(deadline, attempt);
  if (status.ok()) return absl::OkStatus();
  // The caller's own deadline ran out (not the other service's slowness within its timeout).
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED && absl::Now() >= deadline) {
    return absl::DeadlineExceededError(
        absl::StrCat("the deadline passed while waiting for ", options_.service));
  }
  return MapError(status);
}

absl::Status ServiceCaller::MapError(const grpc::Status& status) const {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return absl::OkStatus();
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError(absl::StrCat(options_.service, " is unavailable"));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(absl::StrCat(options_.service, " did not answer in time"));
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNIMPLEMENTED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::DATA_LOSS:
      // Our token or deployment is wrong, or the other service broke: the operator's log needs
      // the detail, outreach's caller does not.
      log::Error("outreach.service_call_failed", {{"service", options_.service},
                                                  {"code", GrpcCodeName(status.error_code())},
                                                  {"message", status.error_message()}});
      return absl::InternalError(absl::StrCat("call to ", options_.service, " failed"));
    default:
      // Caller-facing codes (NOT_FOUND, FAILED_PRECONDITION, ...): their messages name the
      // other service's field or object, which is what the operator needs to see.
      return FromGrpcStatus(grpc::Status(
          status.error_code(), absl::StrCat(options_.service, ": ", status.error_message())));
  }
}

}  // namespace dunbar::outreach
