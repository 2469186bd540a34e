// Private helpers: RAII over cJSON and JSON string escaping. The request path builds only small
// documents here (errors, request.headers); response bodies come from the database untouched.
#pragma once

#include <cjson/cJSON.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgrest::json {

struct Deleter {
  void operator()(cJSON* p) const { cJSON_Delete(p); }
};
using Ptr = std::unique_ptr<cJSON, Deleter>;

Ptr parse(std::string_view text);  // null on invalid JSON

// Appends `s` as a JSON string literal (quotes included) to `out`.
void append_quoted(std::string& out, std::string_view s);
std::string quoted(std::string_view s);

// Typed accessors that tolerate missing keys and wrong types.
std::optional<std::string> get_string(const cJSON* obj, const char* key);
bool get_bool(const cJSON* obj, const char* key, bool fallback = false);
std::optional<double> get_number(const cJSON* obj, const char* key);
std::vector<std::string> get_strings(const cJSON* obj, const char* key);

}  // namespace pgrest::json
