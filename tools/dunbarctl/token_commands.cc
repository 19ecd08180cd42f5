// tokens mint: offline, needs no server. The token is printed once; only its hash is stored.
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/principal.h"
#include "common/auth/token_store.h"
#include "tools/dunbarctl/cli_context.h"
#include "tools/dunbarctl/command.h"
#include "tools/dunbarctl/exit_codes.h"
#include "tools/dunbarctl/token_file.h"

namespace dunbar::dunbarctl {
namespace {

struct MintFlags {
  std::string tenant, role, tokens_file;
};

int RunMint(CliContext& ctx, const MintFlags& flags) {
  absl::StatusOr<auth::Role> role = auth::ParseRole(flags.role);
  if (!role.ok()) return ctx.UsageError(role.status());
  std::string tenant = flags.tenant.empty() ? ctx.options().tenant : flags.tenant;
  if (*role == auth::Role::kService) {
    // Service tokens act for any tenant; they name it in each request.
    if (tenant.empty()) tenant = "*";
    if (tenant != "*") return ctx.UsageError("--tenant: service tokens are for every tenant ('*')");
  } else if (!auth::IsValidTenantName(tenant)) {
    return ctx.UsageError(
        absl::StrCat("--tenant: '", tenant, "' is not a tenant name (1..64 of a-z, 0-9, _, -)"));
  }
  absl::StatusOr<auth::MintedToken> minted = auth::MintToken(tenant, *role);
  if (!minted.ok()) {
    ctx.err() << FormatError(minted.status()) << '\n';
    return 1;
  }
  if (!flags.tokens_file.empty()) {
    absl::StatusOr<TokenFileAppend> appended =
        AppendTokenLine(flags.tokens_file, minted->file_line);
    if (!appended.ok()) {
      ctx.err() << FormatError(appended.status()) << '\n';
      return 1;
    }
    if (appended->group_or_other_access) {
      ctx.err() << "warning: " << flags.tokens_file
                << " is readable by others; consider chmod 600\n";
    }
  }
  if (ctx.options().output == OutputMode::kJson) {
    nlohmann::json json = {{"token", minted->token},
                           {"tenant", tenant},
                           {"role", std::string(auth::RoleName(*role))},
                           {"tokens_file", flags.tokens_file},
                           {"file_line", minted->file_line}};
    ctx.out() << json.dump(2) << '\n';
  } else {
    // stdout carries only the token, so `TOKEN=$(dunbarctl tokens mint ...)` works.
    ctx.out() << minted->token << '\n';
    ctx.err() << "minted a token: role " << auth::RoleName(*role) << ", tenant " << tenant;
    if (flags.tokens_file.empty()) {
      ctx.err() << "; add this line to the services' token file:\n" << minted->file_line << '\n';
    } else {
      ctx.err() << "; its hash was appended to " << flags.tokens_file << '\n';
    }
    ctx.err() << "the token is shown only now: store it safely\n";
  }
  ctx.out().flush();
  return kExitOk;
}

}  // namespace

void AddTokenCommands(CLI::App& root, CliContext& ctx, Selected& selected) {
  CLI::App* tokens = root.add_subcommand("tokens", "Bearer tokens (admin, offline)");
  tokens->require_subcommand(1);
  CLI::App* mint = tokens->add_subcommand(
      "mint", "Make a token: prints it once, appends its SHA-256 hash to --tokens-file");
  auto flags = std::make_shared<MintFlags>();
  mint->add_option("--tenant", flags->tenant, "Tenant the token acts for ('*' for service)");
  mint->add_option("--role", flags->role, "operator|admin|service")
      ->required()
      ->check(CLI::IsMember({"operator", "admin", "service"}));
  mint->add_option("--tokens-file", flags->tokens_file,
                   "Token file to append the hash line to (created 0600)")
      ->envname("DUNBAR_TOKENS_FILE");
  OnSelected(mint, selected, [&ctx, flags] { return RunMint(ctx, *flags); });
}

}  // namespace dunbar::dunbarctl
