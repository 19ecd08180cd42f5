#include "services/gateway/http_status.h"

#include <nlohmann/json.hpp>

#include "common/status/grpc_status.h"

namespace dunbar::gateway {

int HttpStatusFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::INVALID_ARGUMENT:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::CANCELLED:
      return 499;  // nginx's "client closed request"
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

HttpError MakeHttpError(int http_status, grpc::StatusCode code, absl::string_view message) {
  nlohmann::ordered_json body = {
      {"error",
       {{"code", http_status}, {"status", GrpcCodeName(code)}, {"message", std::string(message)}}}};
  // Replace, don't throw, on invalid UTF-8 in a backend's message.
  return HttpError{http_status,
                   body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace)};
}

HttpError MakeHttpError(const grpc::Status& status) {
  return MakeHttpError(HttpStatusFor(status.error_code()), status.error_code(),
                       status.error_message());
}

}  // namespace dunbar::gateway
