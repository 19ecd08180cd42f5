// Bearer tokens, stored only as SHA-256 hashes in a file:
//
//   # sha256-hex                                                        role      tenant
//   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  operator  acme
//   60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752  service   *
//
// Blank lines and '#' comments are ignored. The file is re-read when its modification time
// changes (checked at most once a second), so tokens can be rotated without a restart.
//
//   auto store = TokenStore::FromFile("/etc/dunbar/tokens");
//   auto principal = (*store)->Authenticate("Bearer dbr_...");
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"

namespace dunbar::auth {

std::string Sha256Hex(std::string_view data);

struct MintedToken {
  std::string token;      // "dbr_" + 43 chars base64url of 32 random bytes: give to the caller once
  std::string file_line;  // "<sha256> <role> <tenant>": append to the token file
};
// Random bytes from OpenSSL's CSPRNG.
absl::StatusOr<MintedToken> MintToken(std::string_view tenant, Role role);

class TokenStore {
 public:
  // INVALID_ARGUMENT with the line number for a malformed file; NOT_FOUND if it does not exist.
  static absl::StatusOr<std::shared_ptr<TokenStore>> FromFile(std::string path);
  // For tests: entries in file syntax, no file behind them.
  static absl::StatusOr<std::shared_ptr<TokenStore>> FromText(std::string_view text);

  // `authorization` is the metadata value ("Bearer <token>"). Missing, malformed or unknown ->
  // UNAUTHENTICATED (the message never echoes the token).
  absl::StatusOr<Principal> Authenticate(std::string_view authorization);

 private:
  TokenStore() = default;
  absl::Status ReloadIfChanged();

  std::string path_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Principal> by_hash_ ABSL_GUARDED_BY(mu_);
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  int64_t last_mtime_ns_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace dunbar::auth
