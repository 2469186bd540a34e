// Snapshot load cost, the part of every CGI request that grows with the schema: open + one table
// lookup for schemas of 100, 1,000 and 5,000 tables (10 columns, one FK each, and functions), next
// to a full cJSON parse of the same introspection document (the naive design).
#include <cjson/cJSON.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "pgrest/snapshot.hpp"

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
  double base = 0;
  std::printf("%-38s %10s %12s %14s %8s\n", "snapshot (tables)", "file KiB", "open+lookup",
              "cJSON parse", "ratio");
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
    double naive = median_us(20, [&] { cJSON_Delete(cJSON_Parse(doc.c_str())); });
    if (n == 100) base = load;
    std::printf("snapshot load, %5d tables              %10ld %9.1f us %11.1f us %7.2fx\n", n,
                size / 1024, load, naive, load / base);
  }
  std::printf("goal: open+lookup <= 2000 us and flat in the schema size (ratio vs 100 tables ~1)\n");
  std::remove(path.c_str());
  return 0;
}
