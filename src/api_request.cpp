#include "pgrest/api_request.hpp"

#include <algorithm>

namespace pgrest {
namespace {

// Splits the raw path into percent-decoded segments; "/" → {}.
std::vector<std::string> path_segments(std::string_view path) {
  std::vector<std::string> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return out;
  while (true) {
    size_t slash = path.find('/');
    std::string_view seg = path.substr(0, slash);
    // `+` is literal in a path; only the query string treats it as a space.
    std::string decoded;
    for (size_t i = 0; i < seg.size(); ++i) {
      if (seg[i] == '+') {
        decoded.push_back('+');
      } else {
        size_t end = i + 1;
        while (end < seg.size() && seg[end] != '+') ++end;
        decoded += url_decode(seg.substr(i, end - i));
        i = end - 1;
      }
    }
    out.push_back(std::move(decoded));
    if (slash == std::string_view::npos) break;
    path = path.substr(slash + 1);
  }
  return out;
}

Result<std::string> pick_schema(const Request& req, const Config& config, bool& given) {
  bool reads = req.method == "GET" || req.method == "HEAD" || req.method == "OPTIONS";
  auto profile = req.header(reads ? "accept-profile" : "content-profile");
  given = profile.has_value();
  if (!profile) return config.db_schemas.front();
  std::string wanted(*profile);
  if (std::find(config.db_schemas.begin(), config.db_schemas.end(), wanted) ==
      config.db_schemas.end()) {
    return errors::unacceptable_schema(wanted, config.db_schemas);
  }
  return wanted;
}

}  // namespace

Result<ApiRequest> parse_api_request(const Request& req, const Config& config) {
  ApiRequest api;
  api.method = req.method;
  api.raw_path = req.path;

  std::vector<std::string_view> prefer;
  for (const auto& h : req.headers) {
    if (h.name == "prefer") prefer.push_back(h.value);
  }
  api.prefs = parse_preferences(prefer);
  if (api.prefs.strict() && !api.prefs.invalid.empty()) {
    return errors::invalid_preferences(api.prefs.invalid);
  }

  auto segments = path_segments(req.path);
  if (segments.empty()) {
    api.target = Target::root;
  } else if (segments.size() == 1 && !segments[0].empty()) {
    api.target = Target::relation;
    api.name = segments[0];
  } else if (segments.size() == 2 && segments[0] == "rpc" && !segments[1].empty()) {
    api.target = Target::function;
    api.name = segments[1];
  } else {
    return errors::invalid_path();
  }

  auto schema = pick_schema(req, config, api.profile_header);
  if (!schema) return schema.take_error();
  api.schema = std::move(*schema);

  const std::string& m = req.method;
  if (m == "OPTIONS") {
    api.action = Action::options;
  } else if (api.target == Target::root && m != "GET" && m != "HEAD") {
    return errors::unsupported_method(m);  // the root only describes the API
  } else if (api.target == Target::function) {
    if (m != "GET" && m != "HEAD" && m != "POST") return errors::rpc_method(m);
    api.action = Action::call;
    api.head = m == "HEAD";
  } else if (m == "GET" || m == "HEAD") {
    api.action = Action::read;
    api.head = m == "HEAD";
  } else if (m == "POST") {
    api.action = Action::insert;
  } else if (m == "PATCH") {
    api.action = Action::update;
  } else if (m == "PUT") {
    api.action = Action::upsert;
  } else if (m == "DELETE") {
    api.action = Action::remove;
  } else {
    return errors::unsupported_method(m);
  }

  GrammarOptions opts;
  // db-root-spec makes GET / a call: its query string holds the function's arguments.
  bool call = api.target == Target::function || (api.target == Target::root && config.db_root_spec);
  opts.rpc_args = call && (m == "GET" || m == "HEAD");
  auto params = parse_query(req.query, opts);
  if (!params) return params.take_error();
  api.params = std::move(*params);

  for (const auto& l : api.params.limits) {
    if (l.path.empty()) api.range.limit = l.value;
  }
  for (const auto& o : api.params.offsets) {
    if (o.path.empty()) api.range.offset = o.value;
  }
  // The Range header applies to GET only, as in PostgREST.
  if (m == "GET") {
    if (auto header = req.header("range")) {
      if (auto r = parse_range_header(*header)) {
        if (!*r) return r->take_error();
        api.range = intersect(api.range, r->value());
      }
    }
  }

  api.accept = parse_accept(req.header("accept").value_or("*/*"));
  return api;
}

}  // namespace pgrest
