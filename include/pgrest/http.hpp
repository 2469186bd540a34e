// Transport-neutral request and response. Front ends (cgi/, lambda/) fill a Request and write out
// a Response; the core never sees FastCGI or Lambda types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgrest {

struct Header {
  std::string name;
  std::string value;
};

struct Request {
  std::string method;        // upper case, e.g. "GET"
  std::string path;          // raw (still percent-encoded) path, e.g. "/items" or "/rpc/f"
  std::string query;         // raw query string without '?'
  std::vector<Header> headers;  // names lower-cased by the front end
  std::string body;
  std::string remote_addr;   // for the access log only
  std::string protocol = "HTTP/1.1";

  // First header with this lower-case name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
};

struct Response {
  int status = 200;
  std::optional<std::string> reason;  // the status line's phrase when not the standard one
  std::vector<Header> headers;
  std::string body;

  std::optional<std::string_view> header(std::string_view name) const;  // case-insensitive
  void set_header(std::string name, std::string value);  // replaces a header of that name
};

// "Not Found" for 404 etc.; an empty string for codes without a standard phrase.
std::string_view reason_phrase(int status);
// The phrase for the response's status line: its own `reason` when that is printable text (it may
// come from SQL, and must not break the line), else reason_phrase(status).
std::string_view reason_phrase(const Response& response);

// One line in the Apache combined log format, as PostgREST logs a request at log-level info.
std::string access_log_line(const Request& request, const Response& response);

std::string to_lower(std::string_view s);
std::string_view trim_spaces(std::string_view s);  // leading and trailing spaces and tabs
bool iequals(std::string_view a, std::string_view b);

}  // namespace pgrest
