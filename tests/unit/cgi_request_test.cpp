#include <boost/test/unit_test.hpp>

#include "cgi_request.hpp"

using namespace pgrest;

BOOST_AUTO_TEST_SUITE(cgi_translation)

BOOST_AUTO_TEST_CASE(cgi_bin_path_and_headers) {
  CgiParams p = {{"REQUEST_METHOD", "PATCH"},
                 {"REQUEST_URI", "/cgi-bin/pgrest/odd%20name?a=eq.1&b=in.(%22x,y%22)"},
                 {"SCRIPT_NAME", "/cgi-bin/pgrest"},
                 {"PATH_INFO", "/odd name"},
                 {"QUERY_STRING", "a=eq.1&b=in.(%22x,y%22)"},
                 {"CONTENT_TYPE", "application/json"},
                 {"HTTP_ACCEPT_PROFILE", "v2"},
                 {"HTTP_X_CUSTOM_THING", "1"}};
  Request r = request_from_cgi(p, "{}", true);
  BOOST_TEST(r.method == "PATCH");
  BOOST_TEST(r.path == "/odd%20name");
  BOOST_TEST(r.query == "a=eq.1&b=in.(%22x,y%22)");
  BOOST_TEST(r.header("content-type").value_or("") == "application/json");
  BOOST_TEST(r.header("accept-profile").value_or("") == "v2");
  BOOST_TEST(r.header("x-custom-thing").value_or("") == "1");
  BOOST_TEST(r.body == "{}");
}

BOOST_AUTO_TEST_CASE(fastcgi_at_the_root) {
  // lighttpd with the "/" prefix: SCRIPT_NAME is the whole path and PATH_INFO is empty.
  CgiParams p = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/items?id=eq.1"},
                 {"SCRIPT_NAME", "/items"}, {"QUERY_STRING", "id=eq.1"}};
  Request r = request_from_cgi(p, "", false);
  BOOST_TEST(r.path == "/items");
  BOOST_TEST(r.query == "id=eq.1");
  CgiParams root = {{"REQUEST_METHOD", "GET"}, {"REQUEST_URI", "/cgi-bin/pgrest"},
                    {"SCRIPT_NAME", "/cgi-bin/pgrest"}};
  BOOST_TEST(request_from_cgi(root, "", true).path == "/");
}

BOOST_AUTO_TEST_CASE(response_serialisation) {
  Response res;
  res.status = 416;
  res.headers = {{"Content-Range", "*/5"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}};
  res.body = "{}";
  BOOST_TEST(cgi_response(res) ==
             "Status: 416 Requested Range Not Satisfiable\r\nContent-Range: */5\r\n"
             "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n{}");
  res.status = 332;
  BOOST_TEST(cgi_response(res).rfind("Status: 332\r\n", 0) == 0);
  // RAISE SQLSTATE 'PGRST' status_text names the phrase; a line break in it cannot add a header.
  res.reason = "My Custom Status";
  BOOST_TEST(cgi_response(res).rfind("Status: 332 My Custom Status\r\nContent-Range", 0) == 0);
  res.reason = "Evil\r\nSet-Cookie: x=1";
  BOOST_TEST(cgi_response(res).rfind("Status: 332\r\nContent-Range", 0) == 0);
  res.status = 404;
  BOOST_TEST(cgi_response(res).rfind("Status: 404 Not Found\r\n", 0) == 0);
  // A header value with a line break (response.headers from SQL) is left out whole.
  res.headers = {{"X-Ok", "1"}, {"X-Bad", "a\r\nSet-Cookie: x=1"}};
  BOOST_TEST(cgi_response(res) == "Status: 404 Not Found\r\nX-Ok: 1\r\n\r\n{}");
}

BOOST_AUTO_TEST_SUITE_END()
