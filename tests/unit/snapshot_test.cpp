#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "pgrest/snapshot.hpp"

using namespace pgrest;

namespace {
const char* kDoc = R"({
  "format": 1, "pg_version": 150000, "schemas": ["api"], "missing_schemas": [],
  "tables": [
    {"schema": "api", "name": "items", "kind": "r", "insertable": true, "updatable": true,
     "deletable": true, "pk": ["id"],
     "columns": [{"name": "id", "type": "integer", "nullable": false},
                 {"name": "meta", "type": "jsonb", "is_json": true},
                 {"name": "mood", "type": "text", "nominal_type": "api.mood", "enum": ["ok", "sad"]}]},
    {"schema": "api", "name": "users", "kind": "v", "pk": [], "columns": [{"name": "id", "type": "integer"}]},
    {"schema": "other", "name": "items", "kind": "r", "pk": [], "columns": []}
  ],
  "fks": [{"name": "items_user_fk", "schema": "api", "table": "items", "columns": ["user_id"],
           "ref_schema": "api", "ref_table": "users", "ref_columns": ["id"], "one_to_one": false}],
  "functions": [{"schema": "api", "name": "add", "args": []}, {"schema": "api", "name": "add", "args": [{"name": "a"}]}],
  "authenticator": {"name": "auth", "superuser": false}
})";

struct TempFile {
  std::string path = "/tmp/pgrest_unit_" + std::to_string(getpid()) + ".snapshot";
  ~TempFile() { std::remove(path.c_str()); }
};

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot)

BOOST_AUTO_TEST_CASE(round_trip) {
  TempFile f;
  BOOST_REQUIRE(write_snapshot(f.path, kDoc).ok());
  auto s = Snapshot::open(f.path);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->meta().schemas.front() == "api");
  BOOST_TEST(s->meta().authenticator == "auth");
  BOOST_TEST(s->meta().fingerprint.size() == 64u);
  auto t = s->table("api", "items");
  BOOST_REQUIRE(t.ok());
  BOOST_REQUIRE(t->has_value());
  const Table& items = **t;
  BOOST_TEST(items.pk.front() == "id");
  BOOST_TEST(items.columns.size() == 3u);
  BOOST_TEST(items.column("meta")->is_json);
  BOOST_TEST(items.column("mood")->enum_values.size() == 2u);
  BOOST_TEST(!items.column("id")->nullable);
  BOOST_REQUIRE(items.fks.size() == 1u);
  BOOST_TEST(items.fks[0].ref_table == "users");
  auto users = s->table("api", "users");
  BOOST_TEST((*users)->fks.size() == 1u);  // incoming FKs are stored with the target too
  BOOST_TEST(!s->table("api", "nope")->has_value());
  BOOST_TEST(!s->table("api", "item")->has_value());
  BOOST_TEST(s->table_names("api").size() == 2u);
  BOOST_TEST(s->functions("api", "add").has_value());
  BOOST_TEST(!s->functions("api", "sub").has_value());
}

// A worker parses a table once and hands out copies: what one request's planner writes into its
// copy (computed fields, embed references) must not reach the next request.
BOOST_AUTO_TEST_CASE(cached_tables_are_copies) {
  TempFile f;
  BOOST_REQUIRE(write_snapshot(f.path, kDoc).ok());
  auto s = Snapshot::open(f.path);
  BOOST_REQUIRE(s.ok());
  auto first = s->table("api", "items");
  BOOST_REQUIRE(first.ok() && first->has_value());
  Table mine = **first;
  mine.computed.push_back("full_name");
  mine.embed_refs.emplace_back("users", "x");
  mine.columns.clear();
  auto second = s->table("api", "items");
  BOOST_REQUIRE(second.ok() && second->has_value());
  BOOST_TEST((*second)->computed.empty());
  BOOST_TEST((*second)->embed_refs.empty());
  BOOST_TEST((*second)->columns.size() == 3u);
  BOOST_TEST((*second)->fks.size() == 1u);
  // Unknown names are not cached (nothing for made-up names to fill) and stay unknown.
  for (int i = 0; i < 3; ++i) BOOST_TEST(!s->table("api", "nope")->has_value());
  // A moved snapshot keeps serving the same tables.
  Snapshot moved = std::move(*s);
  BOOST_TEST((*moved.table("api", "items"))->columns.size() == 3u);
}

// The parsed tables a worker keeps are bounded: trim_cache forgets them past the limit, and the
// tables are parsed again on demand.
BOOST_AUTO_TEST_CASE(table_cache_is_trimmed_past_its_limit) {
  TempFile f;
  BOOST_REQUIRE(write_snapshot(f.path, kDoc).ok());
  auto s = Snapshot::open(f.path);
  BOOST_REQUIRE(s.ok());
  BOOST_TEST(s->cached_tables() == 0u);
  BOOST_REQUIRE(s->table("api", "items")->has_value());
  BOOST_REQUIRE(*s->table_ref("api", "users") != nullptr);
  BOOST_TEST(s->cached_tables() == 2u);
  s->trim_cache(2);
  BOOST_TEST(s->cached_tables() == 2u);
  s->trim_cache(1);
  BOOST_TEST(s->cached_tables() == 0u);
  BOOST_TEST((*s->table_ref("api", "items"))->columns.size() == 3u);
  BOOST_TEST(s->cached_tables() == 1u);
}

BOOST_AUTO_TEST_CASE(bad_files_are_errors_not_crashes) {
  TempFile f;
  BOOST_REQUIRE(write_snapshot(f.path, kDoc).ok());
  std::string good = slurp(f.path);
  for (size_t cut : {size_t{0}, size_t{10}, good.size() / 2, good.size() - 1}) {
    std::ofstream(f.path, std::ios::binary) << good.substr(0, cut);
    auto s = Snapshot::open(f.path);
    BOOST_TEST(!s.ok());
    if (!s.ok()) BOOST_TEST(s.error().code == "PGRST002");
  }
  // Corrupt every byte of the index region in turn: lookups must fail cleanly, never crash.
  for (size_t i = 48; i < std::min<size_t>(good.size(), 48 + 5 * 32); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(0xff);
    std::ofstream(f.path, std::ios::binary) << bad;
    auto s = Snapshot::open(f.path);
    if (s.ok()) {
      (void)s->table("api", "items");
      (void)s->table_names("api");
    }
  }
  BOOST_TEST(!Snapshot::open("/nonexistent/file").ok());
}

BOOST_AUTO_TEST_CASE(closest_name_only_for_plausible_typos) {
  BOOST_TEST(closest_name("itemz", {"items", "users"}).value_or("") == "items");
  BOOST_TEST(!closest_name("zzzzzzzzzz", {"items", "users"}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
