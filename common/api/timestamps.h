// google.protobuf.Timestamp <-> Unix milliseconds, the time unit stored in Redis and passed to the
// Lua scripts as "now".
//
//   int64_t ms = TimestampToMillis(request.at());
//   *member.mutable_created_at() = TimestampFromMillis(ms);
#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>

#include "absl/time/time.h"

namespace dunbar::api {

int64_t TimestampToMillis(const google::protobuf::Timestamp& timestamp);
google::protobuf::Timestamp TimestampFromMillis(int64_t millis);
int64_t TimeToMillis(absl::Time time);

}  // namespace dunbar::api
