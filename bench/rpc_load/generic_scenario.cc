// Any unary RPC compiled into this binary (membership, echo, health), named by its full method
// ("/dunbar.membership.v1.MembershipService/ListMembers") with a fixed request in protobuf text
// format. Messages are built from the generated descriptor pool, and the call goes through the
// same BlockingUnaryCall path generated stubs use, so the client cost matches a typed stub.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_method.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "bench/rpc_load/scenario.h"
#include "common/client/grpc_client.h"

namespace dunbar::bench {
namespace {

namespace pb = ::google::protobuf;

struct GenericMethod {
  std::string path;  // "/pkg.Service/Method"; RpcMethod keeps a pointer to it
  const pb::MethodDescriptor* descriptor = nullptr;
  std::unique_ptr<pb::Message> request;
};

}  // namespace

absl::StatusOr<Scenario> MakeGenericScenario(const ScenarioEnv& env) {
  // "/pkg.Service/Method" -> "pkg.Service.Method" for the descriptor pool.
  std::string path = env.generic_method;
  if (!path.empty() && path[0] == '/') path.erase(0, 1);
  std::string full_name = path;
  const size_t slash = full_name.rfind('/');
  if (slash == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--method must look like /package.Service/Method, got \"", env.generic_method, "\""));
  }
  full_name[slash] = '.';
  const pb::MethodDescriptor* method =
      pb::DescriptorPool::generated_pool()->FindMethodByName(full_name);
  if (method == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("--method \"", env.generic_method, "\" is not compiled into rpc_load"));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat("--method \"", env.generic_method,
                                                   "\" is streaming; only unary is supported"));
  }
  auto factory = std::make_shared<pb::DynamicMessageFactory>(pb::DescriptorPool::generated_pool());
  auto shared = std::make_shared<GenericMethod>();
  shared->path = absl::StrCat("/", path);
  shared->descriptor = method;
  shared->request.reset(factory->GetPrototype(method->input_type())->New());
  if (!pb::TextFormat::ParseFromString(env.generic_request, shared->request.get())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--request is not a valid ", method->input_type()->full_name(), " in text format"));
  }

  Scenario scenario;
  scenario.display_name = method->name();
  scenario.make_caller = [env, shared, factory](int client) -> Caller {
    std::shared_ptr<grpc::Channel> channel = env.channels->ForClient(client);
    auto rpc = std::make_shared<grpc::internal::RpcMethod>(
        shared->path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC, channel);
    std::shared_ptr<pb::Message> response(
        factory->GetPrototype(shared->descriptor->output_type())->New());
    return [env, shared, factory, channel, rpc, response]() {
      auto context = client::NewCallContext(env.timeout, env.token);
      return grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
          channel.get(), *rpc, context.get(), *shared->request, response.get());
    };
  };
  return scenario;
}

}  // namespace dunbar::bench
