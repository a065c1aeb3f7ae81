// SPDX-License-Identifier: MIT
// Helpers shared by the test suites: a scratch folder per test, file I/O, and the locations of
// the sources, the fetched datasets and the built tool (compiled in by tests/CMakeLists.txt; an
// environment variable of the same name overrides each).
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/errors.h"

namespace hawx::test {

// The message of the exception of type E that `action` throws; "" and a test failure if it
// throws none.
template <class E, class Action>
std::string message_of(Action&& action) {
  try {
    action();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected an exception, none was thrown";
  return "";
}

// The message of the InputError `action` throws (a bad input file).
template <class Action>
std::string input_error_of(Action&& action) {
  return message_of<InputError>(std::forward<Action>(action));
}

// `variable` from the environment if set, else the location the build compiled in.
inline std::filesystem::path location(const char* variable, const char* built_in) {
  const char* value = std::getenv(variable);
  return (value != nullptr && *value != '\0') ? value : built_in;
}

inline std::filesystem::path source_dir() { return location("HAWX_SOURCE_DIR", HAWX_SOURCE_DIR); }
// The fetched datasets (scripts/fetch_datasets.sh).
inline std::filesystem::path data_dir() { return location("HAWX_DATA_DIR", HAWX_DATA_DIR); }
inline std::filesystem::path tool_path() { return location("HAWX_COSIM", HAWX_COSIM); }

// A fresh, empty folder removed when the object goes out of scope.
class TempDir {
 public:
  TempDir() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string("hawx-test-") + (info ? info->name() : "x") + "-XXXXXX";
    std::string pattern = (std::filesystem::temp_directory_path() / name).string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = buffer.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::filesystem::path& file, const std::string& bytes) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline void write_file(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes) {
  write_file(file, std::string(bytes.begin(), bytes.end()));
}

inline std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A shell word: the text in single quotes, inner quotes escaped.
inline std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct CommandResult {
  int code = -1;  // exit code; -1 if killed
  std::string out;
  std::string err;
};

// Runs a shell command line with stdin closed, capturing its stdout and stderr.
inline CommandResult run_shell(const std::string& command) {
  TempDir capture;
  const std::string full = command + " </dev/null >" + shell_quote((capture / "out").string()) +
                           " 2>" + shell_quote((capture / "err").string());
  const int status = std::system(full.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(capture / "out"),
          read_file(capture / "err")};
}

// Runs the built hawx-cosim with `args`, from `dir` (the working directory when empty).
inline CommandResult run_tool(const std::vector<std::string>& args,
                              const std::filesystem::path& dir = {}) {
  std::string command = dir.empty() ? "" : "cd " + shell_quote(dir.string()) + " && ";
  command += shell_quote(tool_path().string());
  for (const auto& a : args) command += " " + shell_quote(a);
  return run_shell(command);
}

}  // namespace hawx::test
