#include "common/redis/redis_errors.h"

#include <array>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/log/json_log.h"

namespace dunbar::redis {
namespace {

// Payload type URLs that let callers classify a status without parsing its message.
constexpr char kTransportPayload[] = "type.dunbar.dev/redis.transport";
constexpr char kNoScriptPayload[] = "type.dunbar.dev/redis.noscript";

// Longest Redis error text copied into a log line.
constexpr size_t kMaxLoggedErrorChars = 300;

struct DomainCode {
  absl::string_view name;
  absl::StatusCode code;
};

constexpr std::array<DomainCode, 8> kDomainCodes = {{
    {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
    {"NOT_FOUND", absl::StatusCode::kNotFound},
    {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
    {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
    {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
    {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
    {"ABORTED", absl::StatusCode::kAborted},
    {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
}};

// Error prefixes Redis uses while it temporarily cannot serve.
constexpr std::array<absl::string_view, 6> kTransientPrefixes = {
    "LOADING", "BUSY", "READONLY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"};

absl::Status WithPayload(absl::Status status, const char* type_url) {
  status.SetPayload(type_url, absl::Cord());
  return status;
}

}  // namespace

absl::Status StatusFromErrorReply(std::string_view std_error_text) {
  const absl::string_view error_text(std_error_text.data(), std_error_text.size());
  const size_t space = error_text.find(' ');
  const absl::string_view first_word = error_text.substr(0, space);
  const absl::string_view rest =
      space == absl::string_view::npos ? absl::string_view() : error_text.substr(space + 1);

  for (const DomainCode& domain : kDomainCodes) {
    if (first_word == domain.name) {
      return absl::Status(domain.code, rest.empty() ? domain.name : rest);
    }
  }
  if (first_word == "NOSCRIPT") {
    return WithPayload(absl::InternalError("Redis script cache miss"), kNoScriptPayload);
  }
  if (first_word == "NOAUTH" || first_word == "WRONGPASS") {
    log::Error("redis_auth_failed",
               {{"error", std::string(error_text.substr(0, kMaxLoggedErrorChars))}});
    return absl::UnavailableError(
        "Redis rejected the connection's credentials (check the password in the Redis URL)");
  }
  for (absl::string_view prefix : kTransientPrefixes) {
    if (first_word == prefix) {
      log::Warn("redis_busy", {{"error", std::string(error_text.substr(0, kMaxLoggedErrorChars))}});
      return absl::UnavailableError("Redis is temporarily unable to serve");
    }
  }
  log::Error("redis_error_reply",
             {{"error", std::string(error_text.substr(0, kMaxLoggedErrorChars))}});
  return absl::InternalError("internal storage error");
}

absl::Status TransportUnavailableError(std::string_view message) {
  return WithPayload(absl::UnavailableError(absl::string_view(message.data(), message.size())),
                     kTransportPayload);
}

absl::Status TransportTimeoutError(std::string_view message) {
  return WithPayload(absl::DeadlineExceededError(absl::string_view(message.data(), message.size())),
                     kTransportPayload);
}

bool IsConnectionError(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kTransportPayload).has_value();
}

bool IsNoScriptError(const absl::Status& status) {
  return !status.ok() && status.GetPayload(kNoScriptPayload).has_value();
}

}  // namespace dunbar::redis
