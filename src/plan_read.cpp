#include <algorithm>

#include "json.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/sql.hpp"

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

// A function in the table's schema taking the table's row type: PostgREST's computed field.
bool is_computed_field(const Snapshot& snapshot, const Table& t, const std::string& name) {
  auto group = snapshot.functions(t.schema, name);
  if (!group || t.row_type.empty()) return false;
  json::Ptr doc = json::parse(*group);
  const cJSON* fn = nullptr;
  cJSON_ArrayForEach(fn, doc.get()) {
    const cJSON* args = cJSON_GetObjectItemCaseSensitive(fn, "args");
    if (cJSON_GetArraySize(args) == 1 && !json::get_bool(fn, "setof") &&
        json::get_string(cJSON_GetArrayItem(args, 0), "type").value_or("") == t.row_type) {
      return true;
    }
  }
  return false;
}

// Checks every name a request uses against the table, recording computed fields on it.
struct Resolver {
  const Snapshot& snapshot;
  Table& table;

  Status field(const Field& f) {
    if (table.column(f.name) != nullptr || table.is_computed(f.name)) return Ok{};
    for (const auto& [name, expr] : table.embed_refs) {
      if (name == f.name && f.json_path.empty()) return Ok{};  // rel=is.null and friends
    }
    if (is_computed_field(snapshot, table, f.name)) {
      table.computed.push_back(f.name);
      return Ok{};
    }
    return unknown_column(table, f.name);
  }
  Status tree(const LogicTree& t) {
    for (const auto& child : t.children) {
      if (auto s = condition(child); !s) return s;
    }
    return Ok{};
  }
  Status condition(const Condition& c) {
    if (const auto* f = std::get_if<Filter>(&c)) return field(f->field);
    return tree(std::get<LogicTree>(c));
  }
};

// `select=count` and `rel(count)` naming no column or computed field: PostgreSQL reads
// `alias.count` as `count(alias)`, the row count PostgREST clients ask for this way even with
// aggregates disabled.
bool legacy_count(const SelectField& f) {
  return f.field.name == "count" && f.field.json_path.empty() && !f.aggregate;
}

// Resolves `items` (a select list) for `node`, recursing into embeds. `depth` bounds nesting.
Status build_node(ReadNode& node, const std::vector<SelectItem>& items, const Snapshot& snapshot,
                  const Config& config, int& counter, int depth) {
  Resolver resolve{snapshot, node.table};
  for (const auto& item : items) {
    if (const auto* e = std::get_if<SelectEmbed>(&item.item)) {
      if (depth > 16) return errors::parse("select parameter", e->relation, "embedding too deep");
      auto rel = find_relationship(snapshot, node.table, e->relation, e->hint);
      if (!rel) return rel.take_error();
      Embed embed;
      embed.relation = e->relation;
      embed.name = e->alias.value_or(e->relation);
      embed.inner = e->join == SelectEmbed::Join::inner;
      embed.spread = e->spread;
      embed.output = !e->children.empty();
      embed.node.table = rel->target;
      embed.rel = std::move(*rel);
      embed.node.alias = "pgrst_" + std::to_string(++counter);
      embed.lateral = embed.node.alias + "_l";
      if (auto st = build_node(embed.node, e->children, snapshot, config, counter, depth + 1); !st) {
        return st;
      }
      // A to-many spread turns each column into an array; an aggregate has no such form (v13).
      if (embed.spread && !embed.rel.to_one &&
          std::any_of(embed.node.select.begin(), embed.node.select.end(),
                      [](const SelectField& f) { return f.aggregate.has_value(); })) {
        return errors::not_implemented("Aggregates are not implemented for one-to-many or many-to-many spreads.");
      }
      // Every embedded level is capped by db-max-rows too.
      if (config.db_max_rows && !embed.rel.to_one) embed.node.range.limit = *config.db_max_rows;
      node.table.embed_refs.emplace_back(
          embed.name, quote_ident(embed.lateral) + "." + (embed.spread ? "\"pgrst_exists\"" : "\"body\""));
      node.embeds.push_back(std::move(embed));
      continue;
    }
    const auto& field = std::get<SelectField>(item.item);
    if (field.aggregate && !config.db_aggregates_enabled) return errors::aggregates_disabled();
    if (field.field.name != "*") {
      if (auto st = resolve.field(field.field); !st && !legacy_count(field)) return st;
    }
    node.select.push_back(field);
  }
  // Only an absent or empty select means `*`; `rel()` selects nothing from the embed.
  if (depth == 0 && node.select.empty() && node.embeds.empty()) {
    node.select.push_back(SelectField{Field{"*", {}}, {}, {}, {}, {}});
  }
  return Ok{};
}

// The node a dotted parameter addresses: each path segment names an embed (by alias or relation).
Result<ReadNode*> node_at(ReadNode& root, const EmbedPath& path) {
  ReadNode* node = &root;
  for (const auto& segment : path) {
    auto it = std::find_if(node->embeds.begin(), node->embeds.end(), [&](const Embed& e) {
      return e.name == segment || e.relation == segment;
    });
    if (it == node->embeds.end()) return errors::not_embedded(segment);
    node = &it->node;
  }
  return node;
}

Embed* embed_named(ReadNode& node, const std::string& name) {
  for (auto& e : node.embeds) {
    if (e.name == name || e.relation == name) return &e;
  }
  return nullptr;
}

// Distributes filters, logic trees, order, limit and offset to the levels they address.
Status place_params(ReadPlan& plan, const QueryParams& params, const Snapshot& snapshot,
                    const Config& config) {
  for (const auto& f : params.filters) {
    auto node = node_at(plan, f.path);
    if (!node) return node.take_error();
    Resolver resolve{snapshot, (*node)->table};
    if (auto st = resolve.field(f.value.field); !st) return st;
    (*node)->filters.push_back(f.value);
  }
  for (const auto& l : params.logic) {
    auto node = node_at(plan, l.path);
    if (!node) return node.take_error();
    Resolver resolve{snapshot, (*node)->table};
    if (auto st = resolve.tree(l.value); !st) return st;
    (*node)->logic.push_back(l.value);
  }
  for (const auto& o : params.order) {
    auto node = node_at(plan, o.path);
    if (!node) return node.take_error();
    for (const auto& term : o.value) {
      if (term.relation) {
        // Ordering by a to-one embed's column: order=rel(col).desc
        Embed* e = embed_named(**node, *term.relation);
        if (e == nullptr) return errors::not_embedded(*term.relation);
        if (!e->rel.to_one || e->spread) {
          Error err;
          err.status = 400;
          err.code = "PGRST118";
          err.message = "A related order on '" + e->name + "' is not possible";
          err.details = "'" + e->name + "' is not a to-one relationship";
          return err;
        }
        Resolver resolve{snapshot, e->node.table};
        if (auto st = resolve.field(term.field); !st) return st;
      } else {
        Resolver resolve{snapshot, (*node)->table};
        if (auto st = resolve.field(term.field); !st) return st;
      }
      (*node)->order.push_back(term);
    }
  }
  for (const auto& l : params.limits) {
    auto node = node_at(plan, l.path);
    if (!node) return node.take_error();
    (*node)->range.limit = l.path.empty() ? l.value
                                          : std::min(l.value, (*node)->range.limit.value_or(l.value));
  }
  for (const auto& o : params.offsets) {
    auto node = node_at(plan, o.path);
    if (!node) return node.take_error();
    if (!o.path.empty()) (*node)->range.offset = o.value;
  }
  (void)config;
  return Ok{};
}

const std::vector<Offer>& read_offers() {
  static const std::vector<Offer> offers{{Output::json, "application/json"},
          {Output::object, "application/vnd.pgrst.object+json"},
          {Output::object, "application/vnd.pgrst.object"},
          {Output::object_stripped, "application/vnd.pgrst.object+json;nulls=stripped"},
          {Output::array_stripped, "application/vnd.pgrst.array+json;nulls=stripped"},
          {Output::json, "application/vnd.pgrst.array+json"},
          {Output::json, "application/vnd.pgrst.array"},
          {Output::csv, "text/csv"}};
  return offers;
}

}  // namespace

void add_plan_offers(std::vector<Offer>& offers) {
  offers.push_back({Output::plan_text, "application/vnd.pgrst.plan"});
  offers.push_back({Output::plan_text, "application/vnd.pgrst.plan+text"});
  offers.push_back({Output::plan_json, "application/vnd.pgrst.plan+json"});
}

Status plan_explain(ReadPlan& plan, const std::vector<Offer>& targets) {
  const Offer& media = plan.media;
  if (media.output != Output::plan_text && media.output != Output::plan_json) return Ok{};
  auto it = media.params.find("for");
  auto target = negotiate(parse_accept(it == media.params.end() ? "application/json" : it->second),
                          targets);
  if (!target) return target.take_error();
  plan.explain_for = *target;
  if (auto opts = media.params.find("options"); opts != media.params.end()) {
    std::string_view rest = opts->second;
    while (!rest.empty()) {
      size_t bar = rest.find('|');
      std::string opt(rest.substr(0, bar));
      rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
      if (opt == "analyze" || opt == "verbose" || opt == "settings" || opt == "buffers" ||
          opt == "wal") {
        plan.explain_options.push_back(opt);
      }
    }
  }
  return Ok{};
}

Status resolve_read_tree(ReadPlan& plan, const QueryParams& params, const Snapshot& snapshot,
                         const Config& config) {
  int counter = 0;
  if (auto st = build_node(plan, params.select, snapshot, config, counter, 0); !st) return st;
  return place_params(plan, params, snapshot, config);
}

Result<std::optional<std::string>> accepted_timezone(const Preferences& prefs,
                                                     const Snapshot& snapshot) {
  if (!prefs.timezone) return std::optional<std::string>();
  if (snapshot.has_timezone(*prefs.timezone)) return prefs.timezone;
  if (prefs.strict()) return errors::invalid_preferences({"timezone=" + *prefs.timezone});
  return std::optional<std::string>();
}

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
  int counter = 0;
  if (auto st = build_node(plan, req.params.select, snapshot, config, counter, 0); !st) {
    return st.take_error();
  }
  if (auto st = place_params(plan, req.params, snapshot, config); !st) return st.take_error();

  // Custom handlers (v12): with the default select, this relation's `*/*` handler wins outright,
  // then its handlers for the requested type, then anyelement ones; vendor types stay built in.
  bool default_select = plan.select.size() == 1 && plan.select[0].field.name == "*" &&
                        !plan.select[0].aggregate;
  std::vector<Offer> handlers;
  bool catch_all = false;
  for (int pass = 0; pass < 2 && !catch_all; ++pass) {
    for (const auto& h : snapshot.meta().media_handlers) {
      if (h.kind != "aggregate" || h.media_type.rfind("application/vnd.pgrst.", 0) == 0) continue;
      bool mine = h.relation_schema == t.schema && h.relation_name == t.name;
      bool any = h.relation_name.empty();
      if ((pass == 0 && !(mine && default_select)) || (pass == 1 && !any)) continue;
      Offer o{Output::handler, h.media_type == "*/*" ? "application/octet-stream" : h.media_type};
      o.handler_schema = h.schema;
      o.handler_name = h.name;
      o.binary = h.binary;
      o.cast_row = default_select;
      if (pass == 0 && h.media_type == "*/*") {
        handlers = {o};
        catch_all = true;
        break;
      }
      auto same = [&](const Offer& x) { return x.media == o.media; };
      if (std::none_of(handlers.begin(), handlers.end(), same)) handlers.push_back(o);
    }
  }
  // Built-ins first (so */* stays JSON), a handler replacing the built-in of its type.
  std::vector<Offer> offers;
  if (!handlers.empty() || config.db_plan_enabled) {
    offers = read_offers();
    for (const auto& h : handlers) {
      auto it = std::find_if(offers.begin(), offers.end(),
                             [&](const Offer& x) { return x.media == h.media; });
      if (it != offers.end()) *it = h; else offers.push_back(h);
    }
  }
  if (config.db_plan_enabled) add_plan_offers(offers);
  auto media = catch_all ? Result<Offer>(handlers[0])
                         : negotiate(req.accept, offers.empty() ? read_offers() : offers);
  if (!media) return media.take_error();
  plan.media = *media;
  if (auto st = plan_explain(plan, read_offers()); !st) return st.take_error();
  plan.head = req.head;
  auto tz = accepted_timezone(req.prefs, snapshot);
  if (!tz) return tz.take_error();
  plan.timezone = *tz;
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
