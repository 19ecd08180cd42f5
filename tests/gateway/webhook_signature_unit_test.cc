// Dunbar-Signature parsing and HMAC-SHA256 verification (vectors computed with
// `printf '<t>.<body>' | openssl dgst -sha256 -hmac <secret>`), and the secrets file.
#include <gtest/gtest.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/gateway/webhook_secrets.h"
#include "services/gateway/webhook_signature.h"

namespace dunbar::gateway {
namespace {

constexpr int64_t kT = 1764100000;
constexpr char kBody[] = R"({"tenant":"acme"})";
constexpr char kSecret[] = "whsec_x";
constexpr char kExpected[] = "aa796165aa72addae6b0e0cfa868eb10a03e9f103a79358059c469fb87f1f8e7";

absl::Time At(int64_t unix_seconds) { return absl::FromUnixSeconds(unix_seconds); }

TEST(WebhookSignatureTest, MatchesOpenSslHmac) {
  EXPECT_EQ(ComputeWebhookSignature(kSecret, kT, kBody), kExpected);
}

TEST(WebhookSignatureTest, AcceptsAValidHeader) {
  const std::string header = absl::StrCat("t=", kT, ",v1=", kExpected);
  EXPECT_TRUE(VerifyWebhookSignature(header, kSecret, kBody, At(kT + 10), absl::Seconds(300)).ok());
  // Upper-case hex, spaces, an unknown scheme and a second (rotated) signature are fine.
  const std::string rotated = absl::StrCat("t=", kT, ", v0=abc, v1=", std::string(64, '0'),
                                           ", v1=", absl::AsciiStrToUpper(kExpected));
  EXPECT_TRUE(VerifyWebhookSignature(rotated, kSecret, kBody, At(kT), absl::Seconds(300)).ok());
}

TEST(WebhookSignatureTest, RejectsTamperingAndWrongSecrets) {
  const std::string header = absl::StrCat("t=", kT, ",v1=", kExpected);
  auto code = [&](const std::string& h, const std::string& secret, const std::string& body) {
    return VerifyWebhookSignature(h, secret, body, At(kT), absl::Seconds(300)).code();
  };
  EXPECT_EQ(code(header, kSecret, R"({"tenant":"acmf"})"), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(header, "other", kBody), absl::StatusCode::kUnauthenticated);
  // The timestamp is signed: moving it breaks the signature.
  EXPECT_EQ(code(absl::StrCat("t=", kT + 1, ",v1=", kExpected), kSecret, kBody),
            absl::StatusCode::kUnauthenticated);
}

TEST(WebhookSignatureTest, RejectsStaleTimestamps) {
  const std::string header = absl::StrCat("t=", kT, ",v1=", kExpected);
  absl::Status late =
      VerifyWebhookSignature(header, kSecret, kBody, At(kT + 301), absl::Seconds(300));
  EXPECT_EQ(late.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(late.message().find("stale timestamp"), absl::string_view::npos) << late;
  absl::Status early =
      VerifyWebhookSignature(header, kSecret, kBody, At(kT - 301), absl::Seconds(300));
  EXPECT_EQ(early.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(
      VerifyWebhookSignature(header, kSecret, kBody, At(kT + 300), absl::Seconds(300)).ok());
}

TEST(WebhookSignatureTest, RejectsGarbledHeaders) {
  for (const std::string& header :
       {std::string(""), std::string("garbage"), absl::StrCat("v1=", kExpected),
        absl::StrCat("t=", kT), absl::StrCat("t=abc,v1=", kExpected),
        absl::StrCat("t=", kT, ",v1=xyz"), absl::StrCat("t=", kT, ",v1=", std::string(64, 'g')),
        absl::StrCat("t=-5,v1=", kExpected),
        absl::StrCat("t=", kT, ",t=", kT, ",v1=", kExpected)}) {
    EXPECT_EQ(ParseWebhookSignatureHeader(header).status().code(),
              absl::StatusCode::kUnauthenticated)
        << header;
  }
}

TEST(WebhookSecretsTest, ParsesTenantSecretLines) {
  auto secrets = WebhookSecrets::Parse("# comment\n\nacme  s1\n  globex\ts2  \n", "f");
  ASSERT_TRUE(secrets.ok()) << secrets.status();
  EXPECT_EQ(secrets->size(), 2u);
  ASSERT_NE(secrets->Find("acme"), nullptr);
  EXPECT_EQ(*secrets->Find("acme"), "s1");
  EXPECT_EQ(*secrets->Find("globex"), "s2");
  EXPECT_EQ(secrets->Find("initech"), nullptr);
}

TEST(WebhookSecretsTest, RejectsBadLinesNamingThem) {
  auto bad = WebhookSecrets::Parse("acme s1\nglobex\n", "secrets.txt");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("secrets.txt:2"), absl::string_view::npos);
  auto twice = WebhookSecrets::Parse("acme s1\nacme s2\n", "f");
  EXPECT_EQ(twice.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(WebhookSecrets::FromFile("/nonexistent/secrets").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace dunbar::gateway
