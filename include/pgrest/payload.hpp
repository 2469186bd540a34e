// Request body → Payload for table writes (POST/PATCH/PUT): the body as ONE JSON text that
// PostgreSQL expands itself (json_to_recordset), plus the key set that names the written columns.
// Schema-blind. JSON is checked with cJSON (valid, objects with uniform keys); CSV and
// x-www-form-urlencoded bodies are converted to the same JSON here. Errors: 400 PGRST102
// ("Empty or invalid json", "All object keys must match", "All lines must have same number of
// fields", "Content-Type not acceptable: <type>").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pgrest/error.hpp"
#include "pgrest/http.hpp"

namespace pgrest {

struct Payload {
  std::string json;               // JSON text: an object or an array of objects
  std::vector<std::string> keys;  // sorted, unique; empty for `{}`, `[]` and raw bodies
  bool raw = false;               // `columns=` given: the JSON was not inspected (PostgREST does
                                  // the same; PostgreSQL reports a bad body)
};

// `has_columns`: the query string carries `columns=`. A missing Content-Type means JSON.
Result<Payload> parse_payload(const Request& request, bool has_columns);

// RFC 4180 CSV (header line first, `NULL` → null, other values strings) → JSON array text.
Result<std::string> csv_to_json(std::string_view csv);

}  // namespace pgrest
