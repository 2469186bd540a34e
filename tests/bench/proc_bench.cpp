// Times whole processes, as a web server's mod_cgi runs them:
//   proc_bench N [-o PREFIX] -- [VAR=VALUE...] CMD ARGS... [-- [VAR=VALUE...] CMD ARGS...]...
// runs every command N times, interleaved (one run of each in turn, so that a shared machine's
// drift hits all of them alike), each with this process's environment plus its VAR=VALUEs and
// stdin /dev/null, and prints one line per command: "median_ms p90_ms max_rss_kib" (wall time from
// spawn to exit; peak RSS from wait4). The first run's stdout goes to PREFIX.<i> (to check the
// answer), the others' to /dev/null. Exit status 1 when a run exits non-zero.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char** environ;

namespace {

struct Command {
  std::vector<std::string> env;  // environ with the overrides applied
  std::vector<std::string> argv;
  std::vector<double> ms;
  long max_rss = 0;
};

std::vector<char*> pointers(std::vector<std::string>& v) {
  std::vector<char*> p;
  for (auto& s : v) p.push_back(s.data());
  p.push_back(nullptr);
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: proc_bench N [-o PREFIX] -- [VAR=VALUE...] CMD ARGS... [-- ...]\n");
    return 2;
  }
  int n = std::atoi(argv[1]);
  std::string prefix;
  int i = 2;
  if (std::string(argv[i]) == "-o" && i + 1 < argc) {
    prefix = argv[i + 1];
    i += 2;
  }
  std::vector<Command> cmds;
  for (; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      cmds.emplace_back();
      for (char** e = environ; *e; ++e) cmds.back().env.emplace_back(*e);
    } else if (cmds.empty()) {
      return 2;
    } else if (cmds.back().argv.empty() && std::strchr(argv[i], '=') != nullptr) {
      std::string kv = argv[i];
      std::string name = kv.substr(0, kv.find('=') + 1);
      auto& env = cmds.back().env;
      env.erase(std::remove_if(env.begin(), env.end(),
                               [&](const std::string& e) { return e.rfind(name, 0) == 0; }),
                env.end());
      env.push_back(kv);
    } else {
      cmds.back().argv.emplace_back(argv[i]);
    }
  }
  if (n < 1 || cmds.empty()) return 2;
  for (int run = 0; run < n; ++run) {
    for (size_t c = 0; c < cmds.size(); ++c) {
      Command& cmd = cmds[c];
      if (cmd.argv.empty()) return 2;
      std::string out = run == 0 && !prefix.empty() ? prefix + "." + std::to_string(c) : "/dev/null";
      posix_spawn_file_actions_t fa;
      posix_spawn_file_actions_init(&fa);
      posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
      posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      auto args = pointers(cmd.argv);
      auto envp = pointers(cmd.env);
      auto start = std::chrono::steady_clock::now();
      pid_t pid;
      if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data()) != 0) {
        std::perror("proc_bench: posix_spawn");
        return 1;
      }
      int status = 0;
      rusage ru{};
      wait4(pid, &status, 0, &ru);
      cmd.ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      posix_spawn_file_actions_destroy(&fa);
      cmd.max_rss = std::max(cmd.max_rss, ru.ru_maxrss);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "proc_bench: %s exited with status %d\n", args[0], status);
        return 1;
      }
    }
  }
  for (auto& cmd : cmds) {
    std::sort(cmd.ms.begin(), cmd.ms.end());
    std::printf("%.2f %.2f %ld\n", cmd.ms[cmd.ms.size() / 2], cmd.ms[cmd.ms.size() * 9 / 10],
                cmd.max_rss);
  }
  return 0;
}
