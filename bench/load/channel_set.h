// A few channels to one target, each on its own HTTP/2 connection, shared round-robin by the
// load tool's clients (client i uses channel i % size).
//
// Why: one HTTP/2 connection is served by one server-side transport and one client-side
// poller, so with many clients it can become the bottleneck we would then mis-attribute to the
// service; one connection per client is unrealistic (and costly with 64 clients). gRPC normally
// shares one subchannel (connection) between channels with identical arguments, so every channel
// here gets a local subchannel pool to force its own connection.
//
//   ChannelSet channels("127.0.0.1:50051", 4);
//   auto stub = EchoService::NewStub(channels.ForClient(client_index));
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace dunbar::bench {

class ChannelSet {
 public:
  ChannelSet(const std::string& target, int size);

  std::shared_ptr<grpc::Channel> ForClient(int client_index) const;
  int size() const { return static_cast<int>(channels_.size()); }
  const std::string& target() const { return target_; }

  // Connects every channel; UNAVAILABLE if one is not READY within `timeout`.
  absl::Status WaitForConnected(absl::Duration timeout) const;

 private:
  std::string target_;
  std::vector<std::shared_ptr<grpc::Channel>> channels_;
};

}  // namespace dunbar::bench
