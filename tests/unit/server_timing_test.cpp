#include <boost/test/unit_test.hpp>

#include "pgrest/server_timing.hpp"

using namespace pgrest;
using namespace std::chrono;

BOOST_AUTO_TEST_SUITE(server_timing)

BOOST_AUTO_TEST_CASE(phases_in_postgrest_order_in_milliseconds) {
  RequestTiming t;
  t.start = RequestTiming::clock::time_point(milliseconds(1000));
  t.jwt_end = t.start + microseconds(1250);
  t.parse_end = *t.jwt_end + microseconds(40);
  auto db_start = *t.parse_end + microseconds(300);
  auto db_end = db_start + microseconds(2460);
  auto end = db_end + microseconds(150);
  BOOST_TEST(server_timing_header(t, db_start, db_end, end) ==
             "jwt;dur=1.2, parse;dur=0.0, plan;dur=0.3, transaction;dur=2.5, response;dur=0.1");
}

BOOST_AUTO_TEST_CASE(phases_that_did_not_run_are_left_out) {
  RequestTiming t;
  t.start = RequestTiming::clock::time_point(milliseconds(1000));
  BOOST_TEST(server_timing_header(t, std::nullopt, std::nullopt, t.start).empty());
  t.jwt_end = t.start + milliseconds(2);
  BOOST_TEST(server_timing_header(t, std::nullopt, std::nullopt, t.start + milliseconds(3)) ==
             "jwt;dur=2.0");
  t.parse_end = *t.jwt_end + milliseconds(1);
  // No statement (OPTIONS, an unknown table): everything after parsing is "plan".
  BOOST_TEST(server_timing_header(t, std::nullopt, std::nullopt, *t.parse_end + milliseconds(4)) ==
             "jwt;dur=2.0, parse;dur=1.0, plan;dur=4.0");
}

BOOST_AUTO_TEST_SUITE_END()
