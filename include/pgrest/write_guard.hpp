// Checks that must undo a request's writes after they ran: PUT's single row (PGRST115), a
// singular response (PGRST116), Prefer: max-affected (PGRST124) and the dry run of tx=rollback /
// db-tx-end. They travel as a guard statement after the main one in the same pipeline: the main
// statement stores its row count in `pgrst.affected`, the guard raises an error tagged with a
// per-request nonce when a check trips, and the executor reports it as DbResult::guard with the
// transaction rolled back. Used by writes and by RPC calls of volatile functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "pgrest/error.hpp"
#include "pgrest/executor.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

struct GuardChecks {
  bool put = false;
  bool singular = false;
  std::optional<int64_t> max_affected;
  bool rollback = false;

  bool any() const { return put || singular || max_affected || rollback; }
};

// The column the main statement adds to its final SELECT (over `_pgrst_t`) when checks.any().
inline constexpr const char* kAffectedColumn =
    ", set_config('pgrst.affected', pg_catalog.count(_pgrst_t)::text, true)";

// No statements when nothing can trip. `nonce`: new_guard_nonce().
Guard build_guard(const GuardChecks& checks, const std::string& nonce);

// A per-request secret that only our guard statement can put into an error message.
std::string new_guard_nonce();

// A tripped guard's report ("singular:3") as its PostgREST error; nullopt for "rollback", which
// answers as if committed.
std::optional<Error> guard_error(const std::string& report);

}  // namespace pgrest
