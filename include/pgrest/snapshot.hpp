// The schema snapshot: what `pgrest snapshot` learnt from the catalog, in a file the request path
// memory-maps. Opening costs one mmap and a header check whatever the schema's size; a lookup
// binary-searches a sorted index and parses only the entry it needs (one table's JSON). A missing,
// truncated, corrupt or version-mismatched file is an Error (503 PGRST002), never a crash.
//
// File layout (host byte order): Header, then `count` IndexEntry sorted by key, then the blobs.
// Keys: "t:<schema>\x1f<name>" → table JSON (with the FKs touching it), "f:<schema>\x1f<name>" →
// JSON array of the overloads; the meta blob is JSON (fingerprint, schemas, authenticator).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pgrest/config.hpp"
#include "pgrest/error.hpp"

namespace pgrest {

inline constexpr uint32_t kSnapshotFormat = 1;

struct Column {
  std::string name;
  std::string type;          // base type, format_type() text
  std::string nominal_type;  // as declared (a domain's name)
  bool nullable = true;
  bool is_json = false;
  bool is_array = false;
  bool generated = false;
  std::optional<std::string> default_value;
  std::vector<std::string> enum_values;
  std::optional<std::string> comment;
  std::optional<int> max_length;
};

struct ForeignKey {
  std::string name;
  std::string schema, table;
  std::vector<std::string> columns;
  std::string ref_schema, ref_table;
  std::vector<std::string> ref_columns;
  bool one_to_one = false;
  bool ref_is_view = false, table_is_view = false;
};

struct Table {
  std::string schema;
  std::string name;
  char kind = 'r';  // r table, v view, m matview, f foreign, p partitioned
  bool insertable = false, updatable = false, deletable = false;
  std::vector<std::string> pk;
  std::vector<Column> columns;
  std::vector<ForeignKey> fks;  // outgoing and incoming, views included
  std::string row_type;         // the composite type's name, e.g. test.items
  std::optional<std::string> comment;
  // Filled by the planner: names used in this request that are computed fields (functions
  // taking the row type), which the SQL builder emits as function calls.
  std::vector<std::string> computed;
  // Filled by the planner: embeds of this level usable in filters (`rel=is.null`, `or=(rel.not.is.null)`)
  // as (name, SQL expression that is NULL when the embed is empty).
  std::vector<std::pair<std::string, std::string>> embed_refs;

  bool is_computed(std::string_view name) const;

  const Column* column(std::string_view name) const;
};

// A custom media type handler: an aggregate (or function) returning a domain named like a media
// type. `relation_name` empty means it takes anyelement.
struct MediaHandler {
  std::string media_type;
  std::string kind;  // aggregate | function
  std::string schema, name;
  std::string relation_schema, relation_name;
  bool binary = false;  // the domain is over bytea
};

struct SnapshotMeta {
  uint32_t format = 0;
  std::string fingerprint;
  int pg_version = 0;
  std::vector<std::string> schemas;
  std::string authenticator;
  std::vector<MediaHandler> media_handlers;
  // What `pgrest snapshot` found about the authenticator (absent in snapshots that lack it).
  bool authenticator_known = false;
  bool authenticator_superuser = false;
  bool authenticator_bypassrls = false;
  std::vector<std::string> unsafe_roles;  // roles it can switch to that are superuser or BYPASSRLS
  // In-database configuration `pgrest snapshot` read (pgrst.* names in `_` form, in order).
  std::vector<std::pair<std::string, std::string>> db_config;
};

class Snapshot {
 public:
  static Result<Snapshot> open(const std::string& path);

  Snapshot(Snapshot&&) noexcept;
  Snapshot& operator=(Snapshot&&) noexcept;
  ~Snapshot();

  const SnapshotMeta& meta() const { return meta_; }
  // Nullopt when absent; an Error when the entry exists but cannot be read. A table is parsed
  // once per Snapshot and copied from then on (a FastCGI worker or warm Lambda serves many
  // requests from one snapshot).
  Result<std::optional<Table>> table(std::string_view schema, std::string_view name) const;
  // The same without a copy, for reading only: null when absent; valid while the Snapshot lives
  // and until the next trim_cache().
  Result<const Table*> table_ref(std::string_view schema, std::string_view name) const;
  // Forgets the parsed tables when more than `max_tables` are kept, so a long-lived worker's memory
  // stays bounded however large the schema. Call it between requests (it invalidates table_ref).
  void trim_cache(size_t max_tables) const;
  size_t cached_tables() const { return tables_.size(); }
  // Raw JSON of a table entry (for comparing snapshots).
  std::optional<std::string_view> raw_table(std::string_view schema, std::string_view name) const;
  // Raw JSON of a function group (overloads), for the RPC planner.
  std::optional<std::string_view> functions(std::string_view schema, std::string_view name) const;
  // Whether `name` is in pg_timezone_names (for Prefer: timezone=).
  bool has_timezone(std::string_view name) const;
  // Names of every table/view (function) in `schema`: hints and the OpenAPI document only.
  std::vector<std::string> table_names(std::string_view schema) const;
  std::vector<std::string> function_names(std::string_view schema) const;
  // The role's own settings (ALTER ROLE ... SET, the database-specific value winning) that the
  // authenticator may apply with set_config, as name/value pairs; empty for an unknown role.
  const std::vector<std::pair<std::string, std::string>>& role_settings(std::string_view role) const;

 private:
  Snapshot() = default;
  std::optional<std::string_view> find(std::string_view key) const;
  std::vector<std::string_view> keys_with_prefix(std::string_view prefix) const;

  const unsigned char* data_ = nullptr;
  size_t size_ = 0;
  uint32_t count_ = 0;
  uint64_t index_offset_ = 0;
  SnapshotMeta meta_;
  // Sorted by role name (the introspection orders them); few roles, read from the parsed meta.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> role_settings_;
  // Only tables that exist are cached, so made-up names cannot fill it; trim_cache bounds it.
  mutable std::unordered_map<std::string, Table> tables_;
};

// The identity of a snapshot file: `pgrest snapshot` replaces it by rename, which gives a new
// inode, so a changed stamp means a new file. Nullopt when the file cannot be stat'ed.
struct SnapshotStamp {
  uint64_t dev = 0, ino = 0, size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const SnapshotStamp&) const = default;
};
std::optional<SnapshotStamp> snapshot_stamp(const std::string& path);

// Writes a snapshot from the introspection document (the JSON text sql/introspect.sql returns).
Status write_snapshot(const std::string& path, std::string_view introspection_json);

// `pgrest snapshot`: connect with config.db_uri, read the in-database configuration (db-config,
// db-pre-config) and record it, run sql/introspect.sql for the schemas that configuration exposes,
// write `path`. With `check_only`, compare with the existing file's fingerprint instead (false
// when stale).
Result<bool> take_snapshot(const Config& config, const std::string& path, bool check_only,
                           std::string& report);

// The closest name by edit distance, if close enough to be a useful hint.
std::optional<std::string> closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace pgrest
