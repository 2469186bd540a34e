#include "pgrest/executor.hpp"

#include <poll.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "pg.hpp"

namespace pgrest {

struct Database::Conn {
  detail::PgConn pg;
};

namespace {

std::optional<std::string> field(const PGresult* r, int code) {
  const char* v = PQresultErrorField(r, code);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> value(const PGresult* r, int col) {
  if (PQgetisnull(r, 0, col)) return std::nullopt;
  return std::string(PQgetvalue(r, 0, col), PQgetlength(r, 0, col));
}

bool send(PGconn* c, const Sql& sql) {
  std::vector<const char*> values;
  values.reserve(sql.params.size());
  for (const auto& p : sql.params) values.push_back(p ? p->c_str() : nullptr);
  return PQsendQueryParams(c, sql.text.c_str(), static_cast<int>(values.size()), nullptr,
                           values.data(), nullptr, nullptr, 0) == 1;
}

// The outcome of one pipeline: either a connection failure (the request may not have run) or the
// result of each statement.
struct PipelineOutcome {
  bool connection_lost = false;
  std::string connection_error;
  std::vector<detail::PgResult> results;  // one per statement (the last one returned for it)
};

PipelineOutcome run_pipeline(PGconn* c, const std::vector<const Sql*>& statements) {
  PipelineOutcome out;
  auto lost = [&]() -> PipelineOutcome {
    out.connection_lost = true;
    out.connection_error = PQerrorMessage(c);
    return std::move(out);
  };
  if (PQenterPipelineMode(c) != 1) return lost();
  bool sent = true;
  for (const Sql* s : statements) sent = sent && send(c, *s);
  if (!sent || PQpipelineSync(c) != 1 || PQflush(c) != 0) {
    PQexitPipelineMode(c);
    return lost();
  }
  for (size_t stmt = 0; stmt < statements.size(); ++stmt) {
    detail::PgResult last;
    while (PGresult* r = PQgetResult(c)) last.reset(r);
    if (PQstatus(c) == CONNECTION_BAD) return lost();
    out.results.push_back(std::move(last));
  }
  detail::PgResult sync(PQgetResult(c));
  // An error raised by the implicit COMMIT (a deferred constraint) arrives before the Sync.
  while (sync && PQresultStatus(sync.get()) == PGRES_FATAL_ERROR) {
    out.results.push_back(std::move(sync));
    sync.reset(PQgetResult(c));
    if (!sync) sync.reset(PQgetResult(c));
  }
  if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || PQstatus(c) == CONNECTION_BAD) {
    return lost();
  }
  PQexitPipelineMode(c);
  return out;
}

// "pgrst-guard:<nonce>:<report>" inside a guard's cast error → the report.
std::optional<std::string> guard_report(const PGresult* r, const Guard& guard) {
  auto state = field(r, PG_DIAG_SQLSTATE);
  auto message = field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (!state || *state != "22P02" || !message) return std::nullopt;
  std::string tag = "pgrst-guard:" + guard.nonce + ":";
  size_t at = message->find(tag);
  if (at == std::string::npos) return std::nullopt;
  std::string report = message->substr(at + tag.size());
  if (!report.empty() && report.back() == '"') report.pop_back();
  return report;
}

// A kept connection that PgBouncer closed while we were idle (restart, client_idle_timeout) has
// its EOF or a FATAL message waiting: detect that before sending, so that any request, a write
// too, goes out on a new connection instead of failing. Costs one poll() with no wait.
bool idle_connection_usable(PGconn* c) {
  if (PQstatus(c) != CONNECTION_OK) return false;
  pollfd p{PQsocket(c), POLLIN, 0};
  int n = poll(&p, 1, 0);
  return n == 0;  // nothing may arrive on an idle connection between our transactions
}

}  // namespace

Database::Database(std::string db_uri, int64_t connect_timeout_seconds)
    : uri_(std::move(db_uri)), timeout_(connect_timeout_seconds) {}

Database::~Database() = default;

Status Database::connect() {
  // Our defaults first; anything in db-uri overrides them (expand_dbname).
  std::string timeout = std::to_string(timeout_ < 2 ? 2 : timeout_);
  // gssencmode=prefer (libpq's default) loads Kerberos and probes for credentials on every TCP
  // connect, which a CGI process pays each time; PgBouncer refuses GSS encryption anyway.
  // PGGSSENCMODE or gssencmode in db-uri still choose otherwise.
  std::vector<const char*> keys = {"connect_timeout", "fallback_application_name"};
  std::vector<const char*> values = {timeout.c_str(), "pgrest"};
  if (std::getenv("PGGSSENCMODE") == nullptr) {
    keys.push_back("gssencmode");
    values.push_back("disable");
  }
  keys.insert(keys.end(), {"dbname", nullptr});
  values.insert(values.end(), {uri_.c_str(), nullptr});
  auto conn = std::make_unique<Conn>();
  conn->pg.reset(PQconnectdbParams(keys.data(), values.data(), 1));
  if (PQstatus(conn->pg.get()) != CONNECTION_OK) {
    std::string msg = conn->pg ? PQerrorMessage(conn->pg.get()) : "out of memory";
    while (!msg.empty() && msg.back() == '\n') msg.pop_back();
    conn_.reset();
    return errors::connection(msg);
  }
  // RAISE NOTICE and friends are not errors; libpq would print them on stderr.
  PQsetNoticeProcessor(conn->pg.get(), [](void*, const char*) {}, nullptr);
  conn_ = std::move(conn);
  return Ok{};
}

// The top node's row estimate from EXPLAIN (FORMAT JSON) output.
static std::optional<int64_t> plan_rows(const PGresult* r) {
  if (r == nullptr || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) < 1) return std::nullopt;
  std::string text = PQgetvalue(r, 0, 0);
  size_t key = text.find("\"Plan Rows\":");
  if (key == std::string::npos) return std::nullopt;
  return std::strtoll(text.c_str() + key + 12, nullptr, 10);
}

Result<DbResult> Database::run(const Sql& settings, const Sql& main, bool retry_safe,
                               bool authenticated, const Sql* explain, const Sql* pre_request,
                               const Sql* begin, const Guard* guard) {
  auto start = std::chrono::steady_clock::now();
  if (!span_.used) span_.start = start;
  auto result = run_untimed(settings, main, retry_safe, authenticated, explain, pre_request, begin, guard);
  span_.used = true;
  span_.end = std::chrono::steady_clock::now();
  return result;
}

Result<DbResult> Database::run_untimed(const Sql& settings, const Sql& main, bool retry_safe,
                                        bool authenticated, const Sql* explain,
                                        const Sql* pre_request, const Sql* begin,
                                        const Guard* guard) {
  std::vector<const Sql*> statements;
  if (begin) statements.push_back(begin);
  statements.push_back(&settings);
  if (pre_request) statements.push_back(pre_request);
  size_t explain_at = statements.size();
  if (explain) statements.push_back(explain);
  statements.push_back(&main);
  const size_t main_index = statements.size() - 1;
  if (guard != nullptr) {
    for (const auto& g : guard->statements) statements.push_back(&g);
  }
  // libpq sends parameters as C strings, so a NUL would silently cut a value short: refuse it
  // with the error PostgreSQL gives for a NUL in text input.
  for (const Sql* s : statements) {
    for (const auto& p : s->params) {
      if (p && p->find('\0') != std::string::npos) {
        return error_from_pg("22021", "invalid byte sequence for encoding \"UTF8\": 0x00",
                             std::nullopt, std::nullopt, authenticated);
      }
    }
  }
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    if (conn_ && !idle_connection_usable(conn_->pg.get())) conn_.reset();
    if (!conn_ || PQstatus(conn_->pg.get()) != CONNECTION_OK) {
      if (auto s = connect(); !s) return s.take_error();
      fresh = true;
    }
    ++round_trips_;
    PipelineOutcome out = run_pipeline(conn_->pg.get(), statements);
    if (out.connection_lost) {
      conn_.reset();
      // A kept connection may have died while idle (PgBouncer restarted): try once more on a new
      // one when the request cannot have written anything.
      if (!fresh && attempt == 0 && retry_safe) continue;
      std::string msg = out.connection_error;
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      return errors::internal_db(msg);
    }
    std::optional<std::string> tripped;
    for (size_t i = 0; i < out.results.size(); ++i) {
      const auto& r = out.results[i];
      ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_FATAL_ERROR) {
        if (guard != nullptr && i > main_index && r && (tripped = guard_report(r.get(), *guard))) {
          break;
        }
        std::string message = field(r.get(), PG_DIAG_MESSAGE_PRIMARY).value_or("unknown error");
        std::string state = field(r.get(), PG_DIAG_SQLSTATE).value_or("XX000");
        auto hint = field(r.get(), PG_DIAG_MESSAGE_HINT);
        // Names reach SQL only after matching the snapshot: if PostgreSQL does not know them, the
        // snapshot no longer describes the database.
        if (!hint && (state == "42P01" || state == "42703" || state == "3F000")) {
          hint = "The schema snapshot may be stale: the database changed since `pgrest snapshot` "
                 "ran (see `pgrest snapshot --check`)";
          std::fprintf(stderr, "pgrest: the snapshot may be stale: %s\n", message.c_str());
        }
        return error_from_pg(std::move(state), message, field(r.get(), PG_DIAG_MESSAGE_DETAIL),
                             std::move(hint), authenticated);
      }
    }
    const PGresult* r = out.results[main_index].get();
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQnfields(r) == 1) {
      // A one-column result (EXPLAIN) is passed through as the body, one line per row.
      DbResult db;
      db.page_total = PQntuples(r);
      db.body = std::string();
      for (int i = 0; i < PQntuples(r); ++i) {
        if (i) db.body->push_back('\n');
        db.body->append(PQgetvalue(r, i, 0), PQgetlength(r, i, 0));
      }
      return db;
    }
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQnfields(r) < 5) {
      return errors::internal_db("unexpected result shape from the main statement");
    }
    DbResult db;
    if (auto t = value(r, 0)) db.total = std::strtoll(t->c_str(), nullptr, 10);
    db.page_total = std::strtoll(PQgetvalue(r, 0, 1), nullptr, 10);
    db.body = value(r, 2);
    // '' is a placeholder GUC left defined by an earlier transaction: unset, as NULL.
    if (auto h = value(r, 3); h && !h->empty()) db.response_headers = std::move(h);
    if (auto s = value(r, 4); s && !s->empty()) db.response_status = std::move(s);
    if (explain) db.planned_total = plan_rows(out.results[explain_at].get());
    if (PQnfields(r) >= 7) {
      db.location = value(r, 5);
      if (auto n = value(r, 6)) db.inserted = std::strtoll(n->c_str(), nullptr, 10);
    }
    db.guard = std::move(tripped);
    return db;
  }
}

}  // namespace pgrest
