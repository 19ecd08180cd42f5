// Token hashing and minting with OpenSSL: tokens are stored only as SHA-256 hashes, and new
// tokens carry 256 bits from OpenSSL's CSPRNG.
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/token_store.h"

namespace dunbar::auth {
namespace {

// Debian's abseil has its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW is 0), which
// std::string_view does not convert to implicitly.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

constexpr size_t kTokenRandomBytes = 32;
constexpr std::string_view kTokenPrefix = "dbr_";

// RFC 4648 section 5, without padding: tokens go into headers and shell variables unquoted.
std::string Base64UrlNoPadding(const unsigned char* data, size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const uint32_t group = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    out += kAlphabet[(group >> 6) & 63];
    out += kAlphabet[group & 63];
  }
  const size_t rest = size - i;
  if (rest > 0) {
    uint32_t group = uint32_t{data[i]} << 16;
    if (rest == 2) group |= uint32_t{data[i + 1]} << 8;
    out += kAlphabet[(group >> 18) & 63];
    out += kAlphabet[(group >> 12) & 63];
    if (rest == 2) out += kAlphabet[(group >> 6) & 63];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest;
  unsigned int digest_size = 0;
  // EVP_Digest with SHA-256 only fails on allocation failure; treat that as fatal like new does.
  if (EVP_Digest(data.data(), data.size(), digest.data(), &digest_size, EVP_sha256(), nullptr) !=
      1) {
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(digest_size * 2);
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

absl::StatusOr<MintedToken> MintToken(std::string_view tenant, Role role) {
  if (!IsValidTenantForRole(role, tenant)) {
    return absl::InvalidArgumentError(role == Role::kService
                                          ? "tenant: service tokens are issued for tenant \"*\""
                                          : "tenant: must be 1-64 characters of a-z, 0-9, _ or -");
  }
  std::array<unsigned char, kTokenRandomBytes> random;
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return absl::InternalError("token: the random generator failed");
  }
  MintedToken minted;
  minted.token =
      absl::StrCat(AbslView(kTokenPrefix), Base64UrlNoPadding(random.data(), random.size()));
  minted.file_line =
      absl::StrCat(Sha256Hex(minted.token), " ", AbslView(RoleName(role)), " ", AbslView(tenant));
  return minted;
}

}  // namespace dunbar::auth
