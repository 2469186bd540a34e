// Snapshot load cost, the part of every CGI request that grows with the schema: open + one table
// lookup for schemas of 100, 1,000 and 5,000 tables (10 columns, one FK each, and functions), next
// to a full cJSON parse of the same introspection document (the naive design), and the whole
// in-process cost of one request touching one table (open, parse, plan, SQL; no database).
#include <cjson/cJSON.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pgrest/api_request.hpp"
#include "pgrest/config.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql_builder.hpp"

using namespace pgrest;
using Clock = std::chrono::steady_clock;

namespace {

std::string make_doc(int tables) {
  std::string d = R"({"format":1,"pg_version":150000,"schemas":["bench"],"missing_schemas":[],"tables":[)";
  for (int t = 0; t < tables; ++t) {
    if (t) d += ',';
    d += R"({"schema":"bench","name":"table_)" + std::to_string(t) +
         R"(","kind":"r","insertable":true,"updatable":true,"deletable":true,"pk":["id"],"columns":[)";
    for (int c = 0; c < 10; ++c) {
      if (c) d += ',';
      d += R"({"name":"column_)" + std::to_string(c) +
           R"(","position":)" + std::to_string(c + 1) +
           R"(,"type":"integer","nominal_type":"integer","nullable":true,"default":null,"enum":null,"is_json":false,"is_array":false,"comment":null})";
    }
    d += "]}";
  }
  d += R"(],"fks":[)";
  for (int t = 1; t < tables; ++t) {
    if (t > 1) d += ',';
    d += R"({"name":"fk_)" + std::to_string(t) + R"(","schema":"bench","table":"table_)" +
         std::to_string(t) + R"(","columns":["column_1"],"ref_schema":"bench","ref_table":"table_)" +
         std::to_string(t - 1) + R"(","ref_columns":["id"],"one_to_one":false})";
  }
  d += R"(],"functions":[)";
  for (int f = 0; f < tables / 2; ++f) {
    if (f) d += ',';
    d += R"({"schema":"bench","name":"fn_)" + std::to_string(f) +
         R"(","args":[{"name":"a","type":"integer","has_default":false,"variadic":false}],"return_type":"int4","setof":false,"volatility":"s"})";
  }
  d += R"(],"authenticator":{"name":"authenticator","superuser":false,"bypassrls":false}})";
  return d;
}

template <typename F>
double median_us(int runs, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < runs; ++i) {
    auto s = Clock::now();
    f();
    t.push_back(std::chrono::duration<double, std::micro>(Clock::now() - s).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

int main() {
  std::string path = "/tmp/pgrest_bench_" + std::to_string(getpid()) + ".snapshot";
  auto config = load_config({"PGRST_DB_SCHEMAS=bench", "PGRST_DB_ANON_ROLE=web_anon"}, std::nullopt);
  if (!config) return 1;
  double base = 0, base_req = 0;
  std::printf("%-30s %9s %12s %13s %6s %16s %6s\n", "snapshot (tables)", "file KiB", "open+lookup",
              "cJSON parse", "ratio", "open+request", "ratio");
  for (int n : {100, 1000, 5000}) {
    std::string doc = make_doc(n);
    if (!write_snapshot(path, doc).ok()) return 1;
    FILE* f = std::fopen(path.c_str(), "rb");
    std::fseek(f, 0, SEEK_END);
    long size = std::ftell(f);
    std::fclose(f);
    std::string want = "table_" + std::to_string(n / 2);
    double load = median_us(200, [&] {
      auto s = Snapshot::open(path);
      auto t = s->table("bench", want);
      if (!t.ok() || !t->has_value()) std::abort();
    });
    // A request with an embed: the table, its columns and its relationships are looked up.
    Request req;
    req.method = "GET";
    req.path = "/" + want;
    req.query = "select=column_0,column_2,table_" + std::to_string(n / 2 - 1) + "(*)&column_1=eq.7";
    double request = median_us(200, [&] {
      auto s = Snapshot::open(path);
      auto api = parse_api_request(req, *config);
      if (!api) std::abort();
      auto plan = plan_read(*api, *s, *config);
      if (!plan) std::fprintf(stderr, "%s\n", plan.error().message.c_str()), std::abort();
      Sql sql = build_read(*plan);
      if (sql.text.empty()) std::abort();
    });
    double naive = median_us(20, [&] { cJSON_Delete(cJSON_Parse(doc.c_str())); });
    if (n == 100) base = load, base_req = request;
    std::printf("snapshot, %5d tables        %9ld %9.1f us %10.1f us %5.2fx %13.1f us %5.2fx\n", n,
                size / 1024, load, naive, load / base, request, request / base_req);
  }
  std::printf("goal: open+lookup <= 2000 us, flat in the schema size (ratio to 100 tables ~1);\n"
              "open+request: open, parse, plan and SQL of GET /table_N?select=...,embed(*)&...\n");
  std::remove(path.c_str());
  return 0;
}
