// jwt-role-claim-key: PostgREST v13's JSPath, compiled once at start-up and walked per token.
// Grammar: one or more `.key` / `."quoted key"` steps (bare keys: letters, digits, _ $ @), each
// followed by any number of `[n]` (array index), `[?(@ op "text")]` (the first string element of an
// array matching: == != ^== (prefix) ==^ (suffix) *== (contains)) or `[a:b]` (Python-style slice
// of a string, negative bounds allowed). A bad path is a start-up error naming the value.
#pragma once

#include <cjson/cJSON.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pgrest/error.hpp"

namespace pgrest {

struct ClaimStep {
  enum class Kind { key, index, filter, slice } kind = Kind::key;
  std::string text;  // key: the name; filter: the right operand
  enum class Op { eq, neq, prefix, suffix, contains } op = Op::eq;
  long index = 0;                    // index
  std::optional<long> from, to;      // slice bounds
};

using ClaimPath = std::vector<ClaimStep>;

Result<ClaimPath> parse_claim_path(std::string_view path);

// The role the path selects in `claims`: a string as is, any other JSON value JSON-encoded (null
// too, as PostgREST does: it then fails as an unknown role); nullopt when nothing is there or a
// slice leaves an empty string.
std::optional<std::string> select_role(const cJSON* claims, const ClaimPath& path);

}  // namespace pgrest
