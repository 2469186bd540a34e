// Security rules that need a database: the superuser/BYPASSRLS rule (checked by `pgrest snapshot`,
// recorded in the snapshot, enforced on every request), the request body limit, NUL bytes.
#include <fstream>

#include "hostile_util.hpp"
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

struct Snap {
  int rc;
  std::string output;
  std::string path;
};

// `pgrest snapshot -o DIR/NAME` with extra environment (e.g. another db-uri).
Snap snapshot_as(const std::string& name, const std::vector<std::string>& env_extra) {
  Snap s;
  s.path = env("PGREST_TEST_DIR") + "/" + name;
  s.rc = run({env("PGREST_BIN"), "snapshot", "-o", s.path}, env_extra, s.output);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(superuser_rule)

BOOST_AUTO_TEST_CASE(a_superuser_authenticator_is_refused) {
  // The harness's direct connection is the superuser postgres.
  Snap s = snapshot_as("superuser.snapshot", {"PGRST_DB_URI=" + env("PGREST_TEST_DB")});
  BOOST_TEST(s.rc == 3, s.output);
  BOOST_TEST(s.output.find("UNSAFE: the authenticator role \"postgres\" is a superuser") !=
                 std::string::npos, s.output);
  const std::string before = db_digest();
  auto r = cgi("GET", "/items", {"PGRST_SNAPSHOT=" + s.path});
  CHECK_ERROR(r, 503, "PGRSTX01");
  BOOST_TEST(json_norm(r.body).find(
                 R"("message":"Refusing to serve: the authenticator role \"postgres\" is a superuser")") !=
                 std::string::npos, r.body);
  BOOST_TEST(r.body.find("PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR") != std::string::npos, r.body);
  BOOST_TEST(!r.has_header("retry-after"));  // retrying cannot help
  BOOST_TEST(db_digest() == before);
}

BOOST_AUTO_TEST_CASE(the_explicit_override_serves_and_says_so) {
  Snap s = snapshot_as("superuser-allowed.snapshot", {"PGRST_DB_URI=" + env("PGREST_TEST_DB"),
                                                     "PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true"});
  BOOST_TEST(s.rc == 0, s.output);
  BOOST_TEST(s.output.find("WARNING: the authenticator role \"postgres\" is a superuser") !=
                 std::string::npos, s.output);
  auto refused = cgi("GET", "/items?id=eq.1", {"PGRST_SNAPSHOT=" + s.path});
  CHECK_ERROR(refused, 503, "PGRSTX01");
  auto served = cgi("GET", "/items?id=eq.1&select=id",
                    {"PGRST_SNAPSHOT=" + s.path, "PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true"});
  BOOST_TEST(served.status == 200, served.body);
  BOOST_TEST(served.body == R"([{"id":1}])");
  // The loud line goes to the server's log (the CGI program's stderr).
  std::string out;
  std::vector<std::string> e = {"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
                                "REQUEST_URI=/cgi-bin/pgrest/items", "SCRIPT_NAME=/cgi-bin/pgrest",
                                "PATH_INFO=/items", "PGRST_SNAPSHOT=" + s.path,
                                "PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true"};
  run({env("PGREST_BIN")}, e, out);
  BOOST_TEST(out.find("pgrest: WARNING: serving although the authenticator role \"postgres\" is a "
                      "superuser") != std::string::npos, out);
}

BOOST_AUTO_TEST_CASE(bypassrls_on_the_authenticator_or_a_role_it_can_become) {
  sql_exec("alter role authenticator bypassrls");
  Snap own = snapshot_as("bypass-own.snapshot", {});
  sql_exec("alter role authenticator nobypassrls");
  BOOST_TEST(own.rc == 3, own.output);
  BOOST_TEST(own.output.find("the authenticator role \"authenticator\" has BYPASSRLS") !=
                 std::string::npos, own.output);
  CHECK_ERROR(cgi("GET", "/items", {"PGRST_SNAPSHOT=" + own.path}), 503, "PGRSTX01");

  sql_exec("create role sneaky_admin nologin bypassrls; grant sneaky_admin to web_user");
  Snap member = snapshot_as("bypass-member.snapshot", {});
  sql_exec("revoke sneaky_admin from web_user; drop role sneaky_admin");
  BOOST_TEST(member.rc == 3, member.output);
  BOOST_TEST(member.output.find("can switch to \"sneaky_admin\", which is a superuser or has "
                                "BYPASSRLS") != std::string::npos, member.output);
  auto r = cgi("GET", "/items", {"PGRST_SNAPSHOT=" + member.path});
  CHECK_ERROR(r, 503, "PGRSTX01");

  // Safe again: the same command accepts the harness's authenticator.
  Snap safe = snapshot_as("safe.snapshot", {});
  BOOST_TEST(safe.rc == 0, safe.output);
  BOOST_TEST(cgi("GET", "/items?id=eq.1", {"PGRST_SNAPSHOT=" + safe.path}).status == 200);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(request_limits)

BOOST_AUTO_TEST_CASE(a_huge_content_length_is_refused_unread) {
  // 100 GB announced: refused before any allocation or read.
  auto r = cgi("POST", "/items", {"CONTENT_LENGTH=100000000000"});
  CHECK_ERROR(r, 413, "PGRSTX02");
  BOOST_TEST(json_norm(r.body).find("The body has 100000000000 bytes; the limit is 10485760 bytes") !=
                 std::string::npos, r.body);
  auto small = cgi("POST", "/items", {"PGRST_SERVER_MAX_BODY_SIZE=10"}, {}, R"({"id": 100, "x": 1})");
  CHECK_ERROR(small, 413, "PGRSTX02");
}

BOOST_DATA_TEST_CASE(bodies_over_the_limit_are_413_through_lighttpd, bdata::make(kFrontends), fe) {
  std::string body(11 * 1024 * 1024, ' ');
  body.front() = '[';
  body.back() = ']';
  const std::string before = db_digest();
  auto r = http("POST", base_url(fe), "/items", {{"Content-Type", "application/json"}}, body);
  CHECK_ERROR(r, 413, "PGRSTX02");
  BOOST_TEST(r.header("content-length").value_or("") == std::to_string(r.body.size()));
  // The worker that refused it serves the next request.
  for (int i = 0; i < 4; ++i) BOOST_TEST(get(fe, "/items?id=eq.1&select=id").body == R"([{"id":1}])");
  BOOST_TEST(db_digest() == before);
}

BOOST_AUTO_TEST_CASE(a_nul_byte_in_a_value_is_22021_not_a_shorter_value) {
  // lighttpd refuses %00 in a URL itself (its own HTML 400), so the CGI program is called directly,
  // as another web server or the Lambda runtime would. Without the check libpq would send "apple".
  auto r = cgi("GET", "/items?name=eq.apple%00x");
  CHECK_ERROR(r, 400, "22021");
  BOOST_TEST(json_norm(r.body).find(R"("message":"invalid byte sequence for encoding \"UTF8\": 0x00")") !=
             std::string::npos, r.body);
  CHECK_ERROR(cgi("GET", "/items?select=id&or=(name.eq.x%00,id.eq.1)"), 400, "22021");
  BOOST_TEST(cgi("GET", "/items?name=eq.apple&select=id").body == R"([{"id":1}])");
}

BOOST_AUTO_TEST_SUITE_END()
