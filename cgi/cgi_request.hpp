// Pure translation between CGI/FastCGI parameters and the core's Request/Response. No I/O here,
// so it is unit-tested directly.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pgrest/http.hpp"

namespace pgrest {

// Views into the NAME=VALUE strings they were read from, which must outlive them (environ, or a
// FastCGI request's envp until FCGX_Finish_r): a request copies only what it keeps.
using CgiParams = std::vector<std::pair<std::string_view, std::string_view>>;

// NAME=VALUE strings (environ, or a FastCGI request's envp) → params; entries without '=' skipped.
CgiParams params_from(char** envp);

// CONTENT_LENGTH as a number (0 when absent; strtoull's reading of anything else).
size_t content_length(const CgiParams& params);

// `is_cgi`: the program itself is the script (cgi-bin), so SCRIPT_NAME always prefixes the path;
// under FastCGI it does only when the server also set PATH_INFO.
Request request_from_cgi(const CgiParams& params, std::string body, bool is_cgi);

// "Status: 200 OK\r\nName: value\r\n...\r\n\r\n" followed by the body.
std::string cgi_response(const Response& response);

}  // namespace pgrest
