// SPDX-License-Identifier: MIT
#include "core/progress.h"

#include <atomic>
#include <cstdio>

namespace hawx {
namespace {
std::atomic<bool> g_enabled{false};
constexpr auto kQuietPeriod = std::chrono::seconds(1);
constexpr auto kRedrawPeriod = std::chrono::milliseconds(100);
}  // namespace

void Progress::set_enabled(bool enabled) { g_enabled = enabled; }
bool Progress::enabled() { return g_enabled; }

Progress::Progress(std::string label, std::uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

Progress::~Progress() {
  if (drawn_) draw(true);
}

void Progress::advance(std::uint64_t n) {
  done_ += n;
  if (!g_enabled) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < kQuietPeriod || now - last_draw_ < kRedrawPeriod) return;
  last_draw_ = now;
  draw(false);
}

void Progress::draw(bool final) {
  drawn_ = true;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = total_ ? static_cast<double>(done_) / static_cast<double>(total_) : 0.0;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth + 0.5);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(kWidth, '.');
  char eta[32] = "";
  if (!final && fraction > 0.0) {
    std::snprintf(eta, sizeof eta, "  ETA %.0fs", seconds / fraction - seconds);
  } else if (final) {
    std::snprintf(eta, sizeof eta, "  %.1fs", seconds);
  }
  std::fprintf(stderr, "\r%s [%s] %3.0f%% %llu/%llu %s%s\033[K%s", label_.c_str(), bar.c_str(),
               fraction * 100.0, static_cast<unsigned long long>(done_),
               static_cast<unsigned long long>(total_), unit_.c_str(), eta, final ? "\n" : "");
  std::fflush(stderr);
}

}  // namespace hawx
