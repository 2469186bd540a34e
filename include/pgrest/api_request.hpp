// Request → ApiRequest: which resource (root, relation, function), which schema (profile headers),
// what action (method), and the parsed query string, Prefer, Range and Accept. Schema-blind except
// for the configured schema list. Errors: PGRST100/103/106/117/122/125, PGRST101 for RPC methods.
#pragma once

#include <optional>
#include <string>

#include "pgrest/config.hpp"
#include "pgrest/http.hpp"
#include "pgrest/media_type.hpp"
#include "pgrest/preferences.hpp"
#include "pgrest/query_grammar.hpp"
#include "pgrest/range.hpp"

namespace pgrest {

enum class Target { root, relation, function };
enum class Action { read, insert, update, upsert, remove, call, options };

struct ApiRequest {
  Target target = Target::relation;
  Action action = Action::read;
  bool head = false;                 // HEAD: like GET without a body
  std::string schema;                // the selected schema
  bool profile_header = false;       // Accept-Profile / Content-Profile was sent
  std::string name;                  // table/view or function name, percent-decoded
  std::string method;                // as received
  std::string raw_path;              // for request.path
  QueryParams params;
  Preferences prefs;
  RowRange range;                    // top-level rows: Range header ∩ limit/offset
  std::vector<MediaType> accept;
};

Result<ApiRequest> parse_api_request(const Request& request, const Config& config);

}  // namespace pgrest
