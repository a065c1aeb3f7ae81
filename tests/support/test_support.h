// SPDX-License-Identifier: MIT
// Helpers shared by the test suites: a scratch folder per test, file I/O, and the locations of
// the sources, the fetched datasets and the built tool (compiled in by tests/CMakeLists.txt; an
// environment variable of the same name overrides each).
#pragma once

#include <gtest/gtest.h>

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

}  // namespace hawx::test
