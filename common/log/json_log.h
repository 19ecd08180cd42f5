// JSON log lines on stdout, one object per line, written atomically (one write per line) so lines
// from many threads never interleave.
//
//   dunbar::log::Info("rpc", {{"method", "/x.Y/Z"}, {"code", "OK"}, {"latency_ms", 1.2}});
//   -> {"ts":"2026-11-25T12:00:00.123Z","level":"info","event":"rpc","method":...}
//
// Never log personal data (names, handles, notes): log ids, codes and counts.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace dunbar::log {

enum class Level { kDebug, kInfo, kWarn, kError };

void Write(Level level, std::string_view event, const nlohmann::json& fields = {});
inline void Info(std::string_view event, const nlohmann::json& fields = {}) {
  Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, const nlohmann::json& fields = {}) {
  Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, const nlohmann::json& fields = {}) {
  Write(Level::kError, event, fields);
}

// Lines below this level are dropped (default kInfo; DUNBAR_LOG_LEVEL=debug|info|warn|error).
void SetMinLevel(Level level);
// Tests and benchmarks silence per-RPC lines.
void SetEnabled(bool enabled);

}  // namespace dunbar::log
