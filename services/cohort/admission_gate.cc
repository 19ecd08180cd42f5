#include "services/cohort/admission_gate.h"

#include <algorithm>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/client/grpc_client.h"
#include "common/log/json_log.h"
#include "common/status/grpc_status.h"

namespace dunbar::cohort {
namespace {

namespace mv1 = ::dunbar::membership::v1;

absl::Status MapMembershipError(const grpc::Status& status, const std::string& member_id) {
  switch (status.error_code()) {
    case grpc::StatusCode::NOT_FOUND:
      return absl::NotFoundError(absl::StrCat("member ", member_id));
    case grpc::StatusCode::UNAVAILABLE:
      return absl::UnavailableError("membership: unreachable, cannot check the entitlement");
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::UnavailableError(
          "membership: did not answer in time, cannot check the entitlement");
    default:
      // Its message may describe membership's internals or our misconfiguration (a bad token):
      // for the operator's log, not for the cohort service's caller.
      log::Error("cohort.membership_check_failed", {{"code", GrpcCodeName(status.error_code())},
                                                    {"message", status.error_message()}});
      return absl::InternalError("entitlement check failed");
  }
}

}  // namespace

AdmissionGate::AdmissionGate(std::shared_ptr<MembershipStub> membership, ChangeApplier apply_change,
                             AdmissionGateOptions options)
    : membership_(std::move(membership)),
      apply_change_(std::move(apply_change)),
      options_(std::move(options)),
      valid_since_(options_.clock()) {}

AdmissionGate::~AdmissionGate() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    if (feed_call_ != nullptr) feed_call_->TryCancel();
  }
  stop_cv_.notify_all();
  if (feed_thread_.joinable()) feed_thread_.join();
}

void AdmissionGate::StartFeed() {
  std::lock_guard<std::mutex> lock(mu_);
  if (feed_thread_.joinable() || stopping_) return;
  feed_thread_ = std::thread([this] { RunFeed(); });
}

absl::StatusOr<std::string> AdmissionGate::CheckEntitlement(const std::string& tenant,
                                                            const std::string& program_id,
                                                            const std::string& member_id,
                                                            bool requires_entitlement,
                                                            absl::Time deadline) {
  // Deadlines are wall-clock instants, unlike options_.clock (the service's pinned-able "now").
  const absl::Duration remaining = deadline - absl::Now();
  if (remaining <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError("the deadline passed before membership could be asked");
  }
  std::unique_ptr<grpc::ClientContext> context = client::NewCallContext(
      std::min(options_.membership_timeout, remaining), options_.membership_token);
  mv1::CheckEntitlementRequest request;
  request.set_tenant(tenant);
  request.set_member_id(member_id);
  request.set_program_id(program_id);
  mv1::CheckEntitlementResponse response;
  const grpc::Status status = membership_->CheckEntitlement(context.get(), request, &response);
  if (!status.ok()) return MapMembershipError(status, member_id);
  if (!requires_entitlement) return std::string();
  if (!response.entitled()) {
    return absl::FailedPreconditionError(
        absl::StrCat("member ", member_id, " has no active entitlement to program ", program_id));
  }
  return response.order_id();
}

absl::Time AdmissionGate::admission_valid_since() const {
  std::lock_guard<std::mutex> lock(mu_);
  return valid_since_;
}

int AdmissionGate::feed_subscriptions() const {
  std::lock_guard<std::mutex> lock(mu_);
  return subscriptions_;
}

void AdmissionGate::DistrustCachedAdmissions() {
  std::lock_guard<std::mutex> lock(mu_);
  valid_since_ = std::max(valid_since_, options_.clock());
}

bool AdmissionGate::SleepUnlessStopping(absl::Duration duration) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, absl::ToChronoNanoseconds(duration),
                            [this] { return stopping_; });
}

void AdmissionGate::RunFeed() {
  std::mt19937_64 random(std::random_device{}());
  absl::Duration backoff = options_.feed_initial_backoff;
  while (true) {
    const bool subscribed = WatchOnce();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    // A stream that got as far as `subscribed` worked: start the backoff over.
    if (subscribed) backoff = options_.feed_initial_backoff;
    const double factor = std::uniform_real_distribution<double>(0.5, 1.0)(random);
    if (!SleepUnlessStopping(backoff * factor)) return;
    backoff = std::min(backoff * 2, options_.feed_max_backoff);
  }
}

bool AdmissionGate::WatchOnce() {
  std::unique_ptr<grpc::ClientContext> context =
      client::NewCallContext(options_.feed_stream_lifetime, options_.membership_token);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    feed_call_ = context.get();
  }
  std::unique_ptr<grpc::ClientReaderInterface<mv1::EntitlementChange>> reader =
      membership_->WatchEntitlementChanges(context.get(), mv1::WatchEntitlementChangesRequest());
  bool subscribed = false;
  mv1::EntitlementChange change;
  while (reader->Read(&change)) {
    if (change.subscribed()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        // What was cached before now may have missed changes made while no stream was open.
        valid_since_ = std::max(valid_since_, options_.clock());
        ++subscriptions_;
      }
      feed_live_.store(true);
      subscribed = true;
      log::Info("cohort.entitlement_feed_live");
      continue;
    }
    const absl::Status invalidated = apply_change_(change);
    if (!invalidated.ok()) {
      // The stale answer may still be cached: trust no cached answer older than now.
      DistrustCachedAdmissions();
      log::Warn("cohort.admission_invalidation_failed",
                {{"code", absl::StatusCodeToString(invalidated.code())},
                 {"program_id", change.program_id()}});
    }
  }
  feed_live_.store(false);
  const grpc::Status status = reader->Finish();
  {
    std::lock_guard<std::mutex> lock(mu_);
    feed_call_ = nullptr;
    if (stopping_) return subscribed;
  }
  log::Write(subscribed ? log::Level::kInfo : log::Level::kWarn, "cohort.entitlement_feed_ended",
             {{"code", GrpcCodeName(status.error_code())}, {"was_live", subscribed}});
  return subscribed;
}

}  // namespace dunbar::cohort
