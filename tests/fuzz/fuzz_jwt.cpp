// libFuzzer target: the JWT front. The first byte picks what the rest is:
//   't' an Authorization header value (any other first byte: the whole input is one), through
//       authenticate() and the pieces before verification (segments, base64url, verify_jws);
//   'h' header JSON, a newline, claims JSON: signed HS256 with the configured secret, so the
//       header checks and the claims (exp/nbf/iat/aud/role) run past verification, twice (the
//       second use is a cache hit);
//   'k' a jwt-role-claim-key, a newline, claims JSON: the role path and its walk;
//   's' a jwt-secret value (passphrase, JWK, JWKS), plain and as base64.
// A fixed clock and a fresh token cache per input keep every run reproducible.
#include <openssl/hmac.h>

#include <cjson/cJSON.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "pgrest/base64.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/jwt_keys.hpp"
#include "pgrest/role_claim.hpp"

using namespace pgrest;

namespace {

constexpr int64_t kNow = 1700000000;
const char* kSecret = "reallyreallyreallyreallyverysafe";

const Config& config() {
  static const Config c = [] {
    Config c;
    c.jwt_secret = kSecret;
    c.jwt_aud = "pgrest";
    c.db_anon_role = "anon";
    c.jwt_role_claim_key = ".role";
    c.jwt_cache_max_entries = 4;
    return c;
  }();
  return c;
}

void auth_header(std::string value, int uses) {
  auto state = make_auth_state(config());
  if (!state) __builtin_trap();  // the fixed configuration is valid
  Request req;
  req.headers.push_back({"authorization", std::move(value)});
  for (int i = 0; i < uses; ++i) (void)authenticate(req, config(), *state, kNow);
}

std::string hs256(std::string_view header, std::string_view claims) {
  std::string input = base64url_encode(header) + "." + base64url_encode(claims);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kSecret, 32, reinterpret_cast<const unsigned char*>(input.data()),
       input.size(), mac, &len);
  return input + "." + base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

std::pair<std::string_view, std::string_view> split_line(std::string_view in) {
  size_t nl = in.find('\n');
  if (nl == std::string_view::npos) return {in, {}};
  return {in.substr(0, nl), in.substr(nl + 1)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  char mode = in.empty() ? 't' : in.front();
  std::string_view rest = in.empty() ? in : in.substr(1);
  if (mode == 'h') {
    auto [header, claims] = split_line(rest);
    auth_header("Bearer " + hs256(header, claims), 2);
  } else if (mode == 'k') {
    auto [path, claims] = split_line(rest);
    auto parsed = parse_claim_path(path);
    cJSON* doc = cJSON_ParseWithLength(claims.data(), claims.size());
    if (parsed && doc) (void)select_role(doc, *parsed);
    cJSON_Delete(doc);
  } else if (mode == 's') {
    (void)load_jwt_keys(rest, false);
    (void)load_jwt_keys(rest, true);
  } else {
    std::string_view value = mode == 't' ? rest : in;
    auth_header(std::string(value), 1);
    // The pieces authenticate() uses, on each dot-separated segment and on the whole value.
    static const auto keys = load_jwt_keys(kSecret, false);
    (void)verify_jws(value, *keys);
    for (size_t start = 0; start <= value.size();) {
      size_t dot = value.find('.', start);
      if (dot == std::string_view::npos) dot = value.size();
      (void)base64url_decode(value.substr(start, dot - start));
      start = dot + 1;
    }
    (void)base64_decode_lenient(value);
  }
  return 0;
}
