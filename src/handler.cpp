#include "pgrest/handler.hpp"

#include <cstdio>
#include <ctime>

#include "json.hpp"
#include "pgrest/api_request.hpp"
#include "pgrest/authenticator_check.hpp"
#include "pgrest/call_handler.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pg.hpp"
#include "pgrest/openapi.hpp"
#include "pgrest/options_cors.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/response_builder.hpp"
#include "pgrest/sql_builder.hpp"
#include "pgrest/sql_call.hpp"
#include "pgrest/sql_mutate.hpp"
#include "pgrest/write_response.hpp"

namespace pgrest {
namespace {

Result<Response> handle_read(const Request& req, const ApiRequest& api, const Auth& auth,
                             Context& ctx) {
  auto plan = plan_read(api, *ctx.snapshot, ctx.config);
  if (!plan) return plan.take_error();
  Settings s = request_settings_for(req, ctx, api.schema, auth, /*read_only=*/true);
  s.timezone = plan->timezone;
  Sql settings = build_settings(std::move(s));
  Sql main = build_read(*plan);
  std::optional<Sql> explain = build_count_explain(*plan);
  std::optional<Sql> pre;
  if (ctx.config.db_pre_request) pre = build_pre_request(*ctx.config.db_pre_request);
  std::optional<Sql> begin = build_isolation(role_isolation(ctx, auth.role));
  auto db = ctx.db->run(settings, main, /*retry_safe=*/true, auth.authenticated,
                        explain ? &*explain : nullptr, pre ? &*pre : nullptr,
                        begin ? &*begin : nullptr);
  if (!db) return db.take_error();
  if (plan->count == ReadPlan::Count::planned) {
    db->total = db->planned_total;
  } else if (plan->count == ReadPlan::Count::estimated && plan->max_rows && db->total &&
             *db->total > *plan->max_rows) {
    db->total = std::max(*db->total, db->planned_total.value_or(0));
  }
  bool tx_overridable = ctx.config.db_tx_end == TxEnd::commit_allow_override ||
                        ctx.config.db_tx_end == TxEnd::rollback_allow_override;
  auto res = read_response(api, *plan, *db, tx_overridable);
  if (!res) return res;
  if (auto s = apply_response_gucs(*db, *res); !s) return s.take_error();
  return res;
}

Result<Response> handle_write(const Request& req, const ApiRequest& api, const Auth& auth,
                              Context& ctx) {
  std::optional<Payload> payload;
  if (api.action != Action::remove) {  // DELETE ignores any body, as PostgREST does
    auto p = parse_payload(req, api.params.columns.has_value());
    if (!p) return p.take_error();
    payload = std::move(*p);
  }
  auto plan = plan_mutate(api, payload ? &*payload : nullptr, *ctx.snapshot, ctx.config);
  if (!plan) return plan.take_error();
  Settings s = request_settings_for(req, ctx, api.schema, auth, /*read_only=*/false);
  s.timezone = plan->read.timezone;
  Sql settings = build_settings(std::move(s));
  WriteStatements w = build_mutate(*plan, new_guard_nonce());
  std::optional<Sql> pre;
  if (ctx.config.db_pre_request) pre = build_pre_request(*ctx.config.db_pre_request);
  std::optional<Sql> begin = build_isolation(role_isolation(ctx, auth.role));
  // Never retried: a write that may have reached the server is not sent twice.
  auto db = ctx.db->run(settings, w.main, /*retry_safe=*/false, auth.authenticated, nullptr,
                        pre ? &*pre : nullptr, begin ? &*begin : nullptr,
                        w.guard.statements.empty() ? nullptr : &w.guard);
  if (!db) return db.take_error();
  auto res = write_response(*plan, *db);
  if (!res) return res;
  if (auto st = apply_response_gucs(*db, *res); !st) return st.take_error();
  return res;
}

// GET / : the OpenAPI document. follow-privileges asks the database, as the request's role, which
// tables and functions it may use (one statement in the usual single round trip).
Result<Response> handle_root(const Request& req, const ApiRequest& api, const Auth& auth,
                             Context& ctx) {
  if (ctx.config.openapi_mode == "disabled") {
    Error e;
    e.status = 404;
    e.code = "PGRST126";
    e.message = "Root endpoint metadata is disabled";
    return e;
  }
  auto media = negotiate(api.accept, {{Output::json, "application/openapi+json"},
                                      {Output::json, "application/json"}});
  if (!media) return media.take_error();
  OpenApiScope scope;
  if (ctx.config.openapi_mode == "follow-privileges") {
    std::vector<std::string> names = ctx.snapshot->table_names(api.schema);
    Sql main;
    main.raw("SELECT NULL::bigint, 0, json_build_object('tables', (SELECT coalesce(json_agg(n), '[]') "
             "FROM unnest(").param(array_literal(names)).raw("::text[]) n WHERE "
             "has_table_privilege(quote_ident(").param(api.schema).raw(") || '.' || quote_ident(n), "
             "'SELECT, INSERT, UPDATE, DELETE')), 'functions', (SELECT coalesce(json_agg(DISTINCT "
             "p.proname), '[]') FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace ns ON ns.oid = "
             "p.pronamespace WHERE ns.nspname = ").param(api.schema).raw(" AND "
             "has_function_privilege(p.oid, 'EXECUTE')))::text, NULL::text, NULL::text");
    Sql settings =
        build_settings(request_settings_for(req, ctx, api.schema, auth, /*read_only=*/true));
    auto db = ctx.db->run(settings, main, /*retry_safe=*/true, auth.authenticated);
    if (!db) return db.take_error();
    json::Ptr allowed = json::parse(db->body.value_or("{}"));
    scope.tables.emplace();
    scope.functions.emplace();
    for (auto& t : json::get_strings(allowed.get(), "tables")) scope.tables->insert(t);
    for (auto& f : json::get_strings(allowed.get(), "functions")) scope.functions->insert(f);
  }
  // Beyond PostgREST: application/openapi+json;version=3.1 asks for OpenAPI 3.1.
  for (const auto& a : api.accept) {
    if (a.essence() == "application/openapi+json" && a.params.count("version") &&
        a.params.at("version").rfind("3", 0) == 0) {
      scope.v3_1 = true;
      break;
    }
    if (a.essence() == media->media || a.essence() == "*/*") break;
  }
  Response res;
  // Whichever type was accepted, the document is OpenAPI's, as PostgREST labels it.
  res.headers.push_back({"Content-Type", std::string("application/openapi+json") +
                                             (scope.v3_1 ? "; version=3.1" : "") + "; charset=utf-8"});
  res.body = openapi_document(*ctx.snapshot, ctx.config, api.schema,
                              std::string(req.header("host").value_or("")), scope);
  return res;
}

Result<Response> dispatch(const Request& req, Context& ctx) {
  auto auth = authenticate(req, ctx.config, ctx.auth, static_cast<int64_t>(std::time(nullptr)));
  ctx.timing.jwt_end = RequestTiming::clock::now();
  if (!auth) return auth.take_error();
  auto api = parse_api_request(req, ctx.config);
  ctx.timing.parse_end = RequestTiming::clock::now();
  if (!api) return api.take_error();
  if (api->action == Action::options) return options_response(*api, *ctx.snapshot);
  if (api->target == Target::root && api->action == Action::read && ctx.config.db_root_spec) {
    // db-root-spec: GET / is a call of that function, answered as /rpc/<name> would be.
    api->target = Target::function;
    api->name = *ctx.config.db_root_spec;
    api->action = Action::call;
  }
  if (api->target == Target::root && api->action == Action::read) {
    auto res = handle_root(req, *api, *auth, ctx);
    if (res && (api->profile_header || ctx.config.db_schemas.size() > 1)) {
      res->headers.push_back({"Content-Profile", api->schema});
    }
    return res;
  }
  std::optional<Result<Response>> res;
  if (api->target == Target::relation && api->action == Action::read) {
    res = handle_read(req, *api, *auth, ctx);
  } else if (api->target == Target::function && api->action == Action::call) {
    res = handle_call(req, *api, *auth, ctx);
  } else if (api->target == Target::relation &&
             (api->action == Action::insert || api->action == Action::update ||
              api->action == Action::upsert || api->action == Action::remove)) {
    res = handle_write(req, *api, *auth, ctx);
  }
  if (res) {
    if (*res && (api->profile_header || ctx.config.db_schemas.size() > 1)) {
      (*res)->headers.push_back({"Content-Profile", api->schema});
    }
    return std::move(*res);
  }
  return errors::not_implemented(std::string("this kind of request (") + req.method + " " + req.path +
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
  res.reason = e.reason;
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

Settings request_settings_for(const Request& req, const Context& ctx, const std::string& schema,
                              const Auth& auth, bool read_only) {
  Settings s = request_settings(req, ctx.config, schema, auth.role, auth.claims_json, read_only);
  for (const auto& kv : ctx.snapshot->role_settings(auth.role)) {
    if (kv.first != "default_transaction_isolation") s.role_settings.push_back(kv);  // role_isolation
  }
  if (ctx.statement_timeout_ms) {
    s.role_settings.emplace_back("statement_timeout", std::to_string(*ctx.statement_timeout_ms) + "ms");
  }
  return s;
}

std::optional<std::string> role_isolation(const Context& ctx, const std::string& role) {
  for (const auto& [key, value] : ctx.snapshot->role_settings(role)) {
    if (key == "default_transaction_isolation") return isolation_keywords(value);
  }
  return std::nullopt;
}

Context make_context(const std::vector<std::string>& env, const std::optional<std::string>& file) {
  Context ctx;
  auto config = load_config(env, file);
  if (!config) {
    ctx.startup_error = config.take_error();
    return ctx;
  }
  ctx.config = std::move(*config);
  ctx.base_config = ctx.config;
  auto auth = make_auth_state(ctx.config);
  if (!auth) {
    ctx.startup_error = auth.take_error();
    return ctx;
  }
  ctx.auth = std::move(*auth);
  ctx.config_loaded = true;
  // Stamped before opening: a replacement racing with the open is seen by the next check.
  ctx.snapshot_stamp = snapshot_stamp(ctx.config.snapshot);
  auto snapshot = Snapshot::open(ctx.config.snapshot);
  if (!snapshot) {
    ctx.startup_error = snapshot.take_error();
    return ctx;
  }
  if (auto st = install_snapshot(ctx, std::move(*snapshot)); !st) {
    ctx.startup_error = st.take_error();
    return ctx;
  }
  judge_authenticator(ctx);
  return ctx;
}

void judge_authenticator(Context& ctx) {
  std::string warning;
  if (auto refusal = check_authenticator(ctx.snapshot->meta(), ctx.config, warning)) {
    ctx.startup_error = std::move(*refusal);
    return;
  }
  // Loud on purpose: every process start of an unsafe deployment says so in the server's log.
  if (!warning.empty()) std::fprintf(stderr, "%s\n", warning.c_str());
  ctx.startup_error.reset();
  if (!ctx.db) ctx.db = std::make_unique<Database>(ctx.config.db_uri, ctx.config.db_timeout_seconds);
}

Status install_snapshot(Context& ctx, Snapshot snapshot) {
  const auto& recorded = snapshot.meta().db_config;
  bool from_db = ctx.base_config.db_config && !recorded.empty();
  // Without in-database settings, before or now, the configuration and JWT state stay as they are.
  if (from_db || ctx.db_config_applied) {
    Config config = ctx.base_config;
    if (from_db) {
      if (auto st = apply_db_config(config, recorded); !st) return st;
    }
    auto auth = make_auth_state(config);
    if (!auth) return auth.take_error();
    ctx.config = std::move(config);
    ctx.auth = std::move(*auth);
    ctx.db_config_applied = from_db;
  }
  ctx.snapshot.emplace(std::move(snapshot));
  return Ok{};
}

Response handle_guarded(const Request& req, Context& ctx) {
  try {
    return handle(req, ctx);
  } catch (const std::exception& ex) {
    return render_error(errors::config(std::string("internal error: ") + ex.what()));
  } catch (...) {
    return render_error(errors::config("internal error"));
  }
}

void log_request(const Context& ctx, const Request& req, const Response& res) {
  if (ctx.config.log_level >= LogLevel::info) {
    std::fprintf(stderr, "%s\n", access_log_line(req, res).c_str());
  }
}

Response handle(const Request& req, Context& ctx) {
  bool head = req.method == "HEAD";
  // About 2-3 KiB per parsed table: a worker keeps well under 1 MiB whatever the schema's size,
  // and an application's usual working set of tables stays parsed.
  constexpr size_t kTableCacheLimit = 256;
  if (ctx.snapshot) ctx.snapshot->trim_cache(kTableCacheLimit);
  Response res;
  if (ctx.startup_error) {
    res = render_error(*ctx.startup_error);
  } else if (auto preflight = cors_preflight(req, ctx.config)) {
    res = std::move(*preflight);
  } else {
    ctx.timing = RequestTiming{RequestTiming::clock::now(), std::nullopt, std::nullopt};
    if (ctx.db) ctx.db->reset_span();
    auto r = dispatch(req, ctx);
    res = r ? std::move(*r) : render_error(r.error());
    if (ctx.config.server_timing_enabled) {
      std::optional<RequestTiming::clock::time_point> db_start, db_end;
      if (ctx.db && ctx.db->span().used) {
        db_start = ctx.db->span().start;
        db_end = ctx.db->span().end;
      }
      std::string timing = server_timing_header(ctx.timing, db_start, db_end, RequestTiming::clock::now());
      if (!timing.empty()) res.headers.push_back({"Server-Timing", timing});
    }
  }
  if (!ctx.startup_error) add_cors_headers(req, ctx.config, res);
  if (const auto& trace = ctx.config.server_trace_header) {
    if (auto id = req.header(to_lower(*trace))) res.headers.push_back({*trace, std::string(*id)});
  }
  // An error answered to HEAD keeps its status and headers but, as any HEAD, no body.
  finish(res, head && res.status < 400 ? true : false);
  if (head) res.body.clear();
  return res;
}

}  // namespace pgrest
