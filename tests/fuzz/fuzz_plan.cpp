// libFuzzer target: a whole request up to the SQL text, against a fixed schema snapshot
// (tests/fuzz/snapshot.json: sql/introspect.sql's document for the integration fixtures, schemas
// test and v2, its time zone list cut to six names). The input is
// an HTTP request in plain form: "METHOD /path?query", header lines "name: value", an empty line,
// the body. Parse, plan (reads, writes, RPC, OPTIONS, the OpenAPI root) and build every statement
// the handler would send; nothing is sent anywhere.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "pgrest/api_request.hpp"
#include "pgrest/openapi.hpp"
#include "pgrest/options_cors.hpp"
#include "pgrest/payload.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/plan_call.hpp"
#include "pgrest/plan_mutate.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql_builder.hpp"
#include "pgrest/sql_call.hpp"
#include "pgrest/sql_mutate.hpp"

using namespace pgrest;

namespace {

const Config& config() {
  static const Config c = [] {
    Config c;
    c.db_schemas = {"test", "v2"};
    c.db_anon_role = "anon";
    c.db_max_rows = 100;
    c.db_plan_enabled = true;
    c.db_aggregates_enabled = true;
    c.raw_media_types = {"text/html"};
    c.server_cors_allowed_origins = std::vector<std::string>{"https://example.com"};
    c.app_settings["app.settings.x"] = "y";
    return c;
  }();
  return c;
}

// The snapshot file is written once per process from the JSON fixture, mapped, then unlinked.
const Snapshot& snapshot() {
  static const Snapshot s = [] {
    std::ifstream f(PGREST_FUZZ_DIR "/snapshot.json", std::ios::binary);
    std::stringstream doc;
    doc << f.rdbuf();
    std::string path = "/tmp/pgrest_fuzz_plan_" + std::to_string(getpid()) + ".snapshot";
    if (!write_snapshot(path, doc.str()).ok()) __builtin_trap();
    auto opened = Snapshot::open(path);
    std::remove(path.c_str());
    if (!opened) __builtin_trap();
    return std::move(*opened);
  }();
  return s;
}

Request parse_http(std::string_view in) {
  Request req;
  auto next_line = [&in]() {
    size_t nl = in.find('\n');
    std::string_view line = in.substr(0, nl);
    in = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  };
  std::string_view first = next_line();
  size_t sp = first.find(' ');
  req.method = std::string(first.substr(0, sp));
  std::string_view target = sp == std::string_view::npos ? "/" : first.substr(sp + 1);
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req.query = std::string(target.substr(q + 1));
  for (std::string_view line = next_line(); !line.empty(); line = next_line()) {
    size_t colon = line.find(':');
    req.headers.push_back({to_lower(line.substr(0, colon)),
                           colon == std::string_view::npos ? "" : std::string(trim_spaces(line.substr(colon + 1)))});
  }
  req.body = std::string(in);
  return req;
}

void settings(const Request& req, const ApiRequest& api, bool read_only,
              const std::optional<std::string>& timezone) {
  Settings s = request_settings(req, config(), api.schema, "anon", R"({"role":"anon"})", read_only);
  s.timezone = timezone;
  (void)build_settings(s);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Request req = parse_http(std::string_view(reinterpret_cast<const char*>(data), size));
  if (auto pre = cors_preflight(req, config())) add_cors_headers(req, config(), *pre);
  auto api = parse_api_request(req, config());
  if (!api) return 0;
  if (api->action == Action::options) {
    (void)options_response(*api, snapshot());
  } else if (api->target == Target::root) {
    (void)openapi_document(snapshot(), config(), api->schema,
                           std::string(req.header("host").value_or("")), OpenApiScope{});
  } else if (api->target == Target::relation && api->action == Action::read) {
    if (auto plan = plan_read(*api, snapshot(), config())) {
      settings(req, *api, true, plan->timezone);
      (void)build_read(*plan);
      (void)build_count_explain(*plan);
    }
  } else if (api->target == Target::function && api->action == Action::call) {
    if (auto plan = plan_call(req, *api, snapshot(), config())) {
      settings(req, *api, plan->read_only, plan->read.timezone);
      (void)build_call(*plan);
      (void)build_call_count_explain(*plan);
      (void)build_isolation(plan->isolation);
    }
  } else if (api->target == Target::relation) {
    std::optional<Payload> payload;
    if (api->action != Action::remove) {
      auto p = parse_payload(req, api->params.columns.has_value());
      if (!p) return 0;
      payload = std::move(*p);
    }
    if (auto plan = plan_mutate(*api, payload ? &*payload : nullptr, snapshot(), config())) {
      settings(req, *api, false, plan->read.timezone);
      (void)build_mutate(*plan, "0123456789abcdef");
    }
  }
  return 0;
}
