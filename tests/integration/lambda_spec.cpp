#include <chrono>
// The Lambda front end end to end: `bootstrap` runs as a child process against the local Runtime API
// (tests/lambda/runtime_api.py), with the harness's PostgreSQL + PgBouncer behind it.
#include <cjson/cJSON.h>
#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "json.hpp"
#include "lambda_driver.hpp"
#include "pgrest/executor.hpp"
#include "spec_util.hpp"

using namespace pgtest;
using lambdatest::Child;
using lambdatest::RuntimeApi;
using pgrest::json::quoted;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string bootstrap_path() { return std::string(PGREST_BUILD_ROOT) + "/bootstrap"; }

std::string object(const Pairs& kv) {
  std::string out = "{";
  for (const auto& [k, v] : kv) out += (out.size() > 1 ? "," : "") + quoted(k) + ":" + quoted(v);
  return out + "}";
}

// Repeated names become one array each, in first-seen order.
std::string multi_object(const Pairs& kv) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [k, v] : kv) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == k; });
    if (it == groups.end()) groups.push_back({k, {v}});
    else it->second.push_back(v);
  }
  std::string out = "{";
  for (const auto& [k, vs] : groups) {
    out += (out.size() > 1 ? "," : "") + quoted(k) + ":[";
    for (size_t i = 0; i < vs.size(); ++i) out += (i ? "," : "") + quoted(vs[i]);
    out += "]";
  }
  return out + "}";
}

std::string body_field(const std::string& body) {
  return body.empty() ? "null" : quoted(body);
}

// API Gateway REST API, payload 1.0 (decoded query values in multiValueQueryStringParameters).
std::string v1_event(const std::string& method, const std::string& path, const Pairs& query,
                     const Pairs& headers = {}, const std::string& body = "") {
  return R"({"resource":"/{proxy+}","path":)" + quoted(path) + R"(,"httpMethod":)" + quoted(method) +
         R"(,"headers":)" + object(headers) + R"(,"multiValueHeaders":)" + multi_object(headers) +
         R"(,"queryStringParameters":null,"multiValueQueryStringParameters":)" +
         (query.empty() ? "null" : multi_object(query)) +
         R"(,"requestContext":{"stage":"prod","path":"/prod)" + path +
         R"(","apiId":"abc123defg","requestId":"r1"},"body":)" + body_field(body) +
         R"(,"isBase64Encoded":false})";
}

// HTTP API / Function URL, payload 2.0.
std::string v2_event(const std::string& method, const std::string& raw_path, const std::string& raw_query,
                     const Pairs& headers = {}, const std::string& body = "",
                     const std::string& stage = "$default", const std::vector<std::string>& cookies = {}) {
  std::string c;
  for (const auto& x : cookies) c += (c.empty() ? "" : ",") + quoted(x);
  return R"({"version":"2.0","routeKey":"$default","rawPath":)" + quoted(raw_path) +
         R"(,"rawQueryString":)" + quoted(raw_query) + (cookies.empty() ? "" : R"(,"cookies":[)" + c + "]") +
         R"(,"headers":)" + object(headers) + R"(,"requestContext":{"http":{"method":)" + quoted(method) +
         R"(,"path":)" + quoted(raw_path) + R"(},"stage":)" + quoted(stage) +
         R"(,"requestId":"r2"},"body":)" + body_field(body) + R"(,"isBase64Encoded":false})";
}

// ALB with or without multi-value headers (query values as the client sent them).
std::string alb_event(const std::string& method, const std::string& path, const Pairs& query,
                      const Pairs& headers, bool multi) {
  std::string q = multi ? R"("multiValueQueryStringParameters":)" + multi_object(query)
                        : R"("queryStringParameters":)" + object(query);
  std::string h = multi ? R"("multiValueHeaders":)" + multi_object(headers)
                        : R"("headers":)" + object(headers);
  return R"({"requestContext":{"elb":{"targetGroupArn":"arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/t/1"}},"httpMethod":)" +
         quoted(method) + R"(,"path":)" + quoted(path) + "," + q + "," + h +
         R"(,"body":"","isBase64Encoded":false})";
}

// What the runtime posted back for one invocation, with the reply document parsed.
struct Invocation {
  int http = 0;            // the emulator's answer to /test/invoke (200, or 504 on no answer)
  std::string kind;        // "response" | "error"
  std::string error_type;  // Lambda-Runtime-Function-Error-Type of an error
  std::string posted;      // the raw JSON the runtime posted
  pgrest::json::Ptr doc;   // `posted` parsed

  int status() const {
    return static_cast<int>(pgrest::json::get_number(doc.get(), "statusCode").value_or(-1));
  }
  std::string body() const { return pgrest::json::get_string(doc.get(), "body").value_or("<none>"); }
  // A header from `headers` (joined) or `multiValueHeaders` (values joined with ", ").
  std::optional<std::string> header(const std::string& name) const {
    const cJSON* item = nullptr;
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc.get(), "headers")) {
      if (pgrest::iequals(item->string, name) && cJSON_IsString(item)) return std::string(item->valuestring);
    }
    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(doc.get(), "multiValueHeaders")) {
      if (!pgrest::iequals(item->string, name)) continue;
      std::string joined;
      const cJSON* v = nullptr;
      cJSON_ArrayForEach(v, item) joined += (joined.empty() ? "" : ", ") + std::string(v->valuestring);
      return joined;
    }
    return std::nullopt;
  }
};

Invocation invoke(const RuntimeApi& api, const std::string& event, int deadline_ms = 30000) {
  Invocation inv;
  lambdatest::Reply r = api.invoke(event, 15, deadline_ms);
  inv.http = static_cast<int>(r.status);
  pgrest::json::Ptr outer = pgrest::json::parse(r.body);
  inv.kind = pgrest::json::get_string(outer.get(), "kind").value_or("");
  inv.error_type = pgrest::json::get_string(outer.get(), "error_type").value_or("");
  inv.posted = pgrest::json::get_string(outer.get(), "body").value_or("");
  inv.doc = pgrest::json::parse(inv.posted);
  return inv;
}

// A Runtime API with a warm bootstrap behind it. `extra`: NAME=VALUE added to the harness's env.
struct Runtime {
  RuntimeApi api;
  Child boot;
  explicit Runtime(const std::vector<std::string>& extra = {}, const std::vector<std::string>& unset = {}) {
    BOOST_REQUIRE_MESSAGE(api.start(), "the local Runtime API did not start");
    std::vector<std::string> set = extra;
    set.push_back("AWS_LAMBDA_RUNTIME_API=" + api.address());
    boot = Child::spawn({bootstrap_path()}, lambdatest::environment_with(set, unset));
  }
};

int count_lines(const std::string& file, const std::string& needle) {
  std::ifstream in(file);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.find(needle) != std::string::npos;
  return n;
}

int bouncer_logins() {
  return count_lines(env("PGREST_TEST_DIR") + "/pgbouncer.log", "login attempt: db=app user=authenticator");
}

// Fault injection through the harness. Not pgtest::run: the restarted PgBouncer daemon would
// inherit its output pipe and the read would never see EOF.
void ctl(const std::string& action) {
  Child c = Child::spawn({env("PGREST_TEST_CTL"), action}, lambdatest::environment_with({}));
  auto rc = c.wait_exit(60000);
  BOOST_REQUIRE_MESSAGE(rc && *rc == 0, "ctl " << action << " failed");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lambda_runtime)

BOOST_AUTO_TEST_CASE(each_event_kind_round_trips) {
  Runtime rt;
  // REST API v1: duplicate keys rebuilt from multiValueQueryStringParameters, in order.
  auto v1 = invoke(rt.api, v1_event("GET", "/items", {{"select", "id,name"}, {"id", "gt.1"}, {"id", "lt.4"}, {"order", "id"}},
                                    {{"Accept", "application/json"}, {"Prefer", "count=exact"}}));
  BOOST_TEST(v1.kind == "response", v1.posted);
  BOOST_TEST(v1.status() == 200);
  BOOST_TEST(json_norm(v1.body()) == R"([{"id":2,"name":"banana"},{"id":3,"name":"carrot"}])");
  BOOST_TEST(v1.header("content-range").value_or("") == "0-1/2");
  BOOST_TEST(v1.header("content-type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(cJSON_HasObjectItem(v1.doc.get(), "multiValueHeaders"));
  BOOST_TEST(!pgrest::json::get_bool(v1.doc.get(), "isBase64Encoded", true));

  // HTTP API v2 on a named stage: "/prod" removed, raw query string used as is.
  auto v2 = invoke(rt.api, v2_event("GET", "/prod/items", "select=id&name=in.(%22apple%22,banana)&order=id.desc",
                                    {}, "", "prod"));
  BOOST_TEST(v2.status() == 200, v2.posted);
  BOOST_TEST(json_norm(v2.body()) == R"([{"id":2},{"id":1}])");
  BOOST_TEST(!cJSON_HasObjectItem(v2.doc.get(), "multiValueHeaders"));

  // Function URL (payload 2.0, $default stage) with a text/csv answer.
  auto url = invoke(rt.api, v2_event("GET", "/items", "select=id,name&id=eq.3", {{"accept", "text/csv"}}));
  BOOST_TEST(url.status() == 200, url.posted);
  BOOST_TEST(url.body() == "id,name\n3,carrot");
  BOOST_TEST(url.header("content-type").value_or("").rfind("text/csv", 0) == 0u);

  // ALB, multi-value and single-value target groups: statusDescription, matching header style.
  auto alb = invoke(rt.api, alb_event("GET", "/items", {{"select", "id"}, {"id", "gte.4"}, {"id", "lte.5"}},
                                      {{"accept", "*/*"}}, true));
  BOOST_TEST(alb.status() == 200, alb.posted);
  BOOST_TEST(json_norm(alb.body()) == R"([{"id":4},{"id":5}])");
  BOOST_TEST(pgrest::json::get_string(alb.doc.get(), "statusDescription").value_or("") == "200 OK");
  BOOST_TEST(cJSON_HasObjectItem(alb.doc.get(), "multiValueHeaders"));
  auto single = invoke(rt.api, alb_event("GET", "/itemz", {{"select", "id"}}, {{"accept", "*/*"}}, false));
  BOOST_TEST(single.status() == 404, single.posted);
  BOOST_TEST(pgrest::json::get_string(single.doc.get(), "statusDescription").value_or("") == "404 Not Found");
  BOOST_TEST(cJSON_HasObjectItem(single.doc.get(), "headers"));
}

BOOST_AUTO_TEST_CASE(error_responses_are_postgrest_errors) {
  Runtime rt;
  auto r = invoke(rt.api, v2_event("GET", "/items", "id=5"));
  BOOST_TEST(r.kind == "response");  // a client mistake is an HTTP answer, not an invocation error
  BOOST_TEST(r.status() == 400, r.posted);
  BOOST_TEST(r.header("proxy-status").value_or("") == "PostgREST; error=PGRST100");
  BOOST_TEST(json_norm(r.body()).find(R"("code":"PGRST100")") != std::string::npos, r.body());
  auto anon = invoke(rt.api, v1_event("GET", "/secrets", {}));
  BOOST_TEST(anon.status() == 401);
  BOOST_TEST(anon.header("www-authenticate").value_or("") == "Bearer");
  BOOST_TEST(json_norm(anon.body()).find(R"("code":"42501")") != std::string::npos, anon.body());
}

// Lambda-Runtime-Deadline-Ms bounds the statement: the remaining time (less a margin to send the
// reply) becomes statement_timeout, so a slow query is cancelled before Lambda kills the function.
BOOST_AUTO_TEST_CASE(the_invocation_deadline_bounds_the_statement) {
  Runtime rt;
  auto start = std::chrono::steady_clock::now();
  auto slow = invoke(rt.api, v2_event("GET", "/rpc/lambda_sleep", "seconds=4"), 1500);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  BOOST_TEST(slow.kind == "response");
  BOOST_TEST(slow.status() == 500, slow.posted);
  BOOST_TEST(json_norm(slow.body()).find(R"("code":"57014")") != std::string::npos, slow.body());
  BOOST_TEST(secs < 3.0);
  auto quick = invoke(rt.api, v2_event("GET", "/rpc/lambda_sleep", "seconds=0"), 1500);
  BOOST_TEST(quick.status() == 200, quick.posted);  // the connection is still usable
}

BOOST_AUTO_TEST_CASE(jwt_authenticated_request) {
  Runtime rt;
  std::string token = make_token(R"({"role":"web_user"})");
  auto r = invoke(rt.api, v2_event("GET", "/secrets", "select=id,secret", {{"authorization", "Bearer " + token}}));
  BOOST_TEST(r.status() == 200, r.posted);
  BOOST_TEST(json_norm(r.body()) == R"([{"id":1,"secret":"hunter2"}])");
  auto who = invoke(rt.api, v1_event("GET", "/request_info", {{"select", "role,method,path,probe"}},
                                     {{"Authorization", "Bearer " + token}, {"X-Probe", "lambda"}}));
  BOOST_TEST(json_norm(who.body()) ==
             R"([{"role":"web_user","method":"GET","path":"/request_info","probe":"lambda"}])", who.posted);
  auto bad = invoke(rt.api, v2_event("GET", "/items", "", {{"authorization", "Bearer not.a.token"}}));
  BOOST_TEST(bad.status() == 401);
  BOOST_TEST(bad.header("www-authenticate").value_or("").find("invalid_token") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(writes_round_trip) {
  Runtime rt;
  Pairs json_headers = {{"content-type", "application/json"}, {"prefer", "return=representation"}};
  auto post = invoke(rt.api, v2_event("POST", "/lambda_notes", "", json_headers, R"({"id":10,"body":"from lambda"})"));
  BOOST_TEST(post.status() == 201, post.posted);
  BOOST_TEST(json_norm(post.body()) == R"([{"id":10,"body":"from lambda"}])");
  BOOST_TEST(sql_value("select body from test.lambda_notes where id = 10").value_or("") == "from lambda");

  auto patch = invoke(rt.api, v1_event("PATCH", "/lambda_notes", {{"id", "eq.10"}},
                                       {{"Content-Type", "application/json"}}, R"({"body":"patched"})"));
  BOOST_TEST(patch.status() == 204, patch.posted);
  BOOST_TEST(sql_value("select body from test.lambda_notes where id = 10").value_or("") == "patched");

  auto del = invoke(rt.api, alb_event("DELETE", "/lambda_notes", {{"id", "eq.10"}}, {}, true));
  BOOST_TEST(del.status() == 204, del.posted);
  BOOST_TEST(pgrest::json::get_string(del.doc.get(), "statusDescription").value_or("") == "204 No Content");
  BOOST_TEST(sql_value("select count(*) from test.lambda_notes where id = 10").value_or("") == "0");

  // A failed write leaves nothing behind and is a PostgREST error, not an invocation error.
  auto dup = invoke(rt.api, v2_event("POST", "/lambda_notes", "", json_headers, R"({"id":1,"body":"again"})"));
  BOOST_TEST(dup.kind == "response");
  BOOST_TEST(dup.status() == 409, dup.posted);
  BOOST_TEST(json_norm(dup.body()).find(R"("code":"23505")") != std::string::npos, dup.body());
  BOOST_TEST(sql_value("select body from test.lambda_notes where id = 1").value_or("") == "first");
}

BOOST_AUTO_TEST_CASE(warm_invocations_reuse_the_connection) {
  Runtime rt;
  int before = bouncer_logins();
  auto first = invoke(rt.api, v2_event("GET", "/items", "select=id&id=eq.1"));
  BOOST_TEST(first.status() == 200, first.posted);
  int after_first = bouncer_logins();
  BOOST_TEST(after_first == before + 1);  // the cold invocation logs in once
  for (int i = 0; i < 3; ++i) {
    auto warm = invoke(rt.api, v2_event("GET", "/items", "select=id&id=eq.2"));
    BOOST_TEST(json_norm(warm.body()) == R"([{"id":2}])");
  }
  BOOST_TEST(bouncer_logins() == after_first);  // warm ones reuse it
  BOOST_TEST(!rt.boot.wait_exit(0).has_value());  // same process throughout
}

BOOST_AUTO_TEST_CASE(pgbouncer_restart_between_invocations_is_invisible) {
  Runtime rt;
  auto first = invoke(rt.api, v2_event("GET", "/items", "select=id&id=eq.1"));
  BOOST_TEST(first.status() == 200, first.posted);
  ctl("bouncer-restart");
  auto second = invoke(rt.api, v2_event("GET", "/items", "select=id&id=eq.3"));
  BOOST_TEST(second.status() == 200, second.posted);
  BOOST_TEST(json_norm(second.body()) == R"([{"id":3}])");
  ctl("bouncer-restart");
  // A request that must not be retried blindly (a write) also goes through: the closed connection
  // is noticed before anything is sent.
  auto write = invoke(rt.api, v2_event("POST", "/lambda_notes", "", {{"content-type", "application/json"}},
                                       R"({"id":20,"body":"after restart"})"));
  BOOST_TEST(write.status() == 201, write.posted);
  BOOST_TEST(sql_value("select body from test.lambda_notes where id = 20").value_or("") == "after restart");
  sql_exec("delete from test.lambda_notes where id = 20");
}

BOOST_AUTO_TEST_CASE(executor_replaces_a_connection_closed_while_idle) {
  // The executor rule the Lambda runtime relies on, tested on the core itself: after PgBouncer
  // closed the kept connection, even a request that may not be retried (a write) succeeds.
  pgrest::Database db(env("PGRST_DB_URI"), 5);
  pgrest::Sql settings{"select set_config('role', 'web_anon', true)", {}};
  pgrest::Sql main{"select null::bigint, 1::bigint, $1::text, null::text, null::text", {std::string("[]")}};
  auto first = db.run(settings, main, /*retry_safe=*/false, false);
  BOOST_REQUIRE(first.ok());
  ctl("bouncer-restart");
  auto second = db.run(settings, main, /*retry_safe=*/false, false);
  BOOST_TEST(second.ok(), (second.ok() ? "" : second.error().message + ": " + second.error().details.value_or("")));
  BOOST_TEST(db.round_trips() == 2);  // no failed attempt on the dead connection
}

BOOST_AUTO_TEST_CASE(unknown_event_is_an_invocation_error) {
  Runtime rt;
  auto r = invoke(rt.api, R"({"Records":[{"eventSource":"aws:s3","s3":{"bucket":{"name":"b"}}}]})");
  BOOST_TEST(r.kind == "error", r.posted);
  BOOST_TEST(r.error_type == "Runtime.UnsupportedEvent");
  BOOST_TEST(pgrest::json::get_string(r.doc.get(), "errorType").value_or("") == "Runtime.UnsupportedEvent");
  BOOST_TEST(pgrest::json::get_string(r.doc.get(), "errorMessage").value_or("").find("unsupported event") !=
             std::string::npos, r.posted);
  BOOST_TEST(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(r.doc.get(), "stackTrace")));
  auto garbage = invoke(rt.api, "not json at all");
  BOOST_TEST(garbage.kind == "error");
  // The runtime is still alive and serves the next event.
  auto ok = invoke(rt.api, v2_event("HEAD", "/items", "id=eq.1"));
  BOOST_TEST(ok.status() == 200, ok.posted);
  BOOST_TEST(ok.body() == "");
}

BOOST_AUTO_TEST_CASE(init_failure_is_reported_on_init_error) {
  {
    Runtime rt({"PGRST_SNAPSHOT=/nonexistent/pgrest.snapshot"});
    auto e = rt.api.init_error();
    BOOST_REQUIRE_MESSAGE(e.status == 200, "no init/error report: " << e.body);
    auto doc = pgrest::json::parse(e.body);
    BOOST_TEST(pgrest::json::get_string(doc.get(), "error_type").value_or("") == "Runtime.SnapshotInvalid");
    auto posted = pgrest::json::parse(pgrest::json::get_string(doc.get(), "body").value_or(""));
    BOOST_TEST(pgrest::json::get_string(posted.get(), "errorType").value_or("") == "Runtime.SnapshotInvalid");
    BOOST_TEST(pgrest::json::get_string(posted.get(), "errorMessage").value_or("").find("/nonexistent/pgrest.snapshot") !=
               std::string::npos, e.body);
    auto exit = rt.boot.wait_exit(5000);
    BOOST_TEST((exit.has_value() && *exit != 0));
    auto stats = rt.api.stats();
    BOOST_TEST(lambdatest::json_int(stats.body, "next_calls") == 0);  // it never asked for work
  }
  {
    Runtime rt({"PGRST_DB_MAX_ROWZ=10"});
    auto e = rt.api.init_error();
    BOOST_REQUIRE(e.status == 200);
    BOOST_TEST(e.body.find("Runtime.ConfigInvalid") != std::string::npos, e.body);
    BOOST_TEST(e.body.find("PGRST_DB_MAX_ROWZ") != std::string::npos, e.body);
  }
}

BOOST_AUTO_TEST_CASE(snapshot_defaults_to_the_task_root) {
  // On Lambda the package is unpacked in LAMBDA_TASK_ROOT; without PGRST_SNAPSHOT the snapshot is
  // looked up there.
  std::string dir = env("PGREST_TEST_DIR") + "/task-root";
  mkdir(dir.c_str(), 0755);
  std::string out;
  BOOST_REQUIRE(run({"/bin/cp", env("PGRST_SNAPSHOT"), dir + "/pgrest.snapshot"}, {}, out) == 0);
  Runtime rt({"LAMBDA_TASK_ROOT=" + dir}, {"PGRST_SNAPSHOT"});
  auto r = invoke(rt.api, v2_event("GET", "/items", "select=id&id=eq.5"));
  BOOST_TEST(json_norm(r.body()) == R"([{"id":5}])", r.posted);
}

BOOST_AUTO_TEST_CASE(package_runs_in_an_empty_chroot) {
  // `make lambda-package`'s zip, unpacked where Lambda unpacks it, in a root that holds nothing
  // else (plus /tmp): proves that bootstrap needs no library or file from the host.
  if (PGREST_SANITIZED) {
    // ASan/UBSan runtimes need /proc, which the empty root does not have: the plain build checks it.
    BOOST_TEST_MESSAGE("sanitizer build: the chroot check runs in the plain build only");
    return;
  }
  std::string zip = std::string(PGREST_BUILD_ROOT) + "/pgrest-lambda.zip";
  BOOST_REQUIRE_MESSAGE(access(zip.c_str(), R_OK) == 0, zip << " is missing: run make lambda-package");
  std::string root = env("PGREST_TEST_DIR") + "/chroot";
  std::string out;
  BOOST_REQUIRE(run({"/bin/mkdir", "-p", root + "/var/task", root + "/tmp"}, {}, out) == 0);
  BOOST_REQUIRE_MESSAGE(run({"/usr/bin/unzip", "-q", "-o", zip, "-d", root + "/var/task"}, {}, out) == 0, out);
  BOOST_REQUIRE(run({"/bin/cp", env("PGRST_SNAPSHOT"), root + "/var/task/pgrest.snapshot"}, {}, out) == 0);
  BOOST_REQUIRE(run({"/bin/sh", "-c", "find '" + root + "' -maxdepth 2 | sort"}, {}, out) == 0);
  BOOST_TEST(out == root + "\n" + root + "/tmp\n" + root + "/var\n" + root + "/var/task\n", out);

  RuntimeApi api;
  BOOST_REQUIRE(api.start());
  // PgBouncer over TCP (the harness's unix socket directory is outside the root).
  std::string uri = std::regex_replace(env("PGREST_TEST_BOUNCER"), std::regex("host=\\S+"), "host=127.0.0.1");
  std::vector<std::string> lambda_env = {
      "AWS_LAMBDA_RUNTIME_API=" + api.address(), "LAMBDA_TASK_ROOT=/var/task",
      "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
      "PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin", "TZ=:UTC", "PGRST_DB_URI=" + uri,
      "PGRST_DB_SCHEMAS=" + env("PGRST_DB_SCHEMAS"), "PGRST_DB_ANON_ROLE=" + env("PGRST_DB_ANON_ROLE"),
      "PGRST_JWT_SECRET=" + env("PGRST_JWT_SECRET")};
  Child boot = Child::spawn({"/var/task/bootstrap"}, lambda_env, false, root, "/var/task");
  auto r = invoke(api, v2_event("GET", "/items", "select=id,name&id=gt.3&order=id"));
  BOOST_TEST(r.status() == 200, r.posted);
  BOOST_TEST(json_norm(r.body()) == R"([{"id":4,"name":"dates"},{"id":5,"name":"eggplant"}])");
  auto auth = invoke(api, v1_event("GET", "/secrets", {},
                                   {{"Authorization", "Bearer " + make_token(R"({"role":"web_user"})")}}));
  BOOST_TEST(auth.status() == 200, auth.posted);
  BOOST_TEST(json_norm(auth.body()) == R"([{"id":1,"secret":"hunter2"}])");
  BOOST_TEST(!boot.wait_exit(0).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
