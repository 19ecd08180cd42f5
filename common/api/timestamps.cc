#include "common/api/timestamps.h"

namespace dunbar::api {

int64_t TimestampToMillis(const google::protobuf::Timestamp& timestamp) {
  return timestamp.seconds() * 1000 + timestamp.nanos() / 1000000;
}

google::protobuf::Timestamp TimestampFromMillis(int64_t millis) {
  google::protobuf::Timestamp timestamp;
  int64_t seconds = millis / 1000;
  int64_t rest = millis % 1000;
  if (rest < 0) {  // floor for times before 1970
    rest += 1000;
    seconds -= 1;
  }
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(rest * 1000000));
  return timestamp;
}

int64_t TimeToMillis(absl::Time time) { return absl::ToUnixMillis(time); }

}  // namespace dunbar::api
