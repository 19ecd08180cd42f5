// The shared API helpers (common/api) as the membership service uses them, and the page-token
// kinds of its lists (a token of one list is rejected by another).
#pragma once

#include <string_view>

#include "common/api/page_token.h"
#include "common/api/request_fingerprint.h"
#include "common/api/timestamps.h"

namespace dunbar::membership {

using api::DecodePageToken;
using api::EncodePageToken;
using api::RequestFingerprint;
using api::TimestampFromMillis;
using api::TimestampToMillis;
using api::TimeToMillis;

inline constexpr std::string_view kMembersToken = "m";
inline constexpr std::string_view kInteractionsToken = "i";
inline constexpr std::string_view kRankToken = "r";

}  // namespace dunbar::membership
