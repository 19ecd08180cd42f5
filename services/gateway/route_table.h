// The gateway's HTTP API: every /v1 route, the gRPC method it calls and how its path parameters
// bind to request fields. The contract with the dashboard; services/gateway/openapi.json documents
// the same routes (a test keeps the two in sync).
//
//   Router router = *Router::Create(ApiRoutes());
#pragma once

#include <vector>

#include "services/gateway/router.h"

namespace dunbar::gateway {

// The route table (without the gateway's own routes: webhook, health, metrics, files).
std::vector<Route> ApiRoutes();

// The gateway's own routes (method, path), documented in openapi.json too: the payment webhook,
// /healthz, /readyz, /metrics, /openapi.json and the dashboard at /.
std::vector<std::pair<std::string, std::string>> GatewayOwnRoutes();

// Full service names the routes call, e.g. "dunbar.cohort.v1.CohortService". Also makes sure the
// generated descriptors of those services are linked in (the bridge finds them by name only).
std::vector<std::string> BackendServiceNames();

}  // namespace dunbar::gateway
