// How Redis failures become absl::Status.
//
// - I/O errors, refused/closed connections, pool exhaustion while Redis is down -> UNAVAILABLE.
// - Socket timeouts -> DEADLINE_EXCEEDED.
// - Error replies: a Lua script may deliberately fail with `redis.error_reply("NOT_FOUND member
// x")`.
//   When the first word of an error reply is the name of a canonical code that domain logic uses
//   (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, RESOURCE_EXHAUSTED,
//   PERMISSION_DENIED, ABORTED, OUT_OF_RANGE) the status has that code and the rest as message.
// - Error replies that mean "Redis cannot serve right now" (LOADING after a restart, BUSY script,
//   READONLY/MASTERDOWN during a failover, TRYAGAIN, CLUSTERDOWN) and missing/wrong credentials
//   (NOAUTH, WRONGPASS) are UNAVAILABLE: retrying later is the right reaction for a caller.
// - Any other error reply (WRONGTYPE, OOM, script bugs) is INTERNAL with a generic message; the
//   Redis text is logged, never sent to clients.
//
//   absl::Status s = StatusFromErrorReply("NOT_FOUND member m1");  // NotFoundError("member m1")
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace dunbar::redis {

absl::Status StatusFromErrorReply(std::string_view error_text);

// Transport failures made by the connection layer (they carry a marker payload).
absl::Status TransportUnavailableError(std::string_view message);
absl::Status TransportTimeoutError(std::string_view message);

// True for errors that mean the connection is unusable and must be dropped (I/O errors, timeouts),
// as opposed to error replies, after which the connection is still in step.
bool IsConnectionError(const absl::Status& status);

// True for the NOSCRIPT error reply (the script cache lost a script: Redis restart or SCRIPT
// FLUSH).
bool IsNoScriptError(const absl::Status& status);

}  // namespace dunbar::redis
