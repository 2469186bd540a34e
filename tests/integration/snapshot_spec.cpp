// `pgrest snapshot` and the request path's handling of missing, corrupt and stale snapshots.
#include <fstream>
#include <sstream>

#include "spec_util.hpp"

using namespace pgtest;

namespace {
std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}
void write_file(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary);
  f << data;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot_files)

BOOST_AUTO_TEST_CASE(missing_snapshot_is_503_naming_the_file) {
  auto r = cgi("GET", "/items", {"PGRST_SNAPSHOT=/nonexistent/pgrest.snapshot"});
  CHECK_ERROR(r, 503, "PGRST002");
  BOOST_TEST(r.body.find("/nonexistent/pgrest.snapshot") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(corrupt_and_truncated_snapshots_are_503) {
  std::string dir = env("PGREST_TEST_DIR");
  std::string good = read_file(env("PGRST_SNAPSHOT"));
  BOOST_REQUIRE(good.size() > 100);
  write_file(dir + "/garbage.snapshot", std::string(4096, 'x'));
  write_file(dir + "/truncated.snapshot", good.substr(0, good.size() / 2));
  std::string flipped = good;
  flipped[8] = static_cast<char>(99);  // the format version field
  write_file(dir + "/version.snapshot", flipped);
  for (const char* name : {"garbage", "truncated", "version"}) {
    auto r = cgi("GET", "/items", {"PGRST_SNAPSHOT=" + dir + "/" + name + ".snapshot"});
    CHECK_ERROR(r, 503, "PGRST002");
    BOOST_TEST_INFO(name);
    BOOST_TEST(r.body.find("pgrest snapshot") != std::string::npos, r.body);
  }
  auto v = cgi("GET", "/items", {"PGRST_SNAPSHOT=" + dir + "/version.snapshot"});
  BOOST_TEST(v.body.find("format 99") != std::string::npos, v.body);
}

BOOST_AUTO_TEST_CASE(check_detects_a_stale_snapshot) {
  std::string out;
  std::string snap = env("PGRST_SNAPSHOT");
  BOOST_TEST(run({env("PGREST_BIN"), "snapshot", "--check"}, {}, out) == 0, out);
  sql_exec("create table test.added_later (id int)");
  int rc = run({env("PGREST_BIN"), "snapshot", "--check"}, {}, out);
  sql_exec("drop table test.added_later");
  BOOST_TEST(rc == 1, out);
  BOOST_TEST(out.find("stale") != std::string::npos, out);
  BOOST_TEST(out.find("tables added: test.added_later") != std::string::npos, out);
  BOOST_TEST(run({env("PGREST_BIN"), "snapshot", "--check"}, {}, out) == 0, out);
}

BOOST_AUTO_TEST_CASE(a_fresh_snapshot_serves_a_new_table) {
  std::string dir = env("PGREST_TEST_DIR");
  std::string out;
  sql_exec("create table test.fresh (id int); grant select on test.fresh to web_anon;");
  BOOST_TEST(run({env("PGREST_BIN"), "snapshot", "-o", dir + "/fresh.snapshot"}, {}, out) == 0, out);
  auto r = cgi("GET", "/fresh", {"PGRST_SNAPSHOT=" + dir + "/fresh.snapshot"});
  sql_exec("drop table test.fresh");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(r.body == "[]");
}

// In-database configuration, as PostgREST reads it: the authenticator's pgrst.* settings and what
// db-pre-config sets, recorded by `pgrest snapshot`, override the file and the environment.
BOOST_AUTO_TEST_CASE(in_database_configuration) {
  struct Cleanup {
    ~Cleanup() {
      sql_exec("alter role authenticator reset pgrst.db_max_rows; "
               "alter role authenticator reset pgrst.server_trace_header; "
               "alter role authenticator reset pgrst.not_a_setting; "
               "alter role authenticator reset pgrst.db_schemas; "
               "alter role authenticator reset pgrst.jwt_secret; "
               "drop function if exists public.pre_config()");
    }
  } cleanup;
  const std::string dir = env("PGREST_TEST_DIR"), snap = dir + "/dbconfig.snapshot";
  std::string out;
  auto take = [&](const std::vector<std::string>& extra, const std::string& path) {
    return run({env("PGREST_BIN"), "snapshot", "-o", path}, extra, out);
  };
  auto ids = [&](std::vector<std::string> extra, const Headers& headers = {}) {
    extra.push_back("PGRST_SNAPSHOT=" + snap);
    return cgi("GET", "/items?select=id&order=id", extra, headers);
  };
  sql_exec("alter role authenticator set pgrst.db_max_rows = '1'; "
           "alter role authenticator set pgrst.server_trace_header = 'X-Db-Trace'; "
           "alter role authenticator set pgrst.not_a_setting = 'ignored'; "
           "alter role authenticator set pgrst.jwt_secret = 'secret-in-the-database-0123456789abcdef'");
  BOOST_TEST(take({"PGRST_DB_MAX_ROWS=3"}, snap) == 0, out);
  // The snapshot file travels to every host: the secret is left out, and the command says so.
  BOOST_TEST(out.find("pgrst.jwt_secret is not recorded") != std::string::npos, out);
  BOOST_TEST(read_file(snap).find("secret-in-the-database") == std::string::npos);
  auto one = ids({"PGRST_DB_MAX_ROWS=3"}, {{"X-Db-Trace", "t1"}});
  BOOST_TEST(json_norm(one.body) == R"([{"id":1}])", one.body);  // the database wins
  BOOST_TEST(one.header("x-db-trace").value_or("") == "t1");
  auto off = ids({"PGRST_DB_CONFIG=false"});
  BOOST_TEST(json_norm(off.body).rfind(R"([{"id":1},{"id":2})", 0) == 0, off.body);
  // db-pre-config: what the function sets wins over the role's settings.
  sql_exec("create function public.pre_config() returns void language sql as "
           "$$ select set_config('pgrst.db_max_rows', '2', true) $$");
  BOOST_TEST(take({"PGRST_DB_PRE_CONFIG=public.pre_config"}, snap) == 0, out);
  BOOST_TEST(json_norm(ids({}).body) == R"([{"id":1},{"id":2}])");
  // A bad value stops the snapshot, naming the setting.
  sql_exec("alter role authenticator set pgrst.db_max_rows = 'many'");
  BOOST_TEST(take({}, dir + "/bad.snapshot") != 0, out);
  BOOST_TEST(out.find("pgrst.db_max_rows") != std::string::npos, out);
  // pgrst.db_schemas decides what the snapshot exposes.
  sql_exec("alter role authenticator reset pgrst.db_max_rows; "
           "alter role authenticator set pgrst.db_schemas = 'private'");
  BOOST_TEST(take({}, snap) == 0, out);
  auto hidden = cgi("GET", "/hidden", {"PGRST_SNAPSHOT=" + snap});
  BOOST_TEST(hidden.status == 200, hidden.body);
  CHECK_ERROR(ids({}), 404, "PGRST205");
}

BOOST_AUTO_TEST_SUITE_END()
