// Request bodies → the JSON handed to PostgreSQL: key checks on JSON, CSV and form conversion,
// and PostgREST's PGRST102 messages.
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/payload.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgrest;

namespace {

Request body(std::string content_type, std::string text) {
  Request r;
  r.method = "POST";
  if (!content_type.empty()) r.headers.push_back({"content-type", std::move(content_type)});
  r.body = std::move(text);
  return r;
}

std::string keys(const Payload& p) {
  std::string out;
  for (const auto& k : p.keys) out += (out.empty() ? "" : ",") + k;
  return out;
}

struct Case {
  const char* content_type;
  const char* body;
  const char* json;   // expected JSON text, or the expected PGRST102 message
  const char* keys;
  bool error;
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.content_type << " " << c.body; }

const Case kCases[] = {
    {"", R"({"b":1,"a":2})", R"({"b":1,"a":2})", "a,b", false},
    {"application/json", R"([{"a":1,"b":2},{"b":3,"a":4}])", R"([{"a":1,"b":2},{"b":3,"a":4}])", "a,b", false},
    {"application/json; charset=utf-8", "{}", "{}", "", false},
    {"application/json", "[]", "[]", "", false},
    {"application/json", "42", "[]", "", false},
    {"application/json", "}{ x = 2", "Empty or invalid json", "", true},
    {"application/json", "", "Empty or invalid json", "", true},
    {"application/json", R"([{"id":100,"body":"x"},{"id":111,"body":"y","owner":"me"}])",
     "All object keys must match", "", true},
    {"application/json", R"([{"a":1},2])", "All object keys must match", "", true},
    {"application/json", R"([1,2])", "All object keys must match", "", true},
    {"text/csv", "a,b\nfoo,bar\nNULL,\"x,\"\"y\"\"\"\n", R"([{"a":"foo","b":"bar"},{"a":null,"b":"x,\"y\""}])", "a,b", false},
    {"text/csv", "a,b\r\n1,2\r\n", R"([{"a":"1","b":"2"}])", "a,b", false},
    {"text/csv", "a,b\n\"multi\nline\",\n", R"([{"a":"multi\nline","b":""}])", "a,b", false},
    {"text/csv", "a,b\nfoo,bar\nbaz", "All lines must have same number of fields", "", true},
    {"application/x-www-form-urlencoded", "name=a+b&id=1&name=c%26d", R"({"name":"c&d","id":"1"})", "id,name", false},
    {"text/plain", "hello", "Content-Type not acceptable: text/plain", "", true},
    {"application/xml", "<a/>", "Content-Type not acceptable: application/xml", "", true},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(payload)

BOOST_DATA_TEST_CASE(bodies, bdata::make(kCases), c) {
  auto p = parse_payload(body(c.content_type, c.body), false);
  if (c.error) {
    BOOST_TEST_REQUIRE(!p.ok());
    BOOST_TEST(p.error().status == 400);
    BOOST_TEST(p.error().code == "PGRST102");
    BOOST_TEST(p.error().message == c.json);
  } else {
    BOOST_TEST_REQUIRE(p.ok(), (p.ok() ? "" : p.error().message));
    BOOST_TEST(p->json == c.json);
    BOOST_TEST(keys(*p) == c.keys);
  }
}

BOOST_AUTO_TEST_CASE(columns_leave_json_uninspected) {
  auto p = parse_payload(body("application/json", "[{\"a\":1},{\"b\":2}]"), true);
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST(p->raw);
  BOOST_TEST(p->keys.empty());
  BOOST_TEST(p->json == "[{\"a\":1},{\"b\":2}]");
}

BOOST_AUTO_TEST_SUITE_END()
