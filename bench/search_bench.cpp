// SPDX-License-Identifier: MIT
// Benchmark of the search strategies (issue 8) on a real layer-level space: exhaustive search
// against random and NSGA-II at equal budgets, hypervolumes compared with the exhaustive front's.
//
// The study (default bench/search_lenet5.yaml: LeNet-5, MNIST, exact + two truncated array
// multipliers, 3^5 = 243 assignments) gives the network, the test set, the candidates and the
// systolic array (multi-unit PEs). Every point is measured, none predicted:
// - accuracy: the int8 engine on the test set (dataset.test_limit images), prefix reuse under
//   exhaustive search;
// - energy per inference: each compute layer simulated on the SystemC array (lut data path) with
//   every filter on each candidate, for the first --energy-images test images under the exact
//   network's activations, averaged; a point's energy is the sum of its layers' (the operand
//   streams of a layer under upstream approximation are taken as the exact network's);
// - area: the array with multi-unit PEs carrying the candidates the point uses (area_of).
// Evaluations go to a results store (--out, default results/search_bench/results.db), so the
// random and NSGA-II runs reuse the exhaustive run's measurements by hash and a second run of the
// benchmark measures nothing again.
//
// Usage: hawx_bench_search [CONFIG] [-p key=value ...] [--budgets 11,22,44] [--seeds 5]
//                          [--population 8] [--accuracy-reference 0.9] [--margin 0.1]
//                          [--energy-images 3] [--threads 2] [--out DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "search/engine_accuracy.h"
#include "search/search.h"
#include "search/store.h"
#include "sim/entry/sc_entry.h"
#include "sim/systolic/array.h"
#include "sim/systolic/array_config.h"
#include "sim/systolic/conv.h"

namespace {

namespace fs = std::filesystem;
namespace sys = hawx::systolic;
namespace models = hawx::models;
using namespace hawx::search;

struct Options {
  std::string config = std::string(HAWX_SOURCE_DIR) + "/bench/search_lenet5.yaml";
  std::vector<std::string> overrides;
  std::vector<std::uint64_t> budgets = {11, 22, 44};
  int seeds = 5;
  std::size_t population = 8;
  double accuracy_reference = 0.9;
  double margin = 0.1;
  int energy_images = 3;
  int threads = 2;
  std::string out = "results/search_bench";
};

Options parse(int argc, char** argv) {
  Options o;
  bool config_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw hawx::ConfigError(a + " needs a value");
      return argv[++i];
    };
    if (a == "-p") {
      o.overrides.push_back(value());
    } else if (a == "--budgets") {
      o.budgets.clear();
      std::stringstream list(value());
      for (std::string b; std::getline(list, b, ',');) o.budgets.push_back(std::stoull(b));
    } else if (a == "--seeds") {
      o.seeds = std::stoi(value());
    } else if (a == "--population") {
      o.population = std::stoul(value());
    } else if (a == "--accuracy-reference") {
      o.accuracy_reference = std::stod(value());
    } else if (a == "--margin") {
      o.margin = std::stod(value());
    } else if (a == "--energy-images") {
      o.energy_images = std::stoi(value());
    } else if (a == "--threads") {
      o.threads = std::stoi(value());
    } else if (a == "--out") {
      o.out = value();
    } else if (!a.empty() && a[0] != '-' && !config_seen) {
      o.config = a;
      config_seen = true;
    } else {
      throw hawx::ConfigError("unknown argument '" + a + "'");
    }
  }
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The candidates as PE multiplier types, characterised with the study's tech (as simulate does).
std::vector<sys::PeMultiplier> pe_multipliers(const hawx::app::Study& study,
                                              const hawx::app::Candidates& c,
                                              const hawx::rtl::CharacterizeOptions& options) {
  std::vector<sys::PeMultiplier> out;
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    const hawx::rtl::MultiplierSpec spec =
        i == 0 ? hawx::rtl::MultiplierSpec::library(c.is_signed ? "mul8s_exact" : "mul8u_exact")
               : study.spec.multipliers[i - 1];
    sys::PeMultiplier m = sys::pe_multiplier(hawx::rtl::characterize(spec, options));
    m.name = c.names[i];
    m.table = c.tables[i];
    out.push_back(std::move(m));
  }
  return out;
}

struct Row {
  std::string strategy;
  std::uint64_t budget = 0;
  std::vector<double> hv3, hv2;
  std::vector<std::size_t> front;
};

std::string stats(const std::vector<double>& v) {
  double mean = 0, lo = 1e300, hi = -1e300;
  for (double x : v) {
    mean += x;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
  }
  mean /= static_cast<double>(v.size());
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%6.2f %% (%6.2f .. %6.2f)", 100 * mean, 100 * lo, 100 * hi);
  return buffer;
}

int run(const Options& o) {
  const auto start = std::chrono::steady_clock::now();
  const hawx::app::Study study = hawx::app::load_study(o.config, o.overrides);
  if (!study.spec.systolic || !study.spec.systolic->multi_unit) {
    throw hawx::ConfigError(o.config + ": the benchmark needs a systolic: section with multi_unit");
  }
  const hawx::app::Candidates c = hawx::app::candidates(study);
  const hawx::app::LoadedModel model = hawx::app::load_model(study, c);
  const models::Network& net = model.net();
  const models::Engine& engine = *model.engine;
  const auto tech = hawx::app::characterize_options(study.spec.tech, true);
  const std::vector<sys::PeMultiplier> multipliers = pe_multipliers(study, c, tech);
  const sys::ArraySpec spec = study.spec.systolic->array_spec();
  const DesignSpace space = DesignSpace::of_network(Level::kLayer, net, c.names);
  const auto compute = net.compute_layers();
  std::cout << "study " << o.config << ": " << compute.size() << " compute layers, "
            << model.test.size() << " test images; candidates";
  for (const auto& n : c.names) std::cout << " " << n;
  std::cout << "; " << *space.size() << " layer-level assignments\n";
  std::cout << "array " << spec.shape.rows << "x" << spec.shape.cols << " "
            << sys::dataflow_name(spec.dataflow) << ", multi-unit PEs; setup "
            << seconds_since(start) << " s\n";

  // Energy per layer and candidate (fJ per image), from the SystemC array.
  const auto energy_start = std::chrono::steady_clock::now();
  std::vector<std::vector<double>> energy(compute.size(), std::vector<double>(c.names.size(), 0.0));
  std::int64_t cycles = 0;
  const models::Assignment exact = models::Assignment::uniform(net, 0);
  for (std::size_t l = 0; l < compute.size(); ++l) {
    const models::Layer& layer = net.layers[static_cast<std::size_t>(compute[l])];
    for (int image = 0; image < o.energy_images; ++image) {
      const models::LayerTrace trace =
          engine.trace_layer(model.test.image(static_cast<std::size_t>(image)), exact, l);
      for (std::size_t m = 0; m < c.names.size(); ++m) {
        sys::ConvOperands operands;
        operands.window = sys::window_of(layer);
        operands.groups = layer.groups;
        operands.filters = layer.filters();
        operands.input = trace.input.data();
        const auto& qc = engine.network().conv[static_cast<std::size_t>(trace.layer)];
        operands.weights = qc.weights;
        operands.bias = qc.bias;
        operands.filter_multiplier.assign(static_cast<std::size_t>(layer.filters()),
                                          static_cast<std::uint16_t>(m));
        const sys::ConvRun r = sys::simulate_conv(spec, multipliers, operands);
        for (const auto& g : r.groups) {
          energy[l][m] += sys::energy_of(g, tech.tech).total_fj() / o.energy_images;
        }
        if (image == 0 && m == 0) cycles += r.total_cycles();
      }
    }
  }
  std::cout << "energy per layer (pJ per image, mean of " << o.energy_images
            << " images, SystemC array) in " << seconds_since(energy_start) << " s\n";
  for (std::size_t l = 0; l < compute.size(); ++l) {
    std::printf("  %-24s", net.layers[static_cast<std::size_t>(compute[l])].name.c_str());
    for (std::size_t m = 0; m < c.names.size(); ++m) {
      std::printf("  %s %9.1f", c.names[m].c_str(), energy[l][m] / 1000);
    }
    std::printf("\n");
  }
  std::map<std::set<std::uint16_t>, double> areas;
  auto area_of = [&](const Point& p) {
    const std::set<std::uint16_t> used(p.begin(), p.end());
    auto it = areas.find(used);
    if (it != areas.end()) return it->second;
    std::vector<sys::PeMultiplier> units;
    for (auto m : used) units.push_back(multipliers[m]);
    return areas[used] = sys::area_of(spec, units, tech.tech).total_um2();
  };

  EngineAccuracy accuracy(engine, model.test, space, o.threads);
  auto evaluate = [&](const Point& p, std::size_t shared) {
    Outcome out;
    double e = 0.0;
    for (std::size_t l = 0; l < p.size(); ++l) e += energy[l][p[l]];
    out.measured = Metrics(accuracy.evaluate(p, shared).accuracy(), e, area_of(p),
                           static_cast<double>(cycles));
    return out;
  };

  std::ostringstream config;
  config << study.document->resolved_yaml() << "# bench: energy_images " << o.energy_images << "\n";
  fs::create_directories(o.out);
  ResultsStore store(fs::path(o.out) / "results.db", config.str());
  std::cout << "results store " << (fs::path(o.out) / "results.db").string() << " (session "
            << store.session() << ")\n";

  // A full evaluation (no prefix): what every point would cost without prefix reuse.
  const auto full_start = std::chrono::steady_clock::now();
  const Outcome exact_outcome = evaluate(space.uniform(0), 0);
  const double full_seconds = seconds_since(full_start);
  const Metrics& x = exact_outcome.measured;
  const Metrics reference(o.accuracy_reference, x.energy * (1 + o.margin), x.area * (1 + o.margin),
                          0.0);
  std::printf(
      "exact design: accuracy %.2f %%, energy %.1f pJ, area %.0f um^2, %lld cycles per image\n",
      100 * x.accuracy, x.energy / 1000, x.area, static_cast<long long>(cycles));
  std::printf("reference point: accuracy %.2f %%, energy %.1f pJ, area %.0f um^2\n",
              100 * reference.accuracy, reference.energy / 1000, reference.area);
  const std::vector<Objective> three = {Objective::kAccuracy, Objective::kEnergy, Objective::kArea};
  const std::vector<Objective> two = {Objective::kAccuracy, Objective::kEnergy};

  SearchSetup setup;
  setup.name = "exhaustive";
  setup.strategy = "exhaustive";
  setup.reference = reference;
  setup.options.budget = *space.size();
  setup.options.objectives = three;
  const auto ex_start = std::chrono::steady_clock::now();
  const SearchResult ex = run_search(space, setup, evaluate, &store);
  const double ex_seconds = seconds_since(ex_start);
  const double best3 = ex.hypervolume;
  const double best2 = hypervolume_of(ex.points, two, reference);
  std::printf(
      "exhaustive: %zu points (%zu evaluated, %zu from the store) in %.1f s; engine prefixes "
      "built %zu, used %zu; one full evaluation takes %.2f s (x %zu points = %.0f s without "
      "prefix reuse)\n",
      ex.points.size(), ex.evaluated, ex.reused, ex_seconds, accuracy.prefixes_built(),
      accuracy.prefix_uses(), full_seconds, ex.points.size(),
      full_seconds * static_cast<double>(ex.points.size()));
  std::printf(
      "  front (accuracy, energy, area): %zu points, hypervolume %.6g; (accuracy, energy) "
      "hypervolume %.6g\n",
      ex.front.size(), best3, best2);
  for (std::size_t i : ex.front) {
    const Metrics& m = ex.points[i].outcome.measured;
    std::printf("    %6.2f %%  %9.1f pJ  %9.0f um^2  %s\n", 100 * m.accuracy, m.energy / 1000,
                m.area, space.describe(ex.points[i].point).c_str());
  }

  std::vector<Row> rows;
  for (std::uint64_t budget : o.budgets) {
    for (const std::string strategy : {"random", "nsga2"}) {
      Row row{strategy, budget, {}, {}, {}};
      for (int seed = 1; seed <= o.seeds; ++seed) {
        SearchSetup s = setup;
        s.strategy = strategy;
        s.name = strategy + "-" + std::to_string(budget) + "-" + std::to_string(seed);
        s.options.budget = budget;
        s.options.seed = static_cast<std::uint64_t>(seed);
        s.options.population = o.population;
        const SearchResult r = run_search(space, s, evaluate, &store);
        row.hv3.push_back(r.hypervolume / best3);
        row.hv2.push_back(hypervolume_of(r.points, two, reference) / best2);
        row.front.push_back(r.front.size());
      }
      rows.push_back(row);
    }
  }
  std::printf(
      "\nhypervolume as a share of the exhaustive front's (%llu evaluations), mean "
      "(min .. max) over %d seeds; NSGA-II population %zu\n",
      static_cast<unsigned long long>(*space.size()), o.seeds, o.population);
  std::printf(
      "  strategy  budget  fewer evals  (accuracy, energy, area)       (accuracy, "
      "energy)\n");
  for (const Row& r : rows) {
    std::printf("  %-8s  %6llu  %10.1fx  %s  %s\n", r.strategy.c_str(),
                static_cast<unsigned long long>(r.budget),
                static_cast<double>(*space.size()) / static_cast<double>(r.budget),
                stats(r.hv3).c_str(), stats(r.hv2).c_str());
  }
  std::printf("total %.1f s; %zu evaluations in the store\n", seconds_since(start),
              store.evaluation_count());
  return 0;
}

}  // namespace

int hawx_main(int argc, char* argv[]) {
  try {
    return run(parse(argc, argv));
  } catch (const hawx::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return e.exit_code();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
