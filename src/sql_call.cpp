#include "pgrest/sql_call.hpp"

#include "pgrest/sql_builder.hpp"

namespace pgrest {
namespace {

const std::string kQ = "pgrst_call";

// `{"a","b\"c"}`: repeated query parameters for a VARIADIC argument.
std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Argument types come from the snapshot (format_type text), never from the request.
void append_call(Sql& sql, const CallPlan& plan) {
  const Function& f = plan.fn;
  bool json = plan.args == CallPlan::Args::json && !plan.json_args.empty();
  auto from_args = [&] {
    sql.raw("json_to_record(").param(plan.body).raw(plan.body_is_array ? "::json->0" : "::json");
    sql.raw(") AS _pgrst_args(");
    for (size_t i = 0; i < plan.json_args.size(); ++i) {
      if (i) sql.raw(", ");
      sql.ident(plan.json_args[i].name).raw(" ").raw(plan.json_args[i].type);
    }
    sql.raw(")");
  };
  auto call = [&] {
    sql.qualified(f.schema, f.name).raw("(");
    if (plan.args == CallPlan::Args::single) {
      const std::string& type = f.args[0].type;
      if (type == "bytea") {
        // Raw bytes may hold NUL, which a text parameter cannot carry.
        sql.raw("decode(").param(hex(plan.body)).raw(", 'hex')");
      } else {
        sql.param_cast(plan.body, type);
      }
    } else if (plan.args == CallPlan::Args::direct) {
      for (size_t i = 0; i < plan.direct.size(); ++i) {
        const auto& [arg, values] = plan.direct[i];
        if (i) sql.raw(", ");
        if (arg.variadic) sql.raw("VARIADIC ");
        sql.ident(arg.name).raw(" := ");
        sql.param_cast(arg.variadic ? array_literal(values) : values.back(), arg.type);
      }
    } else if (json) {
      for (size_t i = 0; i < plan.json_args.size(); ++i) {
        if (i) sql.raw(", ");
        if (plan.json_args[i].variadic) sql.raw("VARIADIC ");
        sql.ident(plan.json_args[i].name).raw(" := _pgrst_args.").ident(plan.json_args[i].name);
      }
    }
    sql.raw(")");
  };
  sql.raw("WITH pgrst_call AS (SELECT ");
  if (plan.shape == CallShape::rows || plan.shape == CallShape::single_row) {
    sql.raw("pgrst_call.* FROM ");
    if (json) {
      from_args();
      sql.raw(", LATERAL ");
    }
    call();
    sql.raw(" pgrst_call");
  } else {
    call();
    sql.raw(" AS pgrst_scalar");
    if (json) {
      sql.raw(" FROM ");
      from_args();
    }
  }
  sql.raw(")");
}

void append_body_expr(Sql& sql, const CallPlan& plan) {
  const ReadPlan& r = plan.read;
  const Offer& m = r.media;
  if (r.head || plan.shape == CallShape::none) {
    sql.raw("NULL::text");
    return;
  }
  if (m.output == Output::handler && !m.handler_name.empty()) {
    // An aggregate handler over the rows (bytea travels as base64).
    if (m.binary) sql.raw("encode(");
    sql.qualified(m.handler_schema, m.handler_name).raw("(_pgrst_t");
    if (m.cast_row) sql.raw("::").raw(r.table.row_type);
    sql.raw(m.binary ? ")::bytea, 'base64')" : ")::text");
    return;
  }
  if (m.output == Output::handler || m.output == Output::text_raw) {
    // The scalar itself, unquoted (media type handler domain or raw-media-types).
    if (m.binary || plan.fn.return_type == "bytea") {
      sql.raw("encode(coalesce(string_agg(_pgrst_t.pgrst_scalar, ''::bytea), ''::bytea), 'base64')");
    } else {
      sql.raw("coalesce(string_agg(_pgrst_t.pgrst_scalar::text, ''), '')");
    }
    return;
  }
  bool strip = m.output == Output::object_stripped || m.output == Output::array_stripped;
  bool single_value = plan.shape == CallShape::scalar || plan.shape == CallShape::single_row ||
                      m.output == Output::object || m.output == Output::object_stripped;
  const char* agg = plan.shape == CallShape::scalar || plan.shape == CallShape::setof_scalar
                        ? "json_agg(_pgrst_t.pgrst_scalar)"
                        : "json_agg(_pgrst_t)";
  if (m.output == Output::csv) {
    append_body(sql, Output::csv, false);
    return;
  }
  std::string expr = std::string(agg);
  if (single_value) expr = "(" + expr + "->0)";
  if (strip) expr = "json_strip_nulls(" + expr + ")";
  // A single value absent is JSON null; a singular response needs exactly one row (handler).
  bool singular = m.output == Output::object || m.output == Output::object_stripped;
  sql.raw("coalesce(").raw(expr).raw("::text, ");
  sql.raw(single_value ? (singular ? "''" : "'null'") : "'[]'").raw(")");
}

}  // namespace

Sql build_call(const CallPlan& plan) {
  if (plan.read.explain_for) {
    CallPlan inner = plan;
    inner.read.media = *plan.read.explain_for;
    inner.read.explain_for.reset();
    return explained(plan.read, build_call(inner));
  }
  const ReadPlan& r = plan.read;
  Sql sql;
  append_call(sql, plan);
  sql.raw(", pgrst_source AS (");
  append_node_query(sql, r, kQ, kQ, "", false);
  sql.raw(") SELECT ");
  append_total(sql, r, kQ);
  sql.raw(" AS total, ").raw(kPageTotal).raw(" AS page_total, ");
  append_body_expr(sql, plan);
  sql.raw(" AS body, ").raw(kResponseGucColumns);
  if (plan.guard.any()) sql.raw(kAffectedColumn);
  sql.raw(" FROM pgrst_source _pgrst_t");
  return sql;
}

std::optional<Sql> build_call_count_explain(const CallPlan& plan) {
  const ReadPlan& r = plan.read;
  bool needed = r.count == ReadPlan::Count::planned ||
                (r.count == ReadPlan::Count::estimated && r.max_rows);
  if (!needed) return std::nullopt;
  Sql sql;
  sql.raw("EXPLAIN (FORMAT JSON) ");
  append_call(sql, plan);
  sql.raw(" ");
  append_node_query(sql, r, kQ, kQ, "", true);
  return sql;
}

std::optional<Sql> build_isolation(const std::optional<std::string>& keywords) {
  if (!keywords) return std::nullopt;
  Sql sql;
  sql.raw("SET TRANSACTION ISOLATION LEVEL ").raw(*keywords);  // fixed keywords, never input
  return sql;
}

Sql build_pre_request(const std::string& function) {
  Sql sql;
  sql.raw("SELECT ");
  size_t dot = function.find('.');
  if (dot == std::string::npos) {
    sql.ident(function);
  } else {
    sql.qualified(function.substr(0, dot), function.substr(dot + 1));
  }
  sql.raw("()");
  return sql;
}

}  // namespace pgrest
