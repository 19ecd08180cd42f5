// The cohort scripts' JSON replies (services/cohort/lua/lib.lua) <-> the cohort protos, and the
// programme's Redis hash fields.
//
// Programme hash fields: id, name, desc, cap, over ("1"/"0"), amount, currency, reqent ("1"/"0"),
// policy (RolloverPolicy number), tmpl, start, archived, created/updated/archived_at (Unix ms),
// latest (highest cohort number), hint (see lib.lua). Replies add `wl` (waitlist length).
// Cohort hash fields: number, name, cap, taken, state (CohortState number), late, start, opened,
// full, started, closed (Unix ms), next (next never-used seat). Replies add `pid`.
// Enrolment views: pid, m, st (EnrollmentStatus), c (cohort number), s (seat), cname, pos, o, src,
// en (ms), h [{k, at, c, f, r}].
//
//   DUNBAR_ASSIGN_OR_RETURN(Json json, ParseScriptReply(reply, "get program"));
//   v1::Program program = DecodeProgram(json, tenant);
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_reply.h"
#include "dunbar/cohort/v1/cohort.pb.h"

namespace dunbar::cohort {

using Json = nlohmann::json;

// A script's string reply parsed as a JSON object; INTERNAL naming `what` otherwise.
absl::StatusOr<Json> ParseScriptReply(const redis::RedisReply& reply, std::string_view what);

// Lenient field access: numbers may arrive as JSON numbers or decimal strings (hash fields), and
// cjson encodes an empty array as {}. Missing fields read as 0 / "" / false / empty.
int64_t JsonInt(const Json& json, const char* field);
std::string JsonString(const Json& json, const char* field);
bool JsonBool(const Json& json, const char* field);
const Json& JsonArray(const Json& json, const char* field);

::dunbar::cohort::v1::Program DecodeProgram(const Json& json, const std::string& tenant);
::dunbar::cohort::v1::Cohort DecodeCohort(const Json& json, const std::string& program_id);
// {c, name, s}.
::dunbar::cohort::v1::Seat DecodeSeat(const Json& json, const std::string& program_id);
::dunbar::cohort::v1::Enrollment DecodeEnrollment(const Json& json);

// Appends field/value pairs of the programme hash for the given Program field paths (the
// UpdateProgram mask vocabulary; "price" covers both price fields, "price.amount_minor" and
// "price.currency" one each). INVALID_ARGUMENT "update_mask: ..." for any other path.
absl::Status AppendProgramFields(const ::dunbar::cohort::v1::Program& program,
                                 const std::vector<std::string>& paths,
                                 std::vector<std::string>& out);

// Every path AppendProgramFields accepts that CreateProgram stores.
const std::vector<std::string>& AllProgramPaths();

}  // namespace dunbar::cohort
