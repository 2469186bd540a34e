#include "pgrest/plan_mutate.hpp"

#include <algorithm>

namespace pgrest {
namespace {

// PUT: the filters must be exactly the PK columns, each a plain `eq` (PostgREST's Plan.hs).
bool put_filters_ok(const ApiRequest& req, const Table& t) {
  if (t.pk.empty() || !req.params.logic.empty()) return false;
  std::vector<std::string> names;
  for (const auto& f : req.params.filters) {
    const OpExpr& e = f.value.expr;
    if (!f.path.empty() || e.negated || e.op != Op::eq || e.quantifier != Quantifier::none ||
        !f.value.field.json_path.empty()) {
      return false;
    }
    names.push_back(f.value.field.name);
  }
  std::vector<std::string> pk = t.pk;
  std::sort(pk.begin(), pk.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names == pk;
}

}  // namespace

Result<MutatePlan> plan_mutate(const ApiRequest& req, const Payload* payload,
                               const Snapshot& snapshot, const Config& config) {
  if (req.action == Action::upsert) {
    for (const auto& l : req.params.limits) {
      if (l.path.empty()) return errors::put_limit();
    }
    for (const auto& o : req.params.offsets) {
      if (o.path.empty()) return errors::put_limit();
    }
  }
  // The representation and the WHERE clause are planned as the read of the same relation.
  auto read = plan_read(req, snapshot, config);
  if (!read) return read.take_error();
  MutatePlan plan;
  plan.action = req.action;
  plan.read = std::move(*read);
  plan.read.range = RowRange{};  // db-max-rows does not cap writes
  const Table& t = plan.read.table;

  if (req.action == Action::upsert && !put_filters_ok(req, t)) return errors::invalid_put_filters();

  if (payload != nullptr) {
    plan.payload = payload->json;
    if (req.params.columns) {
      plan.columns = *req.params.columns;
      std::sort(plan.columns.begin(), plan.columns.end());
      plan.columns.erase(std::unique(plan.columns.begin(), plan.columns.end()), plan.columns.end());
    } else {
      plan.columns = payload->keys;
    }
    for (const auto& c : plan.columns) {
      if (t.column(c) == nullptr) return errors::column_not_found(t.name, c);
    }
  }
  if (req.action == Action::upsert) {
    // The payload must carry the key it is compared with; without it nothing could match.
    for (const auto& k : t.pk) {
      if (!std::binary_search(plan.columns.begin(), plan.columns.end(), k)) {
        return errors::put_mismatch();
      }
    }
    plan.conflict = t.pk;
  }

  const Preferences& p = req.prefs;
  plan.apply_defaults = p.missing && *p.missing == "default";
  if (req.action == Action::insert && p.resolution) {
    plan.conflict = req.params.on_conflict ? *req.params.on_conflict : t.pk;
    for (const auto& c : plan.conflict) {
      if (t.column(c) == nullptr) return errors::column_not_found(t.name, c);
    }
    if (!plan.conflict.empty()) plan.resolution = p.resolution;
  }
  if (p.return_) {
    if (*p.return_ == "representation") plan.ret = Return::representation;
    if (*p.return_ == "headers-only") plan.ret = Return::headers_only;
  }
  plan.count = p.count.has_value();
  plan.singular = plan.read.media.output == Output::object ||
                  plan.read.media.output == Output::object_stripped;
  if ((req.action == Action::update || req.action == Action::remove) && p.strict()) {
    plan.max_affected = p.max_affected;
  }
  plan.location = req.action == Action::insert && plan.ret == Return::headers_only && !t.pk.empty();

  bool tx_override = config.db_tx_end == TxEnd::commit_allow_override ||
                     config.db_tx_end == TxEnd::rollback_allow_override;
  plan.rollback = config.db_tx_end == TxEnd::rollback ||
                  config.db_tx_end == TxEnd::rollback_allow_override;
  if (tx_override && p.tx) plan.rollback = *p.tx == "rollback";
  // Preference-Applied: what each method honours (PostgREST's Response.hs).
  Applied which;
  bool post = req.action == Action::insert, put = req.action == Action::upsert;
  which.resolution = post && plan.resolution.has_value();
  which.missing = post || req.action == Action::update;
  which.return_ = which.count = which.handling = true;
  which.tx = tx_override;
  which.timezone = plan.read.timezone.has_value();
  which.max_affected = !post && !put;
  plan.preference_applied = preference_applied(p, which);
  return plan;
}

}  // namespace pgrest
