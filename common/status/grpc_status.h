// Mapping between absl::Status (domain) and grpc::Status (wire). Codes map one to one; messages
// pass through (domain messages name fields/objects and never carry Redis internals).
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace dunbar {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace dunbar
