#include "jwt_sign.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "pgrest/jwt_keys.hpp"

namespace pgtest {
namespace {

Pkey wrap(EVP_PKEY* p) {
  if (p == nullptr) throw std::runtime_error("OpenSSL key operation failed");
  return Pkey(p, EVP_PKEY_free);
}

std::string bn_param(const Pkey& key, const char* name, size_t pad) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), name, &bn) != 1) throw std::runtime_error(name);
  std::string out(pad ? pad : static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
  BN_free(bn);
  return pgrest::base64url_encode(out);
}

std::string curve_of(const Pkey& key) {
  char name[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) {
    return "";
  }
  std::string n(name);
  if (n == "prime256v1" || n == "P-256") return "P-256";
  if (n == "secp384r1" || n == "P-384") return "P-384";
  if (n == "secp521r1" || n == "P-521") return "P-521";
  return n;
}

size_t coord(const std::string& curve) {
  return curve == "P-256" ? 32 : curve == "P-384" ? 48 : 66;
}

std::string sign_bytes(const std::string& alg, const Pkey& key, const std::string& input) {
  const char* digest = alg.find("256") != std::string::npos   ? "SHA256"
                       : alg.find("384") != std::string::npos ? "SHA384"
                       : alg.find("512") != std::string::npos ? "SHA512"
                                                              : nullptr;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  const EVP_MD* md = alg == "EdDSA" ? nullptr : EVP_get_digestbyname(digest);
  if (EVP_DigestSignInit(ctx, &pctx, md, nullptr, key.get()) != 1) throw std::runtime_error("sign init");
  if (alg[0] == 'P') {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx, nullptr, &len, in, input.size());
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, input.size()) != 1) {
    throw std::runtime_error("sign");
  }
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (alg[0] == 'E' && alg != "EdDSA") {  // DER → R || S
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    size_t n = coord(curve_of(key));
    std::string raw(2 * n, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n));
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data() + n), static_cast<int>(n));
    ECDSA_SIG_free(es);
    return raw;
  }
  return sig;
}

std::string signing_input(const std::string& alg, const std::string& claims, const std::string& extra) {
  std::string header = "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"" + (extra.empty() ? "" : "," + extra) + "}";
  return pgrest::base64url_encode(header) + "." + pgrest::base64url_encode(claims);
}

}  // namespace

Pkey generate_key(const std::string& kind) {
  if (kind == "RSA") return wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  if (kind == "Ed25519") return wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (kind == "Ed448") return wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448"));
  return wrap(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", kind.c_str()));
}

Pkey read_private_key(const std::string& pem_path) {
  FILE* f = std::fopen(pem_path.c_str(), "r");
  if (f == nullptr) throw std::runtime_error("cannot open " + pem_path);
  EVP_PKEY* p = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
  std::fclose(f);
  return wrap(p);
}

std::string public_jwk(const Pkey& key, const std::string& kid, const std::string& alg) {
  std::string extra;
  if (!kid.empty()) extra += ",\"kid\":\"" + kid + "\"";
  if (!alg.empty()) extra += ",\"alg\":\"" + alg + "\"";
  int id = EVP_PKEY_get_base_id(key.get());
  if (id == EVP_PKEY_RSA) {
    return "{\"kty\":\"RSA\",\"n\":\"" + bn_param(key, OSSL_PKEY_PARAM_RSA_N, 0) + "\",\"e\":\"" +
           bn_param(key, OSSL_PKEY_PARAM_RSA_E, 0) + "\"" + extra + "}";
  }
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) {
    size_t len = 0;
    EVP_PKEY_get_raw_public_key(key.get(), nullptr, &len);
    std::string raw(len, '\0');
    EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len);
    return std::string("{\"kty\":\"OKP\",\"crv\":\"") + (id == EVP_PKEY_ED25519 ? "Ed25519" : "Ed448") +
           "\",\"x\":\"" + pgrest::base64url_encode(raw) + "\"" + extra + "}";
  }
  std::string curve = curve_of(key);
  return "{\"kty\":\"EC\",\"crv\":\"" + curve + "\",\"x\":\"" +
         bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, coord(curve)) + "\",\"y\":\"" +
         bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, coord(curve)) + "\"" + extra + "}";
}

std::string sign_jws(const std::string& alg, const Pkey& key, const std::string& claims_json,
                     const std::string& extra_header) {
  std::string input = signing_input(alg, claims_json, extra_header);
  return input + "." + pgrest::base64url_encode(sign_bytes(alg, key, input));
}

std::string sign_hs(const std::string& alg, const std::string& secret,
                    const std::string& claims_json, const std::string& extra_header) {
  std::string input = signing_input(alg, claims_json, extra_header);
  const EVP_MD* md = EVP_get_digestbyname(alg == "HS256" ? "SHA256" : alg == "HS384" ? "SHA384" : "SHA512");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(md, secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + pgrest::base64url_encode(std::string(reinterpret_cast<char*>(mac), len));
}

}  // namespace pgtest
