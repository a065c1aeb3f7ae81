// SPDX-License-Identifier: MIT
// Running an external tool (Verilator, the C++ compiler, Yosys): no shell, arguments passed as
// they are, standard output and error captured into a log file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace hawx {

struct ProcessResult {
  int exit_code = -1;  // the tool's exit code; -1 if it could not be started or was killed
  std::string output;  // what it printed on stdout and stderr (also kept in the log file)
};

// Runs argv[0] (looked up in PATH) with the arguments; waits for it. `log` receives its output.
ProcessResult run_process(const std::vector<std::string>& argv, const std::filesystem::path& log,
                          const std::filesystem::path& working_dir = {});

// The lines of `text` that contain `marker`, at most `max_lines` of them, joined by newlines.
std::string lines_containing(const std::string& text, const std::string& marker,
                             std::size_t max_lines = 8);

}  // namespace hawx
