// Lambda event translation on captured-format sample events (tests/unit/data/lambda/).
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "json.hpp"
#include "lambda_event.hpp"
#include "pgrest/base64.hpp"
#include "pgrest/query_grammar.hpp"

using namespace pgrest;
using namespace pgrest::lambda;
namespace bdata = boost::unit_test::data;

namespace {

std::string sample(const std::string& name) {
  std::ifstream in(std::string(PGREST_TEST_DATA) + "/lambda/" + name);
  BOOST_REQUIRE_MESSAGE(in, "missing sample event " << name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Event parse_sample(const std::string& name) {
  auto ev = parse_event(sample(name));
  BOOST_REQUIRE_MESSAGE(ev.ok(), name << ": " << (ev.ok() ? "" : ev.error().message));
  return *ev;
}

std::vector<std::string> all_values(const Request& r, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& h : r.headers) {
    if (h.name == name) out.push_back(h.value);
  }
  return out;
}

json::Ptr reply(const Response& res, const Event& ev) {
  std::string text = render_response(res, ev);
  json::Ptr doc = json::parse(text);
  BOOST_REQUIRE_MESSAGE(doc != nullptr, "reply is not JSON: " << text);
  return doc;
}

std::vector<std::string> strings(const cJSON* arr) {
  std::vector<std::string> out;
  const cJSON* v = nullptr;
  cJSON_ArrayForEach(v, arr) out.emplace_back(cJSON_IsString(v) ? v->valuestring : "?");
  return out;
}

Response sample_response() {
  Response res;
  res.status = 206;
  res.headers = {{"Content-Type", "application/json; charset=utf-8"},
                 {"Content-Range", "0-1/5"},
                 {"Set-Cookie", "a=1; Path=/"},
                 {"Set-Cookie", "b=2; HttpOnly"}};
  res.body = R"([{"id":1,"name":"ü"}])";
  return res;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lambda_event)

BOOST_AUTO_TEST_CASE(api_gateway_rest_v1) {
  Event ev = parse_sample("apigw_v1.json");
  BOOST_TEST((ev.kind == EventKind::api_gateway_v1));
  BOOST_TEST(ev.request.method == "GET");
  BOOST_TEST(ev.request.path == "/items");  // v1 `path` has no stage; requestContext.path has
  // Rebuilt from multiValueQueryStringParameters: both id filters kept, in order.
  BOOST_TEST(ev.request.query == "id=gt.1&id=lt.5&select=id,name&order=id.desc");
  BOOST_TEST(ev.request.header("prefer").value_or("") == "count=exact");
  BOOST_TEST(ev.request.header("host").value_or("") == "abc123defg.execute-api.eu-west-1.amazonaws.com");
  BOOST_TEST((all_values(ev.request, "x-probe") == std::vector<std::string>{"one", "two"}));
  BOOST_TEST(ev.request.body.empty());
}

BOOST_AUTO_TEST_CASE(http_api_v2_with_stage_cookies_and_base64_body) {
  Event ev = parse_sample("http_api_v2.json");
  BOOST_TEST((ev.kind == EventKind::http_api_v2));
  BOOST_TEST(ev.request.method == "POST");
  BOOST_TEST(ev.request.path == "/items");  // "/prod" stage prefix removed
  BOOST_TEST(ev.request.query == "id=gt.1&id=lt.5&name=in.(%22a%20b%22,c)&select=id,name");
  BOOST_TEST(ev.request.header("cookie").value_or("") == "session=abc123; theme=dark");
  BOOST_TEST(ev.request.header("x-probe").value_or("") == "one,two");
  BOOST_TEST(ev.request.body == R"({"id": 6, "name": "fig"})");
}

BOOST_AUTO_TEST_CASE(function_url_default_stage) {
  Event ev = parse_sample("function_url.json");
  BOOST_TEST((ev.kind == EventKind::http_api_v2));
  BOOST_TEST(ev.request.method == "PATCH");
  BOOST_TEST(ev.request.path == "/rpc/hello");
  BOOST_TEST(ev.request.query == "");
  BOOST_TEST(ev.request.header("authorization").value_or("") == "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x");
  BOOST_TEST(ev.request.header("content-type").value_or("") == "application/json");
  BOOST_TEST(ev.request.body == "{\"name\":\"ü\"}");
  BOOST_TEST(!ev.request.header("cookie"));
}

BOOST_AUTO_TEST_CASE(alb_multi_value) {
  Event ev = parse_sample("alb_multi.json");
  BOOST_TEST((ev.kind == EventKind::alb));
  BOOST_TEST(ev.multi_value);
  BOOST_TEST(ev.request.method == "DELETE");
  BOOST_TEST(ev.request.path == "/items");
  // ALB passes query values as the client sent them: no second encoding.
  BOOST_TEST(ev.request.query == "id=gt.1&id=lt.5&name=like.*a%20b*");
  BOOST_TEST(ev.request.header("prefer").value_or("") == "return=representation");
  BOOST_TEST(ev.request.header("cookie").value_or("") == "a=1; b=2");
}

BOOST_AUTO_TEST_CASE(alb_single_value) {
  Event ev = parse_sample("alb_single.json");
  BOOST_TEST((ev.kind == EventKind::alb));
  BOOST_TEST(!ev.multi_value);
  BOOST_TEST(ev.request.query == "select=id,name&id=eq.2");
  BOOST_TEST(ev.request.header("accept").value_or("") == "text/csv");
}

BOOST_AUTO_TEST_CASE(v2_stage_prefix_only_as_a_whole_segment) {
  auto ev = parse_event(R"({"version":"2.0","rawPath":"/production/x","rawQueryString":"",
    "requestContext":{"stage":"prod","http":{"method":"GET"}}})");
  BOOST_REQUIRE(ev.ok());
  BOOST_TEST(ev->request.path == "/production/x");
  auto root = parse_event(R"({"version":"2.0","rawPath":"/prod","requestContext":{"stage":"prod","http":{"method":"GET"}}})");
  BOOST_REQUIRE(root.ok());
  BOOST_TEST(root->request.path == "/");
}

BOOST_AUTO_TEST_CASE(v1_decoded_values_round_trip_through_the_grammar) {
  // API Gateway hands over decoded values; rebuilding must not let '&', '=', '%', '+' or spaces
  // change what the core's query parser sees.
  auto ev = parse_event(R"({"httpMethod":"GET","path":"/odd table","requestContext":{"stage":"p"},
    "multiValueQueryStringParameters":{"name":["eq.a&b=c","like.100% +x;y"],"sé lect":["ü"]}})");
  BOOST_REQUIRE(ev.ok());
  BOOST_TEST(ev->request.path == "/odd%20table");
  auto pairs = split_query(ev->request.query);
  BOOST_REQUIRE(pairs.size() == 3u);
  BOOST_TEST(pairs[0].first == "name");
  BOOST_TEST(pairs[0].second == "eq.a&b=c");
  BOOST_TEST(pairs[1].second == "like.100% +x;y");
  BOOST_TEST(pairs[2].first == "sé lect");
  BOOST_TEST(pairs[2].second == "ü");
}

BOOST_AUTO_TEST_CASE(v1_single_value_map_when_no_multi_value) {
  auto ev = parse_event(R"({"httpMethod":"GET","path":"/items","requestContext":{},
    "queryStringParameters":{"id":"eq.1"},"headers":{"X-A":"1"}})");
  BOOST_REQUIRE(ev.ok());
  BOOST_TEST(ev->request.query == "id=eq.1");
  BOOST_TEST(ev->request.header("x-a").value_or("") == "1");
}

BOOST_DATA_TEST_CASE(unknown_shapes_are_errors,
                     bdata::make(std::vector<std::string>{
                         "s3_put.json", "", "[]", "not json", "{}", R"({"version":"2.0"})",
                         R"({"httpMethod":"GET","requestContext":{}})",
                         R"({"version":"2.0","rawPath":"/x","requestContext":{"http":{}}})"}),
                     input) {
  std::string text = input.ends_with(".json") ? sample(input) : input;
  auto ev = parse_event(text);
  BOOST_REQUIRE(!ev.ok());
  BOOST_TEST(!ev.error().message.empty());
  if (input == "s3_put.json") {
    BOOST_TEST(ev.error().message.find("unsupported event") != std::string::npos, ev.error().message);
  }
}

BOOST_AUTO_TEST_CASE(bad_base64_body_is_an_error) {
  auto ev = parse_event(R"({"version":"2.0","rawPath":"/x","requestContext":{"http":{"method":"POST"}},
    "body":"***","isBase64Encoded":true})");
  BOOST_REQUIRE(!ev.ok());
  BOOST_TEST(ev.error().message.find("base64") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(reply_v1_keeps_repeated_headers) {
  Event ev = parse_sample("apigw_v1.json");
  auto doc = reply(sample_response(), ev);
  BOOST_TEST(json::get_number(doc.get(), "statusCode").value_or(0) == 206);
  const cJSON* mvh = cJSON_GetObjectItemCaseSensitive(doc.get(), "multiValueHeaders");
  BOOST_TEST((strings(cJSON_GetObjectItemCaseSensitive(mvh, "Set-Cookie")) ==
              std::vector<std::string>{"a=1; Path=/", "b=2; HttpOnly"}));
  BOOST_TEST((strings(cJSON_GetObjectItemCaseSensitive(mvh, "Content-Range")) ==
              std::vector<std::string>{"0-1/5"}));
  BOOST_TEST(json::get_string(doc.get(), "body").value_or("") == R"([{"id":1,"name":"ü"}])");
  BOOST_TEST(!json::get_bool(doc.get(), "isBase64Encoded", true));
  BOOST_TEST(!cJSON_HasObjectItem(doc.get(), "statusDescription"));
}

BOOST_AUTO_TEST_CASE(reply_v2_puts_set_cookie_in_cookies) {
  Event ev = parse_sample("http_api_v2.json");
  auto doc = reply(sample_response(), ev);
  const cJSON* headers = cJSON_GetObjectItemCaseSensitive(doc.get(), "headers");
  BOOST_TEST(json::get_string(headers, "Content-Range").value_or("") == "0-1/5");
  BOOST_TEST(!cJSON_HasObjectItem(headers, "Set-Cookie"));
  BOOST_TEST((strings(cJSON_GetObjectItemCaseSensitive(doc.get(), "cookies")) ==
              std::vector<std::string>{"a=1; Path=/", "b=2; HttpOnly"}));
  BOOST_TEST(!cJSON_HasObjectItem(doc.get(), "multiValueHeaders"));
}

BOOST_AUTO_TEST_CASE(reply_alb_has_status_description_and_matching_headers) {
  Event multi = parse_sample("alb_multi.json");
  auto doc = reply(sample_response(), multi);
  BOOST_TEST(json::get_string(doc.get(), "statusDescription").value_or("") == "206 Partial Content");
  const cJSON* mvh = cJSON_GetObjectItemCaseSensitive(doc.get(), "multiValueHeaders");
  BOOST_TEST(strings(cJSON_GetObjectItemCaseSensitive(mvh, "Set-Cookie")).size() == 2u);
  BOOST_TEST(!cJSON_HasObjectItem(doc.get(), "headers"));

  Event single = parse_sample("alb_single.json");
  auto one = reply(sample_response(), single);
  BOOST_TEST(!cJSON_HasObjectItem(one.get(), "multiValueHeaders"));
  const cJSON* h = cJSON_GetObjectItemCaseSensitive(one.get(), "headers");
  BOOST_TEST(json::get_string(h, "Set-Cookie").value_or("") == "a=1; Path=/, b=2; HttpOnly");
  Response not_found;
  not_found.status = 404;
  BOOST_TEST(json::get_string(reply(not_found, single).get(), "statusDescription").value_or("") ==
             "404 Not Found");
  not_found.reason = "Gone Fishing";
  BOOST_TEST(json::get_string(reply(not_found, single).get(), "statusDescription").value_or("") ==
             "404 Gone Fishing");
}

BOOST_AUTO_TEST_CASE(binary_bodies_are_base64) {
  Event ev = parse_sample("function_url.json");
  Response res;
  res.headers = {{"Content-Type", "application/octet-stream"}};
  res.body = std::string("\x00\xff\x10png", 6);
  auto doc = reply(res, ev);
  BOOST_TEST(json::get_bool(doc.get(), "isBase64Encoded"));
  BOOST_TEST(json::get_string(doc.get(), "body").value_or("") == base64_encode(res.body));
  // Text media types that are not valid UTF-8 are binary too.
  res.headers = {{"Content-Type", "text/plain"}};
  res.body = "caf\xe9";
  BOOST_TEST(json::get_bool(reply(res, ev).get(), "isBase64Encoded"));
  res.body = "café";
  BOOST_TEST(!json::get_bool(reply(res, ev).get(), "isBase64Encoded", true));
}

BOOST_DATA_TEST_CASE(base64_round_trip,
                     bdata::make(std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba",
                                                          "foobar", std::string("\0\x01\xfe\xff", 4)}),
                     bytes) {
  auto back = base64_decode(base64_encode(bytes));
  BOOST_REQUIRE(back.has_value());
  BOOST_TEST(*back == bytes);
}

BOOST_AUTO_TEST_CASE(base64_known_vectors) {
  BOOST_TEST(base64_encode("foobar") == "Zm9vYmFy");
  BOOST_TEST(base64_encode("fo") == "Zm8=");
  BOOST_TEST(*base64_decode("Zm9vYg==") == "foob");
}

BOOST_AUTO_TEST_CASE(text_detection) {
  BOOST_TEST(is_text("application/json; charset=utf-8", "{}"));
  BOOST_TEST(is_text("application/vnd.pgrst.object+json", "{}"));
  BOOST_TEST(is_text("text/csv", "a,b"));
  BOOST_TEST(is_text("", ""));
  BOOST_TEST(!is_text("application/octet-stream", "abc"));
  BOOST_TEST(!is_text("image/png", "abc"));
}

BOOST_AUTO_TEST_SUITE_END()
