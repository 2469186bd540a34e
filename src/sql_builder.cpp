#include "pgrest/sql_builder.hpp"

#include "json.hpp"

namespace pgrest {
namespace {

// `"col"->$1->>$2`; a non-JSON column is turned into jsonb first, as PostgREST does.
void append_field(Sql& sql, const std::string& qualifier, const Table& table, const Field& f) {
  const Column* col = table.column(f.name);
  bool wrap = !f.json_path.empty() && (col == nullptr || !col->is_json);
  if (wrap) sql.raw("to_jsonb(");
  if (col == nullptr) {
    for (const auto& [name, expr] : table.embed_refs) {
      if (name == f.name) {  // an embed used as a filter: NULL when it is empty
        sql.raw(expr);
        if (wrap) sql.raw(")");
        return;
      }
    }
  }
  if (col == nullptr && table.is_computed(f.name)) {
    // A computed field: the function applied to the whole row (row_type comes from the snapshot).
    sql.qualified(table.schema, f.name).raw("(ROW(").raw(qualifier).raw(".*)::").raw(table.row_type).raw(")");
  } else {
    sql.raw(qualifier).raw(".").ident(f.name);
  }
  if (wrap) sql.raw(")");
  for (const auto& step : f.json_path) {
    sql.raw(step.as_text ? "->>" : "->");
    if (step.is_index) sql.param_cast(step.key, "int"); else sql.param_cast(step.key, "text");
  }
}

// The output key of a select field: alias, else the aggregate, else the last JSON key, else the
// column name.
std::string output_name(const SelectField& f) {
  if (f.alias) return *f.alias;
  if (f.aggregate) return *f.aggregate;
  for (auto it = f.field.json_path.rbegin(); it != f.field.json_path.rend(); ++it) {
    if (!it->is_index) return it->key;
  }
  return f.field.name;
}

const char* binary_operator(Op op) {
  switch (op) {
    case Op::eq: return "=";
    case Op::neq: return "<>";
    case Op::gt: return ">";
    case Op::gte: return ">=";
    case Op::lt: return "<";
    case Op::lte: return "<=";
    case Op::like: return "LIKE";
    case Op::ilike: return "ILIKE";
    case Op::match: return "~";
    case Op::imatch: return "~*";
    case Op::isdistinct: return "IS DISTINCT FROM";
    case Op::cs: return "@>";
    case Op::cd: return "<@";
    case Op::ov: return "&&";
    case Op::sl: return "<<";
    case Op::sr: return ">>";
    case Op::nxr: return "&<";
    case Op::nxl: return "&>";
    case Op::adj: return "-|-";
    default: return "=";
  }
}

const char* tsquery_function(Op op) {
  switch (op) {
    case Op::plfts: return "plainto_tsquery";
    case Op::phfts: return "phraseto_tsquery";
    case Op::wfts: return "websearch_to_tsquery";
    default: return "to_tsquery";
  }
}

// EXPLAIN options come from a fixed list checked by the planner.
std::string to_upper_keyword(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string like_pattern(std::string v) {
  for (char& c : v) {
    if (c == '*') c = '%';
  }
  return v;
}

void append_condition(Sql& sql, const std::string& q, const Table& t, const Condition& c) {
  if (const auto* f = std::get_if<Filter>(&c)) {
    append_filter(sql, q, t, *f);
  } else {
    append_logic(sql, q, t, std::get<LogicTree>(c));
  }
}

// WHERE: the join condition to the parent (`cond`, may be empty), filters, logic trees, and the
// existence checks of !inner embeds.
void append_where(Sql& sql, const std::string& q, const ReadNode& node, const std::string& cond) {
  bool first = true;
  auto sep = [&] {
    sql.raw(first ? " WHERE " : " AND ");
    first = false;
  };
  if (!cond.empty()) {
    sep();
    sql.raw(cond);
  }
  for (const auto& f : node.filters) {
    sep();
    append_filter(sql, q, node.table, f);
  }
  for (const auto& l : node.logic) {
    sep();
    append_logic(sql, q, node.table, l);
  }
  for (const auto& e : node.embeds) {
    if (!e.inner) continue;
    sep();
    sql.ident(e.lateral).raw(e.spread ? ".\"pgrst_exists\"" : ".\"body\"").raw(" IS NOT NULL");
  }
}

}  // namespace

void append_field_ref(Sql& sql, const std::string& q, const Table& t, const Field& f) {
  append_field(sql, q, t, f);
}

void append_filter(Sql& sql, const std::string& q, const Table& t, const Filter& filter) {
  const OpExpr& e = filter.expr;
  if (e.negated) sql.raw("NOT (");
  const Column* col = t.column(filter.field.name);
  switch (e.op) {
    case Op::in:
      append_field(sql, q, t, filter.field);
      sql.raw(" = ANY(").param(array_literal(e.list)).raw(")");
      break;
    case Op::is: {
      append_field(sql, q, t, filter.field);
      const std::string& v = e.value;
      sql.raw(v == "null"       ? " IS NULL"
              : v == "not_null" ? " IS NOT NULL"
              : v == "true"     ? " IS TRUE"
              : v == "false"    ? " IS FALSE"
                                : " IS UNKNOWN");
      break;
    }
    case Op::fts:
    case Op::plfts:
    case Op::phfts:
    case Op::wfts: {
      // v13: a column that is not a tsvector is converted with to_tsvector first.
      bool tsvector = col != nullptr && filter.field.json_path.empty() && col->type == "tsvector";
      if (!tsvector) {
        sql.raw("to_tsvector(");
        if (e.language) sql.param_cast(*e.language, "regconfig").raw(", ");
      }
      append_field(sql, q, t, filter.field);
      if (!tsvector) sql.raw(")");
      sql.raw(" @@ ").raw(tsquery_function(e.op)).raw("(");
      if (e.language) sql.param_cast(*e.language, "regconfig").raw(", ");
      sql.param(e.value).raw(")");
      break;
    }
    default: {
      append_field(sql, q, t, filter.field);
      bool like = e.op == Op::like || e.op == Op::ilike;
      std::string value = like ? like_pattern(e.value) : e.value;
      sql.raw(" ").raw(binary_operator(e.op)).raw(" ");
      if (e.quantifier == Quantifier::none) {
        sql.param(value);
      } else {
        sql.raw(e.quantifier == Quantifier::any ? "ANY(" : "ALL(").param(value).raw(")");
      }
    }
  }
  if (e.negated) sql.raw(")");
}

void append_logic(Sql& sql, const std::string& q, const Table& t, const LogicTree& tree) {
  if (tree.negated) sql.raw("NOT ");
  sql.raw("(");
  if (tree.children.empty()) sql.raw(tree.is_or ? "false" : "true");
  for (size_t i = 0; i < tree.children.size(); ++i) {
    if (i) sql.raw(tree.is_or ? " OR " : " AND ");
    append_condition(sql, q, t, tree.children[i]);
  }
  sql.raw(")");
}

Settings request_settings(const Request& request, const Config& config, const std::string& schema,
                          const std::string& role, const std::string& claims_json, bool read_only) {
  Settings s;
  s.search_path = quote_ident(schema);
  for (const auto& extra : config.db_extra_search_path) s.search_path += ", " + quote_ident(extra);
  s.role = role;
  s.claims_json = claims_json;
  s.method = request.method;
  s.path = request.path;
  s.read_only = read_only;
  s.app_settings = config.app_settings;
  std::string headers = "{", cookies = "{";
  bool first_header = true, first_cookie = true;
  for (const auto& h : request.headers) {
    if (h.name == "cookie") {
      std::string_view rest = h.value;
      while (!rest.empty()) {
        size_t semi = rest.find(';');
        std::string_view pair = rest.substr(0, semi);
        rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
        size_t eq = pair.find('=');
        if (eq == std::string_view::npos || eq == 0) continue;
        if (!first_cookie) cookies += ',';
        first_cookie = false;
        json::append_quoted(cookies, pair.substr(0, eq));
        cookies += ':';
        json::append_quoted(cookies, pair.substr(eq + 1));
      }
      continue;
    }
    if (!first_header) headers += ',';
    first_header = false;
    json::append_quoted(headers, h.name);
    headers += ':';
    json::append_quoted(headers, h.value);
  }
  s.headers_json = headers + "}";
  s.cookies_json = cookies + "}";
  return s;
}

Sql build_settings(Settings s) {
  // Names and values as two text arrays, unnested side by side in the select list and set in
  // order: one set_config call for PostgreSQL to parse, analyse and plan instead of one per setting
  // (30% of the statement's cost); the values still travel only as bind parameters.
  std::vector<std::string> names, values;
  names.reserve(12);
  values.reserve(12);
  auto add = [&](std::string name, std::string value) {
    names.push_back(std::move(name));
    values.push_back(std::move(value));
  };
  auto add_pairs = [&](auto& pairs) {
    for (auto& [k, v] : pairs) add(std::move(k), std::move(v));
  };
  add("search_path", std::move(s.search_path));
  // The role's own settings go first, as PostgREST applies them: set_config runs with the
  // authenticator's rights (a setting the role may not change is filtered out at snapshot time).
  add_pairs(s.role_settings);
  add("role", std::move(s.role));
  add("request.jwt.claims", std::move(s.claims_json));
  add("request.method", std::move(s.method));
  add("request.path", std::move(s.path));
  add("request.headers", std::move(s.headers_json));
  add("request.cookies", std::move(s.cookies_json));
  if (s.timezone) add("timezone", std::move(*s.timezone));
  add_pairs(s.function_settings);
  add_pairs(s.app_settings);
  // One implicit transaction per request (see executor.cpp): GET/HEAD make it read-only.
  if (s.read_only) add("transaction_read_only", "on");
  Sql sql;
  sql.raw("SELECT set_config(unnest(")
      .param(array_literal(names))
      .raw("::text[]), unnest(")
      .param(array_literal(values))
      .raw("::text[]), true)");
  return sql;
}

namespace {
// A request's cast type as a quoted identifier, so it can never be SQL text: unquoted names are
// folded as PostgreSQL folds them and its multi-word/keyword spellings mapped to catalog names.
std::string cast_type(std::string_view requested) {
  std::string name;
  for (char c : requested) {
    if (c == ' ' && (name.empty() || name.back() == ' ')) continue;
    name.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  static const std::pair<const char*, const char*> kKeywordTypes[] = {
      {"int", "int4"}, {"integer", "int4"}, {"smallint", "int2"}, {"bigint", "int8"},
      {"real", "float4"}, {"float", "float8"}, {"double precision", "float8"},
      {"boolean", "bool"}, {"decimal", "numeric"}, {"dec", "numeric"},
      {"character varying", "varchar"}, {"char varying", "varchar"}, {"character", "bpchar"},
      {"char", "bpchar"}, {"bit varying", "varbit"},
      {"timestamp with time zone", "timestamptz"}, {"timestamp without time zone", "timestamp"},
      {"time with time zone", "timetz"}, {"time without time zone", "time"}};
  for (const auto& [keyword, type] : kKeywordTypes) {
    if (name == keyword) return "pg_catalog." + quote_ident(type);
  }
  return quote_ident(name);
}

void append_field_value(Sql& sql, const std::string& q, const Table& t, const SelectField& f) {
  if (f.cast) sql.raw("CAST(");
  append_field(sql, q, t, f.field);
  if (f.cast) sql.raw(" AS ").raw(cast_type(*f.cast)).raw(")");
}
}  // namespace

void append_select_list(Sql& sql, const std::string& q, const Table& t,
                        const std::vector<SelectField>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const SelectField& f = fields[i];
    if (i) sql.raw(", ");
    if (f.aggregate) {
      if (f.aggregate_cast) sql.raw("CAST(");
      sql.raw("pg_catalog.").raw(*f.aggregate).raw("(");  // sum|avg|min|max|count: grammar-checked
      if (f.field.name == "*") sql.raw("*"); else append_field_value(sql, q, t, f);
      sql.raw(")");
      if (f.aggregate_cast) sql.raw(" AS ").raw(cast_type(*f.aggregate_cast)).raw(")");
      sql.raw(" AS ").ident(output_name(f));
      continue;
    }
    if (f.field.name == "*") {
      sql.raw(q).raw(".*");
      continue;
    }
    append_field_value(sql, q, t, f);
    sql.raw(" AS ").ident(output_name(f));
  }
}

void append_group_by(Sql& sql, const std::string& q, const Table& t,
                     const std::vector<SelectField>& fields) {
  bool any_aggregate = false;
  for (const auto& f : fields) any_aggregate = any_aggregate || f.aggregate.has_value();
  if (!any_aggregate) return;
  bool first = true;
  for (const auto& f : fields) {
    if (f.aggregate) continue;
    sql.raw(first ? " GROUP BY " : ", ");
    first = false;
    if (f.field.name != "*") {
      append_field_value(sql, q, t, f);
      continue;
    }
    for (size_t i = 0; i < t.columns.size(); ++i) {
      if (i) sql.raw(", ");
      sql.raw(q).raw(".").ident(t.columns[i].name);
    }
  }
}

void append_body(Sql& sql, Output output, bool head) {
  if (head) {
    sql.raw("NULL::text");
  } else {
    switch (output) {
      case Output::json:
      default:
        sql.raw("coalesce(json_agg(_pgrst_t), '[]')::text");
        break;
      case Output::array_stripped:
        sql.raw("coalesce(json_strip_nulls(json_agg(_pgrst_t)), '[]')::text");
        break;
      case Output::object:
        sql.raw("coalesce((json_agg(_pgrst_t)->0)::text, '')");
        break;
      case Output::object_stripped:
        sql.raw("coalesce(json_strip_nulls(json_agg(_pgrst_t)->0)::text, '')");
        break;
      case Output::csv:
        // Header from the first row's keys, then each row in PostgreSQL's record text format.
        sql.raw(
            "(SELECT coalesce(string_agg(a.k, ','), '') FROM (SELECT json_object_keys(r)::text AS k "
            "FROM (SELECT row_to_json(hh) AS r FROM pgrst_source AS hh LIMIT 1) s) a) || '\n' || "
            "coalesce(string_agg(substring(_pgrst_t::text, 2, length(_pgrst_t::text) - 2), '\n'), "
            "'')");
        break;
    }
  }
}

namespace {

// The output keys a level produces (spread embeds contribute their children's keys).
std::vector<std::string> output_columns(const ReadNode& n) {
  std::vector<std::string> out;
  for (const auto& f : n.select) {
    if (f.field.name == "*" && !f.aggregate) {
      for (const auto& c : n.table.columns) out.push_back(c.name);
    } else {
      out.push_back(output_name(f));
    }
  }
  for (const auto& e : n.embeds) {
    if (!e.output) continue;
    if (e.spread) {
      for (auto& c : output_columns(e.node)) out.push_back(std::move(c));
    } else {
      out.push_back(e.name);
    }
  }
  return out;
}

std::string join_condition(const Embed& e, const std::string& parent_q) {
  const std::string c = quote_ident(e.node.alias);
  std::string cond;
  auto add = [&](const std::string& left, const std::string& right) {
    if (!cond.empty()) cond += " AND ";
    cond += left + " = " + right;
  };
  if (e.rel.cardinality == Cardinality::many_to_many) {
    const std::string j = quote_ident(e.node.alias + "_j");
    for (const auto& [o, jc] : e.rel.origin_junction) add(j + "." + quote_ident(jc), parent_q + "." + quote_ident(o));
  } else if (e.rel.cardinality != Cardinality::computed) {
    for (const auto& [o, tc] : e.rel.on) add(c + "." + quote_ident(tc), parent_q + "." + quote_ident(o));
  }
  return cond;
}

std::string from_clause(const Embed& e, const Table& parent, const std::string& parent_q) {
  const std::string c = quote_ident(e.node.alias);
  const Table& t = e.node.table;
  if (e.rel.cardinality == Cardinality::computed) {
    return quote_ident(e.rel.function_schema) + "." + quote_ident(e.rel.function_name) + "(ROW(" +
           parent_q + ".*)::" + parent.row_type + ") AS " + c;
  }
  std::string from = quote_ident(t.schema) + "." + quote_ident(t.name) + " AS " + c;
  if (e.rel.cardinality == Cardinality::many_to_many) {
    const std::string j = quote_ident(e.node.alias + "_j");
    from += " JOIN " + quote_ident(e.rel.junction->schema) + "." + quote_ident(e.rel.junction->name) +
            " AS " + j + " ON ";
    for (size_t i = 0; i < e.rel.junction_target.size(); ++i) {
      const auto& [jc, tc] = e.rel.junction_target[i];
      from += (i ? " AND " : "") + j + "." + quote_ident(jc) + " = " + c + "." + quote_ident(tc);
    }
  }
  return from;
}

void append_order(Sql& sql, const std::string& q, const ReadNode& node) {
  if (node.order.empty()) return;
  sql.raw(" ORDER BY ");
  for (size_t i = 0; i < node.order.size(); ++i) {
    const OrderTerm& o = node.order[i];
    if (i) sql.raw(", ");
    if (o.relation) {
      // A to-one embed's column, looked up through the relationship itself.
      const Embed* e = nullptr;
      for (const auto& x : node.embeds) {
        if (x.name == *o.relation || x.relation == *o.relation) e = &x;
      }
      sql.raw("(SELECT ");
      append_field(sql, quote_ident(e->node.alias), e->node.table, o.field);
      sql.raw(" FROM ").raw(from_clause(*e, node.table, q));
      std::string cond = join_condition(*e, q);
      if (!cond.empty()) sql.raw(" WHERE ").raw(cond);
      sql.raw(" LIMIT 1)");
    } else {
      append_field(sql, q, node.table, o.field);
    }
    if (o.dir == OrderTerm::Dir::asc) sql.raw(" ASC");
    if (o.dir == OrderTerm::Dir::desc) sql.raw(" DESC");
    if (o.nulls == OrderTerm::Nulls::first) sql.raw(" NULLS FIRST");
    if (o.nulls == OrderTerm::Nulls::last) sql.raw(" NULLS LAST");
  }
}

void append_lateral(Sql& sql, const Embed& e, const Table& parent, const std::string& parent_q) {
  const std::string r = quote_ident(e.node.alias + "_r");
  sql.raw(" LEFT JOIN LATERAL (SELECT ");
  if (e.spread) {
    auto cols = output_columns(e.node);
    for (const auto& c : cols) {
      if (e.rel.to_one) sql.raw(r).raw(".").ident(c);
      else sql.raw("json_agg(").raw(r).raw(".").ident(c).raw(")");
      sql.raw(" AS ").ident(c).raw(", ");
    }
    sql.raw(e.rel.to_one ? "true" : "CASE WHEN count(*) > 0 THEN true END").raw(" AS \"pgrst_exists\"");
  } else {
    // json_agg over no rows is NULL: the parent turns it into [] and !inner tests it.
    sql.raw(e.rel.to_one ? "row_to_json(" : "json_agg(").raw(r).raw(") AS \"body\"");
  }
  sql.raw(" FROM (");
  const std::string c = quote_ident(e.node.alias);
  append_node_query(sql, e.node, c, from_clause(e, parent, parent_q), join_condition(e, parent_q), false);
  sql.raw(") AS ").raw(r).raw(") AS ").ident(e.lateral).raw(" ON TRUE");
}

}  // namespace

void append_node_query(Sql& sql, const ReadNode& node, const std::string& q, const std::string& from,
                       const std::string& cond, bool for_count) {
  sql.raw("SELECT ");
  bool any = false;
  if (for_count) {
    sql.raw("1");
    any = true;
  } else {
    if (!node.select.empty()) {
      append_select_list(sql, q, node.table, node.select);
      any = true;
    }
    for (const auto& e : node.embeds) {
      if (!e.output) continue;
      const std::string l = quote_ident(e.lateral);
      if (e.spread) {
        for (const auto& col : output_columns(e.node)) {
          sql.raw(any ? ", " : "");
          any = true;
          if (e.rel.to_one) sql.raw(l).raw(".").ident(col);
          else sql.raw("COALESCE(").raw(l).raw(".").ident(col).raw(", '[]'::json)");
          sql.raw(" AS ").ident(col);
        }
        continue;
      }
      sql.raw(any ? ", " : "");
      any = true;
      if (e.rel.to_one) sql.raw(l).raw(".\"body\"");
      else sql.raw("COALESCE(").raw(l).raw(".\"body\", '[]'::json)");
      sql.raw(" AS ").ident(e.name);
    }
  }
  if (!any) sql.raw("1 AS \"pgrst_dummy\"");  // rel(): selected for filtering only
  sql.raw(" FROM ").raw(from);
  for (const auto& e : node.embeds) append_lateral(sql, e, node.table, q);
  append_where(sql, q, node, cond);
  if (for_count) return;
  append_group_by(sql, q, node.table, node.select);
  append_order(sql, q, node);
  if (node.range.limit) sql.raw(" LIMIT ").param(std::to_string(*node.range.limit));
  if (node.range.offset > 0) sql.raw(" OFFSET ").param(std::to_string(node.range.offset));
}

void append_total(Sql& sql, const ReadPlan& plan, const std::string& q) {
  if (plan.count == ReadPlan::Count::exact ||
      (plan.count == ReadPlan::Count::estimated && !plan.max_rows)) {
    sql.raw("(SELECT pg_catalog.count(*) FROM (");
    append_node_query(sql, plan, q, q, "", true);
    sql.raw(") _pgrst_c)");
  } else if (plan.count == ReadPlan::Count::estimated) {
    // Exact up to db-max-rows; beyond it the planner's estimate is used (see the handler).
    sql.raw("(SELECT pg_catalog.count(*) FROM (");
    append_node_query(sql, plan, q, q, "", true);
    sql.raw(" LIMIT ").param(std::to_string(*plan.max_rows + 1)).raw(") _pgrst_c)");
  } else {
    sql.raw("NULL::bigint");
  }
}

std::optional<Sql> build_count_explain(const ReadPlan& plan) {
  bool needed = plan.count == ReadPlan::Count::planned ||
                (plan.count == ReadPlan::Count::estimated && plan.max_rows);
  if (!needed) return std::nullopt;
  const std::string q = quote_ident(plan.table.schema) + "." + quote_ident(plan.table.name);
  Sql sql;
  sql.raw("EXPLAIN (FORMAT JSON) ");
  append_node_query(sql, plan, q, q, "", true);
  return sql;
}

Sql explained(const ReadPlan& plan, Sql statement) {
  Sql sql;
  sql.raw("EXPLAIN (FORMAT ").raw(plan.media.output == Output::plan_json ? "JSON" : "TEXT");
  for (const auto& opt : plan.explain_options) sql.raw(", ").raw(to_upper_keyword(opt));
  sql.raw(") ");
  sql.text += statement.text;
  sql.params = std::move(statement.params);
  return sql;
}

Sql build_read(const ReadPlan& plan) {
  if (plan.explain_for) {
    ReadPlan inner = plan;
    inner.media = *plan.explain_for;
    inner.explain_for.reset();
    return explained(plan, build_read(inner));
  }
  const Table& t = plan.table;
  const std::string q = quote_ident(t.schema) + "." + quote_ident(t.name);
  // The rows as a subquery: a CTE around them costs PostgreSQL a sixth more parse and plan work
  // per request, so only CSV, whose header reads the rows a second time, gets one.
  const bool cte = !plan.head && plan.media.output == Output::csv;
  Sql sql;
  if (cte) {
    sql.raw("WITH pgrst_source AS (");
    append_node_query(sql, plan, q, q, "", false);
    sql.raw(") ");
  }
  sql.raw("SELECT ");
  append_total(sql, plan, q);
  sql.raw(" AS total, ").raw(kPageTotal).raw(" AS page_total, ");
  if (!plan.head && plan.media.output == Output::handler) {
    // A custom media type handler: the aggregate renders the rows (bytea travels as base64).
    const Offer& m = plan.media;
    if (m.binary) sql.raw("encode(");
    sql.qualified(m.handler_schema, m.handler_name).raw("(_pgrst_t");
    if (m.cast_row) sql.raw("::").raw(t.row_type);
    sql.raw(m.binary ? ")::bytea, 'base64')" : ")::text");
  } else {
    append_body(sql, plan.media.output, plan.head);
  }
  sql.raw(" AS body, ").raw(kResponseGucColumns).raw(" FROM ");
  if (cte) {
    sql.raw("pgrst_source");
  } else {
    sql.raw("(");
    append_node_query(sql, plan, q, q, "", false);
    sql.raw(")");
  }
  sql.raw(" _pgrst_t");
  return sql;
}

}  // namespace pgrest
