// The only entry point of the core: handle(Request, Context) → Response. Runs the stages in order
// (auth → parse → plan → SQL → execute → response) and renders any Error as PostgREST's JSON with
// Proxy-Status and Content-Length. Context is built once per process (config, snapshot, lazily
// opened connection) and reused by every request a FastCGI worker or warm Lambda serves.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgrest/config.hpp"
#include "pgrest/error.hpp"
#include "pgrest/executor.hpp"
#include "pgrest/http.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

struct Context {
  Config config;
  std::optional<Snapshot> snapshot;
  std::optional<Error> startup_error;  // bad config or snapshot: answered to every request
  std::unique_ptr<Database> db;
};

// Loads config (env + optional file) and the snapshot. Never fails: problems are kept in
// startup_error (and should be logged by the caller).
Context make_context(const std::vector<std::string>& env, const std::optional<std::string>& config_file);

Response handle(const Request& request, Context& context);

Response render_error(const Error& error);

}  // namespace pgrest
