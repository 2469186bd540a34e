// JWT verification (every algorithm, JWK/JWKS, kid), claims with their skew, role-claim paths,
// the verified-token cache and the role settings in the settings statement.
#include <unistd.h>

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>

#include "jwt_sign.hpp"
#include "pgrest/jwt_auth.hpp"
#include "pgrest/sql_builder.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgrest;

namespace {

const std::string kSecret = "reallyreallyreallyreallyverysafe";
constexpr int64_t kNow = 1'800'000'000;

Config config_with(std::optional<std::string> secret, std::optional<std::string> anon = "anon") {
  Config c;
  c.jwt_secret = std::move(secret);
  c.db_anon_role = std::move(anon);
  return c;
}

Request bearer(const std::string& token) {
  Request r;
  r.method = "GET";
  r.path = "/items";
  r.headers.push_back({"authorization", "Bearer " + token});
  return r;
}

struct Fixture {
  Config config;
  AuthState state;
  explicit Fixture(Config c) : config(std::move(c)) {
    auto s = make_auth_state(config);
    if (!s) BOOST_FAIL("make_auth_state: " + s.error().message);
    state = std::move(*s);
  }
  Result<Auth> auth(const std::string& token, int64_t now = kNow) {
    return authenticate(bearer(token), config, state, now);
  }
};

#define CHECK_JWT_ERROR(res, st, code_, msg)                   \
  do {                                                         \
    BOOST_TEST_REQUIRE(!(res).ok());                           \
    BOOST_TEST((res).error().status == (st));                  \
    BOOST_TEST((res).error().code == (code_));                 \
    BOOST_TEST((res).error().message == (msg));                \
  } while (0)

std::string tamper(const std::string& token) {
  // Replace the payload by another one, keep header and signature.
  size_t a = token.find('.'), b = token.rfind('.');
  return token.substr(0, a + 1) + base64url_encode(R"({"role":"postgres"})") + token.substr(b);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jwt)

BOOST_DATA_TEST_CASE(hmac_algorithms, bdata::make({"HS256", "HS384", "HS512"}), alg) {
  Fixture f(config_with(kSecret));
  auto ok = f.auth(pgtest::sign_hs(alg, kSecret, R"({"role":"web_user","sub":"7"})"));
  BOOST_TEST_REQUIRE(ok.ok());
  BOOST_TEST(ok->role == "web_user");
  BOOST_TEST(ok->authenticated);
  BOOST_TEST(ok->claims_json == R"({"sub":"7","role":"web_user"})");
  auto bad = f.auth(pgtest::sign_hs(alg, kSecret + "x", R"({"role":"web_user"})"));
  CHECK_JWT_ERROR(bad, 401, "PGRST301", "No suitable key or wrong key type");
  BOOST_TEST(bad.error().details.value_or("") == "None of the keys was able to decode the JWT");
  BOOST_TEST(bad.error().headers.at(0).value ==
             R"(Bearer error="invalid_token", error_description="No suitable key or wrong key type")");
}

BOOST_DATA_TEST_CASE(asymmetric_algorithms,
                     (bdata::make({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}) ^
                      bdata::make({"RSA", "RSA", "RSA", "RSA", "RSA", "RSA"})) +
                         (bdata::make({"ES256", "ES384", "ES512", "EdDSA", "EdDSA"}) ^
                          bdata::make({"P-256", "P-384", "P-521", "Ed25519", "Ed448"})),
                     alg, kind) {
  static std::map<std::string, pgtest::Pkey> keys;  // one RSA key for all six RS/PS cases
  if (!keys.count(kind)) keys[kind] = pgtest::generate_key(kind);
  pgtest::Pkey key = keys[kind];
  Fixture f(config_with(pgtest::public_jwk(key)));
  std::string token = pgtest::sign_jws(alg, key, R"({"role":"web_user"})");
  auto ok = f.auth(token);
  BOOST_TEST_REQUIRE(ok.ok(), (ok.ok() ? "" : ok.error().message + " " + ok.error().details.value_or("")));
  BOOST_TEST(ok->role == "web_user");
  CHECK_JWT_ERROR(f.auth(tamper(token)), 401, "PGRST301", "No suitable key or wrong key type");
  // Another key of the same type: signature fails.
  Fixture other(config_with(pgtest::public_jwk(pgtest::generate_key(kind))));
  auto wrong = other.auth(token);
  CHECK_JWT_ERROR(wrong, 401, "PGRST301", "No suitable key or wrong key type");
  BOOST_TEST(wrong.error().details.value_or("") == "None of the keys was able to decode the JWT");
  // An HMAC token against this public key: no key of a suitable type.
  auto hs = f.auth(pgtest::sign_hs("HS256", kSecret, R"({"role":"web_user"})"));
  CHECK_JWT_ERROR(hs, 401, "PGRST301", "No suitable key or wrong key type");
  BOOST_TEST(hs.error().details.value_or("") == "No suitable key was found to decode the JWT");
}

BOOST_AUTO_TEST_CASE(ec_curve_must_match_the_algorithm) {
  auto p384 = pgtest::generate_key("P-384");
  Fixture f(config_with(pgtest::public_jwk(p384)));
  auto r = f.auth(pgtest::sign_jws("ES256", pgtest::generate_key("P-256"), R"({"role":"a"})"));
  BOOST_TEST(r.error().details.value_or("") == "No suitable key was found to decode the JWT");
}

BOOST_AUTO_TEST_CASE(jwks_and_kid) {
  auto a = pgtest::generate_key("P-256"), b = pgtest::generate_key("P-256");
  std::string jwks = "{\"keys\":[" + pgtest::public_jwk(a, "a") + "," + pgtest::public_jwk(b, "b") +
                     R"(,{"kty":"oct","k":")" + base64url_encode(kSecret) + R"(","kid":"hs"},)" +
                     R"({"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB","kid":"enc"},)" +
                     R"({"kty":"XYZ","kid":"unknown type, skipped"}]})";
  Fixture f(config_with(jwks));
  const std::string claims = R"({"role":"web_user"})";
  BOOST_TEST(f.auth(pgtest::sign_jws("ES256", b, claims, R"("kid":"b")")).ok());
  BOOST_TEST(f.auth(pgtest::sign_jws("ES256", b, claims)).ok());  // no kid: every key is tried
  BOOST_TEST(f.auth(pgtest::sign_hs("HS256", kSecret, claims, R"("kid":"hs")")).ok());
  auto wrong_kid = f.auth(pgtest::sign_jws("ES256", b, claims, R"("kid":"a")"));
  BOOST_TEST(wrong_kid.error().details.value_or("") == "None of the keys was able to decode the JWT");
  auto unknown_kid = f.auth(pgtest::sign_jws("ES256", b, claims, R"("kid":"zzz")"));
  CHECK_JWT_ERROR(unknown_kid, 401, "PGRST301", "No suitable key or wrong key type");
  BOOST_TEST(unknown_kid.error().details.value_or("") == "No suitable key was found to decode the JWT");
}

BOOST_AUTO_TEST_CASE(jwk_alg_member_restricts_the_key) {
  auto key = pgtest::generate_key("RSA");
  Fixture f(config_with(pgtest::public_jwk(key, "", "RS256")));
  BOOST_TEST(f.auth(pgtest::sign_jws("RS256", key, R"({"role":"a"})")).ok());
  auto ps = f.auth(pgtest::sign_jws("PS256", key, R"({"role":"a"})"));
  BOOST_TEST(ps.error().details.value_or("") == "No suitable key was found to decode the JWT");
}

BOOST_AUTO_TEST_CASE(malformed_tokens) {
  Fixture f(config_with(kSecret));
  CHECK_JWT_ERROR(f.auth("a.b"), 401, "PGRST301", "Expected 3 parts in JWT; got 2");
  CHECK_JWT_ERROR(f.auth("a.b.c.d"), 401, "PGRST301", "Expected 3 parts in JWT; got 4");
  CHECK_JWT_ERROR(f.auth("not.a.token"), 401, "PGRST301", "JWT cryptographic operation failed");
  std::string hdr = base64url_encode(R"({"alg":"HS257"})");
  CHECK_JWT_ERROR(f.auth(hdr + ".e30.sig"), 401, "PGRST301", "JWT cryptographic operation failed");
  std::string none = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode(R"({"role":"x"})") + ".";
  auto n = f.auth(none);
  CHECK_JWT_ERROR(n, 401, "PGRST301", "Wrong or unsupported encoding algorithm");
  BOOST_TEST(n.error().details.value_or("") == "JWT is unsecured but expected 'alg' was not 'none'");
  auto empty = authenticate(bearer(""), f.config, f.state, kNow);
  CHECK_JWT_ERROR(empty, 401, "PGRST301", "Empty JWT is sent in Authorization header");
  CHECK_JWT_ERROR(f.auth(pgtest::sign_hs("HS256", kSecret, "[1,2]")), 401, "PGRST303",
                  "Parsing claims failed");
}

BOOST_AUTO_TEST_CASE(no_secret_and_no_token) {
  Fixture f(config_with(std::nullopt));
  auto r = f.auth(pgtest::sign_hs("HS256", kSecret, R"({"role":"a"})"));
  CHECK_JWT_ERROR(r, 500, "PGRST300", "Server lacks JWT secret");
  Request anon;
  auto a = authenticate(anon, f.config, f.state, kNow);
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST(a->role == "anon");
  BOOST_TEST(a->claims_json == R"({"role":"anon"})");
  BOOST_TEST(!a->authenticated);
  Request basic;
  basic.headers.push_back({"authorization", "Basic dXNlcjpwYXNz"});  // another scheme: no token
  BOOST_TEST(authenticate(basic, f.config, f.state, kNow).ok());
  Fixture closed(config_with(kSecret, std::nullopt));
  CHECK_JWT_ERROR(authenticate(anon, closed.config, closed.state, kNow), 401, "PGRST302",
                  "Anonymous access is disabled");
  // A valid token without a role and no anonymous role: PGRST302 too.
  CHECK_JWT_ERROR(closed.auth(pgtest::sign_hs("HS256", kSecret, R"({"sub":"1"})")), 401, "PGRST302",
                  "Anonymous access is disabled");
}

BOOST_AUTO_TEST_CASE(bearer_scheme_is_case_insensitive) {
  Fixture f(config_with(kSecret));
  std::string token = pgtest::sign_hs("HS256", kSecret, R"({"role":"web_user"})");
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER "}) {
    Request r;
    r.headers.push_back({"authorization", scheme + token});
    auto a = authenticate(r, f.config, f.state, kNow);
    BOOST_TEST(a.ok(), scheme);
  }
}

BOOST_AUTO_TEST_CASE(time_claims_with_30s_skew) {
  Fixture f(config_with(kSecret));
  auto tok = [&](const std::string& claim, const std::string& value) {
    return pgtest::sign_hs("HS256", kSecret, R"({"role":"r",")" + claim + "\":" + value + "}");
  };
  auto n = [](int64_t d) { return std::to_string(kNow + d); };
  BOOST_TEST(f.auth(tok("exp", n(-30))).ok());
  CHECK_JWT_ERROR(f.auth(tok("exp", n(-31))), 401, "PGRST303", "JWT expired");
  BOOST_TEST(f.auth(tok("nbf", n(30))).ok());
  CHECK_JWT_ERROR(f.auth(tok("nbf", n(31))), 401, "PGRST303", "JWT not yet valid");
  BOOST_TEST(f.auth(tok("iat", n(30))).ok());
  CHECK_JWT_ERROR(f.auth(tok("iat", n(31))), 401, "PGRST303", "JWT issued at future");
  BOOST_TEST(f.auth(tok("exp", "null")).ok());
  CHECK_JWT_ERROR(f.auth(tok("exp", "\"soon\"")), 401, "PGRST303", "The JWT 'exp' claim must be a number");
  CHECK_JWT_ERROR(f.auth(tok("nbf", "[]")), 401, "PGRST303", "The JWT 'nbf' claim must be a number");
  CHECK_JWT_ERROR(f.auth(tok("iat", "{}")), 401, "PGRST303", "The JWT 'iat' claim must be a number");
  // PostgREST reads a fractional time as 0: an expiry in the far future still counts as expired.
  CHECK_JWT_ERROR(f.auth(tok("exp", n(1000) + ".5")), 401, "PGRST303", "JWT expired");
  auto e = f.auth(tok("exp", n(-100)));
  BOOST_TEST(e.error().headers.at(0).value ==
             R"(Bearer error="invalid_token", error_description="JWT expired")");
}

BOOST_AUTO_TEST_CASE(audience) {
  Config c = config_with(kSecret);
  c.jwt_aud = "pgrest";
  Fixture f(c);
  auto tok = [&](const std::string& aud) {
    return pgtest::sign_hs("HS256", kSecret, R"({"role":"r","aud":)" + aud + "}");
  };
  BOOST_TEST(f.auth(tok(R"("pgrest")")).ok());
  BOOST_TEST(f.auth(tok(R"(["x","pgrest"])")).ok());
  BOOST_TEST(f.auth(tok("[]")).ok());
  BOOST_TEST(f.auth(tok("null")).ok());
  CHECK_JWT_ERROR(f.auth(tok(R"("other")")), 401, "PGRST303", "JWT not in audience");
  CHECK_JWT_ERROR(f.auth(tok(R"(["x"])")), 401, "PGRST303", "JWT not in audience");
  const char* bad = "The JWT 'aud' claim must be a string or an array of strings";
  CHECK_JWT_ERROR(f.auth(tok("1")), 401, "PGRST303", bad);
  CHECK_JWT_ERROR(f.auth(tok(R"([{"a":1},"pgrest"])")), 401, "PGRST303", bad);
  Fixture any(config_with(kSecret));  // no jwt-aud: every audience, but the type still counts
  BOOST_TEST(any.auth(tok(R"("other")")).ok());
  CHECK_JWT_ERROR(any.auth(tok("{}")), 401, "PGRST303", bad);
}

BOOST_AUTO_TEST_CASE(role_claim_paths) {
  const std::string claims =
      R"({"postgrest":{"roles":["other","author"],"wlcg":["/groupa","/groupb/"]},)"
      R"("https://www.example.com/role":{"key":"author"},"realm_access":{"roles":["viewer","app_admin"]},"num":42})";
  auto role_for = [&](const std::string& path) -> std::optional<std::string> {
    Config c = config_with(kSecret);
    c.jwt_role_claim_key = path;
    Fixture f(c);
    auto a = f.auth(pgtest::sign_hs("HS256", kSecret, claims));
    BOOST_TEST_REQUIRE(a.ok());
    return a->role == "anon" ? std::nullopt : std::optional<std::string>(a->role);
  };
  BOOST_TEST(role_for(".postgrest.roles[1]").value_or("-") == "author");
  BOOST_TEST(role_for(R"(."https://www.example.com/role".key)").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ == "author")])").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ != "other")])").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ ^== "aut")])").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ ==^ "hor")])").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ *== "utho")])").value_or("-") == "author");
  BOOST_TEST(role_for(R"(.realm_access.roles[?(@ ^== "app_")])").value_or("-") == "app_admin");
  BOOST_TEST(role_for(".postgrest.wlcg[0][1:]").value_or("-") == "groupa");
  BOOST_TEST(role_for(".postgrest.wlcg[1][1:-1]").value_or("-") == "groupb");
  BOOST_TEST(role_for(".postgrest.wlcg[1][:]").value_or("-") == "/groupb/");
  BOOST_TEST(role_for(".postgrest.wlcg[0][5:2]").value_or("-") == "-");  // empty: no role
  BOOST_TEST(role_for(".num").value_or("-") == "42");                     // JSON-encoded
  BOOST_TEST(role_for(".postgrest.roles[7]").value_or("-") == "-");
  BOOST_TEST(role_for(R"(.postgrest.roles[?(@ == "nobody")])").value_or("-") == "-");
  BOOST_TEST(role_for(".role").value_or("-") == "-");
  for (const char* bad : {"role", ".", ".a..b", ".a[", ".a[x]", ".a[?(@ = \"x\")]", ".a[?(x == \"y\")]",
                          ".\"open", ".a b"}) {
    Config c = config_with(kSecret);
    c.jwt_role_claim_key = bad;
    auto s = make_auth_state(c);
    BOOST_TEST(!s.ok(), bad);
    if (!s.ok()) BOOST_TEST(s.error().message == "failed to parse role-claim-key value (" + std::string(bad) + ")");
  }
}

BOOST_AUTO_TEST_CASE(claims_get_the_role_that_was_used) {
  Config c = config_with(kSecret);
  c.jwt_role_claim_key = ".realm.roles[0]";
  Fixture f(c);
  auto a = f.auth(pgtest::sign_hs("HS256", kSecret, R"({"role":"ignored","realm":{"roles":["app_user"]}})"));
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST(a->claims_json == R"({"realm":{"roles":["app_user"]},"role":"app_user"})");
  auto anon = f.auth(pgtest::sign_hs("HS256", kSecret, R"({"sub":"1"})"));
  BOOST_TEST(anon->claims_json == R"({"sub":"1","role":"anon"})");
  BOOST_TEST(!anon->authenticated);  // the anonymous role, even with a token: 42501 → 401
}

BOOST_AUTO_TEST_CASE(secret_forms) {
  // base64 (either alphabet, padding optional) of a binary secret.
  std::string raw = std::string("\x01\xff\xfe", 3) + "binary-secret";
  Config b = config_with(base64url_encode(raw));
  b.jwt_secret_is_base64 = true;
  Fixture fb(b);
  BOOST_TEST(fb.auth(pgtest::sign_hs("HS512", raw, R"({"role":"r"})")).ok());
  Config bad = config_with("!!!not base64!!!");
  bad.jwt_secret_is_base64 = true;
  BOOST_TEST(!make_auth_state(bad).ok());
  // @file, with a trailing newline.
  std::string path = "/tmp/pgrest-jwt-test-" + std::to_string(getpid());
  std::ofstream(path) << kSecret << "\n";
  Fixture ff(config_with("@" + path));
  BOOST_TEST(ff.auth(pgtest::sign_hs("HS256", kSecret, R"({"role":"r"})")).ok());
  std::ofstream(path) << "short\n";
  auto short_file = make_auth_state(config_with("@" + path));
  BOOST_TEST_REQUIRE(!short_file.ok());
  BOOST_TEST(short_file.error().message == "'jwt-secret' must be at least 32 characters long");
  std::remove(path.c_str());
  BOOST_TEST(!make_auth_state(config_with("@/nonexistent/secret")).ok());
  // A JWK of type oct.
  Fixture fo(config_with(R"({"kty":"oct","k":")" + base64url_encode(kSecret) + R"("})"));
  BOOST_TEST(fo.auth(pgtest::sign_hs("HS384", kSecret, R"({"role":"r"})")).ok());
  // Broken JWKs are start-up errors.
  BOOST_TEST(!make_auth_state(config_with(R"({"kty":"RSA","n":"AQAB"})")).ok());
  BOOST_TEST(!make_auth_state(config_with(R"({"kty":"EC","crv":"P-256","x":"AQAB","y":"AQAB"})")).ok());
  BOOST_TEST(!make_auth_state(config_with(R"({"keys":[]})")).ok());
}

BOOST_AUTO_TEST_CASE(verified_tokens_are_cached) {
  Fixture f(config_with(kSecret));
  std::string token = pgtest::sign_hs("HS256", kSecret,
                                      R"({"role":"r","exp":)" + std::to_string(kNow + 100) + "}");
  BOOST_TEST(f.auth(token).ok());
  BOOST_TEST(f.auth(token).ok());
  BOOST_TEST(f.auth(token, kNow + 50).ok());
  BOOST_TEST(f.state.verifications == 1u);
  // Claims are checked on every use: the cached token expires on time.
  CHECK_JWT_ERROR(f.auth(token, kNow + 131), 401, "PGRST303", "JWT expired");
  BOOST_TEST(f.state.cache.size() == 0u);  // evicted past exp + skew
  // Bad signatures are never cached; a tampered copy of a cached token is still refused.
  CHECK_JWT_ERROR(f.auth(tamper(token)), 401, "PGRST301", "No suitable key or wrong key type");
  CHECK_JWT_ERROR(f.auth(tamper(token)), 401, "PGRST301", "No suitable key or wrong key type");
  // Bounded: the least recently used entry goes.
  Config small = config_with(kSecret);
  small.jwt_cache_max_entries = 2;
  Fixture s(small);
  std::string t1 = pgtest::sign_hs("HS256", kSecret, R"({"role":"a"})");
  std::string t2 = pgtest::sign_hs("HS256", kSecret, R"({"role":"b"})");
  std::string t3 = pgtest::sign_hs("HS256", kSecret, R"({"role":"c"})");
  BOOST_TEST(s.auth(t1).ok());
  BOOST_TEST(s.auth(t2).ok());
  BOOST_TEST(s.auth(t1).ok());  // t1 recent, t2 oldest
  BOOST_TEST(s.auth(t3).ok());  // evicts t2
  BOOST_TEST(s.state.cache.size() == 2u);
  BOOST_TEST(s.state.verifications == 3u);
  BOOST_TEST(s.auth(t1)->role == "a");
  BOOST_TEST(s.state.verifications == 3u);
  BOOST_TEST(s.auth(t2)->role == "b");
  BOOST_TEST(s.state.verifications == 4u);
  Config off = config_with(kSecret);
  off.jwt_cache_max_entries = 0;
  Fixture o(off);
  BOOST_TEST(o.auth(t1).ok());
  BOOST_TEST(o.auth(t1).ok());
  BOOST_TEST(o.state.verifications == 2u);
}

BOOST_AUTO_TEST_CASE(role_settings_come_before_the_role) {
  Settings s;
  s.search_path = "\"api\"";
  s.role = "app_user";
  s.role_settings = {{"statement_timeout", "4s"}, {"work_mem", "'; drop table x; --"}};
  Sql sql = build_settings(s);
  BOOST_TEST(sql.text.find("drop table") == std::string::npos);
  BOOST_TEST(sql.params.size() == 2u);
  BOOST_TEST(sql.params.at(0).value_or("").starts_with(
      R"({"search_path","statement_timeout","work_mem","role",)"));
  BOOST_TEST(sql.params.at(1).value_or("").starts_with(
      R"({"\"api\"","4s","'; drop table x; --","app_user",)"));
}

BOOST_AUTO_TEST_SUITE_END()
