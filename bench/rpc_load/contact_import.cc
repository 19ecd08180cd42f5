#include "bench/rpc_load/contact_import.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/client/grpc_client.h"
#include "dunbar/membership/v1/membership.grpc.pb.h"

namespace dunbar::bench {
namespace {

namespace mv1 = ::dunbar::membership::v1;

void FillRow(int64_t index, mv1::ImportRow* row) {
  row->set_name(absl::StrCat("联系人 ", index));
  row->set_phone(absl::StrFormat("+86 139 %08d", index % 100000000));
  row->set_wechat_id(absl::StrFormat("wxb_%08d", index));
  row->set_email(absl::StrCat("c", index, "@bench.example"));
  row->add_tags("bench");
  row->add_tags(absl::StrCat("t", index % 10));
  row->set_source("bench-import");
  row->mutable_connection_point()->set_description(absl::StrCat("Deep Work ", index % 7));
}

// One ImportContacts call for rows [first, first + count).
absl::Status ImportRange(mv1::MembershipService::Stub& stub, const ScenarioEnv& env,
                         const ImportPlan& plan, int64_t first, int64_t count,
                         ImportTotals* totals) {
  // Generous: the call carries a whole slice.
  auto context = client::NewCallContext(absl::Seconds(60) + absl::Milliseconds(count), env.token);
  mv1::ImportContactsResponse response;
  auto writer = stub.ImportContacts(context.get(), &response);
  bool first_message = true;
  for (int64_t i = first; i < first + count;) {
    mv1::ImportContactsRequest message;
    if (first_message) {
      message.mutable_header()->set_tenant(env.tenant);
      message.mutable_header()->set_request_id(absl::StrCat(env.run_id, "-import-", first));
      first_message = false;
    }
    const int64_t end = std::min(first + count, i + plan.rows_per_message);
    for (; i < end; ++i) FillRow(i, message.add_rows());
    message.set_end_of_import(i == first + count);
    if (!writer->Write(message)) break;  // the server ended the call; Finish says why
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("ImportContacts rows ", first, "..",
                                               first + count - 1,
                                               " failed: ", status.error_message()));
  }
  totals->rows_sent += count;
  totals->rows_received += response.rows_received();
  totals->created += response.created();
  totals->merged += response.merged();
  totals->rejected += response.rejected();
  totals->calls += 1;
  if (totals->first_error.empty() && response.errors_size() > 0) {
    const auto& e = response.errors(0);
    totals->first_error = absl::StrCat("row ", e.row(), " ", e.field(), ": ", e.reason());
  }
  return absl::OkStatus();
}

}  // namespace

double ImportTotals::rows_per_second() const {
  const double s = absl::ToDoubleSeconds(elapsed);
  return s > 0 ? static_cast<double>(rows_sent) / s : 0.0;
}

absl::StatusOr<ImportTotals> RunImport(const ChannelSet& channels, const ScenarioEnv& env,
                                       const ImportPlan& plan) {
  // Slices no larger than an even share per stream, so small imports use every stream too.
  const int streams = std::max(1, plan.streams);
  const int64_t per_call =
      std::max<int64_t>(1, std::min(plan.rows_per_call, (plan.rows + streams - 1) / streams));
  // Work queue of slices; streams take the next slice when done.
  std::atomic<int64_t> next_slice{0};
  const int64_t slices = (plan.rows + per_call - 1) / per_call;

  absl::Mutex mu;
  ImportTotals totals;
  absl::Status first_failure;

  const absl::Time start = absl::Now();
  std::vector<std::thread> threads;
  for (int s = 0; s < streams; ++s) {
    threads.emplace_back([&, s] {
      auto stub = mv1::MembershipService::NewStub(channels.ForClient(s));
      for (;;) {
        const int64_t slice = next_slice.fetch_add(1);
        if (slice >= slices) return;
        const int64_t offset = slice * per_call;
        const int64_t count = std::min(per_call, plan.rows - offset);
        ImportTotals mine;
        absl::Status status = ImportRange(*stub, env, plan, plan.first_row + offset, count, &mine);
        absl::MutexLock lock(&mu);
        if (!status.ok()) {
          if (first_failure.ok()) first_failure = status;
          next_slice.store(slices);  // stop the others early
          return;
        }
        totals.rows_sent += mine.rows_sent;
        totals.rows_received += mine.rows_received;
        totals.created += mine.created;
        totals.merged += mine.merged;
        totals.rejected += mine.rejected;
        totals.calls += mine.calls;
        if (totals.first_error.empty()) totals.first_error = mine.first_error;
      }
    });
  }
  for (auto& t : threads) t.join();
  totals.elapsed = absl::Now() - start;
  if (!first_failure.ok()) return first_failure;
  return totals;
}

}  // namespace dunbar::bench
