#include "common/redis/script_registry.h"

#include <openssl/evp.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log/json_log.h"
#include "common/redis/redis_errors.h"

namespace dunbar::redis {
namespace {

// Lower-case hex SHA1, as Redis names scripts. EVP_Digest rather than SHA1(), which OpenSSL 3
// deprecates; the digest is the same.
std::string Sha1Hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_length = 0;
  EVP_Digest(text.data(), text.size(), digest, &digest_length, EVP_sha1(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(digest_length * 2, '0');
  for (unsigned int i = 0; i < digest_length; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return hex;
}

// Argument views for EVALSHA/EVAL: {command, sha-or-source, numkeys, keys..., args...}, appended
// to `views` (which the caller reserved, so earlier views stay valid).
void AppendEvalArgs(std::string_view command, std::string_view script, std::string_view numkeys,
                    const std::vector<std::string>& keys, const std::vector<std::string>& args,
                    std::vector<std::string_view>& views) {
  views.push_back(command);
  views.push_back(script);
  views.push_back(numkeys);
  views.insert(views.end(), keys.begin(), keys.end());
  views.insert(views.end(), args.begin(), args.end());
}

}  // namespace

ScriptRegistry::ScriptRegistry(std::shared_ptr<RedisClient> client) : client_(std::move(client)) {}

ScriptId ScriptRegistry::Register(std::string name, std::string_view source) {
  scripts_.push_back(Script{std::move(name), std::string(source), Sha1Hex(source)});
  return scripts_.size() - 1;
}

const std::string& ScriptRegistry::sha(ScriptId script) const { return scripts_.at(script).sha; }
const std::string& ScriptRegistry::name(ScriptId script) const { return scripts_.at(script).name; }

absl::Status ScriptRegistry::Load(const Script& script) {
  absl::StatusOr<RedisReply> reply = client_->Command({"SCRIPT", "LOAD", script.source});
  if (!reply.ok()) {
    log::Error("redis_script_load_failed",
               {{"script", script.name}, {"error", std::string(reply.status().message())}});
    return reply.status();
  }
  if (reply->str() != script.sha) {
    log::Error("redis_script_sha_mismatch",
               {{"script", script.name}, {"expected", script.sha}, {"got", reply->str()}});
    return absl::InternalError(absl::StrCat("script ", script.name, " loaded under another SHA1"));
  }
  return absl::OkStatus();
}

absl::Status ScriptRegistry::LoadAll() {
  for (const Script& script : scripts_) {
    if (absl::Status loaded = Load(script); !loaded.ok()) return loaded;
  }
  return absl::OkStatus();
}

absl::StatusOr<RedisReply> ScriptRegistry::Eval(ScriptId script_id,
                                                const std::vector<std::string>& keys,
                                                const std::vector<std::string>& args) {
  if (script_id >= scripts_.size()) return absl::InvalidArgumentError("unknown script id");
  const Script& script = scripts_[script_id];
  const std::string numkeys = absl::StrCat(keys.size());  // short: no heap allocation
  std::vector<std::string_view> views;
  views.reserve(3 + keys.size() + args.size());
  AppendEvalArgs("EVALSHA", script.sha, numkeys, keys, args, views);
  absl::StatusOr<RedisReply> reply = client_->CommandView(views);
  if (reply.ok() || !IsNoScriptError(reply.status())) return reply;
  // Redis lost its script cache (restart or SCRIPT FLUSH). EVAL runs the body and caches it again,
  // so this costs one extra round trip, once per connection-visible cache loss.
  log::Info("redis_script_reload", {{"script", script.name}});
  views[0] = "EVAL";
  views[1] = script.source;
  return client_->CommandView(views);
}

absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> ScriptRegistry::EvalPipeline(
    ScriptId script_id, const std::vector<ScriptCall>& calls) {
  if (script_id >= scripts_.size()) return absl::InvalidArgumentError("unknown script id");
  const Script& script = scripts_[script_id];
  std::vector<std::string> numkeys;  // Owns the decimal key counts the views point into.
  numkeys.reserve(calls.size());
  size_t total_args = 0;
  for (const ScriptCall& call : calls) {
    numkeys.push_back(absl::StrCat(call.keys.size()));
    total_args += 3 + call.keys.size() + call.args.size();
  }
  std::vector<std::string_view> views;
  views.reserve(total_args);
  std::vector<CommandArgs> commands;
  commands.reserve(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    const size_t first = views.size();
    AppendEvalArgs("EVALSHA", script.sha, numkeys[i], calls[i].keys, calls[i].args, views);
    commands.emplace_back(views.data() + first, views.size() - first);
  }

  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> replies = client_->PipelineView(commands);
  if (!replies.ok()) return replies;
  std::vector<size_t> missing;
  for (size_t i = 0; i < replies->size(); ++i) {
    if (!(*replies)[i].ok() && IsNoScriptError((*replies)[i].status())) missing.push_back(i);
  }
  if (missing.empty()) return replies;

  // Load once, then resend only the calls Redis refused; calls that ran are not repeated.
  log::Info("redis_script_reload",
            {{"script", script.name}, {"resent_calls", static_cast<int64_t>(missing.size())}});
  if (absl::Status loaded = Load(script); !loaded.ok()) return loaded;
  std::vector<CommandArgs> retry;
  retry.reserve(missing.size());
  for (size_t index : missing) retry.push_back(commands[index]);
  absl::StatusOr<std::vector<absl::StatusOr<RedisReply>>> retried = client_->PipelineView(retry);
  if (!retried.ok()) return retried.status();
  for (size_t i = 0; i < missing.size(); ++i) {
    (*replies)[missing[i]] = std::move((*retried)[i]);
  }
  return replies;
}

}  // namespace dunbar::redis
