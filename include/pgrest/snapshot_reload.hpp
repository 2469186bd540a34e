// Long-lived processes (FastCGI workers, warm Lambdas) pick up a snapshot that `pgrest snapshot`
// replaced, without a restart. refresh_snapshot is called before each request; at most once per
// `interval` it stats the file, and when the file's identity changed it opens the new one and
// swaps it in between two requests. A new file that cannot be read leaves the old snapshot serving
// (and is reported once per file); a snapshot missing at start-up that appears later clears the
// start-up error. A file that disappears keeps the current snapshot.
#pragma once

#include <chrono>
#include <optional>

#include "pgrest/error.hpp"
#include "pgrest/handler.hpp"

namespace pgrest {

struct SnapshotRefresh {
  bool reloaded = false;       // a new snapshot is in use
  std::optional<Error> error;  // a changed file could not be loaded
};

SnapshotRefresh refresh_snapshot(Context& ctx, std::chrono::steady_clock::time_point now,
                                 std::chrono::milliseconds interval = std::chrono::seconds(1));

}  // namespace pgrest
