// Writes over real HTTP (FastCGI and CGI): POST (bulk, CSV, form, upsert), PUT, PATCH, DELETE,
// every Prefer option, the rollback checks, and the database state read back after each write.
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "pgrest/http.hpp"
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace pgtest {
int run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
        std::string& output, const std::string& input, bool merge_stderr);
}

namespace {

// A write with a JSON body unless the headers name another Content-Type.
HttpResponse send(const std::string& fe, const std::string& method, const std::string& target,
                  const std::string& body = "", Headers headers = {}) {
  bool typed = false;
  for (const auto& h : headers) typed = typed || pgrest::iequals(h.first, "content-type");
  if (!typed) headers.push_back({"Content-Type", "application/json"});
  return http(method, base_url(fe), target, headers, body);
}

std::string q(const std::string& sql) { return sql_value(sql).value_or("<null>"); }

// The table's rows as one JSON array ordered by the first column, read as the superuser.
std::string rows(const std::string& table, const std::string& order = "t") {
  return json_norm(q("select coalesce(json_agg(t order by " + order + "), '[]') from test." +
                     table + " t"));
}

void seed_items() {
  sql_exec("delete from test.w_child; delete from test.w_items; insert into test.w_items (id, name, price) "
           "values (1, 'a', 1), (2, 'b', 2), (3, 'c', 3)");
}

void check_no_body(const HttpResponse& r) {
  BOOST_TEST(r.body.empty());
  BOOST_TEST(!r.has_header("content-type"));
}

}  // namespace


BOOST_AUTO_TEST_SUITE(write_insert)

BOOST_DATA_TEST_CASE(single_object_returns_201_without_body, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items", R"({"id":1,"name":"apple"})");
  BOOST_TEST(r.status == 201);
  check_no_body(r);
  BOOST_TEST(r.header("content-length").value_or("") == "0");
  BOOST_TEST(r.header("content-range").value_or("") == "*/*");
  BOOST_TEST(!r.has_header("location"));
  BOOST_TEST(!r.has_header("preference-applied"));
  BOOST_TEST(rows("w_items") ==
             R"([{"id":1,"name":"apple","price":null,"note":"none","created":"2026-01-01"}])");
}

BOOST_DATA_TEST_CASE(bulk_insert_with_representation_select_and_count, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items?select=id,label:name,price::text",
                R"([{"id":1,"name":"a","price":1.5},{"id":2,"name":"b","price":null}])",
                {{"Prefer", "return=representation, count=exact"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(json_norm(r.body) ==
             R"([{"id":1,"label":"a","price":"1.5"},{"id":2,"label":"b","price":null}])");
  BOOST_TEST(r.header("content-type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(r.header("content-range").value_or("") == "*/2");
  BOOST_TEST(r.header("preference-applied").value_or("") == "return=representation, count=exact");
  BOOST_TEST(q("select count(*) from test.w_items") == "2");
}

BOOST_DATA_TEST_CASE(empty_object_inserts_a_default_row_and_location, bdata::make(kFrontends), fe) {
  sql_exec("truncate test.w_serial restart identity");
  auto r = send(fe, "POST", "/w_serial", "{}", {{"Prefer", "return=headers-only"}});
  BOOST_TEST(r.status == 201);
  check_no_body(r);
  BOOST_TEST(r.header("location").value_or("") == "/w_serial?id=eq.1");
  BOOST_TEST(r.header("preference-applied").value_or("") == "return=headers-only");
  BOOST_TEST(rows("w_serial") == R"([{"id":1,"name":"unnamed","flag":true}])");
  // Two rows: no Location.
  auto two = send(fe, "POST", "/w_serial", R"([{"name":"x"},{"name":"y"}])",
                  {{"Prefer", "return=headers-only"}});
  BOOST_TEST(two.status == 201);
  BOOST_TEST(!two.has_header("location"));
  BOOST_TEST(q("select count(*) from test.w_serial") == "3");
}

BOOST_DATA_TEST_CASE(location_is_query_encoded_for_composite_keys, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_compound");
  auto r = send(fe, "POST", "/w_compound", R"({"k1":7,"k2":"a b&c","v":"x"})",
                {{"Prefer", "return=headers-only"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.header("location").value_or("") == "/w_compound?k1=eq.7&k2=eq.a+b%26c");
}

BOOST_DATA_TEST_CASE(empty_array_inserts_nothing, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items", "[]", {{"Prefer", "return=representation"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.body == "[]");
  BOOST_TEST(r.header("content-range").value_or("") == "*/*");
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
}

BOOST_DATA_TEST_CASE(columns_restrict_the_keys, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items?columns=id,name",
                R"([{"id":1,"name":"a","bogus":1},{"id":2,"name":"b","price":3}])");
  BOOST_TEST(r.status == 201);
  BOOST_TEST(rows("w_items") ==
             R"([{"id":1,"name":"a","price":null,"note":"none","created":"2026-01-01"},{"id":2,"name":"b","price":null,"note":"none","created":"2026-01-01"}])");
  auto bad = send(fe, "POST", "/w_items?columns=id,nope", R"({"id":3})");
  CHECK_ERROR(bad, 400, "PGRST204");
  BOOST_TEST(json_norm(bad.body) ==
             R"({"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'nope' column of 'w_items' in the schema cache"})");
}

BOOST_DATA_TEST_CASE(body_errors_are_PGRST102_or_PGRST204, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto unknown = send(fe, "POST", "/w_items", R"({"id":1,"name":"a","colour":"red"})");
  CHECK_ERROR(unknown, 400, "PGRST204");
  BOOST_TEST(json_norm(unknown.body) ==
             R"({"code":"PGRST204","details":null,"hint":null,"message":"Could not find the 'colour' column of 'w_items' in the schema cache"})");
  auto keys = send(fe, "POST", "/w_items", R"([{"id":1,"name":"a"},{"id":2,"name":"b","price":1}])");
  CHECK_ERROR(keys, 400, "PGRST102");
  BOOST_TEST(json_norm(keys.body) ==
             R"({"code":"PGRST102","details":null,"hint":null,"message":"All object keys must match"})");
  auto invalid = send(fe, "POST", "/w_items", R"(}{ x = 2)");
  CHECK_ERROR(invalid, 400, "PGRST102");
  BOOST_TEST(json_norm(invalid.body) ==
             R"({"code":"PGRST102","details":null,"hint":null,"message":"Empty or invalid json"})");
  CHECK_ERROR(send(fe, "POST", "/w_items", ""), 400, "PGRST102");
  auto ct = send(fe, "POST", "/w_items", "hello", {{"Content-Type", "text/plain"}});
  CHECK_ERROR(ct, 400, "PGRST102");
  BOOST_TEST(json_norm(ct.body) ==
             R"({"code":"PGRST102","details":null,"hint":null,"message":"Content-Type not acceptable: text/plain"})");
  CHECK_ERROR(send(fe, "POST", "/w_nothere", R"({"id":1})"), 404, "PGRST205");
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
}

BOOST_DATA_TEST_CASE(missing_default_uses_column_and_domain_defaults, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_defaults");
  auto r = send(fe, "POST", "/w_defaults?columns=id,score,label",
                R"([{"id":1},{"id":2,"score":3,"label":"x"}])",
                {{"Prefer", "return=representation, missing=default"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.header("preference-applied").value_or("") == "missing=default, return=representation");
  BOOST_TEST(rows("w_defaults") ==
             R"([{"id":1,"score":7,"label":"lbl","tags":null,"data":null},{"id":2,"score":3,"label":"x","tags":null,"data":null}])");
  // Without the preference an absent key is NULL.
  auto n = send(fe, "POST", "/w_defaults?columns=id,score,label", R"([{"id":3}])");
  BOOST_TEST(n.status == 201);
  BOOST_TEST(q("select row(score, label)::text from test.w_defaults where id = 3") == "(,)");
}

BOOST_DATA_TEST_CASE(json_values_keep_their_types, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_defaults");
  auto r = send(fe, "POST", "/w_defaults",
                R"({"id":1,"score":2,"label":"ab'c","tags":["a","b c"],"data":{"k":[1,{"x":null}]}})");
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(rows("w_defaults") ==
             R"([{"id":1,"score":2,"label":"ab'c","tags":["a","b c"],"data":{"k":[1,{"x":null}]}}])");
  auto too_long = send(fe, "POST", "/w_defaults", R"({"id":2,"label":"toolong"})");
  CHECK_ERROR(too_long, 400, "22001");
}

BOOST_DATA_TEST_CASE(csv_bodies, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_nopk");
  auto r = send(fe, "POST", "/w_nopk", "a,b\nfoo,bar\nNULL,\"x,\"\"y\"\"\"\n,",
                {{"Content-Type", "text/csv"}});
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(rows("w_nopk", "a nulls first, b") ==
             R"([{"a":null,"b":"x,\"y\""},{"a":"","b":""},{"a":"foo","b":"bar"}])");
  auto ragged = send(fe, "POST", "/w_nopk", "a,b\nfoo,bar\nbaz", {{"Content-Type", "text/csv"}});
  CHECK_ERROR(ragged, 400, "PGRST102");
  BOOST_TEST(json_norm(ragged.body) ==
             R"({"code":"PGRST102","details":null,"hint":null,"message":"All lines must have same number of fields"})");
  BOOST_TEST(q("select count(*) from test.w_nopk") == "3");
}

BOOST_DATA_TEST_CASE(form_bodies, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items", "id=5&name=five+%26+more",
                {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Prefer", "return=representation"}});
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(q("select name from test.w_items where id = 5") == "five & more");
}

BOOST_DATA_TEST_CASE(singular_representation, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  Headers object = {{"Prefer", "return=representation"},
                    {"Accept", "application/vnd.pgrst.object+json"}};
  auto one = send(fe, "POST", "/w_items?select=id,name", R"({"id":1,"name":"a"})", object);
  BOOST_TEST(one.status == 201);
  BOOST_TEST(json_norm(one.body) == R"({"id":1,"name":"a"})");
  BOOST_TEST(one.header("content-type").value_or("") ==
             "application/vnd.pgrst.object+json; charset=utf-8");
  // Two rows: 406 and nothing written, whatever the return preference.
  for (const char* ret : {"return=representation", "return=minimal"}) {
    auto two = send(fe, "POST", "/w_items", R"([{"id":2,"name":"b"},{"id":3,"name":"c"}])",
                    {{"Prefer", ret}, {"Accept", "application/vnd.pgrst.object+json"}});
    CHECK_ERROR(two, 406, "PGRST116");
    BOOST_TEST(json_norm(two.body) ==
               R"({"code":"PGRST116","details":"The result contains 2 rows","hint":null,"message":"Cannot coerce the result to a single JSON object"})");
  }
  BOOST_TEST(q("select string_agg(id::text, ',' order by id) from test.w_items") == "1");
}

BOOST_DATA_TEST_CASE(representation_embeds_related_rows, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = send(fe, "POST", "/w_child?select=id,item:w_items(id,name)", R"([{"id":5,"item_id":2}])",
                {{"Prefer", "return=representation"}});
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"id":5,"item":{"id":2,"name":"b"}}])");
  // The root filter is the UPDATE's WHERE only: rows whose name changed are still returned.
  auto p = send(fe, "PATCH", "/w_items?id=eq.2&name=eq.b&select=name,w_child(id)", R"({"name":"bb"})",
                {{"Prefer", "return=representation"}});
  BOOST_TEST(p.status == 200, p.body);
  BOOST_TEST(json_norm(p.body) == R"([{"name":"bb","w_child":[{"id":5}]}])");
}

BOOST_DATA_TEST_CASE(csv_representation, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = send(fe, "POST", "/w_items?select=id,name", R"([{"id":1,"name":"a"},{"id":2,"name":"b,c"}])",
                {{"Prefer", "return=representation"}, {"Accept", "text/csv"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.body == "id,name\n1,a\n2,\"b,c\"");
  BOOST_TEST(r.header("content-type").value_or("") == "text/csv; charset=utf-8");
}

BOOST_DATA_TEST_CASE(trigger_set_response_headers_apply, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_gucs");
  auto r = send(fe, "POST", "/w_gucs", R"({"id":1})");
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.header("x-written").value_or("") == "yes");
}

BOOST_DATA_TEST_CASE(views_with_instead_of_triggers, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_base");
  auto r = send(fe, "POST", "/w_view", R"({"id":2,"name":"abc"})", {{"Prefer", "return=representation"}});
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"id":4,"name":"ABC"}])");
  BOOST_TEST(rows("w_base") == R"([{"id":4,"name":"ABC"}])");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_upsert)

BOOST_DATA_TEST_CASE(merge_duplicates_is_200_when_only_updating, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_upsert; insert into test.w_upsert values ('Go', 1, 'keep')");
  Headers h = {{"Prefer", "return=representation, resolution=merge-duplicates"}};
  auto upd = send(fe, "POST", "/w_upsert?select=name,rank", R"([{"name":"Go","rank":5}])", h);
  BOOST_TEST(upd.status == 200);
  BOOST_TEST(json_norm(upd.body) == R"([{"name":"Go","rank":5}])");
  BOOST_TEST(upd.header("preference-applied").value_or("") ==
             "resolution=merge-duplicates, return=representation");
  auto mixed = send(fe, "POST", "/w_upsert?select=name,rank",
                    R"([{"name":"Go","rank":6},{"name":"Rust","rank":2}])", h);
  BOOST_TEST(mixed.status == 201);
  BOOST_TEST(json_norm(mixed.body) == R"([{"name":"Go","rank":6},{"name":"Rust","rank":2}])");
  // Columns left out of the payload keep their value on update.
  BOOST_TEST(rows("w_upsert") ==
             R"([{"name":"Go","rank":6,"extra":"keep"},{"name":"Rust","rank":2,"extra":null}])");
  auto minimal = send(fe, "POST", "/w_upsert", R"({"name":"Go","rank":7})",
                      {{"Prefer", "resolution=merge-duplicates"}});
  BOOST_TEST(minimal.status == 200);
  check_no_body(minimal);
  BOOST_TEST(q("select rank from test.w_upsert where name = 'Go'") == "7");
}

BOOST_DATA_TEST_CASE(ignore_duplicates_skips_existing_rows, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_upsert; insert into test.w_upsert values ('Go', 1, null)");
  auto r = send(fe, "POST", "/w_upsert?select=name,rank", R"([{"name":"Go","rank":9},{"name":"C","rank":3}])",
                {{"Prefer", "return=representation, resolution=ignore-duplicates"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(json_norm(r.body) == R"([{"name":"C","rank":3}])");
  BOOST_TEST(r.header("preference-applied").value_or("") ==
             "resolution=ignore-duplicates, return=representation");
  BOOST_TEST(rows("w_upsert") ==
             R"([{"name":"C","rank":3,"extra":null},{"name":"Go","rank":1,"extra":null}])");
}

BOOST_DATA_TEST_CASE(on_conflict_names_the_target, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_unique; insert into test.w_unique values (1, 'A', 'old')");
  auto r = send(fe, "POST", "/w_unique?on_conflict=code", R"({"id":1,"code":"A","v":"new"})",
                {{"Prefer", "resolution=merge-duplicates"}});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(rows("w_unique") == R"([{"id":1,"code":"A","v":"new"}])");
  auto unknown = send(fe, "POST", "/w_unique?on_conflict=nope", R"({"id":2,"code":"B"})",
                      {{"Prefer", "resolution=merge-duplicates"}});
  CHECK_ERROR(unknown, 400, "PGRST204");
  // Without a resolution, on_conflict changes nothing: the duplicate is a 409.
  auto dup = send(fe, "POST", "/w_unique?on_conflict=code", R"({"id":3,"code":"A"})");
  CHECK_ERROR(dup, 409, "23505");
}

BOOST_DATA_TEST_CASE(no_conflict_target_means_plain_insert, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_nopk");
  auto r = send(fe, "POST", "/w_nopk", R"({"a":"x","b":"y"})",
                {{"Prefer", "resolution=merge-duplicates, return=minimal"}});
  BOOST_TEST(r.status == 201);
  BOOST_TEST(r.header("preference-applied").value_or("") == "return=minimal");
  BOOST_TEST(q("select count(*) from test.w_nopk") == "1");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_put)

BOOST_DATA_TEST_CASE(put_inserts_then_replaces, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_upsert");
  Headers rep = {{"Prefer", "return=representation"}};
  auto ins = send(fe, "PUT", "/w_upsert?name=eq.Go", R"({"name":"Go","rank":19})", rep);
  BOOST_TEST(ins.status == 201);
  BOOST_TEST(json_norm(ins.body) == R"([{"name":"Go","rank":19,"extra":null}])");
  BOOST_TEST(ins.header("preference-applied").value_or("") == "return=representation");
  auto rep2 = send(fe, "PUT", "/w_upsert?name=eq.Go", R"({"name":"Go","rank":20,"extra":"e"})", rep);
  BOOST_TEST(rep2.status == 200);
  BOOST_TEST(json_norm(rep2.body) == R"([{"name":"Go","rank":20,"extra":"e"}])");
  auto minimal = send(fe, "PUT", "/w_upsert?name=eq.Go", R"({"name":"Go","rank":21})");
  BOOST_TEST(minimal.status == 204);
  check_no_body(minimal);
  BOOST_TEST(rows("w_upsert") == R"([{"name":"Go","rank":21,"extra":"e"}])");
}

BOOST_DATA_TEST_CASE(put_with_a_composite_key, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_compound");
  auto r = send(fe, "PUT", "/w_compound?k2=eq.a&k1=eq.1", R"({"k1":1,"k2":"a","v":"x"})");
  BOOST_TEST(r.status == 204, r.body);
  BOOST_TEST(rows("w_compound") == R"([{"k1":1,"k2":"a","v":"x"}])");
  CHECK_ERROR(send(fe, "PUT", "/w_compound?k1=eq.1", R"({"k1":1,"k2":"a"})"), 405, "PGRST105");
}

BOOST_DATA_TEST_CASE(put_filter_rules, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_upsert");
  const char* bad[] = {"/w_upsert?rank=eq.19", "/w_upsert?name=gt.C", "/w_upsert?name=not.eq.C",
                       "/w_upsert?name=eq.C&rank=eq.1", "/w_upsert?or=(name.eq.C)",
                       "/w_upsert", "/w_nopk?a=eq.x", "/w_upsert?name=eq(any).{C}"};
  for (const char* target : bad) {
    auto r = send(fe, "PUT", target, R"({"name":"C","rank":1})");
    CHECK_ERROR(r, 405, "PGRST105");
    BOOST_TEST(json_norm(r.body) ==
               R"({"code":"PGRST105","details":null,"hint":null,"message":"Filters must include all and only primary key columns with 'eq' operators"})",
               target);
  }
  auto limit = send(fe, "PUT", "/w_upsert?name=eq.C&limit=1", R"({"name":"C","rank":1})");
  CHECK_ERROR(limit, 400, "PGRST114");
  BOOST_TEST(json_norm(limit.body) ==
             R"({"code":"PGRST114","details":null,"hint":null,"message":"limit/offset querystring parameters are not allowed for PUT"})");
  CHECK_ERROR(send(fe, "PUT", "/w_upsert?name=eq.C&offset=1", R"({"name":"C"})"), 400, "PGRST114");
  BOOST_TEST(q("select count(*) from test.w_upsert") == "0");
}

BOOST_DATA_TEST_CASE(put_payload_must_match_the_url, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_upsert; insert into test.w_upsert values ('MATLAB', 5, null)");
  auto r = send(fe, "PUT", "/w_upsert?name=eq.MATLAB", R"([{"name":"Perl","rank":17}])",
                {{"Prefer", "return=representation"}});
  CHECK_ERROR(r, 400, "PGRST115");
  BOOST_TEST(json_norm(r.body) ==
             R"j({"code":"PGRST115","details":null,"hint":null,"message":"Payload values do not match URL in primary key column(s)"})j");
  CHECK_ERROR(send(fe, "PUT", "/w_upsert?name=eq.MATLAB", R"({"rank":17})"), 400, "PGRST115");
  BOOST_TEST(rows("w_upsert") == R"([{"name":"MATLAB","rank":5,"extra":null}])");
  // An array body: only the row whose key matches the URL is written.
  auto array = send(fe, "PUT", "/w_upsert?name=eq.MATLAB",
                    R"([{"name":"Perl","rank":1},{"name":"MATLAB","rank":2}])");
  BOOST_TEST(array.status == 204, array.body);
  BOOST_TEST(rows("w_upsert") == R"([{"name":"MATLAB","rank":2,"extra":null}])");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_update)

BOOST_DATA_TEST_CASE(patch_with_filters, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = send(fe, "PATCH", "/w_items?id=gte.2", R"({"price":9,"note":"x"})");
  BOOST_TEST(r.status == 204);
  check_no_body(r);
  BOOST_TEST(!r.has_header("content-length"));
  BOOST_TEST(r.header("content-range").value_or("") == "0-1/*");
  BOOST_TEST(q("select string_agg(id || ':' || price || ':' || note, ',' order by id) from test.w_items") ==
             "1:1:none,2:9:x,3:9:x");
}

BOOST_DATA_TEST_CASE(patch_representation_and_count, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = send(fe, "PATCH", "/w_items?select=id,price&or=(id.eq.1,id.eq.3)", R"({"price":5})",
                {{"Prefer", "return=representation, count=exact"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1,"price":5},{"id":3,"price":5}])");
  BOOST_TEST(r.header("content-range").value_or("") == "0-1/2");
  BOOST_TEST(r.header("preference-applied").value_or("") == "return=representation, count=exact");
  BOOST_TEST(q("select string_agg(price::text, ',' order by id) from test.w_items") == "5,2,5");
  auto none = send(fe, "PATCH", "/w_items?id=eq.999", R"({"price":5})", {{"Prefer", "return=representation"}});
  BOOST_TEST(none.status == 200);
  BOOST_TEST(none.body == "[]");
  BOOST_TEST(none.header("content-range").value_or("") == "*/*");
}

// v13: order= sorts the rows a write returns (PostgREST ignored it before).
BOOST_DATA_TEST_CASE(order_sorts_the_returned_rows, bdata::make(kFrontends), fe) {
  seed_items();
  const Headers rep = {{"Prefer", "return=representation"}};
  auto patched = send(fe, "PATCH", "/w_items?select=id&order=id.desc", R"({"note":"x"})", rep);
  BOOST_TEST(json_norm(patched.body) == R"([{"id":3},{"id":2},{"id":1}])");
  auto posted = send(fe, "POST", "/w_items?select=id,name&order=name.desc",
                     R"([{"id":4,"name":"d"},{"id":6,"name":"f"},{"id":5,"name":"e"}])", rep);
  BOOST_TEST(posted.status == 201);
  BOOST_TEST(json_norm(posted.body) == R"([{"id":6,"name":"f"},{"id":5,"name":"e"},{"id":4,"name":"d"}])");
  // Sorted by a column the representation does not select.
  auto by_name = send(fe, "PATCH", "/w_items?select=id&id=gt.3&order=name.asc", R"({"note":"z"})", rep);
  BOOST_TEST(by_name.status == 200, by_name.body);
  BOOST_TEST(json_norm(by_name.body) == R"([{"id":4},{"id":5},{"id":6}])");
  auto deleted = send(fe, "DELETE", "/w_items?select=id&id=gt.3&order=id", "", rep);
  BOOST_TEST(json_norm(deleted.body) == R"([{"id":4},{"id":5},{"id":6}])");
  CHECK_ERROR(send(fe, "PATCH", "/w_items?order=nope", R"({"note":"y"})", rep), 400, "42703");
  BOOST_TEST(q("select count(*) from test.w_items where note = 'y'") == "0");
}

BOOST_DATA_TEST_CASE(patch_with_an_array_body_uses_the_first_object, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = send(fe, "PATCH", "/w_items?id=eq.1", R"([{"name":"first"},{"name":"second"}])");
  BOOST_TEST(r.status == 204);
  BOOST_TEST(q("select name from test.w_items where id = 1") == "first");
}

BOOST_DATA_TEST_CASE(empty_patch_is_a_no_op, bdata::make(kFrontends), fe) {
  seed_items();
  for (const char* body : {"{}", "[]", "[{}]"}) {
    auto r = send(fe, "PATCH", "/w_items?id=eq.1", body);
    BOOST_TEST(r.status == 204, body);
    BOOST_TEST(r.header("content-range").value_or("") == "*/*");
  }
  auto rep = send(fe, "PATCH", "/w_items", "{}", {{"Prefer", "return=representation"}});
  BOOST_TEST(rep.status == 200);
  BOOST_TEST(rep.body == "[]");
  BOOST_TEST(q("select string_agg(name || price, ',' order by id) from test.w_items") == "a1,b2,c3");
}

BOOST_DATA_TEST_CASE(patch_without_filters_updates_every_row, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = send(fe, "PATCH", "/w_items", R"({"note":"all"})", {{"Prefer", "count=exact"}});
  BOOST_TEST(r.status == 204);
  BOOST_TEST(r.header("content-range").value_or("") == "0-2/3");
  BOOST_TEST(q("select count(*) from test.w_items where note = 'all'") == "3");
}

BOOST_DATA_TEST_CASE(singular_patch_rolls_back, bdata::make(kFrontends), fe) {
  seed_items();
  auto many = send(fe, "PATCH", "/w_items", R"({"name":"z"})",
                   {{"Accept", "application/vnd.pgrst.object+json"}});
  CHECK_ERROR(many, 406, "PGRST116");
  BOOST_TEST(json_norm(many.body).find(R"("details":"The result contains 3 rows")") != std::string::npos);
  auto zero = send(fe, "PATCH", "/w_items?id=eq.99", R"({"name":"z"})",
                   {{"Accept", "application/vnd.pgrst.object+json"}});
  CHECK_ERROR(zero, 406, "PGRST116");
  BOOST_TEST(q("select count(*) from test.w_items where name = 'z'") == "0");
  auto one = send(fe, "PATCH", "/w_items?id=eq.2&select=id,name", R"({"name":"z"})",
                  {{"Accept", "application/vnd.pgrst.object+json"}, {"Prefer", "return=representation"}});
  BOOST_TEST(one.status == 200);
  BOOST_TEST(json_norm(one.body) == R"({"id":2,"name":"z"})");
  BOOST_TEST(q("select name from test.w_items where id = 2") == "z");
}

BOOST_DATA_TEST_CASE(max_affected_with_strict_handling, bdata::make(kFrontends), fe) {
  seed_items();
  auto over = send(fe, "PATCH", "/w_items?id=gte.1", R"({"note":"m"})",
                   {{"Prefer", "handling=strict, max-affected=2"}});
  CHECK_ERROR(over, 400, "PGRST124");
  BOOST_TEST(json_norm(over.body) ==
             R"({"code":"PGRST124","details":"The query affects 3 rows","hint":null,"message":"Query result exceeds max-affected preference constraint"})");
  BOOST_TEST(q("select count(*) from test.w_items where note = 'm'") == "0");
  auto ok = send(fe, "PATCH", "/w_items?id=gte.2", R"({"note":"m"})",
                 {{"Prefer", "handling=strict, max-affected=2"}});
  BOOST_TEST(ok.status == 204);
  BOOST_TEST(ok.header("preference-applied").value_or("") == "handling=strict, max-affected=2");
  auto lenient = send(fe, "PATCH", "/w_items", R"({"note":"l"})",
                      {{"Prefer", "handling=lenient, max-affected=1"}});
  BOOST_TEST(lenient.status == 204);
  BOOST_TEST(lenient.header("preference-applied").value_or("") == "handling=lenient");
  BOOST_TEST(q("select count(*) from test.w_items where note = 'l'") == "3");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_delete)

BOOST_DATA_TEST_CASE(delete_with_filters, bdata::make(kFrontends), fe) {
  seed_items();
  auto r = http("DELETE", base_url(fe), "/w_items?id=eq.1", {}, "ignored body");
  BOOST_TEST(r.status == 204);
  check_no_body(r);
  BOOST_TEST(r.header("content-range").value_or("") == "*/*");
  BOOST_TEST(q("select string_agg(id::text, ',' order by id) from test.w_items") == "2,3");
  auto rep = send(fe, "DELETE", "/w_items?id=eq.2&select=id,name", "",
                  {{"Prefer", "return=representation, count=exact"}});
  BOOST_TEST(rep.status == 200);
  BOOST_TEST(json_norm(rep.body) == R"([{"id":2,"name":"b"}])");
  BOOST_TEST(rep.header("content-range").value_or("") == "*/1");
  BOOST_TEST(q("select string_agg(id::text, ',' order by id) from test.w_items") == "3");
}

BOOST_DATA_TEST_CASE(delete_without_filters_removes_every_row, bdata::make(kFrontends), fe) {
  seed_items();
  auto over = send(fe, "DELETE", "/w_items", "", {{"Prefer", "handling=strict, max-affected=2"}});
  CHECK_ERROR(over, 400, "PGRST124");
  BOOST_TEST(q("select count(*) from test.w_items") == "3");
  auto r = send(fe, "DELETE", "/w_items", "", {{"Prefer", "count=exact"}});
  BOOST_TEST(r.status == 204);
  BOOST_TEST(r.header("content-range").value_or("") == "*/3");
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_errors)

BOOST_DATA_TEST_CASE(constraint_errors_write_nothing, bdata::make(kFrontends), fe) {
  seed_items();
  auto dup = send(fe, "POST", "/w_items", R"([{"id":10,"name":"x"},{"id":1,"name":"y"}])");
  CHECK_ERROR(dup, 409, "23505");
  BOOST_TEST(json_norm(dup.body) ==
             R"({"code":"23505","details":"Key (id)=(1) already exists.","hint":null,"message":"duplicate key value violates unique constraint \"w_items_pkey\""})");
  auto fk = send(fe, "POST", "/w_child", R"({"id":1,"item_id":99})");
  CHECK_ERROR(fk, 409, "23503");
  BOOST_TEST(json_norm(fk.body).find(R"j("details":"Key (item_id)=(99) is not present in table \"w_items\".")j") !=
             std::string::npos, fk.body);
  auto nn = send(fe, "POST", "/w_items", R"([{"id":11,"name":"ok"},{"id":12,"name":null}])");
  CHECK_ERROR(nn, 400, "23502");
  BOOST_TEST(nn.body.find("null value in column \\\"name\\\"") != std::string::npos, nn.body);
  auto del = send(fe, "DELETE", "/w_items?id=eq.1");
  BOOST_TEST(del.status == 204);
  sql_exec("insert into test.w_child values (1, 2)");
  CHECK_ERROR(send(fe, "DELETE", "/w_items?id=eq.2"), 409, "23503");
  BOOST_TEST(q("select string_agg(id::text, ',' order by id) from test.w_items") == "2,3");
  BOOST_TEST(q("select count(*) from test.w_child") == "1");
}

BOOST_DATA_TEST_CASE(deferred_constraints_fail_at_commit, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_deferred");
  auto r = send(fe, "POST", "/w_deferred", R"([{"id":1,"code":"x"},{"id":2,"code":"x"}])");
  CHECK_ERROR(r, 409, "23505");
  BOOST_TEST(q("select count(*) from test.w_deferred") == "0");
  // The connection is clean for the next request.
  BOOST_TEST(send(fe, "POST", "/w_deferred", R"({"id":1,"code":"x"})").status == 201);
  BOOST_TEST(q("select count(*) from test.w_deferred") == "1");
}

BOOST_DATA_TEST_CASE(privileges_are_401_or_403, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_locked");
  auto anon = send(fe, "POST", "/w_locked", R"({"id":1})");
  CHECK_ERROR(anon, 401, "42501");
  BOOST_TEST(anon.header("www-authenticate").value_or("") == "Bearer");
  BOOST_TEST(anon.body.find("permission denied for table w_locked") != std::string::npos);
  Headers user = {{"Authorization", "Bearer " + make_token(R"({"role":"web_user"})")}};
  CHECK_ERROR(send(fe, "POST", "/w_locked", R"({"id":1})", user), 403, "42501");
  CHECK_ERROR(send(fe, "PATCH", "/w_locked", R"({"v":"x"})", user), 403, "42501");
  CHECK_ERROR(send(fe, "DELETE", "/w_locked", "", user), 403, "42501");
  BOOST_TEST(q("select count(*) from test.w_locked") == "0");
}

BOOST_DATA_TEST_CASE(row_level_security_decides, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_rls; insert into test.w_rls values (1, 'web_user', 'theirs')");
  auto own = send(fe, "POST", "/w_rls", R"({"id":2,"v":"mine"})", {{"Prefer", "return=representation"}});
  BOOST_TEST(own.status == 201, own.body);
  BOOST_TEST(json_norm(own.body) == R"([{"id":2,"owner":"web_anon","v":"mine"}])");
  auto forged = send(fe, "POST", "/w_rls", R"({"id":3,"owner":"web_user"})");
  CHECK_ERROR(forged, 401, "42501");
  BOOST_TEST(forged.body.find("new row violates row-level security policy") != std::string::npos,
             forged.body);
  Headers user = {{"Authorization", "Bearer " + make_token(R"({"role":"web_user"})")}};
  CHECK_ERROR(send(fe, "POST", "/w_rls", R"({"id":4,"owner":"web_anon"})", user), 403, "42501");
  // USING hides other owners' rows: the anonymous PATCH of every row touches only its own.
  auto patch = send(fe, "PATCH", "/w_rls", R"({"v":"changed"})", {{"Prefer", "count=exact"}});
  BOOST_TEST(patch.header("content-range").value_or("") == "0-0/1");
  BOOST_TEST(rows("w_rls") ==
             R"([{"id":1,"owner":"web_user","v":"theirs"},{"id":2,"owner":"web_anon","v":"changed"}])");
}

BOOST_AUTO_TEST_SUITE_END()

// db-tx-end and Prefer: tx, through the CGI binary with its own configuration.
BOOST_AUTO_TEST_SUITE(write_transaction_end)

HttpResponse cgi_write(const std::string& tx_end, const std::string& method, const std::string& target,
                       const std::string& body, const std::string& prefer) {
  return cgi(method, target, {"PGRST_DB_TX_END=" + tx_end},
             {{"Content-Type", "application/json"}, {"Prefer", prefer}}, body);
}

BOOST_AUTO_TEST_CASE(rollback_answers_as_if_committed) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto r = cgi_write("rollback", "POST", "/w_items?select=id,name", R"({"id":1,"name":"dry"})",
                     "return=representation");
  BOOST_TEST(r.status == 201, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1,"name":"dry"}])");
  BOOST_TEST(r.header("preference-applied").value_or("") == "return=representation");
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
  // tx=commit is not honoured without -allow-override.
  auto c = cgi_write("rollback", "POST", "/w_items", R"({"id":1,"name":"dry"})", "tx=commit");
  BOOST_TEST(c.status == 201);
  BOOST_TEST(!c.has_header("preference-applied"));
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
  // Errors still surface in a dry run.
  auto bad = cgi_write("rollback", "POST", "/w_items", R"({"id":1})", "");
  BOOST_TEST(bad.status == 400);
}

BOOST_AUTO_TEST_CASE(rollback_allow_override) {
  sql_exec("delete from test.w_child; delete from test.w_items");
  auto dry = cgi_write("rollback-allow-override", "POST", "/w_items", R"({"id":1,"name":"a"})", "");
  BOOST_TEST(dry.status == 201);
  BOOST_TEST(q("select count(*) from test.w_items") == "0");
  auto keep = cgi_write("rollback-allow-override", "POST", "/w_items", R"({"id":1,"name":"a"})",
                        "tx=commit");
  BOOST_TEST(keep.status == 201);
  BOOST_TEST(keep.header("preference-applied").value_or("") == "tx=commit");
  BOOST_TEST(q("select count(*) from test.w_items") == "1");
  auto del = cgi_write("rollback-allow-override", "DELETE", "/w_items", "",
                       "tx=rollback, return=representation, count=exact");
  BOOST_TEST(del.status == 200);
  BOOST_TEST(del.header("preference-applied").value_or("") == "return=representation, count=exact, tx=rollback");
  BOOST_TEST(del.header("content-range").value_or("") == "*/1");
  BOOST_TEST(q("select count(*) from test.w_items") == "1");
}

BOOST_AUTO_TEST_CASE(commit_allow_override) {
  sql_exec("delete from test.w_child; delete from test.w_items; insert into test.w_items (id, name) values (1, 'a')");
  auto dry = cgi_write("commit-allow-override", "PATCH", "/w_items?id=eq.1", R"({"name":"b"})",
                       "tx=rollback, return=representation");
  BOOST_TEST(dry.status == 200);
  BOOST_TEST(json_norm(dry.body).find(R"("name":"b")") != std::string::npos, dry.body);
  BOOST_TEST(dry.header("preference-applied").value_or("") == "return=representation, tx=rollback");
  BOOST_TEST(q("select name from test.w_items") == "a");
  auto put = cgi_write("commit-allow-override", "PUT", "/w_items?id=eq.2", R"({"id":2,"name":"p"})",
                       "tx=rollback");
  BOOST_TEST(put.status == 204);
  BOOST_TEST(q("select count(*) from test.w_items") == "1");
  auto keep = cgi_write("commit-allow-override", "PATCH", "/w_items?id=eq.1", R"({"name":"c"})", "");
  BOOST_TEST(keep.status == 204);
  BOOST_TEST(q("select name from test.w_items") == "c");
  // With the default db-tx-end, tx=rollback is ignored and not echoed.
  auto ignored = cgi_write("commit", "PATCH", "/w_items?id=eq.1", R"({"name":"d"})", "tx=rollback");
  BOOST_TEST(ignored.status == 204);
  BOOST_TEST(!ignored.has_header("preference-applied"));
  BOOST_TEST(q("select name from test.w_items") == "d");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(write_atomicity)

// The backend serving the write is terminated while the row's trigger sleeps: the client gets an
// error and the row is not there.
BOOST_DATA_TEST_CASE(a_dropped_connection_writes_nothing, bdata::make(kFrontends), fe) {
  sql_exec("delete from test.w_slow");
  std::thread killer([] {
    for (int i = 0; i < 50; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      auto n = sql_value(
          "select count(pg_terminate_backend(pid)) from pg_stat_activity "
          "where query like '%w_slow%' and query not like '%pg_stat_activity%' and state = 'active'");
      if (n && *n != "0") return;
    }
  });
  auto r = send(fe, "POST", "/w_slow", R"({"id":1,"note":"sleep"})");
  killer.join();
  BOOST_TEST(r.status >= 500, r.status << " " << r.body);
  BOOST_TEST(r.body.find("\"code\"") != std::string::npos, r.body);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  BOOST_TEST(q("select count(*) from test.w_slow") == "0");
  // The next write works (a new connection is made).
  BOOST_TEST(send(fe, "POST", "/w_slow", R"({"id":2,"note":"fast"})").status == 201);
  BOOST_TEST(q("select count(*) from test.w_slow") == "1");
}

// 1,000 rows are one INSERT in one pipeline: every byte of the request leaves before the first
// answer is read, and nothing but the Terminate follows it.
BOOST_AUTO_TEST_CASE(bulk_insert_is_one_statement_and_one_round_trip) {
  sql_exec("delete from test.w_bulk");
  std::string body = "[";
  for (int i = 1; i <= 1000; ++i) {
    if (i > 1) body += ',';
    body += "{\"id\":" + std::to_string(i) + ",\"v\":\"row " + std::to_string(i) + "\"}";
  }
  body += "]";
  std::string trace = env("PGREST_TEST_DIR") + "/strace_bulk.out";
  std::vector<std::string> e = {"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=POST",
                                "REQUEST_URI=/cgi-bin/pgrest/w_bulk", "SCRIPT_NAME=/cgi-bin/pgrest",
                                "PATH_INFO=/w_bulk", "CONTENT_TYPE=application/json",
                                "CONTENT_LENGTH=" + std::to_string(body.size()),
                                "HTTP_PREFER=count=exact",
                                no_leak_check_asan_options()};
  std::string out;
  int rc = run({"/usr/bin/strace", "-f", "-qq", "-e", "trace=sendto,recvfrom", "-s", "1", "-o",
                trace, env("PGREST_BIN")},
               e, out, body, false);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(out.find("201") != std::string::npos, out);
  BOOST_TEST(out.find("Content-Range: */1000") != std::string::npos, out);
  std::ifstream in(trace);
  std::string line;
  int query_sends = 0, sends_after_answer = 0, answers = 0;
  bool sent = false, answered = false;
  while (std::getline(in, line)) {
    bool is_send = line.find("sendto(") != std::string::npos;
    bool is_recv = line.find("recvfrom(") != std::string::npos;
    if (is_send && !sent && line.find(", \"P\"") != std::string::npos) sent = true;
    if (is_send && sent && !answered) ++query_sends;
    if (is_recv && sent) {
      answered = true;
      ++answers;
    }
    if (is_send && answered && line.find("\"X\"") == std::string::npos) ++sends_after_answer;
  }
  BOOST_TEST(sent);
  BOOST_TEST(query_sends >= 1);
  BOOST_TEST(sends_after_answer == 0);
  BOOST_TEST(q("select count(*) from test.w_bulk") == "1000");
  BOOST_TEST(q("select v from test.w_bulk where id = 1000") == "row 1000");
}

BOOST_AUTO_TEST_SUITE_END()
