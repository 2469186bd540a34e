// The floor `make bench` compares bootstrap with: a Lambda Runtime API loop on libcurl that does
// no work (invocation/next → a fixed 200 reply on invocation/{id}/response).
#include <curl/curl.h>

#include <strings.h>

#include <cstdlib>
#include <string>

namespace {

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  const std::string key = "lambda-runtime-aws-request-id:";
  if (line.size() > key.size() && strncasecmp(line.c_str(), key.c_str(), key.size()) == 0) {
    std::string v = line.substr(key.size());
    while (!v.empty() && (v.back() == '\r' || v.back() == '\n')) v.pop_back();
    while (!v.empty() && v.front() == ' ') v.erase(0, 1);
    *static_cast<std::string*>(out) = v;
  }
  return size * n;
}

}  // namespace

int main() {
  const char* host = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (host == nullptr) return 1;
  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* c = curl_easy_init();
  std::string base = std::string("http://") + host + "/2018-06-01/runtime/invocation/";
  const std::string reply = R"({"statusCode":200,"headers":{},"body":"[]","isBase64Encoded":false})";
  for (;;) {
    std::string body, id;
    curl_easy_reset(c);
    std::string next = base + "next";
    curl_easy_setopt(c, CURLOPT_URL, next.c_str());
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &id);
    if (curl_easy_perform(c) != CURLE_OK || id.empty()) return 1;
    curl_easy_reset(c);
    std::string url = base + id + "/response";
    std::string sink;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROXY, "");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, reply.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (curl_easy_perform(c) != CURLE_OK) return 1;
  }
}
