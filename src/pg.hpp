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

}  // namespace pgrest::detail
