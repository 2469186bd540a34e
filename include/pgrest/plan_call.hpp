// Planning of `/rpc/<fn>`: picks the overload from the snapshot's function group by the set of
// argument names (404 PGRST202 with a fuzzy hint, 300 PGRST203 when ambiguous), reads the
// arguments (query string, JSON/form body, or the whole body for a single unnamed parameter:
// 400 PGRST102 for a bad body), negotiates the output (406 PGRST107; raw-media-types and
// media-type domains for scalars, aggregate handlers for relation rows) and decides the
// transaction (read-only, hoisted function settings, isolation level).
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pgrest/api_request.hpp"
#include "pgrest/config.hpp"
#include "pgrest/plan.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/write_guard.hpp"

namespace pgrest {

struct FunctionArg {
  std::string name;       // "" for an unnamed parameter
  std::string type;       // format_type() text, schema-qualified outside pg_catalog
  bool has_default = false;
  bool variadic = false;
};

// One overload as sql/introspect.sql describes it.
struct Function {
  std::string schema, name;
  std::vector<FunctionArg> args;
  std::string return_type;     // the base type's name, e.g. "int4", "bytea", "void"
  bool setof = false;
  bool composite = false;      // rows (table type, composite type, OUT params, record)
  std::optional<std::pair<std::string, std::string>> returns_relation;  // schema, table
  bool is_void = false;
  char volatility = 'v';       // v | s | i
  std::vector<std::string> config;  // proconfig: "statement_timeout=1s"
  std::optional<std::string> media_type;  // returns a domain named like a media type
};

// Parses the JSON array Snapshot::functions() returns.
std::vector<Function> parse_function_group(std::string_view group_json);

enum class CallShape { scalar, setof_scalar, single_row, rows, none };

struct CallPlan {
  Function fn;
  CallShape shape = CallShape::scalar;
  // How arguments reach the function:
  //   direct: `name := $n::type` from the query string or a form body (values in `direct`);
  //   json:   one json parameter (`body`) expanded with json_to_record into `json_args`;
  //   single: the whole body as the only, unnamed parameter (`body`).
  enum class Args { direct, json, single } args = Args::direct;
  std::vector<std::pair<FunctionArg, std::vector<std::string>>> direct;  // variadic: many values
  std::vector<FunctionArg> json_args;
  std::string body;
  bool body_is_array = false;  // JSON array body: its first object holds the arguments
  // The result, read like a relation (`table` has the columns when the function returns a
  // table's row type; otherwise it is empty and PostgreSQL checks the names).
  ReadPlan read;
  bool read_only = true;
  std::vector<std::pair<std::string, std::string>> settings;  // hoisted function settings
  std::optional<std::string> isolation;  // SQL keywords, e.g. "SERIALIZABLE"; else the role's
  // What must undo a volatile call's writes: a singular response that is not one row,
  // Prefer: max-affected (with handling=strict), tx=rollback / db-tx-end.
  GuardChecks guard;
  bool max_affected_applied = false;  // for Preference-Applied
};

Result<CallPlan> plan_call(const Request& request, const ApiRequest& api, const Snapshot& snapshot,
                           const Config& config);

// A default_transaction_isolation value as SQL keywords ("repeatable read" → "REPEATABLE READ");
// nothing for a value PostgreSQL would not accept.
std::optional<std::string> isolation_keywords(std::string_view setting);

}  // namespace pgrest
