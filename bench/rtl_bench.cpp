// SPDX-License-Identifier: MIT
// Benchmark of multiplier characterisation (issue 3). Prints, per design:
//   - the exhaustive sweep: 65,536 operand pairs through the build-time verilated RTL, best of 5,
//     and as a ratio to the same loop with a native C++ multiply run in this process;
//   - run-time import of user RTL: the first import (verilate + compile) and a cached one;
//   - gate-level toggle counting speed (operand pairs/s) and the switching-energy macro-model's
//     R^2 on the stream it was fitted on and on held-out DNN-like operands.
// Usage: hawx_bench_rtl [--designs a,b,c] [--no-gate-level]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "rtl/cache.h"
#include "rtl/characterize.h"
#include "rtl/library.h"
#include "rtl/metrics.h"
#include "rtl/rtl_import.h"
#include "rtl/switching.h"
#include "rtl/tech.h"

namespace {
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

template <class F>
double best_seconds(int repeats, F&& f) {
  double best = 1e30;
  for (int i = 0; i < repeats; ++i) {
    const auto start = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

// The peer: the same 65,536-pair loop with a native multiply into a table.
double native_sweep_seconds() {
  std::vector<std::int32_t> table(65536);
  volatile std::int32_t sink = 0;
  const double s = best_seconds(5, [&] {
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) table[(a << 8) | b] = static_cast<std::int32_t>(a * b);
    }
    sink = sink + table[12345];
  });
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> designs = hawx::rtl::builtin_multiplier_names();
  bool gate_level = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--designs") == 0 && i + 1 < argc) {
      designs.clear();
      std::stringstream list(argv[++i]);
      for (std::string d; std::getline(list, d, ',');) designs.push_back(d);
    } else if (std::strcmp(argv[i], "--no-gate-level") == 0) {
      gate_level = false;
    } else {
      std::fprintf(stderr, "usage: %s [--designs a,b,c] [--no-gate-level]\n", argv[0]);
      return 2;
    }
  }
  const fs::path tech_file = fs::path(HAWX_SOURCE_DIR) / "configs/tech/generic45.yaml";
  const hawx::rtl::TechSpec tech = hawx::rtl::TechSpec::load(tech_file);

  const double native = native_sweep_seconds();
  std::printf("exhaustive sweep, 65,536 pairs (best of 5); peer: native C++ multiply %.3f ms\n",
              native * 1e3);
  std::printf("%-18s %12s %10s %12s\n", "design", "sweep ms", "x native", "metrics ms");
  for (const auto& name : designs) {
    hawx::rtl::ProductTable table;
    const double sweep = best_seconds(5, [&] { table = hawx::rtl::builtin_table(name); });
    const double metrics = best_seconds(5, [&] { (void)hawx::rtl::error_metrics(table); });
    std::printf("%-18s %12.3f %10.1f %12.3f\n", name.c_str(), sweep * 1e3, sweep / native,
                metrics * 1e3);
  }

  // Run-time import of RTL that is not in the library: a fresh design (unique text) so that the
  // first import really verilates and compiles; the second comes from the cache.
  {
    const fs::path dir = fs::temp_directory_path() / ("hawx-bench-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "user_mul.v")
        << "// bench " << std::chrono::system_clock::now().time_since_epoch().count() << "\n"
        << "module user_mul (input wire [7:0] x, input wire [7:0] y, output wire [15:0] z);\n"
           "  assign z = x * y;\nendmodule\n";
    hawx::rtl::MultiplierDesign d;
    d.sources = {dir / "user_mul.v"};
    d.top = "user_mul";
    d.port_a = "x";
    d.port_b = "y";
    d.port_p = "z";
    const double cold = best_seconds(1, [&] { (void)hawx::rtl::sweep_design(d); });
    const double warm = best_seconds(5, [&] { (void)hawx::rtl::sweep_design(d); });
    std::printf(
        "\nrun-time import of user RTL: first %.2f s (verilate + compile), cached %.3f s "
        "(%.0fx faster)\n",
        cold, warm, cold / warm);
    fs::remove_all(dir);
  }

  if (!gate_level) return 0;
  std::printf("\ngate-level switching (tech %s), 20,000 uniform pairs; macro-model R^2\n",
              tech.name.c_str());
  std::printf("%-18s %11s %9s %10s %9s %12s %8s %10s\n", "design", "transistors", "area_um2",
              "toggles/op", "fJ/op", "pairs/s", "R2 fit", "R2 held");
  for (const auto& name : designs) {
    const auto spec = hawx::rtl::MultiplierSpec::library(name);
    const hawx::rtl::HardwareEstimate e = hawx::rtl::estimate_hardware(spec.design, tech);
    std::printf("%-18s %11lld %9.1f %10.1f %9.1f %12.0f %8.3f %10.3f\n", name.c_str(),
                static_cast<long long>(e.transistors), e.area_um2, e.toggles_per_op,
                e.energy_fj_per_op, e.toggle_pairs_per_second, e.model_r2_train,
                e.model_r2_held_out);
  }
  return 0;
}
