// `pgrest snapshot`: the only place that reads the catalog. Runs sql/introspect.sql (compiled in)
// as the authenticator and writes the snapshot file.
#include <cstdio>

#include "pg.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

extern const std::string_view kIntrospectSql;

Result<bool> take_snapshot(const std::string& db_uri, const std::vector<std::string>& schemas,
                           const std::string& path, bool check_only, std::string& report) {
  detail::PgConn conn(PQconnectdb(db_uri.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return errors::connection(PQerrorMessage(conn.get()));
  }
  std::string sql(kIntrospectSql);
  std::string schemas_param = array_literal(schemas);
  const char* params[] = {schemas_param.c_str()};
  detail::PgResult res(PQexecParams(conn.get(), sql.c_str(), 1, nullptr, params, nullptr, nullptr, 0));
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1) {
    return errors::schema_cache(PQresultErrorMessage(res.get()));
  }
  std::string doc(PQgetvalue(res.get(), 0, 0), PQgetlength(res.get(), 0, 0));
  if (check_only) {
    auto existing = Snapshot::open(path);
    if (!existing) {
      report = existing.error().message + ": " + existing.error().details.value_or("");
      return false;
    }
    std::string tmp = path + ".check";
    if (auto w = write_snapshot(tmp, doc); !w) return w.take_error();
    auto fresh = Snapshot::open(tmp);
    std::remove(tmp.c_str());
    if (!fresh) return fresh.take_error();
    bool same = fresh->meta().fingerprint == existing->meta().fingerprint;
    report = same ? "snapshot is up to date (" + existing->meta().fingerprint + ")"
                  : "snapshot is stale: the database schema changed since it was taken (" +
                        existing->meta().fingerprint + " → " + fresh->meta().fingerprint + ")";
    return same;
  }
  if (auto w = write_snapshot(path, doc); !w) return w.take_error();
  auto written = Snapshot::open(path);
  if (!written) return written.take_error();
  const auto& m = written->meta();
  report = "wrote " + path + " (" + std::to_string(doc.size()) + " bytes of schema, fingerprint " +
           m.fingerprint.substr(0, 16) + ")";
  return true;
}

}  // namespace pgrest
