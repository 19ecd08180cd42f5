// An owned, copyable Redis reply (RESP2 as spoken by hiredis 0.14).
//
// Error replies never become a RedisReply: the client turns them into an absl::Status (see
// redis_errors.h). NIL is a reply of type kNil and maps to an empty optional in the accessors.
//
//   auto reply = client->Command({"HGET", key, "name"});
//   if (!reply.ok()) return reply.status();
//   std::optional<std::string> name = reply->AsOptionalString();
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

struct redisReply;  // hiredis

namespace dunbar::redis {

class RedisReply {
 public:
  enum class Type { kNil, kString, kStatus, kInteger, kArray };

  RedisReply() = default;  // NIL
  static RedisReply Nil();
  static RedisReply String(std::string s);
  static RedisReply Status(std::string s);
  static RedisReply Integer(int64_t v);
  static RedisReply Array(std::vector<RedisReply> elements);
  // Deep-copies a hiredis reply (which the caller still owns). REDIS_REPLY_ERROR is mapped to
  // kString; callers check for errors before converting.
  static RedisReply FromHiredis(const redisReply& reply);

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_array() const { return type_ == Type::kArray; }
  const std::string& str() const { return str_; }                        // kString / kStatus
  int64_t integer() const { return integer_; }                           // kInteger
  const std::vector<RedisReply>& elements() const { return elements_; }  // kArray

  // NIL (and arrays) -> nullopt; string/status -> the text; integer -> its decimal form.
  std::optional<std::string> AsOptionalString() const;
  // Integer replies, or strings that hold a decimal integer; else INTERNAL.
  absl::StatusOr<int64_t> AsInteger() const;
  // Human-readable form for logs and test failure messages.
  std::string DebugString() const;

 private:
  Type type_ = Type::kNil;
  std::string str_;
  int64_t integer_ = 0;
  std::vector<RedisReply> elements_;
};

}  // namespace dunbar::redis
