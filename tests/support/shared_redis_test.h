// Base for test suites that talk to one real redis-server shared by the whole suite (started in
// SetUpTestSuite, killed in TearDownTestSuite); every test starts from an empty database.
//
//   class CohortStoreTest : public testing::SharedRedisTest<> {
//     void SetUp() override { SharedRedisTest::SetUp(); /* build the store on *client_ */ }
//   };
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/redis/redis_client.h"
#include "tests/support/redis_server_process.h"

namespace dunbar::testing {

template <int kPoolSize = 40>
class SharedRedisTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new RedisServerProcess();
    ASSERT_TRUE(server_->Start().ok());
    redis::RedisOptions options;
    options.url = server_->url();
    options.pool_size = kPoolSize;
    auto client = redis::RedisClient::Connect(options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = new std::shared_ptr<redis::RedisClient>(*client);
  }

  static void TearDownTestSuite() {
    delete client_;
    client_ = nullptr;
    delete server_;
    server_ = nullptr;
  }

  void SetUp() override { ASSERT_TRUE((*client_)->Command({"FLUSHALL"}).ok()); }

  // Pointers, not objects: suite-wide state must not be constructed before main().
  static inline RedisServerProcess* server_ = nullptr;
  static inline std::shared_ptr<redis::RedisClient>* client_ = nullptr;
};

}  // namespace dunbar::testing
