#include "pgrest/preferences.hpp"

#include <charconv>

#include "pgrest/http.hpp"

namespace pgrest {
namespace {

bool set_once(std::optional<std::string>& slot, std::string_view value,
              std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed) {
    if (value == a) {
      if (!slot) slot = std::string(value);
      return true;
    }
  }
  return false;
}

bool apply(Preferences& p, std::string_view pref) {
  size_t eq = pref.find('=');
  if (eq == std::string_view::npos) return false;
  std::string_view key = trim_spaces(pref.substr(0, eq)), value = trim_spaces(pref.substr(eq + 1));
  if (key == "resolution") return set_once(p.resolution, value, {"merge-duplicates", "ignore-duplicates"});
  if (key == "missing") return set_once(p.missing, value, {"default", "null"});
  if (key == "return") return set_once(p.return_, value, {"minimal", "headers-only", "representation"});
  if (key == "count") return set_once(p.count, value, {"exact", "planned", "estimated"});
  if (key == "tx") return set_once(p.tx, value, {"commit", "rollback"});
  if (key == "handling") return set_once(p.handling, value, {"lenient", "strict"});
  if (key == "timezone") {
    if (value.empty()) return false;
    if (!p.timezone) p.timezone = std::string(value);
    return true;
  }
  if (key == "max-affected") {
    int64_t n = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || ptr != value.data() + value.size() || n < 0) return false;
    if (!p.max_affected) p.max_affected = n;
    return true;
  }
  return false;
}

}  // namespace

Preferences parse_preferences(const std::vector<std::string_view>& prefer_headers) {
  Preferences p;
  for (std::string_view header : prefer_headers) {
    while (!header.empty()) {
      size_t comma = header.find(',');
      std::string_view item = trim_spaces(header.substr(0, comma));
      header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
      if (item.empty()) continue;
      if (!apply(p, item)) p.invalid.emplace_back(item);
    }
  }
  return p;
}

std::string preference_applied(const Preferences& p, const Applied& which) {
  std::string out;
  auto add = [&](bool on, const char* key, const std::optional<std::string>& value) {
    if (!on || !value) return;
    if (!out.empty()) out += ", ";
    out += key;
    out += '=';
    out += *value;
  };
  add(which.resolution, "resolution", p.resolution);
  add(which.missing, "missing", p.missing);
  add(which.return_, "return", p.return_);
  add(which.count, "count", p.count);
  add(which.tx, "tx", p.tx);
  add(which.handling, "handling", p.handling);
  add(which.timezone, "timezone", p.timezone);
  std::optional<std::string> max;
  if (p.max_affected) max = std::to_string(*p.max_affected);
  add(which.max_affected && p.strict(), "max-affected", max);
  return out;
}

}  // namespace pgrest
