// Plan → SQL. Two statements per request, sent together in one pipeline (executor.hpp):
// the settings statement (search_path, role, claims, request.* GUCs, read-only flag) and the main
// statement, whose single row carries the counts, the body the database built, and the
// response.headers / response.status GUCs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgrest/http.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

struct Settings {
  std::string search_path;   // already quoted list: "test", "public"
  std::vector<std::pair<std::string, std::string>> role_settings;  // applied before `role`
  std::string role;
  std::string claims_json;
  std::string method;
  std::string path;
  std::string headers_json;
  std::string cookies_json;
  bool read_only = false;
  std::optional<std::string> timezone;  // an accepted Prefer: timezone=
  std::vector<std::pair<std::string, std::string>> function_settings;  // hoisted (RPC)
  std::map<std::string, std::string> app_settings;
};

// Request facts → Settings (headers and cookies as JSON objects, search path from the config).
Settings request_settings(const Request& request, const Config& config, const std::string& schema,
                          const std::string& role, const std::string& claims_json, bool read_only);

Sql build_settings(Settings settings);
Sql build_read(const ReadPlan& plan);
// `EXPLAIN (FORMAT JSON)` of the count query, for Prefer: count=planned|estimated; sent in the same
// pipeline as the main statement.
std::optional<Sql> build_count_explain(const ReadPlan& plan);

// Shared pieces (reads, write representations, RPC results), exposed for unit tests too.
// The select list over `qualifier` (a quoted relation name or alias).
void append_select_list(Sql& sql, const std::string& qualifier, const Table& table,
                        const std::vector<SelectField>& fields);
// SELECT ... FROM `from` [LATERAL embeds] WHERE `cond` AND filters ... ORDER BY ... LIMIT for one
// level of a read, `q` being how its relation is referred to. `for_count` selects 1 and stops
// before ORDER BY (the count and EXPLAIN of the same rows).
void append_node_query(Sql& sql, const ReadNode& node, const std::string& q, const std::string& from,
                       const std::string& cond, bool for_count);
// The `total` column: the count Prefer: count= asks for over the same rows (NULL otherwise).
void append_total(Sql& sql, const ReadPlan& plan, const std::string& q);
// GROUP BY of the non-aggregated fields when `fields` has an aggregate (nothing otherwise).
void append_group_by(Sql& sql, const std::string& qualifier, const Table& table,
                     const std::vector<SelectField>& fields);
// `EXPLAIN (FORMAT TEXT|JSON, <options>) ` + `statement` (built for plan.explain_for), for
// Accept: application/vnd.pgrst.plan on reads, writes and RPC.
Sql explained(const ReadPlan& plan, Sql statement);
// The body column, aggregated from `_pgrst_t` rows (NULL for HEAD). CSV also reads its header
// from the `pgrst_source` CTE, which the statement must then define.
void append_body(Sql& sql, Output output, bool head);
// The main statement's count, response.headers and response.status columns, which the executor
// reads. The GUCs are read raw: '' (a placeholder left defined by an earlier transaction on the
// pooled connection) counts as unset there, which spares PostgreSQL resolving nullif's operator on
// every request. count(*) equals count(_pgrst_t): a row's whole-row value is never NULL.
inline constexpr std::string_view kPageTotal = "pg_catalog.count(*)";
inline constexpr std::string_view kResponseGucColumns =
    "current_setting('response.headers', true) AS response_headers, "
    "current_setting('response.status', true) AS response_status";
// A column (or computed field) reference with its JSON path, as used in filters and ORDER BY.
void append_field_ref(Sql& sql, const std::string& qualifier, const Table& table, const Field& field);
void append_filter(Sql& sql, const std::string& qualifier, const Table& table, const Filter& filter);
void append_logic(Sql& sql, const std::string& qualifier, const Table& table, const LogicTree& tree);

}  // namespace pgrest
