// `pgrest snapshot`: the only place that reads the catalog. Runs sql/introspect.sql (compiled in)
// as the authenticator and writes the snapshot file.
#include <algorithm>
#include <cstdio>

#include "pg.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql.hpp"

namespace pgrest {

extern const std::string_view kIntrospectSql;

namespace {

// "tables added: a; removed: b; changed: c" and the same for functions, for `snapshot --check`.
std::string describe_changes(const Snapshot& old_s, const Snapshot& new_s,
                             const std::vector<std::string>& schemas) {
  std::string out;
  auto compare = [&](const char* what, auto names, auto entry) {
    for (const auto& schema : schemas) {
      std::vector<std::string> a = names(old_s, schema), b = names(new_s, schema), added, removed, changed;
      for (const auto& n : b) {
        if (std::find(a.begin(), a.end(), n) == a.end()) added.push_back(schema + "." + n);
        else if (entry(old_s, schema, n) != entry(new_s, schema, n)) changed.push_back(schema + "." + n);
      }
      for (const auto& n : a) {
        if (std::find(b.begin(), b.end(), n) == b.end()) removed.push_back(schema + "." + n);
      }
      auto list = [&](const char* label, const std::vector<std::string>& v) {
        if (v.empty()) return;
        out += std::string("\n  ") + what + " " + label + ":";
        for (const auto& x : v) out += " " + x;
      };
      list("added", added);
      list("removed", removed);
      list("changed", changed);
    }
  };
  compare("tables", [](const Snapshot& s, const std::string& sc) { return s.table_names(sc); },
          [](const Snapshot& s, const std::string& sc, const std::string& n) {
            return std::string(s.raw_table(sc, n).value_or(""));
          });
  compare("functions", [](const Snapshot& s, const std::string& sc) { return s.function_names(sc); },
          [](const Snapshot& s, const std::string& sc, const std::string& n) {
            return std::string(s.functions(sc, n).value_or(""));
          });
  return out;
}

}  // namespace

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
    if (!fresh) {
      std::remove(tmp.c_str());
      return fresh.take_error();
    }
    bool same = fresh->meta().fingerprint == existing->meta().fingerprint;
    report = same ? "snapshot is up to date (" + existing->meta().fingerprint + ")"
                  : "snapshot is stale: the database schema changed since it was taken (" +
                        existing->meta().fingerprint + " → " + fresh->meta().fingerprint + ")" +
                        describe_changes(*existing, *fresh, schemas);
    std::remove(tmp.c_str());
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
