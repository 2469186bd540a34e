// DbResult of a write → Response: 201/200/204 as PostgREST v13 decides them per method (upserts:
// 201 when a row was inserted, 200 when only updated), Location for a single POSTed row with
// return=headers-only, Content-Range (`*/n` for POST/DELETE, `0-(n-1)/n` for PATCH), Preference-
// Applied, Content-Type only with a body. A tripped guard becomes its error: PGRST115 (PUT),
// PGRST116 (singular), PGRST124 (max-affected); a dry run (tx=rollback) answers as if committed.
#pragma once

#include "pgrest/executor.hpp"
#include "pgrest/plan_mutate.hpp"

namespace pgrest {

Result<Response> write_response(const MutatePlan& plan, const DbResult& db);

// `/tbl?pk=eq.v&pk2=is.null` from the JSON array of PK values (text or null), query-encoded.
std::string location_header(const Table& table, std::string_view pk_values_json);

}  // namespace pgrest
