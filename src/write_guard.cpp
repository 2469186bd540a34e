#include "pgrest/write_guard.hpp"

#include <cstdio>
#include <cstdlib>
#include <random>

namespace pgrest {
namespace {

// `WHEN cond THEN ('pgrst-guard:' || nonce || ':kind:' || rows)::int`: the failing cast carries
// the report in its error message.
void guard_arm(Sql& sql, const std::string& nonce_ph, const std::string& cond, const char* kind) {
  sql.raw(" WHEN ").raw(cond).raw(" THEN ('pgrst-guard:' || ").raw(nonce_ph).raw(" || ':");
  sql.raw(kind).raw(":' || a)::int");
}

}  // namespace

Guard build_guard(const GuardChecks& checks, const std::string& nonce) {
  Guard out;
  if (!checks.any()) return out;
  out.nonce = nonce;
  if (checks.rollback) {
    // Deferred constraints still report their violations before the dry run is undone.
    out.statements.push_back(Sql{"SET CONSTRAINTS ALL IMMEDIATE", {}});
  }
  Sql g;
  std::string n = g.placeholder(nonce);
  if (!checks.put && !checks.singular && !checks.max_affected) {
    // A dry run alone trips unconditionally, whether or not anything counted rows (EXPLAIN).
    g.raw("SELECT ('pgrst-guard:' || ").raw(n).raw(" || ':rollback:0')::int");
    out.statements.push_back(std::move(g));
    return out;
  }
  g.raw("SELECT CASE");
  if (checks.put) guard_arm(g, n, "a <> 1", "put");
  if (checks.singular) guard_arm(g, n, "a <> 1", "singular");
  if (checks.max_affected) {
    std::string limit = g.placeholder(std::to_string(*checks.max_affected));
    guard_arm(g, n, "a > " + limit + "::bigint", "max");
  }
  if (checks.rollback) guard_arm(g, n, "true", "rollback");
  g.raw(" END FROM (SELECT current_setting('pgrst.affected')::bigint AS a) pgrst_guard");
  out.statements.push_back(std::move(g));
  return out;
}

std::string new_guard_nonce() {
  std::random_device rd;
  uint64_t v = (uint64_t{rd()} << 32) ^ rd();
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<Error> guard_error(const std::string& report) {
  size_t colon = report.find(':');
  std::string kind = report.substr(0, colon);
  long long rows = colon == std::string::npos ? 0 : std::atoll(report.c_str() + colon + 1);
  if (kind == "rollback") return std::nullopt;
  if (kind == "put") return errors::put_mismatch();
  if (kind == "singular") return errors::singular(rows);
  return errors::max_affected(rows);
}

}  // namespace pgrest
