// Planning a table write (POST insert/upsert, PUT, PATCH, DELETE) against the snapshot: the
// relation and its representation (select, filters, media, count) are planned as a read, then the
// written columns (PGRST204), the conflict target, PUT's rules (PGRST114, PGRST105, PGRST115 for a
// payload without the key), Prefer return/missing/resolution/max-affected and the transaction end
// (db-tx-end, Prefer: tx) are fixed. The SQL builder needs nothing else.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pgrest/payload.hpp"
#include "pgrest/plan.hpp"

namespace pgrest {

enum class Return { minimal, headers_only, representation };

struct MutatePlan {
  Action action = Action::insert;        // insert (POST), upsert (PUT), update, remove
  ReadPlan read;                         // table, select, root filters/logic (the WHERE), media
  std::vector<std::string> columns;      // written columns, sorted (payload keys or columns=)
  std::string payload;                   // the body as JSON text, sent as one bind parameter
  bool apply_defaults = false;           // Prefer: missing=default
  std::optional<std::string> resolution; // merge-duplicates | ignore-duplicates (with a target)
  std::vector<std::string> conflict;     // ON CONFLICT target: on_conflict= or the PK
  Return ret = Return::minimal;
  bool count = false;                    // Prefer: count=… → Content-Range carries the total
  bool singular = false;                 // vnd.pgrst.object: exactly one row or 406, rolled back
  std::optional<int64_t> max_affected;   // Prefer: max-affected with handling=strict
  bool rollback = false;                 // db-tx-end / Prefer: tx=rollback: run, answer, undo
  bool location = false;                 // POST return=headers-only on a table with a PK
  std::string preference_applied;        // header value, empty when nothing applies
};

// REQUIRES: request.target == relation and request.action ∈ {insert, upsert, update, remove};
// `payload` is null for DELETE.
Result<MutatePlan> plan_mutate(const ApiRequest& request, const Payload* payload,
                               const Snapshot& snapshot, const Config& config);

}  // namespace pgrest
