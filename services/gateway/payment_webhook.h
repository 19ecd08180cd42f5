// POST /v1/webhooks/payments: a payment provider reports a paid order; the gateway, acting for the
// event's tenant with its service token, makes sure the payer is a member, grants the entitlement
// and enrols them:
//   1. the signature (webhook_signature.h) with the tenant's secret -> else 401;
//   2. the payer: member_id as given, or FindMemberByHandle, else CreateMember (request id
//      "pay:<order>:member", so two racing deliveries create one member);
//   3. GrantEntitlement (idempotent on the order id; the same order with other details is
//      ALREADY_EXISTS -> 409 and nothing changes);
//   4. Enroll (request id "pay:<order>"): a seat, or a waitlist place.
// Every step is idempotent at its owner, so a redelivery answers the same PaymentResult.
//
//   PaymentWebhook webhook(backends, secrets, {.service_token = token});
//   ApiReply reply = webhook.Handle(req.get_header_value("Dunbar-Signature"), req.body);
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/gateway/v1/gateway.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"
#include "services/gateway/backends.h"
#include "services/gateway/grpc_json_bridge.h"
#include "services/gateway/webhook_secrets.h"

namespace dunbar::gateway {

struct PaymentWebhookOptions {
  std::string service_token;  // presented to membership and cohort ("" -> every call is 401)
  absl::Duration tolerance = absl::Seconds(300);  // |now - t| allowed for the signed timestamp
  absl::Duration timeout = absl::Seconds(5);      // each backend call's deadline
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class PaymentWebhook {
 public:
  PaymentWebhook(const Backends& backends, std::shared_ptr<const WebhookSecrets> secrets,
                 PaymentWebhookOptions options);

  ApiReply Handle(absl::string_view signature_header, absl::string_view body) const;

 private:
  // The payer's member id (found or created).
  grpc::Status ResolveMember(const gateway::v1::PaymentEvent& event, std::string* member_id) const;
  std::unique_ptr<grpc::ClientContext> Context() const;

  std::shared_ptr<const WebhookSecrets> secrets_;
  PaymentWebhookOptions options_;
  std::unique_ptr<membership::v1::MembershipService::Stub> membership_;
  std::unique_ptr<cohort::v1::CohortService::Stub> cohort_;
};

}  // namespace dunbar::gateway
