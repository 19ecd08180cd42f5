// Unit tests for common/ids: format, time round trip, and monotonic uniqueness across threads.
#include "common/ids/id_generator.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"

namespace dunbar::ids {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

TEST(NewIdTest, Is26CrockfordCharacters) {
  const std::string id = NewId();
  ASSERT_EQ(id.size(), 26u);
  EXPECT_EQ(id.find_first_not_of(kCrockford), std::string::npos) << id;
  EXPECT_TRUE(IsWellFormedId(id)) << id;
}

TEST(NewIdTest, KeepsThePrefix) {
  const std::string id = NewId("m_");
  ASSERT_EQ(id.size(), 28u);
  EXPECT_EQ(id.substr(0, 2), "m_");
  EXPECT_TRUE(IsWellFormedId(id.substr(2))) << id;
}

TEST(IdTimeTest, RoundTripsTheCreationMillisecond) {
  const absl::Time before = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now()));
  const std::string id = NewId();
  const absl::Time after = absl::Now();
  const absl::Time created = IdTime(id);
  EXPECT_GE(created, before) << id;
  EXPECT_LE(created, after) << id;
}

TEST(IdTimeTest, DecodesKnownValues) {
  // 01ARZ3NDEK in Crockford base32 is 1469922850259 (computed independently).
  EXPECT_EQ(IdTime("01ARZ3NDEK0000000000000000"), absl::FromUnixMillis(1469922850259));
  EXPECT_EQ(IdTime("00000000000000000000000000"), absl::UnixEpoch());
  // The largest 48-bit millisecond value.
  EXPECT_EQ(IdTime("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"), absl::FromUnixMillis((int64_t{1} << 48) - 1));
}

TEST(IdTimeTest, MalformedIsInfinitePast) {
  EXPECT_EQ(IdTime(""), absl::InfinitePast());
  EXPECT_EQ(IdTime("m_01ARZ3NDEK0000000000000000"), absl::InfinitePast());  // prefix not stripped
  EXPECT_EQ(IdTime("01arz3ndek0000000000000000"), absl::InfinitePast());
}

TEST(IsWellFormedIdTest, RejectsNonCanonicalIds) {
  EXPECT_TRUE(IsWellFormedId("01ARZ3NDEKTSV4RRFFQ69G5FAV"));
  EXPECT_FALSE(IsWellFormedId(""));
  EXPECT_FALSE(IsWellFormedId("01ARZ3NDEKTSV4RRFFQ69G5FA"));    // 25
  EXPECT_FALSE(IsWellFormedId("01ARZ3NDEKTSV4RRFFQ69G5FAVX"));  // 27
  EXPECT_FALSE(IsWellFormedId("01arz3ndektsv4rrffq69g5fav"));   // lower case is not canonical
  for (const char excluded : {'I', 'L', 'O', 'U', '-', '_'}) {
    std::string id = "01ARZ3NDEKTSV4RRFFQ69G5FAV";
    id[12] = excluded;
    EXPECT_FALSE(IsWellFormedId(id)) << id;
  }
  EXPECT_FALSE(IsWellFormedId("80000000000000000000000000"));  // more than 128 bits
}

TEST(NewIdTest, StrictlyIncreasingWithinOneThread) {
  // Far more ids than milliseconds pass: most share a millisecond with their predecessor.
  std::string previous = NewId();
  for (int i = 0; i < 20000; ++i) {
    std::string next = NewId();
    ASSERT_LT(previous, next) << "at " << i;
    previous = std::move(next);
  }
}

TEST(NewIdTest, UniqueAndPerThreadIncreasingAcrossThreads) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 12500;  // 100k in total
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      ids[t].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) ids[t].push_back(NewId());
    });
  }
  for (std::thread& thread : threads) thread.join();

  absl::flat_hash_set<std::string> unique;
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(ids[t].size(), static_cast<size_t>(kPerThread));
    for (int i = 0; i < kPerThread; ++i) {
      ASSERT_TRUE(IsWellFormedId(ids[t][i])) << ids[t][i];
      if (i > 0) {
        ASSERT_LT(ids[t][i - 1], ids[t][i]) << "thread " << t << " at " << i;
      }
      unique.insert(ids[t][i]);
    }
  }
  EXPECT_EQ(unique.size(), static_cast<size_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace dunbar::ids
