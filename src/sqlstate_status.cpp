// PostgREST's SQLSTATE → HTTP table, first match wins.
#include <string>

#include "pgrest/executor.hpp"

namespace pgrest {

int sqlstate_status(std::string_view s, std::string_view message, bool authenticated) {
  auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
  auto ends_with = [&](std::string_view suffix) {
    return message.size() >= suffix.size() &&
           message.substr(message.size() - suffix.size()) == suffix;
  };
  if (s.size() == 5 && starts("PT")) {
    int n = 0;
    for (char c : s.substr(2)) {
      if (c < '0' || c > '9') return 500;
      n = n * 10 + (c - '0');
    }
    return n;
  }
  if (starts("08")) return 503;
  if (starts("09")) return 500;
  if (starts("0L") || starts("0P")) return 403;
  if (s == "23503" || s == "23505") return 409;
  if (s == "25006") return 405;
  if (s == "21000") return ends_with("requires a WHERE clause") ? 400 : 500;
  if (s == "22023") {
    bool role = message.substr(0, 5) == "role " && ends_with("does not exist");
    return role ? 401 : 400;
  }
  if (starts("25") || starts("2D") || starts("38") || starts("39") || starts("3B") || starts("40")) {
    return 500;
  }
  if (starts("28")) return 403;
  if (s == "53400") return 500;
  if (starts("53")) return 503;
  if (starts("54") || starts("55")) return 500;
  if (s == "57P01") return 503;
  if (starts("57") || starts("58") || starts("F0") || starts("HV") || starts("XX")) return 500;
  if (s == "P0001") return 400;
  if (starts("P0")) return 500;
  if (s == "42883") return message.substr(0, 16) == "function xmlagg(" ? 406 : 404;
  if (s == "42P01") return 404;
  if (s == "42P17") return 500;
  if (s == "42501") return authenticated ? 403 : 401;
  return 400;
}

Error error_from_pg(std::string sqlstate, std::string message, std::optional<std::string> detail,
                    std::optional<std::string> hint, bool authenticated) {
  Error e;
  e.status = sqlstate_status(sqlstate, message, authenticated);
  e.code = std::move(sqlstate);
  e.message = std::move(message);
  e.details = std::move(detail);
  e.hint = std::move(hint);
  if (e.status == 401) e.headers.push_back({"WWW-Authenticate", "Bearer"});
  if (e.status == 503) e.headers.push_back({"Retry-After", "0"});
  return e;
}

}  // namespace pgrest
