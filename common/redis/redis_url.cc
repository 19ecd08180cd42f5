#include "common/redis/redis_url.h"

#include <sys/un.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace dunbar::redis {
namespace {

constexpr absl::string_view kTcpScheme = "redis://";
constexpr absl::string_view kUnixScheme = "unix://";

// Error messages never echo the URL: it may hold a password.
absl::Status UrlError(absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("Redis URL: ", problem));
}

bool AllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view text, absl::string_view field) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int high = i + 2 < text.size() ? HexValue(text[i + 1]) : -1;
    const int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (high < 0 || low < 0) return UrlError(absl::StrCat("bad percent-encoding in the ", field));
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

// "[user]:password" -> endpoint->username/password.
absl::Status ParseUserInfo(absl::string_view userinfo, RedisEndpoint& endpoint) {
  const size_t colon = userinfo.find(':');
  if (colon == absl::string_view::npos) {
    return UrlError("credentials must be written [user]:password@ (the colon is required)");
  }
  auto username = PercentDecode(userinfo.substr(0, colon), "user name");
  if (!username.ok()) return username.status();
  auto password = PercentDecode(userinfo.substr(colon + 1), "password");
  if (!password.ok()) return password.status();
  if (password->empty()) return UrlError("empty password");
  endpoint.username = std::move(*username);
  endpoint.password = std::move(*password);
  return absl::OkStatus();
}

absl::StatusOr<int> ParseDb(absl::string_view text) {
  int db = 0;
  if (!AllDigits(text) || !absl::SimpleAtoi(text, &db)) {
    return UrlError("database must be a non-negative integer");
  }
  return db;
}

absl::Status ParseHostPort(absl::string_view hostport, RedisEndpoint& endpoint) {
  absl::string_view host;
  absl::string_view port_text;
  bool has_port = false;
  if (absl::StartsWith(hostport, "[")) {  // [IPv6]:port
    const size_t close = hostport.find(']');
    if (close == absl::string_view::npos) return UrlError("unterminated [IPv6] host");
    host = hostport.substr(1, close - 1);
    absl::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return UrlError("unexpected text after the [IPv6] host");
      has_port = true;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = hostport.find(':');
    host = hostport.substr(0, colon);
    if (colon != absl::string_view::npos) {
      has_port = true;
      port_text = hostport.substr(colon + 1);
      if (absl::StrContains(port_text, ':')) {
        return UrlError("IPv6 hosts must be written in brackets, e.g. [::1]:6379");
      }
    }
  }
  if (host.empty()) return UrlError("missing host");
  endpoint.host = std::string(host);
  if (has_port) {
    int port = 0;
    if (!AllDigits(port_text) || !absl::SimpleAtoi(port_text, &port) || port < 1 || port > 65535) {
      return UrlError("port must be a number from 1 to 65535");
    }
    endpoint.port = port;
  }
  return absl::OkStatus();
}

absl::StatusOr<RedisEndpoint> ParseTcp(absl::string_view rest) {
  RedisEndpoint endpoint;
  endpoint.kind = RedisEndpoint::Kind::kTcp;
  // Credentials end at the last '@', so passwords may hold '/' or '@' unencoded.
  const size_t at = rest.rfind('@');
  if (at != absl::string_view::npos) {
    if (absl::Status s = ParseUserInfo(rest.substr(0, at), endpoint); !s.ok()) return s;
    rest = rest.substr(at + 1);
  }
  if (absl::StrContains(rest, '?') || absl::StrContains(rest, '#')) {
    return UrlError("query parameters are not supported in redis:// URLs; put the db in the path");
  }
  const size_t slash = rest.find('/');
  if (absl::Status s = ParseHostPort(rest.substr(0, slash), endpoint); !s.ok()) return s;
  if (slash != absl::string_view::npos) {
    absl::string_view db = rest.substr(slash + 1);
    if (!db.empty()) {
      auto parsed = ParseDb(db);
      if (!parsed.ok()) return parsed.status();
      endpoint.db = *parsed;
    }
  }
  return endpoint;
}

absl::StatusOr<RedisEndpoint> ParseUnix(absl::string_view rest) {
  RedisEndpoint endpoint;
  endpoint.kind = RedisEndpoint::Kind::kUnix;
  if (!absl::StartsWith(rest, "/")) {
    const size_t at = rest.rfind("@/");
    if (at == absl::string_view::npos) {
      return UrlError("unix socket path must be absolute: unix:///path/to/redis.sock");
    }
    if (absl::Status s = ParseUserInfo(rest.substr(0, at), endpoint); !s.ok()) return s;
    rest = rest.substr(at + 1);
  }
  const size_t question = rest.find('?');
  absl::string_view path = rest.substr(0, question);
  if (path.size() <= 1) return UrlError("missing unix socket path");
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return UrlError(
        absl::StrCat("unix socket path longer than ", sizeof(sockaddr_un::sun_path) - 1, " bytes"));
  }
  endpoint.path = std::string(path);
  if (question != absl::string_view::npos) {
    for (absl::string_view param : absl::StrSplit(rest.substr(question + 1), '&')) {
      std::pair<absl::string_view, absl::string_view> kv =
          absl::StrSplit(param, absl::MaxSplits('=', 1));
      if (kv.first != "db") {
        return UrlError(absl::StrCat("unknown query parameter '", kv.first, "' (only db=N)"));
      }
      auto parsed = ParseDb(kv.second);
      if (!parsed.ok()) return parsed.status();
      endpoint.db = *parsed;
    }
  }
  return endpoint;
}

}  // namespace

std::string RedisEndpoint::Describe() const {
  if (kind == Kind::kUnix) return absl::StrCat("unix://", path);
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<RedisEndpoint> ParseRedisUrl(std::string_view std_url) {
  const absl::string_view url(std_url.data(), std_url.size());
  if (url.empty()) return UrlError("empty");
  if (absl::StartsWithIgnoreCase(url, kTcpScheme)) return ParseTcp(url.substr(kTcpScheme.size()));
  if (absl::StartsWithIgnoreCase(url, kUnixScheme)) {
    return ParseUnix(url.substr(kUnixScheme.size()));
  }
  if (absl::StartsWithIgnoreCase(url, "rediss://")) {
    return UrlError("TLS (rediss://) is not supported by hiredis 0.14; use redis:// or unix://");
  }
  return UrlError("unknown scheme; use redis://host:port/db or unix:///path/to/redis.sock");
}

}  // namespace dunbar::redis
