// make bench: what the verified-token cache saves per request. authenticate() on the same token,
// first with the cache off (every request verifies the signature and parses the claims, as a CGI
// process must), then with it on (a FastCGI worker or warm Lambda: one verification, then hits).
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "jwt_sign.hpp"
#include "pgrest/jwt_auth.hpp"

using namespace pgrest;

namespace {

double ns_per_call(const Config& config, const std::string& token, int n) {
  AuthState state = std::move(*make_auth_state(config));
  Request req;
  req.headers.push_back({"authorization", "Bearer " + token});
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    auto a = authenticate(req, config, state, now);
    if (!a) {
      std::fprintf(stderr, "authenticate failed: %s\n", a.error().message.c_str());
      return -1;
    }
  }
  auto ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return ns / n;
}

}  // namespace

int main() {
  const std::string claims =
      R"({"role":"app_user","sub":"1234","aud":"pgrest","iat":1700000000,"exp":4102444800,"email":"someone@example.com"})";
  struct Case {
    const char* alg;
    const char* kind;
  };
  std::printf("%-7s %14s %14s %9s\n", "alg", "no cache", "cached", "speed-up");
  for (const Case& c : {Case{"HS256", ""}, Case{"RS256", "RSA"}, Case{"PS256", "RSA"},
                        Case{"ES256", "P-256"}, Case{"EdDSA", "Ed25519"}}) {
    Config config;
    config.db_anon_role = "anon";
    std::string token;
    if (*c.kind == '\0') {
      config.jwt_secret = "reallyreallyreallyreallyverysafe";
      token = pgtest::sign_hs(c.alg, *config.jwt_secret, claims);
    } else {
      pgtest::Pkey key = pgtest::generate_key(c.kind);
      config.jwt_secret = pgtest::public_jwk(key);
      token = pgtest::sign_jws(c.alg, key, claims);
    }
    int n = *c.kind == '\0' ? 20000 : 2000;
    config.jwt_cache_max_entries = 0;
    double cold = ns_per_call(config, token, n);
    config.jwt_cache_max_entries = 1000;
    double warm = ns_per_call(config, token, n * 10);
    std::printf("%-7s %11.1f µs %11.2f µs %8.0fx\n", c.alg, cold / 1000, warm / 1000, cold / warm);
  }
  return 0;
}
