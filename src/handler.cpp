#include "pgrest/handler.hpp"

#include <charconv>

#include "json.hpp"
#include "pgrest/api_request.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/sql_builder.hpp"

namespace pgrest {
namespace {

std::string content_type(const Offer& media) {
  switch (media.output) {
    case Output::csv: return "text/csv; charset=utf-8";
    case Output::object: return "application/vnd.pgrst.object+json; charset=utf-8";
    case Output::object_stripped:
      return "application/vnd.pgrst.object+json; nulls=stripped; charset=utf-8";
    case Output::array_stripped:
      return "application/vnd.pgrst.array+json; nulls=stripped; charset=utf-8";
    default: return "application/json; charset=utf-8";
  }
}

Error not_implemented(std::string what) {
  Error e;
  e.status = 400;
  e.code = "PGRST127";
  e.message = "Feature not implemented";
  e.details = std::move(what);
  return e;
}

// response.status / response.headers set by SQL override what we built (success responses only).
Status apply_response_gucs(const DbResult& db, Response& res) {
  if (db.response_status) {
    int status = 0;
    const std::string& s = *db.response_status;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), status);
    if (ec != std::errc() || p != s.data() + s.size() || status < 100 || status > 999) {
      Error e;
      e.code = "PGRST112";
      e.message = "response.status guc must be a valid status code";
      return e;
    }
    res.status = status;
  }
  if (db.response_headers) {
    Error bad;
    bad.code = "PGRST111";
    bad.message = "response.headers guc must be a JSON array composed of objects with a single key and a string value";
    json::Ptr doc = json::parse(*db.response_headers);
    if (!doc || !cJSON_IsArray(doc.get())) return bad;
    std::vector<Header> extra;
    const cJSON* item = nullptr;
    cJSON_ArrayForEach(item, doc.get()) {
      if (!cJSON_IsObject(item) || cJSON_GetArraySize(item) != 1 ||
          !cJSON_IsString(item->child)) {
        return bad;
      }
      extra.push_back({item->child->string, item->child->valuestring});
    }
    // A name we already set is replaced; repeated names from SQL are all kept.
    for (const auto& h : extra) {
      std::erase_if(res.headers, [&](const Header& x) { return iequals(x.name, h.name); });
    }
    for (auto& h : extra) res.headers.push_back(std::move(h));
  }
  return Ok{};
}

Result<Response> read_response(const ApiRequest& api, const ReadPlan& plan, const DbResult& db) {
  bool singular = plan.media.output == Output::object || plan.media.output == Output::object_stripped;
  if (singular && db.page_total != 1) return errors::singular(db.page_total);
  Response res;
  int64_t offset = plan.range.offset;
  res.status = range_status(offset, db.page_total, db.total);
  if (res.status == 416) {
    Error e = errors::invalid_range("An offset of " + std::to_string(offset) +
                                    " was requested, but there are only " +
                                    std::to_string(*db.total) + " rows.");
    e.headers.push_back({"Content-Range", content_range(offset, 0, db.total)});
    return e;
  }
  res.headers.push_back({"Content-Type", content_type(plan.media)});
  res.headers.push_back({"Content-Range", content_range(offset, db.page_total, db.total)});
  std::string location = api.raw_path;
  if (!api.params.canonical.empty()) location += "?" + api.params.canonical;
  res.headers.push_back({"Content-Location", location});
  if (plan.count_exact) res.headers.push_back({"Preference-Applied", "count=exact"});
  if (!api.head && db.body) res.body = *db.body;
  return res;
}

Result<Response> handle_read(const Request& req, const ApiRequest& api, const Auth& auth,
                             Context& ctx) {
  auto plan = plan_read(api, *ctx.snapshot, ctx.config);
  if (!plan) return plan.take_error();
  Sql settings = build_settings(
      request_settings(req, ctx.config, api.schema, auth.role, auth.claims_json, true));
  Sql main = build_read(*plan);
  auto db = ctx.db->run(settings, main, /*retry_safe=*/true, auth.authenticated);
  if (!db) return db.take_error();
  auto res = read_response(api, *plan, *db);
  if (!res) return res;
  if (auto s = apply_response_gucs(*db, *res); !s) return s.take_error();
  return res;
}

Result<Response> dispatch(const Request& req, Context& ctx) {
  auto auth = authenticate(req, ctx.config);
  if (!auth) return auth.take_error();
  auto api = parse_api_request(req, ctx.config);
  if (!api) return api.take_error();
  if (api->target == Target::relation && api->action == Action::read) {
    auto res = handle_read(req, *api, *auth, ctx);
    if (res && (api->profile_header || ctx.config.db_schemas.size() > 1)) {
      res->headers.push_back({"Content-Profile", api->schema});
    }
    return res;
  }
  return not_implemented(std::string("this kind of request (") + req.method + " " + req.path +
                         ") is not available yet");
}

void finish(Response& res, bool head) {
  if (res.status != 204 && !head) res.set_header("Content-Length", std::to_string(res.body.size()));
  if (head) res.body.clear();
}

}  // namespace

Response render_error(const Error& e) {
  Response res;
  res.status = e.status;
  std::string body = "{\"code\":";
  json::append_quoted(body, e.code);
  body += ",\"details\":";
  if (!e.details) body += "null";
  else if (e.details_is_json) body += *e.details;
  else json::append_quoted(body, *e.details);
  body += ",\"hint\":";
  if (e.hint) json::append_quoted(body, *e.hint); else body += "null";
  body += ",\"message\":";
  json::append_quoted(body, e.message);
  body += "}";
  res.headers.push_back({"Content-Type", "application/json; charset=utf-8"});
  res.headers.push_back({"Proxy-Status", "PostgREST; error=" + e.code});
  for (const auto& h : e.headers) res.headers.push_back(h);
  res.body = std::move(body);
  return res;
}

Context make_context(const std::vector<std::string>& env, const std::optional<std::string>& file) {
  Context ctx;
  auto config = load_config(env, file);
  if (!config) {
    ctx.startup_error = config.take_error();
    return ctx;
  }
  ctx.config = std::move(*config);
  auto snapshot = Snapshot::open(ctx.config.snapshot);
  if (!snapshot) {
    ctx.startup_error = snapshot.take_error();
    return ctx;
  }
  ctx.snapshot.emplace(std::move(*snapshot));
  ctx.db = std::make_unique<Database>(ctx.config.db_uri, ctx.config.db_timeout_seconds);
  return ctx;
}

Response handle(const Request& req, Context& ctx) {
  bool head = req.method == "HEAD";
  Response res;
  if (ctx.startup_error) {
    res = render_error(*ctx.startup_error);
  } else {
    auto r = dispatch(req, ctx);
    res = r ? std::move(*r) : render_error(r.error());
  }
  // An error answered to HEAD keeps its status and headers but, as any HEAD, no body.
  finish(res, head && res.status < 400 ? true : false);
  if (head) res.body.clear();
  return res;
}

}  // namespace pgrest
