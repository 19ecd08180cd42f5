// Unit tests for token hashing, minting, the token file format and reload-on-change.
#include "common/auth/token_store.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/log/json_log.h"

namespace dunbar::auth {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// SHA-256("test"), as in the header's example file.
constexpr char kTestHash[] = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

std::string Line(std::string_view token, std::string_view role, std::string_view tenant) {
  return Sha256Hex(token) + " " + std::string(role) + " " + std::string(tenant) + "\n";
}

void ExpectUnauthenticated(const absl::StatusOr<Principal>& result, const std::string& message) {
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
  EXPECT_EQ(result.status().message(), message);
}

// ---------------------------------------------------------------- hashing and minting

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("test"), kTestHash);
}

TEST(MintTokenTest, FormatAndFileLine) {
  absl::StatusOr<MintedToken> minted = MintToken("acme", Role::kOperator);
  ASSERT_TRUE(minted.ok()) << minted.status();
  ASSERT_EQ(minted->token.size(), 47u);  // "dbr_" + 43 base64url chars (32 bytes, no padding)
  EXPECT_EQ(minted->token.substr(0, 4), "dbr_");
  EXPECT_EQ(minted->token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
            std::string::npos)
      << minted->token;
  EXPECT_EQ(minted->file_line, Sha256Hex(minted->token) + " operator acme");
}

TEST(MintTokenTest, TokensAreRandom) {
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < 100; ++i) ++seen[MintToken("acme", Role::kOperator)->token];
  EXPECT_EQ(seen.size(), 100u);
}

TEST(MintTokenTest, ServiceTokensAreForEveryTenant) {
  absl::StatusOr<MintedToken> minted = MintToken("*", Role::kService);
  ASSERT_TRUE(minted.ok()) << minted.status();
  EXPECT_EQ(minted->file_line, Sha256Hex(minted->token) + " service *");

  absl::StatusOr<MintedToken> scoped_service = MintToken("acme", Role::kService);
  EXPECT_EQ(scoped_service.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(scoped_service.status().message(),
            "tenant: service tokens are issued for tenant \"*\"");
}

TEST(MintTokenTest, RejectsBadTenants) {
  for (const char* tenant : {"*", "", "Acme", "a b"}) {
    absl::StatusOr<MintedToken> minted = MintToken(tenant, Role::kOperator);
    EXPECT_EQ(minted.status().code(), absl::StatusCode::kInvalidArgument) << tenant;
    EXPECT_EQ(minted.status().message(), "tenant: must be 1-64 characters of a-z, 0-9, _ or -");
  }
}

TEST(MintTokenTest, MintedTokenAuthenticatesFromItsFileLine) {
  absl::StatusOr<MintedToken> minted = MintToken("acme", Role::kAdmin);
  ASSERT_TRUE(minted.ok());
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromText(minted->file_line);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<Principal> who = (*store)->Authenticate("Bearer " + minted->token);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->tenant, "acme");
  EXPECT_EQ(who->role, Role::kAdmin);
  EXPECT_EQ(who->token_id, Sha256Hex(minted->token).substr(0, 8));
}

// ---------------------------------------------------------------- file format

TEST(TokenStoreParseTest, AcceptsCommentsBlankLinesCrlfAndUpperCaseHex) {
  const std::string text =
      "# sha256-hex  role  tenant\n"
      "\n"
      "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 operator acme\r\n"
      "   \t\n" +
      Sha256Hex("svc") + "\tservice\t*   # the cohort service\n" + Line("boss", "admin", "acme");
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromText(text);
  ASSERT_TRUE(store.ok()) << store.status();

  absl::StatusOr<Principal> op = (*store)->Authenticate("Bearer test");
  ASSERT_TRUE(op.ok()) << op.status();
  EXPECT_EQ(op->tenant, "acme");
  EXPECT_EQ(op->role, Role::kOperator);
  EXPECT_EQ(op->token_id, "9f86d081");

  absl::StatusOr<Principal> service = (*store)->Authenticate("Bearer svc");
  ASSERT_TRUE(service.ok()) << service.status();
  EXPECT_EQ(service->tenant, "*");
  EXPECT_EQ(service->role, Role::kService);

  absl::StatusOr<Principal> admin = (*store)->Authenticate("Bearer boss");
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_EQ(admin->role, Role::kAdmin);
}

TEST(TokenStoreParseTest, AnEmptyFileHasNoTokens) {
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromText("# nothing yet\n");
  ASSERT_TRUE(store.ok());
  ExpectUnauthenticated((*store)->Authenticate("Bearer test"),
                        "authorization: unknown or revoked token");
}

TEST(TokenStoreParseTest, ReportsTheLineNumberAndNeverTheLine) {
  struct Case {
    std::string text;
    std::string message;
  };
  const std::string good = Line("a", "operator", "acme");
  const Case cases[] = {
      {good + "\n" + std::string(kTestHash) + " operator\n",
       "tokens line 3: expected \"<sha256-hex> <role> <tenant>\""},
      {std::string(kTestHash) + " operator acme extra\n",
       "tokens line 1: expected \"<sha256-hex> <role> <tenant>\""},
      {good + "dbr_rawtokenpastedbymistake operator acme\n",
       "tokens line 2: the hash must be 64 hex characters (SHA-256)"},
      {std::string(kTestHash).substr(1) + " operator acme\n",
       "tokens line 1: the hash must be 64 hex characters (SHA-256)"},
      {std::string(kTestHash).substr(1) + "g operator acme\n",
       "tokens line 1: the hash must be 64 hex characters (SHA-256)"},
      {std::string(kTestHash) + " root acme\n",
       "tokens line 1: the role must be operator, admin or service"},
      {std::string(kTestHash) + " service acme\n",
       "tokens line 1: service tokens must have tenant \"*\""},
      {std::string(kTestHash) + " operator *\n",
       "tokens line 1: the tenant must be 1-64 characters of a-z, 0-9, _ or -"},
      {std::string(kTestHash) + " admin Acme\n",
       "tokens line 1: the tenant must be 1-64 characters of a-z, 0-9, _ or -"},
      {good + good, "tokens line 2: duplicate token hash"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromText(c.text);
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_EQ(store.status().message(), c.message) << c.text;
    EXPECT_THAT(std::string(store.status().message()), Not(HasSubstr("rawtoken")));
  }
}

// ---------------------------------------------------------------- bearer parsing

class AuthenticateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::shared_ptr<TokenStore>> store =
        TokenStore::FromText(std::string(kTestHash) + " operator acme\n");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *store;
  }
  std::shared_ptr<TokenStore> store_;
};

TEST_F(AuthenticateTest, AcceptsBearerInAnyCase) {
  for (const char* header : {"Bearer test", "bearer test", "BEARER test", "  Bearer \t test  "}) {
    absl::StatusOr<Principal> who = store_->Authenticate(header);
    ASSERT_TRUE(who.ok()) << header << ": " << who.status();
    EXPECT_EQ(who->tenant, "acme");
  }
}

TEST_F(AuthenticateTest, MissingToken) {
  ExpectUnauthenticated(store_->Authenticate(""), "authorization: missing bearer token");
  ExpectUnauthenticated(store_->Authenticate("   "), "authorization: missing bearer token");
}

TEST_F(AuthenticateTest, MalformedHeader) {
  for (const char* header : {"test", "Bearer", "Bearer ", "Basic dGVzdA==", "Bearertest",
                             "Token test", "Bearer te st", "Bearer test\x01", "Bearer tést"}) {
    ExpectUnauthenticated(store_->Authenticate(header),
                          "authorization: expected \"Bearer <token>\"");
  }
  ExpectUnauthenticated(store_->Authenticate("Bearer " + std::string(513, 'a')),
                        "authorization: expected \"Bearer <token>\"");
}

TEST_F(AuthenticateTest, UnknownTokenIsNotEchoed) {
  absl::StatusOr<Principal> who = store_->Authenticate("Bearer dbr_wrongtokenvalue");
  ExpectUnauthenticated(who, "authorization: unknown or revoked token");
  EXPECT_THAT(std::string(who.status().message()), Not(HasSubstr("wrongtokenvalue")));
  // A token must match exactly: the stored hash is of "test".
  ExpectUnauthenticated(store_->Authenticate("Bearer Test"),
                        "authorization: unknown or revoked token");
  ExpectUnauthenticated(store_->Authenticate("Bearer " + std::string(kTestHash)),
                        "authorization: unknown or revoked token");
}

// ---------------------------------------------------------------- file and reload

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetEnabled(false);  // reload errors are logged on purpose here
    std::string pattern = ::testing::TempDir() + "/dunbar-tokens-XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/tokens";
  }
  void TearDown() override {
    log::SetEnabled(true);
    std::remove(path_.c_str());
    std::remove((path_ + ".new").c_str());
    ::rmdir(dir_.c_str());
  }

  // Writes `text` in place (like an editor) and sets the mtime to `mtime_seconds`, so a change is
  // visible even on file systems with coarse timestamps.
  void WriteInPlace(const std::string& text, int64_t mtime_seconds) {
    {
      std::ofstream out(path_, std::ios::binary | std::ios::trunc);
      out << text;
    }
    SetMtime(path_, mtime_seconds);
  }

  // Writes a new file and renames it over the old one (how Kubernetes and `mv` replace files).
  void ReplaceAtomically(const std::string& text, int64_t mtime_seconds) {
    const std::string fresh = path_ + ".new";
    {
      std::ofstream out(fresh, std::ios::binary | std::ios::trunc);
      out << text;
    }
    SetMtime(fresh, mtime_seconds);
    ASSERT_EQ(std::rename(fresh.c_str(), path_.c_str()), 0);
  }

  static void SetMtime(const std::string& path, int64_t seconds) {
    struct timespec times[2];
    times[0].tv_sec = seconds;
    times[0].tv_nsec = 0;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
  }

  std::string dir_;
  std::string path_;
};

TEST_F(TokenFileTest, MissingFileIsNotFound) {
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromFile(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store.status().message(), "token file " + path_ + ": does not exist");
}

TEST_F(TokenFileTest, MalformedFileIsInvalidWithLineNumber) {
  WriteInPlace(Line("a", "operator", "acme") + "garbage\n", 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromFile(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.status().message(),
            "token file " + path_ + " line 2: expected \"<sha256-hex> <role> <tenant>\"");
}

TEST_F(TokenFileTest, ReloadsWhenTheFileChanges) {
  WriteInPlace(Line("alpha", "operator", "acme"), 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store =
      TokenStore::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(store.ok()) << store.status();
  TokenStore& tokens = **store;
  ASSERT_TRUE(tokens.Authenticate("Bearer alpha").ok());
  ExpectUnauthenticated(tokens.Authenticate("Bearer bravo"),
                        "authorization: unknown or revoked token");

  // Rotate: alpha revoked, bravo issued for another tenant.
  WriteInPlace(Line("bravo", "operator", "globex"), 2000);
  ExpectUnauthenticated(tokens.Authenticate("Bearer alpha"),
                        "authorization: unknown or revoked token");
  absl::StatusOr<Principal> bravo = tokens.Authenticate("Bearer bravo");
  ASSERT_TRUE(bravo.ok()) << bravo.status();
  EXPECT_EQ(bravo->tenant, "globex");
}

TEST_F(TokenFileTest, ReloadsAnAtomicReplaceWithTheSameMtimeAndSize) {
  WriteInPlace(Line("alpha", "operator", "acme"), 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store =
      TokenStore::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->Authenticate("Bearer alpha").ok());

  // Same length line, same mtime: only the inode tells the versions apart.
  ReplaceAtomically(Line("bravo", "operator", "acme"), 1000);
  ExpectUnauthenticated((*store)->Authenticate("Bearer alpha"),
                        "authorization: unknown or revoked token");
  EXPECT_TRUE((*store)->Authenticate("Bearer bravo").ok());
}

TEST_F(TokenFileTest, MalformedReloadKeepsThePreviousTokens) {
  WriteInPlace(Line("alpha", "operator", "acme"), 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store =
      TokenStore::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(store.ok()) << store.status();

  WriteInPlace(Line("bravo", "operator", "acme") + "not a token line\n", 2000);
  EXPECT_TRUE((*store)->Authenticate("Bearer alpha").ok());
  ExpectUnauthenticated((*store)->Authenticate("Bearer bravo"),
                        "authorization: unknown or revoked token");

  // Once fixed, the new version takes over.
  WriteInPlace(Line("bravo", "operator", "acme"), 3000);
  ExpectUnauthenticated((*store)->Authenticate("Bearer alpha"),
                        "authorization: unknown or revoked token");
  EXPECT_TRUE((*store)->Authenticate("Bearer bravo").ok());
}

TEST_F(TokenFileTest, DeletedFileKeepsThePreviousTokens) {
  WriteInPlace(Line("alpha", "operator", "acme"), 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store =
      TokenStore::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(store.ok()) << store.status();

  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_TRUE((*store)->Authenticate("Bearer alpha").ok());
  EXPECT_TRUE((*store)->Authenticate("Bearer alpha").ok());

  WriteInPlace(Line("bravo", "service", "*"), 2000);
  ExpectUnauthenticated((*store)->Authenticate("Bearer alpha"),
                        "authorization: unknown or revoked token");
  absl::StatusOr<Principal> bravo = (*store)->Authenticate("Bearer bravo");
  ASSERT_TRUE(bravo.ok()) << bravo.status();
  EXPECT_EQ(bravo->role, Role::kService);
}

TEST_F(TokenFileTest, ChecksAtMostOncePerInterval) {
  WriteInPlace(Line("alpha", "operator", "acme"), 1000);
  // An interval no test run reaches: the change below must not be seen.
  absl::StatusOr<std::shared_ptr<TokenStore>> store = TokenStore::FromFile(path_, absl::Hours(1));
  ASSERT_TRUE(store.ok()) << store.status();

  WriteInPlace(Line("bravo", "operator", "acme"), 2000);
  EXPECT_TRUE((*store)->Authenticate("Bearer alpha").ok());
  ExpectUnauthenticated((*store)->Authenticate("Bearer bravo"),
                        "authorization: unknown or revoked token");
}

TEST_F(TokenFileTest, ConcurrentAuthenticationDuringRotation) {
  // "stable" is in every version of the file; "rotating-N" only in version N.
  auto version = [](int n) {
    return Line("stable", "operator", "acme") +
           Line("rotating-" + std::to_string(n), "admin", "acme");
  };
  ReplaceAtomically(version(0), 1000);
  absl::StatusOr<std::shared_ptr<TokenStore>> store =
      TokenStore::FromFile(path_, absl::ZeroDuration());
  ASSERT_TRUE(store.ok()) << store.status();

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        if (!(*store)->Authenticate("Bearer stable").ok()) failures.fetch_add(1);
      }
    });
  }
  for (int n = 1; n <= 50; ++n) ReplaceAtomically(version(n), 1000 + n);
  // The last version is in force once a check has run after the final rename.
  EXPECT_TRUE((*store)->Authenticate("Bearer rotating-50").ok());
  stop.store(true);
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(failures.load(), 0);
  ExpectUnauthenticated((*store)->Authenticate("Bearer rotating-49"),
                        "authorization: unknown or revoked token");
}

}  // namespace
}  // namespace dunbar::auth
