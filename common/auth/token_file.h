// Reads a service token from a file, as mounted from a Kubernetes Secret: the first line, trimmed
// (a token never spans lines, and Secret files often end with a newline).
//
//   absl::StatusOr<std::string> token = auth::ReadTokenFile(
//       "/etc/dunbar/service-token", "--service-token-file (env DUNBAR_SERVICE_TOKEN_FILE)");
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace dunbar::auth {

// NOT_FOUND if `path` cannot be read, INVALID_ARGUMENT if its first line is blank; messages start
// with `flag` (the option that named the file) and name the path.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path, const std::string& flag);

}  // namespace dunbar::auth
