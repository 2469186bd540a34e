// FastCGI workers pick up a snapshot replaced by `pgrest snapshot` (atomic rename) within a second,
// without a restart; a broken replacement leaves the previous snapshot serving and is logged.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "spec_util.hpp"

using namespace pgtest;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Replaces `path` the way write_snapshot does: a temporary file renamed over it.
void replace_file(const std::string& path, const std::string& data) {
  std::string tmp = path + ".spec-tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f << data;
  }
  BOOST_REQUIRE(std::rename(tmp.c_str(), path.c_str()) == 0);
}

void snapshot_now() {
  std::string out;
  BOOST_REQUIRE_MESSAGE(run({env("PGREST_BIN"), "snapshot"}, {}, out) == 0, out);
}

// Past the workers' once-per-second check.
void let_workers_look() { std::this_thread::sleep_for(std::chrono::milliseconds(1200)); }

// Enough requests that both FastCGI workers (PGREST_FCGI_PROCS=2) answer some.
int count_status(const std::string& target, int status, int n = 8) {
  int hits = 0;
  for (int i = 0; i < n; ++i) hits += get("fastcgi", target).status == status ? 1 : 0;
  return hits;
}

// Leaves the database and the live snapshot as the other specs expect them: runs `undo`, takes
// the snapshot again and lets the workers see it (no BOOST_REQUIRE: it runs in a destructor).
struct Restore {
  std::string undo;
  ~Restore() {
    sql_exec(undo);
    std::string out;
    if (run({env("PGREST_BIN"), "snapshot"}, {}, out) != 0) BOOST_ERROR(out);
    let_workers_look();
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(snapshot_reload)

BOOST_AUTO_TEST_CASE(fastcgi_workers_pick_up_a_new_snapshot_without_a_restart) {
  Restore restore{"drop table if exists test.reload_probe"};
  BOOST_TEST(count_status("/reload_probe", 404) == 8);
  sql_exec("create table test.reload_probe (id int); insert into test.reload_probe values (42);"
           "grant select on test.reload_probe to web_anon;");
  // The database changed but the workers still serve the old snapshot.
  BOOST_TEST(count_status("/reload_probe", 404) == 8);
  snapshot_now();
  let_workers_look();
  for (int i = 0; i < 8; ++i) {
    auto r = get("fastcgi", "/reload_probe");
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(r.body == R"([{"id":42}])");
  }
  // And back: the table is gone from the next snapshot.
  sql_exec("drop table test.reload_probe");
  snapshot_now();
  let_workers_look();
  auto gone = get("fastcgi", "/reload_probe");
  CHECK_ERROR(gone, 404, "PGRST205");
  BOOST_TEST(count_status("/reload_probe", 404) == 8);
}

// In-database configuration arrives with the snapshot: a worker applies it on reload, and goes back
// to the file/environment configuration when a later snapshot records none.
BOOST_AUTO_TEST_CASE(workers_apply_the_in_database_configuration_of_a_new_snapshot) {
  Restore restore{"alter role authenticator reset pgrst.db_max_rows"};
  auto count = [] { return pgtest::json_norm(get("fastcgi", "/items?select=id").body); };
  const std::string all = count();
  BOOST_TEST(all.rfind(R"([{"id":1},{"id":2})", 0) == 0, all);
  sql_exec("alter role authenticator set pgrst.db_max_rows = '1'");
  snapshot_now();
  let_workers_look();
  for (int i = 0; i < 8; ++i) BOOST_TEST(count() == R"([{"id":1}])");
  sql_exec("alter role authenticator reset pgrst.db_max_rows");
  snapshot_now();
  let_workers_look();
  for (int i = 0; i < 8; ++i) BOOST_TEST(count() == all);
}

// A reloaded snapshot's authenticator is judged as at start-up: one that became BYPASSRLS makes the
// workers refuse (503 PGRSTX01), and the next snapshot of a safe one lifts the refusal.
BOOST_AUTO_TEST_CASE(a_reload_judges_the_authenticator_again) {
  Restore restore{"alter role authenticator nobypassrls"};
  sql_exec("alter role authenticator bypassrls");
  std::string out;
  BOOST_TEST(run({env("PGREST_BIN"), "snapshot"}, {}, out) != 0, out);  // written, and warned about
  BOOST_TEST(out.find("UNSAFE") != std::string::npos, out);
  let_workers_look();
  BOOST_TEST(count_status("/items?select=id&id=eq.1", 503) == 8);
  CHECK_ERROR(get("fastcgi", "/items?select=id&id=eq.1"), 503, "PGRSTX01");
  sql_exec("alter role authenticator nobypassrls");
  snapshot_now();
  let_workers_look();
  BOOST_TEST(count_status("/items?select=id&id=eq.1", 200) == 8);
}

BOOST_AUTO_TEST_CASE(a_broken_replacement_keeps_the_previous_snapshot_serving) {
  std::string path = env("PGRST_SNAPSHOT");
  std::string good = read_file(path);
  BOOST_REQUIRE(good.size() > 100);
  BOOST_TEST(count_status("/items?select=id&id=eq.1", 200) == 8);
  replace_file(path, std::string(4096, 'x'));
  let_workers_look();
  int ok = count_status("/items?select=id&id=eq.1", 200);
  // A new process (CGI) sees the broken file.
  auto cgi_r = cgi("GET", "/items?select=id&id=eq.1");
  replace_file(path, good);
  BOOST_TEST(ok == 8);
  CHECK_ERROR(cgi_r, 503, "PGRST002");
  // The workers' stderr: lighttpd's error log, or its own stderr when it runs in the foreground.
  std::string log = read_file(env("PGREST_TEST_DIR") + "/lighttpd.error.log") +
                    read_file(env("PGREST_TEST_DIR") + "/lighttpd.out");
  BOOST_TEST(log.find("snapshot not reloaded (the previous one stays in use)") != std::string::npos, log);
  let_workers_look();
  BOOST_TEST(count_status("/items?select=id&id=eq.1", 200) == 8);
}

BOOST_AUTO_TEST_SUITE_END()
