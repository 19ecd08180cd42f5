// Mapping between absl::Status (domain) and grpc::Status (wire). Codes map one to one; messages
// pass through (domain messages name fields/objects and never carry Redis internals).
#pragma once

#include <grpcpp/support/status.h>

#include <string>

#include "absl/status/status.h"

namespace dunbar {

// The canonical name of a gRPC code ("NOT_FOUND"), for logs, CLI errors and reports.
std::string GrpcCodeName(grpc::StatusCode code);

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace dunbar
