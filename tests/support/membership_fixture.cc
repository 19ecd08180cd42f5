#include "tests/support/membership_fixture.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/auth/grpc_auth.h"
#include "common/auth/token_store.h"
#include "common/client/grpc_client.h"
#include "common/log/json_log.h"
#include "common/server/server_config.h"
#include "common/server/server_runner.h"
#include "common/status/grpc_status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace grpc {
void PrintTo(const Status& status, std::ostream* os) {
  *os << dunbar::testing::CodeName(status.error_code()) << ": \"" << status.error_message() << "\"";
}
}  // namespace grpc

namespace dunbar::testing {

absl::StatusOr<TestTokens> TestTokens::Mint() {
  TestTokens tokens;
  std::string token_text;
  struct Minted {
    std::string tenant;
    auth::Role role;
    std::string* token;
    bool in_store;
  };
  for (const Minted& m : {Minted{"acme", auth::Role::kOperator, &tokens.acme_, true},
                          Minted{"globex", auth::Role::kOperator, &tokens.globex_, true},
                          Minted{"*", auth::Role::kService, &tokens.service_, true},
                          Minted{"acme", auth::Role::kOperator, &tokens.unknown_, false}}) {
    auto minted = auth::MintToken(m.tenant, m.role);
    if (!minted.ok()) return minted.status();
    *m.token = minted->token;
    if (m.in_store) absl::StrAppend(&token_text, minted->file_line, "\n");
  }
  auto store = auth::TokenStore::FromText(token_text);
  if (!store.ok()) return store.status();
  tokens.store_ = *store;
  return tokens;
}

const std::string& TestTokens::token(Caller caller) const {
  static const std::string kEmpty;
  switch (caller) {
    case Caller::kAcme:
      return acme_;
    case Caller::kGlobex:
      return globex_;
    case Caller::kService:
      return service_;
    case Caller::kUnknown:
      return unknown_;
    case Caller::kNone:
      break;
  }
  return kEmpty;
}

absl::StatusOr<std::unique_ptr<server::ServerRunner>> StartTestServer(
    grpc::Service* service, std::function<absl::Status()> probe, absl::Duration probe_interval,
    const redis::RedisOptions& redis_options, int* port, std::function<void()> on_drain) {
  server::ServerConfig config;
  config.listen = absl::StrCat("127.0.0.1:", *port);
  config.redis = redis_options;
  config.drain_timeout_seconds = 2;
  config.log_level = "warn";
  auto runner = std::make_unique<server::ServerRunner>(config);
  runner->AddService(service);
  runner->SetHealthProbe(std::move(probe), probe_interval);
  if (on_drain) runner->OnDrain(std::move(on_drain));
  if (absl::Status s = runner->Start(port); !s.ok()) return s;
  return runner;
}

void StopTestServer(std::unique_ptr<server::ServerRunner>& runner) {
  if (runner == nullptr) return;
  runner->RequestShutdown();
  runner->Wait();
  runner.reset();
}

absl::StatusOr<std::unique_ptr<MembershipFixture>> MembershipFixture::Start(
    MembershipFixtureOptions options) {
  // One JSON line per RPC would drown test output; warnings and errors still show.
  log::SetMinLevel(log::Level::kWarn);

  std::unique_ptr<MembershipFixture> f(new MembershipFixture());
  f->options_ = options;
  f->redis_process_ = std::make_unique<RedisServerProcess>(options.redis_args);
  if (absl::Status s = f->redis_process_->Start(); !s.ok()) return s;

  f->redis_options_.url = f->redis_process_->url();
  f->redis_options_.command_timeout = options.redis_command_timeout;
  auto redis = redis::RedisClient::Connect(f->redis_options_);
  if (!redis.ok()) return redis.status();
  f->redis_ = *redis;

  auto tokens = TestTokens::Mint();
  if (!tokens.ok()) return tokens.status();
  f->tokens_ = *std::move(tokens);

  if (absl::Status s = f->StartMembership(); !s.ok()) return s;
  f->channel_ = client::MakeChannel(absl::StrCat("127.0.0.1:", f->port_));
  f->stub_ = mv1::MembershipService::NewStub(f->channel_);
  return f;
}

absl::Status MembershipFixture::StartMembership() {
  if (runner_ != nullptr) return absl::FailedPreconditionError("membership is already running");
  auto membership =
      membership::MembershipServer::Create(redis_, tokens_.store(), options_.membership);
  if (!membership.ok()) return membership.status();
  membership_ = std::move(*membership);
  // port_ is 0 the first time (any free port), then the port clients already know.
  auto runner = StartTestServer(
      membership_->service(), [m = membership_.get()] { return m->Probe(); },
      options_.health_probe_interval, redis_options_, &port_,
      [m = membership_.get()] { m->BeginDrain(); });
  if (!runner.ok()) {
    membership_.reset();
    return runner.status();
  }
  runner_ = *std::move(runner);
  // After a restart the fixture's channel may sit in reconnect backoff; tests expect it usable.
  if (channel_ != nullptr &&
      !channel_->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
    return absl::UnavailableError("the membership channel did not reconnect within 10 s");
  }
  return absl::OkStatus();
}

void MembershipFixture::StopMembership() {
  StopTestServer(runner_);
  membership_.reset();
}

MembershipFixture::~MembershipFixture() {
  // Order matters: the server stops before the service it calls, the service before Redis.
  stub_.reset();
  channel_.reset();
  StopMembership();
  redis_.reset();
  redis_process_.reset();
}

const std::string& MembershipFixture::token(Caller caller) const { return tokens_.token(caller); }

std::unique_ptr<grpc::ClientContext> MembershipFixture::Context(Caller caller,
                                                                absl::Duration timeout) const {
  return client::NewCallContext(timeout, token(caller));
}

std::unique_ptr<grpc::ClientContext> MembershipFixture::ContextWithAuthorization(
    const std::string& authorization, absl::Duration timeout) const {
  auto context = client::NewCallContext(timeout);
  context->AddMetadata("authorization", authorization);
  return context;
}

absl::Status MembershipFixture::FlushRedis() {
  auto reply = redis_->Command({"FLUSHALL"});
  return reply.status();
}

void MembershipFixture::StopRedis() { redis_process_->Stop(); }
void MembershipFixture::KillRedis() { redis_process_->Kill(); }
absl::Status MembershipFixture::RestartRedis() { return redis_process_->Start(); }

absl::StatusOr<bool> MembershipFixture::HealthServing() {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto context = client::NewCallContext(absl::Seconds(5));
  grpc::Status status = health->Check(context.get(), request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

// ---- MembershipIntegrationTest ----

std::unique_ptr<MembershipFixture> MembershipIntegrationTest::shared_fixture_;

void MembershipIntegrationTest::SetUpTestSuite() {
  auto fixture = MembershipFixture::Start();
  ASSERT_TRUE(fixture.ok()) << fixture.status();
  shared_fixture_ = std::move(*fixture);
}

void MembershipIntegrationTest::TearDownTestSuite() { shared_fixture_.reset(); }

void MembershipIntegrationTest::SetUp() {
  ASSERT_NE(shared_fixture_, nullptr) << "the fixture did not start";
  ASSERT_TRUE(shared_fixture_->FlushRedis().ok());
}

// ---- Helpers ----

std::string CodeName(grpc::StatusCode code) { return GrpcCodeName(code); }

std::string NewRequestId() {
  static std::atomic<int64_t> next{1};
  return absl::StrCat("req-", next.fetch_add(1));
}

std::string UnknownIdLike(const std::string& real_id, int variant) {
  if (real_id.size() < 12) return absl::StrCat("unknown-member-", variant);
  // Digits deep in the random part: ids minted in the same millisecond differ only in their last
  // characters, and digits keep any id-shape check happy.
  std::string id = real_id;
  const size_t at = id.size() - 10;
  const int digits = 777 + variant;
  id[at] = static_cast<char>('0' + digits / 100 % 10);
  id[at + 1] = static_cast<char>('0' + digits / 10 % 10);
  id[at + 2] = static_cast<char>('0' + digits % 10);
  if (id == real_id) id[at - 1] = id[at - 1] == '7' ? '8' : '7';
  return id;
}

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t nanos = absl::ToUnixNanos(t);
  int64_t seconds = nanos / 1000000000;
  int64_t rest = nanos % 1000000000;
  if (rest < 0) {
    rest += 1000000000;
    --seconds;
  }
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(rest));
  return out;
}

absl::Time FromProto(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

grpc::Status CreateMember(MembershipFixture& f, const mv1::Member& member, mv1::Member* out,
                          Caller caller, const std::optional<std::string>& request_id) {
  mv1::CreateMemberRequest request;
  request.set_request_id(request_id.has_value() ? *request_id : NewRequestId());
  *request.mutable_member() = member;
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::Member ignored;
  return f.stub().CreateMember(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status GetMember(MembershipFixture& f, const std::string& id, mv1::Member* out,
                       Caller caller) {
  mv1::GetMemberRequest request;
  request.set_member_id(id);
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::Member ignored;
  return f.stub().GetMember(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status FindByHandle(MembershipFixture& f, mv1::HandleKind kind, const std::string& value,
                          mv1::Member* out, Caller caller) {
  mv1::FindMemberByHandleRequest request;
  request.set_kind(kind);
  request.set_value(value);
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::Member ignored;
  return f.stub().FindMemberByHandle(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status DeleteMember(MembershipFixture& f, const std::string& id, bool* deleted,
                          Caller caller) {
  mv1::DeleteMemberRequest request;
  request.set_request_id(NewRequestId());
  request.set_member_id(id);
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::DeleteMemberResponse response;
  grpc::Status status = f.stub().DeleteMember(f.Context(caller).get(), request, &response);
  if (deleted != nullptr) *deleted = response.deleted();
  return status;
}

grpc::Status RecordInteraction(MembershipFixture& f, const std::string& member_id,
                               mv1::InteractionKind kind, absl::Time at, mv1::Interaction* out,
                               Caller caller) {
  mv1::RecordInteractionRequest request;
  request.set_request_id(NewRequestId());
  request.set_member_id(member_id);
  request.set_kind(kind);
  *request.mutable_at() = ToProto(at);
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::Interaction ignored;
  return f.stub().RecordInteraction(f.Context(caller).get(), request, out ? out : &ignored);
}

grpc::Status SetDoNotContact(MembershipFixture& f, const std::string& member_id, bool value,
                             Caller caller) {
  mv1::SetContactPreferenceRequest request;
  request.set_request_id(NewRequestId());
  request.set_member_id(member_id);
  request.set_do_not_contact(value);
  if (value) request.set_do_not_contact_reason("asked us to stop");
  if (caller == Caller::kService) request.set_tenant("acme");
  mv1::ContactPreference ignored;
  return f.stub().SetContactPreference(f.Context(caller).get(), request, &ignored);
}

mv1::Member MustCreate(MembershipFixture& f, const mv1::Member& member, Caller caller) {
  mv1::Member out;
  grpc::Status status = CreateMember(f, member, &out, caller);
  EXPECT_TRUE(status.ok()) << "CreateMember(" << member.ShortDebugString() << "): code "
                           << static_cast<int>(status.error_code()) << " "
                           << status.error_message();
  return out;
}

mv1::Member MakeMember(const std::string& name, const std::string& phone, const std::string& email,
                       const std::string& wechat_id) {
  mv1::Member member;
  member.set_name(name);
  member.set_phone(phone);
  member.set_email(email);
  member.set_wechat_id(wechat_id);
  return member;
}

absl::StatusOr<std::vector<mv1::Member>> ListAllMembers(MembershipFixture& f,
                                                        mv1::ListMembersRequest request,
                                                        int page_size, Caller caller) {
  std::vector<mv1::Member> all;
  request.set_page_size(page_size);
  if (caller == Caller::kService && request.tenant().empty()) request.set_tenant("acme");
  for (int page = 0; page < 100000; ++page) {
    mv1::ListMembersResponse response;
    grpc::Status status = f.stub().ListMembers(f.Context(caller).get(), request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("ListMembers page ", page, ": ", status.error_message()));
    }
    for (auto& m : *response.mutable_members()) all.push_back(std::move(m));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("ListMembers never returned an empty next_page_token");
}

absl::StatusOr<std::vector<mv1::RankedContact>> RankAll(MembershipFixture& f,
                                                        mv1::RankContactsRequest request,
                                                        int page_size, Caller caller) {
  std::vector<mv1::RankedContact> all;
  request.set_page_size(page_size);
  if (caller == Caller::kService && request.tenant().empty()) request.set_tenant("acme");
  for (int page = 0; page < 100000; ++page) {
    mv1::RankContactsResponse response;
    grpc::Status status = f.stub().RankContacts(f.Context(caller).get(), request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("RankContacts page ", page, ": ", status.error_message()));
    }
    if (response.contacts_size() > page_size) {
      return absl::InternalError(absl::StrCat("RankContacts returned ", response.contacts_size(),
                                              " contacts for page_size ", page_size));
    }
    for (auto& c : *response.mutable_contacts()) all.push_back(std::move(c));
    if (response.next_page_token().empty()) return all;
    request.set_page_token(response.next_page_token());
  }
  return absl::InternalError("RankContacts never returned an empty next_page_token");
}

grpc::Status Import(MembershipFixture& f, const std::string& request_id,
                    const std::vector<mv1::ImportRow>& rows, mv1::ImportContactsResponse* out,
                    Caller caller, int rows_per_message, const std::string& tenant,
                    const std::string& default_country) {
  auto context = f.Context(caller, absl::Seconds(60));
  mv1::ImportContactsResponse ignored;
  if (out == nullptr) out = &ignored;
  auto writer = f.stub().ImportContacts(context.get(), out);
  mv1::ImportContactsRequest message;
  mv1::ImportHeader* header = message.mutable_header();
  header->set_request_id(request_id);
  header->set_tenant(tenant.empty() && caller == Caller::kService ? "acme" : tenant);
  header->set_default_country(default_country);
  size_t next = 0;
  bool first = true;
  while (first || next < rows.size()) {
    for (int i = 0; i < rows_per_message && next < rows.size(); ++i) {
      *message.add_rows() = rows[next++];
    }
    message.set_end_of_import(next == rows.size());
    // A failed write means the server has already finished the call; Finish() says why.
    if (!writer->Write(message)) break;
    message.Clear();
    first = false;
  }
  writer->WritesDone();
  return writer->Finish();
}

}  // namespace dunbar::testing
