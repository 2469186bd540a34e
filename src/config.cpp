#include "pgrest/config.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

namespace pgrest {
namespace {

using Setter = std::function<std::optional<std::string>(Config&, const std::string&)>;
using Getter = std::function<std::string(const Config&)>;

struct Key {
  const char* name;
  std::vector<const char*> aliases;
  Setter set;   // returns an error message for an invalid value
  Getter get;
};

std::string trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(v);
  while (std::getline(in, item, ',')) {
    std::string t = trim(item);
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

std::string join_list(const std::vector<std::string>& v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + v[i];
  return out;
}

std::optional<bool> parse_bool(const std::string& v) {
  std::string l = to_lower(v);
  if (l == "true" || l == "yes" || l == "on" || l == "1") return true;
  if (l == "false" || l == "no" || l == "off" || l == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> parse_int(const std::string& v) {
  int64_t n = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) return std::nullopt;
  return n;
}

// Field binders: each returns a Key's setter/getter pair for one Config member.
Key str(const char* name, std::string Config::*field, std::vector<const char*> aliases = {}) {
  return {name, std::move(aliases),
          [field](Config& c, const std::string& v) -> std::optional<std::string> {
            c.*field = v;
            return std::nullopt;
          },
          [field](const Config& c) { return c.*field; }};
}
Key opt_str(const char* name, std::optional<std::string> Config::*field,
            std::vector<const char*> aliases = {}) {
  return {name, std::move(aliases),
          [field](Config& c, const std::string& v) -> std::optional<std::string> {
            if (v.empty()) c.*field = std::nullopt; else c.*field = v;
            return std::nullopt;
          },
          [field](const Config& c) { return (c.*field).value_or(""); }};
}
Key boolean(const char* name, bool Config::*field, std::vector<const char*> aliases = {}) {
  return {name, std::move(aliases),
          [field](Config& c, const std::string& v) -> std::optional<std::string> {
            auto b = parse_bool(v);
            if (!b) return "expected true or false";
            c.*field = *b;
            return std::nullopt;
          },
          [field](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}
Key integer(const char* name, int64_t Config::*field) {
  return {name, {},
          [field](Config& c, const std::string& v) -> std::optional<std::string> {
            auto n = parse_int(v);
            if (!n || *n < 0) return "expected a non-negative integer";
            c.*field = *n;
            return std::nullopt;
          },
          [field](const Config& c) { return std::to_string(c.*field); }};
}
Key list(const char* name, std::vector<std::string> Config::*field,
         std::vector<const char*> aliases = {}) {
  return {name, std::move(aliases),
          [field](Config& c, const std::string& v) -> std::optional<std::string> {
            c.*field = split_list(v);
            return std::nullopt;
          },
          [field](const Config& c) { return join_list(c.*field); }};
}
// Keys PostgREST has that mean nothing for a per-request binary: accepted, not used.
Key ignored(const char* name, std::vector<const char*> aliases = {}) {
  return {name, std::move(aliases),
          [](Config&, const std::string&) -> std::optional<std::string> { return std::nullopt; },
          nullptr};
}

template <typename E>
Key enumerated(const char* name, E Config::*field, std::vector<std::pair<const char*, E>> values) {
  return {name, {},
          [field, values](Config& c, const std::string& v) -> std::optional<std::string> {
            for (const auto& [n, e] : values) {
              if (v == n) {
                c.*field = e;
                return std::nullopt;
              }
            }
            std::string msg = "expected one of:";
            for (const auto& [n, e] : values) msg += std::string(" ") + n;
            return msg;
          },
          [field, values](const Config& c) {
            for (const auto& [n, e] : values) {
              if (c.*field == e) return std::string(n);
            }
            return std::string();
          }};
}

// Alphabetical, PostgREST's names (PGRST_ + upper case, '-' → '_').
const std::vector<Key>& keys() {
  static const std::vector<Key> table = {
      ignored("admin-server-host"),
      ignored("admin-server-port"),
      boolean("db-aggregates-enabled", &Config::db_aggregates_enabled),
      boolean("db-allow-unsafe-authenticator", &Config::db_allow_unsafe_authenticator),
      opt_str("db-anon-role", &Config::db_anon_role),
      ignored("db-channel"),
      ignored("db-channel-enabled"),
      boolean("db-config", &Config::db_config),
      list("db-extra-search-path", &Config::db_extra_search_path),
      list("db-hoisted-tx-settings", &Config::db_hoisted_tx_settings),
      {"db-max-rows", {"max-rows"},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) { c.db_max_rows.reset(); return std::nullopt; }
         auto n = parse_int(v);
         if (!n || *n < 0) return "expected a non-negative integer";
         c.db_max_rows = *n;
         return std::nullopt;
       },
       [](const Config& c) { return c.db_max_rows ? std::to_string(*c.db_max_rows) : ""; }},
      boolean("db-plan-enabled", &Config::db_plan_enabled),
      ignored("db-pool"),
      ignored("db-pool-acquisition-timeout"),
      ignored("db-pool-automatic-recovery"),
      ignored("db-pool-max-idletime", {"db-pool-timeout"}),
      ignored("db-pool-max-lifetime"),
      opt_str("db-pre-config", &Config::db_pre_config),
      opt_str("db-pre-request", &Config::db_pre_request, {"pre-request"}),
      ignored("db-prepared-statements"),
      opt_str("db-root-spec", &Config::db_root_spec, {"root-spec"}),
      list("db-schemas", &Config::db_schemas, {"db-schema"}),
      integer("db-timeout", &Config::db_timeout_seconds),
      enumerated("db-tx-end", &Config::db_tx_end,
                 {{"commit", TxEnd::commit},
                  {"commit-allow-override", TxEnd::commit_allow_override},
                  {"rollback", TxEnd::rollback},
                  {"rollback-allow-override", TxEnd::rollback_allow_override}}),
      str("db-uri", &Config::db_uri),
      opt_str("jwt-aud", &Config::jwt_aud),
      integer("jwt-cache-max-entries", &Config::jwt_cache_max_entries),
      integer("jwt-cache-max-lifetime", &Config::jwt_cache_max_lifetime),
      str("jwt-role-claim-key", &Config::jwt_role_claim_key, {"role-claim-key"}),
      opt_str("jwt-secret", &Config::jwt_secret),
      boolean("jwt-secret-is-base64", &Config::jwt_secret_is_base64, {"secret-is-base64"}),
      enumerated("log-level", &Config::log_level,
                 {{"crit", LogLevel::crit},
                  {"error", LogLevel::error},
                  {"warn", LogLevel::warn},
                  {"info", LogLevel::info},
                  {"debug", LogLevel::debug}}),
      ignored("log-query"),
      str("openapi-mode", &Config::openapi_mode),
      boolean("openapi-security-active", &Config::openapi_security_active),
      opt_str("openapi-server-proxy-uri", &Config::openapi_server_proxy_uri),
      list("raw-media-types", &Config::raw_media_types),
      {"server-cors-allowed-origins", {},
       [](Config& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) c.server_cors_allowed_origins.reset();
         else c.server_cors_allowed_origins = split_list(v);
         return std::nullopt;
       },
       [](const Config& c) {
         return c.server_cors_allowed_origins ? join_list(*c.server_cors_allowed_origins) : "";
       }},
      ignored("server-host"),
      integer("server-max-body-size", &Config::server_max_body_size),
      ignored("server-port"),
      boolean("server-timing-enabled", &Config::server_timing_enabled),
      opt_str("server-trace-header", &Config::server_trace_header),
      ignored("server-unix-socket"),
      ignored("server-unix-socket-mode"),
      str("snapshot", &Config::snapshot),
  };
  return table;
}

std::string env_name(std::string_view key) {
  std::string out = "PGRST_";
  for (char c : key) out.push_back(c == '-' || c == '.' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

const Key* find_key(std::string_view name) {
  for (const auto& k : keys()) {
    if (name == k.name) return &k;
    for (const char* a : k.aliases) {
      if (name == a) return &k;
    }
  }
  return nullptr;
}

std::optional<std::string> apply(Config& c, const std::string& key, const std::string& value,
                                 const std::string& origin) {
  if (key.rfind("app.settings.", 0) == 0) {
    c.app_settings[key] = value;
    return std::nullopt;
  }
  const Key* k = find_key(key);
  if (k == nullptr) return "unknown configuration key '" + origin + "'";
  if (auto err = k->set(c, value)) {
    return "invalid value for '" + origin + "': " + *err;
  }
  return std::nullopt;
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) return std::nullopt;
  std::stringstream buf;
  buf << f.rdbuf();
  return buf.str();
}

std::optional<std::string> validate(const Config& c) {
  if (c.db_schemas.empty()) return "'db-schemas' must name at least one schema";
  if (c.jwt_secret && !c.jwt_secret_is_base64 && c.jwt_secret->size() < 32 &&
      c.jwt_secret->front() != '{' && c.jwt_secret->front() != '@') {
    return "'jwt-secret' must be at least 32 characters long";
  }
  // v13.0.4: an audience with a ':' is a URI (RFC 3986 scheme, then no spaces).
  if (c.jwt_aud && c.jwt_aud->find(':') != std::string::npos) {
    const std::string& a = *c.jwt_aud;
    size_t colon = a.find(':');
    bool scheme = colon > 0 && std::isalpha(static_cast<unsigned char>(a[0])) &&
                  std::all_of(a.begin(), a.begin() + static_cast<long>(colon), [](unsigned char ch) {
                    return std::isalnum(ch) || ch == '+' || ch == '-' || ch == '.';
                  });
    if (!scheme || a.find_first_of(" \t\r\n<>\"{}|\\^`") != std::string::npos) {
      return "invalid value for 'jwt-aud': a value with ':' must be a URI";
    }
  }
  if (c.openapi_mode != "follow-privileges" && c.openapi_mode != "ignore-privileges" &&
      c.openapi_mode != "disabled") {
    return "invalid value for 'openapi-mode': expected follow-privileges, ignore-privileges or "
           "disabled";
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> parse_config_text(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::istringstream in{std::string(text)};
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    size_t eq = t.find('=');
    if (eq == std::string::npos) {
      return errors::config("config file line " + std::to_string(lineno) + ": expected key = value");
    }
    std::string key = trim(t.substr(0, eq));
    std::string raw = trim(t.substr(eq + 1));
    std::string value;
    if (!raw.empty() && raw[0] == '"') {
      size_t i = 1;
      bool closed = false;
      for (; i < raw.size(); ++i) {
        if (raw[i] == '\\' && i + 1 < raw.size()) {
          value.push_back(raw[++i]);
        } else if (raw[i] == '"') {
          closed = true;
          break;
        } else {
          value.push_back(raw[i]);
        }
      }
      std::string rest = trim(std::string_view(raw).substr(std::min(i + 1, raw.size())));
      if (!closed || (!rest.empty() && rest[0] != '#')) {
        return errors::config("config file line " + std::to_string(lineno) + ": bad value for '" +
                              key + "'");
      }
    } else {
      size_t hash = raw.find('#');
      value = trim(raw.substr(0, hash));
    }
    if (key.empty()) {
      return errors::config("config file line " + std::to_string(lineno) + ": missing key");
    }
    out.emplace_back(key, value);
  }
  return out;
}

Result<Config> load_config(const std::vector<std::string>& env,
                           const std::optional<std::string>& file) {
  Config c;
  std::optional<std::string> path = file;
  for (const auto& kv : env) {
    if (kv.rfind("PGRST_CONFIG=", 0) == 0 && !path) path = kv.substr(13);
  }
  if (path && !path->empty()) {
    auto text = read_text_file(*path);
    if (!text) return errors::config("cannot read config file '" + *path + "'");
    auto pairs = parse_config_text(*text);
    if (!pairs) return pairs.take_error();
    for (const auto& [k, v] : *pairs) {
      if (auto err = apply(c, k, v, k)) return errors::config(*err);
    }
  }
  // The environment overrides the file, as in PostgREST.
  for (const auto& kv : env) {
    if (kv.rfind("PGRST_", 0) != 0) continue;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (name == "PGRST_CONFIG") continue;
    if (name.rfind("PGRST_APP_SETTINGS_", 0) == 0) {
      c.app_settings["app.settings." + to_lower(name.substr(19))] = value;
      continue;
    }
    const Key* match = nullptr;
    for (const auto& k : keys()) {
      if (env_name(k.name) == name) match = &k;
      for (const char* a : k.aliases) {
        if (env_name(a) == name) match = &k;
      }
    }
    if (match == nullptr) return errors::config("unknown configuration variable '" + name + "'");
    if (auto err = match->set(c, value)) {
      return errors::config("invalid value for '" + name + "': " + *err);
    }
  }
  // db-uri = "@path": the connection string is in that file, as PostgREST reads it.
  if (!c.db_uri.empty() && c.db_uri.front() == '@') {
    auto text = read_text_file(c.db_uri.substr(1));
    if (!text) return errors::config("cannot read the 'db-uri' file " + c.db_uri.substr(1));
    c.db_uri = trim(*text);
  }
  if (auto err = validate(c)) return errors::config(*err);
  return c;
}

const std::vector<std::string>& db_config_names() {
  // PostgREST's list: what the database may decide; not how to reach it or pgrest's own keys.
  static const std::vector<std::string> names = {
      "db_aggregates_enabled", "db_anon_role", "db_extra_search_path", "db_hoisted_tx_settings",
      "db_max_rows", "db_plan_enabled", "db_pre_request", "db_prepared_statements",
      "db_root_spec", "db_schemas", "db_tx_end", "jwt_aud", "jwt_cache_max_lifetime",
      "jwt_role_claim_key", "jwt_secret", "jwt_secret_is_base64", "openapi_mode",
      "openapi_security_active", "openapi_server_proxy_uri", "raw_media_types",
      "server_cors_allowed_origins", "server_timing_enabled", "server_trace_header"};
  return names;
}

Status apply_db_config(Config& c, const std::vector<std::pair<std::string, std::string>>& settings) {
  const auto& names = db_config_names();
  for (const auto& [name, value] : settings) {
    if (std::find(names.begin(), names.end(), name) == names.end()) continue;
    std::string key = name;
    std::replace(key.begin(), key.end(), '_', '-');
    if (auto err = apply(c, key, value, "pgrst." + name)) return errors::config(*err);
  }
  if (auto err = validate(c)) return errors::config(*err + " (after the in-database configuration)");
  return Ok{};
}

std::string dump_config(const Config& c) {
  std::string out;
  for (const auto& k : keys()) {
    if (!k.get) continue;
    std::string v = k.get(c);
    std::string q;
    for (char ch : v) {
      if (ch == '"' || ch == '\\') q.push_back('\\');
      q.push_back(ch);
    }
    out += std::string(k.name) + " = \"" + q + "\"\n";
  }
  for (const auto& [k, v] : c.app_settings) out += k + " = \"" + v + "\"\n";
  return out;
}

}  // namespace pgrest
