#include "pgrest/sql.hpp"

namespace pgrest {

namespace {

void append_quoted_ident(std::string& out, std::string_view name) {
  name = name.substr(0, name.find('\0'));  // identifiers cannot hold NUL; PostgREST drops the rest
  out += '"';
  for (size_t quote; (quote = name.find('"')) != std::string_view::npos;) {
    out.append(name.substr(0, quote + 1));
    out += '"';
    name.remove_prefix(quote + 1);
  }
  out.append(name);
  out += '"';
}

}  // namespace

std::string quote_ident(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 2);
  append_quoted_ident(out, name);
  return out;
}

std::string array_literal(const std::vector<std::string>& items) {
  size_t size = 2;
  for (const auto& item : items) size += item.size() + 3;
  std::string out;
  out.reserve(size);
  out += '{';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ',';
    out += '"';
    const std::string& item = items[i];
    size_t run = 0;  // start of the span not yet copied
    for (size_t at = 0; at < item.size(); ++at) {
      if (item[at] != '"' && item[at] != '\\') continue;
      out.append(item, run, at - run);
      out += '\\';
      run = at;
    }
    out.append(item, run);
    out += '"';
  }
  out += '}';
  return out;
}

Sql& Sql::ident(std::string_view name) {
  append_quoted_ident(text, name);
  return *this;
}

Sql& Sql::qualified(std::string_view schema, std::string_view name) {
  append_quoted_ident(text, schema);
  text += '.';
  append_quoted_ident(text, name);
  return *this;
}

std::string Sql::placeholder(std::optional<std::string> value) {
  params.push_back(std::move(value));
  return "$" + std::to_string(params.size());
}

Sql& Sql::param(std::optional<std::string> value) {
  params.push_back(std::move(value));
  text += '$';
  text += std::to_string(params.size());
  return *this;
}

Sql& Sql::param_cast(std::optional<std::string> value, std::string_view type) {
  param(std::move(value));
  text += "::";
  text += type;
  return *this;
}

}  // namespace pgrest
