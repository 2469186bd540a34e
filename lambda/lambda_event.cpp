#include "lambda_event.hpp"

#include <cjson/cJSON.h>

#include <algorithm>
#include <array>
#include <map>

#include "json.hpp"
#include "pgrest/base64.hpp"

namespace pgrest::lambda {
namespace {

Error bad_event(std::string message) {
  Error e;
  e.status = 502;
  e.code = "PGRSTLAMBDA";
  e.message = std::move(message);
  return e;
}

Result<std::string> decode_body(std::string_view text) {
  auto out = base64_decode(text);
  if (!out) return bad_event("the event's body is marked isBase64Encoded but is not base64");
  return *out;
}

const cJSON* member(const cJSON* obj, const char* key) {
  return cJSON_GetObjectItemCaseSensitive(obj, key);
}

std::string string_or(const cJSON* obj, const char* key, std::string fallback = "") {
  return json::get_string(obj, key).value_or(std::move(fallback));
}

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void append_pct(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(kHex[c >> 4]);
  out.push_back(kHex[c & 15]);
}

// A decoded query key or value, encoded so that the core's url_decode gives it back exactly.
std::string encode_component(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (is_unreserved(c) || c == '(' || c == ')' || c == ',' || c == ':' || c == '*' || c == '!' ||
        c == '@' || c == '$' || c == '\'' || c == '/') {
      out.push_back(static_cast<char>(c));
    } else {
      append_pct(out, c);
    }
  }
  return out;
}

// Encodes only what cannot stand in a raw path (space, controls, non-ASCII, ?#"<>...), so a path
// that is already raw passes unchanged and a decoded one becomes raw; '%' is left alone.
std::string encode_path(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    bool keep = c > 0x20 && c < 0x7f && c != '?' && c != '#' && c != '"' && c != '<' && c != '>' &&
                c != '`' && c != '{' && c != '}' && c != '|' && c != '\\' && c != '^';
    if (keep) out.push_back(static_cast<char>(c));
    else append_pct(out, c);
  }
  return out;
}

// `multiValueQueryStringParameters` / `queryStringParameters` back into a query string. ALB hands
// over the values as the client sent them (still encoded); API Gateway decodes them.
std::string rebuild_query(const cJSON* multi, const cJSON* single, bool already_encoded) {
  std::string out;
  auto add = [&](const char* key, const char* value) {
    if (!out.empty()) out.push_back('&');
    out += already_encoded ? std::string(key) : encode_component(key);
    out.push_back('=');
    out += already_encoded ? std::string(value) : encode_component(value);
  };
  const cJSON* item = nullptr;
  if (cJSON_IsObject(multi)) {
    cJSON_ArrayForEach(item, multi) {
      const cJSON* v = nullptr;
      cJSON_ArrayForEach(v, item) {
        if (cJSON_IsString(v)) add(item->string, v->valuestring);
      }
    }
  } else if (cJSON_IsObject(single)) {
    cJSON_ArrayForEach(item, single) {
      if (cJSON_IsString(item)) add(item->string, item->valuestring);
    }
  }
  return out;
}

// `multiValueHeaders` (every value) or `headers` (one value each) → lower-case Request headers.
void read_headers(const cJSON* multi, const cJSON* single, Request& req) {
  const cJSON* item = nullptr;
  if (cJSON_IsObject(multi)) {
    cJSON_ArrayForEach(item, multi) {
      const cJSON* v = nullptr;
      cJSON_ArrayForEach(v, item) {
        if (cJSON_IsString(v)) req.headers.push_back({to_lower(item->string), v->valuestring});
      }
    }
  } else if (cJSON_IsObject(single)) {
    cJSON_ArrayForEach(item, single) {
      if (cJSON_IsString(item)) req.headers.push_back({to_lower(item->string), item->valuestring});
    }
  }
}

Status read_body(const cJSON* event, Request& req) {
  const cJSON* body = member(event, "body");
  if (!cJSON_IsString(body)) return Ok{};
  if (!json::get_bool(event, "isBase64Encoded")) {
    req.body = body->valuestring;
    return Ok{};
  }
  auto decoded = decode_body(body->valuestring);
  if (!decoded) return decoded.take_error();
  req.body = std::move(*decoded);
  return Ok{};
}

void ensure_leading_slash(std::string& path) {
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
}

Result<Event> parse_v2(const cJSON* root) {
  Event ev;
  ev.kind = EventKind::http_api_v2;
  Request& req = ev.request;
  const cJSON* ctx = member(root, "requestContext");
  const cJSON* http = member(ctx, "http");
  auto method = json::get_string(http, "method");
  auto raw_path = json::get_string(root, "rawPath");
  if (!method || !raw_path) {
    return bad_event("payload 2.0 event without requestContext.http.method or rawPath");
  }
  req.method = *method;
  // rawPath carries the stage ("/prod/items") unless the stage is $default: users address
  // /items under the stage's URL, so the prefix is not part of the resource path.
  std::string path = *raw_path;
  std::string stage = string_or(ctx, "stage");
  if (!stage.empty() && stage != "$default") {
    std::string prefix = "/" + stage;
    if (path == prefix) path = "/";
    else if (path.rfind(prefix + "/", 0) == 0) path.erase(0, prefix.size());
  }
  req.path = encode_path(path);
  ensure_leading_slash(req.path);
  req.query = string_or(root, "rawQueryString");
  read_headers(nullptr, member(root, "headers"), req);
  std::vector<std::string> cookies = json::get_strings(root, "cookies");
  if (!cookies.empty()) {
    std::erase_if(req.headers, [](const Header& h) { return h.name == "cookie"; });
    std::string joined;
    for (const auto& c : cookies) {
      if (!joined.empty()) joined += "; ";
      joined += c;
    }
    req.headers.push_back({"cookie", std::move(joined)});
  }
  if (auto s = read_body(root, req); !s) return s.take_error();
  return ev;
}

Result<Event> parse_v1_or_alb(const cJSON* root, bool alb) {
  Event ev;
  ev.kind = alb ? EventKind::alb : EventKind::api_gateway_v1;
  Request& req = ev.request;
  auto method = json::get_string(root, "httpMethod");
  auto path = json::get_string(root, "path");
  if (!method || !path) return bad_event("event without httpMethod or path");
  req.method = *method;
  req.path = encode_path(*path);
  ensure_leading_slash(req.path);
  const cJSON* multi_headers = member(root, "multiValueHeaders");
  ev.multi_value = alb && cJSON_IsObject(multi_headers);
  req.query = rebuild_query(member(root, "multiValueQueryStringParameters"),
                            member(root, "queryStringParameters"), alb);
  read_headers(multi_headers, member(root, "headers"), req);
  if (auto s = read_body(root, req); !s) return s.take_error();
  return ev;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 4;
    if (n == 4 || (n > 0 && (c == 0xc0 || c == 0xc1 || c > 0xf4 || i + n >= s.size()))) return false;
    for (size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n + 1;
  }
  return true;
}

// Header values grouped by name in first-seen order (names as the core wrote them).
std::vector<std::pair<std::string, std::vector<std::string>>> group_headers(const Response& res,
                                                                            bool skip_cookies) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  for (const auto& h : res.headers) {
    if (skip_cookies && iequals(h.name, "set-cookie")) continue;
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& g) { return iequals(g.first, h.name); });
    if (it == out.end()) out.push_back({h.name, {h.value}});
    else it->second.push_back(h.value);
  }
  return out;
}

}  // namespace


bool is_text(std::string_view content_type, std::string_view body) {
  std::string ct = to_lower(content_type.substr(0, content_type.find(';')));
  while (!ct.empty() && ct.back() == ' ') ct.pop_back();
  bool textual = ct.empty() || ct.rfind("text/", 0) == 0 || ct == "application/json" ||
                 ct.rfind("application/vnd.pgrst.", 0) == 0 || ct.ends_with("+json") ||
                 ct.ends_with("+xml") || ct == "application/xml" ||
                 ct == "application/javascript" || ct == "application/geo+json";
  return textual && valid_utf8(body);
}

Result<Event> parse_event(std::string_view text) {
  json::Ptr root = json::parse(text);
  if (!root || !cJSON_IsObject(root.get())) return bad_event("the event is not a JSON object");
  const cJSON* ctx = member(root.get(), "requestContext");
  std::string version = string_or(root.get(), "version");
  if (version == "2.0" || (cJSON_IsObject(member(ctx, "http")) && member(root.get(), "rawPath"))) {
    return parse_v2(root.get());
  }
  if (cJSON_IsObject(member(ctx, "elb"))) return parse_v1_or_alb(root.get(), true);
  if (member(root.get(), "httpMethod") != nullptr && cJSON_IsObject(ctx)) {
    return parse_v1_or_alb(root.get(), false);
  }
  return bad_event(
      "unsupported event: pgrest answers API Gateway (REST payload 1.0, HTTP API payload 2.0), "
      "Lambda Function URL and Application Load Balancer events");
}

std::string render_response(const Response& res, const Event& ev) {
  std::string out = "{\"statusCode\":" + std::to_string(res.status);
  if (ev.kind == EventKind::alb) {
    std::string desc = std::to_string(res.status);
    std::string_view reason = reason_phrase(res);
    if (!reason.empty()) desc += " " + std::string(reason);
    out += ",\"statusDescription\":" + json::quoted(desc);
  }
  bool v2 = ev.kind == EventKind::http_api_v2;
  bool multi = ev.kind == EventKind::api_gateway_v1 || (ev.kind == EventKind::alb && ev.multi_value);
  auto groups = group_headers(res, v2);
  out += multi ? ",\"multiValueHeaders\":{" : ",\"headers\":{";
  bool first = true;
  for (const auto& [name, values] : groups) {
    if (!first) out.push_back(',');
    first = false;
    json::append_quoted(out, name);
    out.push_back(':');
    if (multi) {
      out.push_back('[');
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) out.push_back(',');
        json::append_quoted(out, values[i]);
      }
      out.push_back(']');
    } else {
      // One value per name: HTTP allows joining repeated fields with ", " (RFC 9110 5.3).
      std::string joined;
      for (size_t i = 0; i < values.size(); ++i) {
        if (i) joined += ", ";
        joined += values[i];
      }
      json::append_quoted(out, joined);
    }
  }
  out.push_back('}');
  if (v2) {
    // Payload 2.0 sends each entry of `cookies` as its own Set-Cookie header.
    std::string cookies;
    for (const auto& h : res.headers) {
      if (!iequals(h.name, "set-cookie")) continue;
      cookies += cookies.empty() ? "" : ",";
      json::append_quoted(cookies, h.value);
    }
    if (!cookies.empty()) out += ",\"cookies\":[" + cookies + "]";
  }
  bool text = is_text(res.header("content-type").value_or(""), res.body);
  out += ",\"body\":";
  json::append_quoted(out, text ? res.body : base64_encode(res.body));
  out += text ? ",\"isBase64Encoded\":false}" : ",\"isBase64Encoded\":true}";
  return out;
}

}  // namespace pgrest::lambda
