#include "services/gateway/router.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dunbar::gateway {

const std::string& Route::FieldFor(const std::string& param) const {
  auto it = field_for_param.find(param);
  return it == field_for_param.end() ? param : it->second;
}

absl::StatusOr<Router::CompiledPattern> Router::Compile(const std::string& pattern) {
  if (pattern.size() < 2 || pattern[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("route \"", pattern, "\": must start with /"));
  }
  CompiledPattern compiled;
  std::vector<std::string> parts = absl::StrSplit(pattern.substr(1), '/');
  std::set<std::string> names;
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    if (i + 1 == parts.size()) {
      // The verb follows the last ':' outside braces.
      const size_t close = part.rfind('}');
      const size_t colon = part.find(':', close == std::string::npos ? 0 : close);
      if (colon != std::string::npos) {
        compiled.verb = part.substr(colon + 1);
        part = part.substr(0, colon);
        if (compiled.verb.empty()) {
          return absl::InvalidArgumentError(absl::StrCat("route \"", pattern, "\": empty verb"));
        }
      }
    }
    if (part.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("route \"", pattern, "\": empty segment"));
    }
    Segment segment;
    if (part.front() == '{') {
      if (part.back() != '}' || part.size() < 3) {
        return absl::InvalidArgumentError(
            absl::StrCat("route \"", pattern, "\": bad parameter segment \"", part, "\""));
      }
      segment.is_param = true;
      segment.text = part.substr(1, part.size() - 2);
      if (!names.insert(segment.text).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("route \"", pattern, "\": parameter ", segment.text, " twice"));
      }
    } else if (part.find_first_of("{}:") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("route \"", pattern, "\": bad literal segment \"", part, "\""));
    } else {
      segment.text = part;
    }
    compiled.segments.push_back(std::move(segment));
  }
  return compiled;
}

absl::StatusOr<Router> Router::Create(std::vector<Route> routes) {
  Router router;
  std::set<std::pair<std::string, std::string>> seen;
  for (const Route& route : routes) {
    absl::StatusOr<CompiledPattern> compiled = Compile(route.pattern);
    if (!compiled.ok()) return compiled.status();
    if (!seen.insert({route.method, route.pattern}).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("route ", route.method, " ", route.pattern, ": listed twice"));
    }
    router.compiled_.push_back(*std::move(compiled));
  }
  router.routes_ = std::move(routes);
  return router;
}

bool Router::MatchPath(const CompiledPattern& pattern, const std::vector<absl::string_view>& parts,
                       PathParams* params) {
  if (parts.size() != pattern.segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    absl::string_view part = parts[i];
    const bool last = i + 1 == parts.size();
    if (last && !pattern.verb.empty()) {
      const std::string suffix = absl::StrCat(":", pattern.verb);
      if (part.size() <= suffix.size() || part.substr(part.size() - suffix.size()) != suffix) {
        return false;
      }
      part.remove_suffix(suffix.size());
    }
    const Segment& segment = pattern.segments[i];
    if (segment.is_param) {
      if (part.empty() || part.find(':') != absl::string_view::npos) return false;
      params->emplace_back(segment.text, std::string(part));
    } else if (part != segment.text) {
      return false;
    }
  }
  return true;
}

RouteMatch Router::Match(absl::string_view method, absl::string_view path) const {
  RouteMatch match;
  if (path.empty() || path.front() != '/') return match;
  const std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  PathParams params;
  for (size_t i = 0; i < routes_.size(); ++i) {
    if (!MatchPath(compiled_[i], parts, &params)) continue;
    if (routes_[i].method == method) {
      match.kind = RouteMatch::kFound;
      match.route = &routes_[i];
      match.params = std::move(params);
      match.allowed_methods.clear();
      return match;
    }
    match.kind = RouteMatch::kMethodNotAllowed;
    match.allowed_methods.push_back(routes_[i].method);
  }
  return match;
}

}  // namespace dunbar::gateway
