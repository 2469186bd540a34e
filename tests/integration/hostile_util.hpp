// Helpers for the hostile-input specs: a digest of everything a request could have changed, URL
// encoding, PostgREST error-shape checks, and PostgreSQL's own statement log (log_statement = all,
// HARNESS_LOG_STATEMENT=1) split into statement texts and everything else (parameters, errors).
#pragma once

#include <cjson/cJSON.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "http_client.hpp"

namespace pgtest {

// Rows of every table in the fixture schemas, the list of relations and the roles: any write,
// DDL or role change by a request changes it.
inline std::string db_digest() {
  return sql_value(
             "select md5(coalesce((select string_agg(n.nspname || '.' || c.relname || ':' || "
             "(xpath('/row/d/text()', query_to_xml(format('select md5(coalesce(string_agg(t::text, "
             "'','' order by t::text), '''')) as d from %I.%I t', n.nspname, c.relname), false, "
             "true, '')))[1]::text, ';' order by n.nspname, c.relname) from pg_class c join "
             "pg_namespace n on n.oid = c.relnamespace where c.relkind in ('r', 'p') and "
             "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')), '') || "
             "(select string_agg(rolname || rolsuper::text || rolbypassrls::text, ',' order by "
             "rolname) from pg_roles) || (select count(*) from pg_class)::text || "
             "(select count(*) from pg_proc)::text)")
      .value_or("");
}

// Every byte but [A-Za-z0-9] percent-encoded.
inline std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A refused request is answered with PostgREST's error object: JSON with exactly code, details,
// hint and message, the JSON content type and Proxy-Status naming the code.
inline bool is_pgrst_error(const HttpResponse& r) {
  if (r.header("content-type").value_or("") != "application/json; charset=utf-8") return false;
  cJSON* doc = cJSON_ParseWithLength(r.body.data(), r.body.size());
  if (doc == nullptr) return false;
  const cJSON* code = cJSON_GetObjectItemCaseSensitive(doc, "code");
  bool ok = cJSON_IsObject(doc) && cJSON_IsString(code) &&
            cJSON_HasObjectItem(doc, "message") && cJSON_HasObjectItem(doc, "details") &&
            cJSON_HasObjectItem(doc, "hint") && cJSON_GetArraySize(doc) == 4 &&
            r.header("proxy-status").value_or("") ==
                std::string("PostgREST; error=") + code->valuestring;
  cJSON_Delete(doc);
  return ok;
}

struct PgLog {
  std::vector<std::string> statements;  // texts of executed/failed statements
  std::string rest;                     // every other record: parameters, errors, contexts
};

inline std::string pg_log_path() { return env("PGREST_TEST_DIR") + "/pg.log"; }

inline size_t pg_log_size() {
  std::ifstream f(pg_log_path(), std::ios::binary | std::ios::ate);
  return f ? static_cast<size_t>(f.tellg()) : 0;
}

// The log from byte `from` on. A record starts with the log_line_prefix timestamp; PostgreSQL
// continues a multi-line message on lines that start with a tab.
inline PgLog read_pg_log(size_t from) {
  std::ifstream f(pg_log_path(), std::ios::binary);
  f.seekg(static_cast<std::streamoff>(from));
  std::stringstream ss;
  ss << f.rdbuf();
  std::vector<std::string> records;
  std::string line;
  std::istringstream in(ss.str());
  while (std::getline(in, line)) {
    bool starts = line.size() > 4 && line[0] >= '0' && line[0] <= '9' && line[4] == '-';
    if (starts || records.empty()) records.push_back(line);
    else records.back() += "\n" + (line.empty() || line[0] != '\t' ? line : line.substr(1));
  }
  PgLog log;
  for (const auto& r : records) {
    size_t at;
    if ((at = r.find(" LOG:  execute ")) != std::string::npos) {
      size_t colon = r.find(": ", at + 15);
      log.statements.push_back(colon == std::string::npos ? r : r.substr(colon + 2));
    } else if ((at = r.find(" LOG:  statement: ")) != std::string::npos) {
      log.statements.push_back(r.substr(at + 18));
    } else if ((at = r.find(" STATEMENT:  ")) != std::string::npos) {
      log.statements.push_back(r.substr(at + 13));
    } else {
      log.rest += r + "\n";
    }
  }
  return log;
}

// Where `marker` occurs in SQL `text` outside a double-quoted identifier (inside a string literal,
// a comment or bare): the offsets. A marker inside "..." is an identifier PostgreSQL cannot read
// as anything else.
inline std::vector<size_t> marker_outside_identifiers(const std::string& text,
                                                      const std::string& marker) {
  std::vector<bool> in_ident(text.size(), false);
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '"') {
      size_t j = i + 1;
      while (j < text.size()) {
        if (text[j] == '"' && j + 1 < text.size() && text[j + 1] == '"') j += 2;
        else if (text[j] == '"') break;
        else ++j;
      }
      for (size_t k = i; k <= j && k < text.size(); ++k) in_ident[k] = true;
      i = j + 1;
    } else if (text[i] == '\'') {
      size_t j = i + 1;
      while (j < text.size()) {
        if (text[j] == '\'' && j + 1 < text.size() && text[j + 1] == '\'') j += 2;
        else if (text[j] == '\'') break;
        else ++j;
      }
      i = j + 1;
    } else {
      ++i;
    }
  }
  std::vector<size_t> out;
  for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
    if (!in_ident[at]) out.push_back(at);
  }
  return out;
}

}  // namespace pgtest
