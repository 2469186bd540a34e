// Test-only JWS signing with OpenSSL, for every algorithm pgrest verifies, and the public JWK of a
// key. Keys come from PEM files (the fixtures' fixed keys) or are generated on the spot.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <string>

namespace pgtest {

using Pkey = std::shared_ptr<EVP_PKEY>;

Pkey generate_key(const std::string& kind);  // "RSA", "P-256", "P-384", "P-521", "Ed25519", "Ed448"
Pkey read_private_key(const std::string& pem_path);

// {"kty":...} with kid (and alg) when given.
std::string public_jwk(const Pkey& key, const std::string& kid = "", const std::string& alg = "");

// header.payload.signature; `extra_header` is spliced into the header object, e.g. "\"kid\":\"a\"".
std::string sign_jws(const std::string& alg, const Pkey& key, const std::string& claims_json,
                     const std::string& extra_header = "");
std::string sign_hs(const std::string& alg, const std::string& secret,
                    const std::string& claims_json, const std::string& extra_header = "");

}  // namespace pgtest
