// Test clients for the integration specs: real HTTP through lighttpd (libcurl), the pgrest binary
// exec'd as a CGI program with chosen environment, and SQL straight to PostgreSQL to check state.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgtest {

struct HttpResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::optional<std::string> header(const std::string& lower_name) const;
  bool has_header(const std::string& lower_name) const { return headers.count(lower_name) > 0; }
};

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string env(const char* name);  // required harness variable; aborts the test run if missing

// `base` is PGREST_TEST_URL or PGREST_TEST_CGI_URL; `target` is path + query, e.g. "/items?id=eq.1".
HttpResponse http(const std::string& method, const std::string& base, const std::string& target,
                  const Headers& headers = {}, const std::string& body = "");

// Runs PGREST_BIN as one CGI request with the harness's PGRST_* variables plus `extra_env`
// (NAME=VALUE; an empty VALUE unsets). Parses the CGI output into a response.
HttpResponse cgi(const std::string& method, const std::string& target,
                 const std::vector<std::string>& extra_env = {}, const Headers& headers = {},
                 const std::string& body = "");

// Runs a command, returns its exit status and captures stdout+stderr.
int run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
        std::string& output);

// "ASAN_OPTIONS=<the inherited options>:detect_leaks=0", for a child run under ptrace (strace), where
// LeakSanitizer cannot run; the inherited options (e.g. the test run's log_path) are kept.
std::string no_leak_check_asan_options();

// First column of the first row of a query run as the postgres superuser (PGREST_TEST_DB).
std::optional<std::string> sql_value(const std::string& query);
void sql_exec(const std::string& query);

// JSON text normalised (parsed and printed compactly) so tests compare documents, not spacing.
std::string json_norm(const std::string& text);

}  // namespace pgtest
