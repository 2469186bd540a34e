#include "pgrest/sql_mutate.hpp"

#include <algorithm>

#include "pgrest/sql_builder.hpp"

namespace pgrest {
namespace {

constexpr const char* kInsertedPlus =
    "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), "
    "'')::int, 0) + 1)::text, true) <> '0'";
constexpr const char* kInsertedMinus =
    "set_config('pgrst.inserted', (coalesce(nullif(current_setting('pgrst.inserted', true), "
    "'')::int, 0) - 1)::text, true) <> '-1'";

void append_columns(Sql& sql, const std::string& qualifier, const std::vector<std::string>& cols) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (i) sql.raw(", ");
    if (!qualifier.empty()) sql.raw(qualifier).raw(".");
    sql.ident(cols[i]);
  }
}

// The payload as rows `pgrst_body`: objects and arrays alike go through json_to_recordset with
// the snapshot's column types (PostgREST's fromJsonBodyF); missing=default merges the defaults.
void append_body_source(Sql& sql, const MutatePlan& plan, bool limit_one) {
  const Table& t = plan.read.table;
  bool defs = plan.apply_defaults;
  const char* j = defs ? "jsonb" : "json";
  sql.raw(" FROM (SELECT ").param_cast(plan.payload, j).raw(" AS json_data) pgrst_payload, ");
  sql.raw("LATERAL (SELECT CASE WHEN ").raw(j).raw("_typeof(pgrst_payload.json_data) = 'array' ");
  sql.raw("THEN pgrst_payload.json_data ELSE ").raw(j).raw("_build_array(pgrst_payload.json_data) ");
  sql.raw("END AS val) pgrst_uniform_json, ");
  std::string source = "pgrst_uniform_json.val";
  if (defs) {
    sql.raw("LATERAL (SELECT jsonb_agg(jsonb_build_object(");
    bool first = true;
    for (const auto& name : plan.columns) {
      const Column* c = t.column(name);
      if (c == nullptr || !c->default_value) continue;
      if (!first) sql.raw(", ");
      first = false;
      // The default expression is catalog text from the snapshot, never request input.
      sql.param_cast(name, "text").raw(", ").raw(*c->default_value);
    }
    sql.raw(") || elem) AS val FROM jsonb_array_elements(pgrst_uniform_json.val) elem) pgrst_json_defs, ");
    source = "pgrst_json_defs.val";
  }
  sql.raw("LATERAL (SELECT * FROM ");
  if (plan.columns.empty()) {
    sql.raw(j).raw("_array_elements(").raw(source).raw(") s");
  } else {
    sql.raw(j).raw("_to_recordset(").raw(source).raw(") AS _ (");
    for (size_t i = 0; i < plan.columns.size(); ++i) {
      if (i) sql.raw(", ");
      sql.ident(plan.columns[i]).raw(" ").raw(t.column(plan.columns[i])->nominal_type);
    }
    sql.raw(")");
    if (limit_one) sql.raw(" LIMIT 1");
  }
  sql.raw(") pgrst_body");
}

// What RETURNING must give the representation, the Location header or just the row count.
void append_returning(Sql& sql, const MutatePlan& plan, const std::string& q) {
  const Table& t = plan.read.table;
  std::vector<std::string> cols;
  if (plan.ret == Return::representation) {
    // Embeds join on FK columns, and order= may sort by columns, that are not selected.
    if (!plan.read.embeds.empty() || !plan.read.order.empty()) {
      sql.raw(q).raw(".*");
      return;
    }
    for (const auto& f : plan.read.select) {
      if (f.field.name == "*") {
        sql.raw(q).raw(".*");
        return;
      }
      if (std::find(cols.begin(), cols.end(), f.field.name) == cols.end()) cols.push_back(f.field.name);
    }
  } else if (plan.location) {
    cols = t.pk;
  }
  if (cols.empty()) {
    sql.raw("1");
    return;
  }
  append_columns(sql, q, cols);
}

void append_where(Sql& sql, const std::string& q, const ReadPlan& read, bool first) {
  for (const auto& f : read.filters) {
    sql.raw(first ? " WHERE " : " AND ");
    first = false;
    append_filter(sql, q, read.table, f);
  }
  for (const auto& l : read.logic) {
    sql.raw(first ? " WHERE " : " AND ");
    first = false;
    append_logic(sql, q, read.table, l);
  }
}

void append_insert(Sql& sql, const MutatePlan& plan, const std::string& q) {
  bool put = plan.action == Action::upsert;
  bool merge = put || (plan.resolution && *plan.resolution == "merge-duplicates");
  sql.raw("INSERT INTO ").raw(q);
  if (!plan.columns.empty()) {
    sql.raw(" (");
    append_columns(sql, "", plan.columns);
    sql.raw(")");
  }
  sql.raw(" SELECT ");
  append_columns(sql, "pgrst_body", plan.columns);
  append_body_source(sql, plan, false);
  bool first = true;
  if (put) {
    // Only a payload row whose key equals the URL's is written; PGRST115 otherwise (the guard).
    append_where(sql, "pgrst_body", plan.read, true);
    first = false;
  }
  if (merge) sql.raw(first ? " WHERE " : " AND ").raw(kInsertedPlus);
  if (plan.resolution || put) {
    sql.raw(" ON CONFLICT (");
    append_columns(sql, "", plan.conflict);
    sql.raw(")");
    if (!merge || plan.columns.empty()) {
      sql.raw(" DO NOTHING");
    } else {
      sql.raw(" DO UPDATE SET ");
      for (size_t i = 0; i < plan.columns.size(); ++i) {
        if (i) sql.raw(", ");
        sql.ident(plan.columns[i]).raw(" = EXCLUDED.").ident(plan.columns[i]);
      }
      // Counts updated rows back down: inserted = candidates - updates (PostgREST's pgrst.inserted).
      sql.raw(" WHERE ").raw(kInsertedMinus);
    }
  }
  sql.raw(" RETURNING ");
  append_returning(sql, plan, q);
}

void append_update(Sql& sql, const MutatePlan& plan, const std::string& q) {
  if (plan.columns.empty()) {
    // PATCH {}: nothing to set; an empty result keeps the select list valid (PostgREST does this).
    sql.raw("SELECT ");
    append_returning(sql, plan, q);
    sql.raw(" FROM ").raw(q).raw(" WHERE false");
    return;
  }
  sql.raw("UPDATE ").raw(q).raw(" SET ");
  for (size_t i = 0; i < plan.columns.size(); ++i) {
    if (i) sql.raw(", ");
    sql.ident(plan.columns[i]).raw(" = pgrst_body.").ident(plan.columns[i]);
  }
  append_body_source(sql, plan, true);
  append_where(sql, q, plan.read, true);
  sql.raw(" RETURNING ");
  append_returning(sql, plan, q);
}

void append_delete(Sql& sql, const MutatePlan& plan, const std::string& q) {
  sql.raw("DELETE FROM ").raw(q);
  append_where(sql, q, plan.read, true);
  sql.raw(" RETURNING ");
  append_returning(sql, plan, q);
}

}  // namespace

WriteStatements build_mutate(const MutatePlan& plan, const std::string& nonce) {
  if (plan.read.explain_for) {
    // EXPLAIN writes nothing (ANALYZE does, and then only a dry run's rollback still applies:
    // the other checks count rows that EXPLAIN does not return).
    MutatePlan inner = plan;
    inner.read.media = *plan.read.explain_for;
    inner.read.explain_for.reset();
    WriteStatements out = build_mutate(inner, nonce);
    out.main = explained(plan.read, std::move(out.main));
    GuardChecks dry_run;
    dry_run.rollback = plan.rollback;
    out.guard = build_guard(dry_run, nonce);
    return out;
  }
  const Table& t = plan.read.table;
  const std::string q = quote_ident(t.schema) + "." + quote_ident(t.name);
  WriteStatements out;
  Sql& sql = out.main;
  sql.raw("WITH pgrst_mutation AS (");
  switch (plan.action) {
    case Action::update: append_update(sql, plan, q); break;
    case Action::remove: append_delete(sql, plan, q); break;
    default: append_insert(sql, plan, q); break;
  }
  sql.raw("), pgrst_source AS (");
  if (plan.ret == Return::representation) {
    // The returned rows are read like the relation itself: select list, embeds and order (v13);
    // the root's filters were the write's WHERE and are not applied again.
    ReadNode node = plan.read;
    node.alias.clear();
    node.filters.clear();
    node.logic.clear();
    node.range = RowRange{};
    append_node_query(sql, node, "pgrst_mutation", "pgrst_mutation", "", false);
  } else {
    sql.raw("SELECT * FROM pgrst_mutation");
  }
  sql.raw(") SELECT NULL::bigint AS total, ").raw(kPageTotal).raw(" AS page_total, ");
  if (plan.ret == Return::representation) append_body(sql, plan.read.media.output, false);
  else sql.raw("NULL::text");
  sql.raw(" AS body, ").raw(kResponseGucColumns).raw(", ");
  if (plan.location) {
    sql.raw("CASE WHEN ").raw(kPageTotal).raw(" = 1 THEN (SELECT json_build_array(");
    for (size_t i = 0; i < t.pk.size(); ++i) {
      if (i) sql.raw(", ");
      sql.raw("m.").ident(t.pk[i]).raw("::text");
    }
    sql.raw(")::text FROM pgrst_mutation m LIMIT 1) END");
  } else {
    sql.raw("NULL::text");
  }
  sql.raw(" AS location, ");
  bool counts_inserted = plan.action == Action::upsert ||
                         (plan.resolution && *plan.resolution == "merge-duplicates");
  if (counts_inserted) sql.raw("coalesce(nullif(current_setting('pgrst.inserted', true), '')::bigint, 0)");
  else sql.raw("NULL::bigint");
  sql.raw(" AS inserted");

  GuardChecks checks;
  checks.put = plan.action == Action::upsert;
  checks.singular = plan.singular;
  checks.max_affected = plan.max_affected;
  checks.rollback = plan.rollback;
  if (checks.any()) sql.raw(kAffectedColumn);
  sql.raw(" FROM pgrst_source _pgrst_t");
  out.guard = build_guard(checks, nonce);
  return out;
}

}  // namespace pgrest
