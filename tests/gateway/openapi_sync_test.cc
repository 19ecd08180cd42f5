// services/gateway/openapi.json (embedded, served at /openapi.json) documents exactly the routes
// the gateway serves: every route of the table and the gateway's own routes, with the RPC name as
// operationId and every path parameter declared; nothing else.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "gateway_lib_docs_assets.h"
#include "services/gateway/route_table.h"

namespace dunbar::gateway {
namespace {

nlohmann::json LoadOpenApi() {
  for (const auto& [name, bytes] : docs::GatewayDocs()) {
    if (name == "openapi.json") return nlohmann::json::parse(bytes);
  }
  ADD_FAILURE() << "openapi.json is not embedded";
  return nlohmann::json::object();
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(OpenApiSyncTest, DocumentsExactlyTheServedRoutes) {
  const nlohmann::json doc = LoadOpenApi();
  ASSERT_TRUE(doc.contains("paths"));
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  std::set<std::string> documented;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      documented.insert(method + " " + path);
      EXPECT_TRUE(operation.contains("operationId")) << method << " " << path;
      EXPECT_TRUE(operation.contains("summary")) << method << " " << path;
    }
  }
  std::set<std::string> served;
  for (const Route& route : ApiRoutes()) {
    const std::string key = Lower(route.method) + " " + route.pattern;
    served.insert(key);
    EXPECT_TRUE(documented.count(key)) << "missing from openapi.json: " << key;
    if (!documented.count(key)) continue;
    const nlohmann::json& op = doc["paths"][route.pattern][Lower(route.method)];
    EXPECT_EQ(route.rpc.substr(route.rpc.rfind('.') + 1), op["operationId"]) << key;
    // Every {param} of the pattern is a declared path parameter.
    std::set<std::string> declared;
    for (const auto& p : op.value("parameters", nlohmann::json::array())) {
      if (p["in"] == "path") declared.insert(p["name"]);
    }
    std::set<std::string> in_pattern;
    const std::regex param(R"(\{(\w+)\})");
    for (std::sregex_iterator it(route.pattern.begin(), route.pattern.end(), param), end; it != end;
         ++it) {
      in_pattern.insert((*it)[1]);
    }
    EXPECT_EQ(declared, in_pattern) << key;
  }
  for (const auto& [method, path] : GatewayOwnRoutes()) {
    const std::string key = Lower(method) + " " + path;
    served.insert(key);
    EXPECT_TRUE(documented.count(key)) << "missing from openapi.json: " << key;
  }
  for (const std::string& key : documented) {
    EXPECT_TRUE(served.count(key)) << "openapi.json documents a route the gateway lacks: " << key;
  }
}

}  // namespace
}  // namespace dunbar::gateway
