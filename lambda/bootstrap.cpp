// `bootstrap`: pgrest as an AWS Lambda custom runtime (provided.al2023 / provided.al2). Init once
// per execution environment (config, snapshot; the database connection opens on first use), then
// the Runtime API loop: invocation/next → handle() → invocation/{id}/response, or
// invocation/{id}/error for an event that is not an HTTP event; init/error when start-up fails.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "json.hpp"
#include "lambda_event.hpp"
#include "pgrest/handler.hpp"

extern char** environ;

namespace {

using namespace pgrest;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

struct HttpReply {
  long status = 0;
  std::vector<Header> headers;  // lower-case names
  std::string body;
  std::string error;  // curl's message when the call itself failed
};

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    static_cast<std::vector<Header>*>(out)->push_back(
        {to_lower(line.substr(0, colon)), std::string(value)});
  }
  return size * n;
}

// One client for the Runtime API; the handle (and its keep-alive connection) lives for the process.
class RuntimeApi {
 public:
  explicit RuntimeApi(std::string host)
      : base_("http://" + std::move(host) + "/2018-06-01/runtime/"), curl_(curl_easy_init()) {}

  HttpReply get(const std::string& path) { return call("GET", path, nullptr, {}); }
  HttpReply post(const std::string& path, const std::string& body, const std::vector<std::string>& headers) {
    return call("POST", path, &body, headers);
  }
  bool ok() const { return curl_ != nullptr; }

 private:
  HttpReply call(const char* method, const std::string& path, const std::string* body,
                 const std::vector<std::string>& headers) {
    HttpReply reply;
    CURL* c = curl_.get();
    curl_easy_reset(c);
    std::string url = base_ + path;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROXY, "");  // the Runtime API is local: never via a proxy
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &reply.headers);
    // invocation/next blocks until an event arrives (or the environment is frozen): no timeout.
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 0L);
    SlistPtr list;
    std::vector<std::string> all = headers;
    if (body != nullptr) {
      curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
      curl_easy_setopt(c, CURLOPT_POSTFIELDS, body->data());
      curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
      all.emplace_back("Content-Type: application/json");
      all.emplace_back("Expect:");  // no 100-continue round trip for large bodies
    }
    for (const auto& h : all) list.reset(curl_slist_append(list.release(), h.c_str()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK) {
      reply.error = curl_easy_strerror(rc);
      return reply;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
  }

  std::string base_;
  CurlPtr curl_;
};

std::optional<std::string> header(const HttpReply& r, std::string_view name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

// The error document the Runtime API expects on init/error and invocation/{id}/error.
std::string error_json(const std::string& type, const std::string& message) {
  return "{\"errorMessage\":" + json::quoted(message) + ",\"errorType\":" + json::quoted(type) +
         ",\"stackTrace\":[]}";
}

void report_error(RuntimeApi& api, const std::string& path, const std::string& type,
                  const std::string& message) {
  std::cerr << "pgrest: " << type << ": " << message << std::endl;
  HttpReply r = api.post(path, error_json(type, message), {"Lambda-Runtime-Function-Error-Type: " + type});
  if (!r.error.empty() || r.status >= 300) {
    std::cerr << "pgrest: could not report the error to the Runtime API: "
              << (r.error.empty() ? "HTTP " + std::to_string(r.status) : r.error) << std::endl;
  }
}

std::vector<std::string> environment() {
  std::vector<std::string> env;
  bool snapshot = false;
  for (char** e = environ; e && *e; ++e) {
    env.emplace_back(*e);
    // A config file may name the snapshot itself; the environment would override it.
    if (env.back().rfind("PGRST_SNAPSHOT=", 0) == 0 || env.back().rfind("PGRST_CONFIG=", 0) == 0) {
      snapshot = true;
    }
  }
  // The deployment package is unpacked in LAMBDA_TASK_ROOT: look for the snapshot there by default.
  const char* root = std::getenv("LAMBDA_TASK_ROOT");
  if (!snapshot && root != nullptr && *root != '\0') {
    env.push_back(std::string("PGRST_SNAPSHOT=") + root + "/pgrest.snapshot");
  }
  return env;
}

constexpr long long kReplyMarginMs = 300;  // time kept to post the reply before the deadline

Response safe_handle(const Request& req, Context& ctx) {
  Response res = handle_guarded(req, ctx);
  log_request(ctx, req, res);  // Lambda sends stderr to CloudWatch Logs
  return res;
}

// init/error types in Lambda's recommended Category.Reason form.
std::string init_error_type(const Error& e) {
  return e.code == "PGRST002" ? "Runtime.SnapshotInvalid" : "Runtime.ConfigInvalid";
}

}  // namespace

int main() {
  const char* host = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (host == nullptr || *host == '\0') {
    std::cerr << "pgrest bootstrap: AWS_LAMBDA_RUNTIME_API is not set (run me as a Lambda custom "
                 "runtime, or point it at a Runtime API emulator)"
              << std::endl;
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  RuntimeApi api(host);
  if (!api.ok()) {
    std::cerr << "pgrest bootstrap: curl_easy_init failed" << std::endl;
    return 1;
  }

  Context ctx = make_context(environment(), std::nullopt);
  if (ctx.startup_error) {
    const Error& e = *ctx.startup_error;
    report_error(api, "init/error", init_error_type(e), e.message + (e.details ? ": " + *e.details : ""));
    return 1;
  }

  for (;;) {
    HttpReply next = api.get("invocation/next");
    if (!next.error.empty() || next.status != 200) {
      std::cerr << "pgrest bootstrap: invocation/next failed: "
                << (next.error.empty() ? "HTTP " + std::to_string(next.status) : next.error) << std::endl;
      return 1;  // Lambda replaces an environment whose runtime exits
    }
    auto id = header(next, "lambda-runtime-aws-request-id");
    if (!id || id->empty()) {
      std::cerr << "pgrest bootstrap: invocation/next without Lambda-Runtime-Aws-Request-Id" << std::endl;
      return 1;
    }
    if (auto trace = header(next, "lambda-runtime-trace-id")) {
      setenv("_X_AMZN_TRACE_ID", trace->c_str(), 1);
    } else {
      unsetenv("_X_AMZN_TRACE_ID");
    }
    std::string base = "invocation/" + *id + "/";
    auto event = lambda::parse_event(next.body);
    if (!event) {
      report_error(api, base + "error", "Runtime.UnsupportedEvent", event.error().message);
      continue;
    }
    // What is left of Lambda's deadline, less a margin to post the reply, bounds the statement.
    ctx.statement_timeout_ms.reset();
    if (auto deadline = header(next, "lambda-runtime-deadline-ms")) {
      long long at = std::strtoll(deadline->c_str(), nullptr, 10);
      long long now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
      if (at > 0) ctx.statement_timeout_ms = std::max(1LL, at - now - kReplyMarginMs);
    }
    std::string reply = lambda::render_response(safe_handle(event->request, ctx), *event);
    HttpReply posted = api.post(base + "response", reply, {});
    if (!posted.error.empty() || posted.status >= 300) {
      // 413 (payload too large) and the like: tell Lambda rather than leave the client hanging.
      std::string why = posted.error.empty() ? "HTTP " + std::to_string(posted.status) + " " + posted.body
                                             : posted.error;
      report_error(api, base + "error", "Runtime.ResponseRejected", "invocation/response failed: " + why);
    }
  }
}
