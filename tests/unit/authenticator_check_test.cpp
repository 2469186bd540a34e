#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "pgrest/authenticator_check.hpp"

using namespace pgrest;
namespace bdata = boost::unit_test::data;

namespace {
SnapshotMeta meta(bool super, bool bypass, std::vector<std::string> roles) {
  SnapshotMeta m;
  m.authenticator = "auth";
  m.authenticator_known = true;
  m.authenticator_superuser = super;
  m.authenticator_bypassrls = bypass;
  m.unsafe_roles = std::move(roles);
  return m;
}

struct Row {
  SnapshotMeta meta;
  std::string reason;  // empty: safe
};
std::ostream& operator<<(std::ostream& o, const Row& r) { return o << r.reason; }

const Row kRows[] = {
    {meta(false, false, {}), ""},
    {SnapshotMeta{}, ""},  // an old snapshot without the facts is not refused
    {meta(true, true, {"x"}), "the authenticator role \"auth\" is a superuser"},
    {meta(false, true, {}), "the authenticator role \"auth\" has BYPASSRLS"},
    {meta(false, false, {"admin"}),
     "the authenticator role \"auth\" can switch to \"admin\", which is a superuser or has BYPASSRLS"},
    {meta(false, false, {"a", "b"}),
     "the authenticator role \"auth\" can switch to \"a\", \"b\", which are superusers or have BYPASSRLS"},
};
}  // namespace

BOOST_AUTO_TEST_SUITE(authenticator_check)

BOOST_DATA_TEST_CASE(reasons, bdata::make(kRows), row) {
  BOOST_TEST(unsafe_authenticator_reason(row.meta).value_or("") == row.reason);
  std::string warning;
  Config config;
  auto refusal = check_authenticator(row.meta, config, warning);
  BOOST_TEST(refusal.has_value() == !row.reason.empty());
  if (refusal) {
    BOOST_TEST(refusal->status == 503);
    BOOST_TEST(refusal->code == "PGRSTX01");
    BOOST_TEST(refusal->message == "Refusing to serve: " + row.reason);
  }
  config.db_allow_unsafe_authenticator = true;
  BOOST_TEST(!check_authenticator(row.meta, config, warning).has_value());
  BOOST_TEST(warning.empty() == row.reason.empty());
}

BOOST_AUTO_TEST_CASE(the_override_and_body_limit_are_config_keys) {
  auto c = load_config({"PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true", "PGRST_SERVER_MAX_BODY_SIZE=1024"},
                       std::nullopt);
  BOOST_REQUIRE(c.ok());
  BOOST_TEST(c->db_allow_unsafe_authenticator);
  BOOST_TEST(c->server_max_body_size == 1024);
  BOOST_TEST(!load_config({"PGRST_SERVER_MAX_BODY_SIZE=big"}, std::nullopt).ok());
}

BOOST_AUTO_TEST_SUITE_END()
