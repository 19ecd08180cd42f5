// Turns "the request could not be parsed" into INVALID_ARGUMENT.
//
// protobuf rejects a proto3 `string` field holding invalid UTF-8 while parsing, before any handler
// runs, and gRPC then answers INTERNAL with an empty message. For the caller that is bad input, not
// a server fault, so this interceptor rewrites exactly that status (INTERNAL with no message: our
// handlers never send INTERNAL without one) to INVALID_ARGUMENT with a message that says why. It
// is an interceptor because gRPC parses requests before our code is called; there is no deeper
// place to hook.
#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <memory>

namespace dunbar::server {

inline constexpr char kUnparsableRequestMessage[] =
    "request: could not be parsed (text fields must be valid UTF-8)";

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeParseErrorInterceptorFactory();

}  // namespace dunbar::server
