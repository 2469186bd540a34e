// Generated hostile HTTP requests through lighttpd (FastCGI, and a share through CGI): random and
// malformed operators, unbalanced parentheses and quotes, huge `in` lists, deep logic nesting, NUL
// bytes and invalid UTF-8, overlong names, bad JSON bodies and Content-Types, duplicate headers,
// path traversal and catalog names. Deterministic (fixed seed), bounded in time. Expected: no
// crash, no hang, no status >= 500, every refusal a PostgREST JSON error, the database unchanged.
#include <curl/curl.h>
#include <dirent.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "hostile_util.hpp"
#include "spec_util.hpp"

using namespace pgtest;

namespace {

struct Req {
  std::string method = "GET";
  std::string target;
  std::vector<std::string> headers;  // "Name: value", duplicates allowed
  std::string body;
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// libcurl with the path sent as is (no /../ squashing) and duplicate headers kept.
HttpResponse send_raw(const std::string& base, const Req& r, double& seconds) {
  HttpResponse res;
  std::string head;
  CURL* curl = curl_easy_init();
  std::string url = base + r.target;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  if (r.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!r.body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
  }
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& h : r.headers) list = curl_slist_append(list, h.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
  auto t0 = std::chrono::steady_clock::now();
  CURLcode rc = curl_easy_perform(curl);
  seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  res.status = rc == CURLE_OK ? static_cast<int>(status) : -1;
  if (rc != CURLE_OK) res.body = curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 2;
    if (line.rfind("HTTP/", 0) == 0) res.headers.clear();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    size_t v = line.find_first_not_of(' ', colon + 1);
    res.headers.emplace(name, v == std::string::npos ? "" : line.substr(v));
  }
  return res;
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}

  size_t below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(v.size())]; }
  bool chance(int percent) { return below(100) < static_cast<size_t>(percent); }

  std::string junk(size_t max_len) {
    static const std::string chars =
        "abcXYZ019_ ,.()[]{}:;!*\"'\\-+>=<&|?#~`$%@^/";
    std::string out;
    size_t n = below(max_len + 1);
    for (size_t i = 0; i < n; ++i) {
      if (chance(3)) {
        out += pick(std::vector<std::string>{"%00", "%FF", "%C3%28", "%E2%82", "%2e%2e", "%22",
                                             "%27", "%0A", "%25", "%2C", "%28", "%29"});
      } else {
        out += url_char(chars[below(chars.size())]);
      }
    }
    return out;
  }

  // A character as it may appear in a URL (curl refuses spaces and control bytes raw).
  static std::string url_char(char c) {
    static const std::string raw = "abcXYZ019_,.()[]:!*-+>=<|$@/'";
    if (raw.find(c) != std::string::npos) return std::string(1, c);
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
    return buf;
  }

  std::string column() {
    return pick(std::vector<std::string>{"id", "name", "price", "data", "tags", "created", "nope",
                                         "%22odd%22", "data->>color", "data->size->>w", "*", "",
                                         std::string(3000, 'c'), "name%00", "%FF%FE", "id,id",
                                         "data->", "data->>", "na(me", "%22unterminated"});
  }
  std::string op() {
    return pick(std::vector<std::string>{
        "eq", "neq", "gt", "gte", "lt", "lte", "like", "ilike", "match", "imatch", "in", "is",
        "isdistinct", "fts", "plfts", "phfts", "wfts", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl",
        "adj", "not.eq", "eq(any)", "like(all)", "zz", "", "not", "not.not.eq", "fts(english)",
        "fts(%27)", "eq(some)", "EQ", "in(any)"});
  }
  std::string value() {
    switch (below(8)) {
      case 0: return junk(30);
      case 1: return pick(std::vector<std::string>{"1", "abc", "null", "true", "(1,2,3)", "{1,2}",
                                                   "[1,2)", "%27", "%22", "%00", "%FF%FE",
                                                   "%C3%28", "a%2Cb", "(((", "))))", "%5C",
                                                   "%E2%82%AC", "*", "-1", "1e400", "NaN"});
      case 2: return std::string(below(20000) + 1, 'v');
      default: return pick(std::vector<std::string>{"1", "apple", "2026-01-01", "{fruit}", "0.5"});
    }
  }

  std::string logic(int depth) {
    std::string s;
    if (depth <= 0) return column() + "." + op() + "." + value().substr(0, 50);
    s += pick(std::vector<std::string>{"or", "and", "not.or", "not.and", "xor", ""}) + "(";
    size_t n = below(3) + 1;
    for (size_t i = 0; i < n; ++i) {
      if (i) s += ",";
      s += logic(chance(70) ? depth - 1 : 0);
    }
    if (!chance(10)) s += ")";  // sometimes unbalanced
    return s;
  }

  std::string select() {
    std::string s;
    size_t n = below(6) + 1;
    for (size_t i = 0; i < n; ++i) {
      if (i) s += pick(std::vector<std::string>{",", ",", ",,", "", "%2C"});
      switch (below(7)) {
        case 0: s += column(); break;
        case 1: s += "alias:" + column(); break;
        case 2: s += column() + "::" + pick(std::vector<std::string>{"text", "int", "x%20y", "$1", "", "json"}); break;
        case 3: s += "directors(" + junk(10) + ")"; break;
        case 4: s += pick(std::vector<std::string>{"count()", "price.sum()", "id.avg()::int", "...directors(*)"}); break;
        case 5: s += junk(15); break;
        default: s += std::string(below(30), '(') + "id" + std::string(below(30), ')');
      }
    }
    return s;
  }

  Req next() {
    Req r;
    std::string table = pick(std::vector<std::string>{"items", "items", "ops", "films", "secrets",
                                                      "cheap_items", "odd%20table", "nope"});
    switch (below(12)) {
      case 0:
      case 1:
        r.target = "/" + table + "?" + column() + "=" + op() + "." + value();
        break;
      case 2:
        r.target = "/" + table + "?select=" + select();
        break;
      case 3: {
        int depth = static_cast<int>(below(60)) + 1;
        std::string nested = "id.eq.1";
        for (int i = 0; i < depth; ++i) nested = pick(std::vector<std::string>{"or", "and"}) + "(" + nested + ")";
        r.target = "/" + table + "?or=(" + (chance(50) ? nested : logic(4)) + ")";
        break;
      }
      case 4: {
        size_t n = below(5000) + 1;
        std::string list;
        for (size_t i = 0; i < n; ++i) list += (i ? "," : "") + std::to_string(below(100000));
        r.target = "/items?id=in.(" + list + (chance(10) ? "" : ")");
        break;
      }
      case 5:
        r.target = "/" + table + "?order=" + column() + "." +
                   pick(std::vector<std::string>{"asc", "desc", "x", "nullsfirst", "desc.nullslast", ""}) +
                   (chance(30) ? "," + junk(10) : "") + "&limit=" +
                   pick(std::vector<std::string>{"1", "-1", "x", "99999999999999999999", "0"}) +
                   "&offset=" + pick(std::vector<std::string>{"0", "-5", "1e3", "2"});
        break;
      case 6:
        r.target = pick(std::vector<std::string>{
            "/../items", "/%2e%2e/items", "/%2E%2E%2Fetc%2Fpasswd", "/pg_catalog.pg_authid",
            "/rpc/pg_sleep?seconds=10", "/private.hidden", "/test.items", "//items", "/items/",
            "/items%2Fx", "/rpc/../items", "/rpc/pg_catalog.pg_sleep", "/rpc/", "/rpc",
            "/items/../../secrets", "/%00", "/items%00", "/%C0%AE%C0%AE/", "/information_schema.tables",
            "/pg_shadow", "/rpc/pg_read_file?filename=/etc/passwd", "/" + std::string(5000, 'x')});
        break;
      case 7: {  // bodies
        r.method = pick(std::vector<std::string>{"POST", "PATCH", "PUT", "DELETE", "POST"});
        r.target = "/" + table + (chance(50) ? "" : "?id=eq.1");
        r.body = pick(std::vector<std::string>{
            "{", "[1,2", "{\"id\":}", "null", "\"str\"", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
            "{\"id\":1,\"name\":\"x\"}", "[{\"id\":1},{\"nope\":2}]", "\xff\xfe\x00garbage",
            "id,name\n1,x", "id=1&name=x", std::string(2000, '['), "{\"id\":1e999}",
            "{\"a\":\"\\ud800\"}"});
        std::string ct = pick(std::vector<std::string>{
            "application/json", "text/csv", "application/x-www-form-urlencoded", "text/plain",
            "application/xml", "image/png", "application/json; charset=latin1", "", "*/*",
            "application/json, text/csv", "multipart/form-data; boundary=x"});
        if (!ct.empty()) r.headers.push_back("Content-Type: " + ct);
        if (chance(30)) r.headers.push_back("Content-Type: text/csv");  // conflicting duplicate
        break;
      }
      case 8: {  // duplicate and conflicting headers
        r.target = "/items?select=id";
        for (int i = 0; i < 2; ++i) {
          r.headers.push_back(pick(std::vector<std::string>{
              "Accept: application/json", "Accept: text/csv", "Accept: x/y;q=2",
              "Prefer: count=exact", "Prefer: count=none, count=planned", "Prefer: return=minimal",
              "Prefer: handling=strict, tx=rollback", "Range: 0-1", "Range: 5-2", "Range: x",
              "Range-Unit: items", "Accept-Profile: test", "Accept-Profile: v2",
              "Accept-Profile: pg_catalog", "Authorization: Bearer x.y.z", "Authorization: Basic Zm9v",
              "Authorization: Bearer", "Prefer: timezone=Mars/Olympus",
              "Accept: application/vnd.pgrst.object+json", "X-Forwarded-For: 1.2.3.4",
              "Cookie: a=b; c", "Accept: " + std::string(4000, 'a') + "/b"}));
        }
        break;
      }
      case 9:
        r.method = pick(std::vector<std::string>{"TRACE", "BREW", "CONNECT", "PROPFIND", "OPTIONS",
                                                 "HEAD", "get", "PoSt"});
        r.target = "/" + table + "?select=id";
        break;
      case 10:
        r.target = "/" + table + "?" + junk(60) + "=" + junk(60) + "&" + junk(30);
        break;
      default:
        r.target = "/" + table + "?and=(" + logic(5) + ")&" + column() + "=" + op() + "." + value();
    }
    if (chance(5)) r.headers.push_back("Accept: " + pick(std::vector<std::string>{"*/*", "text/unknown", "application/json;q=0"}));
    return r;
  }

 private:
  std::mt19937 rng_;
};

// Does process `pid` have a CGI request's environment (a /cgi-bin/pgrest run, not a worker)?
bool is_cgi_process(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/environ", std::ios::binary);
  std::string var;
  while (std::getline(in, var, '\0')) {
    if (var.rfind("GATEWAY_INTERFACE=", 0) == 0) return true;
  }
  return false;
}

std::set<int> pgrest_pids_once() {
  std::set<int> out;
  std::string bin = env("PGREST_BIN");
  DIR* d = opendir("/proc");
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    char buf[4096];
    ssize_t n = readlink(("/proc/" + std::string(e->d_name) + "/exe").c_str(), buf, sizeof buf - 1);
    if (n > 0 && std::string(buf, static_cast<size_t>(n)) == bin && !is_cgi_process(e->d_name)) {
      out.insert(pid);
    }
  }
  closedir(d);
  return out;
}

// The pids of the running FastCGI workers (a crashed worker would be replaced by a new pid). CGI
// runs of the same binary are left out (one may still be exiting: under a sanitizer the exit-time
// leak check makes that slow), and the set is read until it is the same twice 200 ms apart.
std::set<int> pgrest_pids() {
  std::set<int> prev = pgrest_pids_once();
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    std::set<int> now = pgrest_pids_once();
    if (now == prev) return now;
    prev = std::move(now);
  }
  return prev;
}

struct Tally {
  int sent = 0, ok = 0, refused = 0, by_lighttpd = 0, server_errors = 0, bad_shape = 0, failed = 0;
  double slowest = 0;
  std::map<std::string, int> codes;
};

void run_cases(const std::string& base, Gen& gen, int count, Tally& t) {
  for (int i = 0; i < count; ++i) {
    Req r = gen.next();
    double seconds = 0;
    HttpResponse res = send_raw(base, r, seconds);
    ++t.sent;
    t.slowest = std::max(t.slowest, seconds);
    std::string what = r.method + " " + r.target.substr(0, 300);
    BOOST_TEST_CONTEXT(what) {
      BOOST_TEST(res.status > 0, "transport failure: " << res.body);
      BOOST_TEST(seconds < 5.0);
      if (res.status <= 0) { ++t.failed; continue; }
      if (res.status < 400) { ++t.ok; continue; }
      // lighttpd's own refusals: an unparseable request (400, 414, 431), a method it does not know
      // (501, 405), a path climbing above the root or with a component too long for a file name
      // (404). A 5xx from lighttpd for anything else (a dead backend) is a failure.
      bool unknown_method = r.method != "GET" && r.method != "HEAD" && r.method != "POST" &&
                            r.method != "PATCH" && r.method != "PUT" && r.method != "DELETE" &&
                            r.method != "OPTIONS";
      if (!res.has_header("proxy-status") &&
          res.header("content-type").value_or("").rfind("text/html", 0) == 0 &&
          (res.status == 400 || res.status == 414 || res.status == 431 ||
           ((res.status == 501 || res.status == 405) && unknown_method) ||
           (res.status == 404 && (r.target.find("/..") != std::string::npos ||
                                  r.target.find('?') > 1000)))) {
        ++t.by_lighttpd;
        if (std::getenv("HOSTILE_VERBOSE")) BOOST_TEST_MESSAGE("lighttpd " << res.status << ": " << what);
        continue;
      }
      if (res.status >= 500) {
        ++t.server_errors;
        BOOST_TEST(false, "status " << res.status << ": " << res.body.substr(0, 300));
      }
      ++t.refused;
      bool head_error = r.method == "HEAD" && res.body.empty() &&
                        res.header("content-type").value_or("") == "application/json; charset=utf-8" &&
                        res.has_header("proxy-status");
      if (head_error) continue;  // an error answered to HEAD has PostgREST's headers, no body
      if (!is_pgrst_error(res)) {
        ++t.bad_shape;
        BOOST_TEST(false, "not a PostgREST error: " << res.status << " " << res.body.substr(0, 300));
      } else {
        auto at = res.body.find("\"code\":\"");
        t.codes[std::to_string(res.status) + " " + res.body.substr(at + 8, res.body.find('"', at + 8) - at - 8)]++;
      }
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hostile_requests)

BOOST_AUTO_TEST_CASE(generated_hostile_requests) {
  const std::string before = db_digest();
  std::set<int> workers = pgrest_pids();
  BOOST_TEST(!workers.empty());
  Gen gen(20261123);
  Tally fcgi, cgi_t;
  run_cases(env("PGREST_TEST_URL"), gen, 2200, fcgi);
  run_cases(env("PGREST_TEST_CGI_URL"), gen, 250, cgi_t);
  for (const auto* t : {&fcgi, &cgi_t}) {
    BOOST_TEST_MESSAGE((t == &fcgi ? "FastCGI" : "CGI")
                       << ": " << t->sent << " sent, " << t->ok << " answered < 400, " << t->refused
                       << " refused with a PostgREST error, " << t->by_lighttpd
                       << " refused by lighttpd itself, " << t->server_errors << " >= 500, "
                       << t->failed << " transport failures, slowest " << t->slowest << " s");
    std::string codes;
    for (const auto& [k, v] : t->codes) codes += k + " x" + std::to_string(v) + ", ";
    BOOST_TEST_MESSAGE("  refusals: " << codes);
    BOOST_TEST(t->server_errors == 0);
    BOOST_TEST(t->bad_shape == 0);
    BOOST_TEST(t->failed == 0);
  }
  BOOST_TEST(fcgi.sent + cgi_t.sent >= 2000);
  // No worker crashed (lighttpd would have started a new one) and none is stuck.
  BOOST_TEST(pgrest_pids() == workers);
  BOOST_TEST(get("fastcgi", "/items?id=eq.1&select=id").body == R"([{"id":1}])");
  BOOST_TEST(db_digest() == before);
}

BOOST_AUTO_TEST_CASE(nesting_is_limited_with_a_clear_400) {
  std::string nested = "id.eq.1";
  for (int i = 0; i < 33; ++i) nested = "or(" + nested + ")";
  auto deep = get("fastcgi", "/items?select=id&or=(" + nested + ")");
  CHECK_ERROR(deep, 400, "PGRST100");
  BOOST_TEST(deep.body.find("maximum nesting depth of 32 exceeded") != std::string::npos, deep.body);
  std::string ok = "id.eq.1";
  for (int i = 0; i < 30; ++i) ok = "or(" + ok + ")";
  BOOST_TEST(get("fastcgi", "/items?select=id&or=(" + ok + ")").body == R"([{"id":1}])");
  std::string embeds = "id";
  for (int i = 0; i < 40; ++i) embeds = "directors!films_director_id_fkey(" + embeds + ")";
  CHECK_ERROR(get("fastcgi", "/films?select=" + embeds), 400, "PGRST100");
}

BOOST_AUTO_TEST_CASE(a_huge_in_list_is_one_parameter) {
  std::string list = "1";
  for (int i = 2; i <= 5000; ++i) list += "," + std::to_string(i * 7);
  auto r = get("fastcgi", "/items?select=id&id=in.(" + list + ")&order=id");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body == R"([{"id":1}])");
}

BOOST_AUTO_TEST_SUITE_END()
