// Row ranges: the Range header (GET only) intersected with limit/offset, the Content-Range
// response header, and the 200/206/416 decision when a total is known. Schema-blind.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pgrest/error.hpp"

namespace pgrest {

struct RowRange {
  int64_t offset = 0;
  std::optional<int64_t> limit;  // none = unbounded
};

// `Range: 0-9` → {0, 10}; `10-` → {10, none}. Anything not matching ^\d+-\d*$ is ignored
// (nullopt). A lower bound above the upper one is a 416 PGRST103.
std::optional<Result<RowRange>> parse_range_header(std::string_view value);

// The intersection of two ranges (Range header with limit/offset).
RowRange intersect(const RowRange& a, const RowRange& b);

// `0-9/*`, `*/0`, `*/*`, `10-19/200`.
std::string content_range(int64_t offset, int64_t rows, std::optional<int64_t> total);

// 200, 206 or 416 as PostgREST decides them (only a known total can yield 206/416).
int range_status(int64_t offset, int64_t rows, std::optional<int64_t> total);

}  // namespace pgrest
