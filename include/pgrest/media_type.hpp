// Accept / Content-Type parsing and negotiation with q-values (PostgREST's order: by q, then by
// position). Schema-blind: the caller offers the media types its action can produce; no match is
// a 406 PGRST107.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "pgrest/error.hpp"

namespace pgrest {

struct MediaType {
  std::string type;        // lower case, e.g. "application"
  std::string subtype;     // lower case, e.g. "vnd.pgrst.object+json"
  std::map<std::string, std::string> params;  // lower-case names, e.g. nulls=stripped
  double q = 1.0;

  std::string essence() const { return type + "/" + subtype; }
};

MediaType parse_media_type(std::string_view text);
// Accept header → entries ordered by preference (no header = "*/*").
std::vector<MediaType> parse_accept(std::string_view accept);

// What the server can produce for the request.
enum class Output {
  json, object, array_stripped, object_stripped, csv, text_raw, plan_text, plan_json, handler
};

struct Offer {
  Output output = Output::json;
  std::string media;  // as written in Content-Type, e.g. "application/json"
  std::map<std::string, std::string> params = {};  // filled by negotiate(): the accepted entry's
  // Output::handler: the aggregate that renders the rows (a custom media type handler).
  std::string handler_schema = {}, handler_name = {};
  bool binary = false;     // handler output is bytea
  bool cast_row = false;   // pass the row cast to the relation's row type
};

// The first accepted entry that one of `offers` satisfies (`*/*` and `type/*` match the first
// offer of that type), else 406 PGRST107 naming what was asked for.
Result<Offer> negotiate(const std::vector<MediaType>& accepted, const std::vector<Offer>& offers);

}  // namespace pgrest
