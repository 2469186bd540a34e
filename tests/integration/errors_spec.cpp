// Errors as PostgREST sends them: status, code, message/details/hint, Proxy-Status, and the
// privileges PostgreSQL enforces for the anonymous role.
#include <chrono>

#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

BOOST_AUTO_TEST_SUITE(error_responses)

BOOST_DATA_TEST_CASE(unknown_table_is_404_with_a_hint, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/itemz");
  CHECK_ERROR(r, 404, "PGRST205");
  BOOST_TEST(json_norm(r.body) ==
             R"({"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'test.items'","message":"Could not find the table 'test.itemz' in the schema cache"})");
  BOOST_TEST(r.header("content-length").value_or("") == std::to_string(r.body.size()));
  auto far = get(fe, "/zzzzzzzzzzzzzzzzzz");
  BOOST_TEST(json_norm(far.body).find(R"("hint":null)") != std::string::npos, far.body);
}

BOOST_DATA_TEST_CASE(unknown_column_is_42703, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id,nope");
  CHECK_ERROR(r, 400, "42703");
  BOOST_TEST(r.body.find("column items.nope does not exist") != std::string::npos, r.body);
  CHECK_ERROR(get(fe, "/items?nope=eq.1"), 400, "42703");
  CHECK_ERROR(get(fe, "/items?order=nope"), 400, "42703");
}

BOOST_DATA_TEST_CASE(anonymous_without_grant_is_401, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/secrets");
  CHECK_ERROR(r, 401, "42501");
  BOOST_TEST(r.header("www-authenticate").value_or("") == "Bearer");
  BOOST_TEST(r.body.find("permission denied for table secrets") != std::string::npos, r.body);
}

BOOST_DATA_TEST_CASE(malformed_query_is_PGRST100, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?id=5");
  CHECK_ERROR(r, 400, "PGRST100");
  BOOST_TEST(r.body.find("failed to parse filter (5)") != std::string::npos, r.body);
  CHECK_ERROR(get(fe, "/items?select=id,(("), 400, "PGRST100");
  CHECK_ERROR(get(fe, "/items?id=unknownop.5"), 400, "PGRST100");
}

BOOST_DATA_TEST_CASE(unexposed_schemas_are_unreachable, bdata::make(kFrontends), fe) {
  CHECK_ERROR(get(fe, "/hidden"), 404, "PGRST205");
  CHECK_ERROR(get(fe, "/private.hidden"), 404, "PGRST205");
  auto r = get(fe, "/hidden", {{"Accept-Profile", "private"}});
  CHECK_ERROR(r, 406, "PGRST106");
  BOOST_TEST(json_norm(r.body).find(R"("hint":"Only the following schemas are exposed: test")") !=
             std::string::npos, r.body);
}

BOOST_DATA_TEST_CASE(invalid_paths_and_methods, bdata::make(kFrontends), fe) {
  CHECK_ERROR(get(fe, "/items/1"), 404, "PGRST125");
  auto r = http("DELETE", base_url(fe), "/rpc/anything");
  CHECK_ERROR(r, 405, "PGRST101");
}

BOOST_DATA_TEST_CASE(unacceptable_media_type, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items", {{"Accept", "text/unknowntype"}});
  CHECK_ERROR(r, 406, "PGRST107");
  BOOST_TEST(r.body.find("None of these media types are available: text/unknowntype") !=
             std::string::npos);
}

BOOST_DATA_TEST_CASE(bad_tokens_are_401, bdata::make(kFrontends), fe) {
  auto garbage = get(fe, "/items", {{"Authorization", "Bearer not.a.token"}});
  CHECK_ERROR(garbage, 401, "PGRST301");
  BOOST_TEST(garbage.header("www-authenticate").value_or("").find("invalid_token") !=
             std::string::npos);
  auto wrong_key = get(fe, "/items", {{"Authorization", "Bearer " + make_token(R"({"role":"web_user"})",
                                                                         "another-secret-another-secret-1234")}});
  CHECK_ERROR(wrong_key, 401, "PGRST301");
  auto expired = get(fe, "/items", {{"Authorization", "Bearer " + make_token(R"({"role":"web_user","exp":1000})")}});
  CHECK_ERROR(expired, 401, "PGRST303");
  BOOST_TEST(expired.body.find("JWT expired") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_method_is_405) {
  CHECK_ERROR(cgi("BREW", "/items"), 405, "PGRST117");
  // The root only describes the API: writing to it is an unsupported method, not a missing feature.
  for (const char* m : {"POST", "PATCH", "PUT", "DELETE"}) {
    BOOST_TEST_CONTEXT(m) {
      auto r = http(m, base_url("fastcgi"), "/", {{"Content-Type", "application/json"}}, "{}");
      CHECK_ERROR(r, 405, "PGRST117");
      BOOST_TEST(r.body.find(std::string("Unsupported HTTP method: ") + m) != std::string::npos, r.body);
    }
  }
}

BOOST_AUTO_TEST_CASE(database_unreachable_is_503_quickly) {
  auto start = std::chrono::steady_clock::now();
  auto r = cgi("GET", "/items", {"PGRST_DB_URI=host=127.0.0.1 port=1 dbname=app user=authenticator"});
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK_ERROR(r, 503, "PGRST000");
  BOOST_TEST(r.has_header("retry-after"));
  BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(elapsed).count() < 10);
}

BOOST_AUTO_TEST_CASE(configuration_errors_name_the_key) {
  auto r = cgi("GET", "/items", {"PGRST_DB_MAX_ROWZ=3"});
  BOOST_TEST(r.status == 500);
  BOOST_TEST(r.body.find("PGRST_DB_MAX_ROWZ") != std::string::npos, r.body);
  auto bad = cgi("GET", "/items", {"PGRST_DB_MAX_ROWS=many"});
  BOOST_TEST(bad.status == 500);
  BOOST_TEST(bad.body.find("PGRST_DB_MAX_ROWS") != std::string::npos, bad.body);
}

BOOST_AUTO_TEST_CASE(no_anonymous_role_is_PGRST302) {
  auto r = cgi("GET", "/items", {"PGRST_DB_ANON_ROLE="});
  CHECK_ERROR(r, 401, "PGRST302");
  BOOST_TEST(r.header("www-authenticate").value_or("") == "Bearer");
}

BOOST_AUTO_TEST_SUITE_END()
