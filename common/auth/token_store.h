// Bearer tokens, stored only as SHA-256 hashes in a file:
//
//   # sha256-hex                                                        role      tenant
//   9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  operator  acme
//   60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752  service   *
//
// Blank lines and '#' comments (also after an entry) are ignored; hex may be upper-case. Service
// tokens have tenant "*". The file is re-read when it changes (checked at most once a second),
// so tokens can be rotated without a restart. Mint entries with MintToken (dunbarctl).
//
//   auto store = TokenStore::FromFile("/etc/dunbar/tokens");
//   auto principal = (*store)->Authenticate("Bearer dbr_...");
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
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
  // The file is checked for changes (mtime, size, inode) at most once per `min_check_interval`;
  // a reloaded file that is malformed or missing is logged and the previous tokens stay in force.
  // Zero checks on every call (tests). Replace the file atomically (write, then rename): an
  // in-place rewrite can be read half-written, and a valid prefix would revoke the rest.
  static absl::StatusOr<std::shared_ptr<TokenStore>> FromFile(
      std::string path, absl::Duration min_check_interval = absl::Seconds(1));
  // For tests: entries in file syntax, no file behind them.
  static absl::StatusOr<std::shared_ptr<TokenStore>> FromText(std::string_view text);

  // `authorization` is the metadata value ("Bearer <token>"). Missing, malformed or unknown ->
  // UNAUTHENTICATED (the message never echoes the token).
  absl::StatusOr<Principal> Authenticate(std::string_view authorization);

  // Number of tokens in force (for start-up logs and tests).
  size_t size() const;

 private:
  TokenStore() = default;
  absl::Status ReloadIfChanged();

  // What identifies one version of the file: an edit changes mtime/size, an atomic replace
  // (Kubernetes Secret update, `mv`) changes the inode.
  struct FileStamp {
    int64_t mtime_ns = 0;
    int64_t size = -1;  // -1: no readable file
    uint64_t inode = 0;
    bool operator==(const FileStamp& other) const {
      return mtime_ns == other.mtime_ns && size == other.size && inode == other.inode;
    }
  };
  static absl::StatusOr<FileStamp> StatFile(const std::string& path);

  std::string path_;  // empty for FromText: nothing to reload
  absl::Duration min_check_interval_ = absl::Seconds(1);
  // Standard mutexes rather than absl::Mutex: Debian's abseil is not built with TSan, which then
  // cannot see absl::Mutex hand-offs and reports false races on the guarded state.
  // reload_mu_ serializes reloads so an older version of the file never replaces a newer one.
  std::mutex reload_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  FileStamp stamp_ ABSL_GUARDED_BY(reload_mu_);
  mutable std::shared_mutex mu_;
  absl::flat_hash_map<std::string, Principal> by_hash_ ABSL_GUARDED_BY(mu_);
  // Unix nanoseconds of the last file check; claimed with a compare-and-swap so the hot path
  // takes no exclusive lock.
  std::atomic<int64_t> last_check_ns_{0};
};

}  // namespace dunbar::auth
