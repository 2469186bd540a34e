// Drives a Lambda runtime binary (bootstrap, or the bench's no-op loop) as a child process against
// tests/lambda/runtime_api.py, the local Runtime API. Shared by the integration spec and the bench.
// Header-only; needs libcurl (curl_global_init done by the caller) and python3.
#pragma once

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <cctype>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace lambdatest {

inline std::string source_root() {
#ifdef PGREST_SOURCE_ROOT
  return PGREST_SOURCE_ROOT;
#else
  return ".";
#endif
}

// A child process, killed (SIGKILL) and reaped when the object dies.
class Child {
 public:
  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& o) noexcept : pid_(o.pid_), out_fd_(o.out_fd_) { o.pid_ = -1; o.out_fd_ = -1; }
  Child& operator=(Child&& o) noexcept {
    if (this != &o) {
      kill();
      std::swap(pid_, o.pid_);
      std::swap(out_fd_, o.out_fd_);
    }
    return *this;
  }
  ~Child() { kill(); }

  // argv[0] is the path; env replaces the environment. `root`: chroot there and chdir `cwd` first.
  // `capture`: the child's stdout is readable through out_fd().
  static Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     bool capture = false, const std::string& root = "", const std::string& cwd = "") {
    Child c;
    int fds[2] = {-1, -1};
    if (capture && pipe2(fds, O_CLOEXEC) != 0) return c;
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
      if (capture) dup2(fds[1], 1);  // dup2 clears O_CLOEXEC on the copy
      setpgid(0, 0);
      if (!root.empty() && (chroot(root.c_str()) != 0)) _exit(126);
      if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
      execve(a[0], a.data(), e.data());
      _exit(127);
    }
    if (capture) {
      close(fds[1]);
      c.out_fd_ = fds[0];
    }
    c.pid_ = pid;
    return c;
  }

  pid_t pid() const { return pid_; }
  int out_fd() const { return out_fd_; }

  // Exit status if the process ended within `ms`, else nullopt (it keeps running).
  std::optional<int> wait_exit(int ms) {
    for (int waited = 0; pid_ > 0; waited += 10) {
      int st = 0;
      pid_t r = waitpid(pid_, &st, WNOHANG);
      if (r == pid_) {
        pid_ = -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      if (waited >= ms) return std::nullopt;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
  }

  void kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (out_fd_ >= 0) {
      close(out_fd_);
      out_fd_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
};

struct Reply {
  long status = 0;
  std::string body;
};

inline size_t append_body(char* d, size_t s, size_t n, void* out) {
  static_cast<std::string*>(out)->append(d, s * n);
  return s * n;
}

inline Reply curl_call(const std::string& method, const std::string& url, const std::string& body = "") {
  Reply r;
  CURL* c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  curl_easy_cleanup(c);
  return r;
}

// The environment of this process, with NAME=VALUE entries replaced or added and names in
// `unset` removed.
inline std::vector<std::string> environment_with(const std::vector<std::string>& set,
                                                 const std::vector<std::string>& unset = {}) {
  std::vector<std::string> env;
  auto name_of = [](const std::string& kv) { return kv.substr(0, kv.find('=')); };
  for (char** e = environ; e && *e; ++e) {
    std::string kv = *e, name = name_of(kv);
    bool drop = false;
    for (const auto& u : unset) drop = drop || u == name;
    for (const auto& s : set) drop = drop || name_of(s) == name;
    if (!drop) env.push_back(kv);
  }
  env.insert(env.end(), set.begin(), set.end());
  return env;
}

// The local Runtime API (python3 tests/lambda/runtime_api.py) on a free port.
class RuntimeApi {
 public:
  bool start() {
    std::string py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    proc_ = Child::spawn({py, source_root() + "/tests/lambda/runtime_api.py"}, environment_with({}), true);
    if (proc_.out_fd() < 0) return false;
    std::string line;
    char ch;
    while (read(proc_.out_fd(), &ch, 1) == 1 && ch != '\n') line.push_back(ch);
    if (line.rfind("PORT ", 0) != 0) return false;
    port_ = std::atoi(line.c_str() + 5);
    return port_ > 0;
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::string url(const std::string& path) const { return "http://" + address() + path; }

  // Queues `event`, waits for the runtime's answer: {"kind","error_type","body"} (HTTP 200), or 504.
  Reply invoke(const std::string& event, int timeout_s = 15, int deadline_ms = 30000) const {
    return curl_call("POST", url("/test/invoke?timeout=" + std::to_string(timeout_s) +
                                 "&deadline_ms=" + std::to_string(deadline_ms)),
                     event);
  }
  Reply init_error(int timeout_s = 10) const {
    return curl_call("GET", url("/test/init_error?timeout=" + std::to_string(timeout_s)));
  }
  Reply stats() const { return curl_call("GET", url("/test/stats")); }
  void reset() const { curl_call("POST", url("/test/reset")); }

 private:
  Child proc_;
  int port_ = 0;
};

// Extracts a top-level integer field from a flat JSON object (the emulator's stats), or -1.
inline long long json_int(const std::string& doc, const std::string& key) {
  size_t p = doc.find("\"" + key + "\":");
  if (p == std::string::npos) return -1;
  p += key.size() + 3;
  while (p < doc.size() && doc[p] == ' ') ++p;
  if (p >= doc.size() || !(std::isdigit(static_cast<unsigned char>(doc[p])))) return -1;
  return std::strtoll(doc.c_str() + p, nullptr, 10);
}

}  // namespace lambdatest
