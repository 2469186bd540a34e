// /rpc/<fn>: calls by GET/HEAD/POST, overloads, result shapes, media types (handlers and
// raw-media-types), response GUCs, errors raised from SQL, hoisted settings and db-pre-request.
// Functions: tests/integration/fixtures/20_rpc.sql.
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

HttpResponse post(const std::string& fe, const std::string& target, const std::string& body,
                  const std::string& content_type = "application/json", Headers headers = {}) {
  headers.emplace_back("Content-Type", content_type);
  return http("POST", base_url(fe), target, headers, body);
}

const char* kBrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

}  // namespace

BOOST_AUTO_TEST_SUITE(rpc_calls)

BOOST_DATA_TEST_CASE(post_with_named_json_arguments, bdata::make(kFrontends), fe) {
  auto r = post(fe, "/rpc/add", R"({"a": 2, "b": 3})");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "5");
  BOOST_TEST(r.header("content-type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(r.header("content-range").value_or("") == "0-0/*");
  // A default argument may be left out; numbers given as JSON strings are converted by PG.
  BOOST_TEST(post(fe, "/rpc/add", R"({"a": "7"})").body == "17");
  auto hello = post(fe, "/rpc/hello", R"({"name": "world"})");
  BOOST_TEST(hello.body == R"("Hello, world")");
}

BOOST_DATA_TEST_CASE(empty_body_means_no_arguments, bdata::make(kFrontends), fe) {
  auto r = post(fe, "/rpc/nothing", "");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "null");
  auto bad = post(fe, "/rpc/add", "{not json");
  CHECK_ERROR(bad, 400, "PGRST102");
  BOOST_TEST(json_norm(bad.body).find(R"("message":"Empty or invalid json")") != std::string::npos);
}

BOOST_DATA_TEST_CASE(arrays_and_json_arguments, bdata::make(kFrontends), fe) {
  BOOST_TEST(post(fe, "/rpc/sum_array", R"({"xs": [1, 2, 3]})").body == "6");
  BOOST_TEST(get(fe, "/rpc/sum_array?xs=%7B4,5%7D").body == "9");
  auto keys = post(fe, "/rpc/json_keys", R"({"doc": {"b": 1, "a": [2]}})");
  BOOST_TEST(json_norm(keys.body) == R"(["a","b"])");
  // character(n) parameters are widened, so the value is not cut to one character.
  BOOST_TEST(get(fe, "/rpc/chars?c=abcde").body == R"("abcde")");
  BOOST_TEST(get(fe, "/rpc/mood_of?m=sad").body == R"("sad")");
  CHECK_ERROR(get(fe, "/rpc/mood_of?m=angry"), 400, "22P02");
}

BOOST_DATA_TEST_CASE(columns_restricts_the_arguments, bdata::make(kFrontends), fe) {
  auto r = post(fe, "/rpc/add?columns=a", R"({"a": 1, "b": 100, "c": "ignored"})");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "11");
}

BOOST_DATA_TEST_CASE(form_bodies_are_arguments, bdata::make(kFrontends), fe) {
  auto r = post(fe, "/rpc/add", "a=4&b=5", "application/x-www-form-urlencoded");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "9");
  auto v = post(fe, "/rpc/joined", "parts=x&parts=y%20z", "application/x-www-form-urlencoded");
  BOOST_TEST(v.body == R"("x,y z")");
}

BOOST_DATA_TEST_CASE(get_arguments_and_filters, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/add?a=1&b=2");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == "3");
  // `max_price=2` is an argument, `id=gt.2` filters the result.
  auto f = get(fe, "/rpc/items_under?max_price=2&id=gt.2&select=id");
  BOOST_TEST(f.status == 200);
  BOOST_TEST(json_norm(f.body) == R"([{"id":3}])", f.body);
  // The same name as argument and as filter.
  auto same = get(fe, "/rpc/item?id=2&id=gt.1&select=id,name");
  BOOST_TEST(json_norm(same.body) == R"({"id":2,"name":"banana"})", same.body);
  // Repeated parameters feed a VARIADIC argument; a repeated plain one keeps the last value.
  BOOST_TEST(get(fe, "/rpc/joined?parts=a&parts=b&parts=c").body == R"("a,b,c")");
  BOOST_TEST(get(fe, "/rpc/joined?parts=solo").body == R"("solo")");
  BOOST_TEST(get(fe, "/rpc/hello?name=a&name=b").body == R"("Hello, b")");
}

BOOST_DATA_TEST_CASE(head_runs_the_call_without_a_body, bdata::make(kFrontends), fe) {
  auto r = http("HEAD", base_url(fe), "/rpc/series?n=3");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.header("content-range").value_or("") == "0-2/*");
}

BOOST_DATA_TEST_CASE(other_methods_are_405, bdata::make(kFrontends), fe) {
  for (const char* m : {"PUT", "PATCH", "DELETE"}) {
    auto r = http(m, base_url(fe), "/rpc/add", {{"Content-Type", "application/json"}}, "{}");
    CHECK_ERROR(r, 405, "PGRST101");
    BOOST_TEST(json_norm(r.body).find(std::string("Cannot use the ") + m + " method on RPC") !=
               std::string::npos);
  }
}

BOOST_DATA_TEST_CASE(get_is_read_only, bdata::make(kFrontends), fe) {
  std::string before = sql_value("select count(*) from test.rpc_log").value_or("?");
  auto r = get(fe, "/rpc/add_log?msg=via-get");
  CHECK_ERROR(r, 405, "25006");
  BOOST_TEST(r.body.find("cannot execute INSERT in a read-only transaction") != std::string::npos,
             r.body);
  BOOST_TEST(sql_value("select count(*) from test.rpc_log").value_or("") == before);
  BOOST_TEST(get(fe, "/rpc/tx_mode").body == R"("on")");
  // POST: read-write for VOLATILE functions, read-only for STABLE/IMMUTABLE ones.
  BOOST_TEST(post(fe, "/rpc/tx_mode", "").body == R"("off")");
  BOOST_TEST(post(fe, "/rpc/tx_mode_stable", "").body == R"("on")");
  auto w = post(fe, "/rpc/add_log", R"({"msg": "via-post"})");
  BOOST_TEST(w.status == 200);
  BOOST_TEST(sql_value("select msg from test.rpc_log where id = " + w.body).value_or("") ==
             "via-post");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rpc_overloads)

BOOST_DATA_TEST_CASE(resolved_by_argument_names, bdata::make(kFrontends), fe) {
  BOOST_TEST(get(fe, "/rpc/over?a=1").body == R"("a")");
  BOOST_TEST(get(fe, "/rpc/over?a=1&b=2").body == R"("ab")");
  BOOST_TEST(post(fe, "/rpc/over", R"({"x": "1"})").body == R"("x")");
}

BOOST_DATA_TEST_CASE(no_match_is_404_PGRST202, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/over?c=1");
  CHECK_ERROR(r, 404, "PGRST202");
  BOOST_TEST(json_norm(r.body) ==
             R"j({"code":"PGRST202","details":"Searched for the function test.over with parameter c, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function test.over(a)","message":"Could not find the function test.over(c) in the schema cache"})j",
             r.body);
  auto p = post(fe, "/rpc/add", R"({"x": 1, "y": 2})");
  CHECK_ERROR(p, 404, "PGRST202");
  BOOST_TEST(json_norm(p.body) ==
             R"j({"code":"PGRST202","details":"Searched for the function test.add with parameters x, y or with a single unnamed json/jsonb parameter, but no matches were found in the schema cache.","hint":"Perhaps you meant to call the function test.add(a, b)","message":"Could not find the function test.add(x, y) in the schema cache"})j",
             p.body);
  auto name = get(fe, "/rpc/helo?name=x");
  CHECK_ERROR(name, 404, "PGRST202");
  BOOST_TEST(json_norm(name.body).find(R"("hint":"Perhaps you meant to call the function test.hello")") !=
             std::string::npos, name.body);
  auto none = get(fe, "/rpc/add");
  BOOST_TEST(json_norm(none.body).find("Could not find the function test.add without parameters") !=
             std::string::npos, none.body);
  // Functions with unnamed parameters (other than one json/text/xml/bytea) are not exposed.
  CHECK_ERROR(get(fe, "/rpc/skipped"), 404, "PGRST202");
}

BOOST_DATA_TEST_CASE(ambiguous_is_300_PGRST203, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/amb?a=1");
  CHECK_ERROR(r, 300, "PGRST203");
  BOOST_TEST(json_norm(r.body) ==
             R"j({"code":"PGRST203","details":null,"hint":"Try renaming the parameters or the function itself in the database so function overloading can be resolved","message":"Could not choose the best candidate function between: test.amb(a => integer), test.amb(a => text)"})j",
             r.body);
}

BOOST_DATA_TEST_CASE(single_unnamed_parameter_takes_the_body, bdata::make(kFrontends), fe) {
  auto j = post(fe, "/rpc/body_json", R"({"any": ["thing"]})");
  BOOST_TEST(j.status == 200);
  BOOST_TEST(json_norm(j.body) == R"({"any":["thing"]})");
  auto t = post(fe, "/rpc/body_text", "plain words", "text/plain");
  BOOST_TEST(t.body == R"("PLAIN WORDS")");
  auto x = post(fe, "/rpc/body_xml", "<a>1</a>", "text/xml");
  BOOST_TEST(x.body == R"("<a>1</a>")");
  auto b = post(fe, "/rpc/body_bytea", std::string("\x01\x00\xff", 3), "application/octet-stream");
  BOOST_TEST(b.body == R"("3:0100ff")");
  // No function takes a text body here: the message does not list arguments.
  auto none = post(fe, "/rpc/add", "words", "text/plain");
  CHECK_ERROR(none, 404, "PGRST202");
  BOOST_TEST(json_norm(none.body) ==
             R"j({"code":"PGRST202","details":"Searched for the function test.add with a single unnamed text parameter, but no matches were found in the schema cache.","hint":null,"message":"Could not find the function test.add in the schema cache"})j",
             none.body);
  CHECK_ERROR(post(fe, "/rpc/add", "a,b", "text/csv"), 400, "PGRST102");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rpc_results)

BOOST_DATA_TEST_CASE(shapes, bdata::make(kFrontends), fe) {
  BOOST_TEST(get(fe, "/rpc/series?n=3").body == "[1, 2, 3]");
  auto one = get(fe, "/rpc/item?id=1&select=id,name");
  BOOST_TEST(json_norm(one.body) == R"({"id":1,"name":"apple"})");
  auto set = get(fe, "/rpc/items_under?max_price=1&select=id");
  BOOST_TEST(json_norm(set.body) == R"([{"id":2},{"id":3}])");
  auto table = get(fe, "/rpc/pairs");
  BOOST_TEST(json_norm(table.body) == R"([{"k":"a","v":1},{"k":"b","v":2},{"k":"c","v":3}])");
  auto out = get(fe, "/rpc/divmod?a=7&b=2");
  BOOST_TEST(json_norm(out.body) == R"({"q":3,"r":1})");
  auto v = post(fe, "/rpc/touch", "");
  BOOST_TEST(v.status == 204);
  BOOST_TEST(v.body.empty());
  BOOST_TEST(!v.has_header("content-type"));
  BOOST_TEST(get(fe, "/rpc/series?n=0").body == "[]");
}

BOOST_DATA_TEST_CASE(table_functions_read_like_tables, bdata::make(kFrontends), fe) {
  // Filters on columns that are not selected, order, limit/offset.
  auto r = get(fe, "/rpc/all_items?select=name&price=gt.0.2&order=price.desc&limit=2&offset=1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == R"([{"name":"apple"},{"name":"banana"}])", r.body);
  BOOST_TEST(r.header("content-range").value_or("") == "1-2/*");
  auto logic = get(fe, "/rpc/pairs?or=(k.eq.a,v.gt.2)&select=k");
  BOOST_TEST(json_norm(logic.body) == R"([{"k":"a"},{"k":"c"}])");
  // Range header and counts.
  auto range = get(fe, "/rpc/all_items?select=id", {{"Range", "0-1"}, {"Prefer", "count=exact"}});
  BOOST_TEST(range.status == 206);
  BOOST_TEST(range.header("content-range").value_or("") == "0-1/5");
  BOOST_TEST(range.header("preference-applied").value_or("") == "count=exact");
  auto past = get(fe, "/rpc/all_items?offset=9", {{"Prefer", "count=exact"}});
  CHECK_ERROR(past, 416, "PGRST103");
  auto planned = get(fe, "/rpc/all_items?select=id&limit=1", {{"Prefer", "count=planned"}});
  BOOST_TEST(planned.status == 206);
  BOOST_TEST(planned.header("content-range").value_or("").rfind("0-0/", 0) == 0);
  // Computed fields of the returned table type, vnd.pgrst.object and CSV.
  auto single = get(fe, "/rpc/all_items?id=eq.2&select=id,name",
                    {{"Accept", "application/vnd.pgrst.object+json"}});
  BOOST_TEST(json_norm(single.body) == R"({"id":2,"name":"banana"})");
  CHECK_ERROR(get(fe, "/rpc/all_items", {{"Accept", "application/vnd.pgrst.object+json"}}), 406,
              "PGRST116");
  auto csv = get(fe, "/rpc/pairs?v=lt.3", {{"Accept", "text/csv"}});
  BOOST_TEST(csv.header("content-type").value_or("") == "text/csv; charset=utf-8");
  BOOST_TEST(csv.body == "k,v\na,1\nb,2");
  CHECK_ERROR(get(fe, "/rpc/pairs?nope=eq.1"), 400, "42703");
}

BOOST_DATA_TEST_CASE(embedding_through_the_returned_table, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/films_by?director=2&select=title,roles(character)&roles.order=character.desc");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) ==
             R"([{"title":"Ran","roles":[{"character":"Taro"},{"character":"Hidetora"}]},{"title":"Dreams","roles":[{"character":"I"}]}])",
             r.body);
  auto inner = post(fe, "/rpc/films_by?select=title,roles!inner(character)&roles.character=eq.I",
                    R"({"director": 2})");
  BOOST_TEST(json_norm(inner.body) == R"([{"title":"Dreams","roles":[{"character":"I"}]}])",
             inner.body);
  CHECK_ERROR(get(fe, "/rpc/films_by?director=2&select=title,nope(id)"), 400, "PGRST200");
}

BOOST_DATA_TEST_CASE(computed_fields_of_the_returned_table, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/all_sales?select=id,label&id=eq.1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == json_norm(get(fe, "/sales?select=id,label&id=eq.1").body));
  BOOST_TEST(r.body.find("label") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rpc_media_types)

BOOST_DATA_TEST_CASE(media_type_domains_are_served_raw, bdata::make(kFrontends), fe) {
  auto html = get(fe, "/rpc/page", {{"Accept", kBrowserAccept}});
  BOOST_TEST(html.status == 200);
  BOOST_TEST(html.header("content-type").value_or("") == "text/html");
  BOOST_TEST(html.body == "<h1>hi</h1>");
  // Without asking for it, the built-in JSON still wins.
  auto json = get(fe, "/rpc/page");
  BOOST_TEST(json.body == R"("<h1>hi</h1>")");
  BOOST_TEST(json.header("content-type").value_or("") == "application/json; charset=utf-8");
  auto png = get(fe, "/rpc/pixel", {{"Accept", "image/png"}});
  BOOST_TEST(png.header("content-type").value_or("") == "image/png");
  BOOST_TEST(png.body == std::string("\x89PNG\r\n\x1a\n\x00\x00", 10));
  CHECK_ERROR(get(fe, "/rpc/pixel", {{"Accept", "image/gif"}}), 406, "PGRST107");
  // A */* handler answers any Accept, except the vendor types.
  auto any = get(fe, "/rpc/anything", {{"Accept", "text/whatever"}});
  BOOST_TEST(any.status == 200);
  BOOST_TEST(any.header("content-type").value_or("") == "application/octet-stream");
  BOOST_TEST(any.body == "any thing");
  auto vendor = get(fe, "/rpc/anything", {{"Accept", "application/vnd.pgrst.object+json"}});
  BOOST_TEST(vendor.header("content-type").value_or("") ==
             "application/vnd.pgrst.object+json; charset=utf-8");
}

BOOST_AUTO_TEST_CASE(raw_media_types_serve_a_plain_text_function_to_a_browser) {
  std::vector<std::string> env = {"PGRST_RAW_MEDIA_TYPES=text/html"};
  auto r = cgi("GET", "/rpc/homepage", env, {{"Accept", kBrowserAccept}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("content-type").value_or("") == "text/html");
  BOOST_TEST(r.body == "<!doctype html><title>home</title><p>hello</p>", r.body);
  // PostgREST 11's built-in raw types come along with the setting.
  auto text = cgi("GET", "/rpc/hello?name=you", env, {{"Accept", "text/plain"}});
  BOOST_TEST(text.header("content-type").value_or("") == "text/plain; charset=utf-8");
  BOOST_TEST(text.body == "Hello, you");
  // Without the setting the browser gets the JSON string (under the Content-Type the function set).
  auto v13 = cgi("GET", "/rpc/homepage", {}, {{"Accept", kBrowserAccept}});
  BOOST_TEST(v13.body == R"("<!doctype html><title>home</title><p>hello</p>")");
  BOOST_TEST(cgi("GET", "/rpc/hello?name=you", {}, {{"Accept", "text/plain"}}).status == 406);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(rpc_response_control)

BOOST_DATA_TEST_CASE(response_gucs_override_status_and_headers, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/rpc/teapot");
  BOOST_TEST(r.status == 418);
  BOOST_TEST(r.body == R"("short and stout")");
  BOOST_TEST(r.header("x-tea").value_or("") == "earl grey");
  BOOST_TEST(r.headers.count("cache-control") == 2u);
  auto c = post(fe, "/rpc/created", "");
  BOOST_TEST(c.status == 201);
  auto bs = get(fe, "/rpc/bad_status");
  CHECK_ERROR(bs, 500, "PGRST112");
  BOOST_TEST(json_norm(bs.body).find("response.status guc must be a valid status code") !=
             std::string::npos);
  CHECK_ERROR(get(fe, "/rpc/bad_headers"), 500, "PGRST111");
}

// set_config(..., true) leaves response.status/headers defined as '' on the pooled server
// connection after the transaction; the next requests there must read that as unset.
BOOST_DATA_TEST_CASE(response_gucs_end_with_their_request, bdata::make(kFrontends), fe) {
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(get(fe, "/rpc/teapot").status == 418);
    auto call = get(fe, "/rpc/hello?name=x");
    BOOST_TEST(call.status == 200, call.body);
    BOOST_TEST(!call.header("x-tea"));
    auto read = get(fe, "/items?select=id&limit=1");
    BOOST_TEST(read.status == 200, read.body);
    BOOST_TEST(!read.header("x-tea"));
    auto write = post(fe, "/rpc/created", "");
    BOOST_TEST(write.status == 201);
    BOOST_TEST(get(fe, "/items?select=id&limit=1").status == 200);
  }
}

BOOST_DATA_TEST_CASE(raise_with_custom_sqlstates, bdata::make(kFrontends), fe) {
  auto pt = post(fe, "/rpc/pay", "");
  CHECK_ERROR(pt, 402, "PT402");
  BOOST_TEST(json_norm(pt.body) ==
             R"j({"code":"PT402","details":"Quota exceeded","hint":"Upgrade your plan","message":"Payment Required"})j");
  auto custom = post(fe, "/rpc/custom_error", "");
  CHECK_ERROR(custom, 420, "123");
  BOOST_TEST(json_norm(custom.body) ==
             R"j({"code":"123","details":"Some details","hint":"A hint","message":"Custom message"})j");
  BOOST_TEST(custom.header("x-powered-by").value_or("") == "Nerds");
  auto bad = post(fe, "/rpc/bad_raise_message", "");
  CHECK_ERROR(bad, 500, "PGRST121");
  BOOST_TEST(json_norm(bad.body) ==
             R"j({"code":"PGRST121","details":"Invalid JSON value for MESSAGE: 'not json'","hint":"MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.","message":"Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error"})j",
             bad.body);
  auto det = post(fe, "/rpc/bad_raise_detail", "");
  CHECK_ERROR(det, 500, "PGRST121");
  BOOST_TEST(json_norm(det.body).find("Invalid JSON value for DETAIL: 'nope'") != std::string::npos);
  auto missing = post(fe, "/rpc/raise_no_detail", "");
  CHECK_ERROR(missing, 500, "PGRST121");
  BOOST_TEST(json_norm(missing.body).find("DETAIL is missing in the RAISE statement") !=
             std::string::npos);
  CHECK_ERROR(post(fe, "/rpc/boom", ""), 400, "P0001");
}

BOOST_DATA_TEST_CASE(privileges_apply, bdata::make(kFrontends), fe) {
  auto anon = get(fe, "/rpc/members_only");
  CHECK_ERROR(anon, 401, "42501");
  auto user = get(fe, "/rpc/members_only",
                  {{"Authorization", "Bearer " + make_token(R"({"role":"web_user"})")}});
  BOOST_TEST(user.status == 200);
  BOOST_TEST(user.body == "42");
}

BOOST_DATA_TEST_CASE(request_gucs_are_readable, bdata::make(kFrontends), fe) {
  auto r = http("POST", base_url(fe), "/rpc/request_info",
                {{"Content-Type", "application/json"}, {"X-Probe", "42"}, {"Cookie", "flavor=mint"}},
                "");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) ==
             R"({"method":"POST","path":"/rpc/request_info","probe":"42","flavor":"mint","role":"web_anon","user":"web_anon"})",
             r.body);
}

// The settings travel inside a text-array parameter: quotes, backslashes, braces and commas in a
// header value must arrive unchanged.
BOOST_DATA_TEST_CASE(request_gucs_keep_every_character, bdata::make(kFrontends), fe) {
  const std::string probe = R"(a"b\c{d},e NULL ')";
  auto r = http("POST", base_url(fe), "/rpc/request_info",
                {{"Content-Type", "application/json"}, {"X-Probe", probe}}, "");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body).find(R"("probe":"a\"b\\c{d},e NULL '")") != std::string::npos,
             r.body);
}

BOOST_DATA_TEST_CASE(function_settings_are_hoisted, bdata::make(kFrontends), fe) {
  BOOST_TEST(get(fe, "/rpc/timeout_setting").body == R"("1234ms")");
  BOOST_TEST(get(fe, "/rpc/isolation").body == R"("serializable")");
  // Settings outside db-hoisted-tx-settings stay with the function only.
  BOOST_TEST(get(fe, "/rpc/not_hoisted").body == R"("1234kB")");
  auto slow = post(fe, "/rpc/sleepy", "");
  CHECK_ERROR(slow, 500, "57014");
  // Nothing leaks to the next request on the pooled connection.
  BOOST_TEST(get(fe, "/request_info?select=read_only").status == 200);
  BOOST_TEST(sql_value("select 1").value_or("") == "1");
}

BOOST_AUTO_TEST_CASE(isolation_is_not_kept_for_the_next_request) {
  for (int i = 0; i < 3; ++i) {
    BOOST_TEST(get("fastcgi", "/rpc/isolation").body == R"("serializable")");
    BOOST_TEST(get("fastcgi", "/rpc/hello?name=x").status == 200);
  }
}

BOOST_DATA_TEST_CASE(a_roles_isolation_level_applies_to_its_requests, bdata::make(kFrontends), fe) {
  const Headers iso = {{"Authorization", "Bearer " + make_token(R"({"role":"web_iso"})")}};
  auto read = http("GET", base_url(fe), "/tx_isolation", iso, "");
  BOOST_TEST(read.status == 200, read.body);
  BOOST_TEST(json_norm(read.body) == R"([{"level":"repeatable read"}])");
  BOOST_TEST(http("GET", base_url(fe), "/rpc/plain_isolation", iso, "").body == R"("repeatable read")");
  BOOST_TEST(http("POST", base_url(fe), "/rpc/plain_isolation", iso, "").body == R"("repeatable read")");
  // The function's own level wins over the role's.
  BOOST_TEST(http("GET", base_url(fe), "/rpc/isolation", iso, "").body == R"("serializable")");
  Headers write = iso;
  write.push_back({"Prefer", "return=representation"});
  write.push_back({"Content-Type", "application/json"});
  auto inserted = http("POST", base_url(fe), "/iso_writes?select=level", write, "{}");
  BOOST_TEST(inserted.status == 201, inserted.body);
  BOOST_TEST(json_norm(inserted.body) == R"([{"level":"repeatable read"}])");
  // Other roles, and the next request on the pooled connection, keep the default.
  BOOST_TEST(json_norm(get(fe, "/tx_isolation").body) == R"([{"level":"read committed"}])");
  BOOST_TEST(get(fe, "/rpc/plain_isolation").body == R"("read committed")");
}

BOOST_AUTO_TEST_CASE(pre_request_rejects_by_header_and_sets_headers) {
  std::vector<std::string> env = {"PGRST_DB_PRE_REQUEST=test.pre_check"};
  auto blocked = cgi("GET", "/rpc/hello?name=x", env, {{"X-Block", "yes"}});
  CHECK_ERROR(blocked, 403, "PT403");
  BOOST_TEST(json_norm(blocked.body).find("Blocked by the pre-request function") !=
             std::string::npos);
  auto ok = cgi("GET", "/rpc/hello?name=x", env, {{"X-Block", "no"}});
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(ok.header("x-pre-request").value_or("") == "ran");
  // It runs for table reads too, and a refused write leaves nothing behind.
  auto read = cgi("GET", "/items?select=id&id=eq.1", env, {{"X-Block", "yes"}});
  CHECK_ERROR(read, 403, "PT403");
  BOOST_TEST(cgi("GET", "/items?select=id&id=eq.1", env).header("x-pre-request").value_or("") ==
             "ran");
  std::string before = sql_value("select count(*) from test.rpc_log").value_or("?");
  auto write = cgi("POST", "/rpc/add_log", env,
                   {{"X-Block", "yes"}, {"Content-Type", "application/json"}}, R"({"msg":"no"})");
  CHECK_ERROR(write, 403, "PT403");
  BOOST_TEST(sql_value("select count(*) from test.rpc_log").value_or("") == before);
}

BOOST_AUTO_TEST_SUITE_END()

// Checks that must undo what a volatile function wrote run as a guard in the same pipeline, as for
// table writes: the call happens, the check trips, the transaction rolls back.
BOOST_AUTO_TEST_SUITE(rpc_guards)

namespace {
std::string log_count() { return sql_value("select count(*) from test.rpc_log").value_or("?"); }
HttpResponse add_logs(const std::string& frontend, const std::string& msgs,
                      std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("Content-Type", "application/json");
  return http("POST", base_url(frontend), "/rpc/add_logs", headers,
              R"({"msgs": )" + msgs + "}");
}
}  // namespace

BOOST_DATA_TEST_CASE(singular_response_of_a_volatile_call_rolls_back, bdata::make(kFrontends), frontend) {
  const std::string fe = frontend;
  std::string before = log_count();
  auto two = add_logs(fe, R"(["s1", "s2"])", {{"Accept", "application/vnd.pgrst.object+json"}});
  CHECK_ERROR(two, 406, "PGRST116");
  BOOST_TEST(log_count() == before);
  auto one = add_logs(fe, R"([")" + fe + R"(-s3"])", {{"Accept", "application/vnd.pgrst.object+json"}});
  BOOST_TEST(one.status == 200, one.body);
  BOOST_TEST(json_norm(one.body).find(R"("msg":")" + fe + R"(-s3")") != std::string::npos, one.body);
  BOOST_TEST(sql_value("select count(*) from test.rpc_log where msg = '" + fe + "-s3'").value_or("") == "1");
}

BOOST_DATA_TEST_CASE(max_affected_counts_the_rows_a_call_returns, bdata::make(kFrontends), frontend) {
  const std::string fe = frontend;
  std::string before = log_count();
  auto over = add_logs(fe, R"(["m1", "m2", "m3"])", {{"Prefer", "handling=strict, max-affected=2"}});
  CHECK_ERROR(over, 400, "PGRST124");
  BOOST_TEST(log_count() == before);
  auto within = add_logs(fe, R"([")" + fe + R"(-m4", ")" + fe + R"(-m5"])", {{"Prefer", "handling=strict, max-affected=2"}});
  BOOST_TEST(within.status == 200, within.body);
  BOOST_TEST(within.header("preference-applied").value_or("") == "handling=strict, max-affected=2");
  BOOST_TEST(sql_value("select count(*) from test.rpc_log where msg like '" + fe + "-m_'").value_or("") == "2");
  // Without handling=strict the preference is ignored, as for PATCH/DELETE.
  auto lenient = add_logs(fe, R"([")" + fe + R"(-m6", ")" + fe + R"(-m7", ")" + fe + R"(-m8"])", {{"Prefer", "max-affected=2"}});
  BOOST_TEST(lenient.status == 200, lenient.body);
  BOOST_TEST(!lenient.has_header("preference-applied"));
  BOOST_TEST(sql_value("select count(*) from test.rpc_log where msg like '" + fe + "-m_'").value_or("") == "5");
  // A read-only call is counted the same way.
  auto read = http("GET", base_url(fe), "/rpc/series?n=3", {{"Prefer", "handling=strict, max-affected=2"}}, "");
  CHECK_ERROR(read, 400, "PGRST124");
  auto read_ok = http("GET", base_url(fe), "/rpc/series?n=2", {{"Prefer", "handling=strict, max-affected=2"}}, "");
  BOOST_TEST(read_ok.status == 200);
  BOOST_TEST(read_ok.body == "[1, 2]");
  // Only a SETOF/TABLE function can be held to it (v13): scalar and void ones are refused
  // before anything runs.
  const Headers strict = {{"Prefer", "handling=strict, max-affected=2"}, {"Content-Type", "application/json"}};
  CHECK_ERROR(http("GET", base_url(fe), "/rpc/add?a=1", strict, ""), 400, "PGRST128");
  CHECK_ERROR(http("POST", base_url(fe), "/rpc/touch", strict, "{}"), 400, "PGRST128");
  std::string logs = log_count();
  auto scalar = http("POST", base_url(fe), "/rpc/add_log", strict, R"({"msg": "never"})");
  CHECK_ERROR(scalar, 400, "PGRST128");
  BOOST_TEST(scalar.body.find("Function must return SETOF or TABLE") != std::string::npos, scalar.body);
  BOOST_TEST(log_count() == logs);
}

BOOST_AUTO_TEST_CASE(tx_rollback_undoes_a_call_and_answers_as_if_committed) {
  std::string before = log_count();
  auto dry = cgi("POST", "/rpc/add_logs", {"PGRST_DB_TX_END=commit-allow-override"},
                 {{"Content-Type", "application/json"}, {"Prefer", "tx=rollback"}},
                 R"({"msgs": ["dry1", "dry2"]})");
  BOOST_TEST(dry.status == 200, dry.body);
  BOOST_TEST(json_norm(dry.body).find(R"("msg":"dry2")") != std::string::npos, dry.body);
  BOOST_TEST(dry.header("preference-applied").value_or("") == "tx=rollback");
  BOOST_TEST(log_count() == before);
  // db-tx-end=rollback undoes every call; with the default (commit) tx=rollback is ignored.
  auto always = cgi("POST", "/rpc/add_log", {"PGRST_DB_TX_END=rollback"},
                    {{"Content-Type", "application/json"}}, R"({"msg": "dry3"})");
  BOOST_TEST(always.status == 200, always.body);
  BOOST_TEST(log_count() == before);
  auto ignored = cgi("POST", "/rpc/add_log", {}, {{"Content-Type", "application/json"}, {"Prefer", "tx=rollback"}},
                     R"({"msg": "kept"})");
  BOOST_TEST(ignored.status == 200, ignored.body);
  BOOST_TEST(!ignored.has_header("preference-applied"));
  BOOST_TEST(sql_value("select count(*) from test.rpc_log where msg = 'kept'").value_or("") == "1");
}

BOOST_AUTO_TEST_SUITE_END()
