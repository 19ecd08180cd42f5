// A bounded pool of Redis connections shared by request threads.
//
// - At most `pool_size` connections; a caller beyond that waits up to `acquire_timeout`.
// - Connections are made lazily and replaced when broken: a lease whose connection saw a transport
//   error drops it on return; an idle connection the server closed (Redis restarted) is detected
//   with a poll(2) before reuse and replaced.
// - While Redis is down, connect attempts back off exponentially (reconnect_backoff_min .. max)
//   and only one thread at a time probes; every other caller fails fast with UNAVAILABLE instead
//   of each waiting a connect timeout.
// - The lock is never held during I/O.
//
//   ConnectionPool pool(endpoint, options);
//   DUNBAR_ASSIGN_OR_RETURN(ConnectionPool::Lease lease, pool.Acquire());
//   auto reply = lease->Command(argv);  // returned to the pool when `lease` goes out of scope
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/status/statusor.h"
#include "common/redis/redis_connection.h"
#include "common/redis/redis_observer.h"
#include "common/redis/redis_options.h"
#include "common/redis/redis_url.h"

namespace dunbar::redis {

struct PoolStats {
  int size = 0;           // configured maximum
  int open = 0;           // connections currently open
  int in_use = 0;         // borrowed right now
  int64_t connects = 0;   // successful connects since start
  int64_t discarded = 0;  // connections dropped after an error
};

class ConnectionPool {
 public:
  // Borrowed connection; goes back to the pool (or is dropped if broken) on destruction.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) = delete;
    ~Lease();
    RedisConnection* operator->() const { return connection_.get(); }
    RedisConnection& operator*() const { return *connection_; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::unique_ptr<RedisConnection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ConnectionPool* pool_;
    std::unique_ptr<RedisConnection> connection_;
  };

  // `observer` (optional, not owned, must outlive the pool) hears every change of the counts.
  ConnectionPool(RedisEndpoint endpoint, RedisOptions options, RedisObserver* observer = nullptr);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // UNAVAILABLE when Redis cannot be reached (or is in backoff) or no connection frees up within
  // acquire_timeout.
  absl::StatusOr<Lease> Acquire();
  PoolStats Stats() const;

 private:
  using Clock = std::chrono::steady_clock;

  void Return(std::unique_ptr<RedisConnection> connection);
  // Forgets a borrowed connection that turned out unusable; destroys it outside the lock.
  void Discard(std::unique_ptr<RedisConnection> connection);
  // Connects for a slot already reserved by the caller (open_ and in_use_ counted).
  absl::StatusOr<Lease> ConnectReserved(bool probing);
  // Tells the observer the current counts; call with mu_ held after every change.
  void PublishLocked();

  const RedisEndpoint endpoint_;
  const RedisOptions options_;
  RedisObserver* const observer_;

  mutable std::mutex mu_;
  std::condition_variable slot_freed_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mu_
  int open_ = 0;                                        // guarded by mu_; includes connecting
  int in_use_ = 0;                                      // guarded by mu_
  int waiters_ = 0;                                     // guarded by mu_
  int64_t connects_ = 0;                                // guarded by mu_
  int64_t discarded_ = 0;                               // guarded by mu_
  // Reconnect backoff, all guarded by mu_. `consecutive_failures_ > 0` means Redis is down.
  int consecutive_failures_ = 0;
  bool probe_in_flight_ = false;
  Clock::duration backoff_;
  Clock::time_point next_connect_at_;
};

}  // namespace dunbar::redis
