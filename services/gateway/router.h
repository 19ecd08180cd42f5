// Matches an HTTP method and path against a declarative route table (route_table.h).
//
// A pattern is a path of literal and `{param}` segments with an optional `:verb` suffix on the
// last one, as in Google's API design guide: "/v1/programs/{program_id}:archive". A `{param}`
// matches one non-empty segment; without a verb in the pattern it may not contain ':' (so
// "/v1/members/x:rank" is never GetMember of "x:rank").
//
//   absl::StatusOr<Router> router = Router::Create(ApiRoutes());
//   RouteMatch m = router->Match("POST", "/v1/programs/p1:archive");
//   // m.kind == RouteMatch::kFound, m.route->rpc == "...CohortService.ArchiveProgram",
//   // m.params == {{"program_id", "p1"}}
//   router->Match("DELETE", "/v1/programs/p1:archive").kind == RouteMatch::kMethodNotAllowed
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dunbar::gateway {

struct Route {
  std::string method;   // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string pattern;  // "/v1/programs/{program_id}:archive"
  std::string rpc;      // full method name: "dunbar.cohort.v1.CohortService.ArchiveProgram"
  // Path parameter -> request field path ("program_id" -> "program.id"), when not the same name.
  std::map<std::string, std::string> field_for_param;

  // The request field a path parameter fills.
  const std::string& FieldFor(const std::string& param) const;
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteMatch {
  enum Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = kNotFound;
  const Route* route = nullptr;              // kFound
  PathParams params;                         // kFound, in pattern order
  std::vector<std::string> allowed_methods;  // kMethodNotAllowed: methods the path has
};

class Router {
 public:
  // INVALID_ARGUMENT naming the pattern if one is malformed or a method+pattern is listed twice.
  static absl::StatusOr<Router> Create(std::vector<Route> routes);

  RouteMatch Match(absl::string_view method, absl::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    bool is_param = false;
    std::string text;  // literal text or parameter name
  };
  struct CompiledPattern {
    std::vector<Segment> segments;
    std::string verb;  // "" = none
  };
  static absl::StatusOr<CompiledPattern> Compile(const std::string& pattern);
  static bool MatchPath(const CompiledPattern& pattern, const std::vector<absl::string_view>& parts,
                        PathParams* params);

  std::vector<Route> routes_;
  std::vector<CompiledPattern> compiled_;  // parallel to routes_
};

}  // namespace dunbar::gateway
