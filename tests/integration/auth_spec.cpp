// JWT authentication over HTTP (FastCGI and CGI behind lighttpd) with the harness's HS256 secret,
// and the jwt-secret forms (base64, @file, JWK) and jwt-aud / jwt-role-claim-key settings through
// the CGI binary exec'd with its own environment.
#include <unistd.h>

#include <fstream>

#include "jwt_sign.hpp"
#include "pgrest/jwt_keys.hpp"
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::string hs(const std::string& claims) {
  return sign_hs("HS256", env("PGRST_JWT_SECRET"), claims);
}

// The WWW-Authenticate PostgREST sends with a rejected token.
std::string invalid_token(const std::string& description) {
  return "Bearer error=\"invalid_token\", error_description=\"" + description + "\"";
}

std::string error_body(const std::string& code, const std::string& message,
                       const std::string& details = "null") {
  return R"({"code":")" + code + R"(","details":)" + details + R"(,"hint":null,"message":")" +
         message + R"("})";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_DATA_TEST_CASE(bearer_scheme_any_case_and_empty_token, bdata::make(kFrontends), fe) {
  std::string token = hs(R"({"role":"web_user"})");
  for (const char* scheme : {"Bearer ", "bearer ", "BEARER "}) {
    auto r = get(fe, "/secrets?select=secret", {{"Authorization", scheme + token}});
    BOOST_TEST(r.status == 200, scheme << r.body);
    BOOST_TEST(json_norm(r.body) == R"([{"secret":"hunter2"}])");
  }
  auto empty = get(fe, "/items", {{"Authorization", "Bearer "}});
  CHECK_ERROR(empty, 401, "PGRST301");
  BOOST_TEST(json_norm(empty.body) ==
             error_body("PGRST301", "Empty JWT is sent in Authorization header"));
  BOOST_TEST(empty.header("www-authenticate").value_or("") ==
             invalid_token("Empty JWT is sent in Authorization header"));
  // Another scheme is no token at all: the anonymous role.
  auto basic = get(fe, "/request_info?select=role", {{"Authorization", "Basic dXNlcjpwYXNz"}});
  BOOST_TEST(json_norm(basic.body) == R"([{"role":"web_anon"}])");
}

BOOST_DATA_TEST_CASE(claims_are_checked_with_skew, bdata::make(kFrontends), fe) {
  long now = static_cast<long>(time(nullptr));
  auto with = [&](const std::string& claim, long value) {
    return get(fe, "/request_info?select=role",
               bearer(hs(R"({"role":"web_user",")" + claim + "\":" + std::to_string(value) + "}")));
  };
  BOOST_TEST(with("exp", now - 10).status == 200);  // within the 30 s skew
  BOOST_TEST(with("nbf", now + 10).status == 200);
  BOOST_TEST(with("iat", now + 10).status == 200);
  struct Case {
    const char* claim;
    long value;
    const char* message;
  };
  for (const Case& c : {Case{"exp", now - 120, "JWT expired"}, Case{"nbf", now + 120, "JWT not yet valid"},
                        Case{"iat", now + 120, "JWT issued at future"}}) {
    auto r = with(c.claim, c.value);
    CHECK_ERROR(r, 401, "PGRST303");
    BOOST_TEST(json_norm(r.body) == error_body("PGRST303", c.message));
    BOOST_TEST(r.header("www-authenticate").value_or("") == invalid_token(c.message));
  }
  auto not_number = get(fe, "/items", bearer(hs(R"({"role":"web_user","exp":"tomorrow"})")));
  BOOST_TEST(json_norm(not_number.body) ==
             error_body("PGRST303", "The JWT 'exp' claim must be a number"));
  auto bad_aud = get(fe, "/items", bearer(hs(R"({"role":"web_user","aud":42})")));
  BOOST_TEST(json_norm(bad_aud.body) ==
             error_body("PGRST303", "The JWT 'aud' claim must be a string or an array of strings"));
}

BOOST_DATA_TEST_CASE(tampered_and_foreign_tokens_are_refused, bdata::make(kFrontends), fe) {
  std::string token = hs(R"({"role":"web_anon"})");
  // Same header and signature, a payload that claims another role.
  std::string forged = token.substr(0, token.find('.') + 1) +
                       pgrest::base64url_encode(R"({"role":"web_user"})") +
                       token.substr(token.rfind('.'));
  auto r = get(fe, "/secrets", bearer(forged));
  CHECK_ERROR(r, 401, "PGRST301");
  BOOST_TEST(json_norm(r.body) == error_body("PGRST301", "No suitable key or wrong key type",
                                             "\"None of the keys was able to decode the JWT\""));
  BOOST_TEST(r.header("www-authenticate").value_or("") ==
             invalid_token("No suitable key or wrong key type"));
  // Signed with a key of another type (an ES256 token against an HMAC secret).
  auto es = get(fe, "/items", bearer(sign_jws("ES256", generate_key("P-256"), R"({"role":"web_user"})")));
  BOOST_TEST(json_norm(es.body) == error_body("PGRST301", "No suitable key or wrong key type",
                                              "\"No suitable key was found to decode the JWT\""));
  std::string none = pgrest::base64url_encode(R"({"alg":"none"})") + "." +
                     pgrest::base64url_encode(R"({"role":"web_user"})") + ".";
  auto n = get(fe, "/secrets", bearer(none));
  BOOST_TEST(json_norm(n.body) ==
             error_body("PGRST301", "Wrong or unsupported encoding algorithm",
                        "\"JWT is unsecured but expected 'alg' was not 'none'\""));
  auto parts = get(fe, "/items", bearer("abc.def"));
  BOOST_TEST(json_norm(parts.body) == error_body("PGRST301", "Expected 3 parts in JWT; got 2"));
}

BOOST_DATA_TEST_CASE(privilege_errors_401_anonymous_403_authenticated, bdata::make(kFrontends), fe) {
  // cheap_items is granted to web_anon only.
  auto r = get(fe, "/cheap_items", bearer(hs(R"({"role":"web_user"})")));
  CHECK_ERROR(r, 403, "42501");
  BOOST_TEST(json_norm(r.body) == error_body("42501", "permission denied for view cheap_items"));
  BOOST_TEST(!r.has_header("www-authenticate"));
  // A token naming the anonymous role is treated as anonymous: 401.
  auto anon = get(fe, "/secrets", bearer(hs(R"({"role":"web_anon"})")));
  CHECK_ERROR(anon, 401, "42501");
  BOOST_TEST(anon.header("www-authenticate").value_or("") == "Bearer");
}

BOOST_DATA_TEST_CASE(claims_reach_sql_with_the_role, bdata::make(kFrontends), fe) {
  auto r = get(fe, "/request_info?select=role,claims",
               bearer(hs(R"({"sub":"42","role":"web_user","https://x/y":[1,2]})")));
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) ==
             R"([{"role":"web_user","claims":"{\"sub\":\"42\",\"https://x/y\":[1,2],\"role\":\"web_user\"}"}])");
  // No role in the token: the anonymous role, also written into the claims.
  auto norole = get(fe, "/request_info?select=role,claims", bearer(hs(R"({"sub":"42"})")));
  BOOST_TEST(json_norm(norole.body) ==
             R"([{"role":"web_anon","claims":"{\"sub\":\"42\",\"role\":\"web_anon\"}"}])");
}

// --- configuration variants: the CGI binary with its own environment --------------------------

BOOST_AUTO_TEST_CASE(secret_as_base64_file_and_jwk) {
  const std::string secret = "a-binary-\x01\x02-secret-of-some-length";
  std::string b64 = pgrest::base64url_encode(secret);
  auto r = cgi("GET", "/request_info?select=role", {"PGRST_JWT_SECRET=" + b64, "PGRST_JWT_SECRET_IS_BASE64=true"},
               bearer(sign_hs("HS512", secret, R"({"role":"web_user"})")));
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) == R"([{"role":"web_user"}])");

  std::string path = env("PGREST_TEST_DIR") + "/jwt-secret-" + std::to_string(getpid());
  std::ofstream(path) << env("PGRST_JWT_SECRET") << "\n";
  auto f = cgi("GET", "/request_info?select=role", {"PGRST_JWT_SECRET=@" + path},
               bearer(hs(R"({"role":"web_user"})")));
  BOOST_TEST(json_norm(f.body) == R"([{"role":"web_user"}])");

  for (std::string alg : {"RS256", "PS384", "ES256", "EdDSA"}) {
    Pkey key = generate_key(alg[0] == 'R' || alg[0] == 'P' ? "RSA" : alg == "ES256" ? "P-256" : "Ed25519");
    std::ofstream(path) << public_jwk(key, "k1");
    auto a = cgi("GET", "/request_info?select=role", {"PGRST_JWT_SECRET=@" + path},
                 bearer(sign_jws(alg, key, R"({"role":"web_user"})", R"("kid":"k1")")));
    BOOST_TEST(json_norm(a.body) == R"([{"role":"web_user"}])", alg << ": " << a.body);
    auto wrong = cgi("GET", "/request_info", {"PGRST_JWT_SECRET=@" + path},
                     bearer(sign_jws(alg, key, R"({"role":"web_user"})", R"("kid":"k2")")));
    CHECK_ERROR(wrong, 401, "PGRST301");
  }
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(secret_problems) {
  auto none = cgi("GET", "/items", {"PGRST_JWT_SECRET="}, bearer(hs(R"({"role":"web_user"})")));
  CHECK_ERROR(none, 500, "PGRST300");
  BOOST_TEST(json_norm(none.body) == error_body("PGRST300", "Server lacks JWT secret"));
  auto anon = cgi("GET", "/request_info?select=role", {"PGRST_JWT_SECRET="});
  BOOST_TEST(json_norm(anon.body) == R"([{"role":"web_anon"}])");  // no token: still served
  auto short_secret = cgi("GET", "/items", {"PGRST_JWT_SECRET=tooshort"});
  BOOST_TEST(short_secret.status == 500);
  BOOST_TEST(short_secret.body.find("must be at least 32 characters long") != std::string::npos,
             short_secret.body);
  auto missing_file = cgi("GET", "/items", {"PGRST_JWT_SECRET=@/nonexistent/jwt.key"});
  BOOST_TEST(missing_file.status == 500);
  BOOST_TEST(missing_file.body.find("/nonexistent/jwt.key") != std::string::npos, missing_file.body);
  auto bad_key = cgi("GET", "/items", {"PGRST_JWT_ROLE_CLAIM_KEY=.roles[?(@ = \"x\")]"});
  BOOST_TEST(bad_key.status == 500);
  BOOST_TEST(bad_key.body.find("failed to parse role-claim-key value") != std::string::npos,
             bad_key.body);
}

BOOST_AUTO_TEST_CASE(audience_and_role_claim_key_settings) {
  auto in = cgi("GET", "/request_info?select=role", {"PGRST_JWT_AUD=pgrest-api"},
                bearer(hs(R"({"role":"web_user","aud":["other","pgrest-api"]})")));
  BOOST_TEST(json_norm(in.body) == R"([{"role":"web_user"}])");
  auto out = cgi("GET", "/request_info", {"PGRST_JWT_AUD=pgrest-api"},
                 bearer(hs(R"({"role":"web_user","aud":"other"})")));
  CHECK_ERROR(out, 401, "PGRST303");
  BOOST_TEST(json_norm(out.body) == error_body("PGRST303", "JWT not in audience"));

  std::string keycloak = R"({"realm_access":{"roles":["offline_access","app:web_user"]}})";
  auto r = cgi("GET", "/request_info?select=role,claims",
               {"PGRST_JWT_ROLE_CLAIM_KEY=.realm_access.roles[?(@ ^== \"app:\")][4:]"},
               bearer(hs(keycloak)));
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(json_norm(r.body) ==
             R"([{"role":"web_user","claims":"{\"realm_access\":{\"roles\":[\"offline_access\",\"app:web_user\"]},\"role\":\"web_user\"}"}])");
  auto quoted = cgi("GET", "/request_info?select=role",
                    {"PGRST_JWT_ROLE_CLAIM_KEY=.\"https://example.com/claims\".roles[1]"},
                    bearer(hs(R"({"https://example.com/claims":{"roles":["a","web_user"]}})")));
  BOOST_TEST(json_norm(quoted.body) == R"([{"role":"web_user"}])");
}

BOOST_AUTO_TEST_SUITE_END()
