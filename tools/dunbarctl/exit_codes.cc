#include "tools/dunbarctl/exit_codes.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"

namespace dunbar::dunbarctl {

std::string StatusCodeName(grpc::StatusCode code) { return GrpcCodeName(code); }

std::string FormatError(grpc::StatusCode code, absl::string_view message) {
  if (message.empty()) return absl::StrCat("error: ", StatusCodeName(code));
  return absl::StrCat("error: ", StatusCodeName(code), ": ", message);
}

std::string FormatError(const grpc::Status& status) {
  return FormatError(status.error_code(), status.error_message());
}

std::string FormatError(const absl::Status& status) {
  // absl and gRPC share the canonical code numbers.
  return FormatError(static_cast<grpc::StatusCode>(status.code()), status.message());
}

int ExitCodeForRpc(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitTransport;
    default:
      return kExitRpcError;
  }
}

}  // namespace dunbar::dunbarctl
