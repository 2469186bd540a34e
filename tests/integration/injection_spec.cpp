// Injection proof, checked in PostgreSQL's own statement log (log_statement = all): classic and
// encoded SQL injection payloads go through every place a request value can reach, and no payload
// ever appears in a statement's text. Values travel only as bind parameters (and must be seen
// there, so the request really reached the database); names that must match the snapshot never
// reach the database at all; labels the client chooses (aliases, JSON output keys, casts) appear
// only inside a double-quoted identifier. Nothing in the database changes.
// Run by tests/run_all.sh in its own stack with HARNESS_LOG_STATEMENT=1 (disabled otherwise).
#include <cstdlib>

#include "hostile_util.hpp"
#include "spec_util.hpp"

using namespace pgtest;

namespace {

enum class Kind {
  value,       // a value: only ever a bind parameter
  label,       // a client-chosen output name: only inside a quoted identifier
  name,        // must match the snapshot: never reaches the database
};

struct Position {
  std::string what;
  std::string target;        // {P} = the URL-encoded payload, {Q} = the same inside "..." (escaped)
  Headers headers;           // {R} = the raw payload, {J} = the payload as a JSON string
  Kind kind;
  bool always_reaches;       // a value position whose request always runs in the database
  std::string method = "GET";
  std::string body;          // {J} = the payload as a JSON string
};

const std::vector<std::string> kPayloads = {
    "'; DROP TABLE test.items; --",
    "' OR '1'='1",
    "1) OR (1=1",
    "\"; DROP TABLE test.items; --",
    "\" OR \"\"=\"",
    "'||(SELECT rolpassword FROM pg_authid LIMIT 1)||'",
    "$1; SELECT pg_sleep(5)",
    "$$; DROP TABLE test.items; $$",
    "\\'; DELETE FROM test.items; --",
    "' UNION SELECT usename, passwd FROM pg_shadow --",
    "%27%20OR%201%3D1--",
    "*/ DROP TABLE test.items /*",
    "'::text); DROP TABLE test.items; --",
    "U&'\\0027'; SELECT 1; --",
    "E'\\x27; DROP ROLE web_anon; --",
};

// Casts only admit letters, digits, `_`, `$` and spaces: payloads made of those.
const std::vector<std::string> kCastPayloads = {
    " text FROM pg_authid", " $$ DROP TABLE test items $$", " int4 $1", "text AS x FROM y"};

std::vector<Position> positions() {
  std::vector<Position> p;
  for (const char* op : {"eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch",
                         "isdistinct"}) {
    p.push_back({std::string("filter ") + op, std::string("/items?name=") + op + ".{P}", {},
                 Kind::value, true});
    p.push_back({std::string("not.") + op, std::string("/items?name=not.") + op + ".{P}", {},
                 Kind::value, true});
  }
  for (const char* op : {"cs", "cd", "ov"}) {
    p.push_back({std::string("array ") + op, std::string("/ops?arr=") + op + ".{P}", {}, Kind::value, true});
  }
  for (const char* op : {"sl", "sr", "nxr", "nxl", "adj"}) {
    p.push_back({std::string("range ") + op, std::string("/ops?r=") + op + ".{P}", {}, Kind::value, true});
  }
  for (const char* op : {"fts", "plfts", "phfts", "wfts"}) {
    p.push_back({std::string("text search ") + op, std::string("/ops?doc=") + op + ".{P}", {},
                 Kind::value, true});
    p.push_back({std::string("fts language ") + op, std::string("/ops?doc=") + op + "({P}).x", {},
                 Kind::value, false});
  }
  p.push_back({"eq(any)", "/items?name=eq(any).{P}", {}, Kind::value, true});
  p.push_back({"like(all)", "/items?name=like(all).{P}", {}, Kind::value, true});
  p.push_back({"in list", "/items?name=in.(\"{Q}\",x)", {}, Kind::value, false});
  p.push_back({"in list bare", "/items?name=in.({P})", {}, Kind::value, false});
  p.push_back({"or tree", "/items?or=(name.eq.\"{Q}\",id.eq.1)", {}, Kind::value, false});
  p.push_back({"not.and tree", "/items?not.and=(name.eq.\"{Q}\",id.gt.0)", {}, Kind::value, false});
  p.push_back({"json key filter", "/items?data->>\"{Q}\"=eq.x", {}, Kind::value, false});
  p.push_back({"json key order", "/items?order=data->>\"{Q}\".desc", {}, Kind::value, false});
  p.push_back({"embedded filter", "/films?select=id,directors!films_director_id_fkey(id)&directors.name=eq.{P}", {},
               Kind::value, true});
  p.push_back({"header", "/items?id=eq.1", {{"X-Payload", "{R}"}}, Kind::value, true});
  p.push_back({"cookie", "/items?id=eq.1", {{"Cookie", "session={R}"}}, Kind::value, true});
  p.push_back({"prefer", "/items?id=eq.1", {{"Prefer", "{R}"}}, Kind::value, true});
  p.push_back({"prefer timezone", "/items?id=eq.1", {{"Prefer", "timezone={R}"}}, Kind::value, true});
  p.push_back({"jwt claim", "/items?id=eq.1",
               {{"Authorization", "Bearer {T:{\"role\":\"web_user\",\"sub\":{J}}}"}}, Kind::value, true});
  p.push_back({"jwt role claim", "/items?id=eq.1", {{"Authorization", "Bearer {T:{\"role\":{J}}}"}},
               Kind::value, true});
  p.push_back({"range header", "/items", {{"Range", "{R}"}}, Kind::value, false});
  p.push_back({"alias", "/items?select=\"{Q}\":id", {}, Kind::label, false});
  p.push_back({"embed alias", "/films?select=id,\"{Q}\":directors!films_director_id_fkey(id)", {}, Kind::label, false});
  p.push_back({"json output key", "/items?select=data->>\"{Q}\"", {}, Kind::label, false});
  p.push_back({"column", "/items?select=\"{Q}\"", {}, Kind::name, false});
  p.push_back({"filter column", "/items?\"{Q}\"=eq.1", {}, Kind::name, false});
  p.push_back({"order column", "/items?order=\"{Q}\"", {}, Kind::name, false});
  p.push_back({"table", "/{P}", {}, Kind::name, false});
  p.push_back({"schema-qualified table", "/pg_catalog.{P}", {}, Kind::name, false});
  p.push_back({"embed", "/films?select=*,\"{Q}\"(*)", {}, Kind::name, false});
  p.push_back({"embed hint", "/films?select=*,directors!\"{Q}\"(*)", {}, Kind::name, false});
  p.push_back({"profile", "/items", {{"Accept-Profile", "{R}"}}, Kind::name, false});
  p.push_back({"function", "/rpc/{P}", {}, Kind::name, false});
  p.push_back({"limit", "/items?limit={P}", {}, Kind::name, false});
  // Functions and writes. test.items grants web_anon SELECT only: writes reach PostgreSQL and are
  // refused there (42501), so nothing is written whatever the payload does.
  p.push_back({"rpc argument (GET)", "/rpc/hello?name={P}", {}, Kind::value, true});
  p.push_back({"rpc argument (POST)", "/rpc/hello", {}, Kind::value, true, "POST", "{\"name\":{J}}"});
  p.push_back({"rpc argument name", "/rpc/hello?\"{Q}\"=x", {}, Kind::name, false});
  p.push_back({"rpc argument name (POST)", "/rpc/hello", {}, Kind::name, false, "POST", "{{J}:1}"});
  p.push_back({"insert value", "/items", {}, Kind::value, true, "POST", "{\"id\":100,\"name\":{J}}"});
  p.push_back({"bulk insert value", "/items", {}, Kind::value, true, "POST",
               "[{\"id\":100,\"name\":\"a\"},{\"id\":101,\"name\":{J}}]"});
  p.push_back({"update filter", "/items?name=eq.{P}", {}, Kind::value, true, "PATCH", "{\"name\":\"x\"}"});
  p.push_back({"delete filter", "/items?name=like.{P}", {}, Kind::value, true, "DELETE", ""});
  p.push_back({"write prefer", "/items", {{"Prefer", "return=representation, {R}"}}, Kind::value,
               true, "POST", "{\"id\":100,\"name\":\"x\"}"});
  p.push_back({"JSON key", "/items", {}, Kind::name, false, "POST", "{{J}:1}"});
  p.push_back({"columns", "/items?columns=\"{Q}\"", {}, Kind::name, false, "POST", "{\"id\":100}"});
  p.push_back({"on_conflict", "/items?on_conflict=\"{Q}\"", {{"Prefer", "resolution=merge-duplicates"}},
               Kind::name, false, "POST", "{\"id\":100}"});
  return p;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

std::string json_string(const std::string& s) {
  cJSON* v = cJSON_CreateString(s.c_str());
  char* text = cJSON_PrintUnformatted(v);
  std::string out = text;
  cJSON_free(text);
  cJSON_Delete(v);
  return out;
}

// `"` and `\` escaped for PostgREST's double-quoted names and values.
std::string grammar_quoted(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

struct Case {
  std::string marker;
  const Position* pos;
  HttpResponse res;
  std::string request;
};

Case send_case(const Position& pos, const std::string& marker, const std::string& payload,
               bool double_encoded) {
  auto encode = [&](const std::string& s) {
    return double_encoded ? url_encode(url_encode(s)) : url_encode(s);
  };
  std::string target = replace_all(pos.target, "{P}", encode(payload));
  target = replace_all(target, "{Q}", encode(grammar_quoted(payload)));
  Headers headers;
  for (auto [k, v] : pos.headers) {
    v = replace_all(v, "{R}", payload);
    size_t t = v.find("{T:");
    if (t != std::string::npos) {
      std::string claims = replace_all(v.substr(t + 3, v.size() - t - 4), "{J}", json_string(payload));
      v = v.substr(0, t) + make_token(claims);
    }
    headers.emplace_back(k, v);
  }
  if (!pos.body.empty()) headers.emplace_back("Content-Type", "application/json");
  std::string body = replace_all(pos.body, "{J}", json_string(payload));
  Case c{marker, &pos, http(pos.method, env("PGREST_TEST_URL"), target, headers, body),
         pos.method + " " + target};
  return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(injection, *boost::unit_test::disabled())

BOOST_AUTO_TEST_CASE(the_identifier_scanner_tells_quoted_from_bare) {
  BOOST_TEST(marker_outside_identifiers("SELECT \"a\"\"pwn1\" FROM x", "pwn1").empty());
  BOOST_TEST(marker_outside_identifiers("SELECT 'pwn1'", "pwn1").size() == 1u);
  BOOST_TEST(marker_outside_identifiers("SELECT \"x\" pwn1", "pwn1").size() == 1u);
  BOOST_TEST(marker_outside_identifiers("SELECT \"x\"\" ; \" -- pwn1", "pwn1").size() == 1u);
}

BOOST_AUTO_TEST_CASE(payloads_never_become_statement_text) {
  const char* flag = std::getenv("HARNESS_LOG_STATEMENT");
  BOOST_REQUIRE_MESSAGE(flag != nullptr && std::string(flag) == "1",
                        "run with HARNESS_LOG_STATEMENT=1 (tests/run_all.sh does)");
  const std::string before = db_digest();
  const size_t log_start = pg_log_size();
  const auto all = positions();
  std::vector<Case> cases;
  int n = 0;
  for (const auto& pos : all) {
    for (size_t i = 0; i < kPayloads.size(); ++i) {
      for (bool twice : {false, true}) {
        std::string marker = "pwn" + std::to_string(++n) + "x";
        cases.push_back(send_case(pos, marker, marker + kPayloads[i], twice));
      }
    }
  }
  Position cast{"cast", "/items?select=id::{P}", {}, Kind::label, false};
  Position agg_cast{"aggregate cast", "/sales?select=amount.sum()::{P}", {}, Kind::label, false};
  for (const Position* pos : {&cast, &agg_cast}) {
    for (const auto& payload : kCastPayloads) {
      std::string marker = "pwn" + std::to_string(++n) + "x";
      cases.push_back(send_case(*pos, marker, marker + payload, false));
    }
  }
  BOOST_TEST_MESSAGE(cases.size() << " injection requests sent");
  BOOST_TEST(cases.size() >= 1000u);

  PgLog log = read_pg_log(log_start);
  // The log really holds our statements and their parameters (or this test proves nothing).
  bool settings_seen = false;
  for (const auto& s : log.statements) settings_seen |= s.find("SELECT set_config(unnest(") != std::string::npos;
  BOOST_TEST(settings_seen);
  BOOST_TEST(log.rest.find("parameters: $1 = ") != std::string::npos);

  int reached = 0;
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.pos->what << ": " << c.request) {
      BOOST_TEST((c.res.status >= 200 && c.res.status < 500), c.res.status << " " << c.res.body);
      if (c.res.status >= 400) BOOST_TEST(is_pgrst_error(c.res), c.res.body);
      for (const auto& s : log.statements) {
        if (s.find(c.marker) == std::string::npos) continue;
        if (c.pos->kind == Kind::label) {
          BOOST_TEST(marker_outside_identifiers(s, c.marker).empty(), "bare in SQL: " << s);
        } else {
          BOOST_TEST(false, "payload in statement text: " << s);
        }
      }
      bool in_params = log.rest.find(c.marker) != std::string::npos;
      if (in_params) ++reached;
      if (c.pos->kind == Kind::name) BOOST_TEST(!in_params, "a name that is not in the snapshot reached the database");
      // PostgreSQL answered (a SQLSTATE, not a PGRST code) when the value failed while planning,
      // before the statement was logged with its parameters (e.g. an invalid regular expression).
      bool pg_error = c.res.status >= 400 && json_norm(c.res.body).find("\"code\":\"PGRST") == std::string::npos;
      if (c.pos->always_reaches) BOOST_TEST((in_params || pg_error), "the request never reached the database");
    }
  }
  BOOST_TEST_MESSAGE(reached << " payloads reached PostgreSQL, all as bind parameters");
  BOOST_TEST(db_digest() == before);
}

BOOST_AUTO_TEST_SUITE_END()
