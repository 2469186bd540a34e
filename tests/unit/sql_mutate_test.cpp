// Write statements: request values (payload, filter values, defaults' column names, the
// max-affected limit, the guard nonce) only ever travel as bind parameters.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/sql_mutate.hpp"

namespace bdata = boost::unit_test::data;
BOOST_TEST_DONT_PRINT_LOG_VALUE(pgrest::Action)
using namespace pgrest;

namespace {

const char* kHostile[] = {"'; drop table items; --", "\\' or 1=1 --", "$$ or $$",
                          "x'||pg_sleep(10)||'", "*/ select 1 /*"};
const Action kActions[] = {Action::insert, Action::upsert, Action::update, Action::remove};

MutatePlan plan_for(Action action, const std::string& hostile) {
  MutatePlan p;
  p.action = action;
  Table& t = p.read.table;
  t.schema = "test";
  t.name = "items";
  t.pk = {"id"};
  Column id, name;
  id.name = "id";
  id.type = id.nominal_type = "integer";
  id.default_value = "nextval('test.items_id_seq'::regclass)";
  name.name = "name";
  name.type = name.nominal_type = "text";
  t.columns = {id, name};
  p.read.select = {SelectField{Field{"*", {}}, {}, {}, {}, {}}};
  p.read.media = Offer{Output::json, "application/json"};
  Filter f{Field{"id", {}}, OpExpr{}};
  f.expr.value = hostile;
  p.read.filters.push_back(f);
  p.columns = {"id", "name"};
  p.payload = "{\"id\":1,\"name\":\"" + hostile + "\"}";
  p.apply_defaults = true;
  p.conflict = {"id"};
  if (action == Action::insert) p.resolution = "merge-duplicates";
  p.ret = Return::representation;
  p.singular = true;
  p.max_affected = 3;
  p.rollback = true;
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(sql_mutate)

BOOST_DATA_TEST_CASE(values_are_parameters, bdata::make(kActions) * bdata::make(kHostile), action,
                     hostile) {
  WriteStatements w = build_mutate(plan_for(action, hostile), hostile);
  BOOST_TEST(w.main.text.find(hostile) == std::string::npos, w.main.text);
  BOOST_TEST_REQUIRE(!w.guard.statements.empty());
  for (const auto& g : w.guard.statements) BOOST_TEST(g.text.find(hostile) == std::string::npos);
  BOOST_TEST(w.guard.nonce == hostile);
}

BOOST_AUTO_TEST_CASE(plain_insert_has_no_guard_and_one_payload_parameter) {
  MutatePlan p = plan_for(Action::insert, "x");
  p.read.filters.clear();
  p.apply_defaults = false;
  p.resolution.reset();
  p.ret = Return::minimal;
  p.singular = false;
  p.max_affected.reset();
  p.rollback = false;
  WriteStatements w = build_mutate(p, "n");
  BOOST_TEST(w.guard.statements.empty());
  BOOST_TEST(w.main.params.size() == 1);
  BOOST_TEST(w.main.text.find("json_to_recordset(pgrst_uniform_json.val) AS _ (\"id\" integer, \"name\" text)") !=
             std::string::npos, w.main.text);
  BOOST_TEST(w.main.text.find("ON CONFLICT") == std::string::npos);
  BOOST_TEST(w.main.text.find("RETURNING 1") != std::string::npos);
}

// Accept: application/vnd.pgrst.plan: the same statement under EXPLAIN, and of the checks only the
// dry run's rollback, which must not depend on a row count EXPLAIN never makes.
BOOST_AUTO_TEST_CASE(explained_write_keeps_only_the_dry_run_guard) {
  MutatePlan p = plan_for(Action::update, "x");
  p.read.explain_for = p.read.media;
  p.read.media = Offer{Output::plan_json, "application/vnd.pgrst.plan+json"};
  p.read.explain_options = {"analyze"};
  WriteStatements w = build_mutate(p, "n");
  BOOST_TEST(w.main.text.rfind("EXPLAIN (FORMAT JSON, ANALYZE) WITH pgrst_mutation AS (UPDATE ", 0) == 0,
             w.main.text);
  BOOST_REQUIRE_EQUAL(w.guard.statements.size(), 2u);
  BOOST_TEST(w.guard.statements[0].text == "SET CONSTRAINTS ALL IMMEDIATE");
  BOOST_TEST(w.guard.statements[1].text == "SELECT ('pgrst-guard:' || $1 || ':rollback:0')::int");
  p.rollback = false;
  BOOST_TEST(build_mutate(p, "n").guard.statements.empty());
}

BOOST_AUTO_TEST_CASE(patch_without_columns_is_a_no_op_select) {
  MutatePlan p = plan_for(Action::update, "x");
  p.columns.clear();
  WriteStatements w = build_mutate(p, "n");
  BOOST_TEST(w.main.text.find("UPDATE") == std::string::npos, w.main.text);
  BOOST_TEST(w.main.text.find("WHERE false") != std::string::npos, w.main.text);
}

BOOST_AUTO_TEST_SUITE_END()
