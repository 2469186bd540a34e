// Authorization: Bearer <jwt> → the database role and claims for this request. Keys come from
// jwt-secret (jwt_keys.hpp), the role from jwt-role-claim-key (role_claim.hpp); exp/nbf/iat are
// checked only when present, with 30 s of skew, aud against jwt-aud. No token → db-anon-role.
// Errors: PGRST300 (no secret, 500), PGRST301 (bad token), PGRST302 (no role and no anon role),
// PGRST303 (claims), the 401s with WWW-Authenticate as PostgREST v13 sends it.
// A token whose signature verified is cached (bounded LRU, until it expires), so a FastCGI worker
// or a warm Lambda checks each token's signature once; claims are re-checked on every use.
#pragma once

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "pgrest/config.hpp"
#include "pgrest/http.hpp"
#include "pgrest/jwt_keys.hpp"
#include "pgrest/role_claim.hpp"

namespace pgrest {

struct Auth {
  std::string role;
  std::string claims_json;     // request.jwt.claims: the token's claims, `role` always present
  bool authenticated = false;  // role ≠ db-anon-role (42501 → 403 instead of 401)
};

// What a token's signature-verified payload says, kept so that a cache hit costs no crypto and
// no JSON parse. A time claim is absent, of a wrong type, or a value.
struct VerifiedToken {
  struct TimeClaim {
    bool present = false, bad_type = false;
    int64_t value = 0;
  };
  std::optional<Error> claims_error;  // "Parsing claims failed"
  TimeClaim exp, nbf, iat;
  std::optional<Error> aud_error;     // does not depend on the clock
  std::optional<std::string> role;    // from jwt-role-claim-key; nullopt → db-anon-role
  std::string claims_json;            // with "role" set as PostgREST sets it
  int64_t evict_at = INT64_MAX;       // unix time after which the entry is useless
};

// Bounded LRU keyed by the whole token text. max_entries 0 disables it.
class TokenCache {
 public:
  explicit TokenCache(size_t max_entries = 1000) : max_(max_entries) {}
  TokenCache(const TokenCache&) = delete;  // the map's keys point into the list's nodes
  TokenCache& operator=(const TokenCache&) = delete;
  TokenCache(TokenCache&&) = default;  // list nodes (and so the keys) move along
  TokenCache& operator=(TokenCache&&) = default;
  const VerifiedToken* find(std::string_view token, int64_t now);
  void insert(std::string token, VerifiedToken value);
  size_t size() const { return index_.size(); }

 private:
  using Entry = std::pair<std::string, VerifiedToken>;
  size_t max_;
  std::list<Entry> lru_;  // most recent first; the map's keys view these strings
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

// Built once per process (make_context) and reused by every request it serves.
struct AuthState {
  std::optional<JwtKeySet> keys;  // nullopt when jwt-secret is unset
  ClaimPath role_path;
  TokenCache cache;
  uint64_t verifications = 0;     // signature checks done (cache misses), for tests and bench
};

// Start-up errors (500): an unreadable or too short jwt-secret, a bad JWK, a bad
// jwt-role-claim-key.
Result<AuthState> make_auth_state(const Config& config);

// `now`: unix seconds.
Result<Auth> authenticate(const Request& request, const Config& config, AuthState& state,
                          int64_t now);

}  // namespace pgrest
