// SPDX-License-Identifier: MIT
// app::Accelerator, the accelerator half of an evaluation (app/accelerator.h): for each study
// config given, the time per measure() call (the SystemC simulation of the study's test image)
// and per predict() call (the energy predictors, profiled on training images as a run profiles),
// and the predicted energy against the measured one, on random layer-level and per-filter
// assignments. The first predict() computes the predictor's expectations; its time is printed
// apart from the later calls' and from the second half's (expectations mostly known: what a
// long search pays).
// Usage: hawx_bench_accelerator [--calls N] [--profile-images P] [--accelerator systolic|simt]
//                               [-p key=value]... CONFIG...
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <random>
#include <string>
#include <vector>

#include "app/accelerator.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "scoring/profile.h"
#include "sim/entry/sc_entry.h"

namespace {
namespace hm = hawx::models;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<std::string> configs;
  std::vector<std::string> overrides;
  std::string accelerator;
  int calls = 10;
  std::size_t profile_images = 300;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

void run(const Options& o, const std::string& config) {
  const hawx::app::Study study = hawx::app::load_study(config, o.overrides);
  const hawx::app::Candidates c = hawx::app::candidates(study);
  const hawx::app::LoadedModel model = hawx::app::load_model(study, c);
  hm::Dataset train = hm::load_dataset(study.spec.dataset, hm::Split::kTrain);
  train.truncate(o.profile_images);
  hawx::scoring::ProfileOptions po;
  po.images = o.profile_images;
  const auto t0 = Clock::now();
  const hawx::scoring::Profile profile = hawx::scoring::profile(*model.engine, train, po);
  const double profile_s = seconds_since(t0);
  const auto t1 = Clock::now();
  const hawx::app::Accelerator a(study, c, model, &profile, o.accelerator);
  const double make_s = seconds_since(t1);
  std::printf(
      "%s: %s\n  profile of %zu training images %.2f s; Accelerator made (characterised) "
      "in %.2f s\n",
      study.spec.name.c_str(), a.describe().c_str(), profile.images, profile_s, make_s);
  std::mt19937 random(static_cast<unsigned>(study.spec.seed));
  const std::size_t k = c.names.size();
  double measure_s = 0.0, predict_s = 0.0, first_predict_s = 0.0, worst = 0.0;
  double steady_s = 0.0;  // the second half of the calls: expectations mostly known
  int later = 0, steady = 0;
  for (int call = 0; call < o.calls; ++call) {
    const bool per_filter = call % 2 == 1;
    hm::Assignment assignment = hm::Assignment::uniform(model.net(), 0);
    std::string described;
    for (auto& layer : assignment.filters) {
      const auto choice = static_cast<std::uint16_t>(random() % k);
      for (auto& f : layer) f = per_filter ? static_cast<std::uint16_t>(random() % k) : choice;
      if (!per_filter) described += (described.empty() ? "" : ",") + c.names[choice];
    }
    if (per_filter) described = "per filter, uniform over the " + std::to_string(k) + " types";
    const hawx::app::AcceleratorCost m = a.measure(assignment);
    measure_s += m.seconds;
    hawx::app::AcceleratorCost p;
    try {
      p = a.predict(assignment);
    } catch (const hawx::ConfigError& e) {
      // An array the predictor does not model (os, is, DRAM stalls): measured only.
      std::printf(
          "  %-58s energy %10.1f nJ  cycles %lld  area %.0f um^2  measure %.1f ms; "
          "predict(): %s\n",
          described.c_str(), m.energy_fj / 1e6, static_cast<long long>(m.cycles), m.area_um2,
          1e3 * m.seconds, e.what());
      continue;
    }
    if (call == 0) {
      first_predict_s = p.seconds;
    } else {
      predict_s += p.seconds;
      ++later;
    }
    if (call >= o.calls / 2 && call > 0) {
      steady_s += p.seconds;
      ++steady;
    }
    const double error = (p.energy_fj - m.energy_fj) / m.energy_fj;
    worst = std::max(worst, std::abs(error));
    std::printf(
        "  %-58s energy %10.1f nJ  predicted %+6.2f %% (multipliers %+6.2f %%)  cycles %lld%s  "
        "area %.0f um^2  measure %.1f ms  predict %.1f ms\n",
        described.c_str(), m.energy_fj / 1e6, 100 * error,
        100 * (p.multiplier_energy_fj - m.multiplier_energy_fj) / m.multiplier_energy_fj,
        static_cast<long long>(m.cycles), p.cycles == m.cycles ? " (predicted exactly)" : " (!)",
        m.area_um2, 1e3 * m.seconds, 1e3 * p.seconds);
  }
  std::printf(
      "  %s: measure() %.1f ms per call; predict() %.1f ms per call after the first (first "
      "%.1f ms), %.1f ms over the second half; largest energy error %.2f %% over %d "
      "assignments\n",
      a.kind().c_str(), 1e3 * measure_s / o.calls, later ? 1e3 * predict_s / later : 0.0,
      1e3 * first_predict_s, steady ? 1e3 * steady_s / steady : 0.0, 100 * worst, o.calls);
}

}  // namespace

int hawx_main(int argc, char* argv[]) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--calls") {
      o.calls = std::stoi(value());
    } else if (a == "--profile-images") {
      o.profile_images = std::stoul(value());
    } else if (a == "--accelerator") {
      o.accelerator = value();
    } else if (a == "-p") {
      o.overrides.push_back(value());
    } else {
      o.configs.push_back(a);
    }
  }
  if (o.configs.empty() || o.calls < 1) {
    std::fprintf(stderr,
                 "usage: hawx_bench_accelerator [--calls N] [--profile-images P] "
                 "[--accelerator systolic|simt] [-p key=value]... CONFIG...\n");
    return 2;
  }
  try {
    for (const auto& config : o.configs) run(o, config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
