// JWT attacks, with tokens built by hand (base64url + HMAC) so that malformed ones can be made:
// alg none, a tampered payload, HS/RS algorithm confusion, expired / not yet valid / wrong audience, a role claim naming a
// role not granted to the authenticator, a missing role and a superuser. Each is refused with
// PostgREST's status and code, and nothing runs as that role (a write it tried is not in the table).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <ctime>
#include <fstream>

#include "jwt_sign.hpp"

#include "hostile_util.hpp"
#include "spec_util.hpp"

namespace bdata = boost::unit_test::data;
using namespace pgtest;

namespace {

std::string b64url(const std::string& in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63], t[n & 63]};
  }
  if (i + 1 == in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    out += {t[n >> 18], t[(n >> 12) & 63]};
  } else if (i + 2 == in.size()) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8);
    out += {t[n >> 18], t[(n >> 12) & 63], t[(n >> 6) & 63]};
  }
  return out;
}

std::string hs256(const std::string& header, const std::string& claims) {
  std::string signing = b64url(header) + "." + b64url(claims);
  std::string secret = env("PGRST_JWT_SECRET");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing.data()), signing.size(), mac, &len);
  return signing + "." + b64url(std::string(reinterpret_cast<char*>(mac), len));
}

const std::string kHs = R"({"alg":"HS256","typ":"JWT"})";

HttpResponse with_token(const std::string& fe, const std::string& token) {
  return get(fe, "/items?id=eq.1&select=id", {{"Authorization", "Bearer " + token}});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jwt_attacks)

BOOST_DATA_TEST_CASE(the_control_token_is_accepted, bdata::make(kFrontends), fe) {
  auto r = with_token(fe, hs256(kHs, R"({"role":"web_user"})"));
  BOOST_TEST(r.status == 200, r.body);
}

BOOST_DATA_TEST_CASE(alg_none_and_tampering_are_PGRST301, bdata::make(kFrontends), fe) {
  std::string claims = R"({"role":"web_user"})";
  for (const char* none : {R"({"alg":"none","typ":"JWT"})", R"({"alg":"None"})", R"({"alg":"NONE"})"}) {
    auto r = with_token(fe, b64url(none) + "." + b64url(claims) + ".");
    BOOST_TEST_INFO(none);
    CHECK_ERROR(r, 401, "PGRST301");
    auto no_dot = with_token(fe, b64url(none) + "." + b64url(claims));
    CHECK_ERROR(no_dot, 401, "PGRST301");
  }
  // A valid signature over other claims, with the payload swapped for a superuser's.
  std::string good = hs256(kHs, claims);
  std::string forged = good.substr(0, good.find('.')) + "." + b64url(R"({"role":"postgres"})") +
                       good.substr(good.rfind('.'));
  CHECK_ERROR(with_token(fe, forged), 401, "PGRST301");
  // Signed with an empty key, or the header claiming another HMAC.
  CHECK_ERROR(with_token(fe, b64url(R"({"alg":"HS512"})") + good.substr(good.find('.'))), 401, "PGRST301");
  CHECK_ERROR(with_token(fe, good.substr(0, good.rfind('.') + 1)), 401, "PGRST301");
}

BOOST_AUTO_TEST_CASE(hs_rs_algorithm_confusion_is_PGRST301) {
  // The server trusts one RSA public key. An attacker who knows it signs HS256 tokens with it as the
  // HMAC secret: as PEM, as the JWK text, as the raw modulus. None may verify.
  Pkey rsa = generate_key("RSA");
  std::string jwk = public_jwk(rsa, "rsa");
  std::string jwk_path = env("PGREST_TEST_DIR") + "/rsa-public.jwk";
  std::ofstream(jwk_path) << jwk;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, rsa.get());
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  std::vector<std::string> config = {"PGRST_JWT_SECRET=@" + jwk_path};
  std::string claims = R"({"role":"web_user"})";
  auto legit = cgi("GET", "/items?id=eq.1&select=id", config,
                   {{"Authorization", "Bearer " + sign_jws("RS256", rsa, claims, "\"kid\":\"rsa\"")}});
  BOOST_TEST(legit.status == 200, legit.body);
  for (const std::string& secret : {pem, jwk, pem.substr(0, pem.size() - 1)}) {
    for (const char* alg : {"HS256", "HS384", "HS512"}) {
      for (const char* header : {"", "\"kid\":\"rsa\""}) {
        auto r = cgi("GET", "/items?id=eq.1&select=id", config,
                     {{"Authorization", "Bearer " + sign_hs(alg, secret, claims, header)}});
        BOOST_TEST_INFO(alg << " " << header);
        CHECK_ERROR(r, 401, "PGRST301");
      }
    }
  }
}

BOOST_DATA_TEST_CASE(time_and_audience_claims_are_PGRST303, bdata::make(kFrontends), fe) {
  long now = static_cast<long>(std::time(nullptr));
  auto expired = with_token(fe, hs256(kHs, R"({"role":"web_user","exp":)" + std::to_string(now - 60) + "}"));
  CHECK_ERROR(expired, 401, "PGRST303");
  BOOST_TEST(expired.body.find("JWT expired") != std::string::npos, expired.body);
  auto early = with_token(fe, hs256(kHs, R"({"role":"web_user","nbf":)" + std::to_string(now + 600) + "}"));
  CHECK_ERROR(early, 401, "PGRST303");
  BOOST_TEST(early.body.find("JWT not yet valid") != std::string::npos, early.body);
}

BOOST_AUTO_TEST_CASE(a_wrong_audience_is_PGRST303) {
  std::string token = hs256(kHs, R"({"role":"web_user","aud":"someone-else"})");
  auto r = cgi("GET", "/items?id=eq.1&select=id", {"PGRST_JWT_AUD=pgrest-tests"},
               {{"Authorization", "Bearer " + token}});
  CHECK_ERROR(r, 401, "PGRST303");
  BOOST_TEST(r.body.find("JWT not in audience") != std::string::npos, r.body);
  auto ok = cgi("GET", "/items?id=eq.1&select=id", {"PGRST_JWT_AUD=pgrest-tests"},
                {{"Authorization", "Bearer " + hs256(kHs, R"({"role":"web_user","aud":"pgrest-tests"})")}});
  BOOST_TEST(ok.status == 200, ok.body);
}

BOOST_DATA_TEST_CASE(roles_the_authenticator_cannot_become_run_nothing, bdata::make(kFrontends), fe) {
  sql_exec("do $$ begin if not exists (select from pg_roles where rolname = 'outsider') then "
           "create role outsider nologin; end if; end $$; grant all on test.w_items to outsider");
  const std::string before = db_digest();
  struct Attempt { const char* role; int status; const char* code; };
  // 401 for a role the authenticator may not switch to, as for an unknown one (main's choice;
  // PostgREST v13 answers 403 there).
  for (const Attempt& a : {Attempt{"postgres", 401, "42501"}, Attempt{"outsider", 401, "42501"},
                           Attempt{"pg_read_server_files", 401, "42501"},
                           Attempt{"no_such_role", 401, "22023"}}) {
    std::string token = hs256(kHs, std::string(R"({"role":")") + a.role + "\"}");
    BOOST_TEST_CONTEXT(a.role) {
      CHECK_ERROR(with_token(fe, token), a.status, a.code);
      // A write as that role: refused before the statement runs, nothing in the table.
      auto w = http("POST", base_url(fe), "/w_items",
                    {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}},
                    R"({"id": 9901, "name": "owned"})");
      CHECK_ERROR(w, a.status, a.code);
    }
  }
  BOOST_TEST(sql_value("select count(*) from test.w_items where id = 9901").value_or("") == "0");
  BOOST_TEST(db_digest() == before);
  sql_exec("revoke all on test.w_items from outsider; drop role outsider");
}

BOOST_AUTO_TEST_SUITE_END()
