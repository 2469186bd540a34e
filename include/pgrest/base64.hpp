// base64 (RFC 4648) for the few places bytes travel as text: bytea results, JWT segments and keys,
// Lambda event bodies.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgrest {

// `url_only`: the base64url alphabet alone, no padding, as JWS uses it. Otherwise either alphabet,
// with padding and line breaks ignored. nullopt on any other character or an impossible length.
std::optional<std::string> base64_decode(std::string_view in, bool url_only = false);

// Standard alphabet with padding, or (`url`) base64url without padding.
std::string base64_encode(std::string_view bytes, bool url = false);

}  // namespace pgrest
