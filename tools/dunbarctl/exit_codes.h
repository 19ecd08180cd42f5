// dunbarctl's exit codes and the one error line it prints, so scripts can tell a typo from a
// refused request from a server that is down:
//
//   0  success
//   2  usage or input error (bad flag, unreadable or malformed file)      error: INVALID_ARGUMENT:
//   ... 3  the server answered with an error (NOT_FOUND, PERMISSION_DENIED...) error: NOT_FOUND:
//   ... 4  transport: server unreachable or no answer in time                  error: UNAVAILABLE:
//   ...
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dunbar::dunbarctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRpcError = 3;
inline constexpr int kExitTransport = 4;

// "NOT_FOUND", "UNAVAILABLE", ... (the canonical names).
std::string StatusCodeName(grpc::StatusCode code);

// "error: <CODE>: <message>" (without a trailing newline); "error: <CODE>" if no message.
std::string FormatError(grpc::StatusCode code, absl::string_view message);
std::string FormatError(const grpc::Status& status);
std::string FormatError(const absl::Status& status);

// UNAVAILABLE and DEADLINE_EXCEEDED (nothing came back) -> kExitTransport; every other error the
// server returned -> kExitRpcError; OK -> kExitOk.
int ExitCodeForRpc(const grpc::Status& status);

}  // namespace dunbar::dunbarctl
