// Server-Timing (server-timing-enabled): PostgREST's phases as durations in milliseconds,
//   Server-Timing: jwt;dur=0.1, parse;dur=0.0, plan;dur=0.2, transaction;dur=1.4, response;dur=0.1
// jwt = verifying the token, parse = the API request, plan = from there to the first statement
// (planning and SQL building), transaction = the database round trip(s), response = from the last
// statement's answer to the finished response. Phases that did not run are left out.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace pgrest {

struct RequestTiming {
  using clock = std::chrono::steady_clock;
  clock::time_point start;
  std::optional<clock::time_point> jwt_end, parse_end;
};

// `db_start`/`db_end` when a statement was sent; `end` when the response was ready.
std::string server_timing_header(const RequestTiming& t,
                                 std::optional<RequestTiming::clock::time_point> db_start,
                                 std::optional<RequestTiming::clock::time_point> db_end,
                                 RequestTiming::clock::time_point end);

}  // namespace pgrest
