// programs create|list|get|update|archive (cohort service)
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/cohort_format.h"
#include "tools/dunbarctl/cohort_view.h"
#include "tools/dunbarctl/command.h"

namespace dunbar::dunbarctl {
namespace {

namespace cohort_api = ::dunbar::cohort::v1;

// The programme settings an operator can give, shared by create and update. For update only the
// flags actually given are sent, each named once in the update mask (the price flags together
// make up "price").
struct ProgramFields {
  std::string name, description, price, currency, rollover, name_template, start_date;
  int capacity = 0;
  int64_t price_minor = 0;
  bool allow_over_dunbar = false;
  bool requires_entitlement = false;
  // Update-mask path -> the flags that set it.
  std::vector<std::pair<std::string, std::vector<CLI::Option*>>> paths;

  void AddTo(CLI::App* command) {
    auto add = [this](const char* path, std::vector<CLI::Option*> flags) {
      paths.emplace_back(path, std::move(flags));
    };
    add("name", {command->add_option("--name", name, "Programme name (UTF-8, e.g. 小源说说)")});
    add("description", {command->add_option("--description", description, "Free text")});
    add("cohort_capacity",
        {command->add_option("--capacity", capacity,
                             "Seats per batch: 1..150, up to 500 with --allow-over-dunbar "
                             "(default 50)")});
    add("allow_over_dunbar",
        {command->add_flag("--allow-over-dunbar,!--no-allow-over-dunbar", allow_over_dunbar,
                           "Allow batches above Dunbar's number (151..500)")});
    CLI::Option* major = command->add_option("--price", price,
                                             "Price in major units, e.g. 199.00 (with --currency)");
    CLI::Option* minor =
        command->add_option("--price-minor", price_minor, "Price in minor units, e.g. 19900");
    major->excludes(minor);
    add("price", {major, minor, command->add_option("--currency", currency, "ISO 4217, e.g. CNY")});
    add("requires_entitlement",
        {command->add_flag("--requires-entitlement,!--no-requires-entitlement",
                           requires_entitlement, "Entry needs a paid entitlement (membership)")});
    add("rollover_policy", {command->add_option("--rollover", rollover,
                                                "auto (a full batch opens the next) or waitlist")});
    add("cohort_name_template",
        {command->add_option("--name-template", name_template,
                             "Batch names: {programme} and {n} are replaced, e.g. "
                             "\"{programme} 第{n}期\"")});
    add("first_cohort_start_date",
        {command->add_option("--start-date", start_date, "Start of batch 1, YYYY-MM-DD")});
  }

  bool given(const std::vector<CLI::Option*>& flags) const {
    for (const CLI::Option* flag : flags) {
      if (flag->count() > 0) return true;
    }
    return false;
  }

  // Fills `program` from the given flags and lists their mask paths in `mask`.
  absl::Status Fill(cohort_api::Program* program, std::vector<std::string>* mask) const {
    for (const auto& [path, flags] : paths) {
      if (!given(flags)) continue;
      mask->push_back(path);
      if (path == "name") program->set_name(name);
      if (path == "description") program->set_description(description);
      if (path == "cohort_capacity") program->set_cohort_capacity(capacity);
      if (path == "allow_over_dunbar") program->set_allow_over_dunbar(allow_over_dunbar);
      if (path == "requires_entitlement") program->set_requires_entitlement(requires_entitlement);
      if (path == "cohort_name_template") program->set_cohort_name_template(name_template);
      if (path == "first_cohort_start_date") program->set_first_cohort_start_date(start_date);
      if (path == "rollover_policy") {
        absl::StatusOr<cohort_api::RolloverPolicy> policy =
            ParseRolloverPolicy("--rollover", rollover);
        if (!policy.ok()) return policy.status();
        program->set_rollover_policy(*policy);
      }
      if (path == "price") {
        absl::Status filled = FillPrice(program->mutable_price());
        if (!filled.ok()) return filled;
      }
    }
    return absl::OkStatus();
  }

  absl::Status FillPrice(cohort_api::Money* money) const {
    money->set_currency(currency);
    if (price.empty()) {
      money->set_amount_minor(price_minor);
      return absl::OkStatus();
    }
    // The number of decimals depends on the currency, so a major-unit price needs it.
    if (currency.empty()) return absl::InvalidArgumentError("--currency: required with --price");
    absl::StatusOr<int64_t> minor = ParseMajorAmount("--price", price, currency);
    if (!minor.ok()) return minor.status();
    money->set_amount_minor(*minor);
    return absl::OkStatus();
  }
};

int EmitProgram(CliContext& ctx, const cohort_api::Program& program) {
  return ctx.Emit(program, [&](std::ostream& out) { PrintProgramDetail(program, out); });
}

int RunCreate(CliContext& ctx, const ProgramFields& fields, const std::string& request_id) {
  cohort_api::CreateProgramRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  std::vector<std::string> unused_mask;
  if (absl::Status filled = fields.Fill(request.mutable_program(), &unused_mask); !filled.ok()) {
    return ctx.UsageError(filled);
  }
  cohort_api::Program program;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().CreateProgram(call.get(), request, &program);
  if (!status.ok()) return ctx.Fail(status);
  return EmitProgram(ctx, program);
}

int RunGet(CliContext& ctx, const std::string& program_id) {
  cohort_api::GetProgramRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_program_id(program_id);
  cohort_api::Program program;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().GetProgram(call.get(), request, &program);
  if (!status.ok()) return ctx.Fail(status);
  return EmitProgram(ctx, program);
}

struct ListFlags {
  int page_size = 0;
  std::string page_token;
  bool include_archived = false;
  bool all_pages = false;
};

int RunList(CliContext& ctx, const ListFlags& flags) {
  cohort_api::ListProgramsRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_page_size(flags.page_size);
  request.set_page_token(flags.page_token);
  request.set_include_archived(flags.include_archived);
  cohort_api::ListProgramsResponse listed;
  while (true) {
    cohort_api::ListProgramsResponse page;
    auto call = ctx.NewCall();
    const grpc::Status status = ctx.cohort().ListPrograms(call.get(), request, &page);
    if (!status.ok()) return ctx.Fail(status);
    listed.mutable_programs()->MergeFrom(page.programs());
    listed.set_next_page_token(page.next_page_token());
    if (!flags.all_pages || page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  return ctx.Emit(listed, [&](std::ostream& out) {
    PrintProgramRows(listed.programs(), out);
    out << "(" << listed.programs_size()
        << (listed.programs_size() == 1 ? " programme" : " programmes");
    if (!listed.next_page_token().empty()) {
      out << "; more with --page-token " << listed.next_page_token() << " or --all-pages";
    }
    out << ")\n";
  });
}

int RunUpdate(CliContext& ctx, const std::string& program_id, const ProgramFields& fields,
              const std::string& request_id) {
  cohort_api::UpdateProgramRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_request_id(request_id.empty() ? NewRequestId() : request_id);
  request.mutable_program()->set_id(program_id);
  std::vector<std::string> mask;
  if (absl::Status filled = fields.Fill(request.mutable_program(), &mask); !filled.ok()) {
    return ctx.UsageError(filled);
  }
  if (mask.empty()) return ctx.UsageError("programs update: give at least one field to change");
  for (const std::string& path : mask) request.mutable_update_mask()->add_paths(path);
  cohort_api::Program program;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().UpdateProgram(call.get(), request, &program);
  if (!status.ok()) return ctx.Fail(status);
  return EmitProgram(ctx, program);
}

int RunArchive(CliContext& ctx, const std::string& program_id) {
  cohort_api::ArchiveProgramRequest request;
  request.set_tenant(ctx.options().tenant);
  request.set_program_id(program_id);
  cohort_api::Program program;
  auto call = ctx.NewCall();
  const grpc::Status status = ctx.cohort().ArchiveProgram(call.get(), request, &program);
  if (!status.ok()) return ctx.Fail(status);
  return EmitProgram(ctx, program);
}

}  // namespace

void AddProgramCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* programs = root.add_subcommand(
      "programs", "Programmes sold as numbered, capped batches (cohort service)");
  programs->require_subcommand(1);
  {
    CLI::App* create = programs->add_subcommand("create", "Create a programme; opens batch 1");
    auto fields = std::make_shared<ProgramFields>();
    auto request_id = std::make_shared<std::string>();
    fields->AddTo(create);
    create->get_option("--name")->required();
    create->add_option("--request-id", *request_id,
                       "Idempotency key: repeating it returns the first answer");
    OnSelected(create, selected,
               [&ctx, fields, request_id] { return RunCreate(ctx, *fields, *request_id); });
  }
  {
    CLI::App* list = programs->add_subcommand("list", "List programmes, newest first");
    auto flags = std::make_shared<ListFlags>();
    list->add_flag("--all", flags->include_archived, "Include archived programmes");
    list->add_option("--page-size", flags->page_size, "1..500 (default 50)");
    list->add_option("--page-token", flags->page_token, "Continue after a previous page");
    list->add_flag("--all-pages", flags->all_pages, "Follow page tokens to the end");
    OnSelected(list, selected, [&ctx, flags] { return RunList(ctx, *flags); });
  }
  {
    CLI::App* get = programs->add_subcommand("get", "Show one programme");
    auto id = std::make_shared<std::string>();
    get->add_option("program_id", *id, "Programme id")->required();
    OnSelected(get, selected, [&ctx, id] { return RunGet(ctx, *id); });
  }
  {
    CLI::App* update = programs->add_subcommand(
        "update", "Change the given settings (a new capacity applies to batches opened later)");
    auto id = std::make_shared<std::string>();
    auto fields = std::make_shared<ProgramFields>();
    auto request_id = std::make_shared<std::string>();
    update->add_option("program_id", *id, "Programme id")->required();
    fields->AddTo(update);
    update->add_option("--request-id", *request_id, "Idempotency key");
    OnSelected(update, selected, [&ctx, id, fields, request_id] {
      return RunUpdate(ctx, *id, *fields, *request_id);
    });
  }
  {
    CLI::App* archive = programs->add_subcommand(
        "archive", "Stop new enrolments (rosters stay readable; idempotent)");
    auto id = std::make_shared<std::string>();
    archive->add_option("program_id", *id, "Programme id")->required();
    OnSelected(archive, selected, [&ctx, id] { return RunArchive(ctx, *id); });
  }
}

}  // namespace dunbar::dunbarctl
