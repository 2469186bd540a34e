// How the pgrest binary connects (the lean link loads libpq's GSSAPI and LDAP libraries only when
// a connection asks for them: cgi/lazy_gss_ldap.cpp): TCP with a GSSAPI probe, GSSAPI required
// without credentials, an LDAP service lookup with a fallback, and gssencmode=disable by default.
#include <cstdio>
#include <fstream>
#include <regex>

#include "spec_util.hpp"

using namespace pgtest;

namespace {

// The harness's PgBouncer conninfo over TCP instead of its unix socket.
std::string bouncer_tcp() {
  return std::regex_replace(env("PGREST_TEST_BOUNCER"), std::regex("host=[^ ]*"), "host=127.0.0.1");
}

std::string conn_value(const std::string& key) {
  std::smatch m;
  std::string s = env("PGREST_TEST_BOUNCER");
  return std::regex_search(s, m, std::regex(key + "=([^ ]*)")) ? m[1].str() : "";
}

const char* kNoCredentials = "KRB5CCNAME=FILE:/nonexistent/pgrest-test-ccache";

}  // namespace

BOOST_AUTO_TEST_SUITE(connection)

BOOST_AUTO_TEST_CASE(tcp_with_a_gssapi_probe_falls_back_to_plain) {
  auto r = cgi("GET", "/items?select=id&id=eq.1",
               {"PGRST_DB_URI=" + bouncer_tcp() + " gssencmode=prefer", kNoCredentials});
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(r.body == R"([{"id":1}])");
}

BOOST_AUTO_TEST_CASE(gssapi_required_without_credentials_is_503) {
  auto r = cgi("GET", "/items?select=id&id=eq.1",
               {"PGRST_DB_URI=" + bouncer_tcp() + " gssencmode=require", kNoCredentials});
  CHECK_ERROR(r, 503, "PGRST000");
  BOOST_TEST(r.body.find("GSSAPI") != std::string::npos, r.body);
}

BOOST_AUTO_TEST_CASE(ldap_service_lookup_failure_falls_back_to_the_next_line) {
  // libpq asks the LDAP server first (nothing listens on port 1), then uses the next line.
  std::string file = env("PGREST_TEST_DIR") + "/pg_service.conf";
  {
    std::ofstream out(file);
    out << "[pgrest_svc]\n"
        << "ldap://127.0.0.1:1/dc=example,dc=org?description?one?(cn=app)\n"
        << "host=127.0.0.1\nport=" << conn_value("port") << "\ndbname=app\n";
  }
  auto r = cgi("GET", "/items?select=id&id=eq.1",
               {"PGRST_DB_URI=service=pgrest_svc user=authenticator password=" + conn_value("password"),
                "PGSERVICEFILE=" + file});
  std::remove(file.c_str());
  BOOST_TEST(r.status == 200, r.body);
  BOOST_TEST(r.body == R"([{"id":1}])");
}

BOOST_AUTO_TEST_CASE(no_gssapi_probe_by_default) {
  // Without gssencmode in db-uri (and no PGGSSENCMODE), a TCP connect never loads Kerberos in the
  // lean binary; the dynamically linked one maps it at start-up anyway, so check only the lean one.
  std::string out;
  run({"/usr/bin/ldd", env("PGREST_BIN")}, {}, out);
  if (out.find("libgssapi") != std::string::npos) {
    BOOST_TEST_MESSAGE("pgrest links libgssapi dynamically (not the lean link): skipped");
    return;
  }
  std::string trace = env("PGREST_TEST_DIR") + "/strace_gss.out";
  std::vector<std::string> e = {"GATEWAY_INTERFACE=CGI/1.1", "REQUEST_METHOD=GET",
                                "REQUEST_URI=/cgi-bin/pgrest/items?select=id&id=eq.1",
                                "SCRIPT_NAME=/cgi-bin/pgrest", "PATH_INFO=/items",
                                "PGRST_DB_URI=" + bouncer_tcp(), "PGGSSENCMODE=", kNoCredentials};
  int rc = run({"/usr/bin/strace", "-f", "-qq", "-e", "trace=openat", "-o", trace, env("PGREST_BIN")},
               e, out);
  BOOST_TEST(rc == 0, out);
  BOOST_TEST(out.find(R"([{"id":1}])") != std::string::npos, out);
  std::ifstream in(trace);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  BOOST_TEST(text.find("libgssapi") == std::string::npos, text);
  BOOST_TEST(text.find("libkrb5") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
