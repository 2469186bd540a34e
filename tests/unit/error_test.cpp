// PostgREST's SQLSTATE → HTTP table (../shared/postgrest-reference.md §6.3), row by row, and the
// rendered error document.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/executor.hpp"
#include "pgrest/handler.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgrest;

namespace {
struct Row {
  const char* sqlstate;
  const char* message;
  bool authenticated;
  int status;
};
std::ostream& operator<<(std::ostream& o, const Row& r) { return o << r.sqlstate << " " << r.message; }

const Row kTable[] = {
    {"08006", "", false, 503}, {"09000", "", false, 500}, {"0L000", "", false, 403},
    {"0P000", "", false, 403}, {"23503", "", false, 409}, {"23505", "", false, 409},
    {"25006", "", false, 405}, {"21000", "UPDATE requires a WHERE clause", false, 400},
    {"21000", "more than one row", false, 500}, {"22023", "role \"x\" does not exist", false, 401},
    {"22023", "invalid parameter", false, 400}, {"25001", "", false, 500},
    {"2D000", "", false, 500}, {"38000", "", false, 500}, {"39000", "", false, 500},
    {"3B000", "", false, 500}, {"40001", "", false, 500}, {"28000", "", false, 403},
    {"53400", "", false, 500}, {"53100", "", false, 503}, {"54000", "", false, 500},
    {"55000", "", false, 500}, {"57P01", "", false, 503}, {"57014", "", false, 500},
    {"58000", "", false, 500}, {"F0000", "", false, 500}, {"HV000", "", false, 500},
    {"XX000", "", false, 500}, {"P0001", "", false, 400}, {"P0004", "", false, 500},
    {"42883", "function foo() does not exist", false, 404},
    {"42883", "function xmlagg(integer) does not exist", false, 406},
    {"42P01", "", false, 404}, {"42P17", "", false, 500}, {"42501", "", false, 401},
    {"42501", "", true, 403}, {"42501", "permission denied to set role \"x\"", true, 401},
    {"PT402", "", false, 402}, {"PT4xx", "", false, 500},
    {"23502", "", false, 400}, {"22P02", "", false, 400}, {"42703", "", false, 400},
};
}  // namespace

BOOST_AUTO_TEST_SUITE(sqlstate_table)

BOOST_DATA_TEST_CASE(maps_like_postgrest, bdata::make(kTable), row) {
  BOOST_TEST(sqlstate_status(row.sqlstate, row.message, row.authenticated) == row.status);
}

BOOST_AUTO_TEST_CASE(anonymous_401_asks_for_a_bearer_token) {
  Error e = error_from_pg("42501", "permission denied for table t", std::nullopt, std::nullopt, false);
  BOOST_TEST(e.status == 401);
  BOOST_REQUIRE(e.headers.size() == 1u);
  BOOST_TEST(e.headers[0].name == "WWW-Authenticate");
  BOOST_TEST(e.headers[0].value == "Bearer");
}

BOOST_AUTO_TEST_CASE(rendered_error_is_postgrest_json) {
  Error e = errors::table_not_found("test", "x\"y", std::string("test.xy"));
  Response r = render_error(e);
  BOOST_TEST(r.status == 404);
  BOOST_TEST(r.body ==
             R"({"code":"PGRST205","details":null,"hint":"Perhaps you meant the table 'test.xy'","message":"Could not find the table 'test.x\"y' in the schema cache"})");
  BOOST_TEST(r.header("Proxy-Status").value_or("") == "PostgREST; error=PGRST205");
}

BOOST_AUTO_TEST_SUITE_END()

// Every PGRST factory: status and code as PostgREST v13 (../shared/postgrest-reference.md §6.2).
BOOST_AUTO_TEST_SUITE(pgrst_codes)

BOOST_AUTO_TEST_CASE(factories_match_postgrest) {
  struct Row {
    Error e;
    int status;
    const char* code;
  };
  const Row rows[] = {
      {errors::connection("x"), 503, "PGRST000"},
      {errors::internal_db("x"), 503, "PGRST001"},
      {errors::schema_cache("x"), 503, "PGRST002"},
      {errors::parse("filter", "x", "y"), 400, "PGRST100"},
      {errors::rpc_method("PUT"), 405, "PGRST101"},
      {errors::invalid_body("Empty or invalid json"), 400, "PGRST102"},
      {errors::invalid_range("x"), 416, "PGRST103"},
      {errors::invalid_put_filters(), 405, "PGRST105"},
      {errors::unacceptable_schema("s", {"a"}), 406, "PGRST106"},
      {errors::unacceptable_media({"a/b"}), 406, "PGRST107"},
      {errors::not_embedded("x"), 400, "PGRST108"},
      {errors::put_limit(), 400, "PGRST114"},
      {errors::put_mismatch(), 400, "PGRST115"},
      {errors::singular(2), 406, "PGRST116"},
      {errors::max_affected(3), 400, "PGRST124"},
      {errors::unsupported_method("X"), 405, "PGRST117"},
      {errors::invalid_preferences({"a"}), 400, "PGRST122"},
      {errors::aggregates_disabled(), 400, "PGRST123"},
      {errors::invalid_path(), 404, "PGRST125"},
      {errors::not_implemented("x"), 400, "PGRST127"},
      {errors::max_affected_rpc(), 400, "PGRST128"},
      {errors::column_not_found("t", "c"), 400, "PGRST204"},
      {errors::table_not_found("s", "t", std::nullopt), 404, "PGRST205"},
      // pgrest's own (PostgREST has no equivalent)
      {errors::body_too_large(11, 10), 413, "PGRSTX02"},
      {errors::unsafe_authenticator("x"), 503, "PGRSTX01"},
  };
  for (const auto& r : rows) {
    BOOST_TEST_CONTEXT(r.code) {
      BOOST_TEST(r.e.status == r.status);
      BOOST_TEST(r.e.code == r.code);
      Response res = render_error(r.e);
      BOOST_TEST(res.header("Proxy-Status").value_or("") == std::string("PostgREST; error=") + r.code);
      BOOST_TEST(res.header("Content-Type").value_or("") == "application/json; charset=utf-8");
    }
  }
  BOOST_TEST(errors::singular(4).details.value_or("") == "The result contains 4 rows");
  BOOST_TEST(errors::connection("x").headers.at(0).name == "Retry-After");
}

BOOST_AUTO_TEST_SUITE_END()
