// SPDX-License-Identifier: MIT
// Benchmark of the SystemC systolic array (issue 5): LeNet-5 (models/zoo/lenet5.onnx, quantised on
// 100 MNIST training images) for one MNIST test image, every compute layer on an R x C array
// (default 16x16 ws, lut) with multiplier switching energy, columns alternating mul8u_exact and
// mul8u_drum4, every filter on mul8u_exact except one in three on mul8u_drum4. Per run: the
// engine's integer input of each layer (Engine::trace_layer), im2col and simulate_gemm, the sums
// checked against the engine's. Prints cycles, energy, the first run's wall time, the best and
// mean of --repeats runs (default 20; the array part and the whole) and the peak RSS (VmHWM).
// Issue 5's target for the lut run on 16x16: under 0.2 s.
// Usage: hawx_bench_systolic_sc [--data DIR] [--rows R] [--cols C] [--dataflow ws|os|is]
//                               [--data-path lut|rtl] [--repeats N]
// (is needs one multiplier per layer: every filter runs on mul8u_exact there.)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "models/onnx/graph.h"
#include "rtl/characterize.h"
#include "rtl/library.h"
#include "sim/entry/sc_entry.h"
#include "sim/systolic/array.h"
#include "sim/systolic/conv.h"
#include "sim/systolic/im2col.h"

namespace {

namespace sys = hawx::systolic;
namespace models = hawx::models;

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

sys::GemmOperands operands(const models::QuantizedNetwork& q, const models::LayerTrace& trace,
                           const std::vector<std::uint16_t>& assignment) {
  const models::Layer& l = q.net.layers[static_cast<std::size_t>(trace.layer)];
  const sys::ConvWindow w = sys::window_of(l);
  sys::GemmOperands o;
  o.gemm = w.gemm(l.filters());
  o.ifmap = sys::im2col(w, trace.input.data());
  o.weights = q.conv[static_cast<std::size_t>(trace.layer)].weights;
  o.bias = q.conv[static_cast<std::size_t>(trace.layer)].bias;
  o.filter_multiplier = assignment;
  return o;
}

struct Run {
  double seconds = 0;        // the whole image
  double array_seconds = 0;  // simulate_gemm only
  std::int64_t cycles = 0;
  double energy_fj = 0;
  bool matches = true;
};

}  // namespace

int hawx_main(int argc, char* argv[]) {
  std::string data = std::string(HAWX_SOURCE_DIR) + "/data";
  sys::ArraySpec spec;
  spec.shape = {16, 16};
  int repeats = 20;
  try {
    for (int i = 1; i < argc; ++i) {
      const bool has_value = i + 1 < argc;
      if (!std::strcmp(argv[i], "--data") && has_value) {
        data = argv[++i];
      } else if (!std::strcmp(argv[i], "--rows") && has_value) {
        spec.shape.rows = std::atoll(argv[++i]);
      } else if (!std::strcmp(argv[i], "--cols") && has_value) {
        spec.shape.cols = std::atoll(argv[++i]);
      } else if (!std::strcmp(argv[i], "--dataflow") && has_value) {
        spec.dataflow = sys::parse_dataflow(argv[++i]);
      } else if (!std::strcmp(argv[i], "--data-path") && has_value) {
        spec.data_path = sys::parse_data_path(argv[++i]);
      } else if (!std::strcmp(argv[i], "--repeats") && has_value) {
        repeats = std::max(1, std::atoi(argv[++i]));
      } else {
        std::fprintf(stderr,
                     "usage: hawx_bench_systolic_sc [--data DIR] [--rows R] [--cols C] "
                     "[--dataflow ws|os|is] [--data-path lut|rtl] [--repeats N]\n");
        return 2;
      }
    }
    const std::vector<std::string> names = {"mul8u_exact", "mul8u_drum4"};
    const auto tech_file = std::string(HAWX_SOURCE_DIR) + "/configs/tech/generic45.yaml";
    hawx::rtl::CharacterizeOptions options;
    options.tech = hawx::rtl::TechSpec::load(tech_file);
    std::ifstream tech(tech_file);
    options.tech_text.assign(std::istreambuf_iterator<char>(tech), {});
    std::vector<sys::PeMultiplier> multipliers;
    std::vector<hawx::rtl::ProductTable> tables;
    for (const auto& n : names) {
      multipliers.push_back(sys::pe_multiplier(
          hawx::rtl::characterize(hawx::rtl::MultiplierSpec::library(n), options)));
      tables.push_back(multipliers.back().table);
    }
    for (std::int64_t j = 0; j < spec.shape.cols; ++j) {
      spec.multiplier_map.push_back(names[static_cast<std::size_t>(j % 2)]);
    }
    const models::Dataset train = models::load_dataset("mnist", {data, models::Split::kTrain});
    const models::Dataset test = models::load_dataset("mnist", {data, models::Split::kTest});
    const models::Network net = models::lower(
        models::load_onnx(std::string(HAWX_SOURCE_DIR) + "/models/zoo/lenet5.onnx"), {1, 28, 28});
    const models::Engine engine(
        models::quantize(net, models::OperandFormat::kSignMagnitude, train, 100), tables);
    models::Assignment assignment = models::Assignment::uniform(net, 0);
    const bool one_per_layer = spec.dataflow == sys::Dataflow::kInputStationary;
    for (auto& layer : assignment.filters) {
      for (std::size_t f = 0; f < layer.size() && !one_per_layer; ++f) {
        layer[f] = static_cast<std::uint16_t>(f % 3 == 1);
      }
    }

    auto run_once = [&] {
      Run run;
      const auto start = std::chrono::steady_clock::now();
      for (std::size_t c = 0; c < assignment.filters.size(); ++c) {
        const models::LayerTrace trace = engine.trace_layer(test.image(0), assignment, c);
        const sys::GemmOperands o = operands(engine.network(), trace, assignment.filters[c]);
        const auto array_start = std::chrono::steady_clock::now();
        const sys::ArrayRun r = sys::simulate_gemm(spec, multipliers, o);
        run.array_seconds += seconds_since(array_start);
        run.cycles += r.total_cycles() + 1;
        run.energy_fj += r.total.energy_fj;
        run.matches = run.matches && r.ofmap == trace.accumulators;
      }
      run.seconds = seconds_since(start);
      return run;
    };
    const Run first = run_once();
    double best = first.seconds, best_array = first.array_seconds, sum = 0, sum_array = 0;
    for (int r = 0; r < repeats; ++r) {
      const Run again = run_once();
      best = std::min(best, again.seconds);
      best_array = std::min(best_array, again.array_seconds);
      sum += again.seconds;
      sum_array += again.array_seconds;
    }
    std::printf(
        "LeNet-5, one MNIST test image, %lldx%lld %s array, %s data path: %lld cycles, "
        "%.1f pJ multiplier switching energy; sums %s the engine's\n",
        static_cast<long long>(spec.shape.rows), static_cast<long long>(spec.shape.cols),
        sys::dataflow_name(spec.dataflow), sys::data_path_name(spec.data_path),
        static_cast<long long>(first.cycles), first.energy_fj / 1000,
        first.matches ? "equal" : "DIFFER FROM");
    std::printf(
        "whole image: first %.4f s, best %.4f s, mean %.4f s of %d; array only: first "
        "%.4f s, best %.4f s, mean %.4f s; peak RSS %.1f MB\n",
        first.seconds, best, sum / repeats, repeats, first.array_seconds, best_array,
        sum_array / repeats, peak_rss_mb());
    return first.matches ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
