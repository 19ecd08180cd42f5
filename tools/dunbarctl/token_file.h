// Appending minted token hashes to the token file the services read (see
// common/auth/token_store.h for its format). The file holds credentials, so a new file is created
// with mode 0600; an existing file with wider permissions is kept as it is but reported, so the
// caller can warn (the operator may have chosen that, e.g. for a group-readable mount).
//
//   absl::StatusOr<TokenFileAppend> appended = AppendTokenLine(".run/tokens", minted.file_line);
//   if (appended->group_or_other_access) warn(...);
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dunbar::dunbarctl {

struct TokenFileAppend {
  bool created = false;                // the file did not exist and was made with mode 0600
  bool group_or_other_access = false;  // an existing file with permissions beyond 0600
};

// Appends `line` plus '\n' (and a '\n' first if the file does not end with one), then fsyncs.
// Errors name the path: NOT_FOUND for a missing directory, PERMISSION_DENIED, INTERNAL otherwise.
absl::StatusOr<TokenFileAppend> AppendTokenLine(const std::string& path, absl::string_view line);

}  // namespace dunbar::dunbarctl
