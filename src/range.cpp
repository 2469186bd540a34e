#include "pgrest/range.hpp"

#include <algorithm>
#include <charconv>

namespace pgrest {
namespace {
std::optional<int64_t> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return n;
}
}  // namespace

std::optional<Result<RowRange>> parse_range_header(std::string_view value) {
  size_t dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto lower = digits(value.substr(0, dash));
  std::string_view rest = value.substr(dash + 1);
  if (!lower || (!rest.empty() && !digits(rest)) ||
      !std::all_of(value.begin(), value.begin() + dash, [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  RowRange r{*lower, std::nullopt};
  if (!rest.empty()) {
    int64_t upper = *digits(rest);
    if (upper < *lower) {
      return Result<RowRange>(errors::invalid_range(
          "The lower boundary must be lower than or equal to the upper boundary in the Range "
          "header."));
    }
    // 0-9223372036854775807 counts one row more than int64_t holds: saturate, as limit= does.
    r.limit = upper - *lower < INT64_MAX ? upper - *lower + 1 : INT64_MAX;
  }
  return Result<RowRange>(r);
}

RowRange intersect(const RowRange& a, const RowRange& b) {
  RowRange r;
  r.offset = std::max(a.offset, b.offset);
  auto end = [](const RowRange& x) -> std::optional<int64_t> {
    if (!x.limit) return std::nullopt;
    int64_t sum = 0;
    // Offsets and limits saturate at INT64_MAX, so the end does too.
    return __builtin_add_overflow(x.offset, *x.limit, &sum) ? INT64_MAX : sum;
  };
  auto ea = end(a), eb = end(b);
  std::optional<int64_t> e = ea && eb ? std::min(*ea, *eb) : (ea ? ea : eb);
  if (e) r.limit = std::max<int64_t>(0, *e - r.offset);
  return r;
}

std::string content_range(int64_t offset, int64_t rows, std::optional<int64_t> total) {
  int64_t upper = offset + rows - 1;
  std::string range = (total != 0 && offset <= upper)
                          ? std::to_string(offset) + "-" + std::to_string(upper)
                          : "*";
  return range + "/" + (total ? std::to_string(*total) : "*");
}

int range_status(int64_t offset, int64_t rows, std::optional<int64_t> total) {
  if (!total) return 200;
  if (offset > *total) return 416;
  if (rows < *total) return 206;
  return 200;
}

}  // namespace pgrest
