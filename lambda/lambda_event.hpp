// Pure translation between the JSON events AWS Lambda delivers for HTTP front doors and the core's
// Request/Response. Kinds: API Gateway REST API (payload 1.0), HTTP API and Function URLs (payload
// 2.0), Application Load Balancer (single- or multi-value headers). No I/O, so it is unit-tested
// on captured-format sample events (tests/unit/data/lambda/).
//
// Limits (README "AWS Lambda"): payload 1.0 and ALB carry the query string only as a parsed map, so
// it is rebuilt key by key: repeated keys keep their order, but the relative order of different
// keys is the map's. An ALB target group without multi-value headers keeps only the last value of
// a repeated query key and cannot send repeated response headers (Set-Cookie is joined).
#pragma once

#include <string>
#include <string_view>

#include "pgrest/error.hpp"
#include "pgrest/http.hpp"

namespace pgrest::lambda {

enum class EventKind {
  api_gateway_v1,  // REST API, payload 1.0 (also an HTTP API integration set to 1.0)
  http_api_v2,     // HTTP API payload 2.0 and Lambda Function URLs
  alb,             // Application Load Balancer target group
};

struct Event {
  EventKind kind = EventKind::http_api_v2;
  bool multi_value = false;  // ALB: the target group has multi-value headers on; reply in kind
  Request request;
};

// The event JSON → Request. Path: raw where the event has it (rawPath), else re-encoded where
// needed; a v2 stage prefix ("/prod/items" on stage "prod") is removed, as API Gateway's v1 `path`
// already does. Headers lower-cased, v2 `cookies` joined into one Cookie header, base64 bodies
// decoded. An event of no known shape → Error (status 502) whose message says what was missing.
Result<Event> parse_event(std::string_view json);

// Response → the reply JSON that matches the event's kind: v1 `multiValueHeaders`, v2 `headers`
// plus `cookies` for Set-Cookie, ALB `statusDescription` and the header style of the request.
// Bodies that are not UTF-8 text go out base64-encoded with isBase64Encoded = true.
std::string render_response(const Response& response, const Event& event);

// Helpers, exposed for tests.
bool is_text(std::string_view content_type, std::string_view body);  // send as a JSON string?

}  // namespace pgrest::lambda
