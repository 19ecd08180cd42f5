#include "tools/dunbarctl/token_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace dunbar::dunbarctl {
namespace {

class TokenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dunbarctl-token-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/tokens";
  }
  void TearDown() override {
    unlink(path_.c_str());
    rmdir(dir_.c_str());
  }
  std::string Contents() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string dir_;
  std::string path_;
};

TEST_F(TokenFileTest, CreatesTheFileOwnerOnlyAndAppends) {
  absl::StatusOr<TokenFileAppend> first = AppendTokenLine(path_, "aaaa operator acme");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_TRUE(first->created);
  struct stat info {};
  ASSERT_EQ(stat(path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);

  absl::StatusOr<TokenFileAppend> second = AppendTokenLine(path_, "bbbb service *");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->created);
  EXPECT_FALSE(second->group_or_other_access);
  EXPECT_EQ(Contents(), "aaaa operator acme\nbbbb service *\n");
}

TEST_F(TokenFileTest, StartsANewLineWhenTheFileLacksOne) {
  {
    std::ofstream out(path_);
    out << "# hand-edited\naaaa operator acme";  // no trailing newline
  }
  chmod(path_.c_str(), 0644);
  absl::StatusOr<TokenFileAppend> appended = AppendTokenLine(path_, "bbbb admin acme");
  ASSERT_TRUE(appended.ok()) << appended.status();
  EXPECT_TRUE(appended->group_or_other_access);
  EXPECT_EQ(Contents(), "# hand-edited\naaaa operator acme\nbbbb admin acme\n");
}

TEST_F(TokenFileTest, MissingDirectoryIsNotFoundNamingThePath) {
  const std::string missing = dir_ + "/no/such/dir/tokens";
  absl::StatusOr<TokenFileAppend> appended = AppendTokenLine(missing, "x operator acme");
  ASSERT_FALSE(appended.ok());
  EXPECT_EQ(appended.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(appended.status().message(), missing + ": cannot open: No such file or directory");
}

}  // namespace
}  // namespace dunbar::dunbarctl
