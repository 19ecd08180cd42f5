// The dashboard's files, served at / and /<file>: embedded in the binary from
// services/gateway/web/ at build time, or read from --web-root for UI development (edit, reload).
// Every answer has its content type and `Cache-Control: no-cache` (the browser revalidates, so a
// new gateway version is picked up at once).
//
//   StaticAssets assets = StaticAssets::Embedded();          // or StaticAssets::FromDirectory(dir)
//   std::optional<StaticFile> f = assets.Find("/");           // index.html
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace dunbar::gateway {

struct StaticFile {
  std::string content;
  std::string content_type;
};

class StaticAssets {
 public:
  // The files embedded from services/gateway/web/ (none if the folder was empty).
  static StaticAssets Embedded();
  // Files read from `root` at each request.
  static StaticAssets FromDirectory(std::string root);

  // `path` is the URL path ("/" -> "/index.html"). Empty for unknown files and for paths with
  // "..", "//" or a hidden segment.
  std::optional<StaticFile> Find(absl::string_view path) const;

  // "text/html; charset=utf-8" for .html, "text/javascript; charset=utf-8" for .js, ...;
  // "application/octet-stream" for unknown extensions.
  static std::string ContentTypeFor(absl::string_view path);

 private:
  std::map<std::string, absl::string_view, std::less<>> embedded_;  // "index.html" -> bytes
  std::string root_;                                                // non-empty: serve from disk
};

}  // namespace dunbar::gateway
