// Values never become SQL text: hostile strings pushed through every operator, JSON path, order
// and setting must come out only as bind parameters.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/sql_builder.hpp"

namespace bdata = boost::unit_test::data;
BOOST_TEST_DONT_PRINT_LOG_VALUE(pgrest::Op)
using namespace pgrest;

namespace {

const char* kHostile[] = {"'; drop table items; --", "\\' or 1=1 --", "$$ or $$", "\") or (\"a\"=\"a",
                          "x'||pg_sleep(10)||'", "E'\\\\x41'", "*/ select 1 /*"};

const Op kOps[] = {Op::eq, Op::neq, Op::gt, Op::gte, Op::lt, Op::lte, Op::like, Op::ilike,
                   Op::match, Op::imatch, Op::in, Op::isdistinct, Op::fts, Op::plfts,
                   Op::phfts, Op::wfts, Op::cs, Op::cd, Op::ov, Op::sl, Op::sr, Op::nxr,
                   Op::nxl, Op::adj};

Table items() {
  Table t;
  t.schema = "test";
  t.name = "items";
  Column id, data;
  id.name = "id";
  id.type = "integer";
  data.name = "data";
  data.type = "jsonb";
  data.is_json = true;
  t.columns = {id, data};
  return t;
}

bool contains_hostile(const std::string& text) {
  for (const char* h : kHostile) {
    if (text.find(h) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_builder)

BOOST_DATA_TEST_CASE(operator_values_are_parameters, bdata::make(kOps) * bdata::make(kHostile), op,
                     hostile) {
  ReadPlan plan;
  plan.table = items();
  plan.select = {SelectField{Field{"*", {}}, {}, {}, {}, {}}};
  Filter f{Field{"data", {JsonStep{true, hostile, false}}}, OpExpr{}};
  f.expr.op = op;
  f.expr.value = hostile;
  f.expr.list = {hostile, "b"};
  f.expr.language = std::string(hostile);
  plan.filters.push_back(f);
  Filter q = f;
  q.expr.quantifier = Quantifier::any;
  q.expr.language.reset();
  if (op != Op::in && op < Op::fts) plan.filters.push_back(q);
  plan.logic.push_back(LogicTree{true, true, {f, LogicTree{false, false, {f}}}});
  plan.order.push_back(OrderTerm{std::nullopt, Field{"data", {JsonStep{false, hostile, false}}}});
  plan.count = ReadPlan::Count::exact;
  Sql sql = build_read(plan);
  BOOST_TEST(!contains_hostile(sql.text), sql.text);
  bool found = false;
  for (const auto& p : sql.params) found = found || (p && p->find(hostile) != std::string::npos);
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(settings_are_parameters) {
  Request req;
  req.method = "GET";
  req.path = kHostile[0];
  req.headers = {{"x-evil", kHostile[1]}, {"cookie", std::string("a=") + kHostile[2]}};
  Config config;
  config.app_settings["app.settings.x"] = kHostile[3];
  Sql sql = build_settings(request_settings(req, config, "test", kHostile[4], kHostile[5], true));
  BOOST_TEST(!contains_hostile(sql.text), sql.text);
  BOOST_TEST(sql.params.at(0).value_or("").ends_with(R"(,"transaction_read_only"})"));
}

BOOST_AUTO_TEST_CASE(array_literal_escapes_quotes_and_backslashes_only) {
  BOOST_TEST(array_literal({"a\"b", "c\\d", "", "{x},y NULL", "plain"}) ==
             R"({"a\"b","c\\d","","{x},y NULL","plain"})");
  BOOST_TEST(array_literal({}) == "{}");
}

// The settings travel as two text arrays (names, values) set in order by one set_config call.
BOOST_AUTO_TEST_CASE(settings_statement_shape) {
  Settings s;
  s.search_path = "\"test\", \"public\"";
  s.role = "web_anon";
  s.claims_json = R"({"role":"web_anon"})";
  s.method = "GET";
  s.path = "/items";
  s.headers_json = R"({"x":"a\"b"})";
  s.cookies_json = "{}";
  s.timezone = "UTC";
  s.app_settings["app.settings.k"] = "v";
  s.read_only = true;
  Sql sql = build_settings(s);
  BOOST_TEST(sql.text == "SELECT set_config(unnest($1::text[]), unnest($2::text[]), true)");
  BOOST_TEST(sql.params.size() == 2u);
  BOOST_TEST(*sql.params[0] ==
             R"({"search_path","role","request.jwt.claims","request.method","request.path",)"
             R"("request.headers","request.cookies","timezone","app.settings.k","transaction_read_only"})");
  BOOST_TEST(*sql.params[1] ==
             R"({"\"test\", \"public\"","web_anon","{\"role\":\"web_anon\"}","GET","/items",)"
             R"("{\"x\":\"a\\\"b\"}","{}","UTC","v","on"})");
}

BOOST_AUTO_TEST_CASE(read_statement_shape) {
  ReadPlan plan;
  plan.table = items();
  plan.select = {SelectField{Field{"id", {}}, std::string("ident"), std::string("text"), {}, {}}};
  Filter f{Field{"id", {}}, OpExpr{}};
  f.expr.value = "5";
  plan.filters = {f};
  plan.range.limit = 10;
  plan.range.offset = 20;
  Sql sql = build_read(plan);
  BOOST_TEST(sql.text ==
             "SELECT NULL::bigint AS total, pg_catalog.count(*) AS page_total, "
             "coalesce(json_agg(_pgrst_t), '[]')::text AS body, "
             "current_setting('response.headers', true) AS response_headers, "
             "current_setting('response.status', true) AS response_status "
             "FROM (SELECT CAST(\"test\".\"items\".\"id\" AS \"text\") AS \"ident\" "
             "FROM \"test\".\"items\" WHERE \"test\".\"items\".\"id\" = $1 LIMIT $2 OFFSET $3) "
             "_pgrst_t");
  BOOST_TEST(sql.params.size() == 3u);
  BOOST_TEST(*sql.params[0] == "5");
}

// CSV reads the rows twice (header and lines), so only it gets the pgrst_source CTE.
BOOST_AUTO_TEST_CASE(csv_reads_its_rows_from_one_cte) {
  ReadPlan plan;
  plan.table = items();
  plan.select = {SelectField{Field{"id", {}}, {}, {}, {}, {}}};
  plan.media.output = Output::csv;
  Sql sql = build_read(plan);
  BOOST_TEST(sql.text.rfind("WITH pgrst_source AS (SELECT ", 0) == 0u, sql.text);
  BOOST_TEST(sql.text.find("FROM pgrst_source AS hh") != std::string::npos, sql.text);
  BOOST_TEST(sql.text.ends_with(" FROM pgrst_source _pgrst_t"), sql.text);
  plan.head = true;
  BOOST_TEST(build_read(plan).text.find("pgrst_source") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(identifiers_are_quoted) {
  BOOST_TEST(quote_ident("a\"b") == "\"a\"\"b\"");
  BOOST_TEST(quote_ident(std::string("ab\0cd", 5)) == "\"ab\"");
}

BOOST_AUTO_TEST_SUITE_END()
