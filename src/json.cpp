#include "json.hpp"

#include <cstdio>

namespace pgrest::json {

Ptr parse(std::string_view text) { return Ptr(cJSON_ParseWithLength(text.data(), text.size())); }

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  // Runs that need no escape (nearly everything) are appended whole.
  size_t plain = 0;
  while (plain < s.size()) {
    const auto c = static_cast<unsigned char>(s[plain]);
    if (c < 0x20 || c == '"' || c == '\\') break;
    ++plain;
  }
  out.append(s.substr(0, plain));
  for (unsigned char c : s.substr(plain)) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

std::string quoted(std::string_view s) {
  std::string out;
  append_quoted(out, s);
  return out;
}

std::optional<std::string> get_string(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsString(v) || v->valuestring == nullptr) return std::nullopt;
  return std::string(v->valuestring);
}

bool get_bool(const cJSON* obj, const char* key, bool fallback) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsBool(v)) return fallback;
  return cJSON_IsTrue(v);
}

std::optional<double> get_number(const cJSON* obj, const char* key) {
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(obj, key);
  if (!cJSON_IsNumber(v)) return std::nullopt;
  return v->valuedouble;
}

std::vector<std::string> get_strings(const cJSON* obj, const char* key) {
  std::vector<std::string> out;
  const cJSON* arr = cJSON_GetObjectItemCaseSensitive(obj, key);
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, arr) {
    if (cJSON_IsString(item)) out.emplace_back(item->valuestring);
  }
  return out;
}

}  // namespace pgrest::json
