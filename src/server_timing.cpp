#include "pgrest/server_timing.hpp"

#include <cstdio>

namespace pgrest {
namespace {

void add(std::string& out, const char* name, RequestTiming::clock::duration d) {
  double ms = std::chrono::duration<double, std::milli>(d).count();
  if (ms < 0) ms = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%s;dur=%.1f", out.empty() ? "" : ", ", name, ms);
  out += buf;
}

}  // namespace

std::string server_timing_header(const RequestTiming& t,
                                 std::optional<RequestTiming::clock::time_point> db_start,
                                 std::optional<RequestTiming::clock::time_point> db_end,
                                 RequestTiming::clock::time_point end) {
  std::string out;
  if (!t.jwt_end) return out;
  add(out, "jwt", *t.jwt_end - t.start);
  if (!t.parse_end) return out;
  add(out, "parse", *t.parse_end - *t.jwt_end);
  if (!db_start || !db_end || *db_start < *t.parse_end) {
    add(out, "plan", end - *t.parse_end);
    return out;
  }
  add(out, "plan", *db_start - *t.parse_end);
  add(out, "transaction", *db_end - *db_start);
  add(out, "response", end - *db_end);
  return out;
}

}  // namespace pgrest
