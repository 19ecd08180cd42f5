// A real redis-server for tests: its own process, its own temp dir, a unix socket, AOF on.
// Killed (SIGKILL) and its directory removed at destruction; also killed if the test process dies
// (PR_SET_PDEATHSIG), so a crashed test leaves no orphan server. Works with --requirepass.
//
//   RedisServerProcess redis;
//   ASSERT_TRUE(redis.Start().ok());
//   options.url = redis.url();            // "unix:///tmp/dunbar-redis-XXXX/redis.sock"
//   redis.Stop();                         // simulate an outage (SIGTERM, waits for exit)
//   redis.Start();                        // same dir: AOF replays the data
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace dunbar::testing {

class RedisServerProcess {
 public:
  // `extra_args` are appended to the redis-server command line (e.g. {"--appendfsync", "always"}).
  explicit RedisServerProcess(std::vector<std::string> extra_args = {});
  ~RedisServerProcess();
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  // Starts redis-server and waits (up to 10 s) until it answers PING.
  absl::Status Start();
  // Graceful stop (SIGTERM) and wait. Data stays in the dir for the next Start().
  void Stop();
  // SIGKILL, no chance to flush: a crash.
  void Kill();
  bool running() const { return pid_ > 0; }

  std::string url() const { return "unix://" + socket_path_; }
  const std::string& socket_path() const { return socket_path_; }
  const std::string& dir() const { return dir_; }

 private:
  std::vector<std::string> extra_args_;
  std::string dir_;
  std::string socket_path_;
  pid_t pid_ = -1;
};

}  // namespace dunbar::testing
