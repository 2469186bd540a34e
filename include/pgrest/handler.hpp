// The only entry point of the core: handle(Request, Context) → Response. Runs the stages in order
// (auth → parse → plan → SQL → execute → response) and renders any Error as PostgREST's JSON with
// Proxy-Status and Content-Length. Context is built once per process (config, snapshot, lazily
// opened connection) and reused by every request a FastCGI worker or warm Lambda serves.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgrest/config.hpp"
#include "pgrest/error.hpp"
#include "pgrest/executor.hpp"
#include "pgrest/http.hpp"
#include "pgrest/server_timing.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql_builder.hpp"

namespace pgrest {

struct Context {
  Config config;       // base_config with the snapshot's in-database settings over it
  Config base_config;  // from the file and the environment
  bool db_config_applied = false;  // config differs from base_config by the snapshot's settings
  std::optional<Snapshot> snapshot;
  std::optional<Error> startup_error;  // bad config or snapshot: answered to every request
  AuthState auth;                      // JWT keys, role-claim path, verified-token cache
  std::unique_ptr<Database> db;
  // For refresh_snapshot (snapshot_reload.hpp): the file's identity when it was opened, when it
  // was last looked at, and whether the configuration loaded (else there is nothing to reload).
  std::optional<SnapshotStamp> snapshot_stamp;
  std::chrono::steady_clock::time_point snapshot_checked{};
  bool config_loaded = false;
  RequestTiming timing;  // the current request's phases (Server-Timing)
  // Set by a front end with a hard deadline (Lambda) before each request: statement_timeout.
  std::optional<int64_t> statement_timeout_ms;
};

// Loads config (env + optional file) and the snapshot. Never fails: problems are kept in
// startup_error (and should be logged by the caller).
Context make_context(const std::vector<std::string>& env, const std::optional<std::string>& config_file);

// Puts `snapshot` in use with the configuration it implies: base_config, the in-database settings
// the snapshot recorded over it (unless db-config is off), and the JWT state built from that. On
// an error (a bad recorded value) nothing changes.
Status install_snapshot(Context& context, Snapshot snapshot);
// Then the superuser rule for the snapshot in use: a refusal becomes the answer to every request;
// otherwise the start-up error is lifted, an allowed unsafe authenticator logged, and the database
// client made.
void judge_authenticator(Context& context);

Response handle(const Request& request, Context& context);

Response render_error(const Error& error);

// handle() behind the front ends' last line of defence: the core throws nothing on purpose, so an
// exception (a bug, bad_alloc) becomes a 500 instead of killing a FastCGI worker or a Lambda.
Response handle_guarded(const Request& request, Context& context);

// At log-level info, the request's access-log line on stderr (the web server's error log, or
// CloudWatch for Lambda).
void log_request(const Context& context, const Request& request, const Response& response);

// A request's settings: its facts (request_settings) plus the impersonated role's own settings
// from the snapshot, applied before the role switch. Every handler builds its settings statement
// from this, so that ALTER ROLE ... SET reaches every kind of request.
Settings request_settings_for(const Request& request, const Context& context,
                              const std::string& schema, const Auth& auth, bool read_only);
// The impersonated role's default_transaction_isolation as SQL keywords: PostgREST makes it the
// transaction's isolation level (a function's own setting wins), never a setting.
std::optional<std::string> role_isolation(const Context& context, const std::string& role);

}  // namespace pgrest
