// OPTIONS (Allow from the snapshot, no transaction) and CORS as PostgREST answers them.
#include "spec_util.hpp"

using namespace pgtest;

BOOST_AUTO_TEST_SUITE(options_and_cors)

BOOST_AUTO_TEST_CASE(allow_header_per_resource) {
  auto table = http("OPTIONS", base_url("fastcgi"), "/items");
  BOOST_TEST(table.status == 200);
  BOOST_TEST(table.header("allow").value_or("") == "OPTIONS,GET,HEAD,POST,PUT,PATCH,DELETE");
  BOOST_TEST(table.header("content-length").value_or("") == "0");
  BOOST_TEST(table.body.empty());
  auto matview = http("OPTIONS", base_url("fastcgi"), "/sales_by_region");
  BOOST_TEST(matview.header("allow").value_or("") == "OPTIONS,GET,HEAD");
  auto no_pk = http("OPTIONS", base_url("fastcgi"), "/measurements");
  BOOST_TEST(no_pk.header("allow").value_or("") == "OPTIONS,GET,HEAD,POST,PATCH,DELETE");
  auto root = http("OPTIONS", base_url("cgi"), "/");
  BOOST_TEST(root.header("allow").value_or("") == "OPTIONS,GET,HEAD");
  CHECK_ERROR(http("OPTIONS", base_url("fastcgi"), "/nope"), 404, "PGRST205");
}

BOOST_AUTO_TEST_CASE(preflight_and_actual_requests) {
  auto pre = http("OPTIONS", base_url("fastcgi"), "/items",
                  {{"Origin", "http://example.com"}, {"Access-Control-Request-Method", "POST"},
                   {"Access-Control-Request-Headers", "Content-Type, Prefer"}});
  BOOST_TEST(pre.status == 200);
  BOOST_TEST(pre.header("access-control-allow-origin").value_or("") == "*");
  BOOST_TEST(pre.header("access-control-allow-methods").value_or("") ==
             "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD");
  BOOST_TEST(pre.header("access-control-allow-headers").value_or("") ==
             "Authorization, Content-Type, Prefer, Accept, Accept-Language, Content-Language");
  BOOST_TEST(pre.header("access-control-max-age").value_or("") == "86400");
  auto actual = get("fastcgi", "/items?id=eq.1", {{"Origin", "http://example.com"}});
  BOOST_TEST(actual.status == 200);
  BOOST_TEST(actual.header("access-control-allow-origin").value_or("") == "*");
  BOOST_TEST(actual.header("access-control-expose-headers").value_or("").find("Content-Range") !=
             std::string::npos);
  BOOST_TEST(!get("fastcgi", "/items?id=eq.1").has_header("access-control-allow-origin"));
}

BOOST_AUTO_TEST_CASE(allowed_origins) {
  std::vector<std::string> cfg = {"PGRST_SERVER_CORS_ALLOWED_ORIGINS=http://good.example, http://also.example"};
  auto good = cgi("GET", "/items?id=eq.1", cfg, {{"Origin", "http://good.example"}});
  BOOST_TEST(good.header("access-control-allow-origin").value_or("") == "http://good.example");
  BOOST_TEST(good.header("access-control-allow-credentials").value_or("") == "true");
  auto bad = cgi("GET", "/items?id=eq.1", cfg, {{"Origin", "http://evil.example"}});
  BOOST_TEST(bad.status == 200);
  BOOST_TEST(!bad.has_header("access-control-allow-origin"));
}

BOOST_AUTO_TEST_SUITE_END()
