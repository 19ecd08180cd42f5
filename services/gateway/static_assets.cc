#include "services/gateway/static_assets.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway_lib_web_assets.h"

namespace dunbar::gateway {
namespace {

// "index.html" for "/", the path without its leading '/' otherwise; "" if unsafe.
std::string RelativePath(absl::string_view path) {
  if (path.empty() || path.front() != '/') return "";
  path.remove_prefix(1);
  if (path.empty()) return "index.html";
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment.front() == '.' ||
        segment.find('\\') != absl::string_view::npos) {
      return "";
    }
  }
  return std::string(path);
}

}  // namespace

StaticAssets StaticAssets::Embedded() {
  StaticAssets assets;
  for (const auto& [name, bytes] : web::WebAssets())
    assets.embedded_.emplace(std::string(name), absl::string_view(bytes.data(), bytes.size()));
  return assets;
}

StaticAssets StaticAssets::FromDirectory(std::string root) {
  StaticAssets assets;
  assets.root_ = std::move(root);
  return assets;
}

std::optional<StaticFile> StaticAssets::Find(absl::string_view path) const {
  const std::string relative = RelativePath(path);
  if (relative.empty()) return std::nullopt;
  if (!root_.empty()) {
    const std::string file = absl::StrCat(root_, "/", relative);
    std::error_code error;
    if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream content;
    content << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return StaticFile{content.str(), ContentTypeFor(relative)};
  }
  auto it = embedded_.find(relative);
  if (it == embedded_.end()) return std::nullopt;
  return StaticFile{std::string(it->second), ContentTypeFor(relative)};
}

std::string StaticAssets::ContentTypeFor(absl::string_view path) {
  static const std::vector<std::pair<absl::string_view, absl::string_view>> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".woff", "font/woff"},
      {".txt", "text/plain; charset=utf-8"},
      {".csv", "text/csv; charset=utf-8"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (absl::EndsWithIgnoreCase(path, extension)) return std::string(type);
  }
  return "application/octet-stream";
}

}  // namespace dunbar::gateway
