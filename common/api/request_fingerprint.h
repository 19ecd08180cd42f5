// Idempotency fingerprints: SHA-256 (hex) of the message type name and the deterministic
// serialization of a request, taken after the tenant is resolved (so "tenant omitted" and "tenant
// named" are the same request). Stored next to the answer under `req:<request_id>`; a retry with
// the same id and fingerprint gets the stored answer, a different fingerprint ALREADY_EXISTS.
//
//   CreateMemberRequest canonical = request;
//   canonical.set_tenant(tenant);
//   std::string fingerprint = RequestFingerprint(canonical);
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace dunbar::api {

std::string RequestFingerprint(const google::protobuf::Message& request);

}  // namespace dunbar::api
