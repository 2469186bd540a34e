// DbResult → Response: status (200/206/416 from the range and count), Content-Type,
// Content-Range, Content-Location, Preference-Applied, then the response.status and
// response.headers GUCs that SQL may have set (invalid values → 500 PGRST112/PGRST111).
#pragma once

#include <string>

#include "pgrest/api_request.hpp"
#include "pgrest/executor.hpp"
#include "pgrest/plan.hpp"

namespace pgrest {

// Content-Type header value for a negotiated output.
std::string content_type(const Offer& media);

// `tx_overridable`: db-tx-end lets Prefer: tx= decide (then it is echoed).
// The EXPLAIN output of a request whose plan.explain_for is set: 200, the plan media type, the
// lines PostgreSQL returned (reads, writes and RPC alike, as PostgREST answers them).
Response explain_response(const ReadPlan& plan, const DbResult& db);
Result<Response> read_response(const ApiRequest& request, const ReadPlan& plan, const DbResult& db,
                               bool tx_overridable);

// Preference-Applied for a read (tables and RPC results): count, tx, handling, timezone, and
// max-affected when an RPC call honoured it.
std::string read_preference_applied(const ApiRequest& api, const ReadPlan& plan,
                                    bool tx_overridable, bool max_affected = false);

// 200/206 for a page of rows, or 406 PGRST116 (singular media, ≠ 1 row) / 416 PGRST103.
Result<int> page_status(const ReadPlan& plan, const DbResult& db);

Status apply_response_gucs(const DbResult& db, Response& response);

}  // namespace pgrest
