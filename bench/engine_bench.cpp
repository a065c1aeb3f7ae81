// SPDX-License-Identifier: MIT
// Benchmark of the int8 inference engine with approximate multipliers (issue 4). Loads a model,
// quantises it (sign-magnitude operands for unsigned multipliers, activations calibrated on the
// first 500 training images; not timed) and runs Engine::evaluate on the first N test images
// under three assignments, best of 3 repetitions each (--repeats):
//   exact   every filter uses mul8u_exact (the engine's exact integer path);
//   approx  every filter uses one approximate design (--approx, default mul8u_trunc4): the
//           product-table path;
//   mixed   per-filter assignment: filter f of every layer uses multiplier f mod 3 of --mixed
//           (default mul8u_exact, mul8u_trunc4, mul8u_drum4), so exact and table filters
//           alternate within each layer.
// Then prefix reuse (Engine::prefix): a layer-level sweep that puts each design on every compute
// layer from a boundary on (the middle one, then the last; earlier layers exact), timed as whole
// evaluations and as one prefix plus continuations (same results, checked); --no-sweep skips it.
// Prints images/s and top-1 accuracy per assignment, or one JSON object with --json (read by
// bench/engine_vs_pytorch.py, which measures PyTorch in the same run).
// --dump-table NAME FILE writes the product table of library design NAME as 65,536 raw
// little-endian int32 values, index (a << 8) | b (a: activation operand, b: weight operand), and
// exits: the PyTorch emulation uses the very same table.
// Usage: hawx_bench_engine [--model FILE] [--dataset mnist|cifar10] [--data DIR] [--images N]
//                          [--threads T] [--repeats R] [--calibration N] [--approx NAME]
//                          [--mixed a,b,c] [--no-sweep] [--only CASE] [--json] | --dump-table NAME
//                          FILE
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "models/engine/network.h"
#include "models/onnx/graph.h"
#include "rtl/library.h"

namespace {
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;
namespace hm = hawx::models;

struct Options {
  fs::path model = fs::path(HAWX_SOURCE_DIR) / "models/zoo/lenet5.onnx";
  std::string dataset = "mnist";
  fs::path data = fs::path(HAWX_SOURCE_DIR) / "data";
  std::size_t images = 0;  // 0: the whole test set
  int threads = 2;
  std::size_t calibration = 500;
  std::string approx = "mul8u_trunc4";
  std::vector<std::string> mixed = {"mul8u_exact", "mul8u_trunc4", "mul8u_drum4"};
  bool json = false;
  bool sweep = true;
  std::string only;  // run just this case (exact, approx or mixed), e.g. for profiling
  int repeats = 3;
};

struct Sweep {
  std::size_t boundary = 0;  // first compute layer swept
  double whole_s = 0.0;      // every variant evaluated from the images
  double prefix_s = 0.0;     // one prefix, then every variant continued from it (prefix included)
  double build_s = 0.0;      // the prefix alone
  double megabytes = 0.0;    // its size
};

struct Result {
  std::string name;
  std::string multipliers;  // the designs it uses, comma-separated
  double seconds = 0.0;     // best of the repetitions
  double images_per_s = 0.0;
  double accuracy = 0.0;
};

[[noreturn]] void usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--model FILE] [--dataset mnist|cifar10] [--data DIR] [--images N]\n"
               "       [--threads T] [--repeats R] [--calibration N] [--approx NAME]\n"
               "       [--mixed a,b,c] [--no-sweep] [--only exact|approx|mixed] [--json]\n"
               "   or: %s --dump-table NAME FILE\n",
               argv0, argv0);
  std::exit(2);
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ",") + s;
  return out;
}

// 65,536 int32 products, index (a << 8) | b, little-endian.
void dump_table(const std::string& name, const fs::path& file) {
  const hawx::rtl::ProductTable table = hawx::rtl::builtin_table(name);
  std::vector<unsigned char> bytes;
  bytes.reserve(hawx::rtl::kOperandPairs * 4);
  for (std::int32_t p : table.products()) {
    const auto u = static_cast<std::uint32_t>(p);
    for (int k = 0; k < 4; ++k) bytes.push_back(static_cast<unsigned char>(u >> (8 * k)));
  }
  std::ofstream out(file, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// Quotes a string for JSON (paths and design names: no control characters expected).
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

int run(const Options& o) {
  hm::Dataset test = hm::load_dataset(o.dataset, {o.data, hm::Split::kTest});
  test.truncate(o.images);
  const hm::Dataset train = hm::load_dataset(o.dataset, {o.data, hm::Split::kTrain});
  const hm::Graph graph = hm::load_onnx(o.model);
  const hm::Network net = hm::lower(graph, {test.channels, test.height, test.width});

  // Multiplier list: 0 = exact, 1 = the approximate design, then the mixed designs.
  std::vector<std::string> names = {"mul8u_exact", o.approx};
  for (const auto& m : o.mixed) {
    if (std::find(names.begin(), names.end(), m) == names.end()) names.push_back(m);
  }
  std::vector<hawx::rtl::ProductTable> tables;
  for (const auto& n : names) tables.push_back(hawx::rtl::builtin_table(n));
  auto index_of = [&](const std::string& n) {
    return static_cast<std::uint16_t>(std::find(names.begin(), names.end(), n) - names.begin());
  };

  const auto q_start = Clock::now();
  hm::QuantizedNetwork q =
      hm::quantize(net, hm::OperandFormat::kSignMagnitude, train, o.calibration);
  const double quantize_s = std::chrono::duration<double>(Clock::now() - q_start).count();
  const hm::Engine engine(std::move(q), tables);

  hm::Assignment mixed = hm::Assignment::uniform(net, 0);
  for (auto& layer : mixed.filters) {
    for (std::size_t f = 0; f < layer.size(); ++f) layer[f] = index_of(o.mixed[f % o.mixed.size()]);
  }
  struct Case {
    std::string name;
    std::string multipliers;
    hm::Assignment assignment;
  };
  const std::vector<Case> cases = {
      {"exact", "mul8u_exact", hm::Assignment::uniform(net, 0)},
      {"approx", o.approx, hm::Assignment::uniform(net, index_of(o.approx))},
      {"mixed", join(o.mixed), mixed},
  };

  std::vector<Result> results;
  for (const Case& c : cases) {
    if (!o.only.empty() && c.name != o.only) continue;
    Result r;
    r.name = c.name;
    r.multipliers = c.multipliers;
    r.seconds = 1e30;
    for (int i = 0; i < o.repeats; ++i) {
      const auto start = Clock::now();
      const hm::Evaluation e = engine.evaluate(test, c.assignment, o.threads);
      r.seconds = std::min(r.seconds, std::chrono::duration<double>(Clock::now() - start).count());
      r.accuracy = e.accuracy();
    }
    r.images_per_s = static_cast<double>(test.size()) / r.seconds;
    results.push_back(r);
  }

  // Prefix reuse: a layer-level sweep that tries every design on the compute layers from a
  // boundary on (earlier layers exact), by whole evaluations and by one prefix plus continuations.
  std::vector<Sweep> sweeps;
  const std::size_t computes = net.compute_layers().size();
  for (std::size_t boundary : {computes / 2, computes - 1}) {
    if (!o.sweep) break;
    Sweep w;
    w.boundary = boundary;
    std::vector<hm::Assignment> variants;
    for (std::size_t m = 0; m < names.size(); ++m) {
      hm::Assignment a = hm::Assignment::uniform(net, 0);
      for (std::size_t c = boundary; c < computes; ++c) {
        std::fill(a.filters[c].begin(), a.filters[c].end(), static_cast<std::uint16_t>(m));
      }
      variants.push_back(a);
    }
    std::vector<std::size_t> whole_correct, prefix_correct;
    auto start = Clock::now();
    for (const auto& a : variants)
      whole_correct.push_back(engine.evaluate(test, a, o.threads).correct);
    w.whole_s = std::chrono::duration<double>(Clock::now() - start).count();
    start = Clock::now();
    const hm::Prefix prefix = engine.prefix(test, variants[0], boundary, o.threads);
    w.build_s = std::chrono::duration<double>(Clock::now() - start).count();
    for (const auto& a : variants) {
      prefix_correct.push_back(engine.evaluate(prefix, test, a, o.threads).correct);
    }
    w.prefix_s = std::chrono::duration<double>(Clock::now() - start).count();
    w.megabytes = static_cast<double>(prefix.bytes()) / 1e6;
    if (whole_correct != prefix_correct) throw std::runtime_error("prefix results differ");
    sweeps.push_back(w);
  }

  if (o.json) {
    std::printf("{\"model\": %s, \"dataset\": %s, \"images\": %zu, \"threads\": %d, ",
                quoted(o.model.string()).c_str(), quoted(o.dataset).c_str(), test.size(),
                o.threads);
    std::printf("\"repetitions\": %d, \"calibration_images\": %zu, \"quantize_s\": %.3f, ",
                o.repeats, o.calibration, quantize_s);
    std::printf("\"macs_per_image\": %lld, \"results\": [", static_cast<long long>(net.macs()));
    for (std::size_t i = 0; i < results.size(); ++i) {
      const Result& r = results[i];
      std::printf(
          "%s{\"name\": %s, \"multipliers\": %s, \"seconds\": %.6f, \"images_per_s\": %.1f, "
          "\"accuracy\": %.6f}",
          i ? ", " : "", quoted(r.name).c_str(), quoted(r.multipliers).c_str(), r.seconds,
          r.images_per_s, r.accuracy);
    }
    std::printf("], \"sweeps\": [");
    for (std::size_t i = 0; i < sweeps.size(); ++i) {
      const Sweep& w = sweeps[i];
      std::printf(
          "%s{\"boundary\": %zu, \"designs\": %zu, \"whole_s\": %.6f, \"prefix_s\": %.6f, "
          "\"prefix_build_s\": %.6f, \"prefix_mb\": %.3f}",
          i ? ", " : "", w.boundary, names.size(), w.whole_s, w.prefix_s, w.build_s, w.megabytes);
    }
    std::printf("]}\n");
    return 0;
  }
  std::printf("%s on %s: %zu test images, %d threads, best of %d; %lld MACs/image\n",
              o.model.string().c_str(), o.dataset.c_str(), test.size(), o.threads, o.repeats,
              static_cast<long long>(net.macs()));
  std::printf("quantised (sign-magnitude, %zu calibration images) in %.2f s (not timed below)\n",
              o.calibration, quantize_s);
  std::printf("%-8s %-40s %10s %12s %10s %9s\n", "path", "multipliers", "seconds", "images/s",
              "GMAC/s", "accuracy");
  for (const Result& r : results) {
    std::printf("%-8s %-40s %10.3f %12.0f %10.2f %8.2f%%\n", r.name.c_str(), r.multipliers.c_str(),
                r.seconds, r.images_per_s, r.images_per_s * static_cast<double>(net.macs()) * 1e-9,
                100.0 * r.accuracy);
  }
  if (results.size() == 3) {
    std::printf("approx / exact images/s: %.2f; mixed / exact: %.2f\n",
                results[1].images_per_s / results[0].images_per_s,
                results[2].images_per_s / results[0].images_per_s);
  }
  for (const Sweep& w : sweeps) {
    std::printf(
        "sweep from compute layer %zu of %zu over %zu designs: %.3f s whole, %.3f s with a prefix "
        "(%.3f s of it the prefix, %.1f MB): %.2fx\n",
        w.boundary, net.compute_layers().size(), names.size(), w.whole_s, w.prefix_s, w.build_s,
        w.megabytes, w.whole_s / w.prefix_s);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      const bool has_value = i + 1 < argc;
      if (arg == "--dump-table" && i + 2 < argc) {
        dump_table(argv[i + 1], argv[i + 2]);
        return 0;
      } else if (arg == "--model" && has_value) {
        o.model = argv[++i];
      } else if (arg == "--dataset" && has_value) {
        o.dataset = argv[++i];
      } else if (arg == "--data" && has_value) {
        o.data = argv[++i];
      } else if (arg == "--images" && has_value) {
        o.images = std::strtoull(argv[++i], nullptr, 10);
      } else if (arg == "--threads" && has_value) {
        o.threads = std::max(1, std::atoi(argv[++i]));
      } else if (arg == "--calibration" && has_value) {
        o.calibration = std::strtoull(argv[++i], nullptr, 10);
      } else if (arg == "--approx" && has_value) {
        o.approx = argv[++i];
      } else if (arg == "--mixed" && has_value) {
        o.mixed = split(argv[++i]);
        if (o.mixed.empty()) usage(argv[0]);
      } else if (arg == "--repeats" && has_value) {
        o.repeats = std::max(1, std::atoi(argv[++i]));
      } else if (arg == "--only" && has_value) {
        o.only = argv[++i];
      } else if (arg == "--no-sweep") {
        o.sweep = false;
      } else if (arg == "--json") {
        o.json = true;
      } else {
        usage(argv[0]);
      }
    }
    return run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "hawx_bench_engine: %s\n", e.what());
    return 1;
  }
}
