// common/auth/grpc_auth over real gRPC on loopback: a health service whose Check authenticates
// the caller and reports the principal in trailing metadata.
#include "common/auth/grpc_auth.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/status/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace dunbar::auth {
namespace {

using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

class AuthenticatingHealth final : public Health::Service {
 public:
  explicit AuthenticatingHealth(std::shared_ptr<TokenStore> tokens) : tokens_(std::move(tokens)) {}

  grpc::Status Check(grpc::ServerContext* context, const HealthCheckRequest* request,
                     HealthCheckResponse* response) override {
    absl::StatusOr<Principal> who = Authenticate(*tokens_, *context);
    if (!who.ok()) return ToGrpcStatus(who.status());
    // The request's `service` field stands in for the tenant a real request would name.
    absl::StatusOr<std::string> tenant = ResolveTenant(*who, request->service());
    if (!tenant.ok()) return ToGrpcStatus(tenant.status());
    context->AddTrailingMetadata("tenant", *tenant);
    context->AddTrailingMetadata("role", std::string(RoleName(who->role)));
    response->set_status(HealthCheckResponse::SERVING);
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<TokenStore> tokens_;
};

class GrpcAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<TokenStore>> tokens = TokenStore::FromText(
        Sha256Hex("acme-token") + " operator acme\n" + Sha256Hex("service-token") + " service *\n");
    ASSERT_TRUE(tokens.ok()) << tokens.status();
    service_ = std::make_unique<AuthenticatingHealth>(*tokens);
    int port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    stub_ = Health::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                grpc::InsecureChannelCredentials()));
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  struct Result {
    grpc::Status status;
    std::string tenant;
    std::string role;
  };

  // `token` empty: no authorization metadata at all.
  Result Call(const std::string& token, const std::string& tenant = "",
              const std::string& raw_authorization = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!token.empty()) AttachToken(context, token);
    if (!raw_authorization.empty()) context.AddMetadata("authorization", raw_authorization);
    HealthCheckRequest request;
    request.set_service(tenant);
    HealthCheckResponse response;
    Result result;
    result.status = stub_->Check(&context, request, &response);
    const auto& trailers = context.GetServerTrailingMetadata();
    if (auto it = trailers.find("tenant"); it != trailers.end()) {
      result.tenant.assign(it->second.data(), it->second.size());
    }
    if (auto it = trailers.find("role"); it != trailers.end()) {
      result.role.assign(it->second.data(), it->second.size());
    }
    return result;
  }

  std::unique_ptr<AuthenticatingHealth> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Health::Stub> stub_;
};

TEST_F(GrpcAuthTest, AttachedTokenAuthenticates) {
  Result result = Call("acme-token");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.tenant, "acme");
  EXPECT_EQ(result.role, "operator");
}

TEST_F(GrpcAuthTest, MissingMetadataIsUnauthenticated) {
  Result result = Call("");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "authorization: missing bearer token");
}

TEST_F(GrpcAuthTest, WrongTokenIsUnauthenticated) {
  Result result = Call("globex-token");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "authorization: unknown or revoked token");
}

TEST_F(GrpcAuthTest, MalformedHeaderIsUnauthenticated) {
  Result result = Call("", "", "Basic YWNtZS10b2tlbg==");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "authorization: expected \"Bearer <token>\"");
}

TEST_F(GrpcAuthTest, TwoAuthorizationValuesAreRefused) {
  Result result = Call("acme-token", "", "Bearer service-token");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(result.status.error_message(), "authorization: more than one value");
}

TEST_F(GrpcAuthTest, OperatorNamingAnotherTenantIsDenied) {
  Result result = Call("acme-token", "globex");
  EXPECT_EQ(result.status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(result.status.error_message(), "tenant: this token may not act for another tenant");
}

TEST_F(GrpcAuthTest, ServiceTokenActsForTheNamedTenant) {
  Result result = Call("service-token", "globex");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  EXPECT_EQ(result.tenant, "globex");
  EXPECT_EQ(result.role, "service");

  Result without_tenant = Call("service-token");
  EXPECT_EQ(without_tenant.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(without_tenant.status.error_message(), "tenant: required for service callers");
}

}  // namespace
}  // namespace dunbar::auth
