// PostgREST's read grammar end to end: every operator with a matching and a non-matching case,
// every logic form, select forms, ordering. One request per case through FastCGI.
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

struct Case {
  const char* query;     // after /ops?select=id&order=id&
  const char* expected;  // ids, e.g. "1,2"; "" for none
};
std::ostream& operator<<(std::ostream& o, const Case& c) { return o << c.query; }

// Each operator with a case that matches and one that does not.
const Case kOperators[] = {
    {"n=eq.1", "1"},                  {"n=eq.2", ""},
    {"n=neq.1", "2"},                 {"n=neq.5&n=neq.1", ""},
    {"n=gt.1", "2"},                  {"n=gt.5", ""},
    {"n=gte.5", "2"},                 {"n=gte.6", ""},
    {"n=lt.5", "1"},                  {"n=lt.1", ""},
    {"n=lte.1", "1"},                 {"n=lte.0", ""},
    {"t=like.*pha*", "1"},            {"t=like.*PHA*", ""},
    {"t=ilike.*PHA*", "1"},           {"t=ilike.*zzz*", ""},
    {"t=match.^gam", "2"},            {"t=match.^Gam", ""},
    {"t=imatch.^GAM", "2"},           {"t=imatch.^zz", ""},
    {"n=in.(1,5)", "1,2"},            {"n=in.(7,8)", ""},
    {"n=in.()", ""},                  {"t=in.(%22Alpha%20beta%22,x)", "1"},
    {"n=is.null", "3"},               {"b=is.true", "1"},
    {"b=is.false", "2"},              {"b=is.unknown", "3"},
    {"n=is.not_null", "1,2"},         {"b=is.NULL", "3"},
    {"n=isdistinct.1", "2,3"},        {"n=isdistinct.7", "1,2,3"},
    {"doc=fts.cats", "1"},            {"doc=fts.bird", ""},
    {"doc=fts(english).cat", "1"},    {"doc=plfts.fat%20cats", "1"},
    {"doc=plfts.cats%20dogs", ""},    {"doc=phfts(english).dogs%20bark", "2"},
    {"doc=phfts.bark%20dogs", ""},    {"doc=wfts.dogs%20-cats", "2"},
    {"doc=wfts.%22fat%20dogs%22", ""},
    {"body=fts(english).cats", "1"},  {"body=fts.birds", ""},
    {"arr=cs.{1,2}", "1"},            {"arr=cs.{1,4}", ""},
    {"arr=cd.{1,2,3,4}", "1"},        {"arr=cd.{9}", ""},
    {"arr=ov.{3,4}", "1,2"},          {"arr=ov.{9}", ""},
    {"r=ov.[5,25]", "1,2"},           {"r=ov.[40,50]", ""},
    {"r=sl.[15,16]", "1"},            {"r=sl.[0,1]", ""},
    {"r=sr.[11,12]", "2"},            {"r=sr.[50,60]", ""},
    {"r=nxr.[5,15]", "1"},            {"r=nxr.[0,2]", ""},
    {"r=nxl.[5,25]", "2"},            {"r=nxl.[40,50]", ""},
    {"r=adj.[10,15)", "1"},           {"r=adj.[11,15)", ""},
    {"n=not.eq.1", "2"},              {"n=not.in.(1,5)", ""},
    {"n=not.is.null", "1,2"},         {"doc=not.fts.cats", "2"},
    {"n=eq(any).{1,9}", "1"},         {"n=eq(any).{8,9}", ""},
    {"n=gt(all).{0,2}", "2"},         {"n=gt(all).{0,9}", ""},
    {"t=like(any).{A*,g*}", "1,2"},   {"t=like(all).{A*,*a}", "1"},
    {"t=ilike(any).{*ALPHA*}", "1"},  {"t=not.like(any).{A*,g*}", ""},
    {"j->>s=eq.x", "1"},              {"j->a->>b=eq.2", "2"},
    {"j->a->b=eq.1", "1"},            {"j->arr->0=eq.4", "2"},
    {"j->arr->-1=eq.3", "1"},         {"j->>s=eq.z", ""},
    {"js->>k=eq.v2", "2"},            {"arr->0=eq.4", "2"},
};

const Case kLogic[] = {
    {"or=(n.eq.1,n.eq.5)", "1,2"},
    {"or=(n.eq.1,n.is.null)", "1,3"},
    {"and=(n.gte.1,n.lte.1)", "1"},
    {"not.or=(n.eq.1,n.is.null)", "2"},
    {"not.and=(n.gte.1,b.is.true)", "2,3"},
    {"or=(n.eq.1,and(n.gt.2,t.eq.gamma))", "1,2"},
    {"or=(n.eq.1,not.and(n.gt.0,t.eq.gamma))", "1"},
    {"or=(t.in.(%22Alpha%20beta%22,gamma),n.is.null)", "1,2,3"},
    {"or=(arr.cs.{4,5},r.adj.%22[10,15)%22)", "1,2"},
    {"or=(doc.fts(english).cats,n.eq.5)", "1,2"},
    {"or=(%20n.eq.1%20,%20n.eq.5%20)", "1,2"},
    {"or=(j->>s.eq.y,n.eq.1)", "1,2"},
    {"or=(n.eq.1,n.eq.5)&and=(b.is.false)", "2"},
    {"or=(n.not.eq.1,n.is.null)", "2,3"},
    {"or=(t.like.*pha*,t.ilike.GAM*)", "1,2"},
    {"and=(or(n.eq.1,n.eq.5),or(b.is.true,n.is.null))", "1"},
};

std::string ids_of(const std::string& json) {
  std::string norm = json_norm(json), out;
  size_t pos = 0;
  while ((pos = norm.find("\"id\":", pos)) != std::string::npos) {
    pos += 5;
    size_t end = norm.find_first_of(",}", pos);
    if (!out.empty()) out += ",";
    out += norm.substr(pos, end - pos);
  }
  return out;
}

void check_case(const Case& c) {
  auto r = get("fastcgi", std::string("/ops?select=id&order=id&") + c.query);
  BOOST_TEST(r.status == 200, c.query << " → " << r.body);
  BOOST_TEST(ids_of(r.body) == c.expected, c.query << " → " << r.body);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(read_api)

BOOST_DATA_TEST_CASE(operators, bdata::make(kOperators), c) { check_case(c); }

BOOST_DATA_TEST_CASE(logic_trees, bdata::make(kLogic), c) { check_case(c); }

BOOST_AUTO_TEST_CASE(select_forms) {
  auto r = get("fastcgi",
               "/ops?select=ident:id,n::text,j->a->>b,first:arr->0,j->arr,js->>k,t:t::varchar&id=eq.1");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) ==
             R"([{"ident":1,"n":"1","b":"1","first":1,"arr":[1,2,3],"k":"v1","t":"Alpha beta"}])");
  auto star = get("fastcgi", "/ops?select=id,*&id=eq.3");
  BOOST_TEST(json_norm(star.body).find(R"("id":3,"id":3,"n":null)") != std::string::npos, star.body);
  auto spaced = get("fastcgi", "/ops?select=%20id%20,%20n%20&id=eq.1");
  BOOST_TEST(json_norm(spaced.body) == R"([{"id":1,"n":1}])");
  auto empty = get("fastcgi", "/ops?select=&id=eq.3");
  BOOST_TEST(json_norm(empty.body).find(R"("b":null)") != std::string::npos, empty.body);
}

BOOST_AUTO_TEST_CASE(bad_cast_is_a_postgres_error) {
  auto r = get("fastcgi", "/ops?select=n::nosuchtype");
  BOOST_TEST(r.status == 400);
  BOOST_TEST(json_norm(r.body).find(R"("code":"42704")") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(ordering_forms) {
  auto r = get("fastcgi", "/ops?select=id&order=n.desc.nullslast");
  BOOST_TEST(ids_of(r.body) == "2,1,3");
  r = get("fastcgi", "/ops?select=id&order=n.desc");
  BOOST_TEST(ids_of(r.body) == "3,2,1");
  r = get("fastcgi", "/ops?select=id&order=n.asc.nullsfirst");
  BOOST_TEST(ids_of(r.body) == "3,1,2");
  r = get("fastcgi", "/ops?select=id&order=b.desc,id.desc");
  BOOST_TEST(ids_of(r.body) == "3,1,2");
  r = get("fastcgi", "/ops?select=id&order=j->a->>b.desc.nullslast");
  BOOST_TEST(ids_of(r.body) == "2,1,3");
}

BOOST_AUTO_TEST_CASE(limits_offsets_ranges_and_counts) {
  struct RangeCase {
    const char* query;
    Headers headers;
    int status;
    const char* content_range;
    const char* ids;
  };
  const RangeCase cases[] = {
      {"limit=2", {}, 200, "0-1/*", "1,2"},
      {"limit=0", {}, 200, "*/*", ""},
      {"offset=1", {}, 200, "1-2/*", "2,3"},
      {"offset=-1", {}, 200, "0-2/*", "1,2,3"},
      {"offset=abc", {}, 200, "0-2/*", "1,2,3"},
      {"limit=2&offset=1", {{"Prefer", "count=exact"}}, 206, "1-2/3", "2,3"},
      {"limit=5", {{"Prefer", "count=exact"}}, 200, "0-2/3", "1,2,3"},
      {"offset=3", {{"Prefer", "count=exact"}}, 206, "*/3", ""},  // PostgREST: 206 when offset == total
      {"", {{"Range", "1-1"}}, 200, "1-1/*", "2"},
      {"", {{"Range", "1-"}}, 200, "1-2/*", "2,3"},
      {"", {{"Range", "1-1"}, {"Prefer", "count=exact"}}, 206, "1-1/3", "2"},
      {"limit=1", {{"Range", "1-2"}}, 200, "*/*", ""},  // empty intersection
      {"", {{"Range", "items=0-1"}}, 200, "0-2/*", "1,2,3"},
      {"n=eq.99", {{"Prefer", "count=exact"}}, 200, "*/0", ""},
      {"limit=1", {{"Prefer", "count=planned"}}, 206, "0-0/3", "1"},
      {"limit=1", {{"Prefer", "count=estimated"}}, 206, "0-0/3", "1"},
  };
  for (const auto& c : cases) {
    auto r = get("fastcgi", std::string("/ops?select=id&order=id&") + c.query, c.headers);
    BOOST_TEST_CONTEXT(c.query) {
      BOOST_TEST(r.status == c.status, r.body);
      BOOST_TEST(r.header("content-range").value_or("") == c.content_range);
      BOOST_TEST(ids_of(r.body) == c.ids);
    }
  }
  CHECK_ERROR(get("fastcgi", "/ops?limit=-1"), 416, "PGRST103");
  CHECK_ERROR(get("fastcgi", "/ops", {{"Range", "2-1"}}), 416, "PGRST103");
}

BOOST_AUTO_TEST_CASE(preferences_applied_and_timezone) {
  auto r = get("fastcgi", "/events?select=at",
               {{"Prefer", "count=exact, timezone=Asia/Tokyo"}, {"Prefer", "handling=lenient"}});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"at":"2026-01-01T21:00:00+09:00"}])");
  BOOST_TEST(r.header("preference-applied").value_or("") ==
             "count=exact, handling=lenient, timezone=Asia/Tokyo");
  auto unknown = get("fastcgi", "/events?select=at", {{"Prefer", "timezone=Nowhere/City, bogus"}});
  BOOST_TEST(unknown.status == 200);
  BOOST_TEST(json_norm(unknown.body) == R"([{"at":"2026-01-01T12:00:00+00:00"}])");
  BOOST_TEST(!unknown.has_header("preference-applied"));
  auto strict = get("fastcgi", "/events", {{"Prefer", "handling=strict, timezone=Nowhere/City"}});
  CHECK_ERROR(strict, 400, "PGRST122");
  BOOST_TEST(json_norm(strict.body).find(R"("details":"Invalid preferences: timezone=Nowhere/City")") !=
             std::string::npos, strict.body);
  auto junk = get("fastcgi", "/events", {{"Prefer", "handling=strict, anything, count=lots"}});
  CHECK_ERROR(junk, 400, "PGRST122");
  BOOST_TEST(junk.body.find("Invalid preferences: anything, count=lots") != std::string::npos, junk.body);
}

BOOST_AUTO_TEST_CASE(media_types_and_q_values) {
  auto stripped = get("fastcgi", "/ops?select=id,n,t&id=eq.3",
                      {{"Accept", "application/vnd.pgrst.array+json;nulls=stripped"}});
  BOOST_TEST(stripped.status == 200);
  BOOST_TEST(json_norm(stripped.body) == R"([{"id":3}])");
  BOOST_TEST(stripped.header("content-type").value_or("") ==
             "application/vnd.pgrst.array+json; nulls=stripped; charset=utf-8");
  auto obj = get("fastcgi", "/ops?select=id,n&id=eq.3",
                 {{"Accept", "application/vnd.pgrst.object+json;nulls=stripped"}});
  BOOST_TEST(json_norm(obj.body) == R"({"id":3})");
  auto plain_array = get("fastcgi", "/ops?select=id&id=eq.3", {{"Accept", "application/vnd.pgrst.array+json"}});
  BOOST_TEST(json_norm(plain_array.body) == R"([{"id":3}])");
  auto q = get("fastcgi", "/ops?select=id&id=eq.1", {{"Accept", "text/csv;q=0.5, application/json"}});
  BOOST_TEST(q.header("content-type").value_or("") == "application/json; charset=utf-8");
  auto csv = get("fastcgi", "/ops?select=id&id=eq.1", {{"Accept", "application/json;q=0.2, text/csv"}});
  BOOST_TEST(csv.body == "id\n1");
  auto wildcard = get("fastcgi", "/ops?select=id&id=eq.1", {{"Accept", "text/*"}});
  BOOST_TEST(wildcard.header("content-type").value_or("") == "text/csv; charset=utf-8");
  // No PostGIS in this database: GeoJSON is not offered.
  CHECK_ERROR(get("fastcgi", "/ops", {{"Accept", "application/geo+json"}}), 406, "PGRST107");
}

BOOST_AUTO_TEST_CASE(execution_plan_media_type) {
  Headers plan_text = {{"Accept", "application/vnd.pgrst.plan"}};
  CHECK_ERROR(get("fastcgi", "/ops?id=eq.1", plan_text), 406, "PGRST107");
  std::vector<std::string> on = {"PGRST_DB_PLAN_ENABLED=true"};
  auto text = cgi("GET", "/ops?id=eq.1", on, plan_text);
  BOOST_TEST(text.status == 200, text.body);
  BOOST_TEST(text.header("content-type").value_or("") ==
             "application/vnd.pgrst.plan+text; for=\"application/json\"; charset=utf-8");
  BOOST_TEST(text.body.find("Aggregate") != std::string::npos, text.body);
  auto json = cgi("GET", "/ops?id=eq.1", on,
                  {{"Accept", "application/vnd.pgrst.plan+json; for=\"text/csv\"; options=analyze|verbose"}});
  BOOST_TEST(json.status == 200, json.body);
  BOOST_TEST(json.header("content-type").value_or("") ==
             "application/vnd.pgrst.plan+json; for=\"text/csv\"; charset=utf-8");
  BOOST_TEST(json_norm(json.body).find("\"Actual Rows\":") != std::string::npos, json.body);
  BOOST_TEST(json_norm(json.body).find("\"Output\":") != std::string::npos, json.body);
}

// Writes and calls answer the plan too (200, as PostgREST): EXPLAIN alone changes nothing, ANALYZE
// runs the statement and commits it unless the request is a dry run.
BOOST_AUTO_TEST_CASE(execution_plan_of_writes_and_calls) {
  const std::vector<std::string> on = {"PGRST_DB_PLAN_ENABLED=true", "PGRST_DB_TX_END=commit-allow-override"};
  auto items = [] { return sql_value("select count(*) from test.w_items").value_or("?"); };
  sql_exec("delete from test.w_child; delete from test.w_items; insert into test.w_items (id, name) values (1, 'a'), (2, 'b')");
  auto send = [&](const char* method, const std::string& target, const std::string& accept,
                  const std::string& prefer, const std::string& body) {
    Headers h = {{"Accept", accept}, {"Content-Type", "application/json"}};
    if (!prefer.empty()) h.push_back({"Prefer", prefer});
    return cgi(method, target, on, h, body);
  };
  auto posted = send("POST", "/w_items", "application/vnd.pgrst.plan+json", "return=representation",
                     R"({"id":3,"name":"c"})");
  BOOST_TEST(posted.status == 200, posted.body);
  BOOST_TEST(posted.header("content-type").value_or("") ==
             "application/vnd.pgrst.plan+json; for=\"application/json\"; charset=utf-8");
  BOOST_TEST(json_norm(posted.body).find(R"("Node Type":"ModifyTable")") != std::string::npos, posted.body);
  // The checks a write would run (PUT's one row, strict max-affected, a singular body) count rows
  // EXPLAIN never produces: they are not applied to a plan.
  BOOST_TEST(send("PUT", "/w_items?id=eq.9", "application/vnd.pgrst.plan", "", R"({"id":9,"name":"z"})").status == 200);
  BOOST_TEST(send("PATCH", "/w_items", "application/vnd.pgrst.plan", "handling=strict, max-affected=1",
                  R"({"name":"x"})").status == 200);
  auto deleted = send("DELETE", "/w_items", "application/vnd.pgrst.plan; for=\"application/vnd.pgrst.object+json\"", "", "");
  BOOST_TEST(deleted.status == 200, deleted.body);
  BOOST_TEST(deleted.body.find("Delete on w_items") != std::string::npos, deleted.body);
  BOOST_TEST(items() == "2");
  BOOST_TEST(sql_value("select string_agg(name, ',' order by id) from test.w_items").value_or("") == "a,b");
  // ANALYZE executes: undone by tx=rollback, kept otherwise.
  auto dry = send("POST", "/w_items", "application/vnd.pgrst.plan; options=analyze", "tx=rollback", R"({"id":4,"name":"d"})");
  BOOST_TEST(dry.status == 200, dry.body);
  BOOST_TEST(dry.body.find("actual time=") != std::string::npos, dry.body);
  BOOST_TEST(items() == "2");
  BOOST_TEST(send("POST", "/w_items", "application/vnd.pgrst.plan; options=analyze", "", R"({"id":5,"name":"e"})").status == 200);
  BOOST_TEST(items() == "3");
  // RPC: a volatile function is planned, not called; GET with another target type.
  std::string logs = sql_value("select count(*) from test.rpc_log").value_or("?");
  auto call = send("POST", "/rpc/add_log", "application/vnd.pgrst.plan+json", "", R"({"msg":"planned"})");
  BOOST_TEST(call.status == 200, call.body);
  BOOST_TEST(json_norm(call.body).find(R"("Plan":)") != std::string::npos, call.body);
  BOOST_TEST(sql_value("select count(*) from test.rpc_log").value_or("") == logs);
  auto series = cgi("GET", "/rpc/all_items", on, {{"Accept", "application/vnd.pgrst.plan; for=\"text/csv\""}});
  BOOST_TEST(series.status == 200, series.body);
  BOOST_TEST(series.header("content-type").value_or("") ==
             "application/vnd.pgrst.plan+text; for=\"text/csv\"; charset=utf-8");
  // Off by default, for writes and calls as for reads.
  CHECK_ERROR(http("POST", base_url("fastcgi"), "/w_items",
                   {{"Accept", "application/vnd.pgrst.plan"}, {"Content-Type", "application/json"}},
                   R"({"id":6,"name":"f"})"), 406, "PGRST107");
  CHECK_ERROR(get("fastcgi", "/rpc/series?n=3", {{"Accept", "application/vnd.pgrst.plan"}}), 406, "PGRST107");
  BOOST_TEST(items() == "3");
}

BOOST_AUTO_TEST_CASE(custom_media_type_handlers) {
  auto text = get("fastcgi", "/sales?order=id", {{"Accept", "text/plain"}});
  BOOST_TEST(text.status == 200, text.body);
  BOOST_TEST(text.header("content-type").value_or("") == "text/plain");
  BOOST_TEST(text.body == "north:10.5\nnorth:20\nsouth:5\n");
  // An explicit select only reaches anyelement handlers.
  CHECK_ERROR(get("fastcgi", "/sales?select=id", {{"Accept", "text/plain"}}), 406, "PGRST107");
  auto bytes = get("fastcgi", "/items?select=id&id=lt.3", {{"Accept", "application/octet-stream"}});
  BOOST_TEST(bytes.status == 200, bytes.body);
  BOOST_TEST(bytes.header("content-type").value_or("") == "application/octet-stream");
  BOOST_TEST(bytes.body == std::string("\x00\xff\x00\xff", 4));
  // A relation's */* handler answers every Accept for the default select.
  auto any = get("fastcgi", "/events", {{"Accept", "application/json"}});
  BOOST_TEST(any.status == 200, any.body);
  BOOST_TEST(any.header("content-type").value_or("") == "application/octet-stream");
  BOOST_TEST(any.body == "1");
  auto json = get("fastcgi", "/sales?select=id&order=id&limit=1");
  BOOST_TEST(json.header("content-type").value_or("") == "application/json; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(relation_kinds_and_hidden_partitions) {
  auto mv = get("fastcgi", "/sales_by_region?order=region");
  BOOST_TEST(json_norm(mv.body) == json_norm(R"([{"region":"north","total":30.5},{"region":"south","total":5}])"));
  auto parted = get("fastcgi", "/measurements");
  BOOST_TEST(json_norm(parted.body) == R"([{"id":1,"region":"north"}])");
  CHECK_ERROR(get("fastcgi", "/measurements_north"), 404, "PGRST205");
}

BOOST_AUTO_TEST_CASE(quotes_commas_and_dots_in_names) {
  // /we,ird."name  with select "a\"b","c.d" and a filter on "c.d"
  auto r = get("fastcgi", "/we,ird.%22name?select=%22a%5C%22b%22,%22c.d%22&%22c.d%22=eq.x");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"a\"b":7,"c.d":"x"}])");
}

BOOST_AUTO_TEST_SUITE_END()
