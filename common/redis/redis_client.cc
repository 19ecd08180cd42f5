#include "common/redis/redis_client.h"

#include <signal.h>

#include <chrono>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/redis/redis_url.h"

namespace dunbar::redis {
namespace {

absl::Status ValidateOptions(const RedisOptions& options) {
  if (options.pool_size < 1) return absl::InvalidArgumentError("pool_size must be at least 1");
  const std::pair<absl::Duration, const char*> positive[] = {
      {options.connect_timeout, "connect_timeout"},
      {options.command_timeout, "command_timeout"},
      {options.acquire_timeout, "acquire_timeout"},
      {options.reconnect_backoff_min, "reconnect_backoff_min"},
  };
  for (const auto& [value, name] : positive) {
    if (value <= absl::ZeroDuration() || value == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat(name, " must be positive and finite"));
    }
  }
  if (options.reconnect_backoff_max < options.reconnect_backoff_min ||
      options.reconnect_backoff_max == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        "reconnect_backoff_max must be finite and at least reconnect_backoff_min");
  }
  return absl::OkStatus();
}

void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      ::signal(SIGPIPE, SIG_IGN);
    }
  });
}

// Runs `round_trip` on `lease` and reports it to `observer` (if any) as `command`.
template <typename RoundTrip>
auto Observed(RedisObserver* observer, std::string_view command, RoundTrip round_trip) {
  if (observer == nullptr) return round_trip();
  const auto start = std::chrono::steady_clock::now();
  auto result = round_trip();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  observer->OnRoundTrip(command, elapsed.count(), result.status());
  return result;
}

}  // namespace

absl::StatusOr<std::shared_ptr<RedisClient>> RedisClient::Connect(
    const RedisOptions& options, std::shared_ptr<RedisObserver> observer) {
  if (absl::Status valid = ValidateOptions(options); !valid.ok()) return valid;
  absl::StatusOr<RedisEndpoint> endpoint = ParseRedisUrl(options.url);
  if (!endpoint.ok()) return endpoint.status();
  IgnoreSigpipeOnce();
  auto pool = std::make_unique<ConnectionPool>(*std::move(endpoint), options, observer.get());
  return std::shared_ptr<RedisClient>(
      new RedisClient(options, std::move(observer), std::move(pool)));
}

RedisClient::RedisClient(RedisOptions options, std::shared_ptr<RedisObserver> observer,
                         std::unique_ptr<ConnectionPool> pool)
    : options_(std::move(options)), observer_(std::move(observer)), pool_(std::move(pool)) {}

RedisClient::~RedisClient() = default;

absl::StatusOr<RedisReply> RedisClient::CommandView(CommandArgs args) {
  absl::StatusOr<ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) {
    if (observer_ != nullptr) observer_->OnAcquireFailed(lease.status());
    return lease.status();
  }
  const std::string_view command = args.empty() ? std::string_view() : args[0];
  return Observed(observer_.get(), command, [&] { return (*lease)->Command(args); });
}

absl::StatusOr<RedisReply> RedisClient::Command(std::initializer_list<std::string_view> args) {
  return CommandView(CommandArgs(args.begin(), args.size()));
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  constexpr size_t kStackArgs = 16;
  std::string_view stack_views[kStackArgs];
  std::vector<std::string_view> heap_views;
  std::string_view* views = stack_views;
  if (args.size() > kStackArgs) {
    heap_views.resize(args.size());
    views = heap_views.data();
  }
  for (size_t i = 0; i < args.size(); ++i) views[i] = args[i];
  return CommandView(CommandArgs(views, args.size()));
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> RedisClient::PipelineView(
    absl::Span<const CommandArgs> commands) {
  if (commands.empty()) return std::vector<absl::StatusOr<RedisReply>>();
  absl::StatusOr<ConnectionPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) {
    if (observer_ != nullptr) observer_->OnAcquireFailed(lease.status());
    return lease.status();
  }
  return Observed(observer_.get(), "PIPELINE", [&] { return (*lease)->Pipeline(commands); });
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  size_t total_args = 0;
  for (const auto& command : commands) total_args += command.size();
  // Two allocations for the whole batch: every argument view, then one span per command.
  std::vector<std::string_view> views;
  views.reserve(total_args);
  std::vector<CommandArgs> spans;
  spans.reserve(commands.size());
  for (const auto& command : commands) {
    const size_t first = views.size();
    views.insert(views.end(), command.begin(), command.end());
    spans.emplace_back(views.data() + first, command.size());
  }
  return PipelineView(spans);
}

PoolStats RedisClient::Stats() const { return pool_->Stats(); }

}  // namespace dunbar::redis
