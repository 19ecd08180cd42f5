// Cohort figure: Enroll, each call a member's first enrolment in a capacity-150 AUTO_OPEN_NEXT
// programme (so batches fill and roll over during the run, as in a real launch).
//
// Setup (not measured): the first --enroll-members members of the tenant are read from membership
// (--membership-addr; seed them with `rpc_load import` first). With --enroll-warm (the default)
// each of them is first enrolled once in a warm-up programme, so the cohort service has already
// asked membership about them and the measured calls take the cached path (one Redis round trip, no
// membership hop), which is what the goal is about. --no-enroll-warm measures the cold path
// (every call also asks membership).
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/rpc_load/member_ids.h"
#include "bench/rpc_load/scenario.h"
#include "common/client/grpc_client.h"
#include "dunbar/cohort/v1/cohort.grpc.pb.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::bench {
namespace {

namespace cv1 = ::dunbar::cohort::v1;
namespace mv1 = ::dunbar::membership::v1;

absl::StatusOr<std::string> CreateProgram(cv1::CohortService::Stub& stub, const ScenarioEnv& env,
                                          const std::string& name) {
  cv1::CreateProgramRequest request;
  request.set_tenant(env.tenant);
  request.set_request_id(absl::StrCat(env.run_id, "-program-", name));
  cv1::Program* program = request.mutable_program();
  program->set_name(name);
  program->set_cohort_capacity(150);
  program->set_rollover_policy(cv1::AUTO_OPEN_NEXT);
  cv1::Program created;
  auto context = client::NewCallContext(env.timeout, env.token);
  grpc::Status status = stub.CreateProgram(context.get(), request, &created);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("CreateProgram for the enroll setup failed: ", status.error_message()));
  }
  return created.id();
}

grpc::Status EnrollOne(cv1::CohortService::Stub& stub, const ScenarioEnv& env,
                       const std::string& program_id, const std::string& member_id,
                       const std::string& request_id) {
  cv1::EnrollRequest request;
  request.set_tenant(env.tenant);
  request.set_request_id(request_id);
  request.set_program_id(program_id);
  request.set_member_id(member_id);
  request.set_source("bench");
  cv1::EnrollResponse response;
  auto context = client::NewCallContext(env.timeout, env.token);
  return stub.Enroll(context.get(), request, &response);
}

// Enrolls every member once in `program_id` from 16 threads; the first failure stops it.
absl::Status WarmUp(const ScenarioEnv& env, const std::string& program_id,
                    const std::vector<std::string>& member_ids) {
  std::atomic<size_t> next{0};
  absl::Mutex mu;
  absl::Status first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      auto stub = cv1::CohortService::NewStub(env.channels->ForClient(t));
      for (size_t i = next++; i < member_ids.size(); i = next++) {
        grpc::Status status =
            EnrollOne(*stub, env, program_id, member_ids[i], absl::StrCat(env.run_id, "-warm-", i));
        if (!status.ok()) {
          absl::MutexLock lock(&mu);
          if (first_error.ok()) {
            first_error = absl::UnavailableError(
                absl::StrCat("warm-up Enroll failed: ", status.error_message()));
          }
          next = member_ids.size();
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  return first_error;
}

}  // namespace

absl::StatusOr<Scenario> MakeEnrollScenario(const ScenarioEnv& env) {
  if (env.membership_channels == nullptr) {
    return absl::InvalidArgumentError("enroll: --membership-addr is required");
  }
  auto membership = mv1::MembershipService::NewStub(env.membership_channels->ForClient(0));
  auto ids = ListMemberIds(*membership, env, env.enroll_members);
  if (!ids.ok()) return ids.status();
  if (static_cast<int>(ids->size()) < env.enroll_members) {
    return absl::FailedPreconditionError(absl::StrCat(
        "tenant \"", env.tenant, "\" has ", ids->size(), " members, fewer than --enroll-members ",
        env.enroll_members, ": seed it first (rpc_load --addr <membership> import --rows N)"));
  }
  auto cohort = cv1::CohortService::NewStub(env.channels->ForClient(0));
  if (env.enroll_warm) {
    auto warm_program = CreateProgram(*cohort, env, absl::StrCat("bench warm-up ", env.run_id));
    if (!warm_program.ok()) return warm_program.status();
    if (absl::Status warmed = WarmUp(env, *warm_program, *ids); !warmed.ok()) return warmed;
  }
  auto program = CreateProgram(*cohort, env, absl::StrCat("bench enroll ", env.run_id));
  if (!program.ok()) return program.status();

  struct Shared {
    std::vector<std::string> member_ids;
    std::string program_id;
    std::atomic<size_t> next{0};
  };
  auto shared = std::make_shared<Shared>();
  shared->member_ids = std::move(*ids);
  shared->program_id = *program;

  Scenario scenario;
  scenario.display_name = env.enroll_warm ? "Enroll" : "Enroll(uncached)";
  scenario.make_caller = [env, shared](int client) -> Caller {
    std::shared_ptr<cv1::CohortService::Stub> stub =
        cv1::CohortService::NewStub(env.channels->ForClient(client));
    return [stub, env, shared]() {
      const size_t i = shared->next++;
      if (i >= shared->member_ids.size()) {
        // Counted as an error in the figure: the run needs a bigger --enroll-members.
        return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                            "rpc_load: out of members to enrol (raise --enroll-members)");
      }
      return EnrollOne(*stub, env, shared->program_id, shared->member_ids[i],
                       absl::StrCat(env.run_id, "-enroll-", i));
    };
  };
  return scenario;
}

}  // namespace dunbar::bench
