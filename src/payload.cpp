#include "pgrest/payload.hpp"

#include <algorithm>

#include "json.hpp"
#include "pgrest/media_type.hpp"
#include "pgrest/query_grammar.hpp"

namespace pgrest {
namespace {

std::vector<std::string> object_keys(const cJSON* obj) {
  std::vector<std::string> keys;
  for (const cJSON* c = obj->child; c != nullptr; c = c->next) keys.emplace_back(c->string);
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

// PostgREST's payloadAttributes: an object, an array of objects with one key set, or anything
// else read as an empty array (nothing is written).
Result<Payload> json_payload(std::string body) {
  json::Ptr doc = json::parse(body);
  if (!doc) return errors::invalid_body("Empty or invalid json");
  Payload p;
  if (cJSON_IsObject(doc.get())) {
    p.keys = object_keys(doc.get());
    p.json = std::move(body);
    return p;
  }
  if (!cJSON_IsArray(doc.get()) || doc->child == nullptr) {
    p.json = "[]";
    return p;
  }
  if (!cJSON_IsObject(doc->child)) return errors::invalid_body("All object keys must match");
  p.keys = object_keys(doc->child);
  for (const cJSON* e = doc->child->next; e != nullptr; e = e->next) {
    if (!cJSON_IsObject(e) || object_keys(e) != p.keys) {
      return errors::invalid_body("All object keys must match");
    }
  }
  p.json = std::move(body);
  return p;
}

Result<Payload> form_payload(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> pairs = split_query(body);
  // Repeated keys: the last value wins, as in PostgREST.
  std::vector<std::pair<std::string, std::string>> unique;
  for (auto& kv : pairs) {
    auto it = std::find_if(unique.begin(), unique.end(), [&](const auto& u) { return u.first == kv.first; });
    if (it != unique.end()) it->second = std::move(kv.second); else unique.push_back(std::move(kv));
  }
  Payload p;
  p.json = "{";
  for (size_t i = 0; i < unique.size(); ++i) {
    if (i) p.json += ',';
    json::append_quoted(p.json, unique[i].first);
    p.json += ':';
    json::append_quoted(p.json, unique[i].second);
    p.keys.push_back(unique[i].first);
  }
  p.json += "}";
  std::sort(p.keys.begin(), p.keys.end());
  return p;
}

}  // namespace

Result<std::string> csv_to_json(std::string_view csv) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, field_started = false;
  size_t i = 0;
  auto end_field = [&] {
    record.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    records.push_back(std::move(record));
    record.clear();
  };
  while (i < csv.size()) {
    char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c == '"') quoted = false; else field += c;
      ++i;
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') {
      end_record();
      ++i;
    } else if (c == '\n') {
      end_record();
    } else {
      field += c;
      field_started = true;
    }
    ++i;
  }
  if (quoted) return errors::invalid_body("Error in CSV input: unterminated quoted field");
  if (field_started || !record.empty()) end_record();
  if (records.empty()) return std::string("[]");
  const auto& header = records.front();
  std::string out = "[";
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != header.size()) {
      return errors::invalid_body("All lines must have same number of fields");
    }
    if (r > 1) out += ',';
    out += '{';
    for (size_t f = 0; f < header.size(); ++f) {
      if (f) out += ',';
      json::append_quoted(out, header[f]);
      out += ':';
      if (records[r][f] == "NULL") out += "null"; else json::append_quoted(out, records[r][f]);
    }
    out += '}';
  }
  return out + "]";
}

Result<Payload> parse_payload(const Request& req, bool has_columns) {
  MediaType ct = parse_media_type(req.header("content-type").value_or("application/json"));
  std::string essence = ct.essence();
  if (essence == "application/json") {
    if (has_columns) return Payload{req.body, {}, true};
    return json_payload(req.body);
  }
  if (essence == "text/csv") {
    auto json = csv_to_json(req.body);
    if (!json) return json.take_error();
    if (has_columns) return Payload{std::move(*json), {}, true};
    return json_payload(std::move(*json));
  }
  if (essence == "application/x-www-form-urlencoded") {
    auto p = form_payload(req.body);
    if (p && has_columns) {
      p->keys.clear();
      p->raw = true;
    }
    return p;
  }
  return errors::invalid_body("Content-Type not acceptable: " + essence);
}

}  // namespace pgrest
