// SPDX-License-Identifier: MIT
#include "core/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/errors.h"

extern char** environ;

namespace hawx {

ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& log,
                          const std::filesystem::path& working_dir) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // posix_spawn has no portable chdir action in glibc 2.36 without _np; run through env -C.
  std::vector<std::string> with_dir;
  if (!working_dir.empty()) {
    with_dir = {"env", "-C", working_dir.string()};
    with_dir.insert(with_dir.end(), argv.begin(), argv.end());
    args.clear();
    for (const auto& a : with_dir) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
  }
  pid_t pid = 0;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ProcessResult result;
  if (spawned != 0) {
    result.output = "cannot start '" + argv[0] + "'";
    return result;
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  result.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  // posix_spawnp reports a missing program as exit 127 from the child.
  if (result.exit_code == 127 && result.output.empty()) {
    result.output = "cannot start '" + argv[0] + "': not found in PATH";
  }
  return result;
}

std::string lines_containing(const std::string& text, const std::string& marker,
                             std::size_t max_lines) {
  std::istringstream in(text);
  std::string out;
  std::size_t n = 0;
  for (std::string line; std::getline(in, line) && n < max_lines;) {
    if (line.find(marker) != std::string::npos) {
      out += (out.empty() ? "" : "\n") + line;
      ++n;
    }
  }
  return out;
}

}  // namespace hawx
