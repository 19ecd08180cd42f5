#include "common/redis/redis_reply.h"

#include <hiredis/hiredis.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace dunbar::redis {

RedisReply RedisReply::Nil() { return RedisReply(); }

RedisReply RedisReply::String(std::string s) {
  RedisReply reply;
  reply.type_ = Type::kString;
  reply.str_ = std::move(s);
  return reply;
}

RedisReply RedisReply::Status(std::string s) {
  RedisReply reply;
  reply.type_ = Type::kStatus;
  reply.str_ = std::move(s);
  return reply;
}

RedisReply RedisReply::Integer(int64_t v) {
  RedisReply reply;
  reply.type_ = Type::kInteger;
  reply.integer_ = v;
  return reply;
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply reply;
  reply.type_ = Type::kArray;
  reply.elements_ = std::move(elements);
  return reply;
}

RedisReply RedisReply::FromHiredis(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_ERROR:
      return String(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return Status(std::string(reply.str, reply.len));
    case REDIS_REPLY_INTEGER:
      return Integer(reply.integer);
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        // hiredis leaves an element NULL only on allocation failure; treat it as NIL.
        elements.push_back(reply.element[i] != nullptr ? FromHiredis(*reply.element[i]) : Nil());
      }
      return Array(std::move(elements));
    }
    case REDIS_REPLY_NIL:
    default:
      return Nil();
  }
}

std::optional<std::string> RedisReply::AsOptionalString() const {
  switch (type_) {
    case Type::kString:
    case Type::kStatus:
      return str_;
    case Type::kInteger:
      return absl::StrCat(integer_);
    case Type::kNil:
    case Type::kArray:
      break;
  }
  return std::nullopt;
}

absl::StatusOr<int64_t> RedisReply::AsInteger() const {
  if (type_ == Type::kInteger) return integer_;
  int64_t value = 0;
  if (type_ == Type::kString && absl::SimpleAtoi(str_, &value)) return value;
  return absl::InternalError("storage reply is not an integer");
}

std::string RedisReply::DebugString() const {
  switch (type_) {
    case Type::kNil:
      return "(nil)";
    case Type::kString:
      return absl::StrCat("\"", absl::CHexEscape(str_), "\"");
    case Type::kStatus:
      return str_;
    case Type::kInteger:
      return absl::StrCat("(integer) ", integer_);
    case Type::kArray:
      return absl::StrCat("[",
                          absl::StrJoin(elements_, ", ",
                                        [](std::string* out, const RedisReply& e) {
                                          out->append(e.DebugString());
                                        }),
                          "]");
  }
  return "";
}

}  // namespace dunbar::redis
