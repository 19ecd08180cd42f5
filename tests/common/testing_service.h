// In-process test service for the server bootstrap and client helper tests (tests/common): Sleep
// (slow, cancellable, reports its tenant, returns a chosen code) and Inspect (what the server saw),
// plus small helpers shared by those tests (stdout capture for JSON log lines).
#pragma once

#include <fcntl.h>
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/log/json_log.h"
#include "common/server/rpc_log_interceptor.h"
#include "testing.grpc.pb.h"

namespace dunbar::testing {

class TestServiceImpl final : public TestService::Service {
 public:
  grpc::Status Sleep(grpc::ServerContext* context, const SleepRequest* request,
                     SleepResponse* response) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++in_flight_;
      ++calls_;
    }
    changed_.notify_all();
    if (!request->tenant().empty()) server::SetLogTenant(*context, request->tenant());
    // Lets a test in another process see that the call is inside the handler.
    log::Info("test_sleep_started", {{"sleep_ms", request->sleep_ms()}});
    const absl::Time start = absl::Now();
    const absl::Time end = start + absl::Milliseconds(request->sleep_ms());
    bool cancelled = false;
    while (absl::Now() < end) {
      if (context->IsCancelled()) {
        cancelled = true;
        break;
      }
      // The workload itself (a slow handler), polled for cancellation; not synchronisation.
      absl::SleepFor(std::min(absl::Milliseconds(5), end - absl::Now()));
    }
    response->set_slept_ms(static_cast<int32_t>(absl::ToInt64Milliseconds(absl::Now() - start)));
    {
      std::unique_lock<std::mutex> lock(mu_);
      --in_flight_;
      if (cancelled) ++cancelled_;
    }
    if (cancelled) return grpc::Status(grpc::StatusCode::CANCELLED, "sleep cancelled");
    return grpc::Status(static_cast<grpc::StatusCode>(request->return_code()),
                        request->return_code() == 0 ? "" : "requested code");
  }

  grpc::Status Inspect(grpc::ServerContext* context, const InspectRequest* /*request*/,
                       InspectResponse* response) override {
    const auto& metadata = context->client_metadata();
    if (auto it = metadata.find("authorization"); it != metadata.end()) {
      response->set_authorization(std::string(it->second.data(), it->second.size()));
    }
    if (context->deadline() == std::chrono::system_clock::time_point::max()) {
      response->set_deadline_remaining_ms(-1);
    } else {
      response->set_deadline_remaining_ms(
          std::chrono::duration_cast<std::chrono::milliseconds>(context->deadline() -
                                                                std::chrono::system_clock::now())
              .count());
    }
    return grpc::Status::OK;
  }

  // Blocks until `count` Sleep calls are inside the handler at once (or `timeout` passes).
  bool WaitForInFlight(int count, absl::Duration timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                             [this, count] { return in_flight_ >= count; });
  }
  int calls() {
    std::unique_lock<std::mutex> lock(mu_);
    return calls_;
  }
  int cancelled() {
    std::unique_lock<std::mutex> lock(mu_);
    return cancelled_;
  }
  void ResetCalls() {
    std::unique_lock<std::mutex> lock(mu_);
    calls_ = 0;
  }

 private:
  // std::mutex: TSan sees it (Debian's abseil is not TSan-instrumented).
  std::mutex mu_;
  std::condition_variable changed_;
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
  int cancelled_ ABSL_GUARDED_BY(mu_) = 0;
};

// Redirects file descriptor 1 (where dunbar::log writes) into a temp file while alive, so tests can
// read the JSON lines the server wrote.
class StdoutCapture {
 public:
  StdoutCapture() {
    std::fflush(stdout);
    char path[] = "/tmp/dunbar-stdout-XXXXXX";
    file_fd_ = ::mkstemp(path);
    ::unlink(path);
    saved_fd_ = ::dup(STDOUT_FILENO);
    ::dup2(file_fd_, STDOUT_FILENO);
  }
  ~StdoutCapture() {
    Restore();
    if (file_fd_ >= 0) ::close(file_fd_);
  }

  // Restores stdout and returns every line written meanwhile, parsed (non-JSON lines skipped).
  std::vector<nlohmann::json> Finish() {
    Restore();
    std::string text;
    char buffer[4096];
    ::lseek(file_fd_, 0, SEEK_SET);
    ssize_t n;
    while ((n = ::read(file_fd_, buffer, sizeof(buffer))) > 0) text.append(buffer, n);
    std::vector<nlohmann::json> lines;
    std::istringstream stream(text);
    std::string line;
    std::string others;
    while (std::getline(stream, line)) {
      nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_object()) {
        lines.push_back(std::move(parsed));
      } else {
        others += line + "\n";
      }
    }
    // Anything else printed meanwhile (e.g. GoogleTest failures) goes back to the real stdout.
    std::fwrite(others.data(), 1, others.size(), stdout);
    raw_ = std::move(text);
    return lines;
  }
  const std::string& raw() const { return raw_; }

 private:
  void Restore() {
    if (saved_fd_ < 0) return;
    std::fflush(stdout);
    ::dup2(saved_fd_, STDOUT_FILENO);
    ::close(saved_fd_);
    saved_fd_ = -1;
  }

  int file_fd_ = -1;
  int saved_fd_ = -1;
  std::string raw_;
};

// Lines with "event" == `event` (and, if given, "method" == `method`).
inline std::vector<nlohmann::json> LinesFor(const std::vector<nlohmann::json>& lines,
                                            const std::string& event,
                                            const std::string& method = "") {
  std::vector<nlohmann::json> out;
  for (const auto& line : lines) {
    if (line.value("event", "") != event) continue;
    if (!method.empty() && line.value("method", "") != method) continue;
    out.push_back(line);
  }
  return out;
}

}  // namespace dunbar::testing
