#include "pgrest/jwt_auth.hpp"

#include <jwt.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "json.hpp"

namespace pgrest {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};

Error jwt_error(const char* code, std::string message) {
  Error e;
  e.status = 401;
  e.code = code;
  e.message = message;
  e.headers.push_back(
      {"WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=" + json::quoted(message)});
  return e;
}

Error anonymous_disabled() {
  Error e;
  e.status = 401;
  e.code = "PGRST302";
  e.message = "Anonymous access is disabled";
  e.headers.push_back({"WWW-Authenticate", "Bearer"});
  return e;
}

// `.role`, `."a.b".c`, `.roles[0]`: the v12 subset of PostgREST's role-claim path.
const cJSON* follow_claim_path(const cJSON* root, std::string_view path) {
  const cJSON* cur = root;
  size_t i = 0;
  while (i < path.size() && cur != nullptr) {
    if (path[i] == '.') {
      ++i;
      std::string key;
      if (i < path.size() && path[i] == '"') {
        size_t end = path.find('"', i + 1);
        if (end == std::string_view::npos) return nullptr;
        key = path.substr(i + 1, end - i - 1);
        i = end + 1;
      } else {
        size_t end = path.find_first_of(".[", i);
        key = path.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
        i = end == std::string_view::npos ? path.size() : end;
      }
      cur = cJSON_IsObject(cur) ? cJSON_GetObjectItemCaseSensitive(cur, key.c_str()) : nullptr;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string_view::npos) return nullptr;
      int idx = std::atoi(std::string(path.substr(i + 1, end - i - 1)).c_str());
      cur = cJSON_IsArray(cur) ? cJSON_GetArrayItem(cur, idx) : nullptr;
      i = end + 1;
    } else {
      return nullptr;
    }
  }
  return cur;
}

std::optional<Error> check_time_claims(const cJSON* claims) {
  const double now = static_cast<double>(std::time(nullptr));
  constexpr double skew = 30;
  struct Check {
    const char* name;
    const char* failure;
  };
  for (Check c : {Check{"exp", "JWT expired"}, Check{"nbf", "JWT not yet valid"},
                  Check{"iat", "JWT issued at future"}}) {
    const cJSON* v = cJSON_GetObjectItemCaseSensitive(claims, c.name);
    if (v == nullptr || cJSON_IsNull(v)) continue;
    if (!cJSON_IsNumber(v)) {
      return jwt_error("PGRST303", std::string("The JWT '") + c.name + "' claim must be a number");
    }
    double t = v->valuedouble;
    bool bad = c.name[0] == 'e' ? now > t + skew : now < t - skew;
    if (bad) return jwt_error("PGRST303", c.failure);
  }
  return std::nullopt;
}

std::optional<Error> check_audience(const cJSON* claims, const Config& config) {
  const cJSON* aud = cJSON_GetObjectItemCaseSensitive(claims, "aud");
  if (!config.jwt_aud || aud == nullptr || cJSON_IsNull(aud)) return std::nullopt;
  if (cJSON_IsString(aud)) {
    if (*config.jwt_aud == aud->valuestring) return std::nullopt;
    return jwt_error("PGRST303", "JWT not in audience");
  }
  if (!cJSON_IsArray(aud)) {
    return jwt_error("PGRST303", "The JWT 'aud' claim must be a string or an array of strings");
  }
  if (cJSON_GetArraySize(aud) == 0) return std::nullopt;
  const cJSON* item = nullptr;
  cJSON_ArrayForEach(item, aud) {
    if (!cJSON_IsString(item)) {
      return jwt_error("PGRST303", "The JWT 'aud' claim must be a string or an array of strings");
    }
    if (*config.jwt_aud == item->valuestring) return std::nullopt;
  }
  return jwt_error("PGRST303", "JWT not in audience");
}

}  // namespace

Result<Auth> authenticate(const Request& req, const Config& config) {
  std::optional<std::string_view> token;
  if (auto h = req.header("authorization")) {
    std::string_view v = *h;
    if (v.size() >= 6 && iequals(v.substr(0, 6), "bearer") && (v.size() == 6 || v[6] == ' ')) {
      v.remove_prefix(std::min<size_t>(v.size(), 7));
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      token = v;
    }
  }
  if (!token) {
    if (!config.db_anon_role) return anonymous_disabled();
    return Auth{*config.db_anon_role, "{\"role\":" + json::quoted(*config.db_anon_role) + "}", false};
  }
  if (token->empty()) return jwt_error("PGRST301", "Empty JWT is sent in Authorization header");
  if (!config.jwt_secret) {
    Error e;
    e.status = 500;
    e.code = "PGRST300";
    e.message = "Server lacks JWT secret";
    return e;
  }
  size_t dots = std::count(token->begin(), token->end(), '.');
  if (dots != 2) {
    return jwt_error("PGRST301", "Expected 3 parts in JWT; got " + std::to_string(dots + 1));
  }
  std::string t(*token);
  const std::string& secret = *config.jwt_secret;
  jwt_t* raw = nullptr;
  int rc = jwt_decode(&raw, t.c_str(), reinterpret_cast<const unsigned char*>(secret.data()),
                      static_cast<int>(secret.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || !jwt) return jwt_error("PGRST301", "JWT cryptographic operation failed");
  jwt_alg_t alg = jwt_get_alg(jwt.get());
  if (alg != JWT_ALG_HS256 && alg != JWT_ALG_HS384 && alg != JWT_ALG_HS512) {
    return jwt_error("PGRST301", "Wrong or unsupported encoding algorithm");
  }
  char* grants = jwt_get_grants_json(jwt.get(), nullptr);
  std::string claims_text = grants ? grants : "{}";
  std::free(grants);  // libjwt 1.10 allocates with malloc
  json::Ptr claims = json::parse(claims_text);
  if (!claims || !cJSON_IsObject(claims.get())) return jwt_error("PGRST303", "Parsing claims failed");
  if (auto e = check_time_claims(claims.get())) return *e;
  if (auto e = check_audience(claims.get(), config)) return *e;

  Auth auth;
  auth.authenticated = true;
  const cJSON* role = follow_claim_path(claims.get(), config.jwt_role_claim_key);
  if (cJSON_IsString(role)) {
    auth.role = role->valuestring;
  } else if (role != nullptr && !cJSON_IsNull(role)) {
    char* printed = cJSON_PrintUnformatted(role);
    auth.role = printed ? printed : "";
    cJSON_free(printed);
  } else if (config.db_anon_role) {
    auth.role = *config.db_anon_role;
  } else {
    return anonymous_disabled();
  }
  if (!cJSON_GetObjectItemCaseSensitive(claims.get(), "role")) {
    cJSON_AddStringToObject(claims.get(), "role", auth.role.c_str());
  }
  char* printed = cJSON_PrintUnformatted(claims.get());
  auth.claims_json = printed ? printed : "{}";
  cJSON_free(printed);
  return auth;
}

}  // namespace pgrest
