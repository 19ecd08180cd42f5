#include "services/membership/membership_domain.h"

#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/ids/id_generator.h"
#include "common/status/status_macros.h"
#include "common/validation/validation.h"
#include "services/membership/api_helpers.h"
#include "services/membership/interaction_codec.h"
#include "services/membership/member_validation.h"
#include "services/membership/warmth.h"

namespace dunbar::membership {
namespace {

constexpr size_t kMaxBatchGet = 500;
constexpr size_t kMaxExcludeIds = 1000;
constexpr size_t kMaxReasonLength = 500;
constexpr int kMaxMinDaysSinceContacted = 36500;
constexpr absl::Duration kMaxClockSkew = absl::Minutes(5);
constexpr int64_t kMillisPerDay = 24 * 60 * 60 * 1000;
// The latest time a Timestamp may carry: 9999-12-31T23:59:59Z.
constexpr int64_t kMaxTimestampSeconds = 253402300799;

absl::Status ValidateStageFilter(const std::string& field, v1::Stage stage) {
  if (!v1::Stage_IsValid(stage)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": unknown stage"));
  }
  return absl::OkStatus();
}

// An optional tag filter, normalized like stored tags.
absl::StatusOr<std::string> NormalizeTagFilter(std::string_view field, std::string_view tag) {
  if (tag.empty()) return std::string();
  return validation::NormalizeTag(field, tag);
}

absl::Status ValidateTimestamp(const std::string& field, const google::protobuf::Timestamp& t) {
  if (t.seconds() < 0 || t.seconds() > kMaxTimestampSeconds || t.nanos() < 0 ||
      t.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": not a valid time"));
  }
  return absl::OkStatus();
}

// Handle lookups share the handles hash: "p:" phone, "w:" WeChat id, "e:" email.
absl::StatusOr<std::string> HandleKey(v1::HandleKind kind, std::string_view value,
                                      std::string_view default_country) {
  switch (kind) {
    case v1::HANDLE_PHONE: {
      DUNBAR_ASSIGN_OR_RETURN(std::string phone,
                              validation::NormalizePhone("value", value, default_country));
      return absl::StrCat("p:", phone);
    }
    case v1::HANDLE_WECHAT: {
      DUNBAR_ASSIGN_OR_RETURN(std::string wechat, validation::NormalizeWeChatId("value", value));
      return absl::StrCat("w:", wechat);
    }
    case v1::HANDLE_EMAIL: {
      DUNBAR_ASSIGN_OR_RETURN(std::string email, validation::NormalizeEmail("value", value));
      return absl::StrCat("e:", email);
    }
    default:
      return absl::InvalidArgumentError(
          "kind: must be HANDLE_PHONE, HANDLE_WECHAT or HANDLE_EMAIL");
  }
}

const char* HandleName(v1::HandleKind kind) {
  switch (kind) {
    case v1::HANDLE_PHONE:
      return "phone";
    case v1::HANDLE_WECHAT:
      return "WeChat id";
    default:
      return "email";
  }
}

// A stored rank score ("-inf" or a %.17g double), as found in a page token.
bool IsRankScore(const std::string& text) {
  if (text == "-inf" || text == "inf" || text == "+inf") return true;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  return end != text.c_str() && *end == '\0' && std::isfinite(value);
}

}  // namespace

MembershipDomain::MembershipDomain(std::shared_ptr<MemberStore> store, DomainOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

template <typename Request>
absl::StatusOr<Mutation> MembershipDomain::MakeMutation(const std::string& tenant,
                                                        const Request& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("request_id", request.request_id()));
  Request canonical = request;
  canonical.set_tenant(tenant);
  return Mutation{tenant, request.request_id(), RequestFingerprint(canonical), options_.clock()};
}

absl::StatusOr<v1::Member> MembershipDomain::CreateMember(const std::string& tenant,
                                                          const v1::CreateMemberRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  v1::Member member = request.member();
  if (member.stage() == v1::STAGE_UNSPECIFIED) member.set_stage(v1::STAGE_CONTACT);
  const std::vector<std::string> paths(kUpdatablePaths.begin(), kUpdatablePaths.end());
  DUNBAR_RETURN_IF_ERROR(NormalizeMember(paths, "member.", options_.default_country, member));
  if (member.name().empty() && !HasHandle(member)) {
    return absl::InvalidArgumentError(
        "member: needs a name or a handle (phone, wechat_id or email)");
  }
  DUNBAR_ASSIGN_OR_RETURN(StoredMember stored,
                          store_->CreateMember(mutation, ids::NewId(), member));
  return std::move(stored.member);
}

absl::StatusOr<v1::Member> MembershipDomain::GetMember(const std::string& tenant,
                                                       const v1::GetMemberRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(StoredMember stored, store_->GetMember(tenant, request.member_id()));
  return std::move(stored.member);
}

absl::StatusOr<v1::BatchGetMembersResponse> MembershipDomain::BatchGetMembers(
    const std::string& tenant, const v1::BatchGetMembersRequest& request) {
  if (static_cast<size_t>(request.member_ids_size()) > kMaxBatchGet) {
    return absl::InvalidArgumentError(absl::StrCat("member_ids: at most ", kMaxBatchGet));
  }
  std::vector<std::string> ids;
  for (int i = 0; i < request.member_ids_size(); ++i) {
    DUNBAR_RETURN_IF_ERROR(
        validation::ValidateId(absl::StrCat("member_ids[", i, "]"), request.member_ids(i)));
    ids.push_back(request.member_ids(i));
  }
  DUNBAR_ASSIGN_OR_RETURN(auto members, store_->GetMembers(tenant, ids));
  v1::BatchGetMembersResponse response;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i]) {
      *response.add_members() = std::move(members[i]->member);
    } else {
      response.add_missing_ids(ids[i]);
    }
  }
  return response;
}

absl::StatusOr<v1::Member> MembershipDomain::UpdateMember(const std::string& tenant,
                                                          const v1::UpdateMemberRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member.id", request.member().id()));
  if (request.update_mask().paths().empty()) {
    return absl::InvalidArgumentError("update_mask: name at least one field to update");
  }
  const std::vector<std::string> paths(request.update_mask().paths().begin(),
                                       request.update_mask().paths().end());
  v1::Member member = request.member();
  DUNBAR_RETURN_IF_ERROR(NormalizeMember(paths, "member.", options_.default_country, member));
  std::vector<std::string> fields;
  DUNBAR_RETURN_IF_ERROR(AppendMemberFields(member, paths, fields));
  DUNBAR_ASSIGN_OR_RETURN(StoredMember stored,
                          store_->UpdateMember(mutation, request.member().id(), fields));
  return std::move(stored.member);
}

absl::StatusOr<v1::DeleteMemberResponse> MembershipDomain::DeleteMember(
    const std::string& tenant, const v1::DeleteMemberRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(bool deleted, store_->DeleteMember(mutation, request.member_id()));
  v1::DeleteMemberResponse response;
  response.set_deleted(deleted);
  return response;
}

absl::StatusOr<v1::ListMembersResponse> MembershipDomain::ListMembers(
    const std::string& tenant, const v1::ListMembersRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_RETURN_IF_ERROR(ValidateStageFilter("stage", request.stage()));
  MemberFilter filter;
  filter.stage = request.stage();
  DUNBAR_ASSIGN_OR_RETURN(filter.tag, NormalizeTagFilter("tag", request.tag()));
  filter.source = std::string(absl::StripAsciiWhitespace(request.source()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateText("source", filter.source, kMaxSourceLength,
                                                  /*required=*/false));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> cursor,
                          DecodePageToken(kMembersToken, request.page_token(), 1));
  std::string after;
  if (!cursor.empty()) {
    if (!validation::ValidateId("page_token", cursor[0]).ok()) {
      return absl::InvalidArgumentError("page_token: not a token from this list");
    }
    after = cursor[0];
  }
  DUNBAR_ASSIGN_OR_RETURN(MemberPage page, store_->ListMembers(tenant, filter, after, page_size));
  v1::ListMembersResponse response;
  for (StoredMember& stored : page.members) *response.add_members() = std::move(stored.member);
  if (!page.next_cursor.empty()) {
    response.set_next_page_token(EncodePageToken(kMembersToken, {page.next_cursor}));
  }
  return response;
}

absl::StatusOr<v1::Member> MembershipDomain::FindMemberByHandle(
    const std::string& tenant, const v1::FindMemberByHandleRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(std::string key,
                          HandleKey(request.kind(), request.value(), options_.default_country));
  DUNBAR_ASSIGN_OR_RETURN(std::optional<StoredMember> stored, store_->FindByHandle(tenant, key));
  if (!stored) {
    return absl::NotFoundError(
        absl::StrCat("member with that ", HandleName(request.kind()), " (value)"));
  }
  return std::move(stored->member);
}

absl::StatusOr<std::unique_ptr<ContactImport>> MembershipDomain::StartImport(
    const std::string& tenant, const v1::ImportHeader& header) {
  if (!header.request_id().empty()) {
    DUNBAR_RETURN_IF_ERROR(validation::ValidateRequestId("header.request_id", header.request_id()));
  }
  std::string country = options_.default_country;
  if (!header.default_country().empty()) {
    DUNBAR_ASSIGN_OR_RETURN(country, validation::ValidateCountryCode("header.default_country",
                                                                     header.default_country()));
  }
  return std::make_unique<ContactImport>(*store_, tenant, std::move(country), options_.clock,
                                         options_.import);
}

absl::StatusOr<v1::Interaction> MembershipDomain::RecordInteraction(
    const std::string& tenant, const v1::RecordInteractionRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  if (request.kind() == v1::INTERACTION_KIND_UNSPECIFIED ||
      !v1::InteractionKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError(
        "kind: must be LIKED, COMMENTED, REPLIED, ATTENDED, PURCHASED, REFERRED or CONTACTED");
  }
  DUNBAR_RETURN_IF_ERROR(
      validation::ValidateText("note", request.note(), validation::kMaxNotesLength, false));
  absl::Time at = mutation.now;
  if (request.has_at()) {
    DUNBAR_RETURN_IF_ERROR(ValidateTimestamp("at", request.at()));
    at = absl::FromUnixMillis(TimestampToMillis(request.at()));
    if (at > mutation.now + kMaxClockSkew) {
      return absl::InvalidArgumentError("at: more than 5 minutes in the future");
    }
  }
  v1::Interaction interaction;
  interaction.set_id(ids::NewId());
  interaction.set_member_id(request.member_id());
  interaction.set_kind(request.kind());
  *interaction.mutable_at() = TimestampFromMillis(TimeToMillis(at));
  interaction.set_note(request.note());
  const double term =
      LogWarmthTerm(InteractionWeight(request.kind()), at, options_.warmth_half_life);
  return store_->RecordInteraction(mutation, interaction, term);
}

absl::StatusOr<v1::ListInteractionsResponse> MembershipDomain::ListInteractions(
    const std::string& tenant, const v1::ListInteractionsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(int page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> cursor,
                          DecodePageToken(kInteractionsToken, request.page_token(), 1));
  DUNBAR_ASSIGN_OR_RETURN(InteractionPage page,
                          store_->ListInteractions(tenant, request.member_id(),
                                                   cursor.empty() ? "" : cursor[0], page_size));
  v1::ListInteractionsResponse response;
  for (v1::Interaction& interaction : page.interactions) {
    *response.add_interactions() = std::move(interaction);
  }
  if (!page.next_cursor.empty()) {
    response.set_next_page_token(EncodePageToken(kInteractionsToken, {page.next_cursor}));
  }
  return response;
}

v1::RankedContact MembershipDomain::ToRankedContact(const StoredMember& stored,
                                                    absl::Time now) const {
  v1::RankedContact ranked;
  *ranked.mutable_member() = stored.member;
  ranked.set_warmth(WarmthAt(stored.warmth_score, now, options_.warmth_half_life));
  for (size_t kind = 1; kind < stored.counts_by_kind.size(); ++kind) {
    if (stored.counts_by_kind[kind] == 0) continue;
    v1::InteractionCount* count = ranked.add_counts();
    count->set_kind(static_cast<v1::InteractionKind>(kind));
    count->set_count(stored.counts_by_kind[kind]);
  }
  if (stored.member.has_last_interaction_at()) {
    *ranked.mutable_last_interaction_at() = stored.member.last_interaction_at();
  }
  if (stored.member.has_last_contacted_at()) {
    const int64_t since = TimeToMillis(now) - TimestampToMillis(stored.member.last_contacted_at());
    ranked.set_days_since_contacted(since <= 0 ? 0 : static_cast<int32_t>(since / kMillisPerDay));
  } else {
    ranked.set_days_since_contacted(-1);
  }
  return ranked;
}

absl::StatusOr<v1::RankContactsResponse> MembershipDomain::RankContacts(
    const std::string& tenant, const v1::RankContactsRequest& request) {
  RankQuery query;
  DUNBAR_ASSIGN_OR_RETURN(query.page_size,
                          validation::ValidatePageSize("page_size", request.page_size()));
  if (request.min_days_since_contacted() < 0 ||
      request.min_days_since_contacted() > kMaxMinDaysSinceContacted) {
    return absl::InvalidArgumentError(
        absl::StrCat("min_days_since_contacted: must be 0..", kMaxMinDaysSinceContacted));
  }
  if (static_cast<size_t>(request.exclude_ids_size()) > kMaxExcludeIds) {
    return absl::InvalidArgumentError(absl::StrCat("exclude_ids: at most ", kMaxExcludeIds));
  }
  for (int i = 0; i < request.exclude_ids_size(); ++i) {
    DUNBAR_RETURN_IF_ERROR(
        validation::ValidateId(absl::StrCat("exclude_ids[", i, "]"), request.exclude_ids(i)));
    query.exclude_ids.push_back(request.exclude_ids(i));
  }
  DUNBAR_RETURN_IF_ERROR(ValidateStageFilter("stage", request.stage()));
  query.stage = request.stage();
  DUNBAR_ASSIGN_OR_RETURN(query.tag, NormalizeTagFilter("tag", request.tag()));
  DUNBAR_ASSIGN_OR_RETURN(std::vector<std::string> cursor,
                          DecodePageToken(kRankToken, request.page_token(), 2));
  if (!cursor.empty()) {
    if (!IsRankScore(cursor[0]) || !validation::ValidateId("page_token", cursor[1]).ok()) {
      return absl::InvalidArgumentError("page_token: not a token from this list");
    }
    query.cursor_score = cursor[0];
    query.cursor_id = cursor[1];
  }
  const absl::Time now = options_.clock();
  if (request.min_days_since_contacted() > 0) {
    query.contacted_before_millis =
        TimeToMillis(now) - int64_t{request.min_days_since_contacted()} * kMillisPerDay;
  }
  DUNBAR_ASSIGN_OR_RETURN(RankPage page, store_->Rank(tenant, query));
  v1::RankContactsResponse response;
  for (const StoredMember& stored : page.contacts) {
    *response.add_contacts() = ToRankedContact(stored, now);
  }
  if (!page.next_id.empty()) {
    response.set_next_page_token(EncodePageToken(kRankToken, {page.next_score, page.next_id}));
  }
  return response;
}

absl::StatusOr<v1::ContactPreference> MembershipDomain::SetContactPreference(
    const std::string& tenant, const v1::SetContactPreferenceRequest& request) {
  DUNBAR_ASSIGN_OR_RETURN(Mutation mutation, MakeMutation(tenant, request));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  const std::string reason(absl::StripAsciiWhitespace(request.do_not_contact_reason()));
  DUNBAR_RETURN_IF_ERROR(
      validation::ValidateText("do_not_contact_reason", reason, kMaxReasonLength, false));
  if (!v1::Channel_IsValid(request.preferred_channel())) {
    return absl::InvalidArgumentError("preferred_channel: unknown channel");
  }
  DUNBAR_ASSIGN_OR_RETURN(
      StoredMember stored,
      store_->SetPreference(mutation, request.member_id(), request.do_not_contact(),
                            request.do_not_contact() ? reason : "", request.preferred_channel()));
  return std::move(*stored.member.mutable_preference());
}

absl::StatusOr<v1::Entitlement> MembershipDomain::GrantEntitlement(
    const std::string& tenant, const v1::GrantEntitlementRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("program_id", request.program_id()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("order_id", request.order_id()));
  if (request.amount_minor() < 0) {
    return absl::InvalidArgumentError("amount_minor: must not be negative");
  }
  DUNBAR_ASSIGN_OR_RETURN(std::string currency,
                          validation::NormalizeCurrency("currency", request.currency()));
  const absl::Time now = options_.clock();
  v1::Entitlement entitlement;
  entitlement.set_member_id(request.member_id());
  entitlement.set_program_id(request.program_id());
  entitlement.set_order_id(request.order_id());
  entitlement.set_amount_minor(request.amount_minor());
  entitlement.set_currency(currency);
  if (request.has_paid_at()) {
    DUNBAR_RETURN_IF_ERROR(ValidateTimestamp("paid_at", request.paid_at()));
    if (absl::FromUnixMillis(TimestampToMillis(request.paid_at())) > now + kMaxClockSkew) {
      return absl::InvalidArgumentError("paid_at: more than 5 minutes in the future");
    }
    *entitlement.mutable_paid_at() = request.paid_at();
  } else {
    *entitlement.mutable_paid_at() = TimestampFromMillis(TimeToMillis(now));
  }
  // The order's details as given (paid_at left unset stays unset), so a retry matches.
  v1::GrantEntitlementRequest canonical = request;
  canonical.set_tenant(tenant);
  canonical.set_currency(currency);
  return store_->Grant(tenant, now, RequestFingerprint(canonical), entitlement);
}

absl::StatusOr<v1::Entitlement> MembershipDomain::RevokeEntitlement(
    const std::string& tenant, const v1::RevokeEntitlementRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("order_id", request.order_id()));
  const std::string reason(absl::StripAsciiWhitespace(request.reason()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateText("reason", reason, kMaxReasonLength, false));
  return store_->Revoke(tenant, options_.clock(), request.order_id(), reason);
}

absl::StatusOr<v1::ListEntitlementsResponse> MembershipDomain::ListEntitlements(
    const std::string& tenant, const v1::ListEntitlementsRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_ASSIGN_OR_RETURN(
      std::vector<v1::Entitlement> entitlements,
      store_->ListEntitlements(tenant, request.member_id(), request.include_revoked()));
  v1::ListEntitlementsResponse response;
  for (v1::Entitlement& e : entitlements) *response.add_entitlements() = std::move(e);
  return response;
}

absl::StatusOr<v1::CheckEntitlementResponse> MembershipDomain::CheckEntitlement(
    const std::string& tenant, const v1::CheckEntitlementRequest& request) {
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("member_id", request.member_id()));
  DUNBAR_RETURN_IF_ERROR(validation::ValidateId("program_id", request.program_id()));
  DUNBAR_ASSIGN_OR_RETURN(
      std::string order_id,
      store_->CheckEntitlement(tenant, request.member_id(), request.program_id()));
  v1::CheckEntitlementResponse response;
  response.set_entitled(!order_id.empty());
  response.set_order_id(order_id);
  return response;
}

}  // namespace dunbar::membership
