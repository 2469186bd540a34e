#include "pgrest/snapshot.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "json.hpp"

namespace pgrest {
namespace {

constexpr char kMagic[8] = {'P', 'G', 'R', 'S', 'T', 'S', 'N', 'P'};

struct FileHeader {
  char magic[8];
  uint32_t format;
  uint32_t count;
  uint64_t file_size;
  uint64_t index_offset;
  uint64_t meta_offset;
  uint64_t meta_len;
};

struct IndexEntry {
  uint64_t key_offset;
  uint64_t value_offset;
  uint32_t key_len;
  uint32_t value_len;
};

constexpr char kSep = '\x1f';

std::string table_key(std::string_view schema, std::string_view name) {
  return "t:" + std::string(schema) + kSep + std::string(name);
}
std::string function_key(std::string_view schema, std::string_view name) {
  return "f:" + std::string(schema) + kSep + std::string(name);
}

Error corrupt(const std::string& path, const std::string& why) {
  return errors::schema_cache("the snapshot file '" + path + "' " + why +
                              "; run `pgrest snapshot` again");
}

std::vector<std::string> strings_of(const cJSON* arr) {
  std::vector<std::string> out;
  const cJSON* it = nullptr;
  cJSON_ArrayForEach(it, arr) {
    if (cJSON_IsString(it)) out.emplace_back(it->valuestring);
  }
  return out;
}

ForeignKey read_fk(const cJSON* o) {
  ForeignKey fk;
  fk.name = json::get_string(o, "name").value_or("");
  fk.schema = json::get_string(o, "schema").value_or("");
  fk.table = json::get_string(o, "table").value_or("");
  fk.columns = json::get_strings(o, "columns");
  fk.ref_schema = json::get_string(o, "ref_schema").value_or("");
  fk.ref_table = json::get_string(o, "ref_table").value_or("");
  fk.ref_columns = json::get_strings(o, "ref_columns");
  fk.one_to_one = json::get_bool(o, "one_to_one");
  fk.ref_is_view = json::get_bool(o, "ref_is_view");
  fk.table_is_view = json::get_bool(o, "table_is_view");
  return fk;
}

std::optional<Table> read_table(std::string_view text) {
  json::Ptr doc = json::parse(text);
  if (!doc || !cJSON_IsObject(doc.get())) return std::nullopt;
  const cJSON* o = doc.get();
  Table t;
  t.schema = json::get_string(o, "schema").value_or("");
  t.name = json::get_string(o, "name").value_or("");
  std::string kind = json::get_string(o, "kind").value_or("r");
  t.kind = kind.empty() ? 'r' : kind[0];
  t.insertable = json::get_bool(o, "insertable");
  t.updatable = json::get_bool(o, "updatable");
  t.deletable = json::get_bool(o, "deletable");
  t.pk = json::get_strings(o, "pk");
  t.row_type = json::get_string(o, "row_type").value_or("");
  t.comment = json::get_string(o, "comment");
  const cJSON* c = nullptr;
  cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(o, "columns")) {
    Column col;
    col.name = json::get_string(c, "name").value_or("");
    col.type = json::get_string(c, "type").value_or("text");
    col.nominal_type = json::get_string(c, "nominal_type").value_or(col.type);
    col.nullable = json::get_bool(c, "nullable", true);
    col.is_json = json::get_bool(c, "is_json");
    col.is_array = json::get_bool(c, "is_array");
    col.generated = json::get_bool(c, "generated");
    col.default_value = json::get_string(c, "default");
    col.enum_values = strings_of(cJSON_GetObjectItemCaseSensitive(c, "enum"));
    col.comment = json::get_string(c, "comment");
    if (auto n = json::get_number(c, "max_length")) col.max_length = static_cast<int>(*n);
    t.columns.push_back(std::move(col));
  }
  const cJSON* f = nullptr;
  cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(o, "fks")) t.fks.push_back(read_fk(f));
  return t;
}

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  std::string hex;
  char buf[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", md[i]);
    hex += buf;
  }
  return hex;
}

std::string print(const cJSON* item) {
  char* s = cJSON_PrintUnformatted(item);
  std::string out = s ? s : "null";
  cJSON_free(s);
  return out;
}

std::string object_name(const cJSON* o, const char* schema_key, const char* name_key) {
  return json::get_string(o, schema_key).value_or("") + kSep +
         json::get_string(o, name_key).value_or("");
}

}  // namespace

const Column* Table::column(std::string_view col) const {
  for (const auto& c : columns) {
    if (c.name == col) return &c;
  }
  return nullptr;
}

bool Table::is_computed(std::string_view name) const {
  return std::find(computed.begin(), computed.end(), name) != computed.end();
}

Result<Snapshot> Snapshot::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errors::schema_cache("cannot open the snapshot file '" + path + "': " +
                                std::strerror(errno) + "; create it with `pgrest snapshot`");
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) < sizeof(FileHeader)) {
    ::close(fd);
    return corrupt(path, "is truncated or not a pgrest snapshot");
  }
  size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return corrupt(path, "cannot be mapped");
  Snapshot s;
  s.data_ = static_cast<const unsigned char*>(map);
  s.size_ = size;
  FileHeader h;
  std::memcpy(&h, s.data_, sizeof h);
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) {
    return corrupt(path, "is not a pgrest snapshot");
  }
  if (h.format != kSnapshotFormat) {
    return corrupt(path, "has format " + std::to_string(h.format) + " but this pgrest reads format " +
                             std::to_string(kSnapshotFormat));
  }
  if (h.file_size != size) return corrupt(path, "is truncated");
  if (h.index_offset > size || h.count > (size - h.index_offset) / sizeof(IndexEntry) ||
      h.meta_offset > size || h.meta_len > size - h.meta_offset) {
    return corrupt(path, "is corrupt");
  }
  s.count_ = h.count;
  s.index_offset_ = h.index_offset;
  std::string_view meta_text(reinterpret_cast<const char*>(s.data_ + h.meta_offset), h.meta_len);
  json::Ptr meta = json::parse(meta_text);
  if (!meta) return corrupt(path, "has a corrupt header");
  s.meta_.format = h.format;
  s.meta_.fingerprint = json::get_string(meta.get(), "fingerprint").value_or("");
  s.meta_.pg_version = static_cast<int>(json::get_number(meta.get(), "pg_version").value_or(0));
  s.meta_.schemas = json::get_strings(meta.get(), "schemas");
  s.meta_.authenticator = json::get_string(meta.get(), "authenticator").value_or("");
  if (const cJSON* a = cJSON_GetObjectItemCaseSensitive(meta.get(), "authenticator_info");
      cJSON_IsObject(a)) {
    s.meta_.authenticator_known = true;
    s.meta_.authenticator_superuser = json::get_bool(a, "superuser");
    s.meta_.authenticator_bypassrls = json::get_bool(a, "bypassrls");
    s.meta_.unsafe_roles = json::get_strings(a, "unsafe_roles");
  }
  const cJSON* mh = nullptr;
  cJSON_ArrayForEach(mh, cJSON_GetObjectItemCaseSensitive(meta.get(), "media_handlers")) {
    MediaHandler m;
    m.media_type = json::get_string(mh, "media_type").value_or("");
    m.kind = json::get_string(mh, "kind").value_or("");
    m.schema = json::get_string(mh, "schema").value_or("");
    m.name = json::get_string(mh, "name").value_or("");
    const cJSON* rel = cJSON_GetObjectItemCaseSensitive(mh, "relation");
    if (cJSON_IsObject(rel)) {
      m.relation_schema = json::get_string(rel, "schema").value_or("");
      m.relation_name = json::get_string(rel, "name").value_or("");
    }
    m.binary = json::get_bool(mh, "binary");
    s.meta_.media_handlers.push_back(std::move(m));
  }
  const cJSON* setting = nullptr;
  cJSON_ArrayForEach(setting, cJSON_GetObjectItemCaseSensitive(meta.get(), "db_config")) {
    auto name = json::get_string(setting, "name");
    auto value = json::get_string(setting, "value");
    if (name && value) s.meta_.db_config.emplace_back(std::move(*name), std::move(*value));
  }
  const cJSON* roles = cJSON_GetObjectItemCaseSensitive(meta.get(), "role_settings");
  const cJSON* r = nullptr;
  cJSON_ArrayForEach(r, roles) {
    auto name = json::get_string(r, "role");
    if (!name) continue;
    std::vector<std::pair<std::string, std::string>> settings;
    for (const std::string& kv : json::get_strings(r, "settings")) {
      size_t eq = kv.find('=');
      if (eq != std::string::npos && eq > 0) settings.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
    }
    s.role_settings_.emplace_back(std::move(*name), std::move(settings));
  }
  std::sort(s.role_settings_.begin(), s.role_settings_.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return s;
}

Snapshot::Snapshot(Snapshot&& o) noexcept { *this = std::move(o); }

Snapshot& Snapshot::operator=(Snapshot&& o) noexcept {
  if (this != &o) {
    if (data_) munmap(const_cast<unsigned char*>(data_), size_);
    data_ = std::exchange(o.data_, nullptr);
    size_ = std::exchange(o.size_, 0);
    count_ = o.count_;
    index_offset_ = o.index_offset_;
    meta_ = std::move(o.meta_);
    role_settings_ = std::move(o.role_settings_);
    tables_ = std::move(o.tables_);
  }
  return *this;
}

const std::vector<std::pair<std::string, std::string>>& Snapshot::role_settings(
    std::string_view role) const {
  static const std::vector<std::pair<std::string, std::string>> kNone;
  auto it = std::lower_bound(role_settings_.begin(), role_settings_.end(), role,
                             [](const auto& entry, std::string_view r) { return entry.first < r; });
  return it != role_settings_.end() && it->first == role ? it->second : kNone;
}

Snapshot::~Snapshot() {
  if (data_) munmap(const_cast<unsigned char*>(data_), size_);
}

namespace {
// Reads index entry i; returns false when its offsets point outside the file.
bool entry_at(const unsigned char* data, size_t size, uint64_t index_offset, uint32_t i,
              std::string_view& key, std::string_view& value) {
  IndexEntry e;
  std::memcpy(&e, data + index_offset + uint64_t{i} * sizeof(IndexEntry), sizeof e);
  if (e.key_offset > size || e.key_len > size - e.key_offset || e.value_offset > size ||
      e.value_len > size - e.value_offset) {
    return false;
  }
  key = {reinterpret_cast<const char*>(data + e.key_offset), e.key_len};
  value = {reinterpret_cast<const char*>(data + e.value_offset), e.value_len};
  return true;
}
}  // namespace

std::optional<std::string_view> Snapshot::find(std::string_view key) const {
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    std::string_view k, v;
    if (!entry_at(data_, size_, index_offset_, mid, k, v)) return std::nullopt;
    int cmp = k.compare(key);
    if (cmp == 0) return v;
    if (cmp < 0) lo = mid + 1; else hi = mid;
  }
  return std::nullopt;
}

std::vector<std::string_view> Snapshot::keys_with_prefix(std::string_view prefix) const {
  std::vector<std::string_view> out;
  uint32_t lo = 0, hi = count_;
  while (lo < hi) {  // first key >= prefix
    uint32_t mid = lo + (hi - lo) / 2;
    std::string_view k, v;
    if (!entry_at(data_, size_, index_offset_, mid, k, v)) return out;
    if (k.compare(prefix) < 0) lo = mid + 1; else hi = mid;
  }
  for (uint32_t i = lo; i < count_; ++i) {
    std::string_view k, v;
    if (!entry_at(data_, size_, index_offset_, i, k, v) || k.substr(0, prefix.size()) != prefix) break;
    out.push_back(k.substr(prefix.size()));
  }
  return out;
}

Result<const Table*> Snapshot::table_ref(std::string_view schema, std::string_view name) const {
  std::string key = table_key(schema, name);
  if (auto hit = tables_.find(key); hit != tables_.end()) return &hit->second;
  auto v = find(key);
  if (!v) return static_cast<const Table*>(nullptr);
  auto t = read_table(*v);
  if (!t) return errors::schema_cache("the snapshot entry for '" + std::string(schema) + "." +
                                      std::string(name) + "' is corrupt; run `pgrest snapshot` again");
  // unordered_map nodes never move, so the pointer stays valid as the cache grows.
  return &tables_.emplace(std::move(key), std::move(*t)).first->second;
}

void Snapshot::trim_cache(size_t max_tables) const {
  if (tables_.size() > max_tables) tables_.clear();
}

Result<std::optional<Table>> Snapshot::table(std::string_view schema, std::string_view name) const {
  auto t = table_ref(schema, name);
  if (!t) return t.take_error();
  if (*t == nullptr) return std::optional<Table>();
  return std::optional<Table>(**t);
}

std::optional<std::string_view> Snapshot::raw_table(std::string_view schema,
                                                    std::string_view name) const {
  return find(table_key(schema, name));
}

std::optional<std::string_view> Snapshot::functions(std::string_view schema,
                                                    std::string_view name) const {
  return find(function_key(schema, name));
}

std::vector<std::string> Snapshot::function_names(std::string_view schema) const {
  std::vector<std::string> out;
  for (auto k : keys_with_prefix("f:" + std::string(schema) + kSep)) out.emplace_back(k);
  return out;
}

bool Snapshot::has_timezone(std::string_view name) const {
  return find("z:" + std::string(name)).has_value();
}

std::vector<std::string> Snapshot::table_names(std::string_view schema) const {
  std::vector<std::string> out;
  for (auto k : keys_with_prefix("t:" + std::string(schema) + kSep)) out.emplace_back(k);
  return out;
}

std::optional<SnapshotStamp> snapshot_stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return SnapshotStamp{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                       static_cast<uint64_t>(st.st_size),
                       static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

Status write_snapshot(const std::string& path, std::string_view introspection_json) {
  json::Ptr doc = json::parse(introspection_json);
  if (!doc || !cJSON_IsObject(doc.get())) {
    return errors::schema_cache("the introspection query returned invalid JSON");
  }
  const cJSON* root = doc.get();
  std::map<std::string, std::string> entries;

  // Every FK is stored with both tables it touches, so one lookup gives a table's relationships.
  std::map<std::string, std::vector<const cJSON*>> fks_by_table;
  std::map<std::string, bool> is_view;
  const cJSON* rel = nullptr;
  cJSON_ArrayForEach(rel, cJSON_GetObjectItemCaseSensitive(root, "tables")) {
    std::string kind = json::get_string(rel, "kind").value_or("r");
    is_view[object_name(rel, "schema", "name")] = kind == "v" || kind == "m";
  }
  for (const char* list : {"fks", "view_fks"}) {
    cJSON* fk = nullptr;
    cJSON_ArrayForEach(fk, cJSON_GetObjectItemCaseSensitive(root, list)) {
      // Embedding by constraint or column name never targets a view (PostgREST's rule).
      cJSON_AddBoolToObject(fk, "ref_is_view", is_view[object_name(fk, "ref_schema", "ref_table")]);
      cJSON_AddBoolToObject(fk, "table_is_view", is_view[object_name(fk, "schema", "table")]);
      std::string from = object_name(fk, "schema", "table");
      std::string to = object_name(fk, "ref_schema", "ref_table");
      fks_by_table[from].push_back(fk);
      if (to != from) fks_by_table[to].push_back(fk);
    }
  }
  const cJSON* table = nullptr;
  cJSON_ArrayForEach(table, cJSON_GetObjectItemCaseSensitive(root, "tables")) {
    std::string id = object_name(table, "schema", "name");
    json::Ptr copy(cJSON_Duplicate(table, true));
    cJSON* fks = cJSON_AddArrayToObject(copy.get(), "fks");
    for (const cJSON* fk : fks_by_table[id]) cJSON_AddItemToArray(fks, cJSON_Duplicate(fk, true));
    entries["t:" + id] = print(copy.get());
  }
  std::map<std::string, json::Ptr> groups;
  const cJSON* fn = nullptr;
  cJSON_ArrayForEach(fn, cJSON_GetObjectItemCaseSensitive(root, "functions")) {
    auto& group = groups["f:" + object_name(fn, "schema", "name")];
    if (!group) group.reset(cJSON_CreateArray());
    cJSON_AddItemToArray(group.get(), cJSON_Duplicate(fn, true));
  }
  for (auto& [k, g] : groups) entries[k] = print(g.get());
  // Time zone names for Prefer: timezone=, one empty entry each so a lookup is a binary search.
  for (const auto& tz : json::get_strings(root, "timezones")) entries["z:" + tz] = "";

  json::Ptr meta(cJSON_CreateObject());
  cJSON_AddNumberToObject(meta.get(), "format", kSnapshotFormat);
  cJSON_AddStringToObject(meta.get(), "fingerprint", sha256_hex(introspection_json).c_str());
  for (const char* key : {"pg_version", "schemas", "missing_schemas", "authenticator",
                          "role_settings", "media_handlers", "db_config"}) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(root, key);
    if (v == nullptr) continue;
    if (std::strcmp(key, "authenticator") == 0 && cJSON_IsObject(v)) {
      cJSON_AddStringToObject(meta.get(), key,
                              json::get_string(v, "name").value_or("").c_str());
      cJSON_AddItemToObject(meta.get(), "authenticator_info", cJSON_Duplicate(v, true));
    } else {
      cJSON_AddItemToObject(meta.get(), key, cJSON_Duplicate(v, true));
    }
  }
  std::string meta_text = print(meta.get());

  FileHeader h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kSnapshotFormat;
  h.count = static_cast<uint32_t>(entries.size());
  h.index_offset = sizeof(FileHeader);
  uint64_t blob = h.index_offset + entries.size() * sizeof(IndexEntry);
  std::string index, data;
  for (const auto& [k, v] : entries) {
    IndexEntry e{};
    e.key_offset = blob + data.size();
    e.key_len = static_cast<uint32_t>(k.size());
    data += k;
    e.value_offset = blob + data.size();
    e.value_len = static_cast<uint32_t>(v.size());
    data += v;
    index.append(reinterpret_cast<const char*>(&e), sizeof e);
  }
  h.meta_offset = blob + data.size();
  h.meta_len = meta_text.size();
  data += meta_text;
  h.file_size = blob + data.size();

  // Write to a temporary file and rename, so running workers never map a half-written file.
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) {
    return errors::schema_cache("cannot write '" + tmp + "': " + std::strerror(errno));
  }
  bool ok = std::fwrite(&h, sizeof h, 1, f) == 1 &&
            std::fwrite(index.data(), 1, index.size(), f) == index.size() &&
            std::fwrite(data.data(), 1, data.size(), f) == data.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return errors::schema_cache("cannot write the snapshot file '" + path + "'");
  }
  return Ok{};
}

std::optional<std::string> closest_name(std::string_view name,
                                        const std::vector<std::string>& candidates) {
  auto distance = [](std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= b.size(); ++j) {
        size_t sub = prev[j - 1] + (std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1);
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
      }
      std::swap(prev, cur);
    }
    return prev[b.size()];
  };
  std::optional<std::string> best;
  size_t best_d = 0;
  for (const auto& c : candidates) {
    size_t d = distance(name, c);
    if (!best || d < best_d) {
      best = c;
      best_d = d;
    }
  }
  // Only a plausible typo is worth a hint.
  if (best && best_d <= std::max<size_t>(2, name.size() / 2)) return best;
  return std::nullopt;
}

}  // namespace pgrest
