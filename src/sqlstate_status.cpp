// PostgREST's SQLSTATE → HTTP table, first match wins.
#include <string>

#include "json.hpp"
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
  // A token naming a role the authenticator may not switch to is an authentication failure (the
  // issue asks 401; PostgREST v13 says 403 here), any other privilege error 401/403.
  if (s == "42501" && message.substr(0, 29) == "permission denied to set role") return 401;
  if (s == "42501") return authenticated ? 403 : 401;
  return 400;
}

namespace {

// RAISE SQLSTATE 'PGRST': MESSAGE is {code, message, details?, hint?} and DETAIL is
// {status, status_text?, headers}; both must parse or the answer is 500 PGRST121.
Error raised_pgrst(const std::string& message, const std::optional<std::string>& detail) {
  json::Ptr m = json::parse(message);
  auto optional_text = [](const cJSON* obj, const char* key) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v == nullptr || cJSON_IsNull(v) || cJSON_IsString(v);
  };
  if (!m || !cJSON_IsObject(m.get()) || !json::get_string(m.get(), "code") ||
      !json::get_string(m.get(), "message") || !optional_text(m.get(), "details") ||
      !optional_text(m.get(), "hint")) {
    return errors::raise_parse("Invalid JSON value for MESSAGE: '" + message + "'", true);
  }
  if (!detail) return errors::raise_parse("DETAIL is missing in the RAISE statement", false);
  json::Ptr d = json::parse(*detail);
  const cJSON* status = d ? cJSON_GetObjectItemCaseSensitive(d.get(), "status") : nullptr;
  const cJSON* headers = d ? cJSON_GetObjectItemCaseSensitive(d.get(), "headers") : nullptr;
  bool ok = d && cJSON_IsObject(d.get()) && cJSON_IsNumber(status) &&
            status->valuedouble == static_cast<double>(static_cast<int>(status->valuedouble)) &&
            cJSON_IsObject(headers) && optional_text(d.get(), "status_text");
  const cJSON* h = nullptr;
  if (ok) {
    cJSON_ArrayForEach(h, headers) ok = ok && cJSON_IsString(h);
  }
  if (!ok) return errors::raise_parse("Invalid JSON value for DETAIL: '" + *detail + "'", false);
  Error e;
  e.status = static_cast<int>(status->valuedouble);
  e.code = *json::get_string(m.get(), "code");
  e.message = *json::get_string(m.get(), "message");
  e.details = json::get_string(m.get(), "details");
  e.hint = json::get_string(m.get(), "hint");
  cJSON_ArrayForEach(h, headers) e.headers.push_back({h->string, h->valuestring});
  e.reason = json::get_string(d.get(), "status_text");
  return e;
}

}  // namespace

Error error_from_pg(std::string sqlstate, std::string message, std::optional<std::string> detail,
                    std::optional<std::string> hint, bool authenticated) {
  if (sqlstate == "PGRST") return raised_pgrst(message, detail);
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
