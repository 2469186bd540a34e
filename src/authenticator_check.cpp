#include "pgrest/authenticator_check.hpp"

namespace pgrest {

std::optional<std::string> unsafe_authenticator_reason(const SnapshotMeta& meta) {
  if (!meta.authenticator_known) return std::nullopt;
  std::string who = "the authenticator role \"" + meta.authenticator + "\"";
  if (meta.authenticator_superuser) return who + " is a superuser";
  if (meta.authenticator_bypassrls) return who + " has BYPASSRLS";
  if (meta.unsafe_roles.empty()) return std::nullopt;
  std::string roles;
  for (const auto& r : meta.unsafe_roles) roles += (roles.empty() ? "\"" : ", \"") + r + "\"";
  return who + " can switch to " + roles + ", which " +
         (meta.unsafe_roles.size() == 1 ? "is a superuser or has" : "are superusers or have") +
         " BYPASSRLS";
}

std::optional<Error> check_authenticator(const SnapshotMeta& meta, const Config& config,
                                         std::string& warning) {
  auto reason = unsafe_authenticator_reason(meta);
  if (!reason) return std::nullopt;
  if (!config.db_allow_unsafe_authenticator) return errors::unsafe_authenticator(*reason);
  warning = "pgrest: WARNING: serving although " + *reason +
            " (db-allow-unsafe-authenticator = true): Row Level Security does not protect this API";
  return std::nullopt;
}

}  // namespace pgrest
