// gRPC code -> HTTP status, and the error document's exact shape.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "services/gateway/http_status.h"

namespace dunbar::gateway {
namespace {

TEST(HttpStatusTest, MapsEveryCode) {
  using C = grpc::StatusCode;
  EXPECT_EQ(HttpStatusFor(C::OK), 200);
  EXPECT_EQ(HttpStatusFor(C::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusFor(C::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusFor(C::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusFor(C::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusFor(C::ALREADY_EXISTS), 409);
  EXPECT_EQ(HttpStatusFor(C::FAILED_PRECONDITION), 409);
  EXPECT_EQ(HttpStatusFor(C::ABORTED), 409);
  EXPECT_EQ(HttpStatusFor(C::RESOURCE_EXHAUSTED), 429);
  EXPECT_EQ(HttpStatusFor(C::CANCELLED), 499);
  EXPECT_EQ(HttpStatusFor(C::UNAVAILABLE), 503);
  EXPECT_EQ(HttpStatusFor(C::DEADLINE_EXCEEDED), 504);
  EXPECT_EQ(HttpStatusFor(C::INTERNAL), 500);
  EXPECT_EQ(HttpStatusFor(C::UNKNOWN), 500);
  EXPECT_EQ(HttpStatusFor(C::OUT_OF_RANGE), 500);
  EXPECT_EQ(HttpStatusFor(C::UNIMPLEMENTED), 500);
  EXPECT_EQ(HttpStatusFor(C::DATA_LOSS), 500);
}

TEST(HttpStatusTest, ErrorBodyHasCodeStatusAndMessageInThatOrder) {
  HttpError error = MakeHttpError(grpc::Status(grpc::StatusCode::NOT_FOUND, "member m1"));
  EXPECT_EQ(error.http_status, 404);
  EXPECT_EQ(error.body, R"({"error":{"code":404,"status":"NOT_FOUND","message":"member m1"}})");
}

TEST(HttpStatusTest, GatewayMadeErrorsKeepTheirHttpStatus) {
  HttpError error = MakeHttpError(413, grpc::StatusCode::RESOURCE_EXHAUSTED, "body: too big");
  EXPECT_EQ(error.http_status, 413);
  nlohmann::json body = nlohmann::json::parse(error.body);
  EXPECT_EQ(body["error"]["code"], 413);
  EXPECT_EQ(body["error"]["status"], "RESOURCE_EXHAUSTED");
}

TEST(HttpStatusTest, InvalidUtf8InAMessageIsReplacedNotThrown) {
  HttpError error = MakeHttpError(grpc::Status(grpc::StatusCode::INTERNAL, "bad \xff byte"));
  EXPECT_EQ(error.http_status, 500);
  nlohmann::json parsed;
  EXPECT_NO_THROW(parsed = nlohmann::json::parse(error.body));
  EXPECT_EQ(parsed["error"]["status"], "INTERNAL");
}

}  // namespace
}  // namespace dunbar::gateway
