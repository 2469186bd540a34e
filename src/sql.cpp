#include "pgrest/sql.hpp"

namespace pgrest {

std::string quote_ident(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '\0') break;  // PostgreSQL identifiers cannot hold NUL; PostgREST drops the rest
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string array_literal(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

Sql& Sql::ident(std::string_view name) {
  text += quote_ident(name);
  return *this;
}

Sql& Sql::qualified(std::string_view schema, std::string_view name) {
  text += quote_ident(schema);
  text += '.';
  text += quote_ident(name);
  return *this;
}

std::string Sql::placeholder(std::optional<std::string> value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

Sql& Sql::param(std::optional<std::string> value) {
  text += placeholder(std::move(value));
  return *this;
}

Sql& Sql::param_cast(std::optional<std::string> value, std::string_view type) {
  text += placeholder(std::move(value));
  text += "::";
  text += type;
  return *this;
}

}  // namespace pgrest
