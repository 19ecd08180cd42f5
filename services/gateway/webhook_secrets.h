// The payment webhook's per-tenant HMAC secrets, from a file of "tenant secret" lines ('#' starts
// a comment line; blank lines are ignored), as mounted from a Kubernetes Secret.
//
//   # tenant  secret
//   acme      whsec_3f9a...
//
//   absl::StatusOr<WebhookSecrets> secrets = WebhookSecrets::FromFile("/etc/dunbar/webhook");
//   const std::string* secret = secrets->Find("acme");   // null: unknown tenant
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dunbar::gateway {

class WebhookSecrets {
 public:
  WebhookSecrets() = default;
  // NOT_FOUND if the file cannot be read; INVALID_ARGUMENT naming the line if one is not
  // "tenant secret" or a tenant appears twice.
  static absl::StatusOr<WebhookSecrets> FromFile(const std::string& path);
  static absl::StatusOr<WebhookSecrets> Parse(absl::string_view text, absl::string_view source);

  const std::string* Find(absl::string_view tenant) const;
  size_t size() const { return secrets_.size(); }

 private:
  std::map<std::string, std::string, std::less<>> secrets_;
};

}  // namespace dunbar::gateway
