#include "common/api/request_fingerprint.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "common/auth/token_store.h"

namespace dunbar::api {
namespace {

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream stream(&bytes);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

}  // namespace

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::string bytes = request.GetDescriptor()->full_name();
  bytes.push_back('\0');
  bytes += DeterministicBytes(request);
  return auth::Sha256Hex(bytes);
}

}  // namespace dunbar::api
