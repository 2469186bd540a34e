// PostgREST's query-string grammar, parsed without looking at the schema: select, filters,
// logic trees (and/or), order, limit/offset, columns, on_conflict. Takes the raw query string
// and returns QueryParams or a 400 PGRST100 (PGRST103 for a negative limit) error.
// Semantics: ../shared/postgrest-reference.md §1.2-§1.10.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pgrest/error.hpp"

namespace pgrest {

// One step of a JSON path: `->key`, `->>key`, `->0`, `->-1`.
struct JsonStep {
  bool as_text = false;   // `->>` rather than `->`
  std::string key;        // the key, or the index digits (with a leading '-') when is_index
  bool is_index = false;
};

// A column reference with an optional JSON path: `data->a->>b`.
struct Field {
  std::string name;
  std::vector<JsonStep> json_path;
};

enum class Op {
  eq, neq, gt, gte, lt, lte, like, ilike, match, imatch, in, is, isdistinct,
  fts, plfts, phfts, wfts, cs, cd, ov, sl, sr, nxr, nxl, adj
};
enum class Quantifier { none, any, all };

// `[not.]op[(any|all)|(lang)].value`
struct OpExpr {
  bool negated = false;
  Op op = Op::eq;
  Quantifier quantifier = Quantifier::none;
  std::optional<std::string> language;   // fts family only: fts(english)
  std::string value;                     // verbatim value (`*` NOT yet turned into `%`); for `is`
                                         // the lower-cased keyword: null|not_null|true|false|unknown
  std::vector<std::string> list;         // `in.(a,"b,c")` items, unquoted and unescaped
};

struct Filter {
  Field field;
  OpExpr expr;
};

struct LogicTree;
// A condition inside and=(...)/or=(...): a filter or a nested tree.
using Condition = std::variant<Filter, LogicTree>;

struct LogicTree {
  bool negated = false;   // not.or / not.and
  bool is_or = false;
  std::vector<Condition> children;
};

// Embedding path of a dotted parameter, e.g. `actors.roles.limit` → {"actors", "roles"}.
using EmbedPath = std::vector<std::string>;

struct OrderTerm {
  std::optional<std::string> relation;   // `rel(col).desc` (ordering by a to-one embed's column)
  Field field;
  enum class Dir { none, asc, desc } dir = Dir::none;
  enum class Nulls { none, first, last } nulls = Nulls::none;
};

struct SelectItem;
struct SelectField {
  Field field;                           // name "*" for the star
  std::optional<std::string> alias;
  std::optional<std::string> cast;       // `::type`, before an aggregate when both are given
  std::optional<std::string> aggregate;  // sum|avg|min|max|count (lower case)
  std::optional<std::string> aggregate_cast;  // cast after the aggregate: `col.avg()::int`
};
struct SelectEmbed {
  std::string relation;
  std::optional<std::string> alias;
  std::optional<std::string> hint;       // `rel!hint`
  enum class Join { none, inner, left } join = Join::none;
  bool spread = false;                   // `...rel(...)`
  std::vector<SelectItem> children;      // empty for `rel()`
};
struct SelectItem {
  std::variant<SelectField, SelectEmbed> item;
};

template <typename T>
struct AtPath {
  EmbedPath path;   // empty for the top level
  T value;
};

struct QueryParams {
  std::vector<SelectItem> select;                 // `*` when absent or empty
  std::vector<AtPath<Filter>> filters;            // every non-reserved key with a value
  std::vector<AtPath<LogicTree>> logic;           // and=/or=/not.and=/not.or=, possibly dotted
  std::vector<AtPath<std::vector<OrderTerm>>> order;
  std::vector<AtPath<int64_t>> limits;
  std::vector<AtPath<int64_t>> offsets;           // negative or non-numeric offsets are dropped
  std::optional<std::vector<std::string>> columns;
  std::optional<std::vector<std::string>> on_conflict;
  // Parameters whose value does not parse as an operator expression, in order. Only produced
  // when parsing for RPC (`rpc_args = true`); otherwise such a parameter is a PGRST100 error.
  std::vector<std::pair<std::string, std::string>> rpc_args;
  std::string canonical;   // every parameter sorted by key and re-encoded (Content-Location)
};

struct GrammarOptions {
  bool rpc_args = false;   // GET /rpc/f: non-operator values are function arguments
  int max_depth = 32;      // nesting limit for logic trees and embeds (400 PGRST100 beyond)
};

Result<QueryParams> parse_query(std::string_view raw_query, const GrammarOptions& options = {});

// Building blocks, exposed for unit tests and for the RPC planner.
Result<std::vector<SelectItem>> parse_select(std::string_view select);
Result<OpExpr> parse_op_expr(std::string_view value);   // `not.eq.5` (top-level filter value)
Result<LogicTree> parse_logic_tree(std::string_view key, std::string_view value);  // key "or"/"not.and"
Result<std::vector<OrderTerm>> parse_order(std::string_view order);
Result<Field> parse_field(std::string_view field);

// Percent-decoding of one query component (`+` is a space). Invalid escapes are kept verbatim.
std::string url_decode(std::string_view s);
// Splits a raw query string into decoded (key, value) pairs in order.
std::vector<std::pair<std::string, std::string>> split_query(std::string_view raw_query);

// Text form of each type, used by the unit tests' case tables to compare parse results
// (e.g. "eq.5", "not.in.(a,b)", "or(a.eq.1,not.and(b.gt.2,c.is.null))").
std::string to_string(const OpExpr& e);
std::string to_string(const Field& f);
std::string to_string(const Filter& f);
std::string to_string(const LogicTree& t);
std::string to_string(const std::vector<SelectItem>& s);
std::string to_string(const std::vector<OrderTerm>& o);

}  // namespace pgrest
