// RETURN_IF_ERROR / ASSIGN_OR_RETURN for absl::Status, as used across dunbar.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define DUNBAR_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    const ::absl::Status dunbar_status_ = (expr);    \
    if (!dunbar_status_.ok()) return dunbar_status_; \
  } while (0)

#define DUNBAR_STATUS_CONCAT_INNER(a, b) a##b
#define DUNBAR_STATUS_CONCAT(a, b) DUNBAR_STATUS_CONCAT_INNER(a, b)

#define DUNBAR_ASSIGN_OR_RETURN(lhs, expr) \
  DUNBAR_ASSIGN_OR_RETURN_IMPL(DUNBAR_STATUS_CONCAT(dunbar_statusor_, __LINE__), lhs, expr)

#define DUNBAR_ASSIGN_OR_RETURN_IMPL(statusor, lhs, expr) \
  auto statusor = (expr);                                 \
  if (!statusor.ok()) return statusor.status();           \
  lhs = std::move(statusor).value()
