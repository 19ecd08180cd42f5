// How Redis failures become absl::Status.
//
// - I/O errors, refused/closed connections, pool exhaustion while Redis is down -> UNAVAILABLE.
// - Socket timeouts -> DEADLINE_EXCEEDED.
// - Error replies: a Lua script may deliberately fail with `redis.error_reply("NOT_FOUND member x")`.
//   When the first word of an error reply is the name of a canonical code that domain logic uses
//   (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
//   PERMISSION_DENIED, ABORTED, OUT_OF_RANGE) the status has that code and the rest as message.
//   Any other error reply (WRONGTYPE, OOM, script bugs) is INTERNAL with a generic message; the
//   Redis text is logged, never sent to clients.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace dunbar::redis {

absl::Status StatusFromErrorReply(std::string_view error_text);

// True for errors that mean the connection is unusable and must be dropped.
bool IsConnectionError(const absl::Status& status);

}  // namespace dunbar::redis
