// SPDX-License-Identifier: MIT
// Progress of long work on the terminal: a single line on stderr, shown only when stderr is a
// terminal, progress is enabled (the app disables it below log level info) and the work has
// already taken a second — short steps stay silent. Redrawn at most ten times a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hawx {

class Progress {
 public:
  Progress(std::string label, std::uint64_t total, std::string unit = "");
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void advance(std::uint64_t n = 1);

  // Off by default; the app turns it on when stderr is a terminal.
  static void set_enabled(bool enabled);
  static bool enabled();

 private:
  void draw(bool final);

  // Parameters.
  std::string label_;
  std::uint64_t total_;
  std::string unit_;
  // Live state.
  std::uint64_t done_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace hawx
