// Every PGRST error pgrest raises, with PostgREST v13's status and wording.
// Retired upstream: PGRST104, PGRST113 (never raised), PGRST109/PGRST110 (v12 limited updates).
#include "pgrest/error.hpp"

#include <string>

#include "json.hpp"

namespace pgrest::errors {
namespace {

Error make(int status, const char* code, std::string message,
           std::optional<std::string> details = std::nullopt,
           std::optional<std::string> hint = std::nullopt) {
  Error e;
  e.status = status;
  e.code = code;
  e.message = std::move(message);
  e.details = std::move(details);
  e.hint = std::move(hint);
  return e;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

Error unavailable(const char* code, std::string message, std::string detail) {
  Error e = make(503, code, std::move(message), std::move(detail));
  e.headers.push_back({"Retry-After", "0"});
  return e;
}

}  // namespace

// 0xx: connection and schema cache
Error connection(std::string detail) {
  return unavailable("PGRST000", "Database connection error. Retrying the connection.",
                     std::move(detail));
}
Error internal_db(std::string detail) {
  return unavailable("PGRST001", "Database client error. Retrying the connection.",
                     std::move(detail));
}
Error schema_cache(std::string detail) {
  return unavailable("PGRST002", "Could not query the database for the schema cache. Retrying.",
                     std::move(detail));
}

// 1xx: the request
Error parse(std::string what, std::string_view input, std::string detail) {
  return make(400, "PGRST100",
              "\"failed to parse " + what + " (" + std::string(input) + ")\" (line 1, column 1)",
              std::move(detail));
}
Error rpc_method(std::string_view method) {
  return make(405, "PGRST101", "Cannot use the " + std::string(method) + " method on RPC");
}
Error invalid_body(std::string message) { return make(400, "PGRST102", std::move(message)); }
Error invalid_range(std::string details) {
  return make(416, "PGRST103", "Requested range not satisfiable", std::move(details));
}
Error invalid_put_filters() {
  return make(405, "PGRST105",
              "Filters must include all and only primary key columns with 'eq' operators");
}
Error unacceptable_schema(std::string_view schema, const std::vector<std::string>& allowed) {
  return make(406, "PGRST106", "Invalid schema: " + std::string(schema), std::nullopt,
              "Only the following schemas are exposed: " + join(allowed, ", "));
}
Error unacceptable_media(const std::vector<std::string>& types) {
  return make(406, "PGRST107", "None of these media types are available: " + join(types, ", "));
}
Error not_embedded(std::string_view name) {
  std::string quoted = "'" + std::string(name) + "'";
  return make(400, "PGRST108", quoted + " is not an embedded resource in this request",
              std::nullopt, "Verify that " + quoted + " is included in the 'select' query parameter.");
}
Error put_limit() {
  return make(400, "PGRST114", "limit/offset querystring parameters are not allowed for PUT");
}
Error put_mismatch() {
  return make(400, "PGRST115", "Payload values do not match URL in primary key column(s)");
}
Error singular(long long rows) {
  return make(406, "PGRST116", "Cannot coerce the result to a single JSON object",
              "The result contains " + std::to_string(rows) + " rows");
}
Error unsupported_method(std::string_view method) {
  return make(405, "PGRST117", "Unsupported HTTP method: " + std::string(method));
}
Error invalid_preferences(const std::vector<std::string>& prefs) {
  return make(400, "PGRST122", "Invalid preferences given with handling=strict",
              "Invalid preferences: " + join(prefs, ", "));
}
Error aggregates_disabled() {
  return make(400, "PGRST123", "Use of aggregate functions is not allowed");
}
Error max_affected(long long rows) {
  return make(400, "PGRST124", "Query result exceeds max-affected preference constraint",
              "The query affects " + std::to_string(rows) + " rows");
}
Error max_affected_rpc() {
  return make(400, "PGRST128",
              "Function must return SETOF or TABLE when max-affected preference is used with "
              "handling=strict");
}
Error not_implemented(std::string details) {
  return make(400, "PGRST127", "Feature not implemented", std::move(details));
}
Error raise_parse(std::string details, bool message_part) {
  return make(500, "PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
              std::move(details),
              message_part ? "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' "
                             "and optional keys: 'details', 'hint'."
                           : "DETAIL must be a JSON object with obligatory keys: 'status', "
                             "'headers' and optional key: 'status_text'.");
}
Error invalid_path() { return make(404, "PGRST125", "Invalid path specified in request URL"); }

// 2xx: the schema cache (our snapshot)
Error column_not_found(std::string_view table, std::string_view column) {
  return make(400, "PGRST204",
              "Could not find the '" + std::string(column) + "' column of '" +
                  std::string(table) + "' in the schema cache");
}
Error function_not_found(std::string_view schema, std::string_view name,
                         const std::vector<std::string>& keys, std::string searched,
                         bool args_in_message, std::optional<std::string> hint) {
  std::string func = std::string(schema) + "." + std::string(name);
  std::string message = "Could not find the function " + func;
  if (args_in_message) message += keys.empty() ? " without parameters" : "(" + join(keys, ", ") + ")";
  message += " in the schema cache";
  if (hint) hint = "Perhaps you meant to call the function " + std::string(schema) + "." + *hint;
  return make(404, "PGRST202", std::move(message),
              "Searched for the function " + func + searched +
                  ", but no matches were found in the schema cache.",
              std::move(hint));
}
Error ambiguous_function(const std::vector<std::string>& signatures) {
  return make(300, "PGRST203",
              "Could not choose the best candidate function between: " + join(signatures, ", "),
              std::nullopt,
              "Try renaming the parameters or the function itself in the database so function "
              "overloading can be resolved");
}
Error table_not_found(std::string_view schema, std::string_view table,
                      std::optional<std::string> suggestion) {
  std::optional<std::string> hint;
  if (suggestion) hint = "Perhaps you meant the table '" + *suggestion + "'";
  return make(404, "PGRST205",
              "Could not find the table '" + std::string(schema) + "." + std::string(table) +
                  "' in the schema cache",
              std::nullopt, std::move(hint));
}

// 3xx: JWT. 401s carry WWW-Authenticate as PostgREST words it (RFC 6750).
Error jwt_secret_missing() { return make(500, "PGRST300", "Server lacks JWT secret"); }
Error jwt_decode(std::string message, std::optional<std::string> details) {
  Error e = make(401, "PGRST301", std::move(message), std::move(details));
  e.headers.push_back({"WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=" +
                                               json::quoted(e.message)});
  return e;
}
Error jwt_required() {
  Error e = make(401, "PGRST302", "Anonymous access is disabled");
  e.headers.push_back({"WWW-Authenticate", "Bearer"});
  return e;
}
Error jwt_claims(std::string message) {
  Error e = make(401, "PGRST303", std::move(message));
  e.headers.push_back({"WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=" +
                                               json::quoted(e.message)});
  return e;
}

// Start-up problems (configuration, snapshot) reported on every request until fixed.
Error config(std::string message) { return make(500, "PGRSTX00", std::move(message)); }

// pgrest's own: refused before the body is read, so a huge Content-Length costs no memory.
Error body_too_large(unsigned long long size, long long limit) {
  return make(413, "PGRSTX02", "Request body too large",
              "The body has " + std::to_string(size) + " bytes; the limit is " +
                  std::to_string(limit) + " bytes",
              "Raise server-max-body-size (PGRST_SERVER_MAX_BODY_SIZE) to accept larger bodies.");
}

// pgrest's own: PostgREST only warns in its docs; a superuser authenticator voids RLS and GRANTs.
Error unsafe_authenticator(std::string reason) {
  return make(503, "PGRSTX01", "Refusing to serve: " + std::move(reason),
              "A superuser or BYPASSRLS role ignores Row Level Security, so every request could "
              "read and change everything.",
              "Use a LOGIN NOINHERIT role without SUPERUSER or BYPASSRLS as the authenticator and "
              "run `pgrest snapshot` again, or set PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true to "
              "serve anyway.");
}

}  // namespace pgrest::errors
