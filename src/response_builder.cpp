#include "pgrest/response_builder.hpp"

#include <charconv>

#include "json.hpp"
#include "pgrest/base64.hpp"

namespace pgrest {

std::string content_type(const Offer& media) {
  switch (media.output) {
    case Output::handler: return media.media;
    case Output::csv: return "text/csv; charset=utf-8";
    case Output::plan_text:
    case Output::plan_json: {
      auto f = media.params.find("for");
      std::string target = f == media.params.end() ? "application/json" : f->second;
      return std::string("application/vnd.pgrst.plan+") +
             (media.output == Output::plan_json ? "json" : "text") + "; for=\"" + target +
             "\"; charset=utf-8";
    }
    case Output::object: return "application/vnd.pgrst.object+json; charset=utf-8";
    case Output::object_stripped:
      return "application/vnd.pgrst.object+json; nulls=stripped; charset=utf-8";
    case Output::array_stripped:
      return "application/vnd.pgrst.array+json; nulls=stripped; charset=utf-8";
    default: return "application/json; charset=utf-8";
  }
}

// response.status / response.headers set by SQL override what we built (success responses only).
std::string read_preference_applied(const ApiRequest& api, const ReadPlan& plan,
                                    bool tx_overridable, bool max_affected) {
  Applied applied;
  applied.max_affected = max_affected;
  applied.count = true;
  applied.handling = true;
  applied.timezone = plan.timezone.has_value();
  applied.tx = tx_overridable;
  return preference_applied(api.prefs, applied);
}

Result<int> page_status(const ReadPlan& plan, const DbResult& db) {
  bool singular = plan.media.output == Output::object || plan.media.output == Output::object_stripped;
  if (singular && db.page_total != 1) return errors::singular(db.page_total);
  int64_t offset = plan.range.offset;
  int status = range_status(offset, db.page_total, db.total);
  if (status == 416) {
    Error e = errors::invalid_range("An offset of " + std::to_string(offset) +
                                    " was requested, but there are only " +
                                    std::to_string(*db.total) + " rows.");
    e.headers.push_back({"Content-Range", content_range(offset, 0, db.total)});
    return e;
  }
  return status;
}

Status apply_response_gucs(const DbResult& db, Response& res) {
  if (db.response_status) {
    int status = 0;
    const std::string& s = *db.response_status;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), status);
    if (ec != std::errc() || p != s.data() + s.size() || status < 100 || status > 999) {
      Error e;
      e.code = "PGRST112";
      e.message = "response.status guc must be a valid status code";
      return e;
    }
    res.status = status;
  }
  if (db.response_headers) {
    Error bad;
    bad.code = "PGRST111";
    bad.message = "response.headers guc must be a JSON array composed of objects with a single key and a string value";
    json::Ptr doc = json::parse(*db.response_headers);
    if (!doc || !cJSON_IsArray(doc.get())) return bad;
    std::vector<Header> extra;
    const cJSON* item = nullptr;
    cJSON_ArrayForEach(item, doc.get()) {
      if (!cJSON_IsObject(item) || cJSON_GetArraySize(item) != 1 ||
          !cJSON_IsString(item->child)) {
        return bad;
      }
      extra.push_back({item->child->string, item->child->valuestring});
    }
    // A name we already set is replaced; repeated names from SQL are all kept.
    for (const auto& h : extra) {
      std::erase_if(res.headers, [&](const Header& x) { return iequals(x.name, h.name); });
    }
    for (auto& h : extra) res.headers.push_back(std::move(h));
  }
  return Ok{};
}

Response explain_response(const ReadPlan& plan, const DbResult& db) {
  Response res;
  res.headers.push_back({"Content-Type", content_type(plan.media)});
  if (db.body) res.body = *db.body;
  return res;
}

Result<Response> read_response(const ApiRequest& api, const ReadPlan& plan, const DbResult& db,
                               bool tx_overridable) {
  if (plan.explain_for) return explain_response(plan, db);
  auto status = page_status(plan, db);
  if (!status) return status.take_error();
  Response res;
  int64_t offset = plan.range.offset;
  res.status = *status;
  res.headers.push_back({"Content-Type", content_type(plan.media)});
  res.headers.push_back({"Content-Range", content_range(offset, db.page_total, db.total)});
  std::string location = api.raw_path;
  if (!api.params.canonical.empty()) location += "?" + api.params.canonical;
  res.headers.push_back({"Content-Location", location});
  std::string prefs = read_preference_applied(api, plan, tx_overridable);
  if (!prefs.empty()) res.headers.push_back({"Preference-Applied", prefs});
  if (!api.head && db.body) {
    res.body = plan.media.output == Output::handler && plan.media.binary ? base64_decode(*db.body).value_or("")
                                                                          : *db.body;
  }
  return res;
}

}  // namespace pgrest
