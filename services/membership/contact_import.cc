#include "services/membership/contact_import.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/ids/id_generator.h"
#include "common/status/status_macros.h"
#include "services/membership/member_validation.h"

namespace dunbar::membership {
namespace {

// Everything an import row carries, as member paths.
const std::vector<std::string>& ImportPaths() {
  static const auto* paths = new std::vector<std::string>{
      "name", "phone", "wechat_id", "email", "tags", "source", "connection_point", "notes"};
  return *paths;
}

}  // namespace

absl::StatusOr<v1::Member> NormalizeImportRow(const v1::ImportRow& row,
                                              std::string_view default_country) {
  v1::Member member;
  member.set_name(row.name());
  member.set_phone(row.phone());
  member.set_wechat_id(row.wechat_id());
  member.set_email(row.email());
  *member.mutable_tags() = row.tags();
  member.set_source(row.source());
  if (row.has_connection_point()) *member.mutable_connection_point() = row.connection_point();
  member.set_notes(row.notes());
  DUNBAR_RETURN_IF_ERROR(NormalizeMember(ImportPaths(), "", default_country, member));
  if (!HasHandle(member)) {
    return absl::InvalidArgumentError("handle: a row needs a phone, WeChat id or email");
  }
  return member;
}

v1::RowError RowErrorFromStatus(int64_t row, const absl::Status& status) {
  v1::RowError error;
  error.set_row(row);
  const std::string_view message(status.message().data(), status.message().size());
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos) {
    error.set_reason(std::string(message));
  } else {
    error.set_field(std::string(message.substr(0, colon)));
    error.set_reason(std::string(message.substr(colon + 2)));
  }
  return error;
}

ContactImport::ContactImport(MemberStore& store, std::string tenant, std::string default_country,
                             std::function<absl::Time()> clock, ContactImportOptions options)
    : store_(store),
      tenant_(std::move(tenant)),
      default_country_(std::move(default_country)),
      clock_(std::move(clock)),
      options_(options) {}

ContactImport::~ContactImport() {
  if (pending_.valid()) pending_.wait();  // never leave a thread writing into a dead object
}

absl::Status ContactImport::Add(const v1::ImportRow& row) {
  const int64_t number = ++rows_received_;
  absl::StatusOr<v1::Member> member = NormalizeImportRow(row, default_country_);
  if (!member.ok()) {
    summary_.set_rejected(summary_.rejected() + 1);
    AddError(summary_.mutable_errors(), RowErrorFromStatus(number, member.status()));
    return absl::OkStatus();
  }
  if (filling_.batches.empty() ||
      static_cast<int>(filling_.batches.back().size()) >= options_.batch_rows) {
    if (static_cast<int>(filling_.batches.size()) >= options_.batches_in_flight) {
      DUNBAR_RETURN_IF_ERROR(Dispatch());
    }
    filling_.batches.emplace_back();
    filling_.row_numbers.emplace_back();
  }
  filling_.batches.back().push_back(ImportRecord{ids::NewId(), *std::move(member)});
  filling_.row_numbers.back().push_back(number);
  return absl::OkStatus();
}

absl::Status ContactImport::Dispatch() {
  DUNBAR_RETURN_IF_ERROR(CollectInFlight());
  if (filling_.batches.empty()) return absl::OkStatus();
  in_flight_ = std::move(filling_);
  filling_ = Group();
  pending_ = std::async(std::launch::async, [this, now = clock_()] {
    return store_.ImportBatches(tenant_, now, in_flight_.batches);
  });
  return absl::OkStatus();
}

absl::Status ContactImport::CollectInFlight() {
  if (!pending_.valid()) return absl::OkStatus();
  absl::StatusOr<std::vector<ImportBatchResult>> results = pending_.get();
  if (!results.ok()) return results.status();
  Tally(in_flight_, *results);
  in_flight_ = Group();
  return absl::OkStatus();
}

void ContactImport::Tally(const Group& group, const std::vector<ImportBatchResult>& results) {
  for (size_t b = 0; b < results.size(); ++b) {
    for (size_t r = 0; r < results[b].size(); ++r) {
      const std::string& outcome = results[b][r];
      if (outcome == "c") {
        summary_.set_created(summary_.created() + 1);
        continue;
      }
      summary_.set_merged(summary_.merged() + 1);
      if (outcome.size() > 2 && outcome.compare(0, 2, "m:") == 0) {
        v1::RowError warning;
        warning.set_row(group.row_numbers[b][r]);
        warning.set_field(outcome.substr(2));
        warning.set_reason(
            "belongs to another member; the row was merged into the member matching its first "
            "handle and this handle was left with its owner");
        AddError(summary_.mutable_warnings(), std::move(warning));
      }
    }
  }
}

void ContactImport::AddError(google::protobuf::RepeatedPtrField<v1::RowError>* list,
                             v1::RowError error) {
  if (static_cast<size_t>(list->size()) < options_.max_listed_errors) {
    *list->Add() = std::move(error);
  }
}

absl::StatusOr<v1::ImportContactsResponse> ContactImport::Finish() {
  DUNBAR_RETURN_IF_ERROR(Dispatch());
  DUNBAR_RETURN_IF_ERROR(CollectInFlight());
  summary_.set_rows_received(rows_received_);
  return summary_;
}

}  // namespace dunbar::membership
