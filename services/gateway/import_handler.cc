#include "services/gateway/import_handler.h"

#include "absl/strings/str_cat.h"
#include "dunbar/membership/v1/membership.pb.h"

namespace dunbar::gateway {
namespace {

// Waits for the completion of the operation tagged `tag` (one operation in flight at a time).
bool Await(grpc::CompletionQueue& cq, void* tag) {
  void* got = nullptr;
  bool ok = false;
  if (!cq.Next(&got, &ok)) return false;
  return got == tag && ok;
}

}  // namespace

absl::Status PrepareSingleMessageStream(google::protobuf::Message& request,
                                        absl::string_view idempotency_key) {
  auto* import = dynamic_cast<membership::v1::ImportContactsRequest*>(&request);
  if (import == nullptr) {
    return absl::UnimplementedError(
        absl::StrCat("client streaming of ", request.GetTypeName(), " is not exposed over HTTP"));
  }
  import->set_end_of_import(true);
  if (!idempotency_key.empty() && import->header().request_id().empty()) {
    import->mutable_header()->set_request_id(std::string(idempotency_key));
  }
  return absl::OkStatus();
}

grpc::Status CallClientStreamingOnce(MessageGenericStub& stub, grpc::ClientContext& context,
                                     const std::string& method_path,
                                     const google::protobuf::Message& request,
                                     google::protobuf::Message& response) {
  grpc::CompletionQueue cq;
  // The generic stub only offers bidi calls; on the wire a client-streaming call is the same.
  auto call = stub.PrepareCall(&context, method_path, &cq);
  int start_tag = 1, write_tag = 2, read_tag = 3, finish_tag = 4;
  grpc::Status status;
  bool got_response = false;
  if (call != nullptr) {
    call->StartCall(&start_tag);
    if (Await(cq, &start_tag)) {
      call->WriteLast(request, grpc::WriteOptions(), &write_tag);
      if (Await(cq, &write_tag)) {
        call->Read(&response, &read_tag);
        got_response = Await(cq, &read_tag);
      }
    }
    call->Finish(&status, &finish_tag);
    void* tag = nullptr;
    bool ok = false;
    cq.Next(&tag, &ok);  // Finish always completes
  } else {
    status = grpc::Status(grpc::StatusCode::INTERNAL, "cannot start the call");
  }
  cq.Shutdown();
  void* tag = nullptr;
  bool ok = false;
  while (cq.Next(&tag, &ok)) {
  }
  if (status.ok() && !got_response) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "the backend answered no message");
  }
  return status;
}

}  // namespace dunbar::gateway
