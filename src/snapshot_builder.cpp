// `pgrest snapshot`: the only place that reads the catalog. Runs sql/introspect.sql (compiled in)
// as the authenticator and writes the snapshot file.
#include <algorithm>
#include <cstdio>

#include "json.hpp"
#include "pg.hpp"
#include "pgrest/config.hpp"
#include "pgrest/snapshot.hpp"
#include "pgrest/sql.hpp"
#include "pgrest/sql_call.hpp"

namespace pgrest {

extern const std::string_view kIntrospectSql;

namespace {

// The authenticator's pgrst.* settings, as PostgREST reads them: ALTER ROLE ... SET (a database's
// own over the role-wide ones, read from the catalog: a pooled server connection may predate
// them), then what db-pre-config set_config()s over those, in one transaction.
Result<std::vector<std::pair<std::string, std::string>>> read_db_config(
    PGconn* conn, const std::optional<std::string>& pre_config) {
  const std::string names = array_literal(db_config_names());
  const char* role_sql =
      "SELECT substr(c.setting, 7, strpos(c.setting, '=') - 7), "
      "       substr(c.setting, strpos(c.setting, '=') + 1) "
      "FROM pg_catalog.pg_db_role_setting s, unnest(s.setconfig) WITH ORDINALITY AS c(setting, i) "
      "WHERE s.setrole = (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user) "
      "  AND s.setdatabase IN (0, (SELECT d.oid FROM pg_catalog.pg_database d "
      "                            WHERE d.datname = current_database())) "
      "  AND c.setting LIKE 'pgrst.%' "
      "  AND substr(c.setting, 7, strpos(c.setting, '=') - 7) = ANY ($1::text[]) "
      "ORDER BY s.setdatabase, c.i";
  std::vector<std::pair<std::string, std::string>> out;
  auto rows = [&](const detail::PgResult& r) -> Status {
    if (PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
      return errors::schema_cache(std::string("reading the in-database configuration: ") +
                                  PQresultErrorMessage(r.get()));
    }
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      if (PQgetisnull(r.get(), i, 1)) continue;
      out.emplace_back(PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1));
    }
    return Ok{};
  };
  const char* params[] = {names.c_str()};
  detail::PgResult role(PQexecParams(conn, role_sql, 1, nullptr, params, nullptr, nullptr, 0));
  if (auto st = rows(role); !st) return st.take_error();
  if (!pre_config) return out;
  // One transaction, always rolled back: blank every name (what the function does not set stays
  // '' and is skipped, whatever the possibly stale session defaults of a pooled connection say),
  // call the function, read what it set. The first failing step is the one reported.
  auto exec = [&](const std::string& sql, int nparams) {
    return detail::PgResult(PQexecParams(conn, sql.c_str(), nparams, nullptr, params, nullptr, nullptr, 0));
  };
  detail::PgResult begin = exec("BEGIN", 0);
  detail::PgResult blank = exec("SELECT set_config('pgrst.' || n, '', true) FROM unnest($1::text[]) n", 1);
  detail::PgResult called = exec(build_pre_request(*pre_config).text, 0);
  detail::PgResult set = exec("SELECT n, current_setting('pgrst.' || n, true) FROM unnest($1::text[]) n "
                              "WHERE current_setting('pgrst.' || n, true) <> ''", 1);
  detail::PgResult end = exec("ROLLBACK", 0);
  for (const detail::PgResult* r : {&begin, &blank, &called}) {
    ExecStatusType st = PQresultStatus(r->get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      return errors::schema_cache("db-pre-config " + *pre_config + ": " + PQresultErrorMessage(r->get()));
    }
  }
  if (auto st = rows(set); !st) return st.take_error();
  return out;
}

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

Result<bool> take_snapshot(const Config& config, const std::string& path, bool check_only,
                           std::string& report) {
  detail::PgConn conn(PQconnectdb(config.db_uri.c_str()));
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return errors::connection(PQerrorMessage(conn.get()));
  }
  std::vector<std::pair<std::string, std::string>> db_config;
  std::string skipped;
  if (config.db_config) {
    auto read = read_db_config(conn.get(), config.db_pre_config);
    if (!read) return read.take_error();
    // The snapshot is a file copied to every host and Lambda package: no secret goes into it.
    for (auto& kv : *read) {
      if (kv.first == "jwt_secret") skipped = "; pgrst.jwt_secret is not recorded in it (set jwt-secret in the environment or the config file)";
      else db_config.push_back(std::move(kv));
    }
  }
  // The database's settings decide what is exposed, so they apply before the introspection.
  Config effective = config;
  if (auto st = apply_db_config(effective, db_config); !st) return st.take_error();
  std::string sql(kIntrospectSql);
  std::string schemas_param = array_literal(effective.db_schemas);
  std::string db_config_param = "[";
  for (const auto& [name, value] : db_config) {
    if (db_config_param.size() > 1) db_config_param += ",";
    db_config_param += "{\"name\":" + json::quoted(name) + ",\"value\":" + json::quoted(value) + "}";
  }
  db_config_param += "]";
  const char* params[] = {schemas_param.c_str(), db_config_param.c_str()};
  detail::PgResult res(PQexecParams(conn.get(), sql.c_str(), 2, nullptr, params, nullptr, nullptr, 0));
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
                        describe_changes(*existing, *fresh, effective.db_schemas);
    std::remove(tmp.c_str());
    return same;
  }
  if (auto w = write_snapshot(path, doc); !w) return w.take_error();
  auto written = Snapshot::open(path);
  if (!written) return written.take_error();
  const auto& m = written->meta();
  report = "wrote " + path + " (" + std::to_string(doc.size()) + " bytes of schema, fingerprint " +
           m.fingerprint.substr(0, 16) + ")" + skipped;
  return true;
}

}  // namespace pgrest
