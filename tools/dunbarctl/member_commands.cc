// members create|get|list|update|delete|find
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/field_format.h"
#include "tools/dunbarctl/member_view.h"

namespace dunbar::dunbarctl {
namespace {

namespace v1 = ::dunbar::membership::v1;

// The member fields an operator can set, shared by create and update. For update, only the flags
// actually given are sent (and named in the update mask); an empty value clears the field.
struct MemberFields {
  std::string name, phone, wechat_id, email, stage, tags, source, connection_point, connection_at,
      notes;
  std::vector<std::pair<std::string, CLI::Option*>> flags;  // mask path -> flag

  void AddTo(CLI::App* command) {
    flags = {
        {"name", command->add_option("--name", name, "Display name (UTF-8, e.g. 王小明)")},
        {"phone", command->add_option("--phone", phone, "Phone number; stored as E.164")},
        {"wechat_id", command->add_option("--wechat", wechat_id, "WeChat id")},
        {"email", command->add_option("--email", email, "Email address")},
        {"stage", command->add_option("--stage", stage, "contact|lead|member|alumni")},
        {"tags", command->add_option("--tags", tags, "Tags separated by ';', '|' or ','")},
        {"source", command->add_option("--source", source, "Where the contact came from")},
        {"connection_point",
         command->add_option("--connection-point", connection_point,
                             "Why this person knows you (course, batch, referral, post)")},
        {"connection_at", command->add_option("--connection-at", connection_at,
                                              "When that connection was made (2024-03-01)")},
        {"notes", command->add_option("--notes", notes, "Free text")},
    };
  }

  bool given(absl::string_view path) const {
    for (const auto& [name, flag] : flags) {
      if (name == path) return flag->count() > 0;
    }
    return false;
  }

  // Fills `member` from the given flags and, for updates, lists the mask paths.
  absl::Status Fill(v1::Member* member, std::vector<std::string>* paths) const {
    if (given("name")) member->set_name(name);
    if (given("phone")) member->set_phone(phone);
    if (given("wechat_id")) member->set_wechat_id(wechat_id);
    if (given("email")) member->set_email(email);
    if (given("stage") && !stage.empty()) {
      absl::StatusOr<v1::Stage> parsed = ParseStage("--stage", stage);
      if (!parsed.ok()) return parsed.status();
      member->set_stage(*parsed);
    }
    if (given("tags")) {
      for (std::string& tag : SplitTags(tags)) member->add_tags(std::move(tag));
    }
    if (given("source")) member->set_source(source);
    if (given("connection_point")) {
      member->mutable_connection_point()->set_description(connection_point);
    }
    if (given("connection_at") && !connection_at.empty()) {
      absl::StatusOr<absl::Time> at =
          ParseTimeArg("--connection-at", connection_at, absl::LocalTimeZone());
      if (!at.ok()) return at.status();
      *member->mutable_connection_point()->mutable_at() = ToTimestamp(*at);
    }
    if (given("notes")) member->set_notes(notes);
    if (paths != nullptr) {
      bool connection_point_added = false;
      for (const auto& [path, flag] : flags) {
        if (flag->count() == 0) continue;
        // connection_at is part of the connection_point message in the API.
        if (path == "connection_point" || path == "connection_at") {
          if (!connection_point_added) paths->push_back("connection_point");
          connection_point_added = true;
          continue;
        }
        paths->push_back(path);
      }
    }
    return absl::OkStatus();
  }
};

int RunCreate(CliContext& ctx, const MemberFields& fields, const std::string& request_id) {
  v1::CreateMemberRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  if (absl::Status filled = fields.Fill(request.mutable_member(), nullptr); !filled.ok()) {
    return ctx.UsageError(filled);
  }
  v1::Member member;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().CreateMember(call.get(), request, &member);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(member, [&](std::ostream& out) { PrintMemberDetail(member, out); });
}

int RunGet(CliContext& ctx, const std::string& member_id) {
  v1::GetMemberRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_member_id(member_id);
  v1::Member member;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().GetMember(call.get(), request, &member);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(member, [&](std::ostream& out) { PrintMemberDetail(member, out); });
}

struct ListFlags {
  std::string stage, tag, source, page_token;
  int page_size = 0;
  bool all = false;
};

int RunList(CliContext& ctx, const ListFlags& flags) {
  v1::ListMembersRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  if (!flags.stage.empty()) {
    absl::StatusOr<v1::Stage> stage = ParseStage("--stage", flags.stage);
    if (!stage.ok()) return ctx.UsageError(stage.status());
    request.set_stage(*stage);
  }
  request.set_tag(flags.tag);
  request.set_source(flags.source);

  v1::ListMembersResponse all;
  while (true) {
    v1::ListMembersResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.membership().ListMembers(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    all.mutable_members()->MergeFrom(page.members());
    all.set_next_page_token(page.next_page_token());
    if (!flags.all || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(all, [&](std::ostream& out) {
    PrintMemberRows(all.members(), out);
    out << "(" << all.members_size() << (all.members_size() == 1 ? " member" : " members");
    if (!all.next_page_token().empty()) {
      out << "; more with --page-token " << all.next_page_token() << " or --all";
    }
    out << ")\n";
  });
}

int RunUpdate(CliContext& ctx, const std::string& member_id, const MemberFields& fields,
              const std::string& request_id) {
  v1::UpdateMemberRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.mutable_member()->set_id(member_id);
  std::vector<std::string> paths;
  if (absl::Status filled = fields.Fill(request.mutable_member(), &paths); !filled.ok()) {
    return ctx.UsageError(filled);
  }
  if (paths.empty()) return ctx.UsageError("members update: give at least one field to change");
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  v1::Member member;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().UpdateMember(call.get(), request, &member);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(member, [&](std::ostream& out) { PrintMemberDetail(member, out); });
}

int RunDelete(CliContext& ctx, const std::string& member_id, const std::string& request_id) {
  v1::DeleteMemberRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.set_member_id(member_id);
  v1::DeleteMemberResponse response;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().DeleteMember(call.get(), request, &response);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(response, [&](std::ostream& out) {
    out << (response.deleted() ? "deleted " : "nothing to delete: ") << member_id << '\n';
  });
}

struct FindFlags {
  std::string phone, wechat_id, email;
};

int RunFind(CliContext& ctx, const FindFlags& flags) {
  v1::FindMemberByHandleRequest request;
  request.set_tenant(ctx.options().tenant);
  if (!flags.phone.empty()) {
    request.set_kind(v1::HANDLE_PHONE);
    request.set_value(flags.phone);
  } else if (!flags.wechat_id.empty()) {
    request.set_kind(v1::HANDLE_WECHAT);
    request.set_value(flags.wechat_id);
  } else {
    request.set_kind(v1::HANDLE_EMAIL);
    request.set_value(flags.email);
  }
  v1::Member member;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.membership().FindMemberByHandle(call.get(), request, &member);
  if (!status.ok()) return ctx.Fail(status);
  return ctx.Emit(member, [&](std::ostream& out) { PrintMemberDetail(member, out); });
}

}  // namespace

void AddMemberCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* members = root.add_subcommand("members", "Contacts and members of your tenant");
  members->require_subcommand(1);

  {
    CLI::App* create = members->add_subcommand("create", "Add a contact");
    auto fields = std::make_shared<MemberFields>();
    auto request_id = std::make_shared<std::string>();
    fields->AddTo(create);
    // The server requires a name or at least one handle; it says which field is missing.
    create->add_option("--request-id", *request_id,
                       "Idempotency key: repeating it returns the first answer");
    OnSelected(create, selected,
               [&ctx, fields, request_id] { return RunCreate(ctx, *fields, *request_id); });
  }
  {
    CLI::App* get = members->add_subcommand("get", "Show one member");
    auto id = std::make_shared<std::string>();
    get->add_option("member_id", *id, "Member id")->required();
    OnSelected(get, selected, [&ctx, id] { return RunGet(ctx, *id); });
  }
  {
    CLI::App* list = members->add_subcommand("list", "List members, oldest first");
    auto flags = std::make_shared<ListFlags>();
    list->add_option("--stage", flags->stage, "Only this stage (contact|lead|member|alumni)");
    list->add_option("--tag", flags->tag, "Only members with this tag");
    list->add_option("--source", flags->source, "Only members from this source");
    list->add_option("--page-size", flags->page_size, "1..500 (default 50)");
    list->add_option("--page-token", flags->page_token, "Continue after a previous page");
    list->add_flag("--all", flags->all, "Follow page tokens to the end");
    OnSelected(list, selected, [&ctx, flags] { return RunList(ctx, *flags); });
  }
  {
    CLI::App* update =
        members->add_subcommand("update", "Change the given fields (an empty value clears one)");
    auto id = std::make_shared<std::string>();
    auto fields = std::make_shared<MemberFields>();
    auto request_id = std::make_shared<std::string>();
    update->add_option("member_id", *id, "Member id")->required();
    fields->AddTo(update);
    update->add_option("--request-id", *request_id, "Idempotency key");
    OnSelected(update, selected, [&ctx, id, fields, request_id] {
      return RunUpdate(ctx, *id, *fields, *request_id);
    });
  }
  {
    CLI::App* remove = members->add_subcommand(
        "delete", "Erase a member's personal data, interactions and preferences");
    auto id = std::make_shared<std::string>();
    auto request_id = std::make_shared<std::string>();
    remove->add_option("member_id", *id, "Member id")->required();
    remove->add_option("--request-id", *request_id, "Idempotency key");
    OnSelected(remove, selected,
               [&ctx, id, request_id] { return RunDelete(ctx, *id, *request_id); });
  }
  {
    CLI::App* find = members->add_subcommand("find", "Find a member by phone, WeChat id or email");
    auto flags = std::make_shared<FindFlags>();
    CLI::Option* phone = find->add_option("--phone", flags->phone, "Phone number (any format)");
    CLI::Option* wechat = find->add_option("--wechat", flags->wechat_id, "WeChat id");
    CLI::Option* email = find->add_option("--email", flags->email, "Email address");
    phone->excludes(wechat)->excludes(email);
    wechat->excludes(email);
    find->require_option(1);
    OnSelected(find, selected, [&ctx, flags] { return RunFind(ctx, *flags); });
  }
}

}  // namespace dunbar::dunbarctl
