// SPDX-License-Identifier: MIT
// Benchmark of the SIMT core (issue 6): one test image of each zoo model (LeNet-5 on MNIST;
// VGG-11, ResNet-18 and EfficientNet-Lite0 on CIFAR-10), every compute layer's kernel on the core
// (default 2 CUs, lut data path) with switching energy, filters assigned round-robin to
// mul8u_exact, mul8u_drum4 and mul8u_trunc4, each layer's sums checked against the engine's.
// Prints per model: the simulated cycles, the host time of the simulation (simulate_layer only;
// the engine's trace of each layer's input is reported apart), simulated cycles per host second
// and wavefront instructions per host second. Issue 6's targets: LeNet-5 under 1 s; the larger
// zoo models under 30 s each.
// Usage: hawx_bench_simt [--data DIR] [--cus N] [--models lenet5,vgg11,...] [--data-path lut|rtl]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "models/onnx/graph.h"
#include "rtl/characterize.h"
#include "sim/entry/sc_entry.h"
#include "sim/simt/core.h"

namespace {

namespace simt = hawx::simt;
namespace models = hawx::models;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return -1;
}

struct Zoo {
  std::string name;
  std::string dataset;
  models::Shape3 input;
};

}  // namespace

int hawx_main(int argc, char* argv[]) {
  std::string data = std::string(HAWX_SOURCE_DIR) + "/data";
  simt::CoreSpec spec;
  spec.compute_units = 2;
  std::string wanted = "lenet5,vgg11,resnet18,efficientnet_lite0";
  try {
    for (int i = 1; i < argc; ++i) {
      const bool has_value = i + 1 < argc;
      if (!std::strcmp(argv[i], "--data") && has_value) {
        data = argv[++i];
      } else if (!std::strcmp(argv[i], "--cus") && has_value) {
        spec.compute_units = std::atoi(argv[++i]);
      } else if (!std::strcmp(argv[i], "--models") && has_value) {
        wanted = argv[++i];
      } else if (!std::strcmp(argv[i], "--data-path") && has_value) {
        spec.data_path = simt::parse_data_path(argv[++i]);
      } else {
        std::fprintf(stderr,
                     "usage: hawx_bench_simt [--data DIR] [--cus N] [--models a,b,...] "
                     "[--data-path lut|rtl]\n");
        return 2;
      }
    }
    spec.validate();
    const std::vector<std::string> names = {"mul8u_exact", "mul8u_drum4", "mul8u_trunc4"};
    const auto tech_file = std::string(HAWX_SOURCE_DIR) + "/configs/tech/generic45.yaml";
    hawx::rtl::CharacterizeOptions options;
    options.tech = hawx::rtl::TechSpec::load(tech_file);
    std::ifstream tech(tech_file);
    options.tech_text.assign(std::istreambuf_iterator<char>(tech), {});
    std::vector<simt::SimtUnit> units;
    std::vector<hawx::rtl::ProductTable> tables;
    for (const auto& n : names) {
      units.push_back(
          simt::simt_unit(hawx::rtl::characterize(hawx::rtl::MultiplierSpec::library(n), options)));
      tables.push_back(units.back().table);
    }
    const std::vector<Zoo> zoo = {{"lenet5", "mnist", {1, 28, 28}},
                                  {"vgg11", "cifar10", {3, 32, 32}},
                                  {"resnet18", "cifar10", {3, 32, 32}},
                                  {"efficientnet_lite0", "cifar10", {3, 32, 32}}};
    std::printf(
        "SIMT core: %d CUs x %d PEs, wavefronts of %d, %d per CU, work-groups of %d, "
        "%s data path; filters round-robin on mul8u_exact, mul8u_drum4, mul8u_trunc4\n",
        spec.compute_units, spec.pes_per_cu, spec.wavefront_size, spec.wavefronts_per_cu,
        spec.workgroup_size, simt::data_path_name(spec.data_path));
    std::printf("%-20s %12s %14s %14s %10s %10s %16s %16s  %s\n", "model", "MACs", "cycles",
                "instructions", "sim s", "trace s", "cycles/host s", "instr/host s", "sums");
    bool all_match = true;
    for (const Zoo& z : zoo) {
      if (("," + wanted + ",").find("," + z.name + ",") == std::string::npos) continue;
      const models::Dataset train = models::load_dataset(z.dataset, {data, models::Split::kTrain});
      const models::Dataset test = models::load_dataset(z.dataset, {data, models::Split::kTest});
      const models::Network net = models::lower(
          models::load_onnx(std::string(HAWX_SOURCE_DIR) + "/models/zoo/" + z.name + ".onnx"),
          z.input);
      const models::Engine engine(
          models::quantize(net, models::OperandFormat::kSignMagnitude, train, 100), tables);
      models::Assignment assignment = models::Assignment::uniform(net, 0);
      for (auto& layer : assignment.filters) {
        for (std::size_t f = 0; f < layer.size(); ++f) layer[f] = static_cast<std::uint16_t>(f % 3);
      }
      const auto compute = net.compute_layers();
      double sim_seconds = 0, trace_seconds = 0;
      std::int64_t cycles = 0;
      std::uint64_t instructions = 0, macs = 0;
      bool match = true;
      for (std::size_t c = 0; c < compute.size(); ++c) {
        const models::Layer& l = net.layers[static_cast<std::size_t>(compute[c])];
        auto start = std::chrono::steady_clock::now();
        const models::LayerTrace trace = engine.trace_layer(test.image(0), assignment, c);
        trace_seconds += seconds_since(start);
        simt::LayerOperands o;
        o.shape = simt::shape_of(l);
        o.input = trace.input.data();
        o.weights = engine.network().conv[static_cast<std::size_t>(trace.layer)].weights;
        o.bias = engine.network().conv[static_cast<std::size_t>(trace.layer)].bias;
        o.filter_unit = assignment.filters[c];
        start = std::chrono::steady_clock::now();
        const simt::LayerRun r = simt::simulate_layer(spec, units, o);
        sim_seconds += seconds_since(start);
        cycles += r.cycles;
        instructions += r.instructions;
        macs += r.macs;
        match = match && r.output == trace.accumulators;
      }
      all_match = all_match && match;
      std::printf("%-20s %12llu %14lld %14llu %10.3f %10.3f %16.0f %16.0f  %s\n", z.name.c_str(),
                  static_cast<unsigned long long>(macs), static_cast<long long>(cycles),
                  static_cast<unsigned long long>(instructions), sim_seconds, trace_seconds,
                  static_cast<double>(cycles) / sim_seconds,
                  static_cast<double>(instructions) / sim_seconds,
                  match ? "equal the engine's" : "DIFFER FROM THE ENGINE'S");
      std::fflush(stdout);
    }
    std::printf("peak RSS %.1f MB\n", peak_rss_mb());
    return all_match ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
