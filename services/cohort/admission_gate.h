// The cohort service's door to membership: asks CheckEntitlement whether a member may enter a
// programme, and follows membership's entitlement feed (WatchEntitlementChanges) so that cached
// answers are dropped as soon as an entitlement is revoked (and a grant is cached before the member
// even tries to enrol).
//
// Trust in cached answers: `admission_valid_since()` is the instant before which the cohort store
// must not trust a cached admission. It starts at the gate's creation (answers cached by earlier
// processes may have missed events), and moves to "now" every time the feed (re)subscribes (the
// feed does not replay what happened while it was down) and whenever an invalidation fails.
//
//   AdmissionGate gate(stub, [&](const EntitlementChange& c) { return Apply(store, c); }, options);
//   gate.StartFeed();
//   DUNBAR_ASSIGN_OR_RETURN(std::string order_id,
//       gate.CheckEntitlement("acme", program_id, member_id, /*requires_entitlement=*/true,
//                             caller_deadline));
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::cohort {

struct AdmissionGateOptions {
  // The service token presented to membership (role "service").
  std::string membership_token;
  // Deadline of each CheckEntitlement call, shortened to the caller's remaining time.
  absl::Duration membership_timeout = absl::Seconds(1);
  // Feed reconnect backoff: doubles from initial up to max, each wait jittered to 50..100%.
  absl::Duration feed_initial_backoff = absl::Milliseconds(100);
  absl::Duration feed_max_backoff = absl::Seconds(5);
  // Every RPC has a client deadline, the feed too: it reconnects (at once) when this runs out.
  absl::Duration feed_stream_lifetime = absl::Minutes(10);
  // The clock the store compares cached admissions against (the service clock).
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class AdmissionGate {
 public:
  using MembershipStub = ::dunbar::membership::v1::MembershipService::StubInterface;
  // Applies one change from the feed to the cache (a revoke: CohortStore::InvalidateAdmission; a
  // grant: CohortStore::CacheGrantedAdmission). A failure makes the gate distrust every cached
  // answer older than now (a revoke may not have been applied).
  using ChangeApplier =
      std::function<absl::Status(const ::dunbar::membership::v1::EntitlementChange& change)>;

  AdmissionGate(std::shared_ptr<MembershipStub> membership, ChangeApplier apply_change,
                AdmissionGateOptions options);
  // Stops the feed: cancels its stream and joins its thread.
  ~AdmissionGate();
  AdmissionGate(const AdmissionGate&) = delete;
  AdmissionGate& operator=(const AdmissionGate&) = delete;

  // Starts the feed thread (once; later calls do nothing).
  void StartFeed();

  // Asks membership whether `member_id` may enter `program_id`; returns the entitling order id
  // ("" when the programme does not require an entitlement: the call then only proves that the
  // member exists). `deadline` is the caller's (InfiniteFuture if none).
  //   NOT_FOUND "member <id>"; FAILED_PRECONDITION without an active entitlement; UNAVAILABLE
  //   "membership: ..." when membership cannot answer in time; DEADLINE_EXCEEDED when the caller's
  //   deadline has already passed; INTERNAL for anything else (details logged, not returned).
  absl::StatusOr<std::string> CheckEntitlement(const std::string& tenant,
                                               const std::string& program_id,
                                               const std::string& member_id,
                                               bool requires_entitlement, absl::Time deadline);

  absl::Time admission_valid_since() const;
  // True while the feed is subscribed.
  bool feed_live() const { return feed_live_.load(); }
  // Times the feed received `subscribed` (tests wait on it).
  int feed_subscriptions() const;

 private:
  void RunFeed();
  // One stream: subscribe, apply changes until it ends. True if it got as far as `subscribed`.
  bool WatchOnce();
  void DistrustCachedAdmissions();
  // Sleeps up to `duration` unless the gate is stopping; false if it is.
  bool SleepUnlessStopping(absl::Duration duration);

  const std::shared_ptr<MembershipStub> membership_;
  const ChangeApplier apply_change_;
  const AdmissionGateOptions options_;

  mutable std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // The feed's open call, cancelled by the destructor.
  grpc::ClientContext* feed_call_ ABSL_GUARDED_BY(mu_) = nullptr;
  absl::Time valid_since_ ABSL_GUARDED_BY(mu_);
  int subscriptions_ ABSL_GUARDED_BY(mu_) = 0;
  std::atomic<bool> feed_live_{false};
  std::thread feed_thread_;
};

}  // namespace dunbar::cohort
