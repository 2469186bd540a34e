#include "pgrest/openapi.hpp"

#include <algorithm>

#include "json.hpp"

namespace pgrest {
namespace {

cJSON* str(const std::string& s) { return cJSON_CreateString(s.c_str()); }

cJSON* json_ref(const std::string& target) {
  cJSON* o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "$ref", target.c_str());
  return o;
}

// Swagger's type for a PostgreSQL type (format carries the PostgreSQL name).
const char* swagger_type(const std::string& pg) {
  static const char* integers[] = {"integer", "smallint", "bigint"};
  static const char* numbers[] = {"numeric", "real", "double precision"};
  for (const char* t : integers) {
    if (pg == t) return "integer";
  }
  for (const char* t : numbers) {
    if (pg.rfind(t, 0) == 0) return "number";
  }
  if (pg == "boolean") return "boolean";
  if (pg.size() > 2 && pg.substr(pg.size() - 2) == "[]") return "array";
  if (pg == "json" || pg == "jsonb") return nullptr;
  return "string";
}

cJSON* column_schema(const Table& t, const Column& c) {
  cJSON* p = cJSON_CreateObject();
  std::string description = c.comment.value_or("");
  auto note = [&](const std::string& text) {
    description += (description.empty() ? "" : "\n\n") + std::string("Note:\n") + text;
  };
  if (std::find(t.pk.begin(), t.pk.end(), c.name) != t.pk.end()) note("This is a Primary Key.<pk/>");
  for (const auto& fk : t.fks) {
    if (fk.schema != t.schema || fk.table != t.name || fk.columns.size() != 1 || fk.columns[0] != c.name) {
      continue;
    }
    note("This is a Foreign Key to `" + fk.ref_table + "." + fk.ref_columns[0] + "`.<fk table='" +
         fk.ref_table + "' column='" + fk.ref_columns[0] + "'/>");
    break;
  }
  if (c.default_value) cJSON_AddStringToObject(p, "default", c.default_value->c_str());
  if (!description.empty()) cJSON_AddStringToObject(p, "description", description.c_str());
  if (!c.enum_values.empty()) {
    cJSON* e = cJSON_AddArrayToObject(p, "enum");
    for (const auto& v : c.enum_values) cJSON_AddItemToArray(e, str(v));
  }
  cJSON_AddStringToObject(p, "format", c.nominal_type.c_str());
  if (c.max_length) cJSON_AddNumberToObject(p, "maxLength", *c.max_length);
  if (const char* type = swagger_type(c.type)) {
    cJSON_AddStringToObject(p, "type", type);
    if (std::string(type) == "array") {
      cJSON* items = cJSON_AddObjectToObject(p, "items");
      cJSON_AddStringToObject(items, "type", swagger_type(c.type.substr(0, c.type.size() - 2))
                                                  ? swagger_type(c.type.substr(0, c.type.size() - 2))
                                                  : "string");
    }
  }
  return p;
}

cJSON* param(const char* name, const char* in, const char* type, const char* description,
             bool required = false) {
  cJSON* p = cJSON_CreateObject();
  if (description) cJSON_AddStringToObject(p, "description", description);
  cJSON_AddStringToObject(p, "in", in);
  cJSON_AddStringToObject(p, "name", name);
  cJSON_AddBoolToObject(p, "required", required);
  if (type) cJSON_AddStringToObject(p, "type", type);
  return p;
}

cJSON* prefer(const char* description, std::initializer_list<const char*> values) {
  cJSON* p = param("Prefer", "header", "string", description);
  cJSON* e = cJSON_AddArrayToObject(p, "enum");
  for (const char* v : values) cJSON_AddItemToArray(e, str(v));
  return p;
}

cJSON* refs(std::initializer_list<std::string> targets) {
  cJSON* a = cJSON_CreateArray();
  for (const auto& t : targets) cJSON_AddItemToArray(a, json_ref("#/parameters/" + t));
  return a;
}

cJSON* responses(std::initializer_list<std::pair<const char*, const char*>> codes, cJSON* schema200 = nullptr) {
  cJSON* r = cJSON_CreateObject();
  for (const auto& [code, text] : codes) {
    cJSON* one = cJSON_AddObjectToObject(r, code);
    cJSON_AddStringToObject(one, "description", text);
    if (schema200 && std::string(code) == "200") cJSON_AddItemToObject(one, "schema", schema200);
  }
  return r;
}

cJSON* operation(const std::string& tag, cJSON* parameters, cJSON* resp, const std::optional<std::string>& summary) {
  cJSON* op = cJSON_CreateObject();
  if (summary) cJSON_AddStringToObject(op, "summary", summary->c_str());
  cJSON_AddItemToObject(op, "parameters", parameters);
  cJSON_AddItemToObject(op, "responses", resp);
  cJSON* tags = cJSON_AddArrayToObject(op, "tags");
  cJSON_AddItemToArray(tags, str(tag));
  return op;
}

// "#/definitions/x" → "#/components/schemas/x", "#/parameters/x" → "#/components/parameters/x"
void rewrite_refs(cJSON* node) {
  if (cJSON_IsObject(node)) {
    cJSON* r = cJSON_GetObjectItemCaseSensitive(node, "$ref");
    if (cJSON_IsString(r)) {
      std::string v = r->valuestring;
      if (v.rfind("#/definitions/", 0) == 0) v = "#/components/schemas/" + v.substr(14);
      else if (v.rfind("#/parameters/body.", 0) == 0) v = "#/components/requestBodies/" + v.substr(18);
      else if (v.rfind("#/parameters/", 0) == 0) v = "#/components/parameters/" + v.substr(13);
      cJSON_SetValuestring(r, v.c_str());
    }
  }
  cJSON* child = nullptr;
  cJSON_ArrayForEach(child, node) rewrite_refs(child);
}

// A 2.0 parameter object → 3.1: type/format/enum/default move into `schema`.
void parameter_to_3_1(cJSON* p) {
  if (cJSON_GetObjectItemCaseSensitive(p, "$ref")) return;
  cJSON* schema = cJSON_CreateObject();
  for (const char* key : {"type", "format", "enum", "default"}) {
    if (cJSON* v = cJSON_DetachItemFromObjectCaseSensitive(p, key)) cJSON_AddItemToObject(schema, key, v);
  }
  if (!cJSON_GetObjectItemCaseSensitive(schema, "type")) cJSON_AddStringToObject(schema, "type", "string");
  cJSON_AddItemToObject(p, "schema", schema);
}

cJSON* json_content(cJSON* schema) {
  cJSON* content = cJSON_CreateObject();
  cJSON* media = cJSON_AddObjectToObject(content, "application/json");
  cJSON_AddItemToObject(media, "schema", schema);
  return content;
}

// Turns the Swagger 2.0 tree into OpenAPI 3.1 in place: components, requestBody, content.
void to_openapi_3_1(cJSON* d) {
  std::string scheme = "http", host = "localhost", base = "/";
  if (cJSON* v = cJSON_GetObjectItemCaseSensitive(d, "host"); cJSON_IsString(v)) host = v->valuestring;
  if (cJSON* v = cJSON_GetObjectItemCaseSensitive(d, "basePath"); cJSON_IsString(v)) base = v->valuestring;
  if (cJSON* v = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(d, "schemes"), 0); cJSON_IsString(v)) {
    scheme = v->valuestring;
  }
  for (const char* key : {"swagger", "host", "basePath", "schemes", "consumes", "produces"}) {
    cJSON_DeleteItemFromObjectCaseSensitive(d, key);
  }
  cJSON* info = cJSON_DetachItemFromObjectCaseSensitive(d, "info");
  cJSON* openapi_version = cJSON_CreateString("3.1.0");
  cJSON_AddItemToObject(d, "openapi", openapi_version);
  cJSON_AddItemToObject(d, "info", info);
  cJSON* servers = cJSON_AddArrayToObject(d, "servers");
  cJSON* server = cJSON_CreateObject();
  cJSON_AddStringToObject(server, "url", (scheme + "://" + host + (base == "/" ? "" : base)).c_str());
  cJSON_AddItemToArray(servers, server);

  cJSON* components = cJSON_CreateObject();
  cJSON_AddItemToObject(components, "schemas", cJSON_DetachItemFromObjectCaseSensitive(d, "definitions"));
  cJSON* params = cJSON_DetachItemFromObjectCaseSensitive(d, "parameters");
  cJSON* bodies = cJSON_AddObjectToObject(components, "requestBodies");
  cJSON* kept = cJSON_AddObjectToObject(components, "parameters");
  while (params && params->child) {
    cJSON* p = cJSON_DetachItemViaPointer(params, params->child);
    std::string name = p->string;
    if (name.rfind("body.", 0) == 0) {
      cJSON* body = cJSON_CreateObject();
      cJSON_AddItemToObject(body, "content", json_content(cJSON_DetachItemFromObjectCaseSensitive(p, "schema")));
      cJSON_AddItemToObject(bodies, name.substr(5).c_str(), body);
      cJSON_Delete(p);
    } else {
      parameter_to_3_1(p);
      cJSON_AddItemToObject(kept, name.c_str(), p);
    }
  }
  cJSON_Delete(params);
  if (cJSON* sec = cJSON_DetachItemFromObjectCaseSensitive(d, "securityDefinitions")) {
    cJSON_AddItemToObject(components, "securitySchemes", sec);
  }

  cJSON* path = nullptr;
  cJSON_ArrayForEach(path, cJSON_GetObjectItemCaseSensitive(d, "paths")) {
    cJSON* op = nullptr;
    cJSON_ArrayForEach(op, path) {
      cJSON_DeleteItemFromObjectCaseSensitive(op, "produces");
      cJSON* list = cJSON_GetObjectItemCaseSensitive(op, "parameters");
      cJSON* out = cJSON_CreateArray();
      while (list && list->child) {
        cJSON* p = cJSON_DetachItemViaPointer(list, list->child);
        cJSON* r = cJSON_GetObjectItemCaseSensitive(p, "$ref");
        bool body_ref = cJSON_IsString(r) && std::string(r->valuestring).rfind("#/parameters/body.", 0) == 0;
        cJSON* in = cJSON_GetObjectItemCaseSensitive(p, "in");
        bool inline_body = cJSON_IsString(in) && std::string(in->valuestring) == "body";
        if (body_ref) {
          cJSON_AddItemToObject(op, "requestBody", p);
        } else if (inline_body) {
          cJSON* body = cJSON_CreateObject();
          cJSON_AddBoolToObject(body, "required", true);
          cJSON_AddItemToObject(body, "content", json_content(cJSON_DetachItemFromObjectCaseSensitive(p, "schema")));
          cJSON_AddItemToObject(op, "requestBody", body);
          cJSON_Delete(p);
        } else {
          parameter_to_3_1(p);
          cJSON_AddItemToArray(out, p);
        }
      }
      cJSON_ReplaceItemInObjectCaseSensitive(op, "parameters", out);
      cJSON* response = nullptr;
      cJSON_ArrayForEach(response, cJSON_GetObjectItemCaseSensitive(op, "responses")) {
        if (cJSON* schema = cJSON_DetachItemFromObjectCaseSensitive(response, "schema")) {
          cJSON_AddItemToObject(response, "content", json_content(schema));
        }
      }
    }
  }
  cJSON_AddItemToObject(d, "components", components);
  rewrite_refs(d);
}

}  // namespace

std::string openapi_document(const Snapshot& snapshot, const Config& config,
                             const std::string& schema, const std::string& host,
                             const OpenApiScope& scope) {
  json::Ptr doc(cJSON_CreateObject());
  cJSON* d = doc.get();
  cJSON_AddStringToObject(d, "swagger", "2.0");
  cJSON* info = cJSON_AddObjectToObject(d, "info");
  cJSON_AddStringToObject(info, "description", "This is a dynamic API generated by pgrest (PostgREST-compatible)");
  cJSON_AddStringToObject(info, "title", "PostgREST API");
  cJSON_AddStringToObject(info, "version", PGREST_VERSION);

  // host/basePath/schemes from openapi-server-proxy-uri when set: scheme://host[:port][/path]
  std::string scheme = "http", h = host.empty() ? "localhost" : host, base = "/";
  if (config.openapi_server_proxy_uri) {
    const std::string& uri = *config.openapi_server_proxy_uri;
    size_t sep = uri.find("://");
    if (sep != std::string::npos) {
      scheme = uri.substr(0, sep);
      std::string rest = uri.substr(sep + 3);
      size_t slash = rest.find('/');
      h = rest.substr(0, slash);
      base = slash == std::string::npos ? "/" : rest.substr(slash);
    }
  }
  cJSON_AddStringToObject(d, "host", h.c_str());
  cJSON_AddStringToObject(d, "basePath", base.c_str());
  cJSON* schemes = cJSON_AddArrayToObject(d, "schemes");
  cJSON_AddItemToArray(schemes, str(scheme));
  for (const char* key : {"consumes", "produces"}) {
    cJSON* a = cJSON_AddArrayToObject(d, key);
    for (const char* m : {"application/json", "application/vnd.pgrst.object+json;nulls=stripped",
                          "application/vnd.pgrst.object+json", "text/csv"}) {
      cJSON_AddItemToArray(a, str(m));
    }
  }

  cJSON* paths = cJSON_AddObjectToObject(d, "paths");
  cJSON* root = cJSON_AddObjectToObject(paths, "/");
  cJSON* root_get = operation("Introspection", cJSON_CreateArray(),
                              responses({{"200", "OK"}}), std::string("OpenAPI description (this document)"));
  cJSON* root_produces = cJSON_CreateArray();
  cJSON_AddItemToArray(root_produces, str("application/openapi+json"));
  cJSON_AddItemToArray(root_produces, str("application/json"));
  cJSON_AddItemToObject(root_get, "produces", root_produces);
  cJSON_AddItemToObject(root, "get", root_get);

  cJSON* definitions = cJSON_AddObjectToObject(d, "definitions");
  cJSON* parameters = cJSON_AddObjectToObject(d, "parameters");
  cJSON_AddItemToObject(parameters, "preferParams", prefer("Preference", {"params=single-object"}));
  cJSON_AddItemToObject(parameters, "preferReturn",
                        prefer("Preference", {"return=representation", "return=minimal", "return=none"}));
  cJSON_AddItemToObject(parameters, "preferCount", prefer("Preference", {"count=none"}));
  cJSON_AddItemToObject(parameters, "preferPost",
                        prefer("Preference", {"return=representation", "return=minimal", "return=none",
                                              "resolution=ignore-duplicates", "resolution=merge-duplicates"}));
  cJSON_AddItemToObject(parameters, "select", param("select", "query", "string", "Filtering Columns"));
  cJSON_AddItemToObject(parameters, "on_conflict", param("on_conflict", "query", "string", "On Conflict"));
  cJSON_AddItemToObject(parameters, "order", param("order", "query", "string", "Ordering"));
  cJSON_AddItemToObject(parameters, "range", param("Range", "header", "string", "Limiting and Pagination"));
  cJSON* unit = param("Range-Unit", "header", "string", "Limiting and Pagination");
  cJSON_AddStringToObject(unit, "default", "items");
  cJSON_AddItemToObject(parameters, "rangeUnit", unit);
  cJSON_AddItemToObject(parameters, "offset", param("offset", "query", "string", "Limiting and Pagination"));
  cJSON_AddItemToObject(parameters, "limit", param("limit", "query", "string", "Limiting and Pagination"));

  for (const auto& name : snapshot.table_names(schema)) {
    if (scope.tables && !scope.tables->count(name)) continue;
    auto loaded = snapshot.table(schema, name);
    if (!loaded || !loaded->has_value()) continue;
    const Table& t = **loaded;
    cJSON* def = cJSON_AddObjectToObject(definitions, name.c_str());
    if (t.comment) cJSON_AddStringToObject(def, "description", t.comment->c_str());
    cJSON* props = cJSON_AddObjectToObject(def, "properties");
    cJSON* required = cJSON_CreateArray();
    std::vector<std::string> filters;
    for (const auto& c : t.columns) {
      cJSON_AddItemToObject(props, c.name.c_str(), column_schema(t, c));
      if (!c.nullable) cJSON_AddItemToArray(required, str(c.name));
      std::string pname = "rowFilter." + name + "." + c.name;
      cJSON* rf = param(c.name.c_str(), "query", "string", nullptr);
      cJSON_AddStringToObject(rf, "format", c.nominal_type.c_str());
      cJSON_AddItemToObject(parameters, pname.c_str(), rf);
      filters.push_back(pname);
    }
    if (cJSON_GetArraySize(required) > 0) cJSON_AddItemToObject(def, "required", required);
    else cJSON_Delete(required);
    cJSON_AddStringToObject(def, "type", "object");
    cJSON* body = param(name.c_str(), "body", nullptr, name.c_str());
    cJSON_AddItemToObject(body, "schema", json_ref("#/definitions/" + name));
    cJSON_AddItemToObject(parameters, ("body." + name).c_str(), body);

    auto with_filters = [&](std::initializer_list<std::string> extra_before,
                            std::initializer_list<std::string> extra_after) {
      cJSON* a = cJSON_CreateArray();
      for (const auto& e : extra_before) cJSON_AddItemToArray(a, json_ref("#/parameters/" + e));
      for (const auto& f : filters) cJSON_AddItemToArray(a, json_ref("#/parameters/" + f));
      for (const auto& e : extra_after) cJSON_AddItemToArray(a, json_ref("#/parameters/" + e));
      return a;
    };
    cJSON* path = cJSON_AddObjectToObject(paths, ("/" + name).c_str());
    cJSON* array_of = cJSON_CreateObject();
    cJSON_AddItemToObject(array_of, "items", json_ref("#/definitions/" + name));
    cJSON_AddStringToObject(array_of, "type", "array");
    cJSON_AddItemToObject(path, "get",
                          operation(name,
                                    with_filters({}, {"select", "order", "range", "rangeUnit", "offset",
                                                      "limit", "preferCount"}),
                                    responses({{"200", "OK"}, {"206", "Partial Content"}}, array_of),
                                    t.comment));
    if (t.insertable) {
      cJSON_AddItemToObject(path, "post",
                            operation(name, refs({"body." + name, "select", "preferPost"}),
                                      responses({{"201", "Created"}}), t.comment));
    }
    if (t.deletable) {
      cJSON_AddItemToObject(path, "delete",
                            operation(name, with_filters({}, {"preferReturn"}),
                                      responses({{"204", "No Content"}}), t.comment));
    }
    if (t.updatable) {
      cJSON_AddItemToObject(path, "patch",
                            operation(name, with_filters({}, {"body." + name, "preferReturn"}),
                                      responses({{"204", "No Content"}}), t.comment));
    }
  }

  for (const auto& name : snapshot.function_names(schema)) {
    if (scope.functions && !scope.functions->count(name)) continue;
    auto group = snapshot.functions(schema, name);
    json::Ptr fns = json::parse(group.value_or("[]"));
    const cJSON* fn = cJSON_GetArrayItem(fns.get(), 0);
    if (fn == nullptr) continue;
    std::string tag = "(rpc) " + name;
    cJSON* args_schema = cJSON_CreateObject();
    cJSON* props = cJSON_AddObjectToObject(args_schema, "properties");
    cJSON* required = cJSON_CreateArray();
    cJSON* query_params = cJSON_CreateArray();
    const cJSON* arg = nullptr;
    cJSON_ArrayForEach(arg, cJSON_GetObjectItemCaseSensitive(fn, "args")) {
      std::string an = json::get_string(arg, "name").value_or("");
      if (an.empty()) continue;
      std::string type = json::get_string(arg, "type").value_or("text");
      cJSON* p = cJSON_AddObjectToObject(props, an.c_str());
      cJSON_AddStringToObject(p, "format", type.c_str());
      if (const char* st = swagger_type(type)) cJSON_AddStringToObject(p, "type", st);
      bool req = !json::get_bool(arg, "has_default");
      if (req) cJSON_AddItemToArray(required, str(an));
      cJSON* qp = param(an.c_str(), "query", swagger_type(type) ? swagger_type(type) : "string", nullptr, req);
      cJSON_AddStringToObject(qp, "format", type.c_str());
      cJSON_AddItemToArray(query_params, qp);
    }
    // Swagger 2.0 (JSON Schema draft 4) forbids an empty `required`.
    if (cJSON_GetArraySize(required) > 0) cJSON_AddItemToObject(args_schema, "required", required);
    else cJSON_Delete(required);
    cJSON_AddStringToObject(args_schema, "type", "object");
    cJSON* body = param("args", "body", nullptr, nullptr, true);
    cJSON_AddItemToObject(body, "schema", args_schema);
    cJSON* post_params = cJSON_CreateArray();
    cJSON_AddItemToArray(post_params, body);
    cJSON_AddItemToArray(post_params, json_ref("#/parameters/preferParams"));
    cJSON* path = cJSON_AddObjectToObject(paths, ("/rpc/" + name).c_str());
    auto summary = json::get_string(fn, "comment");
    if (json::get_string(fn, "volatility").value_or("v") != "v") {
      cJSON_AddItemToObject(path, "get", operation(tag, query_params, responses({{"200", "OK"}}), summary));
    } else {
      cJSON_Delete(query_params);
    }
    cJSON_AddItemToObject(path, "post", operation(tag, post_params, responses({{"200", "OK"}}), summary));
  }

  if (config.jwt_secret && config.openapi_security_active) {
    cJSON* sec = cJSON_AddObjectToObject(d, "securityDefinitions");
    cJSON* jwt = cJSON_AddObjectToObject(sec, "JWT");
    cJSON_AddStringToObject(jwt, "description", "Add the token prepending \"Bearer \" (without quotes) to it");
    cJSON_AddStringToObject(jwt, "in", "header");
    cJSON_AddStringToObject(jwt, "name", "Authorization");
    cJSON_AddStringToObject(jwt, "type", "apiKey");
    cJSON* security = cJSON_AddArrayToObject(d, "security");
    cJSON* req = cJSON_CreateObject();
    cJSON_AddItemToObject(req, "JWT", cJSON_CreateArray());
    cJSON_AddItemToArray(security, req);
  }
  cJSON* ext = cJSON_AddObjectToObject(d, "externalDocs");
  cJSON_AddStringToObject(ext, "description", "PostgREST Documentation");
  cJSON_AddStringToObject(ext, "url", "https://postgrest.org/en/v13/references/api.html");

  if (scope.v3_1) to_openapi_3_1(d);
  char* text = cJSON_PrintUnformatted(d);
  std::string out = text ? text : "{}";
  cJSON_free(text);
  return out;
}

}  // namespace pgrest
