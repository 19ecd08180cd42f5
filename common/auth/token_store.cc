// The token file: parsing, lookup by hash, and reload on change.
#include "common/auth/token_store.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/log/json_log.h"

namespace dunbar::auth {
namespace {

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), which
// std::string_view does not convert to implicitly.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }
std::string_view TrimAscii(std::string_view text) {
  const absl::string_view trimmed = absl::StripAsciiWhitespace(AbslView(text));
  return {trimmed.data(), trimmed.size()};
}

using TokenMap = absl::flat_hash_map<std::string, Principal>;

constexpr size_t kSha256HexLength = 64;
constexpr size_t kTokenIdLength = 8;
// Far above a minted token (47 chars); bounds the hashing work an unauthenticated caller can cause.
constexpr size_t kMaxTokenLength = 512;

bool IsHex(std::string_view text) {
  for (const char c : text) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status LineError(std::string_view source, int line_number, std::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat(AbslView(source), " line ", line_number, ": ", AbslView(reason)));
}

// Error messages carry line numbers, never line contents: a raw token pasted by mistake must not
// end up in logs.
absl::StatusOr<TokenMap> ParseTokens(std::string_view text, std::string_view source) {
  TokenMap tokens;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(AbslView(text), '\n')) {
    ++line_number;
    const size_t comment = line.find('#');
    if (comment != absl::string_view::npos) line = line.substr(0, comment);
    std::vector<std::string> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r\v\f"), absl::SkipEmpty());
    if (fields.empty()) continue;
    if (fields.size() != 3) {
      return LineError(source, line_number, "expected \"<sha256-hex> <role> <tenant>\"");
    }
    if (fields[0].size() != kSha256HexLength || !IsHex(fields[0])) {
      return LineError(source, line_number, "the hash must be 64 hex characters (SHA-256)");
    }
    absl::StatusOr<Role> role = ParseRole(fields[1]);
    if (!role.ok()) {
      return LineError(source, line_number, "the role must be operator, admin or service");
    }
    if (!IsValidTenantForRole(*role, fields[2])) {
      return LineError(source, line_number,
                       *role == Role::kService
                           ? "service tokens must have tenant \"*\""
                           : "the tenant must be 1-64 characters of a-z, 0-9, _ or -");
    }
    std::string hash = fields[0];
    absl::AsciiStrToLower(&hash);
    Principal principal;
    principal.tenant = fields[2];
    principal.role = *role;
    principal.token_id = hash.substr(0, kTokenIdLength);
    if (!tokens.emplace(std::move(hash), std::move(principal)).second) {
      return LineError(source, line_number, "duplicate token hash");
    }
  }
  return tokens;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return errno == ENOENT
               ? absl::NotFoundError(absl::StrCat("token file ", path, ": does not exist"))
               : absl::FailedPreconditionError(
                     absl::StrCat("token file ", path, ": cannot be read: ", std::strerror(errno)));
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) {
    return absl::FailedPreconditionError(absl::StrCat("token file ", path, ": read error"));
  }
  return contents.str();
}

// The token from "Bearer <token>"; the scheme is case-insensitive (RFC 7235).
absl::StatusOr<std::string_view> ParseBearer(std::string_view authorization) {
  authorization = TrimAscii(authorization);
  if (authorization.empty()) {
    return absl::UnauthenticatedError("authorization: missing bearer token");
  }
  const absl::Status malformed =
      absl::UnauthenticatedError("authorization: expected \"Bearer <token>\"");
  const size_t space = authorization.find_first_of(" \t");
  if (space == std::string_view::npos) return malformed;
  if (!absl::EqualsIgnoreCase(AbslView(authorization.substr(0, space)), "bearer")) return malformed;
  const std::string_view token = TrimAscii(authorization.substr(space + 1));
  if (token.empty() || token.size() > kMaxTokenLength) return malformed;
  for (const char c : token) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7F) return malformed;
  }
  return token;
}

}  // namespace

absl::StatusOr<TokenStore::FileStamp> TokenStore::StatFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return errno == ENOENT
               ? absl::NotFoundError(absl::StrCat("token file ", path, ": does not exist"))
               : absl::FailedPreconditionError(
                     absl::StrCat("token file ", path, ": cannot be read: ", std::strerror(errno)));
  }
  FileStamp stamp;
  stamp.mtime_ns = static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
  stamp.size = static_cast<int64_t>(info.st_size);
  stamp.inode = static_cast<uint64_t>(info.st_ino);
  return stamp;
}

absl::StatusOr<std::shared_ptr<TokenStore>> TokenStore::FromFile(
    std::string path, absl::Duration min_check_interval) {
  // Stat before reading: if the file changes in between, the next check sees a newer stamp.
  absl::StatusOr<FileStamp> stamp = StatFile(path);
  if (!stamp.ok()) return stamp.status();
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<TokenMap> tokens = ParseTokens(*text, absl::StrCat("token file ", path));
  if (!tokens.ok()) return tokens.status();

  std::shared_ptr<TokenStore> store(new TokenStore());
  store->path_ = std::move(path);
  store->min_check_interval_ = min_check_interval;
  std::lock_guard<std::mutex> reload_lock(store->reload_mu_);
  std::unique_lock<std::shared_mutex> lock(store->mu_);
  store->by_hash_ = *std::move(tokens);
  store->stamp_ = *stamp;
  store->last_check_ns_.store(absl::GetCurrentTimeNanos());
  return store;
}

absl::StatusOr<std::shared_ptr<TokenStore>> TokenStore::FromText(std::string_view text) {
  absl::StatusOr<TokenMap> tokens = ParseTokens(text, "tokens");
  if (!tokens.ok()) return tokens.status();
  std::shared_ptr<TokenStore> store(new TokenStore());
  std::unique_lock<std::shared_mutex> lock(store->mu_);
  store->by_hash_ = *std::move(tokens);
  return store;
}

absl::Status TokenStore::ReloadIfChanged() {
  // One caller per interval claims the check; the others go on with the current tokens. A zero
  // interval checks on every call.
  if (min_check_interval_ > absl::ZeroDuration()) {
    const int64_t now_ns = absl::GetCurrentTimeNanos();
    int64_t last_ns = last_check_ns_.load(std::memory_order_relaxed);
    if (now_ns - last_ns < absl::ToInt64Nanoseconds(min_check_interval_)) return absl::OkStatus();
    if (!last_check_ns_.compare_exchange_strong(last_ns, now_ns, std::memory_order_relaxed)) {
      return absl::OkStatus();
    }
  }
  std::lock_guard<std::mutex> reload_lock(reload_mu_);
  absl::StatusOr<FileStamp> stamp = StatFile(path_);
  if (!stamp.ok()) {
    // A missing file (e.g. mid-rotation) keeps the tokens; log when it goes missing, not on
    // every check while it stays missing.
    if (!(stamp_ == FileStamp{})) {
      stamp_ = FileStamp{};
      log::Error("token_file_reload_failed",
                 {{"error", std::string(stamp.status().message())}, {"kept_tokens", size()}});
    }
    return stamp.status();
  }
  if (*stamp == stamp_) return absl::OkStatus();
  // Remember this version even when it is bad, so the error is logged once per edit rather
  // than once per check.
  stamp_ = *stamp;

  absl::StatusOr<std::string> text = ReadWholeFile(path_);
  absl::StatusOr<TokenMap> tokens = text.ok()
                                        ? ParseTokens(*text, absl::StrCat("token file ", path_))
                                        : absl::StatusOr<TokenMap>(text.status());
  if (!tokens.ok()) {
    log::Error("token_file_reload_failed",
               {{"error", std::string(tokens.status().message())}, {"kept_tokens", size()}});
    return tokens.status();
  }
  const size_t count = tokens->size();
  {
    std::unique_lock<std::shared_mutex> lock(mu_);
    by_hash_ = *std::move(tokens);
  }
  log::Info("token_file_reloaded", {{"tokens", count}});
  return absl::OkStatus();
}

size_t TokenStore::size() const {
  std::shared_lock<std::shared_mutex> lock(mu_);
  return by_hash_.size();
}

absl::StatusOr<Principal> TokenStore::Authenticate(std::string_view authorization) {
  // A failed reload is logged and leaves the previous tokens in force.
  if (!path_.empty()) ReloadIfChanged().IgnoreError();
  absl::StatusOr<std::string_view> token = ParseBearer(authorization);
  if (!token.ok()) return token.status();
  // Looking up the SHA-256 of the token leaks nothing useful through timing: an attacker cannot
  // steer the hash towards a stored one byte by byte.
  const std::string hash = Sha256Hex(*token);
  std::shared_lock<std::shared_mutex> lock(mu_);
  const auto found = by_hash_.find(hash);
  if (found == by_hash_.end()) {
    return absl::UnauthenticatedError("authorization: unknown or revoked token");
  }
  return found->second;
}

}  // namespace dunbar::auth
