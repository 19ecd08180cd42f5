// Monotonic ULIDs. One process-wide generator behind a mutex: ids are short to make (a clock
// read and a few shifts), so contention is negligible next to the RPC that needs the id, and a
// single state is what makes ids from all threads strictly ordered.
#include "common/ids/id_generator.h"

#include <array>
#include <chrono>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"

namespace dunbar::ids {
namespace {

constexpr size_t kIdLength = 26;
constexpr size_t kTimeChars = 10;  // 50 bits of which the top 2 are zero: 48-bit milliseconds
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr uint64_t kMaxMillis = (uint64_t{1} << 48) - 1;

// Value of a canonical (upper-case) Crockford character, or -1.
int DecodeChar(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  for (int value = 10; value < 32; ++value) {
    if (kAlphabet[value] == c) return value;
  }
  return -1;
}

// The 80 random bits are split 16 high + 64 low.
struct UlidValue {
  uint64_t millis = 0;
  uint16_t random_high = 0;
  uint64_t random_low = 0;
};

std::string Encode(const UlidValue& v) {
  std::array<char, kIdLength> out;
  // Time: 10 chars, 5 bits each, most significant first.
  for (size_t i = 0; i < kTimeChars; ++i) {
    out[kTimeChars - 1 - i] = kAlphabet[(v.millis >> (5 * i)) & 31];
  }
  // Randomness: 80 bits = 16 chars. Bits 79..64 live in random_high.
  for (size_t i = 0; i < 16; ++i) {
    const size_t shift = 5 * i;  // bit offset from the least significant end
    uint32_t chunk;
    if (shift + 5 <= 64) {
      chunk = static_cast<uint32_t>(v.random_low >> shift) & 31;
    } else if (shift >= 64) {
      chunk = static_cast<uint32_t>(v.random_high >> (shift - 64)) & 31;
    } else {  // straddles the boundary (shift == 60)
      chunk = static_cast<uint32_t>((v.random_low >> shift) |
                                    (static_cast<uint64_t>(v.random_high) << (64 - shift))) &
              31;
    }
    out[kIdLength - 1 - i] = kAlphabet[chunk];
  }
  return std::string(out.data(), out.size());
}

class Generator {
 public:
  std::string Next() {
    const uint64_t now =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count());
    std::lock_guard<std::mutex> lock(mu_);
    if (now > last_.millis) {
      last_.millis = now & kMaxMillis;
      last_.random_high = absl::Uniform<uint16_t>(bitgen_);
      last_.random_low = absl::Uniform<uint64_t>(bitgen_);
    } else if (++last_.random_low == 0 && ++last_.random_high == 0) {
      // Same millisecond (or the clock stepped back): the 80-bit increment wrapped, which takes
      // 2^80 ids in one millisecond or a wrap after a random start; move to the next millisecond
      // so order still holds.
      ++last_.millis;
    }
    return Encode(last_);
  }

 private:
  // std::mutex rather than absl::Mutex: Debian's abseil is not built with TSan, so TSan cannot
  // see absl::Mutex hand-offs and would report races on the state below.
  std::mutex mu_;
  UlidValue last_ ABSL_GUARDED_BY(mu_);
  absl::BitGen bitgen_ ABSL_GUARDED_BY(mu_);
};

Generator& GlobalGenerator() {
  static Generator* const generator = new Generator();
  return *generator;
}

}  // namespace

std::string NewId(std::string_view prefix) {
  std::string id(prefix);
  id += GlobalGenerator().Next();
  return id;
}

bool IsWellFormedId(std::string_view id) {
  if (id.size() != kIdLength) return false;
  // The first char carries only 3 bits (128 = 26 * 5 - 2), so it is at most '7'.
  if (id[0] < '0' || id[0] > '7') return false;
  for (const char c : id) {
    if (DecodeChar(c) < 0) return false;
  }
  return true;
}

absl::Time IdTime(std::string_view id) {
  if (!IsWellFormedId(id)) return absl::InfinitePast();
  uint64_t millis = 0;
  for (size_t i = 0; i < kTimeChars; ++i) millis = (millis << 5) | DecodeChar(id[i]);
  return absl::FromUnixMillis(static_cast<int64_t>(millis));
}

}  // namespace dunbar::ids
