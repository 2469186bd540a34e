// CallPlan → SQL. The main statement calls the function once in a `pgrst_call` CTE (named
// arguments `name := $n::type`, or one json parameter expanded with json_to_record, or the whole
// body as the single unnamed parameter), reads the result like a relation (select, filters,
// order, range) and returns the same single row as reads: total, page_total, body,
// response.headers, response.status. Also the statements around it: the isolation level, the
// db-pre-request call. Values only ever travel as parameters.
#pragma once

#include <optional>
#include <string>

#include "pgrest/plan_call.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

Sql build_call(const CallPlan& plan);
// EXPLAIN (FORMAT JSON) of the call's count, for Prefer: count=planned|estimated.
std::optional<Sql> build_call_count_explain(const CallPlan& plan);
// `SET TRANSACTION ISOLATION LEVEL <keywords>` (from isolation_keywords), the first statement of
// the pipeline, when the function or the role sets default_transaction_isolation.
std::optional<Sql> build_isolation(const std::optional<std::string>& keywords);
// `SELECT "schema"."fn"()` for db-pre-request (`schema.fn` or an unqualified name).
Sql build_pre_request(const std::string& function);

}  // namespace pgrest
