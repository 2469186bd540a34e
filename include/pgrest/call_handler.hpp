// `/rpc/<fn>` end to end: plan_call → SQL (isolation, settings with hoisted function settings,
// db-pre-request, call) → one pipeline → Response. Status 200 (206/416 with a count and a range),
// 204 for void functions, PGRST116 for a singular response that is not one row, then the
// response.status / response.headers GUCs (PGRST112/PGRST111).
#pragma once

#include "pgrest/api_request.hpp"
#include "pgrest/handler.hpp"
#include "pgrest/jwt_auth.hpp"

namespace pgrest {

Result<Response> handle_call(const Request& request, const ApiRequest& api, const Auth& auth,
                             Context& context);

}  // namespace pgrest
