// --output json: one JSON document per command, the canonical proto3 JSON mapping of the response
// message (lowerCamelCase names as gRPC JSON tools expect, enums by name, int64 as strings), with
// zero values printed so `"entitled": false` is explicit. UTF-8 text, such as Chinese names, is
// emitted as is.
//
//   ToJson(member)  // {"id": "01J...", "name": "王小明", "wechatId": "", ...}
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace dunbar::dunbarctl {

// Pretty-printed (protobuf's add_whitespace layout: one space per level) with a trailing newline.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace dunbar::dunbarctl
