// RPC stages without a database: the snapshot's function group, the call statement (hostile values
// only ever in params), and RAISE SQLSTATE 'PGRST' payloads (PGRST121).
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/executor.hpp"
#include "pgrest/plan_call.hpp"
#include "pgrest/sql_call.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgrest;

namespace {

const char* kGroup = R"([{"schema":"api","name":"f","args":[
  {"name":"a","type":"integer","has_default":false,"variadic":false},
  {"name":"v","type":"text[]","has_default":true,"variadic":true}],
  "return_type":"items","setof":true,"composite":true,
  "returns_relation":{"schema":"api","name":"items"},"is_void":false,"volatility":"s",
  "config":["statement_timeout=1s"],"scalar_domain_media_type":null}])";

const char* kHostile[] = {"'; drop table x; --", "\"quoted\"", "back\\slash", "$$x$$ $9", "a'b",
                          ";--", "{\"a\":\"')\"}"};

CallPlan plan_for(CallPlan::Args args, const std::string& value) {
  CallPlan p;
  p.fn = parse_function_group(kGroup).front();
  p.shape = CallShape::rows;
  p.args = args;
  p.body = value;
  if (args == CallPlan::Args::direct) {
    p.direct.emplace_back(p.fn.args[0], std::vector<std::string>{value});
    p.direct.emplace_back(p.fn.args[1], std::vector<std::string>{value, value});
  } else {
    p.json_args = p.fn.args;
  }
  p.read.table.schema = "api";
  p.read.table.name = "items";
  p.read.select.push_back(SelectField{Field{"*", {}}, {}, {}, {}, {}});
  p.read.filters.push_back(Filter{Field{"name", {}}, OpExpr{false, Op::eq, Quantifier::none, {}, value, {}}});
  p.read.media = Offer{Output::json, "application/json"};
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(call)

BOOST_AUTO_TEST_CASE(function_group_is_parsed) {
  auto fs = parse_function_group(kGroup);
  BOOST_TEST_REQUIRE(fs.size() == 1u);
  const Function& f = fs[0];
  BOOST_TEST(f.schema == "api");
  BOOST_TEST(f.args.size() == 2u);
  BOOST_TEST(f.args[1].variadic);
  BOOST_TEST(f.args[1].has_default);
  BOOST_TEST(f.setof);
  BOOST_TEST(f.composite);
  BOOST_TEST(f.returns_relation->second == "items");
  BOOST_TEST(f.volatility == 's');
  BOOST_TEST(f.config.front() == "statement_timeout=1s");
  BOOST_TEST(!f.media_type.has_value());
  BOOST_TEST(parse_function_group("not json").empty());
}

BOOST_DATA_TEST_CASE(values_only_travel_as_params, bdata::make(kHostile), value) {
  for (auto mode : {CallPlan::Args::direct, CallPlan::Args::json, CallPlan::Args::single}) {
    Sql sql = build_call(plan_for(mode, value));
    BOOST_TEST(sql.text.find(value) == std::string::npos, sql.text);
    BOOST_TEST(!sql.params.empty());
  }
  Sql direct = build_call(plan_for(CallPlan::Args::direct, "x"));
  BOOST_TEST(direct.text.find(R"("api"."f"("a" := $1::integer, VARIADIC "v" := $2::text[]) pgrst_call)") !=
             std::string::npos, direct.text);
  BOOST_TEST(*direct.params[1] == R"({"x","x"})");
  Sql json = build_call(plan_for(CallPlan::Args::json, "{}"));
  BOOST_TEST(json.text.find(R"(json_to_record($1::json) AS _pgrst_args("a" integer, "v" text[]), LATERAL)") !=
             std::string::npos, json.text);
}

BOOST_AUTO_TEST_CASE(pre_request_and_isolation_statements) {
  BOOST_TEST(build_pre_request("auth.check").text == R"(SELECT "auth"."check"())");
  BOOST_TEST(build_pre_request("check").text == R"(SELECT "check"())");
  BOOST_TEST(!build_isolation(std::nullopt).has_value());
  BOOST_TEST(build_isolation(isolation_keywords("Repeatable Read"))->text ==
             "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
  BOOST_TEST(!isolation_keywords("serializable; drop table x").has_value());
}

BOOST_AUTO_TEST_CASE(pgrst_raise_defines_the_response) {
  Error e = error_from_pg("PGRST", R"({"code":"123","message":"m","details":"d","hint":null})",
                          R"({"status":420,"status_text":"Enhance","headers":{"X-A":"b"}})", {},
                          false);
  BOOST_TEST(e.status == 420);
  BOOST_TEST(e.reason.value_or("") == "Enhance");
  BOOST_TEST(e.code == "123");
  BOOST_TEST(e.message == "m");
  BOOST_TEST(*e.details == "d");
  BOOST_TEST(!e.hint.has_value());
  BOOST_TEST_REQUIRE(e.headers.size() == 1u);
  BOOST_TEST(e.headers[0].name == "X-A");
}

BOOST_AUTO_TEST_CASE(pgrst_raise_with_bad_json_is_PGRST121) {
  struct Case {
    const char* message;
    std::optional<std::string> detail;
    const char* details;
  };
  const Case cases[] = {
      {"oops", std::string(R"({"status":400,"headers":{}})"), "Invalid JSON value for MESSAGE: 'oops'"},
      {R"({"code":"1"})", std::string(R"({"status":400,"headers":{}})"),
       R"(Invalid JSON value for MESSAGE: '{"code":"1"}')"},
      {R"({"code":"1","message":"m"})", std::nullopt, "DETAIL is missing in the RAISE statement"},
      {R"({"code":"1","message":"m"})", std::string(R"({"status":"400","headers":{}})"),
       R"(Invalid JSON value for DETAIL: '{"status":"400","headers":{}}')"},
      {R"({"code":"1","message":"m"})", std::string(R"({"status":400})"),
       R"(Invalid JSON value for DETAIL: '{"status":400}')"},
  };
  for (const auto& c : cases) {
    Error e = error_from_pg("PGRST", c.message, c.detail, {}, false);
    BOOST_TEST(e.status == 500);
    BOOST_TEST(e.code == "PGRST121");
    BOOST_TEST(*e.details == c.details);
  }
}

BOOST_AUTO_TEST_SUITE_END()
