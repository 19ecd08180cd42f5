// ImportContacts (client streaming): handle normalization and merging, exact
// created/merged/rejected counts, row errors, idempotency, and two imports racing over the same
// people.
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "tests/support/membership_fixture.h"

namespace dunbar::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using Code = grpc::StatusCode;

constexpr int64_t kMarch2024 = 1709251200;  // original rows' connection point
constexpr int64_t kJune2023 = 1685577600;   // earlier: wins when merged
constexpr int64_t kSept2024 = 1725148800;   // later: loses when merged

// Chinese mobile numbers 1PP00000000 + i, in the formats people type them.
std::string National(int prefix, int i) { return absl::StrFormat("%d%08d", prefix, i); }
std::string E164(int prefix, int i) { return "+86" + National(prefix, i); }
std::string Spaced(const std::string& n) {
  return absl::StrCat(n.substr(0, 3), " ", n.substr(3, 4), " ", n.substr(7));
}
std::string Dashed(const std::string& n) {
  return absl::StrCat(n.substr(0, 3), "-", n.substr(3, 4), "-", n.substr(7));
}

// ---- The 10,000-row file: 8,000 people, then 2,000 rows (20%) repeating a person's handle in
// another format. The repeat of person 4k follows the row of person 4k+3.

std::string Name(int i) { return absl::StrFormat("联系人%04d", i); }
std::string WeChat(int i) { return absl::StrFormat("wx_user%04d", i); }
std::string Email(int i) { return absl::StrFormat("user%04d@example.com", i); }

mv1::ImportRow OriginalRow(int i) {
  mv1::ImportRow row;
  row.set_name(Name(i));
  row.set_phone(Spaced(National(139, i)));
  row.set_wechat_id(WeChat(i));
  row.set_email(Email(i));
  row.add_tags("batch-a");
  row.set_source("wechat-group");
  row.mutable_connection_point()->set_description("Deep Work 2 alumni");
  row.mutable_connection_point()->mutable_at()->set_seconds(kMarch2024);
  row.set_notes("导入");
  return row;
}

// Repeat number k (of person 4k): exactly one handle, in format k % 6.
mv1::ImportRow RepeatRow(int k) {
  const int person = 4 * k;
  const std::string national = National(139, person);
  mv1::ImportRow row;
  row.set_name(Name(person));
  switch (k % 6) {
    case 0:
      row.set_phone(Dashed(national));
      break;
    case 1:
      row.set_phone(national);
      break;
    case 2:
      row.set_phone("+86 " + Spaced(national));
      break;
    case 3:
      row.set_phone("+86" + national);
      break;
    case 4:
      row.set_email(absl::AsciiStrToUpper(Email(person)));
      break;
    case 5:
      row.set_wechat_id(absl::StrFormat("WX_User%04d", person));
      break;
  }
  row.add_tags("Dup-Tag");
  if (k % 2 == 0) {
    row.mutable_connection_point()->set_description("referred by Li Wei");
    row.mutable_connection_point()->mutable_at()->set_seconds(kJune2023);
  } else {
    row.mutable_connection_point()->set_description("later post");
    row.mutable_connection_point()->mutable_at()->set_seconds(kSept2024);
  }
  return row;
}

std::vector<mv1::ImportRow> TenThousandRows() {
  std::vector<mv1::ImportRow> rows;
  rows.reserve(10000);
  for (int i = 0; i < 8000; ++i) {
    rows.push_back(OriginalRow(i));
    if (i % 4 == 3) rows.push_back(RepeatRow((i - 3) / 4));
  }
  return rows;
}

class ImportTest : public MembershipIntegrationTest {
 protected:
  static std::vector<mv1::Member> AllMembers() {
    auto all = ListAllMembers(fixture(), {}, 500);
    EXPECT_TRUE(all.ok()) << all.status();
    return all.ok() ? *all : std::vector<mv1::Member>{};
  }
  // No phone, email or WeChat id on two members, and the phones are exactly people 0..count-1
  // of the file's `phone_prefix`.
  static void ExpectOneMemberPerHandle(const std::vector<mv1::Member>& all, int phone_prefix,
                                       int count) {
    std::set<std::string> phones, emails, wechats;
    for (const auto& m : all) {
      EXPECT_TRUE(phones.insert(m.phone()).second) << "phone on two members: " << m.phone();
      EXPECT_TRUE(emails.insert(m.email()).second) << "email on two members: " << m.email();
      EXPECT_TRUE(wechats.insert(m.wechat_id()).second)
          << "wechat on two members: " << m.wechat_id();
    }
    std::set<std::string> expected_phones;
    for (int i = 0; i < count; ++i) expected_phones.insert(E164(phone_prefix, i));
    EXPECT_EQ(phones, expected_phones);
  }
  static mv1::Member ByPhone(const std::string& phone) {
    mv1::Member m;
    EXPECT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, phone, &m)) << phone;
    return m;
  }
};

TEST_F(ImportTest, TenThousandRowsWithTwentyPercentRepeatsCreateAndMergeExactly) {
  const std::vector<mv1::ImportRow> rows = TenThousandRows();
  ASSERT_EQ(rows.size(), 10000u);
  mv1::ImportContactsResponse response;
  const absl::Time start = absl::Now();
  ASSERT_GRPC_OK(Import(fixture(), "import-10k", rows, &response));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(response.rows_received(), 10000);
  EXPECT_EQ(response.created(), 8000);
  EXPECT_EQ(response.merged(), 2000);
  EXPECT_EQ(response.rejected(), 0);
  EXPECT_THAT(response.errors(), IsEmpty());
  ::testing::Test::RecordProperty("import_10k_ms", absl::StrCat(absl::ToInt64Milliseconds(took)));

  // Every person exactly once, every handle on one member.
  std::vector<mv1::Member> all = AllMembers();
  EXPECT_THAT(all, SizeIs(8000));
  ExpectOneMemberPerHandle(all, 139, 8000);

  // Merged people: tags unioned, the earliest connection point kept; handles untouched.
  struct Expect {
    int person;
    std::vector<std::string> tags;
    std::string connection;
    int64_t connection_at;
  };
  const std::vector<Expect> checks = {
      {0, {"batch-a", "dup-tag"}, "referred by Li Wei", kJune2023},      // dashed phone
      {4, {"batch-a", "dup-tag"}, "Deep Work 2 alumni", kMarch2024},     // national phone
      {8, {"batch-a", "dup-tag"}, "referred by Li Wei", kJune2023},      // "+86 139 ..."
      {12, {"batch-a", "dup-tag"}, "Deep Work 2 alumni", kMarch2024},    // "+86139..."
      {16, {"batch-a", "dup-tag"}, "referred by Li Wei", kJune2023},     // upper-case email
      {20, {"batch-a", "dup-tag"}, "Deep Work 2 alumni", kMarch2024},    // WeChat id case
      {7992, {"batch-a", "dup-tag"}, "referred by Li Wei", kJune2023},   // last even repeat
      {7996, {"batch-a", "dup-tag"}, "Deep Work 2 alumni", kMarch2024},  // last repeat
      {1, {"batch-a"}, "Deep Work 2 alumni", kMarch2024},                // never repeated
      {7999, {"batch-a"}, "Deep Work 2 alumni", kMarch2024},
  };
  for (const Expect& e : checks) {
    SCOPED_TRACE(absl::StrCat("person ", e.person));
    mv1::Member m = ByPhone(E164(139, e.person));
    EXPECT_EQ(m.name(), Name(e.person));  // Chinese names round-trip
    EXPECT_EQ(m.email(), Email(e.person));
    EXPECT_EQ(m.wechat_id(), WeChat(e.person));
    EXPECT_EQ(m.source(), "wechat-group");
    EXPECT_EQ(m.notes(), "导入");
    EXPECT_THAT(m.tags(), ::testing::ElementsAreArray(e.tags));
    EXPECT_EQ(m.connection_point().description(), e.connection);
    EXPECT_EQ(m.connection_point().at().seconds(), e.connection_at);
    // The other handles reach the same member.
    mv1::Member by_email, by_wechat;
    ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, Email(e.person), &by_email));
    ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_WECHAT, WeChat(e.person), &by_wechat));
    EXPECT_EQ(by_email.id(), m.id());
    EXPECT_EQ(by_wechat.id(), m.id());
  }

  mv1::ListMembersRequest dup_tag;
  dup_tag.set_tag("dup-tag");
  auto tagged = ListAllMembers(fixture(), dup_tag);
  ASSERT_TRUE(tagged.ok()) << tagged.status();
  EXPECT_THAT(*tagged, SizeIs(2000));
}

TEST_F(ImportTest, ReRunningTheSameFileChangesNothing) {
  const std::vector<mv1::ImportRow> rows = TenThousandRows();
  mv1::ImportContactsResponse first;
  ASSERT_GRPC_OK(Import(fixture(), "import-first", rows, &first));
  ASSERT_EQ(first.created(), 8000);
  const std::vector<mv1::Member> before = AllMembers();

  // The same file under a new request id: every row matches someone.
  mv1::ImportContactsResponse rerun;
  ASSERT_GRPC_OK(Import(fixture(), "import-rerun", rows, &rerun, Caller::kAcme, 1000));
  EXPECT_EQ(rerun.rows_received(), 10000);
  EXPECT_EQ(rerun.created(), 0);
  EXPECT_EQ(rerun.merged(), 10000);
  EXPECT_EQ(rerun.rejected(), 0);
  std::vector<mv1::Member> after = AllMembers();
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) {
    mv1::Member b = before[i], a = after[i];
    b.clear_updated_at();
    a.clear_updated_at();
    EXPECT_THAT(a, EqualsProto(b));
    if (::testing::Test::HasFailure()) break;
  }

  // The request id is not used for replay (the contract makes re-imports harmless instead): a
  // retry under the first id, even of another file, merges everything and creates nobody.
  mv1::ImportContactsResponse retry;
  ASSERT_GRPC_OK(Import(fixture(), "import-first", rows, &retry, Caller::kAcme, 250));
  EXPECT_EQ(retry.created(), 0);
  EXPECT_EQ(retry.merged(), 10000);
  std::vector<mv1::ImportRow> other(rows.begin(), rows.begin() + 100);
  mv1::ImportContactsResponse partial;
  ASSERT_GRPC_OK(Import(fixture(), "import-first", other, &partial));
  EXPECT_EQ(partial.created(), 0);
  EXPECT_EQ(partial.merged(), 100);
  EXPECT_THAT(AllMembers(), SizeIs(8000));
}

TEST_F(ImportTest, BadRowsAreReportedAndRejectedWhileTheRestImport) {
  auto row = [](const std::string& name, const std::string& phone) {
    mv1::ImportRow r;
    r.set_name(name);
    r.set_phone(phone);
    return r;
  };
  std::vector<mv1::ImportRow> rows = {
      row("张伟", "13800000001"),                 // 1
      row("王芳", "13800000002"),                 // 2
      row("Bad Phone", "12345"),                  // 3
      row("李娜", "13800000004"),                 // 4
      row("Bad Email", "13800000005"),            // 5
      row("刘洋", "13800000006"),                 // 6
      row("Bad WeChat", "13800000007"),           // 7
      row("张伟 again", "+86 138-0000-0001"),     // 8: repeats row 1
      row("Bad Tag", "13800000009"),              // 9
      row("陈静", "13800000010"),                 // 10
      row(std::string(201, 'n'), "13800000011"),  // 11
  };
  rows[4].set_email("bob@");
  rows[6].set_wechat_id("9lives_x");
  rows[8].add_tags(std::string(65, 't'));
  mv1::ImportContactsResponse response;
  // Two rows per message: numbering runs across messages.
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response, Caller::kAcme, 2));
  EXPECT_EQ(response.rows_received(), 11);
  EXPECT_EQ(response.created(), 5);
  EXPECT_EQ(response.merged(), 1);
  EXPECT_EQ(response.rejected(), 5);
  std::map<int64_t, mv1::RowError> errors;
  for (const auto& e : response.errors()) {
    EXPECT_TRUE(errors.emplace(e.row(), e).second) << "row reported twice: " << e.row();
    EXPECT_FALSE(e.reason().empty()) << e.row();
  }
  const std::map<int64_t, std::string> expected = {
      {3, "phone"}, {5, "email"}, {7, "wechat_id"}, {9, "tags"}, {11, "name"}};
  ASSERT_EQ(errors.size(), expected.size());
  for (const auto& [row_number, field] : expected) {
    ASSERT_EQ(errors.count(row_number), 1u) << "row " << row_number << " not reported";
    EXPECT_THAT(errors[row_number].field(), ::testing::HasSubstr(field)) << row_number;
  }
  // Rejected rows wrote nothing, not even their valid handles.
  for (const char* phone : {"13800000005", "13800000007", "13800000009", "13800000011"}) {
    EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, phone, nullptr),
                HasCode(Code::NOT_FOUND))
        << phone;
  }
  EXPECT_THAT(AllMembers(), SizeIs(5));
  EXPECT_EQ(ByPhone("13800000001").name(), "张伟");  // a merge never overwrites a name
  EXPECT_EQ(ByPhone("13800000002").name(), "王芳");
  EXPECT_EQ(ByPhone("13800000010").name(), "陈静");
}

TEST_F(ImportTest, AtMostAThousandErrorsAreListedButAllAreCounted) {
  std::vector<mv1::ImportRow> rows;
  for (int i = 0; i < 1200; ++i) {
    mv1::ImportRow r;
    r.set_name(absl::StrCat("bad ", i));
    r.set_email(absl::StrCat("bad", i, "@"));
    rows.push_back(r);
  }
  mv1::ImportRow good;
  good.set_name("good");
  good.set_email("good@example.com");
  rows.push_back(good);
  mv1::ImportContactsResponse response;
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response));
  EXPECT_EQ(response.rows_received(), 1201);
  EXPECT_EQ(response.rejected(), 1200);
  EXPECT_EQ(response.created(), 1);
  EXPECT_THAT(response.errors(), SizeIs(1000));
  std::set<int64_t> listed;
  for (const auto& e : response.errors()) {
    EXPECT_GE(e.row(), 1);
    EXPECT_LE(e.row(), 1200);
    listed.insert(e.row());
  }
  EXPECT_EQ(listed.size(), 1000u);
}

TEST_F(ImportTest, DefaultCountryIsValidatedAndApplies) {
  mv1::ImportRow us;
  us.set_name("Alex");
  us.set_phone("(415) 555-2671");
  mv1::ImportContactsResponse response;
  EXPECT_THAT(Import(fixture(), NewRequestId(), {us}, &response, Caller::kAcme, 500, "", "XX"),
              HasCodeAndMessage(Code::INVALID_ARGUMENT, "default_country"));
  EXPECT_THAT(AllMembers(), IsEmpty());

  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), {us}, &response, Caller::kAcme, 500, "", "US"));
  EXPECT_EQ(response.created(), 1);
  EXPECT_EQ(ByPhone("+1 415 555 2671").name(), "Alex");

  // Without default_country the server's (CN) applies.
  mv1::ImportRow cn;
  cn.set_name("Bo");
  cn.set_phone("138 0013 8000");
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), {cn}, &response));
  EXPECT_EQ(response.created(), 1);
  EXPECT_EQ(response.rejected(), 0);
  EXPECT_EQ(ByPhone("+8613800138000").name(), "Bo");

  // A header with no rows is an empty import; the request id is optional.
  ASSERT_GRPC_OK(Import(fixture(), "", {}, &response));
  EXPECT_EQ(response.rows_received(), 0);
  EXPECT_EQ(response.created(), 0);
}

TEST_F(ImportTest, RowsWithoutAHandleAreRejected) {
  std::vector<mv1::ImportRow> rows(2);
  rows[0].set_name("只有名字");
  rows[1].set_name("有邮箱");
  rows[1].set_email("has-email@example.com");
  mv1::ImportContactsResponse response;
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response));
  EXPECT_EQ(response.created(), 1);
  EXPECT_EQ(response.rejected(), 1);
  ASSERT_THAT(response.errors(), SizeIs(1));
  EXPECT_EQ(response.errors(0).row(), 1);
  EXPECT_EQ(response.errors(0).field(), "handle");
  EXPECT_THAT(AllMembers(), SizeIs(1));
}

TEST_F(ImportTest, MergeFillsEmptyFieldsAndNeverOverwrites) {
  mv1::Member existing = MakeMember("", "13800138000");
  existing.add_tags("old");
  existing.set_source("workshop");
  mv1::Member created = MustCreate(fixture(), existing);
  mv1::ImportRow row;
  row.set_name("李雷");
  row.set_phone("+86 138 0013 8000");
  row.set_wechat_id("LiLei_2024");
  row.set_email("lilei@example.com");
  row.set_source("wechat-group");
  row.set_notes("新备注");
  row.add_tags("new");
  mv1::ImportRow again = row;
  again.set_name("韩梅梅");
  again.set_notes("其他备注");
  mv1::ImportContactsResponse response;
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), {row, again}, &response));
  EXPECT_EQ(response.created(), 0);
  EXPECT_EQ(response.merged(), 2);
  mv1::Member merged = ByPhone("13800138000");
  EXPECT_EQ(merged.id(), created.id());
  EXPECT_EQ(merged.name(), "李雷");  // filled by the first row, kept against the second
  EXPECT_EQ(merged.wechat_id(), "lilei_2024");
  EXPECT_EQ(merged.email(), "lilei@example.com");
  EXPECT_EQ(merged.source(), "workshop");  // never overwritten
  EXPECT_EQ(merged.notes(), "新备注");
  EXPECT_THAT(merged.tags(), ElementsAre("new", "old"));
  EXPECT_EQ(merged.stage(), mv1::STAGE_CONTACT);
  mv1::Member by_email;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "LILEI@example.com", &by_email));
  EXPECT_EQ(by_email.id(), created.id());
}

TEST_F(ImportTest, ARowWhoseHandlesBelongToTwoMembersMergesIntoThePhoneOwnerWithAWarning) {
  mv1::Member by_phone = MustCreate(fixture(), MakeMember("Phone owner", "13800138000"));
  mv1::Member by_email = MustCreate(fixture(), MakeMember("Email owner", "", "owner@example.com"));
  mv1::ImportRow row;
  row.set_name("Both");
  row.set_phone("13800138000");
  row.set_email("OWNER@example.com");
  row.add_tags("imported");
  mv1::ImportContactsResponse response;
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), {row}, &response));
  EXPECT_EQ(response.created(), 0);
  EXPECT_EQ(response.merged(), 1);
  EXPECT_EQ(response.rejected(), 0);
  ASSERT_THAT(response.warnings(), SizeIs(1));
  EXPECT_EQ(response.warnings(0).row(), 1);
  EXPECT_EQ(response.warnings(0).field(), "email");
  mv1::Member phone_owner, email_owner;
  ASSERT_GRPC_OK(GetMember(fixture(), by_phone.id(), &phone_owner));
  ASSERT_GRPC_OK(GetMember(fixture(), by_email.id(), &email_owner));
  EXPECT_EQ(phone_owner.email(), "");  // the email stays with its owner
  EXPECT_THAT(phone_owner.tags(), ElementsAre("imported"));
  EXPECT_THAT(email_owner, EqualsProto(by_email));
  mv1::Member found;
  ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL, "owner@example.com", &found));
  EXPECT_EQ(found.id(), by_email.id());
}

// A row that is not UTF-8 is one bad row, not a failed import.
TEST_F(ImportTest, InvalidUtf8InARowFailsTheImportInsteadOfTruncatingIt) {
  // protobuf cannot parse a message whose text is not UTF-8 and gRPC ends the stream there, exactly
  // like a clean half-close; the missing end_of_import marker is what makes the server notice.
  std::vector<mv1::ImportRow> rows(3);
  rows[0].set_name("张伟");
  rows[0].set_phone("13800000001");
  rows[1].set_name("\xff\xfe");
  rows[1].set_phone("13800000002");
  rows[2].set_name("王芳");
  rows[2].set_phone("13800000003");
  mv1::ImportContactsResponse response;
  grpc::Status status = Import(fixture(), NewRequestId(), rows, &response, Caller::kAcme, 1);
  // Above all, the import must not end early and report success for part of the file.
  EXPECT_THAT(status, HasCode(Code::INVALID_ARGUMENT));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("end_of_import"));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("after 1 rows"));
  EXPECT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800000001", nullptr));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800000002", nullptr),
              HasCode(Code::NOT_FOUND));
  EXPECT_THAT(FindByHandle(fixture(), mv1::HANDLE_PHONE, "13800000003", nullptr),
              HasCode(Code::NOT_FOUND));

  // Fixed and re-run: the earlier row merges, the others are created.
  rows[1].set_name("李娜");
  ASSERT_GRPC_OK(Import(fixture(), NewRequestId(), rows, &response, Caller::kAcme, 1));
  EXPECT_EQ(response.rows_received(), 3);
  EXPECT_EQ(response.created(), 2);
  EXPECT_EQ(response.merged(), 1);
}

TEST_F(ImportTest, StreamWithoutEndMarkerOrWithMessagesAfterItIsInvalidArgument) {
  mv1::ImportRow row;
  row.set_name("赵磊");
  row.set_phone("13800000009");
  for (bool extra_message_after_end : {false, true}) {
    auto context = fixture().Context(Caller::kAcme, absl::Seconds(10));
    mv1::ImportContactsResponse response;
    auto writer = stub().ImportContacts(context.get(), &response);
    mv1::ImportContactsRequest message;
    message.mutable_header()->set_request_id(NewRequestId());
    *message.add_rows() = row;
    message.set_end_of_import(extra_message_after_end);
    ASSERT_TRUE(writer->Write(message));
    if (extra_message_after_end) {
      message.clear_header();
      message.set_end_of_import(false);
      writer->Write(message);
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_THAT(status, HasCode(Code::INVALID_ARGUMENT)) << extra_message_after_end;
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("end_of_import"));
  }
}

// ---- Two imports racing over 2,000 shared people.

mv1::ImportRow RacePerson(int i, bool other_format) {
  mv1::ImportRow row;
  row.set_name(absl::StrFormat("并发%05d", i));
  const std::string national = National(137, i);
  row.set_phone(other_format ? Dashed(national) : Spaced(national));
  const std::string wechat = absl::StrFormat("cc_user%05d", i);
  const std::string email = absl::StrFormat("cc%05d@example.com", i);
  row.set_wechat_id(other_format ? absl::AsciiStrToUpper(wechat) : wechat);
  row.set_email(other_format ? absl::AsciiStrToUpper(email) : email);
  row.add_tags(other_format ? "file-b" : "file-a");
  return row;
}

TEST_F(ImportTest, ConcurrentOverlappingImportsNeverDuplicateAPerson) {
  // Both files start with the 2,000 shared people, so the two streams race over them at once.
  std::vector<mv1::ImportRow> file_a, file_b;
  for (int i = 0; i < 2000; ++i) file_a.push_back(RacePerson(i, false));
  for (int i = 2000; i < 6000; ++i) file_a.push_back(RacePerson(i, false));
  for (int i = 0; i < 2000; ++i) file_b.push_back(RacePerson(i, true));
  for (int i = 6000; i < 10000; ++i) file_b.push_back(RacePerson(i, true));

  auto race = [&](const std::string& suffix, mv1::ImportContactsResponse* a,
                  mv1::ImportContactsResponse* b) {
    absl::Notification go;
    grpc::Status status_a, status_b;
    std::thread thread_a([&] {
      go.WaitForNotification();
      status_a = Import(fixture(), "race-a" + suffix, file_a, a, Caller::kAcme, 100);
    });
    std::thread thread_b([&] {
      go.WaitForNotification();
      status_b = Import(fixture(), "race-b" + suffix, file_b, b, Caller::kAcme, 100);
    });
    go.Notify();
    thread_a.join();
    thread_b.join();
    EXPECT_GRPC_OK(status_a);
    EXPECT_GRPC_OK(status_b);
  };

  mv1::ImportContactsResponse a, b;
  race("", &a, &b);
  EXPECT_EQ(a.rows_received(), 6000);
  EXPECT_EQ(b.rows_received(), 6000);
  EXPECT_EQ(a.rejected() + b.rejected(), 0);
  EXPECT_EQ(a.created() + b.created(), 10000);
  EXPECT_EQ(a.merged() + b.merged(), 2000);

  std::vector<mv1::Member> all = AllMembers();
  EXPECT_THAT(all, SizeIs(10000));
  ExpectOneMemberPerHandle(all, 137, 10000);

  // Shared people carry both files' tags and are one member under every handle.
  for (int i = 0; i < 2000; i += 97) {
    SCOPED_TRACE(absl::StrCat("person ", i));
    mv1::Member by_phone = ByPhone(E164(137, i));
    EXPECT_THAT(by_phone.tags(), ElementsAre("file-a", "file-b"));
    mv1::Member by_email, by_wechat;
    ASSERT_GRPC_OK(FindByHandle(fixture(), mv1::HANDLE_EMAIL,
                                absl::StrFormat("cc%05d@example.com", i), &by_email));
    ASSERT_GRPC_OK(
        FindByHandle(fixture(), mv1::HANDLE_WECHAT, absl::StrFormat("cc_user%05d", i), &by_wechat));
    EXPECT_EQ(by_email.id(), by_phone.id());
    EXPECT_EQ(by_wechat.id(), by_phone.id());
  }

  // Racing again over the same files creates nobody.
  mv1::ImportContactsResponse a2, b2;
  race("-again", &a2, &b2);
  EXPECT_EQ(a2.created() + b2.created(), 0);
  EXPECT_EQ(a2.merged() + b2.merged(), 12000);
  EXPECT_THAT(AllMembers(), SizeIs(10000));
}

}  // namespace
}  // namespace dunbar::testing
