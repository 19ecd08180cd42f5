// One ImportContacts stream: rows are normalized and validated here (bad rows are rejected with
// their 1-based number, field and reason, without stopping), then sent to Redis in batches of
// `batch_rows`, several batches per pipelined round trip, while the next rows are being read.
// Each batch runs as one atomic script that merges rows by handle (see lua/import_contacts.lua),
// so duplicates within the stream, against existing members, or against a concurrent import never
// become two members.
//
//   ContactImport import(store, tenant, "CN", clock);
//   for (const auto& row : rows) DUNBAR_RETURN_IF_ERROR(import.Add(row));
//   DUNBAR_ASSIGN_OR_RETURN(v1::ImportContactsResponse summary, import.Finish());
//
// Idempotency comes from the merge rules, not from the request id: importing the same rows again
// creates nobody and changes no field (every row counts as merged).
//
// A row needs at least one handle (phone, WeChat id or email): without one there is nothing to
// merge on, so it is rejected with field "handle". A Redis failure ends the import with that
// status; rows already sent stay imported (re-running the file is harmless).
#pragma once

#include <functional>
#include <future>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dunbar/membership/v1/membership.pb.h"
#include "services/membership/member_store.h"

namespace dunbar::membership {

namespace v1 = ::dunbar::membership::v1;

struct ContactImportOptions {
  int batch_rows = 200;       // rows per script call
  int batches_in_flight = 4;  // script calls per pipelined round trip
  size_t max_listed_errors = 1000;
};

// Normalizes an import row into the member fields the import script stores. INVALID_ARGUMENT
// naming the row field ("phone: ...", "tags: ...", "handle: ...").
absl::StatusOr<v1::Member> NormalizeImportRow(const v1::ImportRow& row,
                                              std::string_view default_country);

// Splits a validation message "field: reason" into a RowError.
v1::RowError RowErrorFromStatus(int64_t row, const absl::Status& status);

class ContactImport {
 public:
  ContactImport(MemberStore& store, std::string tenant, std::string default_country,
                std::function<absl::Time()> clock, ContactImportOptions options = {});
  ~ContactImport();
  ContactImport(const ContactImport&) = delete;
  ContactImport& operator=(const ContactImport&) = delete;

  // Takes the next row. Fails only when an earlier round trip to Redis failed.
  absl::Status Add(const v1::ImportRow& row);
  // Sends what is left, waits for every round trip, and summarizes.
  absl::StatusOr<v1::ImportContactsResponse> Finish();

 private:
  struct Group {
    std::vector<std::vector<ImportRecord>> batches;
    std::vector<std::vector<int64_t>> row_numbers;
  };
  // Starts the current group's round trip (after the previous one finished).
  absl::Status Dispatch();
  absl::Status CollectInFlight();
  void Tally(const Group& group, const std::vector<ImportBatchResult>& results);
  void AddError(google::protobuf::RepeatedPtrField<v1::RowError>* list, v1::RowError error);

  MemberStore& store_;
  std::string tenant_;
  std::string default_country_;
  std::function<absl::Time()> clock_;
  ContactImportOptions options_;

  Group filling_;
  Group in_flight_;
  std::future<absl::StatusOr<std::vector<ImportBatchResult>>> pending_;
  int64_t rows_received_ = 0;
  v1::ImportContactsResponse summary_;
};

}  // namespace dunbar::membership
