#include "pgrest/call_handler.hpp"


#include "pgrest/base64.hpp"
#include "pgrest/plan_call.hpp"
#include "pgrest/response_builder.hpp"
#include "pgrest/sql_builder.hpp"
#include "pgrest/sql_call.hpp"
#include "pgrest/write_guard.hpp"

namespace pgrest {
namespace {

std::string call_content_type(const Offer& media) {
  if (media.output != Output::text_raw) return content_type(media);
  // raw-media-types: as configured; PostgREST 11's own text types carried a charset.
  if (media.media == "text/plain" || media.media == "text/xml") return media.media + "; charset=utf-8";
  return media.media;
}

Result<Response> call_response(const ApiRequest& api, const CallPlan& plan, const DbResult& db,
                               bool tx_overridable) {
  const ReadPlan& r = plan.read;
  if (r.explain_for) return explain_response(r, db);
  Response res;
  std::string prefs = read_preference_applied(api, r, tx_overridable, plan.max_affected_applied);
  if (plan.shape == CallShape::none) {
    res.status = 204;
  } else {
    auto status = page_status(r, db);
    if (!status) return status.take_error();
    int64_t offset = r.range.offset;
    res.status = *status;
    res.headers.push_back({"Content-Type", call_content_type(r.media)});
    res.headers.push_back({"Content-Range", content_range(offset, db.page_total, db.total)});
    if (!api.head && db.body) {
      bool binary = (r.media.output == Output::handler && r.media.binary) ||
                    ((r.media.output == Output::handler || r.media.output == Output::text_raw) &&
                     r.media.handler_name.empty() && plan.fn.return_type == "bytea");
      res.body = binary ? base64_decode(*db.body).value_or("") : *db.body;
    }
  }
  if (!prefs.empty()) res.headers.push_back({"Preference-Applied", prefs});
  return res;
}

}  // namespace

Result<Response> handle_call(const Request& req, const ApiRequest& api, const Auth& auth,
                             Context& ctx) {
  auto plan = plan_call(req, api, *ctx.snapshot, ctx.config);
  if (!plan) return plan.take_error();
  Settings s = request_settings_for(req, ctx, api.schema, auth, plan->read_only);
  s.timezone = plan->read.timezone;
  s.function_settings = plan->settings;
  Sql settings = build_settings(std::move(s));
  Sql main = build_call(*plan);
  std::optional<Sql> explain = build_call_count_explain(*plan);
  std::optional<Sql> begin =
      build_isolation(plan->isolation ? plan->isolation : role_isolation(ctx, auth.role));
  std::optional<Sql> pre;
  if (ctx.config.db_pre_request) pre = build_pre_request(*ctx.config.db_pre_request);
  GuardChecks checks = plan->guard;
  if (plan->read.explain_for) checks = GuardChecks{.rollback = checks.rollback};  // see build_mutate
  Guard guard = build_guard(checks, new_guard_nonce());
  auto db = ctx.db->run(settings, main, /*retry_safe=*/plan->read_only, auth.authenticated,
                        explain ? &*explain : nullptr, pre ? &*pre : nullptr,
                        begin ? &*begin : nullptr,
                        guard.statements.empty() ? nullptr : &guard);
  if (!db) return db.take_error();
  if (db->guard) {
    if (auto e = guard_error(*db->guard)) return *e;
  }
  const ReadPlan& r = plan->read;
  if (r.count == ReadPlan::Count::planned) {
    db->total = db->planned_total;
  } else if (r.count == ReadPlan::Count::estimated && r.max_rows && db->total &&
             *db->total > *r.max_rows) {
    db->total = std::max(*db->total, db->planned_total.value_or(0));
  }
  bool tx_overridable = ctx.config.db_tx_end == TxEnd::commit_allow_override ||
                        ctx.config.db_tx_end == TxEnd::rollback_allow_override;
  auto res = call_response(api, *plan, *db, tx_overridable);
  if (!res) return res;
  if (auto st = apply_response_gucs(*db, *res); !st) return st.take_error();
  return res;
}

}  // namespace pgrest
