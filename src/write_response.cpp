#include "pgrest/write_response.hpp"

#include "json.hpp"
#include "pgrest/response_builder.hpp"
#include "pgrest/write_guard.hpp"

namespace pgrest {
namespace {

// http-types' urlEncode for query strings: unreserved characters kept, space as '+'.
std::string query_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}


}  // namespace

std::string location_header(const Table& t, std::string_view pk_values_json) {
  std::string out = "/" + t.name;
  json::Ptr doc = json::parse(pk_values_json);
  if (!doc || !cJSON_IsArray(doc.get())) return out;
  size_t i = 0;
  for (const cJSON* v = doc->child; v != nullptr && i < t.pk.size(); v = v->next, ++i) {
    out += i ? "&" : "?";
    out += query_encode(t.pk[i]) + "=";
    out += cJSON_IsString(v) ? query_encode(std::string("eq.") + v->valuestring) : "is.null";
  }
  return out;
}

Result<Response> write_response(const MutatePlan& plan, const DbResult& db) {
  if (db.guard) {
    if (auto e = guard_error(*db.guard)) return *e;
  }
  if (plan.read.explain_for) return explain_response(plan.read, db);
  Response res;
  int64_t n = db.page_total;
  std::optional<int64_t> total;
  if (plan.count) total = n;
  bool body = plan.ret == Return::representation;
  switch (plan.action) {
    case Action::insert: {
      bool merge = plan.resolution && *plan.resolution == "merge-duplicates";
      res.status = merge && db.inserted.value_or(0) <= 0 ? 200 : 201;
      if (plan.location && db.location) res.headers.push_back({"Location", location_header(plan.read.table, *db.location)});
      res.headers.push_back({"Content-Range", content_range(0, 0, total)});
      break;
    }
    case Action::upsert:
      res.status = body ? (db.inserted.value_or(0) > 0 ? 201 : 200) : 204;
      break;
    case Action::update:
      res.status = body ? 200 : 204;
      res.headers.push_back({"Content-Range", content_range(0, n, total)});
      break;
    default:
      res.status = body ? 200 : 204;
      res.headers.push_back({"Content-Range", content_range(0, 0, total)});
      break;
  }
  if (!plan.preference_applied.empty()) {
    res.headers.push_back({"Preference-Applied", plan.preference_applied});
  }
  if (body) {
    res.headers.push_back({"Content-Type", content_type(plan.read.media)});
    if (db.body) res.body = *db.body;
  }
  return res;
}

}  // namespace pgrest
