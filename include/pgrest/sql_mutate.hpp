// MutatePlan → SQL. The main statement runs the write as a CTE (`pgrst_mutation`, the body
// expanded by json_to_recordset from ONE text parameter), shapes the representation with the read
// select list (`pgrst_source`) and returns one row: total, page_total, body, response.headers,
// response.status, location (JSON array of the PK values as text) and inserted (upserts). Checks
// that must undo the write (PUT PGRST115, singular PGRST116, max-affected PGRST124, tx=rollback)
// become a guard statement sent in the same pipeline: it raises an error carrying the nonce.
#pragma once

#include <string>

#include "pgrest/executor.hpp"
#include "pgrest/plan_mutate.hpp"
#include "pgrest/sql.hpp"
#include "pgrest/write_guard.hpp"

namespace pgrest {

struct WriteStatements {
  Sql main;
  Guard guard;  // no statements when nothing can trip
};

// `nonce`: random per request; a tripped guard reports "<kind>:<rows>" with kind one of
// put | singular | max | rollback.
WriteStatements build_mutate(const MutatePlan& plan, const std::string& nonce);

}  // namespace pgrest
