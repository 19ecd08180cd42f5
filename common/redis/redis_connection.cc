#include "common/redis/redis_connection.h"

#include <errno.h>
#include <hiredis/hiredis.h>
#include <poll.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/json_log.h"
#include "common/redis/redis_errors.h"

namespace dunbar::redis {
namespace {

// Commands up to this many arguments build their argv on the stack.
constexpr size_t kStackArgs = 16;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

// hiredis 0.14 reports a socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) as REDIS_ERR_IO with errno
// EAGAIN, whose text is this.
constexpr char kTimeoutErrstr[] = "Resource temporarily unavailable";

}  // namespace

void RedisConnection::ContextDeleter::operator()(redisContext* context) const {
  redisFree(context);
}

RedisConnection::RedisConnection(redisContext* context) : context_(context) {}
RedisConnection::~RedisConnection() = default;

absl::StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Open(
    const RedisEndpoint& endpoint, const RedisOptions& options) {
  const timeval connect_timeout = absl::ToTimeval(options.connect_timeout);
  redisContext* raw =
      endpoint.kind == RedisEndpoint::Kind::kUnix
          ? redisConnectUnixWithTimeout(endpoint.path.c_str(), connect_timeout)
          : redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, connect_timeout);
  if (raw == nullptr) return absl::ResourceExhaustedError("cannot allocate a Redis connection");
  std::unique_ptr<RedisConnection> connection(new RedisConnection(raw));
  if (raw->err != 0) {
    log::Warn("redis_connect_failed",
              {{"endpoint", endpoint.Describe()}, {"error", std::string(raw->errstr)}});
    return TransportUnavailableError(absl::StrCat("cannot connect to Redis: ", raw->errstr));
  }
  if (redisSetTimeout(raw, absl::ToTimeval(options.command_timeout)) != REDIS_OK) {
    return TransportUnavailableError("cannot set the Redis command timeout");
  }
  if (endpoint.kind == RedisEndpoint::Kind::kTcp) {
    // Detects peers that vanished without a FIN (host crash, partition) on idle connections.
    redisEnableKeepAlive(raw);
  }

  if (!endpoint.password.empty()) {
    absl::StatusOr<RedisReply> auth =
        endpoint.username.empty()
            ? connection->Command({std::string_view("AUTH"), endpoint.password})
            : connection->Command({std::string_view("AUTH"), endpoint.username, endpoint.password});
    if (!auth.ok()) {
      if (IsConnectionError(auth.status())) return auth.status();
      return absl::UnavailableError(
          "Redis rejected the credentials (check the user and password in the Redis URL)");
    }
  }
  if (endpoint.db != 0) {
    const std::string db = absl::StrCat(endpoint.db);
    absl::StatusOr<RedisReply> select = connection->Command({std::string_view("SELECT"), db});
    if (!select.ok()) {
      if (IsConnectionError(select.status())) return select.status();
      return absl::UnavailableError(
          absl::StrCat("Redis rejected database ", endpoint.db, " from the Redis URL"));
    }
  }
  return connection;
}

bool RedisConnection::broken() const { return failed_ || context_->err != 0; }

bool RedisConnection::IdleAndHealthy() const {
  if (broken()) return false;
  pollfd probe{};
  probe.fd = context_->fd;
  probe.events = POLLIN;
  const int ready = ::poll(&probe, 1, 0);
  // Readable while idle means EOF (server closed it) or stray bytes: either way, out of step.
  if (ready > 0) return false;
  return ready == 0 || errno == EINTR;
}

absl::Status RedisConnection::Append(CommandArgs args) {
  if (args.empty()) return absl::InvalidArgumentError("empty Redis command");
  const char* stack_argv[kStackArgs];
  size_t stack_lengths[kStackArgs];
  std::vector<const char*> heap_argv;
  std::vector<size_t> heap_lengths;
  const char** argv = stack_argv;
  size_t* lengths = stack_lengths;
  if (args.size() > kStackArgs) {
    heap_argv.resize(args.size());
    heap_lengths.resize(args.size());
    argv = heap_argv.data();
    lengths = heap_lengths.data();
  }
  for (size_t i = 0; i < args.size(); ++i) {
    argv[i] = args[i].data();
    lengths[i] = args[i].size();
  }
  if (redisAppendCommandArgv(context_.get(), static_cast<int>(args.size()), argv, lengths) !=
      REDIS_OK) {
    return TransportError(errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> RedisConnection::ReadReply() {
  void* raw = nullptr;
  errno = 0;
  if (redisGetReply(context_.get(), &raw) != REDIS_OK || raw == nullptr) {
    const int saved_errno = errno;
    if (raw != nullptr) freeReplyObject(raw);
    return TransportError(saved_errno);
  }
  ReplyPtr reply(static_cast<redisReply*>(raw));
  if (reply->type == REDIS_REPLY_ERROR) {
    return StatusFromErrorReply(std::string_view(reply->str, reply->len));
  }
  return RedisReply::FromHiredis(*reply);
}

absl::Status RedisConnection::TransportError(int saved_errno) {
  failed_ = true;
  const redisContext& context = *context_;
  if (context.err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK ||
                                      std::strcmp(context.errstr, kTimeoutErrstr) == 0)) {
    log::Warn("redis_command_timeout", {});
    return TransportTimeoutError("Redis command timed out");
  }
  if (context.err == 0) {
    // hiredis returned an error without recording one; never reuse such a connection.
    log::Warn("redis_transport_error", {{"error", "unknown"}});
    return TransportUnavailableError("Redis connection failed");
  }
  log::Warn("redis_transport_error",
            {{"code", context.err}, {"error", std::string(context.errstr)}});
  return TransportUnavailableError("Redis connection lost");
}

absl::StatusOr<RedisReply> RedisConnection::Command(CommandArgs args) {
  if (absl::Status appended = Append(args); !appended.ok()) return appended;
  return ReadReply();
}

absl::Status RedisConnection::Send(CommandArgs args) {
  if (absl::Status appended = Append(args); !appended.ok()) return appended;
  int done = 0;
  while (done == 0) {
    if (redisBufferWrite(context_.get(), &done) != REDIS_OK) return TransportError(errno);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RedisReply>> RedisConnection::ReadReplyWithin(absl::Duration wait) {
  if (broken()) return TransportUnavailableError("Redis connection lost");
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    void* raw = nullptr;
    if (redisGetReplyFromReader(context_.get(), &raw) != REDIS_OK) return TransportError(errno);
    if (raw != nullptr) {
      ReplyPtr reply(static_cast<redisReply*>(raw));
      if (reply->type == REDIS_REPLY_ERROR) {
        return StatusFromErrorReply(std::string_view(reply->str, reply->len));
      }
      return RedisReply::FromHiredis(*reply);
    }
    // Rounded up, so a wait shorter than a millisecond still waits; capped to poll's int range.
    const int64_t left_ms = absl::ToInt64Milliseconds(
        absl::Ceil(std::max(deadline - absl::Now(), absl::ZeroDuration()), absl::Milliseconds(1)));
    pollfd readable{};
    readable.fd = context_->fd;
    readable.events = POLLIN;
    const int ready =
        ::poll(&readable, 1,
               static_cast<int>(std::min<int64_t>(left_ms, std::numeric_limits<int>::max())));
    if (ready < 0) {
      if (errno == EINTR) continue;
      return TransportError(errno);
    }
    if (ready == 0) return std::nullopt;
    // Readable (or hung up): the read cannot block; EOF and errors mark the context failed.
    if (redisBufferRead(context_.get()) != REDIS_OK) return TransportError(errno);
  }
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> RedisConnection::Pipeline(
    absl::Span<const CommandArgs> commands) {
  // Validate first: a command appended but never read would desynchronise the connection.
  for (CommandArgs args : commands) {
    if (args.empty()) return absl::InvalidArgumentError("empty Redis command in pipeline");
  }
  for (CommandArgs args : commands) {
    if (absl::Status appended = Append(args); !appended.ok()) return appended;
  }
  std::vector<absl::StatusOr<RedisReply>> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    absl::StatusOr<RedisReply> reply = ReadReply();
    if (!reply.ok() && broken()) return reply.status();
    replies.push_back(std::move(reply));
  }
  return replies;
}

}  // namespace dunbar::redis
