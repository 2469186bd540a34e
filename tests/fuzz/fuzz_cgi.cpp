// libFuzzer target: CGI / FastCGI request translation. The input is the web server's parameters,
// one NAME=VALUE per line (as environ or a FastCGI envp holds them), then an empty line, then the
// body. They go through the same steps as cgi/main.cpp (params_from, content_length,
// request_from_cgi, as CGI and as FastCGI), then the API-request parser, the access-log line and
// the CGI response writer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cgi_request.hpp"
#include "fuzz_config.hpp"
#include "pgrest/api_request.hpp"

using namespace pgrest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> entries;
  size_t pos = 0;
  while (pos < in.size()) {
    size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) nl = in.size();
    std::string_view line = in.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty()) break;
    entries.emplace_back(line);
  }
  std::string body(pos < in.size() ? in.substr(pos) : std::string_view());
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());  // a NUL inside ends the C string, as in environ
  envp.push_back(nullptr);

  const Config& config = two_schema_config();
  CgiParams params = params_from(envp.data());
  (void)content_length(params);
  for (bool is_cgi : {true, false}) {
    Request req = request_from_cgi(params, body, is_cgi);
    auto api = parse_api_request(req, config);
    Response res;
    res.status = api ? 200 : api.error().status;
    for (const auto& h : req.headers) res.headers.push_back(h);
    res.body = req.body;
    (void)access_log_line(req, res);
    (void)cgi_response(res);
  }
  return 0;
}
