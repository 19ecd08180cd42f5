// Calls from outreach to membership and cohort: every attempt carries the service token and a
// deadline of min(per-call timeout, the caller's remaining time); an attempt that answered
// UNAVAILABLE is retried with a doubling backoff, up to `attempts`. Only idempotent calls go
// through here (reads, and mutations carrying a deterministic request id), which is what makes
// the retry safe. Answers are mapped to absl::Status naming the service, never leaking its
// internals: down or too slow -> UNAVAILABLE; our own misconfiguration (token) -> INTERNAL.
//
//   ServiceCaller membership({"membership", token, absl::Seconds(2), 3, absl::Milliseconds(50)});
//   mv1::GetMemberResponse reply;
//   DUNBAR_RETURN_IF_ERROR(membership.Call(deadline, [&](grpc::ClientContext* context) {
//     return stub->GetMember(context, request, &reply);
//   }));
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace dunbar::outreach {

struct ServiceCallOptions {
  std::string service;  // "membership", "cohort": names the service in error messages
  std::string token;    // the service token (role "service")
  absl::Duration timeout = absl::Seconds(2);
  int attempts = 3;  // 1 = no retry
  absl::Duration backoff = absl::Milliseconds(50);
};

class ServiceCaller {
 public:
  using Attempt = std::function<grpc::Status(grpc::ClientContext* context)>;

  explicit ServiceCaller(ServiceCallOptions options);

  // `deadline` is a wall-clock instant (absl::Now() based), the caller's.
  absl::Status Call(absl::Time deadline, const Attempt& attempt) const;

  // The raw gRPC answer after the retries (for callers that tell codes apart themselves).
  grpc::Status CallRaw(absl::Time deadline, const Attempt& attempt) const;

  // The absl::Status a caller of outreach sees for `status` from this service.
  absl::Status MapError(const grpc::Status& status) const;

  const std::string& service() const { return options_.service; }

 private:
  ServiceCallOptions options_;
};

}  // namespace dunbar::outreach
