#include "cgi_request.hpp"

#include <cstdlib>
#include <cstring>

namespace pgrest {
namespace {

const std::string* find(const CgiParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string header_name(std::string_view http_name) {
  std::string out = to_lower(http_name);
  for (char& c : out) {
    if (c == '_') c = '-';
  }
  return out;
}

}  // namespace

CgiParams params_from(char** envp) {
  CgiParams params;
  for (char** e = envp; e && *e; ++e) {
    const char* eq = std::strchr(*e, '=');
    if (eq == nullptr) continue;
    params.emplace_back(std::string(*e, static_cast<size_t>(eq - *e)), std::string(eq + 1));
  }
  return params;
}

size_t content_length(const CgiParams& params) {
  for (const auto& [k, v] : params) {
    if (k == "CONTENT_LENGTH") return std::strtoull(v.c_str(), nullptr, 10);
  }
  return 0;
}

Request request_from_cgi(const CgiParams& params, std::string body, bool is_cgi) {
  Request req;
  const std::string* method = find(params, "REQUEST_METHOD");
  req.method = method ? *method : "GET";
  const std::string* uri = find(params, "REQUEST_URI");
  const std::string* script = find(params, "SCRIPT_NAME");
  const std::string* path_info = find(params, "PATH_INFO");
  const std::string* query = find(params, "QUERY_STRING");
  if (uri != nullptr) {
    // REQUEST_URI keeps the raw, still percent-encoded path that PostgREST's grammar needs.
    size_t q = uri->find('?');
    req.path = uri->substr(0, q);
    req.query = q == std::string::npos ? "" : uri->substr(q + 1);
    bool strip = script != nullptr && !script->empty() &&
                 (is_cgi || (path_info != nullptr && !path_info->empty()));
    if (strip && req.path.compare(0, script->size(), *script) == 0) {
      req.path.erase(0, script->size());
    }
  } else {
    req.path = path_info ? *path_info : "";
    req.query = query ? *query : "";
  }
  if (req.path.empty() || req.path.front() != '/') req.path.insert(req.path.begin(), '/');
  for (const auto& [k, v] : params) {
    if (k.rfind("HTTP_", 0) == 0) {
      req.headers.push_back({header_name(std::string_view(k).substr(5)), v});
    } else if (k == "CONTENT_TYPE" && !v.empty()) {
      req.headers.push_back({"content-type", v});
    }
  }
  if (const std::string* addr = find(params, "REMOTE_ADDR")) req.remote_addr = *addr;
  if (const std::string* proto = find(params, "SERVER_PROTOCOL")) req.protocol = *proto;
  req.body = std::move(body);
  return req;
}

std::string cgi_response(const Response& res) {
  std::string out = "Status: " + std::to_string(res.status);
  std::string_view reason = reason_phrase(res.status);
  if (!reason.empty()) {
    out += ' ';
    out += reason;
  }
  out += "\r\n";
  for (const auto& h : res.headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  out += "\r\n";
  out += res.body;
  return out;
}

}  // namespace pgrest
