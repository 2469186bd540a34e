// The SQL floor of `make bench`: exactly the statements pgrest sends for a read (built by the
// library's own parse → plan → SQL functions from the PGRST_* environment and the snapshot), sent
// the way pgrest sends them (settings + main statement, values bound, one libpq pipeline, one Sync)
// through the same PgBouncer, from N processes, with nothing else: no HTTP, no parsing, no planning.
//
//   sql_floor -c PROCS -d SECONDS TARGET   TARGET like "/items?id=eq.{id}" ({id}: random 1..10000)
//                                          prints "req/s p50_ms p99_ms"
//   sql_floor -n COUNT TARGET              sends TARGET's statements COUNT times from one
//                                          connection, prints the backend's pid and exits
//                                          (pg_cost.sh counts PostgreSQL's instructions for them)
//   sql_floor --dump FILE TARGET           writes TARGET's statements for cgi_floor (see there)
//   sql_floor --fcgi [TARGET]              the stack floor (TARGET or $BENCH_FCGI_TARGET): a
//                                          FastCGI responder (fd 0, spawned by lighttpd) that
//                                          answers each request by sending the
//                                          prebuilt statements for the id in its query string and
//                                          writing the body PostgreSQL built: the whole chain
//                                          (lighttpd, FastCGI, PgBouncer, PostgreSQL) with no
//                                          parsing, planning or SQL building per request
#include <fcgiapp.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "pgrest/api_request.hpp"
#include "pgrest/config.hpp"
#include "pgrest/handler.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql_builder.hpp"

extern char** environ;

using namespace pgrest;
using Clock = std::chrono::steady_clock;

namespace {

struct Statements {
  Sql settings, main;
};

std::string replace_id(std::string s, int id) {
  for (size_t at; (at = s.find("{id}")) != std::string::npos;) s.replace(at, 4, std::to_string(id));
  return s;
}

// What handle() builds for an anonymous GET of `target` (see src/handler.cpp handle_read).
bool build(const std::string& target, const Context& ctx, Statements& out) {
  Request req;
  req.method = "GET";
  size_t q = target.find('?');
  req.path = target.substr(0, q);
  req.query = q == std::string::npos ? "" : target.substr(q + 1);
  req.headers = {{"host", "127.0.0.1"}};  // what wrk sends
  auto api = parse_api_request(req, ctx.config);
  if (!api) return std::fprintf(stderr, "parse: %s\n", api.error().message.c_str()), false;
  auto plan = plan_read(*api, *ctx.snapshot, ctx.config);
  if (!plan) return std::fprintf(stderr, "plan: %s\n", plan.error().message.c_str()), false;
  Auth anon;
  anon.role = ctx.config.db_anon_role.value_or("");
  anon.claims_json = "{\"role\":\"" + anon.role + "\"}";
  Settings s = request_settings_for(req, ctx, api->schema, anon, /*read_only=*/true);
  s.timezone = plan->timezone;
  out.settings = build_settings(s);
  out.main = build_read(*plan);
  return true;
}

bool send(PGconn* c, const Sql& sql) {
  std::vector<const char*> v;
  for (const auto& p : sql.params) v.push_back(p ? p->c_str() : nullptr);
  return PQsendQueryParams(c, sql.text.c_str(), static_cast<int>(v.size()), nullptr, v.data(),
                           nullptr, nullptr, 0) == 1;
}

// A connection in pipeline mode, or nullptr (reported) when that fails.
PGconn* connect_pipelined(const char* uri) {
  PGconn* c = PQconnectdb(uri);
  if (PQstatus(c) == CONNECTION_OK && PQenterPipelineMode(c) == 1) return c;
  std::fprintf(stderr, "sql_floor: %s", PQerrorMessage(c));
  PQfinish(c);
  return nullptr;
}

// One request: both statements and a Sync in one flight, then every result up to the Sync; the
// main statement's body column goes to `body` when given.
bool run_once(PGconn* c, const Statements& st, std::string* body = nullptr) {
  if (!send(c, st.settings) || !send(c, st.main) || PQpipelineSync(c) != 1) return false;
  bool ok = true;
  for (int stmt = 0; stmt < 2; ++stmt) {
    while (PGresult* r = PQgetResult(c)) {
      if (PQresultStatus(r) != PGRES_TUPLES_OK) ok = false;
      else if (body && stmt == 1 && PQntuples(r) == 1 && PQnfields(r) > 2)
        body->assign(PQgetvalue(r, 0, 2), static_cast<size_t>(PQgetlength(r, 0, 2)));
      PQclear(r);
    }
  }
  PGresult* sync = PQgetResult(c);
  ok = ok && sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  return ok;
}

// A child process: requests until the deadline; writes its latencies (ms, as doubles) to `fd`.
int worker(const std::vector<Statements>& pool, const char* uri, double seconds, int fd) {
  PGconn* c = connect_pipelined(uri);
  if (!c) return 1;
  std::mt19937 rng(static_cast<unsigned>(getpid()));
  std::vector<double> lat;
  auto end = Clock::now() + std::chrono::duration<double>(seconds);
  for (auto now = Clock::now(); now < end;) {
    const Statements& st = pool[rng() % pool.size()];
    if (!run_once(c, st)) {
      std::fprintf(stderr, "sql_floor: request failed: %s", PQerrorMessage(c));
      return 1;
    }
    auto after = Clock::now();
    lat.push_back(std::chrono::duration<double, std::milli>(after - now).count());
    now = after;
  }
  PQfinish(c);
  size_t bytes = lat.size() * sizeof(double);
  const char* p = reinterpret_cast<const char*>(lat.data());
  while (bytes > 0) {
    ssize_t n = write(fd, p, bytes);
    if (n <= 0) return 1;
    p += n;
    bytes -= static_cast<size_t>(n);
  }
  return 0;
}

// --fcgi: pool[id - 1] holds the statements for id; one connection kept for the process's life.
int serve_fcgi(const std::vector<Statements>& pool, const char* uri) {
  PGconn* c = connect_pipelined(uri);
  if (!c) return 1;
  FCGX_Request request;
  FCGX_Init();
  FCGX_InitRequest(&request, 0, 0);
  std::string body, out;
  while (FCGX_Accept_r(&request) >= 0) {
    const char* query = FCGX_GetParam("QUERY_STRING", request.envp);
    const char* eq = query ? std::strstr(query, "id=eq.") : nullptr;
    long id = eq ? std::strtol(eq + 6, nullptr, 10) : 0;
    if (id >= 1 && static_cast<size_t>(id) <= pool.size() && run_once(c, pool[id - 1], &body)) {
      out = "Status: 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
    } else {
      out = "Status: 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n";
    }
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), request.out);
    FCGX_Detach(&request);  // close at once, as pgrest does when it read the whole body
    FCGX_Finish_r(&request);
  }
  PQfinish(c);
  return 0;
}

// cgi_floor's input: per statement "S <bytes>\n<text>\n", then per parameter "P <bytes>\n<value>\n"
// or "N\n" for NULL, then "E\n".
bool dump(const Statements& st, const char* file) {
  FILE* f = std::fopen(file, "wb");
  if (!f) return false;
  for (const Sql* s : {&st.settings, &st.main}) {
    std::fprintf(f, "S %zu\n%s\n", s->text.size(), s->text.c_str());
    for (const auto& p : s->params) {
      if (p) {
        std::fprintf(f, "P %zu\n", p->size());
        std::fwrite(p->data(), 1, p->size(), f);
        std::fputc('\n', f);
      } else {
        std::fputs("N\n", f);
      }
    }
  }
  std::fputs("E\n", f);
  return std::fclose(f) == 0;
}

}  // namespace

// -n: `count` requests from one connection, nothing measured on this side.
int run_count(const std::vector<Statements>& pool, const char* uri, long count) {
  PGconn* c = connect_pipelined(uri);
  if (!c) return 1;
  for (long i = 0; i < count; ++i) {
    if (!run_once(c, pool[static_cast<size_t>(i) % pool.size()])) {
      std::fprintf(stderr, "sql_floor: request failed: %s", PQerrorMessage(c));
      return 1;
    }
  }
  std::printf("%d\n", PQbackendPID(c));  // the backend's pid, for pg_cost.sh
  PQfinish(c);
  return 0;
}

int main(int argc, char** argv) {
  int procs = 4;
  double seconds = 5;
  long count = 0;
  const char* dump_file = nullptr;
  bool fcgi = false;
  std::string target;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-c" && i + 1 < argc) procs = std::atoi(argv[++i]);
    else if (a == "-d" && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (a == "-n" && i + 1 < argc) count = std::atol(argv[++i]);
    else if (a == "--dump" && i + 1 < argc) dump_file = argv[++i];
    else if (a == "--fcgi") fcgi = true;
    else target = a;
  }
  if (fcgi && target.empty() && std::getenv("BENCH_FCGI_TARGET")) target = std::getenv("BENCH_FCGI_TARGET");
  if (target.empty() || procs < 1) {
    std::fprintf(stderr, "usage: sql_floor [-c PROCS] [-d SECONDS | -n COUNT] [--dump FILE] TARGET\n");
    return 2;
  }
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  Context ctx = make_context(env, std::nullopt);
  if (ctx.startup_error) return std::fprintf(stderr, "%s\n", ctx.startup_error->message.c_str()), 2;

  // Built before the clock starts: the floor is the database side only.
  if (fcgi) {
    std::vector<Statements> by_id(10000);
    for (size_t i = 0; i < by_id.size(); ++i) {
      if (!build(replace_id(target, static_cast<int>(i + 1)), ctx, by_id[i])) return 2;
    }
    return serve_fcgi(by_id, ctx.config.db_uri.c_str());
  }
  std::vector<Statements> pool(target.find("{id}") == std::string::npos ? 1 : 1000);
  std::mt19937 rng(42);
  for (auto& st : pool) {
    if (!build(replace_id(target, 1 + static_cast<int>(rng() % 10000)), ctx, st)) return 2;
  }
  if (dump_file) return dump(pool[0], dump_file) ? 0 : 1;
  if (count > 0) return run_count(pool, ctx.config.db_uri.c_str(), count);

  std::vector<std::pair<pid_t, int>> kids;
  for (int i = 0; i < procs; ++i) {
    int fds[2];
    if (pipe(fds) != 0) return 1;
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      _exit(worker(pool, ctx.config.db_uri.c_str(), seconds, fds[1]));
    }
    close(fds[1]);
    kids.emplace_back(pid, fds[0]);
  }
  std::vector<double> lat;
  bool failed = false;
  for (auto [pid, fd] : kids) {
    std::string bytes;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) bytes.append(buf, static_cast<size_t>(n));
    close(fd);
    size_t old = lat.size();
    lat.resize(old + bytes.size() / sizeof(double));
    std::memcpy(lat.data() + old, bytes.data(), (lat.size() - old) * sizeof(double));
    int status = 0;
    waitpid(pid, &status, 0);
    failed = failed || !WIFEXITED(status) || WEXITSTATUS(status) != 0;
  }
  if (failed || lat.empty()) return 1;
  std::sort(lat.begin(), lat.end());
  std::printf("%.0f %.3f %.3f\n", static_cast<double>(lat.size()) / seconds, lat[lat.size() / 2],
              lat[lat.size() * 99 / 100]);
  return 0;
}
