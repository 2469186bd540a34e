// GET / : the Swagger 2.0 document generated from the snapshot, per openapi-mode.
#include <cjson/cJSON.h>

#include "spec_util.hpp"

using namespace pgtest;

namespace {
struct Doc {
  cJSON* root;
  explicit Doc(const std::string& text) : root(cJSON_Parse(text.c_str())) {}
  ~Doc() { cJSON_Delete(root); }
  const cJSON* at(std::initializer_list<const char*> path) const {
    const cJSON* cur = root;
    for (const char* k : path) cur = cur ? cJSON_GetObjectItemCaseSensitive(cur, k) : nullptr;
    return cur;
  }
  std::string str(std::initializer_list<const char*> path) const {
    const cJSON* v = at(path);
    return cJSON_IsString(v) ? v->valuestring : "";
  }
};
}  // namespace

BOOST_AUTO_TEST_SUITE(openapi)

BOOST_AUTO_TEST_CASE(swagger_document_from_the_snapshot) {
  auto r = get("fastcgi", "/");
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(r.header("content-type").value_or("") == "application/openapi+json; charset=utf-8");
  Doc d(r.body);
  BOOST_REQUIRE(d.root != nullptr);
  BOOST_TEST(d.str({"swagger"}) == "2.0");
  BOOST_TEST(d.str({"definitions", "items", "properties", "id", "format"}) == "integer");
  BOOST_TEST(d.str({"definitions", "items", "properties", "id", "type"}) == "integer");
  BOOST_TEST(d.str({"definitions", "items", "properties", "id", "description"}).find("This is a Primary Key.<pk/>") !=
             std::string::npos);
  BOOST_TEST(d.str({"definitions", "films", "properties", "director_id", "description"})
                 .find("This is a Foreign Key to `directors.id`.") != std::string::npos);
  BOOST_TEST(d.str({"definitions", "items", "properties", "tags", "type"}) == "array");
  BOOST_TEST(d.at({"paths", "/items", "get"}) != nullptr);
  BOOST_TEST(d.at({"paths", "/items", "post"}) != nullptr);
  BOOST_TEST(d.at({"paths", "/items", "patch"}) != nullptr);
  BOOST_TEST(d.at({"paths", "/sales_by_region", "post"}) == nullptr);  // a matview is read-only
  BOOST_TEST(d.at({"parameters", "rowFilter.items.name"}) != nullptr);
  BOOST_TEST(d.at({"paths", "/rpc/doubled", "get"}) != nullptr);  // STABLE: GET and POST
  BOOST_TEST(d.at({"paths", "/rpc/doubled", "post"}) != nullptr);
  // follow-privileges: web_anon has no privilege on test.secrets.
  BOOST_TEST(d.at({"paths", "/secrets"}) == nullptr);
  BOOST_TEST(d.at({"definitions", "secrets"}) == nullptr);
}

BOOST_AUTO_TEST_CASE(privileges_of_the_role_decide) {
  std::string token = make_token(R"({"role":"web_user"})");
  Doc user(get("fastcgi", "/", {{"Authorization", "Bearer " + token}}).body);
  BOOST_TEST(user.at({"paths", "/secrets", "get"}) != nullptr);
  Doc ignoring(cgi("GET", "/", {"PGRST_OPENAPI_MODE=ignore-privileges"}).body);
  BOOST_TEST(ignoring.at({"paths", "/secrets", "get"}) != nullptr);
}

BOOST_AUTO_TEST_CASE(root_spec_function_answers_the_root) {
  const std::vector<std::string> env = {"PGRST_DB_ROOT_SPEC=root_doc"};
  auto r = cgi("GET", "/", env);
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(r.header("content-type").value_or("") == "application/json; charset=utf-8");
  BOOST_TEST(json_norm(r.body) == R"({"info":"custom root","role":"web_anon"})");
  BOOST_TEST(cgi("HEAD", "/", env).status == 200);
  BOOST_TEST(json_norm(cgi("GET", "/?info=from%20the%20query", env).body) ==
             R"({"info":"from the query","role":"web_anon"})");
  CHECK_ERROR(cgi("GET", "/", {"PGRST_DB_ROOT_SPEC=no_such_root"}), 404, "PGRST202");
  // Other paths are unaffected.
  BOOST_TEST(cgi("GET", "/rpc/hello?name=x", env).body == R"("Hello, x")");
}

BOOST_AUTO_TEST_CASE(modes_media_and_proxy) {
  CHECK_ERROR(cgi("GET", "/", {"PGRST_OPENAPI_MODE=disabled"}), 404, "PGRST126");
  CHECK_ERROR(get("fastcgi", "/", {{"Accept", "text/csv"}}), 406, "PGRST107");
  // Accepted as application/json, labelled as what it is, as PostgREST does.
  auto json = get("fastcgi", "/", {{"Accept", "application/json"}});
  BOOST_TEST(json.status == 200);
  BOOST_TEST(json.header("content-type").value_or("") == "application/openapi+json; charset=utf-8");
  Doc proxied(cgi("GET", "/", {"PGRST_OPENAPI_SERVER_PROXY_URI=https://api.example.com/v1",
                               "PGRST_OPENAPI_SECURITY_ACTIVE=true"}).body);
  BOOST_TEST(proxied.str({"host"}) == "api.example.com");
  BOOST_TEST(proxied.str({"basePath"}) == "/v1");
  BOOST_TEST(proxied.str({"securityDefinitions", "JWT", "in"}) == "header");
}

BOOST_AUTO_TEST_SUITE_END()
