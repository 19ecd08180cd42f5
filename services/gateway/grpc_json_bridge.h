// The generic HTTP/JSON -> gRPC step behind every /v1 route: builds the route's request message
// from its descriptor (JSON body, then query parameters, then path parameters, then the
// Idempotency-Key header into an empty request_id), calls the backend with the caller's
// Authorization header passed through unchanged, and answers the response message as protobuf
// JSON (lowerCamel names, enums by name, defaults printed) or the error document (http_status.h).
//
//   GrpcJsonBridge bridge(backends, absl::Seconds(5));
//   ApiReply reply = bridge.Handle(ApiRequest{.route = match.route, .params = match.params,
//                                             .body = req.body, .query = &req.params,
//                                             .authorization = "Bearer ...",
//                                             .idempotency_key = ""});
//
// Nothing here knows a message type: adding a route is one line in route_table.cc.
#pragma once

#include <google/protobuf/message.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/gateway/backends.h"
#include "services/gateway/router.h"

namespace dunbar::gateway {

struct ApiRequest {
  const Route* route = nullptr;
  PathParams params;
  absl::string_view body;
  const std::multimap<std::string, std::string>* query = nullptr;  // may be null
  std::string authorization;    // the Authorization header as received ("" = none)
  std::string idempotency_key;  // the Idempotency-Key header ("" = none)
};

struct ApiReply {
  int http_status = 200;
  std::string body;  // JSON
};

class GrpcJsonBridge {
 public:
  // `backends` must outlive the bridge. `timeout`: each backend call's deadline.
  GrpcJsonBridge(const Backends& backends, absl::Duration timeout);

  // INVALID_ARGUMENT naming the route if a route's method is unknown, server streaming, or its
  // service has no backend. (That path parameters name request fields is proven per route by
  // tests/gateway/routes_integration_test.cc.)
  absl::Status CheckRoutes(const std::vector<Route>& routes) const;

  ApiReply Handle(const ApiRequest& request) const;

 private:
  // The request message of `method` for `request`. INVALID_ARGUMENT with a message for the
  // client ("body: invalid JSON: ...", "query parameter \"x\": ...").
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
      const google::protobuf::MethodDescriptor& method, const ApiRequest& request) const;

  const Backends& backends_;
  absl::Duration timeout_;
};

// Parses a JSON object into `message` (protobuf JSON mapping, unknown fields rejected). Errors are
// INVALID_ARGUMENT starting with "body: " ("body: invalid JSON: ...", "body: unknown field \"x\"").
absl::Status ParseJsonBody(absl::string_view body, google::protobuf::Message& message);

// protobuf JSON of `message` with lowerCamel names and default values printed.
std::string MessageToJson(const google::protobuf::Message& message);

}  // namespace dunbar::gateway
