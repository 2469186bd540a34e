#include <algorithm>

#include "pgrest/plan.hpp"

namespace pgrest {
namespace {

Error unknown_column(const Table& t, std::string_view column) {
  // PostgreSQL's own wording (42703), which PostgREST passes through.
  Error e;
  e.status = 400;
  e.code = "42703";
  e.message = "column " + t.name + "." + std::string(column) + " does not exist";
  return e;
}

Status check_field(const Table& t, const Field& f) {
  if (t.column(f.name) == nullptr) return unknown_column(t, f.name);
  return Ok{};
}

Status check_condition(const Table& t, const Condition& c);

Status check_tree(const Table& t, const LogicTree& tree) {
  for (const auto& child : tree.children) {
    if (auto s = check_condition(t, child); !s) return s;
  }
  return Ok{};
}

Status check_condition(const Table& t, const Condition& c) {
  if (const auto* f = std::get_if<Filter>(&c)) return check_field(t, f->field);
  return check_tree(t, std::get<LogicTree>(c));
}

std::vector<Offer> read_offers() {
  return {{Output::json, "application/json"},
          {Output::object, "application/vnd.pgrst.object+json"},
          {Output::object, "application/vnd.pgrst.object"},
          {Output::object_stripped, "application/vnd.pgrst.object+json;nulls=stripped"},
          {Output::array_stripped, "application/vnd.pgrst.array+json;nulls=stripped"},
          {Output::json, "application/vnd.pgrst.array+json"},
          {Output::json, "application/vnd.pgrst.array"},
          {Output::csv, "text/csv"}};
}

}  // namespace

Result<Table> resolve_table(const Snapshot& snapshot, const std::string& schema,
                            const std::string& name) {
  auto t = snapshot.table(schema, name);
  if (!t) return t.take_error();
  if (!t->has_value()) {
    std::optional<std::string> hint;
    if (auto near = closest_name(name, snapshot.table_names(schema))) hint = schema + "." + *near;
    return errors::table_not_found(schema, name, hint);
  }
  return std::move(**t);
}

Result<ReadPlan> plan_read(const ApiRequest& req, const Snapshot& snapshot, const Config& config) {
  auto table = resolve_table(snapshot, req.schema, req.name);
  if (!table) return table.take_error();
  ReadPlan plan;
  plan.table = std::move(*table);
  const Table& t = plan.table;

  // Dotted parameters address embeds; none can exist without an embed in `select`.
  for (const auto& f : req.params.filters) {
    if (!f.path.empty()) return errors::not_embedded(f.path.front());
  }
  for (const auto& l : req.params.logic) {
    if (!l.path.empty()) return errors::not_embedded(l.path.front());
  }
  for (const auto& o : req.params.order) {
    if (!o.path.empty()) return errors::not_embedded(o.path.front());
  }
  for (const auto& l : req.params.limits) {
    if (!l.path.empty()) return errors::not_embedded(l.path.front());
  }
  for (const auto& o : req.params.offsets) {
    if (!o.path.empty()) return errors::not_embedded(o.path.front());
  }

  for (const auto& item : req.params.select) {
    if (std::holds_alternative<SelectEmbed>(item.item)) {
      return errors::not_implemented("resource embedding is not available yet");
    }
    const auto& field = std::get<SelectField>(item.item);
    if (field.aggregate) {
      if (!config.db_aggregates_enabled) return errors::aggregates_disabled();
      return errors::not_implemented("aggregate functions are not available yet");
    }
    if (field.field.name != "*") {
      if (auto s = check_field(t, field.field); !s) return s.take_error();
    }
    plan.select.push_back(field);
  }
  if (plan.select.empty()) plan.select.push_back(SelectField{Field{"*", {}}, {}, {}, {}, {}});

  for (const auto& f : req.params.filters) {
    if (auto s = check_field(t, f.value.field); !s) return s.take_error();
    plan.filters.push_back(f.value);
  }
  for (const auto& l : req.params.logic) {
    if (auto s = check_tree(t, l.value); !s) return s.take_error();
    plan.logic.push_back(l.value);
  }
  for (const auto& o : req.params.order) {
    for (const auto& term : o.value) {
      if (term.relation) return errors::not_embedded(*term.relation);
      if (auto s = check_field(t, term.field); !s) return s.take_error();
      plan.order.push_back(term);
    }
  }

  auto media = negotiate(req.accept, read_offers());
  if (!media) return media.take_error();
  plan.media = *media;
  plan.head = req.head;
  if (req.prefs.count) {
    const std::string& c = *req.prefs.count;
    plan.count = c == "exact" ? ReadPlan::Count::exact
                 : c == "planned" ? ReadPlan::Count::planned
                                  : ReadPlan::Count::estimated;
  }
  plan.max_rows = config.db_max_rows;
  plan.range = req.range;
  if (config.db_max_rows) {
    plan.range.limit = std::min(plan.range.limit.value_or(*config.db_max_rows), *config.db_max_rows);
  }
  return plan;
}

}  // namespace pgrest
