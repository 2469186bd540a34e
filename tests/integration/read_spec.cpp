// The read slice over real HTTP: lighttpd → pgrest (FastCGI and CGI) → PgBouncer → PostgreSQL.
#include <jwt.h>

#include <fstream>

#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace pgtest {
std::string make_token(const std::string& claims_json, const std::string& secret_in) {
  std::string secret = secret_in.empty() ? env("PGRST_JWT_SECRET") : secret_in;
  jwt_t* jwt = nullptr;
  jwt_new(&jwt);
  jwt_add_grants_json(jwt, claims_json.c_str());
  jwt_set_alg(jwt, JWT_ALG_HS256, reinterpret_cast<const unsigned char*>(secret.data()),
              static_cast<int>(secret.size()));
  char* t = jwt_encode_str(jwt);
  std::string token = t ? t : "";
  free(t);
  jwt_free(jwt);
  return token;
}
}  // namespace pgtest

BOOST_AUTO_TEST_SUITE(read_slice)

BOOST_DATA_TEST_CASE(all_rows_as_a_json_array, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id&order=id");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1},{"id":2},{"id":3},{"id":4},{"id":5}])");
  BOOST_TEST(r.header("content-type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(r.header("content-range").value_or("") == "0-4/*");
  BOOST_TEST(r.header("content-location").value_or("") == "/items?order=id&select=id");
  BOOST_TEST(r.header("content-length").value_or("") == std::to_string(r.body.size()));
}

BOOST_DATA_TEST_CASE(star_returns_every_column, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?id=eq.3");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) ==
             json_norm(R"([{"id":3,"name":"carrot","price":0.10,"data":null,"tags":["vegetable"],"created":"2026-01-03"}])"));
}

BOOST_DATA_TEST_CASE(select_and_eq_filter, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id,name&id=eq.1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1,"name":"apple"}])");
  BOOST_TEST(r.header("content-range").value_or("") == "0-0/*");
}

BOOST_DATA_TEST_CASE(filters_are_anded, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id&price=gt.0.2&name=eq.banana");
  BOOST_TEST(json_norm(r.body) == R"([{"id":2}])");
  auto none = get(fe, "/items?select=id&name=eq.apple&id=eq.2");
  BOOST_TEST(none.status == 200);
  BOOST_TEST(none.body == "[]");
  BOOST_TEST(none.header("content-range").value_or("") == "*/*");
}

BOOST_DATA_TEST_CASE(order_limit_offset, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id&order=id.desc&limit=2&offset=1");
  BOOST_TEST(json_norm(r.body) == R"([{"id":4},{"id":3}])");
  BOOST_TEST(r.header("content-range").value_or("") == "1-2/*");
  auto asc = get(fe, "/items?select=name&order=price.asc.nullsfirst&limit=2");
  BOOST_TEST(json_norm(asc.body) == R"([{"name":"dates"},{"name":"carrot"}])");
}

BOOST_DATA_TEST_CASE(head_has_headers_and_no_body, bdata::make(kFrontends), fe) {
  auto r = http("HEAD", base_url(fe), "/items");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.empty());
  BOOST_TEST(r.header("content-range").value_or("") == "0-4/*");
}

BOOST_DATA_TEST_CASE(views_are_readable, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/cheap_items?select=name&order=name");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(json_norm(r.body) == R"([{"name":"banana"},{"name":"carrot"}])");
}

BOOST_DATA_TEST_CASE(exact_count_and_range_header, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id&order=id", {{"Range", "0-1"}, {"Prefer", "count=exact"}});
  BOOST_TEST(r.status == 206);
  BOOST_TEST(r.header("content-range").value_or("") == "0-1/5");
  BOOST_TEST(r.header("preference-applied").value_or("") == "count=exact");
  BOOST_TEST(json_norm(r.body) == R"([{"id":1},{"id":2}])");
  auto all = get(fe, "/items?select=id", {{"Prefer", "count=exact"}});
  BOOST_TEST(all.status == 200);
  BOOST_TEST(all.header("content-range").value_or("") == "0-4/5");
  auto past = get(fe, "/items?offset=100", {{"Prefer", "count=exact"}});
  CHECK_ERROR(past, 416, "PGRST103");
  BOOST_TEST(past.header("content-range").value_or("") == "*/5");
  BOOST_TEST(past.body.find("An offset of 100 was requested, but there are only 5 rows.") !=
             std::string::npos);
}

BOOST_DATA_TEST_CASE(quoted_identifiers_end_to_end, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/odd%20table?select=%22the%20id%22,%22x,y%22,%22select%22&%22x,y%22=eq.a,b");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"the id":1,"x,y":"a,b","select":"kw"}])");
  auto u = get(fe, "/odd%20table?select=%C3%9Cn%C3%AFcode&order=%22the%20id%22.desc");
  BOOST_TEST(json_norm(u.body) == R"([{"Ünïcode":"é"},{"Ünïcode":"ü"}])");
}

BOOST_DATA_TEST_CASE(request_settings_reach_sql, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/request_info", {{"X-Probe", "it's me"}});
  BOOST_TEST(r.status == 200, r.body);
  std::string b = json_norm(r.body);
  BOOST_TEST(b.find(R"("role":"web_anon")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("claims":"{\"role\":\"web_anon\"}")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("method":"GET")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("path":"/request_info")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("probe":"it's me")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("read_only":"on")") != std::string::npos, b);
  BOOST_TEST(b.find(R"("search_path":"\"test\", \"public\"")") != std::string::npos, b);
}

BOOST_DATA_TEST_CASE(jwt_role_is_used, bdata::make(kFrontends), fe) {
  std::string token = make_token(R"({"role":"web_user","sub":"42"})");
  auto r = get(fe, "/secrets?select=secret", {{"Authorization", "Bearer " + token}});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"secret":"hunter2"}])");
  auto info = get(fe, "/request_info?select=role,claims", {{"Authorization", "Bearer " + token}});
  BOOST_TEST(json_norm(info.body).find(R"(\"sub\":\"42\")") != std::string::npos, info.body);
}

BOOST_DATA_TEST_CASE(csv_output, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id,name&id=lte.2&order=id", {{"Accept", "text/csv"}});
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.header("content-type").value_or("") == "text/csv; charset=utf-8");
  BOOST_TEST(r.body == "id,name\n1,apple\n2,banana");
}

BOOST_DATA_TEST_CASE(singular_object, bdata::make(kFrontends), fe) {
  Headers accept = {{"Accept", "application/vnd.pgrst.object+json"}};
  auto one = get(fe, "/items?select=id,name&id=eq.2", accept);
  BOOST_TEST(one.status == 200);
  BOOST_TEST(json_norm(one.body) == R"({"id":2,"name":"banana"})");
  auto many = get(fe, "/items?select=id&id=lt.3", accept);
  CHECK_ERROR(many, 406, "PGRST116");
  BOOST_TEST(many.body.find("The result contains 2 rows") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(max_rows_caps_the_response) {
  auto r = cgi("GET", "/items?select=id&order=id", {"PGRST_DB_MAX_ROWS=2"});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1},{"id":2}])");
  BOOST_TEST(r.header("content-range").value_or("") == "0-1/*");
}

BOOST_AUTO_TEST_CASE(config_file_is_read) {
  std::string path = env("PGREST_TEST_DIR") + "/test.conf";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("# a PostgREST-style config file\ndb-max-rows = 1\n", f);
  std::fclose(f);
  auto r = cgi("GET", "/items?select=id&order=id", {"PGRST_CONFIG=" + path});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"id":1}])");
}

BOOST_AUTO_TEST_SUITE_END()

// The settings statement, the main statement and the Sync leave in one write and come back in one
// flight: strace shows exactly one send carrying queries between the login and the Terminate.
namespace {
void check_one_round_trip(const std::string& target, const std::string& expected_body_part) {
  std::string trace = env("PGREST_TEST_DIR") + "/strace.out";
  size_t q = target.find('?');
  std::vector<std::string> e = {"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
                                "REQUEST_URI=/cgi-bin/pgrest" + target,
                                "SCRIPT_NAME=/cgi-bin/pgrest", "PATH_INFO=" + target.substr(0, q),
                                no_leak_check_asan_options()};  // LeakSanitizer cannot run under ptrace
  std::string out;
  int rc = run({"/usr/bin/strace", "-f", "-qq", "-e", "trace=sendto,recvfrom", "-s", "1", "-o",
                trace, env("PGREST_BIN")},
               e, out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(out.find(expected_body_part) != std::string::npos, out);
  std::ifstream in(trace);
  std::string line;
  int query_sends = 0, later_sends = 0;
  bool after_query = false;
  while (std::getline(in, line)) {
    bool send = line.find("sendto(") != std::string::npos;
    if (send && line.find(", \"P\"") != std::string::npos) {
      ++query_sends;
      after_query = true;
    } else if (send && after_query && line.find("\"X\"") == std::string::npos) {
      ++later_sends;  // anything sent after the pipeline except the Terminate message
    }
  }
  BOOST_TEST(query_sends == 1, out);
  BOOST_TEST(later_sends == 0);
}
}  // namespace

BOOST_AUTO_TEST_CASE(one_round_trip_per_request) {
  check_one_round_trip("/items?select=id&id=eq.1", "[{\"id\":1}]");
}

BOOST_AUTO_TEST_CASE(one_round_trip_with_three_embeds) {
  check_one_round_trip(
      "/directors?select=name,films!director_id(title,roles(character),actors(first_name))&id=eq.1",
      "\"character\":\"Bowman\"");
}

BOOST_AUTO_TEST_CASE(access_log_at_info_level) {
  std::vector<std::string> e = {"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
                                "REQUEST_URI=/cgi-bin/pgrest/items?select=id&id=eq.1",
                                "SCRIPT_NAME=/cgi-bin/pgrest", "PATH_INFO=/items",
                                "REMOTE_ADDR=10.1.2.3", "SERVER_PROTOCOL=HTTP/1.1",
                                "HTTP_USER_AGENT=probe/1.0"};
  std::string out;
  auto info = e;
  info.push_back("PGRST_LOG_LEVEL=info");
  BOOST_TEST(run({env("PGREST_BIN")}, info, out) == 0);
  BOOST_TEST(out.find("10.1.2.3 - - [") != std::string::npos, out);
  BOOST_TEST(out.find("] \"GET /items?select=id&id=eq.1 HTTP/1.1\" 200 10 \"-\" \"probe/1.0\"") !=
             std::string::npos, out);
  auto quiet = e;
  quiet.push_back("PGRST_LOG_LEVEL=error");
  BOOST_TEST(run({env("PGREST_BIN")}, quiet, out) == 0);
  BOOST_TEST(out.find("10.1.2.3") == std::string::npos, out);
}
