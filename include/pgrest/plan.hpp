// Planning: resolves an ApiRequest against the snapshot. Every name that will reach SQL is checked
// here (tables → PGRST205, columns → 42703, embeds → PGRST108/PGRST127), the response media type
// is negotiated (PGRST107) and the row range fixed (db-max-rows). Produces a plan that the SQL
// builder turns into text without consulting the snapshot again.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pgrest/api_request.hpp"
#include "pgrest/config.hpp"
#include "pgrest/relationships.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

struct Embed;

// One level of a read: a relation, what to select from it, and its embedded children.
struct ReadNode {
  Table table;                         // the resolved relation (owned copy of the snapshot entry)
  std::string alias;                   // SQL alias of this level ("" at the top)
  std::vector<SelectField> select;     // validated; a single "*" field for the default
  std::vector<Filter> filters;         // filters, ANDed
  std::vector<LogicTree> logic;        // and=/or= trees, ANDed
  std::vector<OrderTerm> order;
  RowRange range;                      // after db-max-rows
  std::vector<Embed> embeds;
};

// An embedded resource: `name:relation!hint!inner(...)` resolved to a relationship.
struct Embed {
  Relationship rel;
  std::string name;                    // output key: the alias, else the relation as written
  std::string relation;                // as written in select (dotted parameters may use it)
  bool inner = false;                  // !inner, or rel=not.is.null
  bool spread = false;                 // ...rel(...)
  bool output = true;                  // false for rel(): used for filtering only
  std::string lateral;                 // SQL alias of its LATERAL subquery
  ReadNode node;
};

struct ReadPlan : ReadNode {
  Offer media;
  // application/vnd.pgrst.plan (db-plan-enabled): the output whose query is explained, and the
  // EXPLAIN options (analyze, verbose, settings, buffers, wal).
  std::optional<Offer> explain_for;
  std::vector<std::string> explain_options;
  bool head = false;
  std::optional<std::string> timezone;  // Prefer: timezone=, when it names a known zone
  enum class Count { none, exact, planned, estimated } count = Count::none;  // Prefer: count=
  std::optional<int64_t> max_rows;     // db-max-rows, the threshold of count=estimated
};

Result<ReadPlan> plan_read(const ApiRequest& request, const Snapshot& snapshot,
                           const Config& config);

// Resolves `params` (select with embeds, filters, logic trees, order, embedded limits/offsets)
// against `plan.table`, which the caller has set. For RPC on functions returning a table's rows.
Status resolve_read_tree(ReadPlan& plan, const QueryParams& params, const Snapshot& snapshot,
                         const Config& config);

// db-plan-enabled: the three application/vnd.pgrst.plan offers, and, when `plan.media` is one of
// them, its `for=` type negotiated among `targets` and its `options=` into plan.explain_for and
// plan.explain_options (reads, writes and RPC alike).
void add_plan_offers(std::vector<Offer>& offers);
Status plan_explain(ReadPlan& plan, const std::vector<Offer>& targets);

// Prefer: timezone= checked against the snapshot's pg_timezone_names: unknown zones are ignored,
// or 400 PGRST122 with handling=strict.
Result<std::optional<std::string>> accepted_timezone(const Preferences& prefs,
                                                     const Snapshot& snapshot);

// Resolves the request's relation, or 404 PGRST205 with a "Perhaps you meant" hint.
Result<Table> resolve_table(const Snapshot& snapshot, const std::string& schema,
                            const std::string& name);

}  // namespace pgrest
