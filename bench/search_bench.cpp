// SPDX-License-Identifier: MIT
// Benchmark of the search strategies (issue 8) on a real network: random and NSGA-II at equal
// budgets, their hypervolumes as a share of the exhaustive front's (layer level) or of the union
// of every run's front (filter level, --level filter).
//
// The study (default bench/search_lenet5.yaml: LeNet-5, MNIST, exact + two truncated array
// multipliers; at the layer level 3^5 = 243 assignments) gives the network, the test set, the
// candidates and the systolic array (multi-unit PEs). Every point is measured, none predicted:
// - accuracy: the int8 engine on the test set (dataset.test_limit images), with the engine's
//   prefix reuse under exhaustive search;
// - energy and cycles per inference: every compute layer simulated on the SystemC array (lut data
//   path) under the point's own per-filter assignment, its input as the approximate network
//   computes it, for the first --energy-images test images, averaged; the array's sums are
//   checked against the engine's;
// - area: the array whose multi-unit PEs carry exactly the candidates the point uses (area_of).
// Evaluations go to a results store (--out, default results/search_bench/results.db), so the
// random and NSGA-II runs reuse what exhaustive search measured (by hash) and a second run of the
// benchmark measures nothing again.
//
// Usage: hawx_bench_search [CONFIG] [-p key=value ...] [--level layer|filter]
//                          [--budgets 11,22,44] [--seeds 5] [--population 8]
//                          [--accuracy-reference 0.9] [--margin 0.1] [--energy-images 3]
//                          [--threads 2] [--out DIR]
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
  Level level = Level::kLayer;
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
    } else if (a == "--level") {
      o.level = level_from_name(value());
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

// The candidates as PE multiplier types, characterised with the study's tech (as simulate does);
// `json` receives each one's characterisation (rtl::to_json), for the results store.
std::vector<sys::PeMultiplier> pe_multipliers(const hawx::app::Study& study,
                                              const hawx::app::Candidates& c,
                                              const hawx::rtl::CharacterizeOptions& options,
                                              std::vector<std::string>& json) {
  std::vector<sys::PeMultiplier> out;
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    const hawx::rtl::MultiplierSpec spec =
        i == 0 ? hawx::rtl::MultiplierSpec::library(c.is_signed ? "mul8s_exact" : "mul8u_exact")
               : study.spec.multipliers[i - 1];
    const hawx::rtl::Characterization characterization = hawx::rtl::characterize(spec, options);
    json.push_back(hawx::rtl::to_json(characterization).dump());
    sys::PeMultiplier m = sys::pe_multiplier(characterization);
    m.name = c.names[i];
    m.table = c.tables[i];
    out.push_back(std::move(m));
  }
  return out;
}

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
  std::vector<std::string> multiplier_json;
  const std::vector<sys::PeMultiplier> multipliers =
      pe_multipliers(study, c, tech, multiplier_json);
  const sys::ArraySpec spec = study.spec.systolic->array_spec();
  const DesignSpace space = DesignSpace::of_network(o.level, net, c.names);
  const auto compute = net.compute_layers();
  std::cout << "study " << o.config << ": " << compute.size() << " compute layers, "
            << model.test.size() << " test images; candidates";
  for (const auto& n : c.names) std::cout << " " << n;
  std::printf("; %s level: %zu genes, 10^%.1f assignments\n", level_name(o.level), space.genes(),
              space.log10_size());
  std::cout << "array " << spec.shape.rows << "x" << spec.shape.cols << " "
            << sys::dataflow_name(spec.dataflow) << ", multi-unit PEs; setup "
            << seconds_since(start) << " s\n";

  // Energy and cycles of a point: every compute layer on the SystemC array under the point's own
  // assignment (per-filter multipliers; the layer's input as the approximate network computes
  // it) for the first energy_images test images, averaged. The array's sums are checked against
  // the engine's on the way.
  auto simulate = [&](const models::Assignment& a, double& energy_fj, double& cycles) {
    energy_fj = 0.0;
    cycles = 0.0;
    for (int image = 0; image < o.energy_images; ++image) {
      for (std::size_t l = 0; l < compute.size(); ++l) {
        const models::Layer& layer = net.layers[static_cast<std::size_t>(compute[l])];
        const models::LayerTrace trace =
            engine.trace_layer(model.test.image(static_cast<std::size_t>(image)), a, l);
        sys::ConvOperands operands;
        operands.window = sys::window_of(layer);
        operands.groups = layer.groups;
        operands.filters = layer.filters();
        operands.input = trace.input.data();
        const auto& qc = engine.network().conv[static_cast<std::size_t>(trace.layer)];
        operands.weights = qc.weights;
        operands.bias = qc.bias;
        operands.filter_multiplier = a.filters[l];
        const sys::ConvRun r = sys::simulate_conv(spec, multipliers, operands);
        if (r.ofmap != trace.accumulators) {
          throw hawx::Error("internal: the array's sums of layer '" + layer.name +
                            "' differ from the engine's");
        }
        for (const auto& g : r.groups) {
          energy_fj += sys::energy_of(g, tech.tech).total_fj() / o.energy_images;
        }
        cycles += static_cast<double>(r.total_cycles()) / o.energy_images;
      }
    }
  };
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
  double accuracy_seconds = 0.0, simulation_seconds = 0.0;
  auto evaluate = [&](const Point& p, std::size_t shared) {
    Outcome out;
    const auto t0 = std::chrono::steady_clock::now();
    const double a = accuracy.evaluate(p, shared).accuracy();
    accuracy_seconds += seconds_since(t0);
    const auto t1 = std::chrono::steady_clock::now();
    double e = 0.0, cycles = 0.0;
    simulate(space.assignment(p), e, cycles);
    simulation_seconds += seconds_since(t1);
    out.measured = Metrics(a, e, area_of(p), cycles);
    return out;
  };

  std::ostringstream config;
  config << study.document->resolved_yaml() << "# bench: energy_images " << o.energy_images << "\n";
  fs::create_directories(o.out);
  ResultsStore store(fs::path(o.out) / "results.db", config.str());
  std::cout << "results store " << (fs::path(o.out) / "results.db").string() << " (session "
            << store.session() << ")\n";
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    store.put_multiplier(c.names[i], multiplier_json[i]);
  }

  // A full evaluation (no prefix): what every point would cost without prefix reuse.
  const auto full_start = std::chrono::steady_clock::now();
  const Outcome exact_outcome = evaluate(space.uniform(0), 0);
  const double full_seconds = seconds_since(full_start);
  const double full_accuracy_seconds = accuracy_seconds;
  const Metrics& x = exact_outcome.measured;
  const Metrics reference(o.accuracy_reference, x.energy * (1 + o.margin), x.area * (1 + o.margin),
                          0.0);
  std::printf(
      "exact design: accuracy %.2f %%, energy %.1f pJ, area %.0f um^2, %.0f cycles per image; "
      "evaluated in %.2f s (accuracy %.2f s, SystemC %.2f s)\n",
      100 * x.accuracy, x.energy / 1000, x.area, x.cycles, full_seconds, full_accuracy_seconds,
      full_seconds - full_accuracy_seconds);
  std::printf("reference point: accuracy %.2f %%, energy %.1f pJ, area %.0f um^2\n",
              100 * reference.accuracy, reference.energy / 1000, reference.area);
  const std::vector<Objective> three = {Objective::kAccuracy, Objective::kEnergy, Objective::kArea};
  const std::vector<Objective> two = {Objective::kAccuracy, Objective::kEnergy};
  auto print_front = [&](const SearchResult& r) {
    for (std::size_t i : r.front) {
      const Metrics& m = r.points[i].outcome.measured;
      std::printf("    %6.2f %%  %9.1f pJ  %9.0f um^2  %s\n", 100 * m.accuracy, m.energy / 1000,
                  m.area, space.describe(r.points[i].point).c_str());
    }
  };

  SearchSetup setup;
  setup.reference = reference;
  setup.options.objectives = three;
  // The front every share is taken against: exhaustive search's (layer level) or the union of
  // every run's points (filter level, where exhaustive search is out of reach).
  std::vector<SearchPoint> best_points;
  std::string against;
  if (o.level == Level::kLayer) {
    setup.name = "exhaustive";
    setup.strategy = "exhaustive";
    setup.options.budget = *space.size();
    const auto ex_start = std::chrono::steady_clock::now();
    const SearchResult ex = run_search(space, setup, evaluate, &store);
    std::printf(
        "exhaustive: %zu points (%zu evaluated, %zu from the store) in %.1f s; engine prefixes "
        "built %zu, used %zu\n",
        ex.points.size(), ex.evaluated, ex.reused, seconds_since(ex_start),
        accuracy.prefixes_built(), accuracy.prefix_uses());
    if (ex.evaluated == ex.points.size()) {
      std::printf(
          "  accuracy %.1f s with prefix reuse (%.2f s per full evaluation x %zu = %.0f s "
          "without); SystemC %.1f s\n",
          accuracy_seconds - full_accuracy_seconds, full_accuracy_seconds, ex.points.size(),
          full_accuracy_seconds * static_cast<double>(ex.points.size()),
          simulation_seconds - (full_seconds - full_accuracy_seconds));
    }
    std::printf("  front (accuracy, energy, area): %zu points\n", ex.front.size());
    print_front(ex);
    best_points = ex.points;
    against = "the exhaustive front's (" + std::to_string(*space.size()) + " evaluations)";
  }

  struct Run {
    std::string strategy;
    std::uint64_t budget;
    SearchResult result;
  };
  std::vector<Run> runs;
  for (std::uint64_t budget : o.budgets) {
    for (const std::string strategy : {"random", "nsga2"}) {
      for (int seed = 1; seed <= o.seeds; ++seed) {
        SearchSetup s = setup;
        s.strategy = strategy;
        s.name = strategy + "-" + level_name(o.level) + "-" + std::to_string(budget) + "-" +
                 std::to_string(seed);
        s.options.budget = budget;
        s.options.seed = static_cast<std::uint64_t>(seed);
        s.options.population = o.population;
        runs.push_back({strategy, budget, run_search(space, s, evaluate, &store)});
        if (o.level == Level::kFilter) {
          const auto& r = runs.back().result;
          std::printf("%s budget %llu seed %d: %zu evaluated, %zu from the store\n",
                      strategy.c_str(), static_cast<unsigned long long>(budget), seed, r.evaluated,
                      r.reused);
          best_points.insert(best_points.end(), r.points.begin(), r.points.end());
        }
      }
    }
  }
  if (o.level == Level::kFilter) {
    against = "the union of all runs' fronts";
    SearchResult all;
    all.points = best_points;
    all.front = front_of(all.points, three);
    std::printf("union of all runs: %zu points, front (accuracy, energy, area) of %zu:\n",
                all.points.size(), all.front.size());
    print_front(all);
  }
  const double best3 = hypervolume_of(best_points, three, reference);
  const double best2 = hypervolume_of(best_points, two, reference);

  std::printf(
      "\nhypervolume as a share of %s, mean (min .. max) over %d seeds; NSGA-II population "
      "%zu; %s-level space of 10^%.1f points\n",
      against.c_str(), o.seeds, o.population, level_name(o.level), space.log10_size());
  std::printf("  strategy  budget  (accuracy, energy, area)       (accuracy, energy)\n");
  for (std::size_t i = 0; i < runs.size(); i += static_cast<std::size_t>(o.seeds)) {
    std::vector<double> hv3, hv2;
    for (std::size_t k = i; k < i + static_cast<std::size_t>(o.seeds); ++k) {
      hv3.push_back(runs[k].result.hypervolume / best3);
      hv2.push_back(hypervolume_of(runs[k].result.points, two, reference) / best2);
    }
    std::printf("  %-8s  %6llu  %s  %s\n", runs[i].strategy.c_str(),
                static_cast<unsigned long long>(runs[i].budget), stats(hv3).c_str(),
                stats(hv2).c_str());
  }
  std::printf("total %.1f s (accuracy %.1f s, SystemC %.1f s); %zu evaluations in the store\n",
              seconds_since(start), accuracy_seconds, simulation_seconds, store.evaluation_count());
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
