// The superuser rule: pgrest refuses to serve when the authenticator role, or any role it can
// switch to, is a superuser or has BYPASSRLS (PostgreSQL's security model would not apply).
// `pgrest snapshot` records the facts; this reads them from the snapshot, so a request pays nothing.
// Produces PGRSTX01 (503) unless `db-allow-unsafe-authenticator` is set.
#pragma once

#include <optional>
#include <string>

#include "pgrest/config.hpp"
#include "pgrest/error.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

// Why the recorded authenticator is unsafe, in one sentence; nullopt when it is safe (or unknown).
std::optional<std::string> unsafe_authenticator_reason(const SnapshotMeta& meta);

// The refusal to answer every request with, or nullopt when serving is allowed. When unsafe but
// allowed by configuration, `warning` receives the line to log loudly.
std::optional<Error> check_authenticator(const SnapshotMeta& meta, const Config& config,
                                         std::string& warning);

}  // namespace pgrest
