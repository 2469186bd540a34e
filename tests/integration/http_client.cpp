#include "http_client.hpp"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace pgtest {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

size_t on_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* out) {
  auto* res = static_cast<HttpResponse*>(out);
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (line.rfind("HTTP/", 0) == 0) {
    res->headers.clear();  // a new response (e.g. after 100 Continue)
  } else if (colon != std::string::npos) {
    res->headers.emplace(lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return size * n;
}

}  // namespace

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::string env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') {
    throw std::runtime_error(std::string("missing harness variable ") + name +
                             " (run through tests/harness.sh)");
  }
  return v;
}

HttpResponse http(const std::string& method, const std::string& base, const std::string& target,
                  const Headers& headers, const std::string& body) {
  HttpResponse res;
  CURL* curl = curl_easy_init();
  std::string url = base + target;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  res.status = rc == CURLE_OK ? static_cast<int>(status) : -1;
  if (rc != CURLE_OK) res.body = curl_easy_strerror(rc);
  curl_slist_free_all(list);
  curl_easy_cleanup(curl);
  return res;
}

std::string no_leak_check_asan_options() {
  const char* inherited = std::getenv("ASAN_OPTIONS");
  std::string opts = inherited && *inherited ? std::string(inherited) + ":" : "";
  return "ASAN_OPTIONS=" + opts + "detect_leaks=0";
}

// Runs argv with extra_env, feeding `input`; stdout (and stderr when `merge_stderr`) → output.
int run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
        std::string& output, const std::string& input, bool merge_stderr) {
  int out_pipe[2], in_pipe[2];
  if (pipe(out_pipe) != 0 || pipe(in_pipe) != 0) throw std::runtime_error("pipe failed");
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& kv : extra_env) {
      size_t eq = kv.find('=');
      std::string name = kv.substr(0, eq), value = kv.substr(eq + 1);
      if (value.empty()) unsetenv(name.c_str()); else setenv(name.c_str(), value.c_str(), 1);
    }
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    if (merge_stderr) dup2(out_pipe[1], 2);
    close(in_pipe[1]);
    close(out_pipe[0]);
    // Only fds 0-2 may hold the pipes: a daemon the command starts (pg_ctl, pgbouncer -d) would
    // otherwise keep the output pipe open and the read below would never see its end.
    close(in_pipe[0]);
    close(out_pipe[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (!input.empty() && write(in_pipe[1], input.data(), input.size()) < 0) {
    // the child may not read its input; that is its business
  }
  close(in_pipe[1]);
  char buf[65536];
  ssize_t n;
  output.clear();
  while ((n = read(out_pipe[0], buf, sizeof buf)) > 0) output.append(buf, static_cast<size_t>(n));
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
        std::string& output) {
  return run(argv, extra_env, output, "", true);
}

HttpResponse cgi(const std::string& method, const std::string& target,
                 const std::vector<std::string>& extra_env, const Headers& headers,
                 const std::string& body) {
  size_t q = target.find('?');
  std::vector<std::string> e = {
      "GATEWAY_INTERFACE=CGI/1.1",
      "REQUEST_METHOD=" + method,
      "REQUEST_URI=/cgi-bin/pgrest" + target,
      "SCRIPT_NAME=/cgi-bin/pgrest",
      "PATH_INFO=" + target.substr(0, q),
      "QUERY_STRING=" + (q == std::string::npos ? std::string() : target.substr(q + 1)),
      "CONTENT_LENGTH=" + std::to_string(body.size()),
  };
  for (const auto& [k, v] : headers) {
    std::string name = "HTTP_";
    for (char c : k) name.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
    if (name == "HTTP_CONTENT_TYPE") name = "CONTENT_TYPE";
    e.push_back(name + "=" + v);
  }
  for (const auto& x : extra_env) e.push_back(x);
  std::string out;
  run({env("PGREST_BIN")}, e, out, body, false);  // stderr is the web server's error log
  HttpResponse res;
  size_t end = out.find("\r\n\r\n");
  if (end == std::string::npos) {
    res.status = -1;
    res.body = out;
    return res;
  }
  std::string head = out.substr(0, end);
  res.body = out.substr(end + 4);
  size_t pos = 0;
  while (pos < head.size()) {
    size_t eol = head.find("\r\n", pos);
    std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = lower(trim(line.substr(0, colon))), value = trim(line.substr(colon + 1));
    if (name == "status") res.status = std::atoi(value.c_str());
    else res.headers.emplace(name, value);
  }
  return res;
}

std::optional<std::string> sql_value(const std::string& query) {
  PGconn* c = PQconnectdb(env("PGREST_TEST_DB").c_str());
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test database: " + msg);
  }
  PGresult* r = PQexec(c, query.c_str());
  std::optional<std::string> out;
  ExecStatusType st = PQresultStatus(r);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    std::string msg = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error("SQL failed: " + msg);
  }
  if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)) out = PQgetvalue(r, 0, 0);
  PQclear(r);
  PQfinish(c);
  return out;
}

void sql_exec(const std::string& query) { (void)sql_value(query); }

std::string json_norm(const std::string& text) {
  cJSON* doc = cJSON_ParseWithLength(text.data(), text.size());
  if (doc == nullptr) return "<invalid JSON: " + text + ">";
  char* s = cJSON_PrintUnformatted(doc);
  std::string out = s;
  cJSON_free(s);
  cJSON_Delete(doc);
  return out;
}

}  // namespace pgtest
