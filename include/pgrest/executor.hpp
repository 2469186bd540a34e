// Runs a request's statements through libpq in ONE network round trip: the settings statement and
// the main statement are sent in pipeline mode and closed by a single Sync, so PostgreSQL runs them
// as one implicit transaction (PgBouncer transaction mode hands us a server connection for exactly
// that transaction; set_config(..., true) settings end with it). Unnamed statements only.
// Errors: SQL errors mapped by sqlstate_status (any status), PGRST000/PGRST001 503 for connection
// trouble.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pgrest/error.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

struct DbResult {
  std::optional<int64_t> total;               // the count, when one was asked for
  int64_t page_total = 0;                     // rows in this response
  std::optional<std::string> body;
  std::optional<std::string> response_headers;  // the response.headers GUC
  std::optional<std::string> response_status;   // the response.status GUC
  std::optional<int64_t> planned_total;          // "Plan Rows" of the EXPLAIN statement, if sent
  std::optional<std::string> location;   // writes: JSON array of the inserted row's PK values
  std::optional<int64_t> inserted;       // upserts: rows inserted rather than updated
  std::optional<std::string> guard;      // a tripped guard's report ("singular:3"); the
                                         // transaction was rolled back, the rest is the main result
};

// Statements sent after the main one in the same pipeline (writes and volatile RPC calls). One of them raising an
// error whose message contains "pgrst-guard:<nonce>:" rolls the transaction back and is reported
// in DbResult::guard instead of as an error.
struct Guard {
  std::vector<Sql> statements;
  std::string nonce;
};

// One connection per process, opened on first use and kept for the next FastCGI request or warm
// Lambda invocation.
class Database {
 public:
  Database(std::string db_uri, int64_t connect_timeout_seconds);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // `retry_safe`: nothing would be written, so a dead pooled connection may be replaced and the
  // request sent again once. `authenticated` picks 401 or 403 for privilege errors.
  // `explain`, when given, is an EXPLAIN (FORMAT JSON) statement sent in the same pipeline.
  // `pre_request` (db-pre-request) runs after the settings; `begin` (SET TRANSACTION ...) first;
  // `guard` (writes) adds statements after the main one.
  // Order in the pipeline: begin, settings, pre_request, explain, main, guard statements.
  Result<DbResult> run(const Sql& settings, const Sql& main, bool retry_safe, bool authenticated,
                       const Sql* explain = nullptr, const Sql* pre_request = nullptr,
                       const Sql* begin = nullptr, const Guard* guard = nullptr);

  int round_trips() const { return round_trips_; }  // pipelines sent so far (for tests/bench)

  // When the first run() since reset_span() started and the last one ended (Server-Timing's
  // "transaction"); `used` is false when no statement was sent.
  struct Span {
    bool used = false;
    std::chrono::steady_clock::time_point start, end;
  };
  void reset_span() { span_ = {}; }
  const Span& span() const { return span_; }

 private:
  struct Conn;
  Result<DbResult> run_untimed(const Sql& settings, const Sql& main, bool retry_safe,
                                bool authenticated, const Sql* explain, const Sql* pre_request,
                                const Sql* begin, const Guard* guard);
  Span span_;
  Status connect();
  std::string uri_;
  int64_t timeout_;
  std::unique_ptr<Conn> conn_;
  int round_trips_ = 0;
};

// SQLSTATE → HTTP status as PostgREST maps it (../shared/postgrest-reference.md §6.3).
int sqlstate_status(std::string_view sqlstate, std::string_view message, bool authenticated);

// A PostgreSQL error (code, message, detail, hint) as the API error, with PostgREST's extra
// headers (WWW-Authenticate for anonymous 401s) and PT/PGRST custom errors.
Error error_from_pg(std::string sqlstate, std::string message, std::optional<std::string> detail,
                    std::optional<std::string> hint, bool authenticated);

}  // namespace pgrest
