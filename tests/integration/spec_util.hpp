// Shared helpers for the integration specs.
#pragma once

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <string>

#include "http_client.hpp"

namespace pgtest {

// The two front ends every HTTP spec runs against: FastCGI and plain CGI, both behind lighttpd.
inline const char* kFrontends[] = {"fastcgi", "cgi"};

inline std::string base_url(const std::string& frontend) {
  return env(frontend == "cgi" ? "PGREST_TEST_CGI_URL" : "PGREST_TEST_URL");
}

inline HttpResponse get(const std::string& frontend, const std::string& target,
                        const Headers& headers = {}) {
  return http("GET", base_url(frontend), target, headers);
}

// An HS256 token signed with the harness's jwt-secret.
std::string make_token(const std::string& claims_json, const std::string& secret = "");

}  // namespace pgtest

#define CHECK_ERROR(res, http_status, pgrst_code)                                   \
  do {                                                                              \
    BOOST_TEST((res).status == (http_status));                                      \
    BOOST_TEST((res).header("content-type").value_or("") ==                         \
               "application/json; charset=utf-8");                                  \
    BOOST_TEST(pgtest::json_norm((res).body).find(std::string("\"code\":\"") +      \
                                                  (pgrst_code) + "\"") !=           \
               std::string::npos, (res).body);                                      \
    BOOST_TEST((res).header("proxy-status").value_or("") ==                         \
               std::string("PostgREST; error=") + (pgrst_code));                    \
  } while (0)
