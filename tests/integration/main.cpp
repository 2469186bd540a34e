#define BOOST_TEST_MODULE pgrest integration
#include <curl/curl.h>

#include <boost/test/unit_test.hpp>

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};
BOOST_TEST_GLOBAL_FIXTURE(CurlGlobal);
