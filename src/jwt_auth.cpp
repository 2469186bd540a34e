#include "pgrest/jwt_auth.hpp"

#include <algorithm>
#include <cmath>

#include "json.hpp"

namespace pgrest {
namespace {

constexpr int64_t kSkew = 30;  // seconds of clock skew allowed for exp/nbf/iat, as PostgREST

// PostgREST reads a time claim with toBoundedInteger: a non-integral number counts as 0.
VerifiedToken::TimeClaim time_claim(const cJSON* claims, const char* name) {
  VerifiedToken::TimeClaim c;
  const cJSON* v = cJSON_GetObjectItemCaseSensitive(claims, name);
  if (v == nullptr || cJSON_IsNull(v)) return c;
  c.present = true;
  if (!cJSON_IsNumber(v)) {
    c.bad_type = true;
    return c;
  }
  double d = v->valuedouble;
  bool integral = std::isfinite(d) && std::floor(d) == d && d >= -9.2e18 && d <= 9.2e18;
  c.value = integral ? static_cast<int64_t>(d) : 0;
  return c;
}

std::optional<Error> audience_error(const cJSON* claims, const Config& config) {
  const cJSON* aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");
  if (aud == nullptr || cJSON_IsNull(aud)) return std::nullopt;
  auto matches = [&](const char* value) { return !config.jwt_aud || *config.jwt_aud == value; };
  const char* bad_type = "The JWT 'aud' claim must be a string or an array of strings";
  if (cJSON_IsString(aud)) {
    if (matches(aud->valuestring)) return std::nullopt;
    return errors::jwt_claims("JWT not in audience");
  }
  if (!cJSON_IsArray(aud)) return errors::jwt_claims(bad_type);
  bool any = cJSON_GetArraySize(aud) == 0;  // [] means every audience
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, aud) {
    if (!cJSON_IsString(item)) return errors::jwt_claims(bad_type);
    any = any || matches(item->valuestring);
  }
  if (any) return std::nullopt;
  return errors::jwt_claims("JWT not in audience");
}

VerifiedToken read_claims(const std::string& payload, const Config& config, const AuthState& state,
                          int64_t now) {
  VerifiedToken v;
  json::Ptr claims = json::parse(payload);
  if (!claims || !cJSON_IsObject(claims.get())) {
    v.claims_error = errors::jwt_claims("Parsing claims failed");
    return v;
  }
  v.exp = time_claim(claims.get(), "exp");
  v.nbf = time_claim(claims.get(), "nbf");
  v.iat = time_claim(claims.get(), "iat");
  v.aud_error = audience_error(claims.get(), config);
  v.role = select_role(claims.get(), state.role_path);
  const std::optional<std::string>& role = v.role ? v.role : config.db_anon_role;
  if (role) {
    cJSON_DeleteItemFromObjectCaseSensitive(claims.get(), "role");
    cJSON_AddStringToObject(claims.get(), "role", role->c_str());
  }
  char* printed = cJSON_PrintUnformatted(claims.get());
  v.claims_json = printed ? printed : "{}";
  cJSON_free(printed);
  // Past exp + skew the token can only ever fail: keep it no longer than that.
  if (v.exp.present && !v.exp.bad_type) v.evict_at = v.exp.value + kSkew + 1;
  if (config.jwt_cache_max_lifetime > 0) {
    v.evict_at = std::min(v.evict_at, now + config.jwt_cache_max_lifetime);
  }
  return v;
}

// Claims in PostgREST's order: exp, nbf, iat, aud; the first failure wins.
Result<Auth> check_claims(const VerifiedToken& v, const Config& config, int64_t now) {
  if (v.claims_error) return *v.claims_error;
  struct Check {
    const VerifiedToken::TimeClaim& claim;
    const char* name;
    const char* failure;
    bool past;  // fails when the claim is in the past (exp) rather than in the future
  };
  for (const Check& c : {Check{v.exp, "exp", "JWT expired", true},
                         Check{v.nbf, "nbf", "JWT not yet valid", false},
                         Check{v.iat, "iat", "JWT issued at future", false}}) {
    if (!c.claim.present) continue;
    if (c.claim.bad_type) {
      return errors::jwt_claims(std::string("The JWT '") + c.name + "' claim must be a number");
    }
    bool bad = c.past ? now - kSkew > c.claim.value : now + kSkew < c.claim.value;
    if (bad) return errors::jwt_claims(c.failure);
  }
  if (v.aud_error) return *v.aud_error;
  Auth auth;
  if (v.role) {
    auth.role = *v.role;
  } else if (config.db_anon_role) {
    auth.role = *config.db_anon_role;
  } else {
    return errors::jwt_required();
  }
  auth.claims_json = v.claims_json;
  auth.authenticated = auth.role != config.db_anon_role;
  return auth;
}

}  // namespace

const VerifiedToken* TokenCache::find(std::string_view token, int64_t now) {
  auto it = index_.find(token);
  if (it == index_.end()) return nullptr;
  if (it->second->second.evict_at <= now) {
    auto node = it->second;
    index_.erase(it);
    lru_.erase(node);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->second;
}

void TokenCache::insert(std::string token, VerifiedToken value) {
  if (max_ == 0) return;
  if (auto it = index_.find(token); it != index_.end()) {
    it->second->second = std::move(value);
    lru_.splice(lru_.begin(), lru_, it->second);
    return;
  }
  lru_.emplace_front(std::move(token), std::move(value));
  index_.emplace(lru_.front().first, lru_.begin());
  while (index_.size() > max_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

Result<AuthState> make_auth_state(const Config& config) {
  AuthState state;
  auto path = parse_claim_path(config.jwt_role_claim_key);
  if (!path) return path.take_error();
  state.role_path = std::move(*path);
  if (config.jwt_secret) {
    auto keys = load_jwt_keys(*config.jwt_secret, config.jwt_secret_is_base64);
    if (!keys) return keys.take_error();
    state.keys = std::move(*keys);
  }
  state.cache = TokenCache(static_cast<size_t>(std::max<int64_t>(0, config.jwt_cache_max_entries)));
  return state;
}

Result<Auth> authenticate(const Request& req, const Config& config, AuthState& state, int64_t now) {
  std::optional<std::string_view> token;
  if (auto h = req.header("authorization")) {
    std::string_view v = *h;
    if (v.size() >= 6 && iequals(v.substr(0, 6), "bearer") && (v.size() == 6 || v[6] == ' ')) {
      v.remove_prefix(std::min<size_t>(v.size(), 7));
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      token = v;
    }
  }
  if (!token) {
    if (!config.db_anon_role) return errors::jwt_required();
    return Auth{*config.db_anon_role, "{\"role\":" + json::quoted(*config.db_anon_role) + "}", false};
  }
  if (token->empty()) return errors::jwt_decode("Empty JWT is sent in Authorization header");
  if (!state.keys) return errors::jwt_secret_missing();
  const VerifiedToken* verified = state.cache.find(*token, now);
  VerifiedToken fresh;
  if (verified == nullptr) {
    ++state.verifications;
    auto payload = verify_jws(*token, *state.keys);
    if (!payload) return payload.take_error();
    fresh = read_claims(*payload, config, state, now);
    if (fresh.evict_at > now) state.cache.insert(std::string(*token), fresh);
    verified = &fresh;
  }
  return check_claims(*verified, config, now);
}

}  // namespace pgrest
