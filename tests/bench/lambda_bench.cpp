// make bench, Lambda section: run inside tests/harness.sh (needs PGRST_* and PGREST_TEST_*).
//   init: exec → first invocation/next, for bootstrap (host libraries), the packaged bootstrap in an
//         empty chroot (its own loader and libraries), and a no-op runtime loop (host libraries);
//   per invocation: the local Runtime API's invoke round trip for bootstrap and the no-op loop on
//         GET /items?id=eq.N, and the database pipeline alone (same statements, same PgBouncer),
//         so overhead = bootstrap − no-op − database.
#include <curl/curl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <regex>
#include <string>
#include <vector>

#include "lambda_driver.hpp"
#include "lambda_event.hpp"
#include "pgrest/api_request.hpp"
#include "pgrest/handler.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/sql_builder.hpp"

using namespace lambdatest;
using Clock = std::chrono::steady_clock;

namespace {

std::string getenv_or(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::string event_for(int id) {
  return R"({"version":"2.0","rawPath":"/items","rawQueryString":"id=eq.)" + std::to_string(id) +
         R"(","headers":{"accept":"application/json"},"requestContext":{"http":{"method":"GET"},"stage":"$default"},"isBase64Encoded":false})";
}

// Milliseconds from exec to the first invocation/next (one sample), or -1.
double init_sample(RuntimeApi& api, const std::vector<std::string>& argv, const std::vector<std::string>& env,
                   const std::string& root = "", const std::string& cwd = "") {
  api.reset();
  auto t0 = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  Child c = Child::spawn(argv, env, false, root, cwd);
  long long first = -1;
  for (int w = 0; w < 20000 && first < 0; ++w) {
    first = json_int(api.stats().body, "first_next_ns");
    if (first < 0) usleep(200);
  }
  if (first < 0) std::fprintf(stderr, "lambda_bench: %s never called invocation/next\n", argv[0].c_str());
  return first < 0 ? -1 : static_cast<double>(first - t0) / 1e6;
}

struct Latency {
  double median_ms = 0, p99_ms = 0;
};

// Invocation round trips through each Runtime API (one runtime behind each), interleaved so that
// load from other processes hits every candidate alike.
std::vector<Latency> invoke_latency(const std::vector<RuntimeApi*>& apis, int n) {
  for (auto* api : apis) {
    for (int i = 0; i < 20; ++i) api->invoke(event_for(1 + i % 1000));  // warm: connection, caches
  }
  std::vector<std::vector<double>> samples(apis.size());
  for (int i = 0; i < n; ++i) {
    for (size_t k = 0; k < apis.size(); ++k) {
      auto t0 = Clock::now();
      Reply r = apis[k]->invoke(event_for(1 + (i * 7919) % 10000));
      samples[k].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (r.status != 200) {
        std::fprintf(stderr, "lambda_bench: invocation failed: %ld %s\n", r.status, r.body.c_str());
        return std::vector<Latency>(apis.size());
      }
    }
  }
  std::vector<Latency> out;
  for (auto& s : samples) out.push_back({median(s), percentile(s, 0.99)});
  return out;
}

// parse_event + render_response on the bench's event and a typical reply, in process.
double translate_us(int n) {
  pgrest::Response res;
  res.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Content-Range", "0-0/*"}};
  res.body = R"([{"id":42,"name":"item 42","price":4.2}])";
  auto t0 = Clock::now();
  size_t sink = 0;
  for (int i = 0; i < n; ++i) {
    auto ev = pgrest::lambda::parse_event(event_for(i));
    if (ev) sink += pgrest::lambda::render_response(res, *ev).size();
  }
  double us = std::chrono::duration<double, std::micro>(Clock::now() - t0).count() / n;
  return sink > 0 ? us : -1;
}

// The database part alone: the statements handle() sends for the same request, through
// pgrest::Database on the same PgBouncer, one pipeline each. `whole`: time handle() instead.
Latency database_latency(int n, bool whole = false) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  pgrest::Context ctx = pgrest::make_context(env, std::nullopt);
  if (ctx.startup_error) {
    std::fprintf(stderr, "lambda_bench: %s\n", ctx.startup_error->message.c_str());
    return {};
  }
  std::vector<double> samples;
  for (int i = -20; i < n; ++i) {
    pgrest::Request req;
    req.method = "GET";
    req.path = "/items";
    req.query = "id=eq." + std::to_string(1 + ((i + 20) * 7919) % 10000);
    req.headers = {{"accept", "application/json"}};
    if (whole) {
      auto t0 = Clock::now();
      pgrest::Response res = pgrest::handle(req, ctx);
      double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      if (res.status != 200) return {};
      if (i >= 0) samples.push_back(ms);
      continue;
    }
    auto auth = pgrest::authenticate(req, ctx.config, ctx.auth, static_cast<int64_t>(std::time(nullptr)));
    auto api = pgrest::parse_api_request(req, ctx.config);
    if (!auth || !api) return {};
    auto plan = pgrest::plan_read(*api, *ctx.snapshot, ctx.config);
    if (!plan) return {};
    pgrest::Sql settings = pgrest::build_settings(
        pgrest::request_settings(req, ctx.config, api->schema, auth->role, auth->claims_json, true));
    pgrest::Sql main = pgrest::build_read(*plan);
    auto t0 = Clock::now();
    auto db = ctx.db->run(settings, main, true, false);
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!db) return {};
    if (i >= 0) samples.push_back(ms);
  }
  return {median(samples), percentile(samples, 0.99)};
}

}  // namespace

int main() {
  setvbuf(stdout, nullptr, _IOLBF, 0);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const std::string build = PGREST_BUILD_ROOT;
  const int init_runs = std::atoi(getenv_or("BENCH_LAMBDA_INIT_RUNS", "30").c_str());
  const int n = std::atoi(getenv_or("BENCH_LAMBDA_INVOCATIONS", "500").c_str());
  RuntimeApi api;
  if (!api.start()) {
    std::fprintf(stderr, "lambda_bench: the local Runtime API did not start\n");
    return 1;
  }
  std::vector<std::string> env = environment_with({"AWS_LAMBDA_RUNTIME_API=" + api.address()});

  // The packaged bootstrap in an empty root, as the chroot test runs it.
  std::string root = getenv_or("PGREST_TEST_DIR", "/tmp") + "/bench-chroot";
  std::string zip = build + "/pgrest-lambda.zip";
  bool packaged = access(zip.c_str(), R_OK) == 0 &&
                  std::system(("rm -rf '" + root + "' && mkdir -p '" + root + "/var/task' '" + root +
                               "/tmp' && unzip -q '" + zip + "' -d '" + root + "/var/task' && cp '" +
                               getenv_or("PGRST_SNAPSHOT") + "' '" + root + "/var/task/pgrest.snapshot'")
                                  .c_str()) == 0;
  std::string uri = std::regex_replace(getenv_or("PGRST_DB_URI"), std::regex("host=\\S+"), "host=127.0.0.1");
  std::vector<std::string> chroot_env = {
      "AWS_LAMBDA_RUNTIME_API=" + api.address(), "LAMBDA_TASK_ROOT=/var/task", "PGRST_DB_URI=" + uri,
      "PGRST_DB_SCHEMAS=" + getenv_or("PGRST_DB_SCHEMAS"), "PGRST_DB_ANON_ROLE=" + getenv_or("PGRST_DB_ANON_ROLE"),
      "PGRST_JWT_SECRET=" + getenv_or("PGRST_JWT_SECRET")};

  // Rounds interleave the candidates so that drift on a shared machine hits them alike.
  std::printf("init: exec -> first invocation/next (median of %d, interleaved)\n", init_runs);
  std::vector<double> noop_s, boot_s, pkg_s;
  for (int i = 0; i < init_runs; ++i) {
    noop_s.push_back(init_sample(api, {build + "/noop_runtime"}, env));
    boot_s.push_back(init_sample(api, {build + "/bootstrap"}, env));
    if (packaged) pkg_s.push_back(init_sample(api, {"/var/task/bootstrap"}, chroot_env, root, "/var/task"));
  }
  double noop_init = median(noop_s), boot_init = median(boot_s);
  std::printf("  no-op runtime loop (libcurl, host libraries)        %7.2f ms\n", noop_init);
  std::printf("  bootstrap (host libraries)                          %7.2f ms  (%.2fx the no-op loop)\n",
              boot_init, boot_init / noop_init);
  if (packaged) {
    double pkg_init = median(pkg_s);
    std::printf("  bootstrap from the zip, in an empty chroot          %7.2f ms  (%.2fx the no-op loop)\n",
                pkg_init, pkg_init / noop_init);
  } else {
    std::printf("  (no %s: make lambda-package for the packaged figure)\n", zip.c_str());
  }

  std::printf("per invocation: GET /items?id=eq.N, %d sequential invocations through the local Runtime API\n", n);
  RuntimeApi api_noop, api_boot, api_pkg;
  if (!api_noop.start() || !api_boot.start() || !api_pkg.start()) return 1;
  Child noop_c = Child::spawn({build + "/noop_runtime"}, environment_with({"AWS_LAMBDA_RUNTIME_API=" + api_noop.address()}));
  Child boot_c = Child::spawn({build + "/bootstrap"}, environment_with({"AWS_LAMBDA_RUNTIME_API=" + api_boot.address()}));
  std::vector<RuntimeApi*> apis = {&api_noop, &api_boot};
  Child pkg_c;
  if (packaged) {
    std::vector<std::string> e = chroot_env;
    e[0] = "AWS_LAMBDA_RUNTIME_API=" + api_pkg.address();
    pkg_c = Child::spawn({"/var/task/bootstrap"}, e, false, root, "/var/task");
    apis.push_back(&api_pkg);
  }
  std::vector<Latency> lat = invoke_latency(apis, n);
  Latency noop = lat[0], boot = lat[1], pkg = packaged ? lat[2] : Latency{}, db;
  db = database_latency(n);
  Latency core = database_latency(n, true);
  std::printf("  no-op runtime loop                                  p50 %6.3f ms  p99 %6.3f ms\n", noop.median_ms, noop.p99_ms);
  std::printf("  bootstrap (host libraries)                          p50 %6.3f ms  p99 %6.3f ms  (%.2fx the no-op loop)\n",
              boot.median_ms, boot.p99_ms, boot.median_ms / noop.median_ms);
  if (packaged) {
    std::printf("  bootstrap from the zip, in an empty chroot          p50 %6.3f ms  p99 %6.3f ms\n",
                pkg.median_ms, pkg.p99_ms);
  }
  std::printf("  database pipeline alone (same statements)           p50 %6.3f ms  p99 %6.3f ms\n", db.median_ms, db.p99_ms);
  std::printf("  handle() in-process, database included              p50 %6.3f ms  p99 %6.3f ms\n", core.median_ms, core.p99_ms);
  double tr = translate_us(20000);
  std::printf("  event translation in-process (parse + render)       %6.1f us\n", tr);
  std::printf("  pgrest's own work per invocation beyond the database: %.3f ms (handle() - database + translation);\n"
              "  the runtime round trip costs %.3f ms more than the no-op loop's (%.2fx)\n",
              core.median_ms - db.median_ms + tr / 1000, boot.median_ms - noop.median_ms,
              boot.median_ms / noop.median_ms);
  std::system(("rm -rf '" + root + "'").c_str());
  return 0;
}
