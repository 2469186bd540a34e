// libFuzzer target: AWS Lambda event translation. The input is an event's JSON (API Gateway REST
// v1, HTTP API v2, Function URL, ALB single- or multi-value): parse_event, then the API-request
// parser, then render_response for that event's kind with a reply that echoes the request (its
// headers, including Set-Cookie, and its body as text and as binary content).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lambda_event.hpp"
#include "fuzz_config.hpp"
#include "pgrest/api_request.hpp"

using namespace pgrest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const Config& config = two_schema_config();
  auto event = lambda::parse_event(in);
  if (!event) return 0;
  const Request& req = event->request;
  auto api = parse_api_request(req, config);
  for (const char* type : {"application/json; charset=utf-8", "application/octet-stream"}) {
    Response res;
    res.status = api ? 200 : api.error().status;
    res.headers.push_back({"Content-Type", type});
    for (const auto& h : req.headers) res.headers.push_back({h.name, h.value});
    res.headers.push_back({"Set-Cookie", std::string(req.header("cookie").value_or("a=1"))});
    res.body = req.body;
    (void)lambda::is_text(type, res.body);
    (void)lambda::render_response(res, *event);
  }
  return 0;
}
