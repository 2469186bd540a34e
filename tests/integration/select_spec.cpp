// select= beyond plain columns: computed fields and aggregates (db-aggregates-enabled).
#include "spec_util.hpp"

using namespace pgtest;

BOOST_AUTO_TEST_SUITE(select_features)

BOOST_AUTO_TEST_CASE(computed_fields_in_select_filter_and_order) {
  auto r = get("fastcgi", "/sales?select=id,doubled,tag:label&doubled=gt.15&order=label.desc");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == json_norm(R"([{"id":2,"doubled":40,"tag":"north#2"},{"id":1,"doubled":21.0,"tag":"north#1"}])"));
  CHECK_ERROR(get("fastcgi", "/sales?select=nonexistent_fn"), 400, "42703");
}

BOOST_AUTO_TEST_CASE(aggregates_are_off_by_default) {
  auto r = get("fastcgi", "/sales?select=amount.sum()");
  CHECK_ERROR(r, 400, "PGRST123");
  BOOST_TEST(r.body.find("Use of aggregate functions is not allowed") != std::string::npos);
}

// The column-style count PostgREST clients use (`.select('*, films(count)')` in postgrest-js):
// `alias.count` is PostgreSQL's `count(alias)`, so it works with aggregates off.
BOOST_AUTO_TEST_CASE(column_style_count_works_with_aggregates_off) {
  auto all = get("fastcgi", "/sales?select=count");
  BOOST_TEST(all.status == 200, all.body);
  BOOST_TEST(json_norm(all.body) == R"([{"count":3}])", all.body);
  auto north = get("fastcgi", "/sales?select=n:count::text&region=eq.north");
  BOOST_TEST(json_norm(north.body) == R"([{"n":"2"}])", north.body);
  auto embedded = get("fastcgi", "/directors?select=name,films!films_director_id_fkey(count)&order=id");
  BOOST_TEST(embedded.status == 200, embedded.body);
  BOOST_TEST(json_norm(embedded.body) == json_norm(R"([{"name":"Kubrick","films":[{"count":1}]},
    {"name":"Kurosawa","films":[{"count":2}]},{"name":"Nobody","films":[{"count":0}]}])"), embedded.body);
  // Still PostgreSQL's rules: no other column without GROUP BY, no JSON path, not a filter.
  CHECK_ERROR(get("fastcgi", "/sales?select=region,count"), 400, "42803");
  CHECK_ERROR(get("fastcgi", "/sales?select=count->>x"), 400, "42703");
  CHECK_ERROR(get("fastcgi", "/sales?count=eq.3"), 400, "42703");
}

BOOST_AUTO_TEST_CASE(aggregates_when_enabled) {
  std::vector<std::string> on = {"PGRST_DB_AGGREGATES_ENABLED=true"};
  auto sum = cgi("GET", "/sales?select=amount.sum()", on);
  BOOST_TEST(sum.status == 200, sum.body);
  BOOST_TEST(json_norm(sum.body) == json_norm(R"([{"sum":35.5}])"));
  auto grouped = cgi("GET", "/sales?select=region,total:amount.sum(),count(),qty.max()&order=region", on);
  BOOST_TEST(json_norm(grouped.body) ==
             json_norm(R"([{"region":"north","total":30.5,"count":2,"max":2},{"region":"south","total":5,"count":1,"max":3}])"));
  auto casts = cgi("GET", "/sales?select=amount::int.sum(),qty.avg()::int,n:count()::text", on);
  BOOST_TEST(json_norm(casts.body) == R"([{"sum":36,"avg":2,"n":"3"}])", casts.body);
  auto filtered = cgi("GET", "/sales?select=region,count()&amount=gt.6&order=region", on);
  BOOST_TEST(json_norm(filtered.body) == R"([{"region":"north","count":2}])", filtered.body);
}

BOOST_AUTO_TEST_SUITE_END()
