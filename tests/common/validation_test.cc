// Unit tests for common/validation: exact codes, exact messages, exact normalized values.
#include "common/validation/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"

namespace dunbar::validation {
namespace {

using ::testing::HasSubstr;

void ExpectInvalid(const absl::Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(status.message(), message);
}

template <typename T>
void ExpectInvalid(const absl::StatusOr<T>& result, const std::string& message) {
  ExpectInvalid(result.status(), message);
}

// ---------------------------------------------------------------- UTF-8

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("小源说说 第3期"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));           // U+1F600, 4 bytes
  EXPECT_TRUE(IsValidUtf8(std::string_view("a\0b", 3)));  // NUL is a valid code point
}

TEST(IsValidUtf8Test, AcceptsBoundaryCodePoints) {
  EXPECT_TRUE(IsValidUtf8("\x7F"));              // U+007F
  EXPECT_TRUE(IsValidUtf8("\xC2\x80"));          // U+0080, smallest 2-byte
  EXPECT_TRUE(IsValidUtf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(IsValidUtf8("\xE0\xA0\x80"));      // U+0800, smallest 3-byte
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBF"));      // U+FFFF
  EXPECT_TRUE(IsValidUtf8("\xF0\x90\x80\x80"));  // U+10000, smallest 4-byte
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
}

TEST(IsValidUtf8Test, RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));  // '/' in 2 bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in 3 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in 4 bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in 4 bytes
}

TEST(IsValidUtf8Test, RejectsSurrogatesAndBeyondUnicode) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));      // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
}

TEST(IsValidUtf8Test, RejectsBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // lone continuation
  EXPECT_FALSE(IsValidUtf8("abc\xE4\xB8"));           // truncated at the end
  EXPECT_FALSE(IsValidUtf8("\xE4\xB8z"));             // continuation replaced by ASCII
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98"));          // 4-byte sequence cut short
  EXPECT_FALSE(IsValidUtf8("\xF0\x9F\x98\x80\x80"));  // extra continuation
  EXPECT_FALSE(IsValidUtf8("\xC2"));
}

// ---------------------------------------------------------------- text and ids

TEST(ValidateTextTest, AcceptsWithinLimits) {
  EXPECT_TRUE(ValidateText("member.name", "小源", kMaxNameLength, true).ok());
  EXPECT_TRUE(ValidateText("member.notes", "", kMaxNotesLength, false).ok());
  EXPECT_TRUE(ValidateText("member.name", std::string(10, 'x'), 10, true).ok());
}

TEST(ValidateTextTest, RejectsWithFieldNamedMessages) {
  ExpectInvalid(ValidateText("member.name", "bad\xC0\xAF", 200, true),
                "member.name: not valid UTF-8");
  ExpectInvalid(ValidateText("member.name", std::string(11, 'x'), 10, true),
                "member.name: longer than 10 bytes");
  // The limit is in bytes: 4 Chinese characters are 12 bytes.
  ExpectInvalid(ValidateText("member.name", "小源说说", 10, true),
                "member.name: longer than 10 bytes");
  ExpectInvalid(ValidateText("member.name", "", 200, true), "member.name: required");
  ExpectInvalid(ValidateText("member.name", " \t\n", 200, true), "member.name: required");
}

TEST(ValidateRequestIdTest, AcceptsPrintableAsciiUpTo128) {
  EXPECT_TRUE(ValidateRequestId("request_id", "req-1 retry#2").ok());
  EXPECT_TRUE(ValidateRequestId("request_id", std::string(128, 'r')).ok());
}

TEST(ValidateRequestIdTest, Rejects) {
  ExpectInvalid(ValidateRequestId("request_id", ""), "request_id: required");
  ExpectInvalid(ValidateRequestId("request_id", std::string(129, 'r')),
                "request_id: longer than 128 characters");
  ExpectInvalid(ValidateRequestId("request_id", "a\nb"), "request_id: must be printable ASCII");
  ExpectInvalid(ValidateRequestId("request_id", "请求"), "request_id: must be printable ASCII");
}

TEST(ValidateIdTest, AcceptsIdAlphabet) {
  EXPECT_TRUE(ValidateId("member_id", "m_01JD3Z9X4Q6W8ZK2M5N7P9R1T3").ok());
  EXPECT_TRUE(ValidateId("member_id", "a.b:c-d_E9").ok());
  EXPECT_TRUE(ValidateId("member_id", std::string(64, 'a')).ok());
}

TEST(ValidateIdTest, Rejects) {
  ExpectInvalid(ValidateId("member_id", ""), "member_id: required");
  ExpectInvalid(ValidateId("member_id", std::string(65, 'a')),
                "member_id: longer than 64 characters");
  for (const char* bad : {"a/b", "a b", "a%2F", "é"}) {
    ExpectInvalid(ValidateId("member_id", bad),
                  "member_id: may only contain letters, digits and _ . : -");
  }
}

TEST(ValidatePageSizeTest, DefaultsAndBounds) {
  EXPECT_EQ(*ValidatePageSize("page_size", 0), 50);
  EXPECT_EQ(*ValidatePageSize("page_size", 1), 1);
  EXPECT_EQ(*ValidatePageSize("page_size", 500), 500);
  ExpectInvalid(ValidatePageSize("page_size", 501), "page_size: must be between 0 and 500");
  ExpectInvalid(ValidatePageSize("page_size", -1), "page_size: must be between 0 and 500");
}

// ---------------------------------------------------------------- phone

struct PhoneCase {
  const char* input;
  const char* country;
  const char* e164;
};

TEST(NormalizePhoneTest, NormalizesRealWorldSpellingsToE164) {
  const PhoneCase cases[] = {
      {"+86 138 0013 8000", "CN", "+8613800138000"},
      {"+86 138 0013 8000", "US", "+8613800138000"},  // a + overrides the default country
      {"13800138000", "CN", "+8613800138000"},
      {"138-0013-8000", "cn", "+8613800138000"},  // country code is case-insensitive
      {"  138 0013 8000  ", "CN", "+8613800138000"},
      {"(415) 555-2671", "US", "+14155552671"},
      {"415.555.2671", "US", "+14155552671"},
      {"+1-415-555-2671", "CN", "+14155552671"},
      {"1 (415) 555-2671", "US", "+14155552671"},
      {"0044 20 7946 0958", "CN", "+442079460958"},        // CN international prefix 00
      {"011 44 20 7946 0958", "US", "+442079460958"},      // US international prefix 011
      {"020 7946 0958", "GB", "+442079460958"},            // national trunk prefix 0 dropped
      {"+86 10 1234 5678", "CN", "+861012345678"},         // Beijing landline
      {"１３８００１３８０００", "CN", "+8613800138000"},  // full-width digits
      {"＋86　138　0013　8000", "CN", "+8613800138000"},   // full-width plus, ideographic spaces
      {"+8613800138000", "", "+8613800138000"},            // no default country needed with a +
      {"+44 (0)20 7946 0958", "US", "+442079460958"},      // "(0)": the trunk prefix, dropped
      {"(+86) 138/0013/8000", "US", "+8613800138000"},
  };
  for (const PhoneCase& c : cases) {
    absl::StatusOr<std::string> phone = NormalizePhone("member.phone", c.input, c.country);
    ASSERT_TRUE(phone.ok()) << c.input << " [" << c.country << "]: " << phone.status();
    EXPECT_EQ(*phone, c.e164) << c.input << " [" << c.country << "]";
  }
}

TEST(NormalizePhoneTest, RejectsInvalidNumbers) {
  const PhoneCase cases[] = {
      {"12345", "CN", ""},                    // too short for any Chinese number
      {"+86 138 0013 800", "CN", ""},         // one digit short
      {"+1 555 555 5555", "US", ""},          // area code 555 does not exist
      {"1-800-FLOWERS", "US", ""},            // vanity letters
      {"+1 415 555 2671 ext. 12", "US", ""},  // extensions identify a desk, not a person
      {"tel:+1-415-555-2671", "US", ""},
      {"not a phone", "US", ""},
      {"电话13800138000", "CN", ""},
      {"13800138000", "", ""},  // national format without a default country
      {"+999 1234", "US", ""},  // no such country calling code
      {"++86 138 0013 8000", "CN", ""},
      {"86+138 0013 8000", "CN", ""},
      {"+", "CN", ""},
      {"+1 415 555 2671 #12", "US", ""},
      {"138\xC0\xAF", "CN", ""},
  };
  for (const PhoneCase& c : cases) {
    ExpectInvalid(NormalizePhone("member.phone", c.input, c.country),
                  "member.phone: not a valid phone number");
  }
  ExpectInvalid(NormalizePhone("member.phone", std::string(65, '1'), "CN"),
                "member.phone: not a valid phone number");
  ExpectInvalid(NormalizePhone("member.phone", "  ", "CN"), "member.phone: required");
}

TEST(NormalizePhoneTest, RepeatedCallsGiveTheSameAnswer) {
  // The second and third calls are answered from the memo cache.
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(*NormalizePhone("phone", "138 0013 8001", "CN"), "+8613800138001");
    EXPECT_EQ(*NormalizePhone("phone", "138-0013-8001", "CN"), "+8613800138001");
    // Same digits, other default country: a different number (or none).
    ExpectInvalid(NormalizePhone("phone", "138 0013 8001", "US"),
                  "phone: not a valid phone number");
    ExpectInvalid(NormalizePhone("other_phone", "12345", "CN"),
                  "other_phone: not a valid phone number");
  }
}

TEST(NormalizePhoneTest, ConcurrentCallersAgree) {
  constexpr int kThreads = 4;
  constexpr int kNumbers = 3000;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&mismatches] {
      for (int i = 0; i < kNumbers; ++i) {
        const std::string subscriber = absl::StrFormat("%08d", i * 7919 % 100000000);
        absl::StatusOr<std::string> phone = NormalizePhone(
            "phone", "139 " + subscriber.substr(0, 4) + " " + subscriber.substr(4), "CN");
        if (!phone.ok() || *phone != "+86139" + subscriber) mismatches.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(NormalizePhoneTest, RejectsUnknownDefaultCountry) {
  for (const char* country : {"XX", "USA", "1", "C", "ZZ"}) {
    ExpectInvalid(NormalizePhone("member.phone", "13800138000", country),
                  "member.phone default country: not a known ISO 3166 two-letter country code");
  }
}

TEST(ValidateCountryCodeTest, UpperCasesKnownRegions) {
  EXPECT_EQ(*ValidateCountryCode("default_country", "cn"), "CN");
  EXPECT_EQ(*ValidateCountryCode("default_country", " US "), "US");
  ExpectInvalid(ValidateCountryCode("default_country", ""),
                "default_country: not a known ISO 3166 two-letter country code");
  ExpectInvalid(ValidateCountryCode("default_country", "QQ"),
                "default_country: not a known ISO 3166 two-letter country code");
}

// ---------------------------------------------------------------- email

TEST(NormalizeEmailTest, TrimsAndLowerCases) {
  EXPECT_EQ(*NormalizeEmail("member.email", " Alice.Smith+Tag@Example.COM\t"),
            "alice.smith+tag@example.com");
  EXPECT_EQ(*NormalizeEmail("member.email", "x@mail.example.co.uk"), "x@mail.example.co.uk");
  // Non-ASCII addresses are kept as written (only ASCII is case-folded).
  EXPECT_EQ(*NormalizeEmail("member.email", "用户@例子.中国"), "用户@例子.中国");
}

TEST(NormalizeEmailTest, AcceptsExactly254Bytes) {
  const std::string local(64, 'a');
  const std::string domain = std::string(185, 'b') + ".com";  // 64 + 1 + 189 = 254
  const std::string email = local + "@" + domain;
  ASSERT_EQ(email.size(), 254u);
  EXPECT_EQ(*NormalizeEmail("member.email", email), email);
  ExpectInvalid(NormalizeEmail("member.email", local + "@b" + domain),
                "member.email: longer than 254 bytes");
}

TEST(NormalizeEmailTest, RejectsBadShapes) {
  for (const char* bad :
       {"alice", "alice@example", "@example.com", "a@@example.com", "a@b@example.com",
        "a b@example.com", "alice@exa mple.com", "alice@.example.com", "alice@example.com.",
        "alice@example..com", "alice@", "<alice@example.com>", "alice,bob@example.com",
        "al\x01ice@example.com", "alice@example.com\x7F", "al\xC0\xAF@x.com"}) {
    ExpectInvalid(NormalizeEmail("member.email", bad), "member.email: not a valid email address");
  }
  ExpectInvalid(NormalizeEmail("member.email", std::string(65, 'a') + "@example.com"),
                "member.email: not a valid email address");
  ExpectInvalid(NormalizeEmail("member.email", "   "), "member.email: required");
}

// ---------------------------------------------------------------- WeChat

TEST(NormalizeWeChatIdTest, TrimsAndLowerCases) {
  EXPECT_EQ(*NormalizeWeChatId("member.wechat_id", " Wxid_AbC-123 "), "wxid_abc-123");
  EXPECT_EQ(*NormalizeWeChatId("member.wechat_id", "abcdef"), "abcdef");  // 6: shortest
  EXPECT_EQ(*NormalizeWeChatId("member.wechat_id", "A" + std::string(19, '9')),
            "a" + std::string(19, '9'));  // 20: longest
}

TEST(NormalizeWeChatIdTest, RejectsBadShapes) {
  const std::string message =
      "member.wechat_id: not a valid WeChat id (6-20 characters: a letter, then letters, digits, "
      "_ or -)";
  for (const std::string& bad :
       {std::string("abcde"), "a" + std::string(20, 'b'), std::string("1abcdef"),
        std::string("_abcdef"), std::string("abc.def"), std::string("abc def"),
        std::string("张三abcdef"), std::string("abcdef\xC0")}) {
    ExpectInvalid(NormalizeWeChatId("member.wechat_id", bad), message);
  }
  ExpectInvalid(NormalizeWeChatId("member.wechat_id", " "), "member.wechat_id: required");
}

// ---------------------------------------------------------------- tags and currency

TEST(NormalizeTagTest, TrimsAndLowerCasesAscii) {
  EXPECT_EQ(*NormalizeTag("tags[0]", "  VIP Batch-3 "), "vip batch-3");
  EXPECT_EQ(*NormalizeTag("tags[0]", "深度工作"), "深度工作");
  EXPECT_EQ(*NormalizeTag("tags[0]", std::string(64, 'T')), std::string(64, 't'));
}

TEST(NormalizeTagTest, Rejects) {
  ExpectInvalid(NormalizeTag("tags[2]", ""), "tags[2]: required");
  ExpectInvalid(NormalizeTag("tags[2]", "   "), "tags[2]: required");
  ExpectInvalid(NormalizeTag("tags[2]", std::string(65, 't')), "tags[2]: longer than 64 bytes");
  ExpectInvalid(NormalizeTag("tags[2]", "a,b"), "tags[2]: must not contain commas");
  ExpectInvalid(NormalizeTag("tags[2]", "a\tb"), "tags[2]: must not contain control characters");
  ExpectInvalid(NormalizeTag("tags[2]",
                             "a\xC2\x85"  // U+0085, a C1 control
                             "b"),
                "tags[2]: must not contain control characters");
  ExpectInvalid(NormalizeTag("tags[2]", "\xED\xA0\x80"), "tags[2]: not valid UTF-8");
}

TEST(NormalizeCurrencyTest, UpperCasesThreeLetters) {
  EXPECT_EQ(*NormalizeCurrency("amount.currency", "cny"), "CNY");
  EXPECT_EQ(*NormalizeCurrency("amount.currency", " Usd "), "USD");
  for (const char* bad : {"", "US", "EURO", "U5D", "¥"}) {
    ExpectInvalid(NormalizeCurrency("amount.currency", bad),
                  "amount.currency: must be a three-letter ISO 4217 code");
  }
}

TEST(ValidationMessagesTest, NeverEchoPersonalData) {
  // Messages name the field; they do not repeat what the caller typed (it may be a handle).
  absl::StatusOr<std::string> phone = NormalizePhone("phone", "+1 555 555 5555", "US");
  EXPECT_THAT(std::string(phone.status().message()), ::testing::Not(HasSubstr("555")));
  absl::StatusOr<std::string> email = NormalizeEmail("email", "secret@nowhere");
  EXPECT_THAT(std::string(email.status().message()), ::testing::Not(HasSubstr("secret")));
}

}  // namespace
}  // namespace dunbar::validation
