// Several schemas: Accept-Profile / Content-Profile select one, Content-Profile answers it.
#include "spec_util.hpp"

using namespace pgtest;

namespace {
std::vector<std::string> two_schemas() {
  static std::string snap;
  if (snap.empty()) {
    snap = env("PGREST_TEST_DIR") + "/profiles.snapshot";
    std::string out;
    run({env("PGREST_BIN"), "snapshot", "-o", snap}, {"PGRST_DB_SCHEMAS=test, v2"}, out);
  }
  return {"PGRST_DB_SCHEMAS=test, v2", "PGRST_SNAPSHOT=" + snap};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(profiles)

BOOST_AUTO_TEST_CASE(accept_profile_selects_the_schema) {
  auto v2 = cgi("GET", "/items", two_schemas(), {{"Accept-Profile", "v2"}});
  BOOST_TEST(v2.status == 200, v2.body);
  BOOST_TEST(json_norm(v2.body) == R"([{"id":10,"label":"from v2"}])");
  BOOST_TEST(v2.header("content-profile").value_or("") == "v2");
  auto deflt = cgi("GET", "/items?select=id&id=eq.1", two_schemas());
  BOOST_TEST(json_norm(deflt.body) == R"([{"id":1}])");
  BOOST_TEST(deflt.header("content-profile").value_or("") == "test");
  CHECK_ERROR(cgi("GET", "/parents", two_schemas()), 404, "PGRST205");
  auto parents = cgi("GET", "/parents", two_schemas(), {{"Accept-Profile", "v2"}});
  BOOST_TEST(json_norm(parents.body) == R"([{"id":1,"name":"v2 parent"}])");
}

BOOST_AUTO_TEST_CASE(unknown_profile_is_406) {
  auto r = cgi("GET", "/items", two_schemas(), {{"Accept-Profile", "nope"}});
  CHECK_ERROR(r, 406, "PGRST106");
  BOOST_TEST(json_norm(r.body) ==
             R"({"code":"PGRST106","details":null,"hint":"Only the following schemas are exposed: test, v2","message":"Invalid schema: nope"})");
  // A single-schema configuration does not echo Content-Profile unless asked.
  BOOST_TEST(!get("fastcgi", "/items?id=eq.1").has_header("content-profile"));
}

BOOST_AUTO_TEST_CASE(extra_search_path) {
  auto r = cgi("GET", "/request_info?select=search_path", {"PGRST_DB_EXTRA_SEARCH_PATH=public, extensions"});
  BOOST_TEST(json_norm(r.body) == R"([{"search_path":"\"test\", \"public\", \"extensions\""}])", r.body);
}

BOOST_AUTO_TEST_SUITE_END()
