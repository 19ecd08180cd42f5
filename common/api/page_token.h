// Opaque page tokens: web-safe base64 of "<kind>1\n<field>\n<field>...". The kind stops a token of
// one list being used for another; anything that does not decode is INVALID_ARGUMENT "page_token".
//
//   std::string token = EncodePageToken("m", {last_id});
//   DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> fields, DecodePageToken("m", token, 1));
//
// An empty token means "first page" and decodes to an empty vector.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace dunbar::api {

// Fields must not contain '\n'.
std::string EncodePageToken(std::string_view kind, const std::vector<std::string>& fields);

// `field_count` fields are expected; INVALID_ARGUMENT "page_token: ..." otherwise.
absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view kind,
                                                         std::string_view token,
                                                         size_t field_count);

}  // namespace dunbar::api
