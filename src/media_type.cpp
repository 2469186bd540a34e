#include "pgrest/media_type.hpp"

#include <algorithm>
#include <cstdlib>

namespace pgrest {
namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    size_t p = s.find(sep);
    out.push_back(trim_spaces(s.substr(0, p)));
    if (p == std::string_view::npos) break;
    s = s.substr(p + 1);
  }
  return out;
}

// The output an offer stands for, given the accepted entry's parameters.
bool params_fit(const MediaType& want, const Offer& offer) {
  // vnd.pgrst.plan takes for= and options= parameters, read by the planner.
  if (offer.output == Output::plan_text || offer.output == Output::plan_json) return true;
  auto nulls = want.params.find("nulls");
  bool stripped = nulls != want.params.end() && nulls->second == "stripped";
  bool offer_stripped = offer.output == Output::array_stripped || offer.output == Output::object_stripped;
  return stripped == offer_stripped;
}

}  // namespace

MediaType parse_media_type(std::string_view text) {
  MediaType m;
  auto parts = split(text, ';');
  std::string essence = to_lower(parts[0]);
  size_t slash = essence.find('/');
  m.type = essence.substr(0, slash);
  m.subtype = slash == std::string::npos ? "" : essence.substr(slash + 1);
  for (size_t i = 1; i < parts.size(); ++i) {
    size_t eq = parts[i].find('=');
    if (eq == std::string_view::npos) continue;
    std::string key = to_lower(trim_spaces(parts[i].substr(0, eq)));
    std::string value(trim_spaces(parts[i].substr(eq + 1)));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (key == "q") {
      m.q = std::strtod(value.c_str(), nullptr);
    } else {
      m.params[key] = to_lower(value);
    }
  }
  return m;
}

std::vector<MediaType> parse_accept(std::string_view accept) {
  std::vector<MediaType> out;
  if (trim_spaces(accept).empty()) accept = "*/*";
  for (auto item : split(accept, ',')) {
    if (item.empty()) continue;
    out.push_back(parse_media_type(item));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const MediaType& a, const MediaType& b) { return a.q > b.q; });
  return out;
}

Result<Offer> negotiate(const std::vector<MediaType>& accepted, const std::vector<Offer>& offers) {
  for (const auto& want : accepted) {
    if (want.q <= 0) continue;
    for (const auto& offer : offers) {
      MediaType have = parse_media_type(offer.media);
      bool type_ok = want.type == "*" || want.type == have.type;
      bool sub_ok = want.subtype == "*" || want.subtype == have.subtype;
      if (type_ok && sub_ok && (want.type == "*" || want.subtype == "*" || params_fit(want, offer))) {
        Offer chosen = offer;
        chosen.params = want.params;
        return chosen;
      }
    }
  }
  std::vector<std::string> asked;
  for (const auto& a : accepted) {
    std::string s = a.essence();
    for (const auto& [k, v] : a.params) s += ";" + k + "=" + v;
    asked.push_back(s);
  }
  return errors::unacceptable_media(asked);
}

}  // namespace pgrest
