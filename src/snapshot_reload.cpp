#include "pgrest/snapshot_reload.hpp"

namespace pgrest {

SnapshotRefresh refresh_snapshot(Context& ctx, std::chrono::steady_clock::time_point now,
                                 std::chrono::milliseconds interval) {
  SnapshotRefresh out;
  if (!ctx.config_loaded) return out;
  if (ctx.snapshot_checked != std::chrono::steady_clock::time_point{} &&
      now - ctx.snapshot_checked < interval) {
    return out;
  }
  ctx.snapshot_checked = now;
  auto stamp = snapshot_stamp(ctx.config.snapshot);
  if (!stamp || stamp == ctx.snapshot_stamp) return out;
  // Remember the stamp even on failure: a broken file is reported once, not every second.
  ctx.snapshot_stamp = stamp;
  auto snapshot = Snapshot::open(ctx.config.snapshot);
  if (!snapshot) {
    if (!ctx.snapshot) ctx.startup_error = snapshot.error();
    out.error = snapshot.take_error();
    return out;
  }
  if (auto st = install_snapshot(ctx, std::move(*snapshot)); !st) {
    if (!ctx.snapshot) ctx.startup_error = st.error();
    out.error = st.take_error();
    return out;
  }
  out.reloaded = true;
  // Judged as at start-up: a refusal keeps (or starts) answering 503, a fixed one lifts it.
  judge_authenticator(ctx);
  return out;
}

}  // namespace pgrest
