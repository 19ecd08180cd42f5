// The dashboard's files: content types, / -> index.html, path safety, and --web-root serving from
// disk instead of the embedded copies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "services/gateway/static_assets.h"

namespace dunbar::gateway {
namespace {

TEST(StaticAssetsTest, ContentTypesByExtension) {
  EXPECT_EQ(StaticAssets::ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(StaticAssets::ContentTypeFor("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(StaticAssets::ContentTypeFor("style.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticAssets::ContentTypeFor("logo.SVG"), "image/svg+xml");
  EXPECT_EQ(StaticAssets::ContentTypeFor("font.woff2"), "font/woff2");
  EXPECT_EQ(StaticAssets::ContentTypeFor("data.bin"), "application/octet-stream");
}

TEST(StaticAssetsTest, ServesFromWebRootAndRefusesEscapes) {
  const std::filesystem::path root =
      std::filesystem::path(::testing::TempDir()) / "gateway-web-root";
  std::filesystem::create_directories(root / "img");
  std::ofstream(root / "index.html") << "<h1>dev</h1>";
  std::ofstream(root / "img" / "dot.png", std::ios::binary) << std::string("\x89PNG\0\x01", 6);
  std::ofstream(root / ".secret") << "no";
  StaticAssets assets = StaticAssets::FromDirectory(root.string());

  std::optional<StaticFile> index = assets.Find("/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content, "<h1>dev</h1>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  std::optional<StaticFile> png = assets.Find("/img/dot.png");
  ASSERT_TRUE(png.has_value());
  EXPECT_EQ(png->content, std::string("\x89PNG\0\x01", 6));  // binary-safe
  EXPECT_EQ(png->content_type, "image/png");

  EXPECT_FALSE(assets.Find("/missing.js").has_value());
  EXPECT_FALSE(assets.Find("/../etc/passwd").has_value());
  EXPECT_FALSE(assets.Find("/img/../index.html").has_value());
  EXPECT_FALSE(assets.Find("/.secret").has_value());
  EXPECT_FALSE(assets.Find("//index.html").has_value());
  EXPECT_FALSE(assets.Find("/img").has_value());  // a directory
  EXPECT_FALSE(assets.Find("relative").has_value());
}

TEST(StaticAssetsTest, EmbeddedFilesAreTheWebFolder) {
  // Whatever services/gateway/web/ held at build time, byte for byte.
  std::string source = __FILE__;
  const std::filesystem::path web =
      std::filesystem::path(source.substr(0, source.rfind("/tests/"))) / "services/gateway/web";
  StaticAssets embedded = StaticAssets::Embedded();
  if (!std::filesystem::exists(web / "index.html")) {
    EXPECT_FALSE(embedded.Find("/").has_value());
    return;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(web)) {
    if (!entry.is_regular_file()) continue;
    const std::string relative = std::filesystem::relative(entry.path(), web).string();
    if (relative.front() == '.') continue;  // hidden files are never served
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string content((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
    std::optional<StaticFile> file = embedded.Find("/" + relative);
    ASSERT_TRUE(file.has_value()) << relative << " is not embedded (rebuild after adding files)";
    EXPECT_EQ(file->content, content) << relative;
  }
}

}  // namespace
}  // namespace dunbar::gateway
