// Configuration with PostgREST's names: a config file (`key = "value"`, given as the first
// argument or PGRST_CONFIG) overlaid by PGRST_* environment variables. One table of keys drives
// loading, validation and --dump-config. Unknown keys and bad values are start-up errors naming
// the key. pgrest's own key: `snapshot` (PGRST_SNAPSHOT), the schema snapshot file.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "pgrest/error.hpp"

namespace pgrest {

enum class LogLevel { crit, error, warn, info, debug };
enum class TxEnd { commit, commit_allow_override, rollback, rollback_allow_override };

struct Config {
  std::string db_uri = "postgresql://";
  std::vector<std::string> db_schemas = {"public"};
  std::optional<std::string> db_anon_role;
  std::vector<std::string> db_extra_search_path = {"public"};
  std::optional<int64_t> db_max_rows;
  std::optional<std::string> db_pre_request;
  std::optional<std::string> db_root_spec;
  bool db_config = true;                     // read the authenticator's pgrst.* settings
  std::optional<std::string> db_pre_config;  // a function that set_config()s pgrst.* settings
  TxEnd db_tx_end = TxEnd::commit;
  bool db_aggregates_enabled = false;
  bool db_allow_unsafe_authenticator = false;  // pgrest: serve with a superuser/BYPASSRLS authenticator
  bool db_plan_enabled = false;
  std::vector<std::string> db_hoisted_tx_settings = {
      "statement_timeout", "plan_filter.statement_cost_limit", "default_transaction_isolation"};
  std::optional<std::string> jwt_secret;
  bool jwt_secret_is_base64 = false;
  std::optional<std::string> jwt_aud;
  std::string jwt_role_claim_key = ".role";
  int64_t jwt_cache_max_lifetime = 0;  // > 0: caps how long a verified token stays cached
  int64_t jwt_cache_max_entries = 1000;  // v14's key: verified-token cache size, 0 disables it
  LogLevel log_level = LogLevel::error;
  std::string openapi_mode = "follow-privileges";
  bool openapi_security_active = false;
  std::optional<std::string> openapi_server_proxy_uri;
  std::vector<std::string> raw_media_types;
  std::optional<std::vector<std::string>> server_cors_allowed_origins;
  bool server_timing_enabled = false;
  std::optional<std::string> server_trace_header;
  int64_t db_timeout_seconds = 5;  // pgrest: connect timeout towards PgBouncer
  int64_t server_max_body_size = 10 * 1024 * 1024;  // pgrest: larger request bodies → 413
  std::string snapshot = "pgrest.snapshot";
  std::map<std::string, std::string> app_settings;  // app.settings.* → set as GUCs
};

// `env` holds the environment as NAME=VALUE strings (environ); `file` is an optional path.
Result<Config> load_config(const std::vector<std::string>& env, const std::optional<std::string>& file);

// Config file text → key/value pairs (for tests and load_config).
Result<std::vector<std::pair<std::string, std::string>>> parse_config_text(std::string_view text);

std::string dump_config(const Config& config);

// In-database configuration, as PostgREST reads it: the `pgrst.*` names it takes (in `_` form,
// e.g. "db_schemas"), and applying such name/value pairs over a loaded config (they override the
// file and the environment; a bad value is an error naming `pgrst.<name>`). `pgrest snapshot`
// reads them and records them in the snapshot; every process applies the recorded ones.
const std::vector<std::string>& db_config_names();
Status apply_db_config(Config& config, const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace pgrest
