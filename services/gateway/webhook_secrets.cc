#include "services/gateway/webhook_secrets.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dunbar::gateway {

absl::StatusOr<WebhookSecrets> WebhookSecrets::FromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return Parse(text.str(), path);
}

absl::StatusOr<WebhookSecrets> WebhookSecrets::Parse(absl::string_view text,
                                                     absl::string_view source) {
  WebhookSecrets secrets;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> parts =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (parts.size() != 2) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_number, ": expected \"tenant secret\""));
    }
    if (!secrets.secrets_.emplace(std::string(parts[0]), std::string(parts[1])).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_number, ": tenant ", parts[0], " listed twice"));
    }
  }
  return secrets;
}

const std::string* WebhookSecrets::Find(absl::string_view tenant) const {
  auto it = secrets_.find(tenant);
  return it == secrets_.end() ? nullptr : &it->second;
}

}  // namespace dunbar::gateway
