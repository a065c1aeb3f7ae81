// SPDX-License-Identifier: MIT
#include "app/search_stage.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/accelerator.h"
#include "app/hawx_guidance.h"
#include "core/errors.h"
#include "core/progress.h"
#include "scoring/profile.h"
#include "scoring/score.h"
#include "search/design_space.h"
#include "search/engine_accuracy.h"
#include "search/search.h"
#include "search/store.h"

namespace hawx::app {
namespace fs = std::filesystem;
namespace {

search::Metrics metrics_of(const AcceleratorCost& c) {
  return search::Metrics(NAN, c.energy_fj, c.area_um2, static_cast<double>(c.cycles));
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void write_layer_scores(const fs::path& file, const scoring::Scores& scores,
                        const scoring::Profile& profile) {
  std::ofstream csv(file);
  csv << "multiplier,layer_index,layer,hawx_layer,gain,bias_gain,signal_gain\n"
      << std::setprecision(9);
  for (std::size_t m = 1; m < scores.multipliers(); ++m) {
    for (std::size_t l = 0; l < scores.layers(); ++l) {
      csv << scores.name(m) << "," << l << "," << profile.layers[l].name << ","
          << scores.layer(m, l) << "," << scores.gain(l) << "," << scores.bias_gain(l) << ","
          << scores.signal_gain(l) << "\n";
    }
  }
  if (!csv) throw Error("cannot write '" + file.string() + "'");
}

std::string percent(double x) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(2) << 100.0 * x << "%";
  return s.str();
}

}  // namespace

SearchStageResult run_search_stages(const Study& study, const Candidates& c,
                                    const LoadedModel& model,
                                    const std::vector<rtl::Characterization>& multipliers,
                                    double exact_accuracy, const fs::path& out, StatsTree& stats,
                                    int threads) {
  const search::SearchSpec& spec = *study.spec.search;
  const scoring::ScoringSpec scoring_spec = study.spec.scoring.value_or(scoring::ScoringSpec{});
  const models::Engine& engine = *model.engine;
  SearchStageResult result;

  // Stage: profile.
  const models::Dataset profile_set =
      models::load_dataset(study.spec.dataset, scoring_spec.profile_split);
  scoring::ProfileOptions po;
  po.images = static_cast<std::size_t>(scoring_spec.profile_images);
  po.noise_ratio = scoring_spec.noise_ratio;
  po.gain_images = static_cast<std::size_t>(scoring_spec.gain_images);
  po.seed = static_cast<std::uint64_t>(study.spec.seed);
  po.threads = threads;
  spdlog::info("profiling the exact network on {} {} images", po.images,
               models::to_string(scoring_spec.profile_split));
  const scoring::Profile profile = scoring::profile(engine, profile_set, po);
  scoring::report_stats(profile, stats.group("profile"));

  // Stage: score.
  const scoring::Scores scores(engine.network(), profile, c.tables, c.names);
  write_layer_scores(out / "layer_scores.csv", scores, profile);
  spdlog::info("profiled in {:.2f} s, scored {} multipliers in {:.3f} s", profile.seconds,
               c.names.size() - 1, scores.seconds());
  {
    StatsTree& g = stats.group("scores");
    for (std::size_t m = 1; m < scores.multipliers(); ++m) {
      StatsTree& s = g.group(c.names[m]).group("layers");
      for (std::size_t l = 0; l < scores.layers(); ++l) {
        s.set(profile.layers[l].name, scores.layer(m, l), "NSR",
              "hawx(l): predicted noise-to-signal ratio at the logits, every filter on it");
      }
    }
  }

  // The accelerator and the design space.
  const Accelerator accelerator(study, c, model, &profile, spec.accelerator);
  const search::DesignSpace space =
      search::DesignSpace::of_network(spec.level, model.net(), c.names);
  spdlog::info(
      "search: {} level, {} genes, {} candidates ({:.1f} decimal digits of points); "
      "costs on the {} ({})",
      search::level_name(spec.level), space.genes(), space.choices(), space.log10_size(),
      accelerator.describe(), spec.simulate ? "simulated" : "predicted");

  // The predictors, when they model this accelerator (they refuse some arrays: os, is, finite
  // memory); the hawx strategy and `costs: predict` cannot run without them.
  const models::Assignment exact_assignment = space.assignment(space.uniform(0));
  bool predictable = true;
  try {
    (void)accelerator.predict(exact_assignment);
  } catch (const ConfigError& e) {
    predictable = false;
    if (std::count(spec.strategies.begin(), spec.strategies.end(), "hawx") || !spec.simulate) {
      throw ConfigError(
          std::string("search: the cost predictors do not model this "
                      "accelerator, and ") +
          (spec.simulate ? "strategy 'hawx' needs them" : "costs: predict needs them") + ": " +
          e.what());
    }
    spdlog::info("no cost predictions for this accelerator ({}): measured costs only", e.what());
  }
  const double chance =
      1.0 / static_cast<double>(std::max<std::size_t>(model.test.class_names.size(), 1));
  std::unique_ptr<HawxGuidance> guidance;
  if (predictable) {
    guidance = std::make_unique<HawxGuidance>(
        space, scores, [&](const models::Assignment& a) { return accelerator.predict(a); },
        100.0 * std::max(exact_accuracy - chance, 0.01));
  }

  // The exact design's costs fix the reference point's missing objectives.
  search::Metrics exact = spec.simulate ? metrics_of(accelerator.measure(exact_assignment))
                                        : guidance->costs(space.uniform(0));
  exact.accuracy = exact_accuracy;
  const search::Metrics reference = spec.reference_for(exact);

  // Stage: search.
  search::ResultsStore store(out / "results.db", study.document->resolved_yaml());
  for (const auto& m : multipliers) store.put_multiplier(m.design.name, rtl::to_json(m).dump());
  search::EngineAccuracy accuracy(engine, model.test, space, threads);
  const search::Evaluator evaluate = [&](const search::Point& p, std::size_t upcoming) {
    search::Outcome o;
    const models::Assignment a = space.assignment(p);
    try {
      if (spec.simulate) o.measured = metrics_of(accelerator.measure(a));
      if (guidance) o.predicted = guidance->costs(p);
    } catch (const ConfigError& e) {
      return search::Outcome::failed(e.what());  // a design the accelerator cannot run
    }
    o.measured.accuracy = accuracy.evaluate(p, upcoming).accuracy();
    return o;
  };

  std::map<std::string, search::SearchResult> results;
  for (const auto& strategy : spec.strategies) {
    search::SearchSetup setup;
    setup.name = strategy + "-" + search::level_name(spec.level);
    setup.strategy = strategy;
    setup.options = spec.options;
    setup.reference = reference;
    setup.reuse_predicted = !spec.simulate;
    setup.guidance = guidance.get();
    const std::uint64_t budget = strategy == "exhaustive" && space.size()
                                     ? std::min(*space.size(), spec.options.budget)
                                     : spec.options.budget;
    spdlog::info("search '{}': strategy {}, budget {}", setup.name, strategy, budget);
    const auto start = std::chrono::steady_clock::now();
    Progress progress("search " + setup.name, budget, "points");
    std::size_t shown = 0;
    search::SearchResult r = search::run_search(space, setup, evaluate, &store, [&](std::size_t n) {
      progress.advance(n - shown);
      shown = n;
    });
    spdlog::info(
        "search '{}': {} points ({} evaluated, {} from the store) in {:.1f} s; front of "
        "{}, hypervolume {:.6g}",
        setup.name, r.points.size(), r.evaluated, r.reused, seconds_since(start), r.front.size(),
        r.hypervolume);
    StrategyRun run;
    run.name = setup.name;
    run.strategy = strategy;
    run.proposals = r.points.size();
    run.evaluated = r.evaluated;
    run.reused = r.reused;
    run.front = r.front.size();
    run.hypervolume = r.hypervolume;
    result.runs.push_back(run);
    results.emplace(setup.name, std::move(r));
  }

  // Stage: verify. Front members whose costs were predicted are simulated now.
  if (!spec.simulate && spec.verify) {
    std::map<std::string, search::Point> members;
    for (const auto& [name, r] : results) {
      for (std::size_t i : r.front) members.emplace(r.points[i].hash, r.points[i].point);
    }
    spdlog::info("verify: simulating the {} front members on the {}", members.size(),
                 accelerator.describe());
    Progress progress("verify", members.size(), "designs");
    std::map<std::string, search::Metrics> measured;
    for (const auto& [hash, point] : members) {
      const auto stored = store.find(hash, space.key(point));
      if (!stored) throw Error("internal: front member " + hash + " is not in the store");
      search::StoredEvaluation e = *stored;
      if (std::isnan(e.outcome.measured.energy)) {
        const search::Metrics m = metrics_of(accelerator.measure(space.assignment(point)));
        e.outcome.measured.energy = m.energy;
        e.outcome.measured.area = m.area;
        e.outcome.measured.cycles = m.cycles;
        store.record(0, 0, e);
      }
      measured[hash] = e.outcome.measured;
      progress.advance();
    }
    const auto searches = store.searches();
    for (auto& run : result.runs) {
      const auto& r = results.at(run.name);
      std::vector<search::SearchPoint> verified;
      for (std::size_t i : r.front) {
        search::SearchPoint p = r.points[i];
        p.outcome.measured = measured.at(p.hash);
        p.outcome.predicted = search::Metrics();
        verified.push_back(std::move(p));
      }
      run.verified_hypervolume =
          search::hypervolume_of(verified, spec.options.objectives, reference);
      search::StoredFront f;
      f.kind = "verified";
      for (auto o : spec.options.objectives) {
        f.objectives.push_back(search::objective_name(o));
        f.reference.push_back(search::value_of(reference, o));
      }
      f.hypervolume = run.verified_hypervolume;
      for (std::size_t i : search::front_of(verified, spec.options.objectives)) {
        f.members.push_back(verified[i].hash);
      }
      for (const auto& s : searches) {
        if (s.name == run.name) store.put_front(s.id, f);
      }
    }
  }

  // The comparison of the strategies.
  const StrategyRun* exhaustive = nullptr;
  for (const auto& run : result.runs) {
    if (run.strategy == "exhaustive") exhaustive = &run;
  }
  StatsTree& g = stats.group("search");
  std::cout << "search (" << search::level_name(spec.level) << " level, " << space.genes()
            << " genes x " << space.choices() << " candidates; objectives";
  for (auto o : spec.options.objectives) std::cout << " " << search::objective_name(o);
  std::cout << "; hypervolume reference: accuracy " << std::fixed << std::setprecision(2)
            << 100.0 * reference.accuracy << " %";
  for (auto o : spec.options.objectives) {
    if (o == search::Objective::kEnergy) {
      std::cout << ", energy " << std::setprecision(1) << reference.energy / 1000.0 << " pJ";
    } else if (o == search::Objective::kArea) {
      std::cout << ", area " << std::setprecision(0) << reference.area << " um^2";
    } else if (o == search::Objective::kCycles) {
      std::cout << ", cycles " << std::setprecision(0) << reference.cycles;
    }
  }
  std::cout << std::defaultfloat;
  std::cout << ")\n  strategy       points  evaluated  front  hypervolume"
            << (exhaustive ? "  of exhaustive  fewer points" : "")
            << (!spec.simulate && spec.verify ? "  verified hv" : "") << "\n";
  for (const auto& run : result.runs) {
    std::cout << "  " << std::left << std::setw(13) << run.strategy << std::right << std::setw(7)
              << run.proposals << std::setw(11) << run.evaluated << std::setw(7) << run.front
              << std::setw(13) << std::setprecision(6) << run.hypervolume;
    StatsTree& s = g.group(run.name);
    s.set("points", static_cast<std::int64_t>(run.proposals), "points",
          "proposals, reused included");
    s.set("evaluated", static_cast<std::int64_t>(run.evaluated), "points");
    s.set("front", static_cast<std::int64_t>(run.front), "points");
    s.set("hypervolume", run.hypervolume, "", "against the stated reference point");
    if (exhaustive && exhaustive->hypervolume > 0) {
      const double share = run.hypervolume / exhaustive->hypervolume;
      const double fewer =
          static_cast<double>(exhaustive->proposals) / static_cast<double>(run.proposals);
      std::ostringstream x;
      x << std::fixed << std::setprecision(1) << fewer << "x";
      std::cout << std::setw(15) << percent(share) << std::setw(14) << x.str();
      s.set("share_of_exhaustive", share, "fraction", "hypervolume / exhaustive's");
      s.set("fewer_points", fewer, "x", "exhaustive's points / this strategy's");
    }
    if (run.verified_hypervolume >= 0) {
      std::cout << std::setw(13) << run.verified_hypervolume;
      s.set("verified_hypervolume", run.verified_hypervolume, "",
            "of the front's members with simulated costs");
    }
    std::cout << "\n";
  }

  // Stage: report.
  result.report = write_report(out);
  if (!result.report.plot_error.empty()) spdlog::warn("report: {}", result.report.plot_error);
  return result;
}

}  // namespace hawx::app
