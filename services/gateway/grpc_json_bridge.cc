#include "services/gateway/grpc_json_bridge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "services/gateway/field_binding.h"
#include "services/gateway/http_status.h"
#include "services/gateway/import_handler.h"

namespace dunbar::gateway {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

const MethodDescriptor* FindMethod(const std::string& full_name) {
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
}

std::unique_ptr<Message> NewMessage(const google::protobuf::Descriptor* type) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

std::string GrpcPath(const MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

// gRPC metadata values must be printable ASCII; anything else would fail the call obscurely.
bool IsValidMetadataValue(absl::string_view value) {
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// protobuf 3.21 says "foo: Cannot find field." for an unknown field, "(member) foo: ..." when
// nested; the contract wants `body: unknown field "foo"` / `"member.foo"`.
std::string DescribeProtoJsonError(absl::string_view message) {
  constexpr absl::string_view kUnknown = ": Cannot find field.";
  const size_t at = message.find(kUnknown);
  if (at != absl::string_view::npos) {
    std::string path = absl::StrReplaceAll(message.substr(0, at), {{") ", "."}, {"(", ""}});
    return absl::StrCat("body: unknown field \"", path, "\"");
  }
  return absl::StrCat("body: ", message);
}

grpc::Status CallUnary(const Backend& backend, grpc::ClientContext& context,
                       const MethodDescriptor& method, const Message& request, Message& response) {
  absl::Notification done;
  grpc::Status result;
  backend.stub->UnaryCall(&context, GrpcPath(method), grpc::StubOptions(), &request, &response,
                          [&](grpc::Status status) {
                            result = std::move(status);
                            done.Notify();
                          });
  done.WaitForNotification();
  return result;
}

}  // namespace

absl::Status ParseJsonBody(absl::string_view body, Message& message) {
  if (absl::StripAsciiWhitespace(body).empty()) return absl::OkStatus();
  // nlohmann first: its messages say where the JSON breaks, and it tells "not an object" apart.
  nlohmann::json parsed;
  try {
    parsed = nlohmann::json::parse(body.begin(), body.end());
  } catch (const nlohmann::json::parse_error& e) {
    return absl::InvalidArgumentError(absl::StrCat("body: invalid JSON: ", e.what()));
  }
  if (!parsed.is_object()) {
    return absl::InvalidArgumentError("body: must be a JSON object");
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(body), &message, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(DescribeProtoJsonError(std::string(status.message())));
  }
  return absl::OkStatus();
}

std::string MessageToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return "{}";  // only for messages with invalid UTF-8 in a string
  return json;
}

GrpcJsonBridge::GrpcJsonBridge(const Backends& backends, absl::Duration timeout)
    : backends_(backends), timeout_(timeout) {}

absl::Status GrpcJsonBridge::CheckRoutes(const std::vector<Route>& routes) const {
  for (const Route& route : routes) {
    const std::string where = absl::StrCat("route ", route.method, " ", route.pattern, ": ");
    const MethodDescriptor* method = FindMethod(route.rpc);
    if (method == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(where, "unknown method ", route.rpc));
    }
    if (method->server_streaming()) {
      return absl::InvalidArgumentError(absl::StrCat(where, route.rpc, " is server streaming"));
    }
    if (backends_.ForService(method->service()->full_name()) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(where, "no backend for ", route.rpc));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Message>> GrpcJsonBridge::BuildRequest(
    const MethodDescriptor& method, const ApiRequest& request) const {
  std::unique_ptr<Message> message = NewMessage(method.input_type());
  if (absl::Status s = ParseJsonBody(request.body, *message); !s.ok()) return s;
  if (request.query != nullptr) {
    if (absl::Status s = BindQueryParameters(*message, *request.query); !s.ok()) return s;
  }
  for (const auto& [param, value] : request.params) {
    if (absl::Status s = SetFieldFromText(*message, request.route->FieldFor(param), value,
                                          absl::StrCat("path parameter ", param));
        !s.ok()) {
      return s;
    }
  }
  if (!request.idempotency_key.empty()) {
    const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName("request_id");
    if (field != nullptr && field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        !field->is_repeated() && message->GetReflection()->GetString(*message, field).empty()) {
      message->GetReflection()->SetString(message.get(), field, request.idempotency_key);
    }
  }
  if (method.client_streaming()) {
    if (absl::Status s = PrepareSingleMessageStream(*message, request.idempotency_key); !s.ok()) {
      return s;
    }
  }
  return message;
}

ApiReply GrpcJsonBridge::Handle(const ApiRequest& request) const {
  auto reply_error = [](const HttpError& error) { return ApiReply{error.http_status, error.body}; };
  const MethodDescriptor* method = FindMethod(request.route->rpc);
  const Backend* backend =
      method == nullptr ? nullptr : backends_.ForService(method->service()->full_name());
  if (backend == nullptr) {
    return reply_error(MakeHttpError(500, grpc::StatusCode::INTERNAL,
                                     absl::StrCat("no backend for ", request.route->rpc)));
  }
  if (!IsValidMetadataValue(request.authorization)) {
    return reply_error(MakeHttpError(401, grpc::StatusCode::UNAUTHENTICATED,
                                     "authorization: not printable ASCII"));
  }
  absl::StatusOr<std::unique_ptr<Message>> message = BuildRequest(*method, request);
  if (!message.ok()) {
    return reply_error(MakeHttpError(
        HttpStatusFor(static_cast<grpc::StatusCode>(message.status().code())),
        static_cast<grpc::StatusCode>(message.status().code()), message.status().message()));
  }

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  if (!request.authorization.empty()) context.AddMetadata("authorization", request.authorization);
  std::unique_ptr<Message> response = NewMessage(method->output_type());
  const grpc::Status status = method->client_streaming()
                                  ? CallClientStreamingOnce(*backend->stub, context,
                                                            GrpcPath(*method), **message, *response)
                                  : CallUnary(*backend, context, *method, **message, *response);
  if (!status.ok()) return reply_error(MakeHttpError(status));
  return ApiReply{200, MessageToJson(*response)};
}

}  // namespace dunbar::gateway
