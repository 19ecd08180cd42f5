// Sets protobuf request fields from text (query and path parameters) through reflection, so the
// gateway binds any route without per-message code.
//
//   SetFieldFromText(request, "program.id", "p1", "path parameter program_id");
//   BindQueryParameters(request, {{"page_size", "20"}, {"includeArchived", "true"}});
//
// Field names: the proto name or the JSON (lowerCamel) name, dotted through singular messages.
// Values: integers and floats in decimal, bools "true"/"false", enums by name (or number), message
// fields by their JSON string form (Timestamp "2026-01-02T03:04:05Z", FieldMask "name,tags").
// Repeated fields take one value per occurrence. An empty value leaves a non-string field at its
// default (forms send unused filters as "stage=").
#pragma once

#include <google/protobuf/message.h>

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace dunbar::gateway {

// INVALID_ARGUMENT starting with `what` if the field is unknown or the value does not fit it.
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view field_path,
                              absl::string_view value, absl::string_view what);

// Every query parameter names a request field (messages: `query parameter "x": ...` errors). A
// repeated field named by the query is cleared first, so the query replaces what the body set.
absl::Status BindQueryParameters(google::protobuf::Message& message,
                                 const std::multimap<std::string, std::string>& params);

}  // namespace dunbar::gateway
