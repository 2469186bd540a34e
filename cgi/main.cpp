// The pgrest binary: `pgrest snapshot` writes the schema snapshot; otherwise it answers HTTP
// requests as a FastCGI responder (fd 0 is a listening socket, as lighttpd/spawn-fcgi/mod_fcgid
// start it) or, started by a web server's mod_cgi, answers exactly one CGI request.
#include <fcgiapp.h>
#include <fcgios.h>  // OS_LibShutdown
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cgi_request.hpp"
#include "pgrest/authenticator_check.hpp"
#include "pgrest/handler.hpp"
#include "pgrest/snapshot_reload.hpp"

extern char** environ;

namespace {

using namespace pgrest;

constexpr const char* kUsage =
    "Usage: pgrest [CONFIG_FILE]                 serve (FastCGI, or one CGI request)\n"
    "       pgrest snapshot [--check] [-o FILE] [CONFIG_FILE]\n"
    "                                            write the schema snapshot (PGRST_SNAPSHOT),\n"
    "                                            or with --check exit 1 if it is stale;\n"
    "                                            exit 3 if the authenticator is unsafe\n"
    "       pgrest --dump-config [CONFIG_FILE]   print the effective configuration\n"
    "       pgrest --version | --help\n"
    "Configuration: PostgREST's names, PGRST_* environment variables over the config file\n"
    "(first argument or PGRST_CONFIG).\n";

std::vector<std::string> environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

// A body over server-max-body-size is refused unread (the limit is also what keeps a hostile
// Content-Length from allocating memory). The FastCGI limit of int bytes per read caps it too.
bool too_large(size_t length, const Context& ctx) {
  auto limit = static_cast<size_t>(std::min<int64_t>(ctx.config.server_max_body_size, INT32_MAX));
  return length > limit;
}

// An oversized body is refused before it is read; everything else goes to the core.
Response safe_handle(const Request& req, Context& ctx, size_t length) {
  Response res;
  if (too_large(length, ctx)) {
    res = render_error(errors::body_too_large(length, ctx.config.server_max_body_size));
    res.set_header("Content-Length", std::to_string(res.body.size()));
  } else {
    res = handle_guarded(req, ctx);
  }
  log_request(ctx, req, res);
  return res;
}

// A replaced snapshot that cannot be read is an error the operator must see whatever log-level.
void log_refresh(const SnapshotRefresh& r, const Context& ctx) {
  if (r.error) {
    std::cerr << "pgrest: snapshot not reloaded (the previous one stays in use): " << r.error->message;
    if (r.error->details) std::cerr << ": " << *r.error->details;
    std::cerr << std::endl;
  } else if (r.reloaded && ctx.config.log_level >= LogLevel::info) {
    std::cerr << "pgrest: snapshot reloaded from " << ctx.config.snapshot << std::endl;
  }
}

volatile sig_atomic_t g_terminate = 0;

void on_sigterm(int) {
  g_terminate = 1;
  FCGX_ShutdownPending();  // sets libfcgi's flag: OS_Accept gives up instead of accepting again
}

// SIGTERM (what lighttpd, mod_fcgid and spawn-fcgi's users send to stop a worker) ends the accept
// loop instead of killing the process. No SA_RESTART, so the blocking accept() fails with EINTR.
void install_sigterm_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigterm;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGTERM, &sa, nullptr);
}

int serve(const std::optional<std::string>& config_file) {
  Context ctx = make_context(environment(), config_file);
  if (ctx.startup_error) {
    std::cerr << "pgrest: " << ctx.startup_error->message;
    if (ctx.startup_error->details) std::cerr << ": " << *ctx.startup_error->details;
    std::cerr << std::endl;
  }
  if (FCGX_IsCGI()) {
    CgiParams params = params_from(environ);
    size_t length = content_length(params);
    std::string body;
    if (!too_large(length, ctx)) {
      body.resize(length);
      body.resize(length == 0 ? 0 : std::fread(body.data(), 1, length, stdin));
    }
    std::string out = cgi_response(
        safe_handle(request_from_cgi(params, std::move(body), true), ctx, length));
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    return 0;
  }
  FCGX_Init();
  install_sigterm_handler();
  FCGX_Request request;
  // FCGI_FAIL_ACCEPT_ON_INTR: a signal makes the blocking accept() return instead of retrying, so
  // a SIGTERM while idle ends the loop at once; one during a request ends it after the response.
  // (A SIGTERM landing between libfcgi's flag check and accept() waits for the next connection;
  // the web server's SIGKILL fallback covers that window.)
  FCGX_InitRequest(&request, 0, FCGI_FAIL_ACCEPT_ON_INTR);
  while (!g_terminate) {
    if (int rc = FCGX_Accept_r(&request); rc < 0) {
      if (rc == -EINTR && !g_terminate) continue;  // another signal: keep serving
      break;
    }
    log_refresh(refresh_snapshot(ctx, std::chrono::steady_clock::now()), ctx);
    CgiParams params = params_from(request.envp);
    size_t length = content_length(params);
    std::string body;
    if (!too_large(length, ctx)) {
      body.resize(length);
      int got = length == 0 ? 0 : FCGX_GetStr(body.data(), static_cast<int>(length), request.in);
      body.resize(got > 0 ? static_cast<size_t>(got) : 0);
    }
    std::string out = cgi_response(
        safe_handle(request_from_cgi(params, std::move(body), false), ctx, length));
    FCGX_PutStr(out.data(), static_cast<int>(out.size()), request.out);
    // libfcgi's default close half-shuts the socket and waits for the web server to close its
    // end, so the worker idles a scheduler round trip per request. That lingering only protects
    // unread input from a reset; when the whole body was read there is none, so close at once.
    if (body.size() == length) FCGX_Detach(&request);
    FCGX_Finish_r(&request);
  }
  // A clean exit: the request's buffers, the Context (database connection, snapshot) and the
  // library's state are released, so a leak checker sees only what was really lost.
  FCGX_Free(&request, 1);
  OS_LibShutdown();
  return 0;
}

int snapshot(const std::vector<std::string>& args) {
  bool check = false;
  std::optional<std::string> out, config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--check") check = true;
    else if (args[i] == "-o" && i + 1 < args.size()) out = args[++i];
    else config_file = args[i];
  }
  auto config = load_config(environment(), config_file);
  if (!config) {
    std::cerr << "pgrest snapshot: " << config.error().message << std::endl;
    return 2;
  }
  std::string report;
  auto ok = take_snapshot(*config, out.value_or(config->snapshot), check, report);
  if (!ok) {
    std::cerr << "pgrest snapshot: " << ok.error().message;
    if (ok.error().details) std::cerr << ": " << *ok.error().details;
    std::cerr << std::endl;
    return 2;
  }
  (*ok ? std::cout : std::cerr) << "pgrest snapshot: " << report << std::endl;
  // The superuser rule is checked here too, so a deployment learns it before the first request.
  if (auto written = Snapshot::open(out.value_or(config->snapshot)); written) {
    if (auto reason = unsafe_authenticator_reason(written->meta())) {
      if (!config->db_allow_unsafe_authenticator) {
        std::cerr << "pgrest snapshot: UNSAFE: " << *reason
                  << "; pgrest will refuse to serve (503 PGRSTX01) until the authenticator is a "
                     "LOGIN NOINHERIT role without SUPERUSER/BYPASSRLS that cannot switch to one, "
                     "or PGRST_DB_ALLOW_UNSAFE_AUTHENTICATOR=true"
                  << std::endl;
        return 3;
      }
      std::cerr << "pgrest snapshot: WARNING: " << *reason
                << " (served anyway: db-allow-unsafe-authenticator = true)" << std::endl;
    }
  }
  return *ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    if (args[0] == "--help" || args[0] == "-h") {
      std::cout << kUsage;
      return 0;
    }
    if (args[0] == "--version") {
      std::cout << "pgrest " << PGREST_VERSION << " (PostgREST v13 API)" << std::endl;
      return 0;
    }
    if (args[0] == "snapshot") return snapshot({args.begin() + 1, args.end()});
    if (args[0] == "--dump-config") {
      auto config = load_config(environment(), args.size() > 1 ? std::optional(args[1]) : std::nullopt);
      if (!config) {
        std::cerr << "pgrest: " << config.error().message << std::endl;
        return 2;
      }
      std::cout << dump_config(*config);
      return 0;
    }
    if (args[0].rfind("-", 0) == 0) {
      std::cerr << kUsage;
      return 2;
    }
  }
  return serve(args.empty() ? std::nullopt : std::optional(args[0]));
}
