#include "services/gateway/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace dunbar::gateway {
namespace {

constexpr size_t kSha256HexLength = 64;

absl::Status Garbled(absl::string_view what) {
  return absl::UnauthenticatedError(absl::StrCat("Dunbar-Signature: ", what));
}

bool IsHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<WebhookSignatureHeader> ParseWebhookSignatureHeader(absl::string_view header) {
  if (absl::StripAsciiWhitespace(header).empty()) return Garbled("missing");
  WebhookSignatureHeader parsed;
  bool has_timestamp = false;
  for (absl::string_view item : absl::StrSplit(header, ',')) {
    item = absl::StripAsciiWhitespace(item);
    const size_t eq = item.find('=');
    if (eq == absl::string_view::npos) return Garbled("expected key=value items");
    const absl::string_view key = item.substr(0, eq);
    const absl::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (has_timestamp || !absl::SimpleAtoi(value, &parsed.timestamp) || parsed.timestamp <= 0) {
        return Garbled("t= must be one positive unix time in seconds");
      }
      has_timestamp = true;
    } else if (key == "v1") {
      if (value.size() != kSha256HexLength || !IsHex(value)) {
        return Garbled("v1= must be 64 hex digits (HMAC-SHA256)");
      }
      parsed.v1_signatures.push_back(absl::AsciiStrToLower(value));
    }
    // Other schemes (v0=, future versions) are ignored, as Stripe does.
  }
  if (!has_timestamp) return Garbled("missing t=");
  if (parsed.v1_signatures.empty()) return Garbled("missing v1=");
  return parsed;
}

std::string ComputeWebhookSignature(absl::string_view secret, int64_t timestamp,
                                    absl::string_view body) {
  const std::string signed_payload = absl::StrCat(timestamp, ".", body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_payload.data()), signed_payload.size(), digest,
       &digest_length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_length));
}

absl::Status VerifyWebhookSignature(absl::string_view header, absl::string_view secret,
                                    absl::string_view body, absl::Time now,
                                    absl::Duration tolerance) {
  absl::StatusOr<WebhookSignatureHeader> parsed = ParseWebhookSignatureHeader(header);
  if (!parsed.ok()) return parsed.status();
  const std::string expected = ComputeWebhookSignature(secret, parsed->timestamp, body);
  bool matched = false;
  for (const std::string& candidate : parsed->v1_signatures) {
    // Constant time: the comparison must not reveal how many leading digits were right.
    matched |= CRYPTO_memcmp(candidate.data(), expected.data(), expected.size()) == 0;
  }
  if (!matched) return Garbled("signature mismatch");
  const int64_t skew_seconds = std::llabs(absl::ToUnixSeconds(now) - parsed->timestamp);
  if (absl::Seconds(skew_seconds) > tolerance) {
    return absl::UnauthenticatedError(absl::StrCat("stale timestamp: ", skew_seconds,
                                                   " s from now (tolerance ",
                                                   absl::ToInt64Seconds(tolerance), " s)"));
  }
  return absl::OkStatus();
}

}  // namespace dunbar::gateway
