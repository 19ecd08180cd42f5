// gRPC status codes -> HTTP statuses, and the JSON error body every gateway error uses:
//   {"error":{"code":404,"status":"NOT_FOUND","message":"member m1: not found"}}
//
//   HttpStatusFor(grpc::StatusCode::FAILED_PRECONDITION) == 409
//   ErrorJson(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such member"))  // (404, body)
#pragma once

#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace dunbar::gateway {

// INVALID_ARGUMENT 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
// ALREADY_EXISTS / FAILED_PRECONDITION / ABORTED 409, RESOURCE_EXHAUSTED 429, CANCELLED 499,
// UNAVAILABLE 503, DEADLINE_EXCEEDED 504, anything else (OUT_OF_RANGE, INTERNAL, ...) 500; OK 200.
int HttpStatusFor(grpc::StatusCode code);

struct HttpError {
  int http_status = 500;
  std::string body;  // the JSON error document
};

// The error document for `code` and `message` with an explicit HTTP status (gateway-made errors
// such as 405 and 413, which have no gRPC code of their own).
HttpError MakeHttpError(int http_status, grpc::StatusCode code, absl::string_view message);
// The error document for a backend's status (HTTP status from HttpStatusFor).
HttpError MakeHttpError(const grpc::Status& status);

}  // namespace dunbar::gateway
