// Authorization: Bearer <jwt> → the database role and claims for this request. Verification with
// libjwt (jwt-secret, HS256/384/512); exp/nbf/iat checked only when present, with 30 s of skew.
// No token → db-anon-role. Errors: PGRST300 (no secret), PGRST301 (bad token), PGRST302 (no anon
// role), PGRST303 (claims), all 401 except PGRST300, with WWW-Authenticate as PostgREST sends it.
#pragma once

#include <string>

#include "pgrest/config.hpp"
#include "pgrest/http.hpp"

namespace pgrest {

struct Auth {
  std::string role;
  std::string claims_json;     // request.jwt.claims: the token's claims, `role` always present
  bool authenticated = false;  // a verified token was presented (42501 → 403 instead of 401)
};

Result<Auth> authenticate(const Request& request, const Config& config);

}  // namespace pgrest
