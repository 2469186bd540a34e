// OPTIONS and CORS as PostgREST answers them: `Allow` computed from the snapshot (no transaction),
// preflight requests answered before anything else, and the CORS headers added to every response
// of a request that carries an Origin (server-cors-allowed-origins restricts the origins).
#pragma once

#include <optional>

#include "pgrest/api_request.hpp"
#include "pgrest/config.hpp"
#include "pgrest/http.hpp"
#include "pgrest/snapshot.hpp"

namespace pgrest {

// A CORS preflight (OPTIONS with Origin and Access-Control-Request-Method), else nullopt.
std::optional<Response> cors_preflight(const Request& request, const Config& config);

// Adds Access-Control-Allow-Origin / -Expose-Headers when the request has an allowed Origin.
void add_cors_headers(const Request& request, const Config& config, Response& response);

// OPTIONS on the root, a relation (404 PGRST205 if unknown) or a function.
Result<Response> options_response(const ApiRequest& request, const Snapshot& snapshot);

}  // namespace pgrest
