// Verifies the payment webhook's signature header, Stripe style:
//   Dunbar-Signature: t=1764100000,v1=<hex HMAC-SHA256(secret, "1764100000." + raw body)>
// The timestamp is signed with the body, so an old delivery cannot be replayed with a new time;
// several v1= entries are accepted (secret rotation: any one may match).
//
//   absl::Status s = VerifyWebhookSignature(header, secret, body, absl::Now(), absl::Minutes(5));
//   // UNAUTHENTICATED: "Dunbar-Signature: missing t=", "... signature mismatch",
//   //                  "stale timestamp: 400 s from now (tolerance 300 s)"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dunbar::gateway {

struct WebhookSignatureHeader {
  int64_t timestamp = 0;                   // unix seconds
  std::vector<std::string> v1_signatures;  // lower-case hex
};

// UNAUTHENTICATED if the header is empty or garbled (no t=, no v1=, bad numbers or hex).
absl::StatusOr<WebhookSignatureHeader> ParseWebhookSignatureHeader(absl::string_view header);

// Lower-case hex HMAC-SHA256(secret, "<timestamp>." + body).
std::string ComputeWebhookSignature(absl::string_view secret, int64_t timestamp,
                                    absl::string_view body);

// The header's shape, then the HMAC (constant-time compare), then |now - t| <= tolerance.
absl::Status VerifyWebhookSignature(absl::string_view header, absl::string_view secret,
                                    absl::string_view body, absl::Time now,
                                    absl::Duration tolerance);

}  // namespace dunbar::gateway
