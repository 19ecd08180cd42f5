#include "common/log/json_log.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace dunbar::log {
namespace {

Level LevelFromEnv() {
  const char* env = std::getenv("DUNBAR_LOG_LEVEL");
  if (env == nullptr) return Level::kInfo;
  std::string value = absl::AsciiStrToLower(env);
  if (value == "debug") return Level::kDebug;
  if (value == "warn") return Level::kWarn;
  if (value == "error") return Level::kError;
  return Level::kInfo;
}

std::atomic<int> g_min_level{static_cast<int>(LevelFromEnv())};
std::atomic<bool> g_enabled{true};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void Write(Level level, std::string_view event, const nlohmann::json& fields) {
  if (!g_enabled.load(std::memory_order_relaxed)) return;
  if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  line["level"] = LevelName(level);
  line["event"] = std::string(event);
  if (fields.is_object()) {
    for (auto it = fields.begin(); it != fields.end(); ++it) line[it.key()] = it.value();
  }
  // Invalid UTF-8 in a field is replaced rather than throwing: a log line must never crash a
  // server.
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  text.push_back('\n');
  // One write(2) per line: POSIX keeps a single write to a pipe/file unsplit up to PIPE_BUF, and in
  // practice for whole lines to a terminal or file, so concurrent lines do not interleave.
  size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + written, text.size() - written);
    if (n <= 0) return;
    written += static_cast<size_t>(n);
  }
}

void SetMinLevel(Level level) { g_min_level.store(static_cast<int>(level)); }
void SetEnabled(bool enabled) { g_enabled.store(enabled); }

}  // namespace dunbar::log
