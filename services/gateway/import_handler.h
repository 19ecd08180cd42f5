// ImportContacts is client streaming (membership.proto): the CLI streams 500-row messages and ends
// with end_of_import=true. Over HTTP the dashboard posts one JSON body per chunk ({header?,
// rows:[...]}), which the gateway sends as a stream of exactly ONE message marked end_of_import, so
// each HTTP call is one complete import (membership merges repeated rows, so chunks are safe to
// retry).
//
//   PrepareSingleMessageStream(request, "idem-key");   // end_of_import=true, header.request_id
//   grpc::Status s = CallClientStreamingOnce(stub, context, "/pkg.Svc/M", request, response);
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/gateway/backends.h"

namespace dunbar::gateway {

// For an ImportContactsRequest: sets end_of_import and, when the header has no request_id, puts
// the Idempotency-Key there. Other client-streaming request types are UNIMPLEMENTED.
absl::Status PrepareSingleMessageStream(google::protobuf::Message& request,
                                        absl::string_view idempotency_key);

// Opens a client-streaming call of `method_path` ("/pkg.Service/Method"), writes `request` as its
// only message, half-closes and reads the single response.
grpc::Status CallClientStreamingOnce(MessageGenericStub& stub, grpc::ClientContext& context,
                                     const std::string& method_path,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message& response);

}  // namespace dunbar::gateway
