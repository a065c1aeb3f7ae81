// SPDX-License-Identifier: MIT
// Benchmark of the systolic array's timing-only model (issue 5): a SCALE-Sim topology (default
// configs/topologies/resnet18.csv, the ResNet-18 ImageNet network shipped with SCALE-Sim) on an
// R x C array under one dataflow (default 32x32 ws), the work of `hawx-cosim simulate --topology`:
// read and check the file, lower every layer to GEMM, count cycles and utilisation per fold,
// format COMPUTE_REPORT.csv. Prints the wall time of the first run and the best and mean of
// --repeats runs (default 200), the totals, and the process's peak resident memory (VmHWM).
// Issue 5's targets for ResNet-18 on 32x32 ws: under 3 s and 200 MB (SCALE-Sim v2 took about
// 5 minutes and 7.6 GB for the same run on these machines).
// Usage: hawx_bench_systolic [--topology FILE] [--rows R] [--cols C] [--dataflow ws|os|is]
//                            [--repeats N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/systolic/report.h"

namespace {

namespace sys = hawx::systolic;

// Peak resident set size of this process in MB (VmHWM of /proc/self/status), -1 if unknown.
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

struct Run {
  double seconds = 0;
  sys::NetworkTotals totals;
  std::size_t layers = 0;
  std::size_t report_bytes = 0;
};

Run run_once(const std::string& topology, const sys::ArrayShape& array, sys::Dataflow dataflow) {
  const auto start = std::chrono::steady_clock::now();
  const sys::Topology t = sys::read_topology(topology);
  const std::vector<sys::TimedLayer> layers = sys::time_topology(t, array, dataflow);
  std::ostringstream report;
  sys::write_compute_report(report, layers);
  Run run;
  run.totals = sys::totals(layers);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.layers = layers.size();
  run.report_bytes = report.str().size();
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::string topology = std::string(HAWX_SOURCE_DIR) + "/configs/topologies/resnet18.csv";
  sys::ArrayShape array{32, 32};
  std::string dataflow = "ws";
  int repeats = 200;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--topology" && has_value) {
      topology = argv[++i];
    } else if (arg == "--rows" && has_value) {
      array.rows = std::atoll(argv[++i]);
    } else if (arg == "--cols" && has_value) {
      array.cols = std::atoll(argv[++i]);
    } else if (arg == "--dataflow" && has_value) {
      dataflow = argv[++i];
    } else if (arg == "--repeats" && has_value) {
      repeats = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--topology FILE] [--rows R] [--cols C] [--dataflow ws|os|is] "
                   "[--repeats N]\n",
                   argv[0]);
      return 2;
    }
  }
  try {
    const sys::Dataflow df = sys::parse_dataflow(dataflow);
    const Run first = run_once(topology, array, df);
    double best = first.seconds;
    double sum = 0;
    for (int r = 0; r < repeats; ++r) {
      const double s = run_once(topology, array, df).seconds;
      best = std::min(best, s);
      sum += s;
    }
    std::printf("topology %s: %zu layers on a %lldx%lld array, dataflow %s\n", topology.c_str(),
                first.layers, static_cast<long long>(array.rows),
                static_cast<long long>(array.cols), dataflow.c_str());
    std::printf("  total %lld cycles, %lld MACs, overall util %.2f %%; report %zu bytes\n",
                static_cast<long long>(first.totals.total_cycles()),
                static_cast<long long>(first.totals.macs), first.totals.overall_util_percent,
                first.report_bytes);
    std::printf("  time: first run %.6f s, best %.6f s, mean %.6f s over %d runs\n", first.seconds,
                best, sum / repeats, repeats);
    std::printf("  peak RSS (VmHWM): %.1f MB\n", peak_rss_mb());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
