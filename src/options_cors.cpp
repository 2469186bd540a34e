#include "pgrest/options_cors.hpp"

#include <algorithm>

#include "json.hpp"
#include "pgrest/plan.hpp"

namespace pgrest {
namespace {

// The origin to echo, "*" for any, or nullopt when the origin is not allowed.
std::optional<std::string> allowed_origin(const Request& req, const Config& config) {
  auto origin = req.header("origin");
  if (!origin) return std::nullopt;
  if (!config.server_cors_allowed_origins) return std::string("*");
  const auto& list = *config.server_cors_allowed_origins;
  if (std::find(list.begin(), list.end(), *origin) != list.end()) return std::string(*origin);
  return std::nullopt;
}

}  // namespace

std::optional<Response> cors_preflight(const Request& req, const Config& config) {
  if (req.method != "OPTIONS" || !req.header("origin") ||
      !req.header("access-control-request-method")) {
    return std::nullopt;
  }
  Response res;
  auto origin = allowed_origin(req, config);
  if (!origin) return res;  // a disallowed origin gets no CORS headers
  res.headers.push_back({"Access-Control-Allow-Origin", *origin});
  if (*origin != "*") res.headers.push_back({"Access-Control-Allow-Credentials", "true"});
  res.headers.push_back({"Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS, HEAD"});
  std::string allow = "Authorization";
  if (auto requested = req.header("access-control-request-headers"); requested && !requested->empty()) {
    allow += ", " + std::string(*requested);
  }
  res.headers.push_back({"Access-Control-Allow-Headers", allow + ", Accept, Accept-Language, Content-Language"});
  res.headers.push_back({"Access-Control-Max-Age", "86400"});
  return res;
}

void add_cors_headers(const Request& req, const Config& config, Response& res) {
  auto origin = allowed_origin(req, config);
  if (!origin || res.header("Access-Control-Allow-Origin")) return;
  res.headers.push_back({"Access-Control-Allow-Origin", *origin});
  if (*origin != "*") res.headers.push_back({"Access-Control-Allow-Credentials", "true"});
  res.headers.push_back({"Access-Control-Expose-Headers",
                         "Content-Encoding, Content-Location, Content-Range, Content-Type, Date, "
                         "Location, Server, Transfer-Encoding, Range-Unit"});
}

Result<Response> options_response(const ApiRequest& api, const Snapshot& snapshot) {
  Response res;
  std::string allow;
  if (api.target == Target::root) {
    allow = "OPTIONS,GET,HEAD";
  } else if (api.target == Target::function) {
    auto group = snapshot.functions(api.schema, api.name);
    if (!group) {
      Error e;
      e.status = 404;
      e.code = "PGRST202";
      e.message = "Could not find the function " + api.schema + "." + api.name + " in the schema cache";
      return e;
    }
    json::Ptr doc = json::parse(*group);
    bool is_volatile = true;
    const cJSON* fn = nullptr;
    cJSON_ArrayForEach(fn, doc.get()) {
      if (json::get_string(fn, "volatility").value_or("v") != "v") is_volatile = false;
    }
    allow = is_volatile ? "OPTIONS,POST" : "OPTIONS,GET,HEAD,POST";
  } else {
    auto t = resolve_table(snapshot, api.schema, api.name);
    if (!t) return t.take_error();
    allow = "OPTIONS,GET,HEAD";
    if (t->insertable) allow += ",POST";
    if (t->insertable && t->updatable && !t->pk.empty()) allow += ",PUT";
    if (t->updatable) allow += ",PATCH";
    if (t->deletable) allow += ",DELETE";
  }
  res.headers.push_back({"Allow", allow});
  res.headers.push_back({"Access-Control-Allow-Origin", "*"});
  return res;
}

}  // namespace pgrest
