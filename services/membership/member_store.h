// The membership keyspace in Redis. Owns every key name and every Lua script; each state change is
// one script call (one round trip, atomic), each read one command or read-only script. Inputs are
// already validated and normalized by the domain layer; this layer only moves bytes.
//
// Keys, all under the tenant's hash tag  P = "dunbar:membership:{<tenant>}:"
//   P m:<id>           member hash (member_codec.h)
//   P members          zset, score 0: every member id (ids are time-ordered -> creation order)
//   P handles          hash "p:<E.164>" | "w:<wechat id>" | "e:<email>" -> member id
//   P stage:<n>, P tag:<tag>, P source:<source>   zsets, score 0: filter indexes
//   P rank             zset: warmth score (warmth.h); -inf for no interactions; no do-not-contact
//   P ix:<id>          zset, score 0: interaction entries (interaction_codec.h), newest kept
//   P ent:<order id>   entitlement hash;  P ents:<member id>  zset of order ids by grant time
//   P req:<request id> idempotency record "<fingerprint>\n<answer>" with a TTL
//   P events           stream: member.*, entitlement.*, interaction.recorded (ids only)
// Not a key: grants and revocations are also PUBLISHed on the channel
// "dunbar:membership:entitlement-changes" (entitlement_change_codec.h).
//
//   MemberStore store(redis, MemberStore::Options{});
//   store.LoadScripts().IgnoreError();  // Redis may be down at start; EVALSHA reloads later
//   auto member = store.GetMember("acme", id);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/redis/script_registry.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "services/membership/member_codec.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

// Everything a mutation script needs besides its own arguments.
struct Mutation {
  std::string tenant;
  std::string request_id;
  std::string fingerprint;  // RequestFingerprint of the canonical request
  absl::Time now;
};

struct MemberFilter {
  v1::Stage stage = v1::STAGE_UNSPECIFIED;  // unspecified: any
  std::string tag;                          // empty: any
  std::string source;                       // empty: any
};

struct MemberPage {
  std::vector<StoredMember> members;
  std::string next_cursor;  // last id of the page; empty on the last page
};

struct RankQuery {
  int page_size = 50;
  std::string cursor_score;  // empty: from the top
  std::string cursor_id;
  std::optional<int64_t> contacted_before_millis;  // keep contacts last contacted at or before
  v1::Stage stage = v1::STAGE_UNSPECIFIED;
  std::string tag;
  std::vector<std::string> exclude_ids;
};

struct RankPage {
  std::vector<StoredMember> contacts;
  std::string next_score;  // empty: last page
  std::string next_id;
};

struct InteractionPage {
  std::vector<v1::Interaction> interactions;
  std::string next_cursor;  // sort key of the last entry; empty on the last page
};

// One import row as the import script reads it (see lua/import_contacts.lua), normalized.
struct ImportRecord {
  std::string id_if_created;
  v1::Member member;  // name, handles, tags, source, connection point, notes
};

// Per row: 'c' created, 'm' merged, 'm:<field>' merged with a handle conflict on <field>.
using ImportBatchResult = std::vector<std::string>;

class MemberStore {
 public:
  struct Options {
    int event_stream_max_len = 100000;
    absl::Duration request_id_ttl = absl::Hours(24);
    int interactions_kept_per_member = 1000;
    // Index entries a list/rank call examines at most before returning a (possibly short) page
    // with a token to continue: bounds the time one call holds Redis when filters are selective.
    int scan_budget = 5000;
  };

  MemberStore(std::shared_ptr<redis::RedisClient> redis, Options options);

  // SCRIPT LOAD for every script; failing is fine when Redis is down (EVALSHA reloads later).
  absl::Status LoadScripts();
  // EVALSHA of a tiny registered script.
  absl::Status Probe();

  absl::StatusOr<StoredMember> CreateMember(const Mutation& mutation, const std::string& id,
                                            const v1::Member& normalized);
  // `fields`: hash field/value pairs to set ('' clears), from AppendMemberFields.
  absl::StatusOr<StoredMember> UpdateMember(const Mutation& mutation, const std::string& id,
                                            const std::vector<std::string>& fields);
  absl::StatusOr<bool> DeleteMember(const Mutation& mutation, const std::string& id);
  // NOT_FOUND "member <id>".
  absl::StatusOr<StoredMember> GetMember(const std::string& tenant, const std::string& id);
  // In request order; nullopt for unknown ids. One round trip.
  absl::StatusOr<std::vector<std::optional<StoredMember>>> GetMembers(
      const std::string& tenant, const std::vector<std::string>& ids);
  absl::StatusOr<MemberPage> ListMembers(const std::string& tenant, const MemberFilter& filter,
                                         const std::string& after_id, int page_size);
  // `handle_key`: "p:<E.164>", "w:<id>", "e:<email>". Empty optional: nobody has it.
  absl::StatusOr<std::optional<StoredMember>> FindByHandle(const std::string& tenant,
                                                           const std::string& handle_key);

  // Runs the batches in one pipeline (in order, each batch atomic). Results in batch order.
  absl::StatusOr<std::vector<ImportBatchResult>> ImportBatches(
      const std::string& tenant, absl::Time now,
      const std::vector<std::vector<ImportRecord>>& batches);

  // `log_warmth_term`: warmth.h LogWarmthTerm for this interaction (kNoWarmth: no warmth).
  absl::StatusOr<v1::Interaction> RecordInteraction(const Mutation& mutation,
                                                    const v1::Interaction& interaction,
                                                    double log_warmth_term);
  // NOT_FOUND "member <id>".
  absl::StatusOr<InteractionPage> ListInteractions(const std::string& tenant,
                                                   const std::string& member_id,
                                                   const std::string& after_cursor, int page_size);

  absl::StatusOr<RankPage> Rank(const std::string& tenant, const RankQuery& query);

  absl::StatusOr<StoredMember> SetPreference(const Mutation& mutation, const std::string& member_id,
                                             bool do_not_contact, const std::string& reason,
                                             v1::Channel channel);

  // `fingerprint` covers the grant's details: same order + same fingerprint = the same grant.
  absl::StatusOr<v1::Entitlement> Grant(const std::string& tenant, absl::Time now,
                                        const std::string& fingerprint,
                                        const v1::Entitlement& entitlement);
  absl::StatusOr<v1::Entitlement> Revoke(const std::string& tenant, absl::Time now,
                                         const std::string& order_id, const std::string& reason);
  // NOT_FOUND "member <id>" when the member is unknown and holds no entitlements.
  absl::StatusOr<std::vector<v1::Entitlement>> ListEntitlements(const std::string& tenant,
                                                                const std::string& member_id,
                                                                bool include_revoked);
  // The active order entitling the member to the program, or "" if none.
  absl::StatusOr<std::string> CheckEntitlement(const std::string& tenant,
                                               const std::string& member_id,
                                               const std::string& program_id);

 private:
  struct Scripts {
    redis::ScriptId probe, create_member, update_member, delete_member, find_member_by_handle,
        list_members, import_contacts, record_interaction, list_interactions, rank_contacts,
        set_contact_preference, grant_entitlement, revoke_entitlement, list_entitlements,
        check_entitlement;
  };

  static std::string Prefix(const std::string& tenant);
  static std::vector<std::string> Keys(const std::string& tenant);
  std::vector<std::string> MutationArgs(const Mutation& mutation) const;
  absl::StatusOr<redis::RedisReply> Eval(redis::ScriptId script, const std::string& tenant,
                                         std::vector<std::string> args);

  std::shared_ptr<redis::RedisClient> redis_;
  Options options_;
  redis::ScriptRegistry registry_;
  Scripts scripts_{};
};

}  // namespace dunbar::membership
