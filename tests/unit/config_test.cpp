#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>

#include "pgrest/config.hpp"

using namespace pgrest;

BOOST_AUTO_TEST_SUITE(config)

BOOST_AUTO_TEST_CASE(environment_uses_postgrest_names) {
  auto c = load_config({"PGRST_DB_URI=postgres://x", "PGRST_DB_SCHEMAS=api, v2",
                        "PGRST_DB_ANON_ROLE=anon", "PGRST_DB_MAX_ROWS=50", "PATH=/bin",
                        "PGRST_LOG_LEVEL=info", "PGRST_SNAPSHOT=/tmp/s",
                        "PGRST_APP_SETTINGS_JWT_ISSUER=me"},
                       std::nullopt);
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->db_uri == "postgres://x");
  BOOST_TEST((c->db_schemas == std::vector<std::string>{"api", "v2"}));
  BOOST_TEST(*c->db_anon_role == "anon");
  BOOST_TEST(*c->db_max_rows == 50);
  BOOST_TEST((c->log_level == LogLevel::info));
  BOOST_TEST(c->snapshot == "/tmp/s");
  BOOST_TEST(c->app_settings.at("app.settings.jwt_issuer") == "me");
}

BOOST_AUTO_TEST_CASE(config_file_then_environment_overrides) {
  auto pairs = parse_config_text(
      "# comment\ndb-uri = \"postgres://file\"\ndb-schemas = \"a,b\"\n"
      "db-max-rows = 10 # trailing\nserver-timing-enabled = true\n"
      "jwt-secret = \"with \\\"quote\\\" and # hash inside........\"\n");
  BOOST_REQUIRE(pairs.ok());
  BOOST_TEST(pairs->size() == 5u);
  BOOST_TEST((*pairs)[4].second == "with \"quote\" and # hash inside........");
  BOOST_TEST((*pairs)[2].second == "10");
}

BOOST_AUTO_TEST_CASE(unknown_keys_and_bad_values_name_the_key) {
  auto unknown = load_config({"PGRST_DB_SCHEMAZ=x"}, std::nullopt);
  BOOST_REQUIRE(!unknown.ok());
  BOOST_TEST(unknown.error().message.find("PGRST_DB_SCHEMAZ") != std::string::npos);
  auto bad = load_config({"PGRST_DB_MAX_ROWS=-3"}, std::nullopt);
  BOOST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message.find("PGRST_DB_MAX_ROWS") != std::string::npos);
  auto level = load_config({"PGRST_LOG_LEVEL=loud"}, std::nullopt);
  BOOST_REQUIRE(!level.ok());
  BOOST_TEST(level.error().message.find("crit error warn info debug") != std::string::npos);
  auto short_secret = load_config({"PGRST_JWT_SECRET=short"}, std::nullopt);
  BOOST_REQUIRE(!short_secret.ok());
  BOOST_TEST(short_secret.error().message.find("32") != std::string::npos);
  auto missing_file = load_config({}, std::string("/nonexistent/pgrest.conf"));
  BOOST_REQUIRE(!missing_file.ok());
  BOOST_TEST(missing_file.error().message.find("/nonexistent/pgrest.conf") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(in_database_settings_override_and_name_their_key) {
  auto c = load_config({"PGRST_DB_MAX_ROWS=3", "PGRST_DB_SCHEMAS=api"}, std::nullopt);
  BOOST_REQUIRE(c);
  BOOST_TEST(c->db_config);
  BOOST_TEST(apply_db_config(*c, {{"db_max_rows", "1"}, {"db_schemas", "a, b"},
                                  {"db_uri", "postgresql://elsewhere"}, {"unknown_thing", "x"}}).ok());
  BOOST_TEST(*c->db_max_rows == 1);
  BOOST_TEST((c->db_schemas == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(c->db_uri == "postgresql://");  // how to reach the database is not the database's
  auto bad = apply_db_config(*c, {{"db_tx_end", "sometimes"}});
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.error().message.find("pgrst.db_tx_end") != std::string::npos, bad.error().message);
  BOOST_TEST(!apply_db_config(*c, {{"db_schemas", ""}}).ok());
}

BOOST_AUTO_TEST_CASE(db_uri_from_a_file_and_jwt_aud_as_uri) {
  const std::string path = "/tmp/pgrest-config-test-db-uri";
  {
    std::ofstream f(path);
    f << "host=/run/pg dbname=app user=authenticator\n";
  }
  auto c = load_config({"PGRST_DB_URI=@" + path}, std::nullopt);
  std::remove(path.c_str());
  BOOST_REQUIRE(c);
  BOOST_TEST(c->db_uri == "host=/run/pg dbname=app user=authenticator");
  auto missing = load_config({"PGRST_DB_URI=@/nonexistent/db-uri"}, std::nullopt);
  BOOST_TEST(!missing.ok());
  BOOST_TEST(load_config({"PGRST_JWT_AUD=https://api.example.com/v1"}, std::nullopt).ok());
  BOOST_TEST(load_config({"PGRST_JWT_AUD=urn:pgrest:api"}, std::nullopt).ok());
  BOOST_TEST(load_config({"PGRST_JWT_AUD=plain-audience"}, std::nullopt).ok());
  auto bad = load_config({"PGRST_JWT_AUD=:no scheme"}, std::nullopt);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(!load_config({"PGRST_JWT_AUD=http://a b"}, std::nullopt).ok());
}

BOOST_AUTO_TEST_CASE(aliases_and_dump) {
  auto c = load_config({"PGRST_DB_SCHEMA=one", "PGRST_MAX_ROWS=7"}, std::nullopt);
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->db_schemas.front() == "one");
  BOOST_TEST(*c->db_max_rows == 7);
  std::string dump = dump_config(*c);
  BOOST_TEST(dump.find("db-schemas = \"one\"") != std::string::npos);
  BOOST_TEST(dump.find("db-max-rows = \"7\"") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
