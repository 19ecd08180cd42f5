#include "bench/load/channel_set.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace dunbar::bench {

ChannelSet::ChannelSet(const std::string& target, int size) : target_(target) {
  if (size < 1) size = 1;
  for (int i = 0; i < size; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
    channels_.push_back(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
}

std::shared_ptr<grpc::Channel> ChannelSet::ForClient(int client_index) const {
  return channels_[static_cast<size_t>(client_index) % channels_.size()];
}

absl::Status ChannelSet::WaitForConnected(absl::Duration timeout) const {
  const auto deadline = std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout);
  for (size_t i = 0; i < channels_.size(); ++i) {
    if (!channels_[i]->WaitForConnected(deadline)) {
      return absl::UnavailableError(absl::StrCat("channel ", i, " to ", target_,
                                                 " did not connect within ",
                                                 absl::FormatDuration(timeout)));
    }
  }
  return absl::OkStatus();
}

}  // namespace dunbar::bench
