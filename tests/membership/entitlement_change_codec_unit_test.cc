// The entitlement change notice format shared by the grant/revoke scripts and the feed.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>

#include "services/membership/entitlement_change_codec.h"

namespace dunbar::membership {
namespace {

TEST(EntitlementChangeCodecTest, DecodesGrantsAndRevocations) {
  auto granted = DecodeEntitlementChange("acme\tm-1\tdeep-work\torder:7\t0\t1717200000123");
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_FALSE(granted->subscribed());
  EXPECT_EQ(granted->tenant(), "acme");
  EXPECT_EQ(granted->member_id(), "m-1");
  EXPECT_EQ(granted->program_id(), "deep-work");
  EXPECT_EQ(granted->order_id(), "order:7");
  EXPECT_FALSE(granted->revoked());
  EXPECT_EQ(granted->changed_at().seconds(), 1717200000);
  EXPECT_EQ(granted->changed_at().nanos(), 123000000);

  auto revoked = DecodeEntitlementChange("globex\tm-2\tyoga\to-1\t1\t5");
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_TRUE(revoked->revoked());
  EXPECT_EQ(revoked->changed_at().nanos(), 5000000);
}

TEST(EntitlementChangeCodecTest, RejectsAnythingElse) {
  for (const std::string payload :
       {"", "acme\tm-1\tdeep-work\to-1\t0", "acme\tm-1\tdeep-work\to-1\t0\t1\textra",
        "acme\tm-1\tdeep-work\to-1\tyes\t1", "acme\tm-1\tdeep-work\to-1\t0\tsoon",
        "\tm-1\tdeep-work\to-1\t0\t1", "acme\t\tdeep-work\to-1\t0\t1", "acme\tm-1\t\to-1\t0\t1",
        "acme\tm-1\tdeep-work\t\t0\t1"}) {
    EXPECT_EQ(DecodeEntitlementChange(payload).status().code(), absl::StatusCode::kInternal)
        << payload;
  }
}

}  // namespace
}  // namespace dunbar::membership
