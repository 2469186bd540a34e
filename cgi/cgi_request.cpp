#include "cgi_request.hpp"

#include <cstdlib>
#include <cstring>

namespace pgrest {
namespace {

const std::string_view* find(const CgiParams& params, std::string_view name) {
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
  params.reserve(32);  // lighttpd sends ~25
  for (char** e = envp; e && *e; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    params.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return params;
}

size_t content_length(const CgiParams& params) {
  for (const auto& [k, v] : params) {
    if (k == "CONTENT_LENGTH") return std::strtoull(std::string(v).c_str(), nullptr, 10);
  }
  return 0;
}

Request request_from_cgi(const CgiParams& params, std::string body, bool is_cgi) {
  Request req;
  const std::string_view* method = find(params, "REQUEST_METHOD");
  req.method = method ? *method : "GET";
  const std::string_view* uri = find(params, "REQUEST_URI");
  const std::string_view* script = find(params, "SCRIPT_NAME");
  const std::string_view* path_info = find(params, "PATH_INFO");
  const std::string_view* query = find(params, "QUERY_STRING");
  if (uri != nullptr) {
    // REQUEST_URI keeps the raw, still percent-encoded path that PostgREST's grammar needs.
    size_t q = uri->find('?');
    std::string_view path = uri->substr(0, q);
    req.query = q == std::string_view::npos ? std::string_view() : uri->substr(q + 1);
    bool strip = script != nullptr && !script->empty() &&
                 (is_cgi || (path_info != nullptr && !path_info->empty()));
    if (strip && path.starts_with(*script)) path.remove_prefix(script->size());
    req.path = path;
  } else {
    req.path = path_info ? *path_info : std::string_view();
    req.query = query ? *query : std::string_view();
  }
  if (req.path.empty() || req.path.front() != '/') req.path.insert(req.path.begin(), '/');
  for (const auto& [k, v] : params) {
    if (k.starts_with("HTTP_")) {
      req.headers.push_back({header_name(k.substr(5)), std::string(v)});
    } else if (k == "CONTENT_TYPE" && !v.empty()) {
      req.headers.push_back({"content-type", std::string(v)});
    }
  }
  if (const std::string_view* addr = find(params, "REMOTE_ADDR")) req.remote_addr = *addr;
  if (const std::string_view* proto = find(params, "SERVER_PROTOCOL")) req.protocol = *proto;
  req.body = std::move(body);
  return req;
}

std::string cgi_response(const Response& res) {
  std::string out = "Status: " + std::to_string(res.status);
  std::string_view reason = reason_phrase(res);
  if (!reason.empty()) {
    out += ' ';
    out += reason;
  }
  out += "\r\n";
  for (const auto& h : res.headers) {
    // A line break in a value (response.headers from SQL) would end the header block early.
    if (h.value.find_first_of("\r\n") != std::string::npos) continue;
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
