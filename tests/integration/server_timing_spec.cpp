// Server-Timing with server-timing-enabled: PostgREST's five phases on a read, a call and a write
// (over CGI with the setting, and over FastCGI/CGI without it: no header).
#include <regex>

#include "spec_util.hpp"

using namespace pgtest;
namespace bdata = boost::unit_test::data;

namespace {
const std::regex kFive(
    R"(^jwt;dur=\d+\.\d, parse;dur=\d+\.\d, plan;dur=\d+\.\d, transaction;dur=\d+\.\d, response;dur=\d+\.\d$)");
const std::vector<std::string> kOn = {"PGRST_SERVER_TIMING_ENABLED=true"};
}  // namespace

BOOST_AUTO_TEST_SUITE(server_timing_header)

BOOST_AUTO_TEST_CASE(read_call_and_error_carry_the_phases) {
  auto r = cgi("GET", "/items?select=id&id=eq.1", kOn);
  BOOST_TEST(r.status == 200, r.body);
  std::string t = r.header("server-timing").value_or("");
  BOOST_TEST(std::regex_match(t, kFive), t);
  auto c = cgi("GET", "/rpc/hello?name=you", kOn);
  BOOST_TEST(c.status == 200, c.body);
  t = c.header("server-timing").value_or("");
  BOOST_TEST(std::regex_match(t, kFive), t);
  // A statement that fails still ran a transaction.
  auto forbidden = cgi("GET", "/secrets", kOn);
  BOOST_TEST(forbidden.status == 401, forbidden.body);
  t = forbidden.header("server-timing").value_or("");
  BOOST_TEST(std::regex_match(t, kFive), t);
  // No statement: the phases up to planning.
  auto missing = cgi("GET", "/nope", kOn);
  BOOST_TEST(missing.status == 404);
  t = missing.header("server-timing").value_or("");
  BOOST_TEST(std::regex_match(t, std::regex(R"(^jwt;dur=\d+\.\d, parse;dur=\d+\.\d, plan;dur=\d+\.\d$)")), t);
}

// server-trace-header: the request's value of that header comes back on every response.
BOOST_AUTO_TEST_CASE(trace_header_is_echoed) {
  const std::vector<std::string> env = {"PGRST_SERVER_TRACE_HEADER=X-Request-Id"};
  auto ok = cgi("GET", "/items?select=id&id=eq.1", env, {{"X-Request-Id", "req-42"}});
  BOOST_TEST(ok.status == 200);
  BOOST_TEST(ok.header("x-request-id").value_or("") == "req-42");
  auto failed = cgi("GET", "/nope", env, {{"X-Request-Id", "req-43"}});
  BOOST_TEST(failed.status == 404);
  BOOST_TEST(failed.header("x-request-id").value_or("") == "req-43");
  BOOST_TEST(!cgi("GET", "/items?select=id&id=eq.1", env).has_header("x-request-id"));
  BOOST_TEST(!cgi("GET", "/items?select=id&id=eq.1", {}, {{"X-Request-Id", "req-44"}}).has_header("x-request-id"));
}

BOOST_DATA_TEST_CASE(absent_unless_enabled, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/items?select=id&id=eq.1");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(!r.has_header("server-timing"));
}

BOOST_AUTO_TEST_SUITE_END()
