#include "common/redis/redis_pool.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/log/json_log.h"
#include "common/redis/redis_errors.h"

namespace dunbar::redis {
namespace {

std::chrono::steady_clock::duration ToClockDuration(absl::Duration d) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

}  // namespace

ConnectionPool::Lease::~Lease() {
  if (connection_ == nullptr) return;
  if (connection_->broken()) {
    pool_->Discard(std::move(connection_));
  } else {
    pool_->Return(std::move(connection_));
  }
}

ConnectionPool::ConnectionPool(RedisEndpoint endpoint, RedisOptions options,
                               RedisObserver* observer)
    : endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      observer_(observer),
      backoff_(ToClockDuration(options_.reconnect_backoff_min)) {
  idle_.reserve(static_cast<size_t>(options_.pool_size));
}

ConnectionPool::~ConnectionPool() = default;

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::Acquire() {
  // The deadline is only needed when all connections are busy; most calls never read the clock.
  std::optional<Clock::time_point> deadline;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<RedisConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      ++in_use_;
      PublishLocked();
      lock.unlock();
      if (connection->IdleAndHealthy()) return Lease(this, std::move(connection));
      Discard(std::move(connection));
      lock.lock();
      continue;
    }
    if (open_ < options_.pool_size) {
      const bool redis_down = consecutive_failures_ > 0;
      if (!redis_down || (!probe_in_flight_ && Clock::now() >= next_connect_at_)) {
        // While Redis is down only one caller at a time probes it.
        const bool probing = redis_down;
        if (probing) probe_in_flight_ = true;
        ++open_;
        ++in_use_;
        PublishLocked();
        lock.unlock();
        return ConnectReserved(probing);
      }
      // In backoff with nothing open: fail fast rather than wait for a connection that cannot
      // come. With connections open (and busy), waiting for one of them is still worthwhile.
      if (open_ == 0) return TransportUnavailableError("Redis is unavailable (reconnecting)");
    }
    if (!deadline.has_value()) {
      deadline = Clock::now() + ToClockDuration(options_.acquire_timeout);
    } else if (Clock::now() >= *deadline) {
      return TransportUnavailableError("no Redis connection became free within acquire_timeout");
    }
    // In backoff, wake when the next probe is due even if no connection is returned by then (a
    // probe in flight notifies when it ends).
    Clock::time_point wake = *deadline;
    if (consecutive_failures_ > 0 && !probe_in_flight_ && next_connect_at_ > Clock::now()) {
      wake = std::min(wake, next_connect_at_);
    }
    ++waiters_;
    slot_freed_.wait_until(lock, wake);
    --waiters_;
  }
}

absl::StatusOr<ConnectionPool::Lease> ConnectionPool::ConnectReserved(bool probing) {
  absl::StatusOr<std::unique_ptr<RedisConnection>> connection =
      RedisConnection::Open(endpoint_, options_);
  std::unique_lock<std::mutex> lock(mu_);
  if (probing) probe_in_flight_ = false;
  if (connection.ok()) {
    ++connects_;
    const int failures_before = consecutive_failures_;
    consecutive_failures_ = 0;
    backoff_ = ToClockDuration(options_.reconnect_backoff_min);
    // Waiters held back by the backoff may connect now.
    if (failures_before > 0 && waiters_ > 0) slot_freed_.notify_all();
    lock.unlock();
    if (failures_before > 0) {
      log::Info("redis_reconnected",
                {{"endpoint", endpoint_.Describe()}, {"failed_attempts", failures_before}});
    }
    return Lease(this, *std::move(connection));
  }
  --open_;
  --in_use_;
  PublishLocked();
  ++consecutive_failures_;
  const int failures = consecutive_failures_;
  next_connect_at_ = Clock::now() + backoff_;
  const auto backoff_ms = std::chrono::duration_cast<std::chrono::milliseconds>(backoff_).count();
  backoff_ =
      std::min<Clock::duration>(backoff_ * 2, ToClockDuration(options_.reconnect_backoff_max));
  // Waiters may now connect themselves or fail fast.
  if (waiters_ > 0) slot_freed_.notify_all();
  lock.unlock();
  if (failures == 1) {
    log::Error("redis_down", {{"endpoint", endpoint_.Describe()},
                              {"error", std::string(connection.status().message())},
                              {"retry_in_ms", backoff_ms}});
  }
  return connection.status();
}

void ConnectionPool::Return(std::unique_ptr<RedisConnection> connection) {
  std::lock_guard<std::mutex> lock(mu_);
  --in_use_;
  idle_.push_back(std::move(connection));
  PublishLocked();
  if (waiters_ > 0) slot_freed_.notify_one();
}

void ConnectionPool::Discard(std::unique_ptr<RedisConnection> connection) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --in_use_;
    --open_;
    ++discarded_;
    PublishLocked();
    if (waiters_ > 0) slot_freed_.notify_one();
  }
  connection.reset();  // close(2) outside the lock
}

void ConnectionPool::PublishLocked() {
  if (observer_ != nullptr) observer_->OnPoolChanged(in_use_, static_cast<int>(idle_.size()));
}

PoolStats ConnectionPool::Stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  PoolStats stats;
  stats.size = options_.pool_size;
  stats.open = open_;
  stats.in_use = in_use_;
  stats.connects = connects_;
  stats.discarded = discarded_;
  return stats;
}

}  // namespace dunbar::redis
