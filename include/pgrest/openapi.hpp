// GET / : the OpenAPI (Swagger 2.0) document PostgREST v13 serves, generated from the snapshot
// for one schema. With openapi-mode=follow-privileges the caller passes the tables and functions
// the request's role may use (one query in the request's transaction); otherwise all of them.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "pgrest/config.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

struct OpenApiScope {
  std::optional<std::set<std::string>> tables;     // nullopt: every table in the schema
  std::optional<std::set<std::string>> functions;  // nullopt: every function in the schema
  bool v3_1 = false;  // beyond PostgREST: OpenAPI 3.1 (Accept: application/openapi+json;version=3.1)
};

// `host`: the Host the client used (overridden by openapi-server-proxy-uri).
std::string openapi_document(const Snapshot& snapshot, const Config& config,
                             const std::string& schema, const std::string& host,
                             const OpenApiScope& scope);

}  // namespace pgrest
