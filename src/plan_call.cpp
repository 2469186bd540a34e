#include "pgrest/plan_call.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "json.hpp"

namespace pgrest {
namespace {

enum class Body { json, form, text, xml, bytea };

// A function PostgREST keeps in its schema cache: every parameter named, or a single unnamed one
// of a type that can take a whole body.
bool exposed(const Function& f) {
  bool unnamed = std::any_of(f.args.begin(), f.args.end(),
                             [](const FunctionArg& a) { return a.name.empty(); });
  if (!unnamed) return true;
  if (f.args.size() != 1) return false;
  const std::string& t = f.args[0].type;
  return t == "json" || t == "jsonb" || t == "text" || t == "xml" || t == "bytea";
}

// PostgREST's matchesParams: required parameters all given, nothing that is not a parameter.
bool matches(const Function& f, const std::set<std::string>& keys, bool post, Body body) {
  if (f.args.empty()) {
    return keys.empty() && !(post && (body == Body::text || body == Body::xml || body == Body::bytea));
  }
  std::set<std::string> required, optional;
  for (const auto& a : f.args) (a.has_default ? optional : required).insert(a.name);
  std::set<std::string> rest;
  std::set_difference(keys.begin(), keys.end(), optional.begin(), optional.end(),
                      std::inserter(rest, rest.end()));
  return rest == required;
}

// The fallback for a POST whose body goes to a single unnamed parameter of the body's type.
bool takes_whole_body(const Function& f, bool post, Body body) {
  if (!post || f.args.size() != 1 || !f.args[0].name.empty()) return false;
  const std::string& t = f.args[0].type;
  switch (body) {
    case Body::json: return t == "json" || t == "jsonb";
    case Body::text: return t == "text";
    case Body::xml: return t == "xml";
    case Body::bytea: return t == "bytea";
    default: return false;
  }
}

std::string param_list(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out = "(";
  for (size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
  return out + ")";
}

// PostgREST's noRpcHint: a similar function name, or the closest parameter list of an overload.
std::optional<std::string> not_found_hint(const Snapshot& snapshot, const std::string& schema,
                                          const std::string& name, const std::set<std::string>& keys,
                                          const std::vector<Function>& overloads) {
  if (overloads.empty()) return closest_name(name, snapshot.function_names(schema));
  std::string wanted = param_list({keys.begin(), keys.end()});
  std::vector<std::string> lists;
  for (const auto& f : overloads) {
    std::vector<std::string> names;
    for (const auto& a : f.args) names.push_back(a.name);
    lists.push_back(param_list(names));
  }
  // Parameter lists are not secret: any plausible list is suggested (PostgREST's lower bar).
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& l : lists) {
    std::vector<size_t> prev(l.size() + 1), cur(l.size() + 1);
    for (size_t j = 0; j <= l.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= wanted.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= l.size(); ++j) {
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (wanted[i - 1] == l[j - 1] ? 0 : 1)});
      }
      std::swap(prev, cur);
    }
    if (!best || prev[l.size()] < best_d) {
      best = l;
      best_d = prev[l.size()];
    }
  }
  if (best && best_d * 3 <= std::max(wanted.size(), best->size()) * 2) return name + *best;
  return std::nullopt;
}

std::string signature(const Function& f) {
  std::string s = f.schema + "." + f.name + "(";
  for (size_t i = 0; i < f.args.size(); ++i) {
    s += (i ? ", " : "") + f.args[i].name + " => " + f.args[i].type;
  }
  return s + ")";
}

Result<Function> resolve(const Snapshot& snapshot, const ApiRequest& api,
                         const std::set<std::string>& keys, bool post, Body body) {
  std::vector<Function> group;
  if (auto g = snapshot.functions(api.schema, api.name)) {
    for (auto& f : parse_function_group(*g)) {
      if (exposed(f)) group.push_back(std::move(f));
    }
  }
  std::vector<const Function*> named, fallback;
  for (const auto& f : group) {
    if (matches(f, keys, post, body)) named.push_back(&f);
    else if (takes_whole_body(f, post, body)) fallback.push_back(&f);
  }
  const auto& pick = named.empty() ? fallback : named;
  if (pick.size() == 1) return *pick[0];
  if (pick.size() > 1) {
    std::vector<std::string> sigs;
    for (const auto* f : pick) sigs.push_back(signature(*f));
    return errors::ambiguous_function(sigs);
  }
  std::vector<std::string> key_list(keys.begin(), keys.end());
  std::string params = key_list.empty() ? " without parameters"
                                         : std::string(" with parameter") +
                                               (key_list.size() > 1 ? "s " : " ");
  for (size_t i = 0; i < key_list.size(); ++i) params += (i ? ", " : "") + key_list[i];
  bool whole_body = post && (body == Body::text || body == Body::xml || body == Body::bytea);
  std::string searched = params;
  if (post && body == Body::text) searched = " with a single unnamed text parameter";
  if (post && body == Body::xml) searched = " with a single unnamed xml parameter";
  if (post && body == Body::bytea) searched = " with a single unnamed bytea parameter";
  if (post && body == Body::json) searched += " or with a single unnamed json/jsonb parameter";
  std::optional<std::string> hint;
  if (!whole_body) hint = not_found_hint(snapshot, api.schema, api.name, keys, group);
  return errors::function_not_found(api.schema, api.name, key_list, searched, !whole_body, hint);
}

// `character`/`bit` parameters without a length would truncate the value to one character.
std::string widened(const std::string& type) {
  if (type == "character" || type == "character[]") return "character varying" + type.substr(9);
  if (type == "bit" || type == "bit[]") return "bit varying" + type.substr(3);
  return type;
}

// `targets`: the offers an application/vnd.pgrst.plan response may explain (db-plan-enabled).
Result<Offer> negotiate_call(const ApiRequest& api, const Snapshot& snapshot, const Config& config,
                             const CallPlan& plan, std::vector<Offer>& targets) {
  const Function& fn = plan.fn;
  bool rows = plan.shape == CallShape::rows || plan.shape == CallShape::single_row;
  std::vector<Offer> offers = {
      {Output::json, "application/json"},
      {Output::object, "application/vnd.pgrst.object+json"},
      {Output::object, "application/vnd.pgrst.object"},
      {Output::object_stripped, "application/vnd.pgrst.object+json;nulls=stripped"},
      {Output::array_stripped, "application/vnd.pgrst.array+json;nulls=stripped"},
      {Output::json, "application/vnd.pgrst.array+json"},
      {Output::json, "application/vnd.pgrst.array"}};
  auto add = [&](const Offer& o) {
    auto it = std::find_if(offers.begin(), offers.end(),
                           [&](const Offer& x) { return x.media == o.media; });
    if (it != offers.end()) *it = o; else offers.push_back(o);
  };
  std::optional<Offer> catch_all;
  if (rows) {
    offers.push_back({Output::csv, "text/csv"});
    // Aggregate handlers, as for the relation the function returns (plan_read.cpp).
    const Table& t = plan.read.table;
    bool default_select = plan.read.select.size() == 1 && plan.read.select[0].field.name == "*" &&
                          !plan.read.select[0].aggregate;
    for (int pass = 0; pass < 2 && !catch_all; ++pass) {
      for (const auto& h : snapshot.meta().media_handlers) {
        if (h.kind != "aggregate" || h.media_type.rfind("application/vnd.pgrst.", 0) == 0) continue;
        bool mine = fn.returns_relation && h.relation_schema == t.schema &&
                    h.relation_name == t.name && !t.row_type.empty();
        if ((pass == 0 && !(mine && default_select)) || (pass == 1 && !h.relation_name.empty())) {
          continue;
        }
        Offer o{Output::handler, h.media_type == "*/*" ? "application/octet-stream" : h.media_type};
        o.handler_schema = h.schema;
        o.handler_name = h.name;
        o.binary = h.binary;
        o.cast_row = default_select && mine;
        if (pass == 0 && h.media_type == "*/*") {
          catch_all = o;
          break;
        }
        if (std::none_of(offers.begin(), offers.end(),
                         [&](const Offer& x) { return x.output == Output::handler && x.media == o.media; })) {
          add(o);
        }
      }
    }
  } else if (plan.shape != CallShape::none) {
    // raw-media-types (PostgREST 9-11): listed types, plus the three it always sent raw.
    if (!config.raw_media_types.empty()) {
      for (const auto& m : config.raw_media_types) add({Output::text_raw, to_lower(m)});
      for (const char* m : {"application/octet-stream", "text/plain", "text/xml"}) {
        if (std::none_of(offers.begin(), offers.end(), [&](const Offer& x) { return x.media == m; })) {
          offers.push_back({Output::text_raw, m});
        }
      }
    }
    // v12 media type handler: the function returns a domain named like a media type.
    if (fn.media_type) {
      Offer o{Output::handler, *fn.media_type == "*/*" ? "application/octet-stream" : *fn.media_type};
      o.binary = fn.return_type == "bytea";
      if (*fn.media_type == "*/*") catch_all = o; else add(o);
    }
  }
  targets = offers;
  if (config.db_plan_enabled) add_plan_offers(offers);
  if (!catch_all) return negotiate(api.accept, offers);
  // A `*/*` handler answers everything but the vendor types, which stay built in.
  for (const auto& want : api.accept) {
    if (want.q <= 0) continue;
    if (want.type == "application" && want.subtype.rfind("vnd.pgrst.", 0) == 0) {
      auto r = negotiate({want}, offers);
      if (r) return r;
      continue;
    }
    return *catch_all;
  }
  return negotiate(api.accept, offers);
}

}  // namespace

std::vector<Function> parse_function_group(std::string_view group_json) {
  std::vector<Function> out;
  json::Ptr doc = json::parse(group_json);
  const cJSON* fj = nullptr;
  cJSON_ArrayForEach(fj, doc.get()) {
    Function f;
    f.schema = json::get_string(fj, "schema").value_or("");
    f.name = json::get_string(fj, "name").value_or("");
    const cJSON* aj = nullptr;
    cJSON_ArrayForEach(aj, cJSON_GetObjectItemCaseSensitive(fj, "args")) {
      f.args.push_back({json::get_string(aj, "name").value_or(""),
                        json::get_string(aj, "type").value_or("text"),
                        json::get_bool(aj, "has_default"), json::get_bool(aj, "variadic")});
    }
    f.return_type = json::get_string(fj, "return_type").value_or("");
    f.setof = json::get_bool(fj, "setof");
    f.composite = json::get_bool(fj, "composite");
    const cJSON* rel = cJSON_GetObjectItemCaseSensitive(fj, "returns_relation");
    if (cJSON_IsObject(rel)) {
      f.returns_relation = std::make_pair(json::get_string(rel, "schema").value_or(""),
                                          json::get_string(rel, "name").value_or(""));
    }
    f.is_void = json::get_bool(fj, "is_void");
    f.volatility = json::get_string(fj, "volatility").value_or("v").front();
    f.config = json::get_strings(fj, "config");
    f.media_type = json::get_string(fj, "scalar_domain_media_type");
    if (f.media_type) f.media_type = to_lower(*f.media_type);
    out.push_back(std::move(f));
  }
  return out;
}

Result<CallPlan> plan_call(const Request& req, const ApiRequest& api, const Snapshot& snapshot,
                           const Config& config) {
  bool post = api.method == "POST";
  Body body = Body::json;
  if (post) {
    std::string essence = parse_media_type(req.header("content-type").value_or("application/json")).essence();
    if (essence == "application/json" || essence == "/") body = Body::json;
    else if (essence == "application/x-www-form-urlencoded") body = Body::form;
    else if (essence == "text/plain") body = Body::text;
    else if (essence == "text/xml") body = Body::xml;
    else if (essence == "application/octet-stream") body = Body::bytea;
    else return errors::invalid_body("Content-Type not acceptable: " + essence);
  }

  // Argument names: the query string (GET/HEAD), `columns=`, or the body's keys.
  std::vector<std::pair<std::string, std::string>> pairs;
  std::set<std::string> keys;
  bool body_is_array = false;
  std::string json_body;
  if (!post) {
    pairs = api.params.rpc_args;
  } else if (body == Body::form) {
    pairs = split_query(req.body);
  } else if (body == Body::json) {
    json_body = req.body;
    if (json_body.find_first_not_of(" \t\r\n") == std::string::npos) json_body = "{}";
    json::Ptr doc = json::parse(json_body);
    if (!doc) return errors::invalid_body("Empty or invalid json");
    const cJSON* obj = doc.get();
    if (cJSON_IsArray(obj)) {
      body_is_array = true;
      obj = cJSON_GetArrayItem(obj, 0);
    }
    const cJSON* item = nullptr;
    if (cJSON_IsObject(obj)) {
      cJSON_ArrayForEach(item, obj) keys.insert(item->string);
    }
  }
  for (const auto& [k, v] : pairs) keys.insert(k);
  if (post && api.params.columns && body != Body::text && body != Body::xml && body != Body::bytea) {
    keys = {api.params.columns->begin(), api.params.columns->end()};
  }

  auto fn = resolve(snapshot, api, keys, post, body);
  if (!fn) return fn.take_error();
  CallPlan plan;
  plan.fn = std::move(*fn);
  const Function& f = plan.fn;
  plan.shape = f.is_void      ? CallShape::none
               : f.composite  ? (f.setof ? CallShape::rows : CallShape::single_row)
               : f.setof      ? CallShape::setof_scalar
                              : CallShape::scalar;

  if (f.args.size() == 1 && f.args[0].name.empty()) {
    plan.args = CallPlan::Args::single;
    plan.body = body == Body::json ? json_body : req.body;
  } else if (!post || body == Body::form) {
    plan.args = CallPlan::Args::direct;
    for (const auto& a : f.args) {
      if (!keys.count(a.name)) continue;
      std::vector<std::string> values;
      for (const auto& [k, v] : pairs) {
        if (k != a.name) continue;
        if (a.variadic) values.push_back(v); else values = {v};  // repeated: the last one wins
      }
      if (values.empty()) continue;  // named by columns= but absent: the default applies
      FunctionArg typed = a;
      typed.type = widened(a.type);
      plan.direct.emplace_back(std::move(typed), std::move(values));
    }
  } else {
    plan.args = CallPlan::Args::json;
    plan.body = json_body;
    plan.body_is_array = body_is_array;
    for (const auto& a : f.args) {
      if (!keys.count(a.name)) continue;
      FunctionArg typed = a;
      typed.type = widened(a.type);
      plan.json_args.push_back(std::move(typed));
    }
  }

  // The result as a relation: select, filters, order, range and count as on tables.
  ReadPlan& read = plan.read;
  read.table.schema = f.schema;
  read.table.name = f.name;
  if (f.returns_relation) {
    auto t = snapshot.table(f.returns_relation->first, f.returns_relation->second);
    if (!t) return t.take_error();
    if (t->has_value()) read.table = std::move(**t);
  }
  if (!read.table.columns.empty()) {
    // A table's rows: resolved as a read of that table, embedding through its relationships.
    if (auto st = resolve_read_tree(read, api.params, snapshot, config); !st) return st.take_error();
  } else {
    // Scalars and rows without a known relation: names are left to PostgreSQL (42703).
    for (const auto& p : api.params.filters) {
      if (!p.path.empty()) return errors::not_embedded(p.path.front());
      read.filters.push_back(p.value);
    }
    for (const auto& p : api.params.logic) {
      if (!p.path.empty()) return errors::not_embedded(p.path.front());
      read.logic.push_back(p.value);
    }
    for (const auto& p : api.params.order) {
      if (!p.path.empty()) return errors::not_embedded(p.path.front());
      for (const auto& term : p.value) {
        if (term.relation) return errors::not_embedded(*term.relation);
        read.order.push_back(term);
      }
    }
    for (const auto& item : api.params.select) {
      if (const auto* e = std::get_if<SelectEmbed>(&item.item)) {
        return errors::not_implemented("embedding '" + e->relation +
                                       "' needs a function returning a table or view's rows");
      }
      const auto& field = std::get<SelectField>(item.item);
      if (field.aggregate && !config.db_aggregates_enabled) return errors::aggregates_disabled();
      read.select.push_back(field);
    }
    if (read.select.empty()) read.select.push_back(SelectField{Field{"*", {}}, {}, {}, {}, {}});
  }
  read.head = api.head;
  auto tz = accepted_timezone(api.prefs, snapshot);
  if (!tz) return tz.take_error();
  read.timezone = *tz;
  if (api.prefs.count) {
    const std::string& c = *api.prefs.count;
    read.count = c == "exact"     ? ReadPlan::Count::exact
                 : c == "planned" ? ReadPlan::Count::planned
                                  : ReadPlan::Count::estimated;
  }
  read.max_rows = config.db_max_rows;
  read.range = api.range;
  if (config.db_max_rows && plan.shape != CallShape::scalar && plan.shape != CallShape::single_row) {
    read.range.limit = std::min(read.range.limit.value_or(*config.db_max_rows), *config.db_max_rows);
  }
  std::vector<Offer> targets;
  auto media = negotiate_call(api, snapshot, config, plan, targets);
  if (!media) return media.take_error();
  read.media = *media;
  if (auto st = plan_explain(read, targets); !st) return st.take_error();

  // GET/HEAD always read-only; POST too for STABLE/IMMUTABLE functions.
  plan.read_only = !post || f.volatility != 'v';
  // A read-only call has nothing to undo: its singular check is the response's own (PGRST116
  // without a guard) and a rollback changes nothing. max-affected counts the rows returned.
  const Preferences& p = api.prefs;
  if (p.strict() && p.max_affected) {
    if (!f.setof) return errors::max_affected_rpc();
    plan.guard.max_affected = p.max_affected;
    plan.max_affected_applied = true;
  }
  if (!plan.read_only) {
    plan.guard.singular = read.media.output == Output::object ||
                          read.media.output == Output::object_stripped;
    bool tx_override = config.db_tx_end == TxEnd::commit_allow_override ||
                       config.db_tx_end == TxEnd::rollback_allow_override;
    plan.guard.rollback = config.db_tx_end == TxEnd::rollback ||
                          config.db_tx_end == TxEnd::rollback_allow_override;
    if (tx_override && p.tx) plan.guard.rollback = *p.tx == "rollback";
  }
  for (const auto& setting : f.config) {
    size_t eq = setting.find('=');
    if (eq == std::string::npos) continue;
    std::string key = setting.substr(0, eq), value = setting.substr(eq + 1);
    if (key == "default_transaction_isolation") {
      plan.isolation = isolation_keywords(value);
      continue;
    }
    const auto& hoisted = config.db_hoisted_tx_settings;
    if (std::find(hoisted.begin(), hoisted.end(), key) != hoisted.end()) {
      plan.settings.emplace_back(key, value);
    }
  }
  return plan;
}

std::optional<std::string> isolation_keywords(std::string_view setting) {
  static const std::map<std::string, std::string, std::less<>> levels = {
      {"serializable", "SERIALIZABLE"}, {"repeatable read", "REPEATABLE READ"},
      {"read committed", "READ COMMITTED"}, {"read uncommitted", "READ UNCOMMITTED"}};
  auto it = levels.find(to_lower(setting));
  if (it == levels.end()) return std::nullopt;
  return it->second;
}

}  // namespace pgrest
