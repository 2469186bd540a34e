#include "pgrest/jwt_keys.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "pgrest/base64.hpp"
#include "json.hpp"

namespace pgrest {
namespace {


// ---- OpenSSL RAII -----------------------------------------------------------------------------

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct BnFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct SigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

BnPtr bignum(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

std::shared_ptr<EVP_PKEY> from_params(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(raw, PkeyFree{});
}

// ---- JWK ------------------------------------------------------------------------------------

Error key_error(const std::string& where, const std::string& what) {
  return errors::config("invalid 'jwt-secret': " + where + what);
}

std::optional<std::string> member_bytes(const cJSON* jwk, const char* name) {
  auto v = json::get_string(jwk, name);
  if (!v) return std::nullopt;
  return base64_decode_lenient(*v);
}

size_t ec_coordinate_size(std::string_view curve) {
  if (curve == "P-256") return 32;
  if (curve == "P-384") return 48;
  if (curve == "P-521") return 66;
  return 0;
}

// A JWK object → a key; nullopt for a key type we do not know (skipped inside a JWKS).
Result<std::optional<JwtKey>> parse_jwk(const cJSON* jwk, const std::string& where) {
  JwtKey key;
  key.kid = json::get_string(jwk, "kid");
  key.alg = json::get_string(jwk, "alg");
  key.use = json::get_string(jwk, "use");
  std::string kty = json::get_string(jwk, "kty").value_or("");
  if (kty == "oct") {
    auto k = member_bytes(jwk, "k");
    if (!k) return key_error(where, "an \"oct\" JWK needs a base64url \"k\"");
    key.type = KeyType::oct;
    key.secret = std::move(*k);
  } else if (kty == "RSA") {
    auto n = member_bytes(jwk, "n");
    auto e = member_bytes(jwk, "e");
    if (!n || !e || n->empty() || e->empty()) {
      return key_error(where, "an \"RSA\" JWK needs base64url \"n\" and \"e\"");
    }
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    BnPtr bn_n = bignum(*n), bn_e = bignum(*e);
    if (!bld || !bn_n || !bn_e || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
      return key_error(where, "cannot build the RSA key");
    }
    key.type = KeyType::rsa;
    key.pkey = from_params("RSA", bld.get());
    if (!key.pkey) return key_error(where, "cannot build the RSA key");
  } else if (kty == "EC") {
    key.curve = json::get_string(jwk, "crv").value_or("");
    size_t size = ec_coordinate_size(key.curve);
    if (size == 0) return key_error(where, "unsupported EC curve \"" + key.curve + "\"");
    auto x = member_bytes(jwk, "x");
    auto y = member_bytes(jwk, "y");
    if (!x || !y || x->size() > size || y->size() > size) {
      return key_error(where, "an \"EC\" JWK needs base64url \"x\" and \"y\" of its curve's size");
    }
    // Uncompressed point: 0x04 || X || Y, each left-padded to the coordinate size.
    std::string point(1, '\x04');
    point += std::string(size - x->size(), '\0') + *x + std::string(size - y->size(), '\0') + *y;
    std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, key.curve.c_str(), 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size())) {
      return key_error(where, "cannot build the EC key");
    }
    key.type = KeyType::ec;
    key.pkey = from_params("EC", bld.get());
    std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> check(
        key.pkey ? EVP_PKEY_CTX_new_from_pkey(nullptr, key.pkey.get(), nullptr) : nullptr);
    if (!check || EVP_PKEY_public_check(check.get()) != 1) {
      return key_error(where, "the EC point is not on curve " + key.curve);
    }
  } else if (kty == "OKP") {
    key.curve = json::get_string(jwk, "crv").value_or("");
    int type = key.curve == "Ed25519" ? EVP_PKEY_ED25519 : key.curve == "Ed448" ? EVP_PKEY_ED448 : 0;
    if (type == 0) return key_error(where, "unsupported OKP curve \"" + key.curve + "\"");
    auto x = member_bytes(jwk, "x");
    if (!x) return key_error(where, "an \"OKP\" JWK needs a base64url \"x\"");
    EVP_PKEY* raw = EVP_PKEY_new_raw_public_key(
        type, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
    if (raw == nullptr) return key_error(where, "the " + key.curve + " public key has a wrong size");
    key.type = KeyType::okp;
    key.pkey = std::shared_ptr<EVP_PKEY>(raw, PkeyFree{});
  } else {
    return std::optional<JwtKey>();
  }
  return std::optional<JwtKey>(std::move(key));
}

// ---- verification ---------------------------------------------------------------------------

enum class Family { hmac, rsa, pss, ecdsa, eddsa };

struct AlgSpec {
  const char* name;
  Family family;
  const char* digest;  // EVP digest name; null for EdDSA
  const char* curve;   // ES*: the only curve it may use
};

constexpr AlgSpec kAlgs[] = {
    {"HS256", Family::hmac, "SHA256", nullptr},  {"HS384", Family::hmac, "SHA384", nullptr},
    {"HS512", Family::hmac, "SHA512", nullptr},  {"RS256", Family::rsa, "SHA256", nullptr},
    {"RS384", Family::rsa, "SHA384", nullptr},   {"RS512", Family::rsa, "SHA512", nullptr},
    {"PS256", Family::pss, "SHA256", nullptr},   {"PS384", Family::pss, "SHA384", nullptr},
    {"PS512", Family::pss, "SHA512", nullptr},   {"ES256", Family::ecdsa, "SHA256", "P-256"},
    {"ES384", Family::ecdsa, "SHA384", "P-384"}, {"ES512", Family::ecdsa, "SHA512", "P-521"},
    {"EdDSA", Family::eddsa, nullptr, nullptr},
};

const AlgSpec* find_alg(std::string_view name) {
  for (const auto& a : kAlgs) {
    if (name == a.name) return &a;
  }
  return nullptr;
}

bool key_fits(const JwtKey& k, const AlgSpec& alg, const std::optional<std::string>& kid) {
  if (kid && k.kid != kid) return false;
  if (k.use && *k.use == "enc") return false;
  if (k.alg && *k.alg != alg.name) return false;
  switch (alg.family) {
    case Family::hmac: return k.type == KeyType::oct;
    case Family::rsa:
    case Family::pss: return k.type == KeyType::rsa;
    case Family::ecdsa: return k.type == KeyType::ec && k.curve == alg.curve;
    case Family::eddsa: return k.type == KeyType::okp;
  }
  return false;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

bool verify_hmac(const JwtKey& k, const AlgSpec& alg, std::string_view input, std::string_view sig) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const EVP_MD* md = EVP_get_digestbyname(alg.digest);
  if (md == nullptr || HMAC(md, k.secret.data(), static_cast<int>(k.secret.size()), bytes(input),
                            input.size(), mac, &len) == nullptr) {
    return false;
  }
  return len == sig.size() && CRYPTO_memcmp(mac, sig.data(), len) == 0;
}

// JWS ES* signatures are R || S of fixed width; OpenSSL wants DER.
std::optional<std::string> ecdsa_der(std::string_view raw, size_t coord) {
  if (raw.size() != 2 * coord) return std::nullopt;
  std::unique_ptr<ECDSA_SIG, SigFree> sig(ECDSA_SIG_new());
  BnPtr r = bignum(raw.substr(0, coord)), s = bignum(raw.substr(coord));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // owned by sig now
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return std::nullopt;
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_ECDSA_SIG(sig.get(), &p);
  return der;
}

bool verify_pkey(const JwtKey& k, const AlgSpec& alg, std::string_view input, std::string_view sig) {
  std::string der;
  if (alg.family == Family::ecdsa) {
    auto d = ecdsa_der(sig, ec_coordinate_size(k.curve));
    if (!d) return false;
    der = std::move(*d);
    sig = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = alg.digest ? EVP_get_digestbyname(alg.digest) : nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, k.pkey.get()) != 1) return false;
  if (alg.family == Family::pss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), bytes(sig), sig.size(), bytes(input), input.size()) == 1;
}

Error crypto_failed() { return errors::jwt_decode("JWT cryptographic operation failed"); }

}  // namespace

std::optional<std::string> base64url_decode(std::string_view in) {
  return base64_decode(in, /*url_only=*/true);
}

std::optional<std::string> base64_decode_lenient(std::string_view in) { return base64_decode(in); }

std::string base64url_encode(std::string_view in) { return base64_encode(in, /*url=*/true); }

Result<JwtKeySet> load_jwt_keys(std::string_view secret, bool is_base64) {
  std::string text(secret);
  if (!text.empty() && text.front() == '@') {
    std::string path = text.substr(1);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return errors::config("cannot read the 'jwt-secret' file " + path + ": " + std::strerror(errno));
    }
    std::ostringstream content;
    content << in.rdbuf();
    text = content.str();
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
  }
  if (is_base64) {
    auto decoded = base64_decode_lenient(text);
    if (!decoded) return errors::config("invalid 'jwt-secret': not valid base64 (jwt-secret-is-base64)");
    text = std::move(*decoded);
  }
  JwtKeySet set;
  json::Ptr doc = !text.empty() && text.front() == '{' ? json::parse(text) : nullptr;
  if (doc && cJSON_IsObject(doc.get())) {
    const cJSON* keys = cJSON_GetObjectItemCaseSensitive(doc.get(), "keys");
    if (cJSON_IsArray(keys)) {
      int i = 0;
      const cJSON* item = nullptr;
      cJSON_ArrayForEach(item, keys) {
        std::string where = "JWKS key " + std::to_string(i++) + ": ";
        if (!cJSON_IsObject(item)) return key_error(where, "not a JSON object");
        auto key = parse_jwk(item, where);
        if (!key) return key.take_error();
        if (*key) set.keys.push_back(std::move(**key));
      }
      if (set.keys.empty()) return key_error("", "the JWKS holds no key of a supported type");
    } else {
      auto key = parse_jwk(doc.get(), "JWK: ");
      if (!key) return key.take_error();
      if (!*key) return key_error("JWK: ", "unsupported \"kty\" (expected oct, RSA, EC or OKP)");
      set.keys.push_back(std::move(**key));
    }
    return set;
  }
  if (!is_base64 && text.size() < 32) {
    return errors::config("'jwt-secret' must be at least 32 characters long");
  }
  JwtKey key;
  key.type = KeyType::oct;
  key.secret = std::move(text);
  set.keys.push_back(std::move(key));
  return set;
}

Result<std::string> verify_jws(std::string_view token, const JwtKeySet& keys) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = token.find('.', start);
    parts.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() != 3) {
    return errors::jwt_decode("Expected 3 parts in JWT; got " + std::to_string(parts.size()));
  }
  auto header_bytes = base64url_decode(parts[0]);
  if (!header_bytes) return crypto_failed();
  json::Ptr header = json::parse(*header_bytes);
  if (!header || !cJSON_IsObject(header.get())) return crypto_failed();
  auto alg_name = json::get_string(header.get(), "alg");
  if (!alg_name) return crypto_failed();
  if (*alg_name == "none") {
    return errors::jwt_decode("Wrong or unsupported encoding algorithm",
                              "JWT is unsecured but expected 'alg' was not 'none'");
  }
  const AlgSpec* alg = find_alg(*alg_name);
  if (alg == nullptr) return crypto_failed();  // jose-jwt cannot even parse such a header
  const cJSON* kid_item = cJSON_GetObjectItemCaseSensitive(header.get(), "kid");
  if (kid_item != nullptr && !cJSON_IsString(kid_item) && !cJSON_IsNull(kid_item)) {
    return crypto_failed();
  }
  std::optional<std::string> kid;
  if (cJSON_IsString(kid_item)) kid = kid_item->valuestring;
  auto payload = base64url_decode(parts[1]);
  auto signature = base64url_decode(parts[2]);
  if (!payload || !signature) return crypto_failed();

  std::string_view input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  bool candidate = false;
  for (const JwtKey& k : keys.keys) {
    if (!key_fits(k, *alg, kid)) continue;
    candidate = true;
    bool ok = alg->family == Family::hmac ? verify_hmac(k, *alg, input, *signature)
                                          : verify_pkey(k, *alg, input, *signature);
    if (ok) return std::move(*payload);
  }
  return errors::jwt_decode("No suitable key or wrong key type",
                            candidate ? "None of the keys was able to decode the JWT"
                                      : "No suitable key was found to decode the JWT");
}

}  // namespace pgrest
