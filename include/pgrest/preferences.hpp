// The Prefer header (RFC 7240) as PostgREST reads it: several headers and comma lists merge, the
// first recognised value of each family wins, anything else is collected in `invalid` (an error
// only with handling=strict, PGRST122). Schema-blind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgrest {

struct Preferences {
  std::optional<std::string> resolution;  // merge-duplicates | ignore-duplicates
  std::optional<std::string> missing;     // default | null
  std::optional<std::string> return_;     // minimal | headers-only | representation
  std::optional<std::string> count;       // exact | planned | estimated
  std::optional<std::string> tx;          // commit | rollback
  std::optional<std::string> handling;    // lenient | strict
  std::optional<std::string> timezone;
  std::optional<int64_t> max_affected;
  std::vector<std::string> invalid;       // unrecognised preferences, verbatim

  bool strict() const { return handling && *handling == "strict"; }
};

Preferences parse_preferences(const std::vector<std::string_view>& prefer_headers);

// Which preference families an action honoured (PostgREST echoes only those).
struct Applied {
  bool resolution = false, missing = false, return_ = false, count = false, tx = false,
       handling = false, timezone = false, max_affected = false;
};

// The Preference-Applied value: honoured families present in `p`, in PostgREST's fixed order
// (resolution, missing, return, count, tx, handling, timezone, max-affected); "" when none.
std::string preference_applied(const Preferences& p, const Applied& which);

}  // namespace pgrest
