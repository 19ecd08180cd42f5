#include "services/gateway/payment_webhook.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "services/gateway/http_status.h"
#include "services/gateway/webhook_signature.h"

namespace dunbar::gateway {
namespace {

namespace mv1 = membership::v1;
namespace cv1 = cohort::v1;
using gateway::v1::PaymentEvent;

ApiReply Reply(const HttpError& error) { return ApiReply{error.http_status, error.body}; }

ApiReply Unauthenticated(absl::string_view message) {
  return Reply(MakeHttpError(401, grpc::StatusCode::UNAUTHENTICATED, message));
}

ApiReply BadRequest(absl::string_view message) {
  return Reply(MakeHttpError(400, grpc::StatusCode::INVALID_ARGUMENT, message));
}

// The tenant named by the (not yet verified) body: it picks the secret to verify with.
std::string TenantOf(absl::string_view body) {
  const nlohmann::json parsed =
      nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "";
  auto it = parsed.find("tenant");
  if (it == parsed.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

void SetHandle(const gateway::v1::PaymentHandle& handle, mv1::Member& member) {
  switch (handle.kind()) {
    case mv1::HANDLE_PHONE:
      member.set_phone(handle.value());
      break;
    case mv1::HANDLE_WECHAT:
      member.set_wechat_id(handle.value());
      break;
    case mv1::HANDLE_EMAIL:
      member.set_email(handle.value());
      break;
    default:
      break;
  }
}

}  // namespace

PaymentWebhook::PaymentWebhook(const Backends& backends,
                               std::shared_ptr<const WebhookSecrets> secrets,
                               PaymentWebhookOptions options)
    : secrets_(std::move(secrets)),
      options_(std::move(options)),
      membership_(mv1::MembershipService::NewStub(backends.membership().channel)),
      cohort_(cv1::CohortService::NewStub(backends.cohort().channel)) {}

std::unique_ptr<grpc::ClientContext> PaymentWebhook::Context() const {
  return client::NewCallContext(options_.timeout, options_.service_token);
}

grpc::Status PaymentWebhook::ResolveMember(const PaymentEvent& event,
                                           std::string* member_id) const {
  if (!event.member_id().empty()) {
    *member_id = event.member_id();
    return grpc::Status::OK;
  }
  mv1::FindMemberByHandleRequest find;
  find.set_tenant(event.tenant());
  find.set_kind(event.handle().kind());
  find.set_value(event.handle().value());
  mv1::Member member;
  // Twice at most: a CreateMember that loses a race for the handle to a member made otherwise
  // (ALREADY_EXISTS) finds that member on the second lookup.
  for (int attempt = 0; attempt < 2; ++attempt) {
    grpc::Status found = membership_->FindMemberByHandle(Context().get(), find, &member);
    if (found.ok()) {
      *member_id = member.id();
      return grpc::Status::OK;
    }
    if (found.error_code() != grpc::StatusCode::NOT_FOUND) return found;
    mv1::CreateMemberRequest create;
    create.set_tenant(event.tenant());
    create.set_request_id(absl::StrCat("pay:", event.order_id(), ":member"));
    create.mutable_member()->set_name(event.display_name());
    create.mutable_member()->set_source("payment");
    SetHandle(event.handle(), *create.mutable_member());
    grpc::Status created = membership_->CreateMember(Context().get(), create, &member);
    if (created.ok()) {
      *member_id = member.id();
      return grpc::Status::OK;
    }
    if (created.error_code() != grpc::StatusCode::ALREADY_EXISTS) return created;
  }
  return grpc::Status(grpc::StatusCode::ABORTED,
                      "handle: the contact changed while the payment was processed; retry");
}

ApiReply PaymentWebhook::Handle(absl::string_view signature_header, absl::string_view body) const {
  const std::string tenant = TenantOf(body);
  const std::string* secret = tenant.empty() ? nullptr : secrets_->Find(tenant);
  if (secret == nullptr) return Unauthenticated("unknown tenant");
  if (absl::Status verified = VerifyWebhookSignature(signature_header, *secret, body,
                                                     options_.clock(), options_.tolerance);
      !verified.ok()) {
    return Unauthenticated(verified.message());
  }

  PaymentEvent event;
  if (absl::Status parsed = ParseJsonBody(body, event); !parsed.ok()) {
    return BadRequest(parsed.message());
  }
  if (event.program_id().empty()) return BadRequest("program_id: required");
  if (event.order_id().empty()) return BadRequest("order_id: required");
  const bool has_handle = event.has_handle() && !event.handle().value().empty();
  if (event.member_id().empty() == !has_handle) {
    return BadRequest("member_id, handle: exactly one must be given");
  }
  if (has_handle && event.handle().kind() == mv1::HANDLE_KIND_UNSPECIFIED) {
    return BadRequest("handle.kind: required");
  }

  gateway::v1::PaymentResult result;
  result.set_order_id(event.order_id());
  std::string member_id;
  if (grpc::Status s = ResolveMember(event, &member_id); !s.ok()) return Reply(MakeHttpError(s));
  result.set_member_id(member_id);

  mv1::GrantEntitlementRequest grant;
  grant.set_tenant(event.tenant());
  grant.set_member_id(member_id);
  grant.set_program_id(event.program_id());
  grant.set_order_id(event.order_id());
  grant.set_amount_minor(event.amount_minor());
  grant.set_currency(event.currency());
  if (event.has_paid_at()) *grant.mutable_paid_at() = event.paid_at();
  if (grpc::Status s =
          membership_->GrantEntitlement(Context().get(), grant, result.mutable_entitlement());
      !s.ok()) {
    return Reply(MakeHttpError(s));
  }

  cv1::EnrollRequest enroll;
  enroll.set_tenant(event.tenant());
  enroll.set_request_id(absl::StrCat("pay:", event.order_id()));
  enroll.set_program_id(event.program_id());
  enroll.set_member_id(member_id);
  enroll.set_source("payment");
  if (grpc::Status s = cohort_->Enroll(Context().get(), enroll, result.mutable_enrollment());
      !s.ok()) {
    return Reply(MakeHttpError(s));
  }
  return ApiReply{200, MessageToJson(result)};
}

}  // namespace dunbar::gateway
