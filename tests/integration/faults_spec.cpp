// Faults with real processes: PostgreSQL and PgBouncer stopped, killed and restarted by the
// harness ($PGREST_TEST_CTL) while pgrest serves; a statement cancelled by statement_timeout; a
// snapshot that no longer matches the database. Run by tests/run_all.sh in its own stack (the
// suite is disabled in the main run because it stops the servers).
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "hostile_util.hpp"
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

void ctl(const std::string& action) {
  std::string out;
  int rc = run({env("PGREST_TEST_CTL"), action}, {}, out);
  BOOST_REQUIRE_MESSAGE(rc == 0, "ctl " << action << " failed: " << out);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A 503 as PostgREST words connection trouble: JSON error, Retry-After.
void check_unavailable(const HttpResponse& r) {
  BOOST_TEST(r.status == 503, r.body);
  BOOST_TEST(is_pgrst_error(r), r.body);
  BOOST_TEST(r.has_header("retry-after"));
}

const std::string kOne = R"([{"id":1}])";

}  // namespace

BOOST_AUTO_TEST_SUITE(faults, *boost::unit_test::disabled())

BOOST_DATA_TEST_CASE(postgres_down_is_503_in_bounded_time_then_recovers, bdata::make(kFrontends), fe) {
  BOOST_TEST(get(fe, "/items?id=eq.1&select=id").body == kOne);  // a warm worker connection
  ctl("pg-kill");
  auto t0 = std::chrono::steady_clock::now();
  auto down = get(fe, "/items?id=eq.1&select=id");
  double took = seconds_since(t0);
  check_unavailable(down);
  // PgBouncer's query_wait_timeout (5 s in the harness) bounds the wait; no hang.
  BOOST_TEST(took < 9.0, took << " s");
  BOOST_TEST_MESSAGE(fe << ": PostgreSQL down answered " << down.status << " in " << took << " s: " << down.body);
  ctl("pg-start");
  // Back up: the very next request succeeds, pgrest was not restarted.
  auto up = get(fe, "/items?id=eq.1&select=id");
  BOOST_TEST(up.status == 200, up.body);
  BOOST_TEST(up.body == kOne);
}

BOOST_DATA_TEST_CASE(pgbouncer_down_is_503_at_once_then_recovers, bdata::make(kFrontends), fe) {
  BOOST_TEST(get(fe, "/items?id=eq.1&select=id").body == kOne);
  ctl("bouncer-stop");
  auto t0 = std::chrono::steady_clock::now();
  auto down = get(fe, "/items?id=eq.1&select=id");
  double took = seconds_since(t0);
  check_unavailable(down);
  BOOST_TEST(json_norm(down.body).find(R"("code":"PGRST)") != std::string::npos, down.body);
  BOOST_TEST(took < 3.0, took << " s");
  ctl("bouncer-start");
  auto up = get(fe, "/items?id=eq.1&select=id");
  BOOST_TEST(up.status == 200, up.body);
}

BOOST_AUTO_TEST_CASE(pgbouncer_restarted_between_requests_is_transparent) {
  // Every FastCGI worker holds a connection to the old PgBouncer: all of them must reconnect.
  for (int i = 0; i < 6; ++i) BOOST_TEST(get("fastcgi", "/items?id=eq.1&select=id").body == kOne);
  ctl("bouncer-restart");
  for (int i = 0; i < 6; ++i) {
    auto r = get("fastcgi", "/items?id=eq.1&select=id");
    BOOST_TEST(r.status == 200, r.body);
    BOOST_TEST(r.body == kOne);
  }
}

BOOST_AUTO_TEST_CASE(pgbouncer_restarted_during_a_read) {
  // A read blocked on a lock is in flight when PgBouncer goes away: it may have run, so it is not
  // silently lost; the one retry finds PgBouncer still down and the answer is a 503. The worker
  // serves the next request once PgBouncer is back.
  for (int i = 0; i < 4; ++i) BOOST_TEST(get("fastcgi", "/items?id=eq.1&select=id").body == kOne);
  PGconn* locker = PQconnectdb(env("PGREST_TEST_DB").c_str());
  BOOST_REQUIRE(PQstatus(locker) == CONNECTION_OK);
  PQclear(PQexec(locker, "begin; lock table test.items in access exclusive mode"));
  auto pending = std::async(std::launch::async, [] {
    auto t0 = std::chrono::steady_clock::now();
    auto r = get("fastcgi", "/items?id=eq.1&select=id");
    return std::make_pair(r, seconds_since(t0));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  ctl("bouncer-restart");
  PQclear(PQexec(locker, "commit"));
  PQfinish(locker);
  auto [r, took] = pending.get();
  check_unavailable(r);
  BOOST_TEST(took < 10.0);
  for (int i = 0; i < 4; ++i) BOOST_TEST(get("fastcgi", "/items?id=eq.1&select=id").body == kOne);
}

BOOST_AUTO_TEST_CASE(statement_timeout_cancels_and_the_worker_stays_usable) {
  // The timeout is the database's (statement_timeout of the authenticator, as PostgREST advises);
  // a lock held by another session makes the read wait past it.
  sql_exec("alter role authenticator set statement_timeout = '1s'");
  ctl("bouncer-restart");  // new server connections pick the setting up
  PGconn* locker = PQconnectdb(env("PGREST_TEST_DB").c_str());
  BOOST_REQUIRE(PQstatus(locker) == CONNECTION_OK);
  PQclear(PQexec(locker, "begin; lock table test.items in access exclusive mode"));
  for (const char* fe : kFrontends) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = get(fe, "/items?id=eq.1&select=id");
    double took = seconds_since(t0);
    // PostgREST's mapping: 57014 query_canceled → 500.
    CHECK_ERROR(r, 500, "57014");
    BOOST_TEST(json_norm(r.body).find("canceling statement due to statement timeout") != std::string::npos, r.body);
    BOOST_TEST((took > 0.9 && took < 4.0), took << " s");
  }
  PQclear(PQexec(locker, "commit"));
  PQfinish(locker);
  sql_exec("alter role authenticator reset statement_timeout");
  for (int i = 0; i < 4; ++i) BOOST_TEST(get("fastcgi", "/items?id=eq.1&select=id").body == kOne);
  ctl("bouncer-restart");
}

BOOST_AUTO_TEST_CASE(a_stale_snapshot_is_named_in_the_hint) {
  sql_exec("alter table test.cheap_items rename to cheap_items_renamed");
  auto r = get("fastcgi", "/cheap_items");
  sql_exec("alter table test.cheap_items_renamed rename to cheap_items");
  CHECK_ERROR(r, 404, "42P01");
  BOOST_TEST(json_norm(r.body).find("pgrest snapshot --check") != std::string::npos, r.body);
  // FastCGI workers write to lighttpd's stderr (lighttpd.out in the harness).
  std::stringstream ss;
  for (const char* name : {"/lighttpd.out", "/lighttpd.error.log"}) {
    std::ifstream f(env("PGREST_TEST_DIR") + name);
    ss << f.rdbuf();
  }
  BOOST_TEST(ss.str().find("pgrest: the snapshot may be stale: relation \"test.cheap_items\" does not exist") !=
             std::string::npos);
  BOOST_TEST(get("fastcgi", "/cheap_items?select=id&id=eq.2").body == R"([{"id":2}])");
}

BOOST_AUTO_TEST_SUITE_END()
