// jwt-secret → the keys a token may be verified with, and JWS signature verification with OpenSSL
// (no libjwt: it lacks PS*/EdDSA/JWK in Debian's 1.10). The secret is a passphrase (HMAC), the
// same base64-encoded (jwt-secret-is-base64), `@/path` to a file holding either, a JWK or a JWKS
// {"keys":[...]}. Algorithms: HS256/384/512, RS256/384/512, PS256/384/512, ES256/384/512, EdDSA
// (Ed25519, Ed448); `alg: none` never. Errors: load_jwt_keys → start-up Error (500);
// verify_jws → PGRST301 with PostgREST v13's messages.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgrest/error.hpp"

namespace pgrest {

enum class KeyType { oct, rsa, ec, okp };

struct JwtKey {
  KeyType type = KeyType::oct;
  std::optional<std::string> kid, alg, use;  // the JWK's own fields, when given
  std::string secret;                        // oct: the HMAC key bytes
  std::shared_ptr<EVP_PKEY> pkey;            // rsa/ec/okp: the public key
  std::string curve;                         // ec: P-256/P-384/P-521; okp: Ed25519/Ed448
};

struct JwtKeySet {
  std::vector<JwtKey> keys;
};

// `secret` is the jwt-secret value as configured. Reads `@file` (one trailing newline dropped),
// base64-decodes when asked, then takes a JSON object as a JWK/JWKS and anything else as an HMAC
// passphrase (at least 32 characters unless base64-decoded).
Result<JwtKeySet> load_jwt_keys(std::string_view secret, bool is_base64);

// Verifies `token` (header.payload.signature) against `keys` as PostgREST's jose-jwt does: a
// header `kid` selects the keys with that kid, the algorithm selects keys of a matching type,
// and each candidate is tried. Returns the decoded payload bytes (not yet parsed).
Result<std::string> verify_jws(std::string_view token, const JwtKeySet& keys);

// base64url (RFC 4648 §5) without padding, as JWS uses it; nullopt on a bad character or length.
std::optional<std::string> base64url_decode(std::string_view in);
// Either alphabet, padding optional (jwt-secret-is-base64, JWK members).
std::optional<std::string> base64_decode_lenient(std::string_view in);
std::string base64url_encode(std::string_view bytes);

}  // namespace pgrest
