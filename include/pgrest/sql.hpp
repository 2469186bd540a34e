// SQL as text plus bind parameters. Request values only ever enter through param(); identifiers
// through ident(), which is applied to names the planner took from the snapshot (or to aliases,
// which are quoted, never interpreted). Nothing here escapes a value into SQL text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgrest {

struct Sql {
  std::string text;
  std::vector<std::optional<std::string>> params;  // $1..$n, sent as untyped text (nullopt = NULL)

  Sql& raw(std::string_view s) {
    text += s;
    return *this;
  }
  Sql& ident(std::string_view name);                    // "name" with `"` doubled, NUL dropped
  Sql& qualified(std::string_view schema, std::string_view name);
  Sql& param(std::optional<std::string> value);         // appends $n
  Sql& param_cast(std::optional<std::string> value, std::string_view type);  // $n::type
  // Appends a parameter once and returns its placeholder text, to reuse it in several places.
  std::string placeholder(std::optional<std::string> value);
};

std::string quote_ident(std::string_view name);

// A PostgreSQL array literal `{"a","b"}` (quotes and backslashes escaped), sent as one parameter.
std::string array_literal(const std::vector<std::string>& items);

}  // namespace pgrest
