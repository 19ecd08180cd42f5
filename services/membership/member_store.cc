#include "services/membership/member_store.h"

#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "membership_lib_embedded.h"
#include "services/membership/api_helpers.h"
#include "services/membership/entitlement_change_codec.h"
#include "services/membership/interaction_codec.h"

namespace dunbar::membership {
namespace {

using redis::RedisReply;

constexpr int kImportRowFields = 10;

// Every script but the probe starts with the shared helpers.
std::string WithLib(std::string_view body) {
  return std::string(lua::kLibLua) + "\n" + std::string(body);
}

std::string Millis(absl::Time time) { return absl::StrCat(TimeToMillis(time)); }

absl::Status UnexpectedReply(const char* what) {
  return absl::InternalError(absl::StrCat(what, ": unexpected reply from the store"));
}

absl::StatusOr<StoredMember> DecodeExistingMember(const RedisReply& reply,
                                                  const std::string& tenant,
                                                  const std::string& id) {
  DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(reply, tenant));
  if (stored.member.id().empty()) return absl::NotFoundError(absl::StrCat("member ", id));
  return stored;
}

}  // namespace

MemberStore::MemberStore(std::shared_ptr<redis::RedisClient> redis, Options options)
    : redis_(std::move(redis)), options_(options), registry_(redis_) {
  scripts_.probe = registry_.Register("membership.probe", lua::kProbeLua);
  scripts_.create_member =
      registry_.Register("membership.create_member", WithLib(lua::kCreateMemberLua));
  scripts_.update_member =
      registry_.Register("membership.update_member", WithLib(lua::kUpdateMemberLua));
  scripts_.delete_member =
      registry_.Register("membership.delete_member", WithLib(lua::kDeleteMemberLua));
  scripts_.find_member_by_handle =
      registry_.Register("membership.find_member_by_handle", WithLib(lua::kFindMemberByHandleLua));
  scripts_.list_members =
      registry_.Register("membership.list_members", WithLib(lua::kListMembersLua));
  scripts_.import_contacts =
      registry_.Register("membership.import_contacts", WithLib(lua::kImportContactsLua));
  scripts_.record_interaction =
      registry_.Register("membership.record_interaction", WithLib(lua::kRecordInteractionLua));
  scripts_.list_interactions =
      registry_.Register("membership.list_interactions", WithLib(lua::kListInteractionsLua));
  scripts_.rank_contacts =
      registry_.Register("membership.rank_contacts", WithLib(lua::kRankContactsLua));
  scripts_.set_contact_preference = registry_.Register("membership.set_contact_preference",
                                                       WithLib(lua::kSetContactPreferenceLua));
  scripts_.grant_entitlement =
      registry_.Register("membership.grant_entitlement", WithLib(lua::kGrantEntitlementLua));
  scripts_.revoke_entitlement =
      registry_.Register("membership.revoke_entitlement", WithLib(lua::kRevokeEntitlementLua));
  scripts_.list_entitlements =
      registry_.Register("membership.list_entitlements", WithLib(lua::kListEntitlementsLua));
  scripts_.check_entitlement =
      registry_.Register("membership.check_entitlement", WithLib(lua::kCheckEntitlementLua));
}

std::string MemberStore::Prefix(const std::string& tenant) {
  return absl::StrCat("dunbar:membership:{", tenant, "}:");
}

std::vector<std::string> MemberStore::Keys(const std::string& tenant) {
  return {absl::StrCat(Prefix(tenant), "members")};
}

std::vector<std::string> MemberStore::MutationArgs(const Mutation& mutation) const {
  return {Millis(mutation.now), mutation.request_id, mutation.fingerprint,
          absl::StrCat(absl::ToInt64Milliseconds(options_.request_id_ttl)),
          absl::StrCat(options_.event_stream_max_len)};
}

absl::StatusOr<RedisReply> MemberStore::Eval(redis::ScriptId script, const std::string& tenant,
                                             std::vector<std::string> args) {
  args.insert(args.begin(), Prefix(tenant));
  return registry_.Eval(script, Keys(tenant), args);
}

absl::Status MemberStore::LoadScripts() { return registry_.LoadAll(); }

absl::Status MemberStore::Probe() {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, registry_.Eval(scripts_.probe, {}, {}));
  DUNBAR_ASSIGN_OR_RETURN(int64_t one, reply.AsInteger());
  if (one != 1) return UnexpectedReply("probe");
  return absl::OkStatus();
}

absl::StatusOr<StoredMember> MemberStore::CreateMember(const Mutation& mutation,
                                                       const std::string& id,
                                                       const v1::Member& normalized) {
  std::vector<std::string> args = MutationArgs(mutation);
  args.push_back(id);
  std::vector<std::string> paths(kUpdatablePaths.begin(), kUpdatablePaths.end());
  DUNBAR_RETURN_IF_ERROR(AppendMemberFields(normalized, paths, args));
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.create_member, mutation.tenant, std::move(args)));
  return DecodeExistingMember(reply, mutation.tenant, id);
}

absl::StatusOr<StoredMember> MemberStore::UpdateMember(const Mutation& mutation,
                                                       const std::string& id,
                                                       const std::vector<std::string>& fields) {
  std::vector<std::string> args = MutationArgs(mutation);
  args.push_back(id);
  args.insert(args.end(), fields.begin(), fields.end());
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.update_member, mutation.tenant, std::move(args)));
  return DecodeExistingMember(reply, mutation.tenant, id);
}

absl::StatusOr<bool> MemberStore::DeleteMember(const Mutation& mutation, const std::string& id) {
  std::vector<std::string> args = MutationArgs(mutation);
  args.push_back(id);
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.delete_member, mutation.tenant, std::move(args)));
  DUNBAR_ASSIGN_OR_RETURN(int64_t deleted, reply.AsInteger());
  return deleted == 1;
}

absl::StatusOr<StoredMember> MemberStore::GetMember(const std::string& tenant,
                                                    const std::string& id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          redis_->Command({"HGETALL", absl::StrCat(Prefix(tenant), "m:", id)}));
  return DecodeExistingMember(reply, tenant, id);
}

absl::StatusOr<std::vector<std::optional<StoredMember>>> MemberStore::GetMembers(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<std::vector<std::string>> commands;
  commands.reserve(ids.size());
  for (const std::string& id : ids) {
    commands.push_back({"HGETALL", absl::StrCat(Prefix(tenant), "m:", id)});
  }
  std::vector<std::optional<StoredMember>> members;
  if (commands.empty()) return members;
  DUNBAR_ASSIGN_OR_RETURN(auto replies, redis_->Pipeline(commands));
  for (auto& reply : replies) {
    if (!reply.ok()) return reply.status();
    DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(*reply, tenant));
    if (stored.member.id().empty()) {
      members.emplace_back(std::nullopt);
    } else {
      members.emplace_back(std::move(stored));
    }
  }
  return members;
}

absl::StatusOr<MemberPage> MemberStore::ListMembers(const std::string& tenant,
                                                    const MemberFilter& filter,
                                                    const std::string& after_id, int page_size) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Eval(scripts_.list_members, tenant,
           {absl::StrCat(page_size), after_id,
            filter.stage == v1::STAGE_UNSPECIFIED ? ""
                                                  : absl::StrCat(static_cast<int>(filter.stage)),
            filter.tag, filter.source, absl::StrCat(options_.scan_budget)}));
  if (!reply.is_array() || reply.elements().empty()) return UnexpectedReply("list members");
  MemberPage page;
  page.next_cursor = reply.elements()[0].str();
  for (size_t i = 1; i < reply.elements().size(); ++i) {
    DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(reply.elements()[i], tenant));
    if (!stored.member.id().empty()) page.members.push_back(std::move(stored));
  }
  return page;
}

absl::StatusOr<std::optional<StoredMember>> MemberStore::FindByHandle(
    const std::string& tenant, const std::string& handle_key) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.find_member_by_handle, tenant, {handle_key}));
  DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(reply, tenant));
  if (stored.member.id().empty()) return std::optional<StoredMember>();
  return std::optional<StoredMember>(std::move(stored));
}

absl::StatusOr<std::vector<ImportBatchResult>> MemberStore::ImportBatches(
    const std::string& tenant, absl::Time now,
    const std::vector<std::vector<ImportRecord>>& batches) {
  std::vector<redis::ScriptCall> calls;
  calls.reserve(batches.size());
  for (const std::vector<ImportRecord>& batch : batches) {
    redis::ScriptCall call;
    call.keys = Keys(tenant);
    call.args.reserve(3 + batch.size() * kImportRowFields);
    call.args.push_back(Prefix(tenant));
    call.args.push_back(Millis(now));
    call.args.push_back(absl::StrCat(options_.event_stream_max_len));
    for (const ImportRecord& record : batch) {
      const v1::Member& m = record.member;
      const v1::ConnectionPoint& cp = m.connection_point();
      call.args.push_back(record.id_if_created);
      call.args.push_back(m.name());
      call.args.push_back(m.phone());
      call.args.push_back(m.wechat_id());
      call.args.push_back(m.email());
      call.args.push_back(JoinTags(m.tags()));
      call.args.push_back(m.source());
      call.args.push_back(cp.description());
      call.args.push_back(cp.has_at() ? absl::StrCat(TimestampToMillis(cp.at())) : "");
      call.args.push_back(m.notes());
    }
    calls.push_back(std::move(call));
  }
  std::vector<ImportBatchResult> results;
  if (calls.empty()) return results;
  DUNBAR_ASSIGN_OR_RETURN(auto replies, registry_.EvalPipeline(scripts_.import_contacts, calls));
  if (replies.size() != batches.size()) return UnexpectedReply("import");
  for (size_t b = 0; b < replies.size(); ++b) {
    if (!replies[b].ok()) return replies[b].status();
    const RedisReply& reply = *replies[b];
    if (!reply.is_array() || reply.elements().size() != batches[b].size()) {
      return UnexpectedReply("import");
    }
    ImportBatchResult rows;
    rows.reserve(reply.elements().size());
    for (const RedisReply& row : reply.elements()) rows.push_back(row.str());
    results.push_back(std::move(rows));
  }
  return results;
}

absl::StatusOr<v1::Interaction> MemberStore::RecordInteraction(const Mutation& mutation,
                                                               const v1::Interaction& interaction,
                                                               double log_warmth_term) {
  std::vector<std::string> args = MutationArgs(mutation);
  std::string term;
  if (log_warmth_term != kNoWarmth) {
    char buffer[40];
    std::snprintf(buffer, sizeof(buffer), "%.17g", log_warmth_term);
    term = buffer;
  }
  args.insert(args.end(), {interaction.member_id(), EncodeInteractionEntry(interaction),
                           absl::StrCat(static_cast<int>(interaction.kind())),
                           absl::StrCat(TimestampToMillis(interaction.at())), term,
                           interaction.kind() == v1::CONTACTED ? "1" : "0",
                           absl::StrCat(options_.interactions_kept_per_member)});
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.record_interaction, mutation.tenant, std::move(args)));
  if (reply.type() != RedisReply::Type::kString) return UnexpectedReply("record interaction");
  return DecodeInteractionEntry(reply.str(), interaction.member_id());
}

absl::StatusOr<InteractionPage> MemberStore::ListInteractions(const std::string& tenant,
                                                              const std::string& member_id,
                                                              const std::string& after_cursor,
                                                              int page_size) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.list_interactions, tenant,
                               {member_id, absl::StrCat(page_size + 1), after_cursor}));
  if (!reply.is_array() || reply.elements().empty()) return UnexpectedReply("list interactions");
  DUNBAR_ASSIGN_OR_RETURN(int64_t found, reply.elements()[0].AsInteger());
  if (found != 1) return absl::NotFoundError(absl::StrCat("member ", member_id));
  InteractionPage page;
  const auto& entries = reply.elements();
  for (size_t i = 1; i < entries.size() && static_cast<int>(i) <= page_size; ++i) {
    DUNBAR_ASSIGN_OR_RETURN(v1::Interaction interaction,
                            DecodeInteractionEntry(entries[i].str(), member_id));
    page.interactions.push_back(std::move(interaction));
  }
  if (static_cast<int>(entries.size()) - 1 > page_size) {
    page.next_cursor = std::string(InteractionSortKey(entries[page_size].str()));
  }
  return page;
}

absl::StatusOr<RankPage> MemberStore::Rank(const std::string& tenant, const RankQuery& query) {
  std::vector<std::string> args = {
      absl::StrCat(query.page_size),
      query.cursor_score,
      query.cursor_id,
      query.contacted_before_millis ? absl::StrCat(*query.contacted_before_millis) : "",
      query.stage == v1::STAGE_UNSPECIFIED ? "" : absl::StrCat(static_cast<int>(query.stage)),
      query.tag,
      absl::StrCat(options_.scan_budget)};
  args.insert(args.end(), query.exclude_ids.begin(), query.exclude_ids.end());
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Eval(scripts_.rank_contacts, tenant, std::move(args)));
  const auto& items = reply.elements();
  if (!reply.is_array() || items.size() < 2 || (items.size() - 2) % 3 != 0) {
    return UnexpectedReply("rank contacts");
  }
  RankPage page;
  page.next_score = items[0].str();
  page.next_id = items[1].str();
  for (size_t i = 2; i < items.size(); i += 3) {
    DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, DecodeMemberHash(items[i + 2], tenant));
    if (!stored.member.id().empty()) page.contacts.push_back(std::move(stored));
  }
  return page;
}

absl::StatusOr<StoredMember> MemberStore::SetPreference(const Mutation& mutation,
                                                        const std::string& member_id,
                                                        bool do_not_contact,
                                                        const std::string& reason,
                                                        v1::Channel channel) {
  std::vector<std::string> args = MutationArgs(mutation);
  args.insert(args.end(), {member_id, do_not_contact ? "1" : "0", reason,
                           absl::StrCat(static_cast<int>(channel))});
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.set_contact_preference, mutation.tenant, std::move(args)));
  return DecodeExistingMember(reply, mutation.tenant, member_id);
}

absl::StatusOr<v1::Entitlement> MemberStore::Grant(const std::string& tenant, absl::Time now,
                                                   const std::string& fingerprint,
                                                   const v1::Entitlement& e) {
  DUNBAR_ASSIGN_OR_RETURN(
      RedisReply reply,
      Eval(scripts_.grant_entitlement, tenant,
           {Millis(now), absl::StrCat(options_.event_stream_max_len), fingerprint, e.member_id(),
            e.program_id(), e.order_id(), absl::StrCat(e.amount_minor()), e.currency(),
            absl::StrCat(TimestampToMillis(e.paid_at())), kEntitlementChangesChannel, tenant}));
  return DecodeEntitlementHash(reply, tenant);
}

absl::StatusOr<v1::Entitlement> MemberStore::Revoke(const std::string& tenant, absl::Time now,
                                                    const std::string& order_id,
                                                    const std::string& reason) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.revoke_entitlement, tenant,
                               {Millis(now), absl::StrCat(options_.event_stream_max_len), order_id,
                                reason, kEntitlementChangesChannel, tenant}));
  return DecodeEntitlementHash(reply, tenant);
}

absl::StatusOr<std::vector<v1::Entitlement>> MemberStore::ListEntitlements(
    const std::string& tenant, const std::string& member_id, bool include_revoked) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply, Eval(scripts_.list_entitlements, tenant,
                                                 {member_id, include_revoked ? "1" : "0"}));
  if (!reply.is_array() || reply.elements().empty()) return UnexpectedReply("list entitlements");
  DUNBAR_ASSIGN_OR_RETURN(int64_t found, reply.elements()[0].AsInteger());
  if (found != 1) return absl::NotFoundError(absl::StrCat("member ", member_id));
  std::vector<v1::Entitlement> entitlements;
  for (size_t i = 1; i < reply.elements().size(); ++i) {
    DUNBAR_ASSIGN_OR_RETURN(v1::Entitlement e, DecodeEntitlementHash(reply.elements()[i], tenant));
    entitlements.push_back(std::move(e));
  }
  return entitlements;
}

absl::StatusOr<std::string> MemberStore::CheckEntitlement(const std::string& tenant,
                                                          const std::string& member_id,
                                                          const std::string& program_id) {
  DUNBAR_ASSIGN_OR_RETURN(RedisReply reply,
                          Eval(scripts_.check_entitlement, tenant, {member_id, program_id}));
  if (!reply.is_array() || reply.elements().size() != 2) {
    return UnexpectedReply("check entitlement");
  }
  DUNBAR_ASSIGN_OR_RETURN(int64_t found, reply.elements()[0].AsInteger());
  if (found != 1) return absl::NotFoundError(absl::StrCat("member ", member_id));
  return reply.elements()[1].str();
}

}  // namespace dunbar::membership
