// Private: RAII handles over libpq. Unnamed statements only (PgBouncer transaction mode).
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

namespace pgrest::detail {

struct ConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// A PostgreSQL array literal `{"a","b"}` with quotes and backslashes escaped.
inline std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace pgrest::detail
