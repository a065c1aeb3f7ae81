// SPDX-License-Identifier: MIT
// Benchmark and study of the hawx scores (issue 7, docs/scoring.md). For each study config given:
//   1. profiles the exact network (scoring.profile_images training images) and scores every
//      library multiplier of the network's signedness plus the study's own: the time of each
//      (the "seconds, not minutes" figure);
//   2. layer level: for every approximate multiplier of the study, the measured accuracy drop of
//      approximating only layer l, against hawx(l): Spearman's rho;
//      (--multipliers a,b: only these; --filter-nsr: also the filters' NSR measured on the
//      accumulators of the first 50 test images against the prediction);
//   3. filter level (--filter-groups G > 0): each layer's filters split into G groups of
//      consecutive filters; the drop of approximating one group alone against its hawx: rho;
//   4. the accuracy predictor fitted on scoring.fit_configurations measured configurations and
//      its mean absolute error on scoring.held_out_configurations random ones (--whole-space: and
//      on every layer-level configuration, for small spaces such as LeNet-5's 4^5);
//      --no-layers skips 2.;
//   5. (--energy N, a study with a systolic: section) the energy predictor, profiled on training
//      images, against the SystemC array's energy averaged over --energy-images test images, on N
//      random arrays (shape, column map or multi-unit PEs) and layer-level assignments; with a
//      simt: section the SIMT energy predictor against the SystemC core the same way, on N random
//      cores (CUs, resident wavefronts, work-group size, cache) and layer-level or per-filter
//      assignments.
// Accuracy is measured on the first --images test images (0: the whole test set).
// --out DIR appends every (model, configuration, hawx, drop) to DIR/accuracy_vs_hawx.csv, the
// data of the accuracy-against-hawx(model) plot across the zoo models.
// Usage: hawx_bench_scoring [--images N] [--threads T] [--filter-groups G] [--filter-nsr]
//                           [--multipliers a,b] [--no-layers] [--whole-space] [--no-predictor]
//                           [--energy N] [--energy-images I] [--out DIR] CONFIG...
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "app/accelerator.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "rtl/library.h"
#include "scoring/accuracy_predictor.h"
#include "scoring/energy_predictor.h"
#include "scoring/profile.h"
#include "scoring/score.h"
#include "scoring/simt_energy_predictor.h"
#include "scoring/statistics.h"
#include "sim/entry/sc_entry.h"
#include "sim/systolic/conv.h"

namespace {
namespace fs = std::filesystem;
namespace hs = hawx::scoring;
namespace hm = hawx::models;
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<std::string> configs;
  std::size_t images = 0;
  int threads = 2;
  int filter_groups = 0;
  bool filter_nsr = false;        // measure the filters' NSR on the accumulators too
  std::vector<std::string> only;  // the study multipliers to correlate (empty: all)
  bool predictor = true;
  bool layers = true;        // the layer-level study (2.)
  bool whole_space = false;  // every layer-level configuration measured (4.)
  int energy_trials = 0;
  std::size_t energy_images = 5;
  std::string out;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double accuracy(const hm::Engine& engine, const hm::Dataset& test, const hm::Assignment& a,
                int threads) {
  return 100.0 * engine.evaluate(test, a, threads).accuracy();
}

// An energy predictor against the simulated energy summed over `images` images: relative errors
// of the total and of the multipliers' switching, the time of the first prediction (the
// predictor made, its expectations computed) and of a second one (what a search that asks many
// times pays).
struct Compared {
  double total = 0.0, multipliers = 0.0, simulated_nj = 0.0, first_s = 0.0, again_s = 0.0;
};
template <class Make, class Energy>
Compared compare(Make&& make, const hm::Assignment& a, const Energy& simulated,
                 std::size_t images) {
  const double n = static_cast<double>(images);
  Compared c;
  const auto t1 = Clock::now();
  const auto predictor = make();
  const auto p = predictor.predict(a);
  c.first_s = seconds_since(t1);
  const auto t2 = Clock::now();
  predictor.predict(a);
  c.again_s = seconds_since(t2);
  c.total = (p.total.total_fj() - simulated.total_fj() / n) / (simulated.total_fj() / n);
  c.multipliers =
      (p.total.multipliers_fj - simulated.multipliers_fj / n) / (simulated.multipliers_fj / n);
  c.simulated_nj = simulated.total_fj() / n / 1e6;
  return c;
}

void run(const Options& o, const std::string& config) {
  const hawx::app::Study study = hawx::app::load_study(config, {});
  const hs::ScoringSpec spec = study.spec.scoring.value_or(hs::ScoringSpec{});
  const hawx::app::Candidates c = hawx::app::candidates(study);
  hawx::app::LoadedModel model = hawx::app::load_model(study, c);
  model.test.truncate(o.images);
  const hm::Engine& engine = *model.engine;
  const hm::Network& net = model.net();
  hm::Dataset profile_set = hm::load_dataset(study.spec.dataset, spec.profile_split);
  profile_set.truncate(static_cast<std::size_t>(spec.profile_images));

  // 1. Profile and score: the study's candidates, then the whole library.
  hs::ProfileOptions po;
  po.images = static_cast<std::size_t>(spec.profile_images);
  po.noise_ratio = spec.noise_ratio;
  po.gain_images = static_cast<std::size_t>(spec.gain_images);
  po.threads = o.threads;
  const hs::Profile profile = hs::profile(engine, profile_set, po);
  std::vector<hawx::rtl::ProductTable> library{hawx::rtl::exact_table(c.is_signed)};
  std::vector<std::string> library_names{"exact"};
  for (const auto& name : hawx::rtl::builtin_multiplier_names()) {
    if (hawx::rtl::builtin_multiplier(name).is_signed != c.is_signed) continue;
    library.push_back(hawx::rtl::builtin_table(name));
    library_names.push_back(name);
  }
  const hs::Scores all(engine.network(), profile, library, library_names);
  const hs::Scores scores(engine.network(), profile, c.tables, c.names);
  std::printf(
      "%s: %zu compute layers, %lld MACs/image; profile %zu images %.2f s; scoring %zu "
      "library multipliers %.3f s; profile + scoring %.2f s\n",
      study.spec.name.c_str(), profile.layers.size(), static_cast<long long>(net.macs()),
      profile.images, profile.seconds, library.size() - 1, all.seconds(),
      profile.seconds + all.seconds());

  // 2. Layer level.
  const std::size_t layers = profile.layers.size();
  const auto start = Clock::now();
  const double baseline = accuracy(engine, model.test, hm::Assignment::uniform(net, 0), o.threads);
  std::printf("  exact accuracy %.2f%% on %zu test images\n", baseline, model.test.size());
  std::printf("  %-20s %-22s %10s %10s %7s %12s %12s %12s %10s\n", "multiplier", "layer", "g_l",
              "g_l bias", "g_l sig", "hawx(l)", "hawx(model)", "logit NSR", "drop pp");
  const auto clean =
      hs::logits_of(engine, profile_set, hm::Assignment::uniform(net, 0), nullptr, o.threads);
  std::vector<std::size_t> studied;
  for (std::size_t m = 1; m < c.names.size(); ++m) {
    if (o.only.empty() || std::find(o.only.begin(), o.only.end(), c.names[m]) != o.only.end()) {
      studied.push_back(m);
    }
  }
  for (std::size_t m : (o.layers ? studied : std::vector<std::size_t>{})) {
    std::vector<double> h, d, caused_nsr, compounded;
    for (std::size_t l = 0; l < layers; ++l) {
      std::vector<std::uint16_t> choice(layers, 0);
      choice[l] = static_cast<std::uint16_t>(m);
      h.push_back(scores.layer(m, l));
      // hawx(model) of the same assignment: hawx(l) with the shrinking of the signal and the
      // biases downstream that no longer match it.
      compounded.push_back(scores.model(hm::Assignment::per_layer(net, choice)));
      d.push_back(baseline -
                  accuracy(engine, model.test, hm::Assignment::per_layer(net, choice), o.threads));
      // The NSR the approximation causes at the logits of the profiling images: what hawx(l)
      // predicts.
      const double nsr = hs::logit_nsr(
          clean, hs::logits_of(engine, profile_set, hm::Assignment::per_layer(net, choice), nullptr,
                               o.threads));
      // The filters' NSR as the accumulators measure it (first 50 test images) against the
      // predicted mean hawx(f).
      double measured_nsr = 0.0, predicted_nsr = 0.0;
      if (o.filter_nsr) {
        const std::size_t filters = scores.filters(l);
        std::vector<double> mse(filters, 0.0);
        std::size_t n = 0;
        for (std::size_t i = 0; i < std::min<std::size_t>(50, model.test.size()); ++i) {
          const auto a =
              engine.trace_layer(model.test.image(i), hm::Assignment::uniform(net, 0), l);
          const auto b =
              engine.trace_layer(model.test.image(i), hm::Assignment::per_layer(net, choice), l);
          const std::size_t positions = a.accumulators.size() / filters;
          n += positions;
          for (std::size_t f = 0; f < filters; ++f) {
            for (std::size_t p = 0; p < positions; ++p) {
              const double e =
                  double(b.accumulators[f * positions + p]) - a.accumulators[f * positions + p];
              mse[f] += e * e;
            }
          }
        }
        for (std::size_t f = 0; f < filters; ++f) {
          const double v = profile.layers[l].outputs[f].variance;
          if (v > 0.0)
            measured_nsr += mse[f] / static_cast<double>(n) / v / static_cast<double>(filters);
          predicted_nsr += scores.filter(m, l, f).nsr / static_cast<double>(filters);
        }
      }
      caused_nsr.push_back(nsr);
      if (o.filter_nsr) {
        std::printf("  %-20s %-22s filter NSR measured %.4g predicted %.4g\n", c.names[m].c_str(),
                    profile.layers[l].name.c_str(), measured_nsr, predicted_nsr);
      }
      std::printf("  %-20s %-22s %10.4g %10.4g %7.4g %12.4g %12.4g %12.4g %10.2f\n",
                  c.names[m].c_str(), profile.layers[l].name.c_str(), scores.gain(l),
                  scores.bias_gain(l), scores.signal_gain(l), h.back(), compounded.back(), nsr,
                  d.back());
    }
    std::printf(
        "  %-20s layer-level Spearman rho = %.3f (hawx(l) vs drop); %.3f (hawx(l) vs the "
        "logit NSR the approximation causes); %.3f (hawx(model) of the one-layer assignment vs "
        "drop)\n",
        c.names[m].c_str(), hs::spearman(h, d), hs::spearman(h, caused_nsr),
        hs::spearman(compounded, d));
  }
  std::printf("  layer-level measurements %.1f s\n", seconds_since(start));

  // 3. Filter groups.
  if (o.filter_groups > 0) {
    for (std::size_t m : studied) {
      std::vector<double> h, d;
      for (std::size_t l = 0; l < layers; ++l) {
        const std::size_t filters = scores.filters(l);
        const std::size_t groups = std::min<std::size_t>(filters, o.filter_groups);
        for (std::size_t g = 0; g < groups; ++g) {
          std::vector<std::size_t> members;
          hm::Assignment a = hm::Assignment::uniform(net, 0);
          for (std::size_t f = g * filters / groups; f < (g + 1) * filters / groups; ++f) {
            members.push_back(f);
            a.filters[l][f] = static_cast<std::uint16_t>(m);
          }
          h.push_back(scores.filters_only(m, l, members));
          d.push_back(baseline - accuracy(engine, model.test, a, o.threads));
        }
      }
      std::printf("  %-20s filter-group level (%zu groups): Spearman rho = %.3f\n",
                  c.names[m].c_str(), h.size(), hs::spearman(h, d));
    }
  }

  // 5. Energy (a study with a systolic: section): random arrays and layer-level assignments, the
  // prediction from the training-image profile against the SystemC array's energy averaged over
  // the first --energy-images test images.
  if (study.spec.systolic && o.energy_trials > 0) {
    namespace sys = hawx::systolic;
    const auto tech = hawx::app::characterize_options(study.spec.tech, true);
    const auto pes = hawx::app::pe_multipliers(study, c, tech);
    const auto computes = net.compute_layers();
    std::mt19937 random(static_cast<unsigned>(study.spec.seed));
    std::printf("  energy predictor vs SystemC (%zu test images; profile: %zu training images)\n",
                o.energy_images, profile.images);
    double worst = 0.0;
    for (int trial = 0; trial < o.energy_trials; ++trial) {
      sys::ArraySpec spec;
      const std::int64_t sizes[] = {4, 8, 16, 32};
      spec.shape = {sizes[random() % 4], sizes[random() % 4]};
      std::vector<std::uint16_t> types;
      if (trial % 3 == 2) {
        spec.multi_unit = true;
        for (std::size_t m = 0; m < c.names.size(); ++m)
          types.push_back(static_cast<std::uint16_t>(m));
      } else {
        const std::size_t kinds = 1 + random() % std::min<std::size_t>(3, c.names.size());
        std::vector<std::uint16_t> pattern;
        for (std::size_t k = 0; k < kinds; ++k)
          pattern.push_back(static_cast<std::uint16_t>(random() % c.names.size()));
        for (std::int64_t j = 0; j < spec.shape.cols; ++j) {
          spec.multiplier_map.push_back(
              c.names[pattern[static_cast<std::size_t>(j) % pattern.size()]]);
        }
        for (std::int64_t j = 0;
             j < std::min<std::int64_t>(spec.shape.cols, static_cast<std::int64_t>(pattern.size()));
             ++j) {
          types.push_back(pattern[static_cast<std::size_t>(j)]);
        }
      }
      std::vector<std::uint16_t> choice(computes.size());
      std::string described;
      for (auto& x : choice) {
        x = types[random() % types.size()];
        described += (described.empty() ? "" : ",") + c.names[x];
      }
      const hm::Assignment a = hm::Assignment::per_layer(net, choice);
      sys::EnergyBreakdown simulated;
      const auto t0 = Clock::now();
      for (std::size_t i = 0; i < o.energy_images; ++i) {
        for (const auto& r : hawx::app::simulate_systolic(model, i, a, spec, pes)) {
          for (const auto& g : r.groups) simulated += sys::energy_of(g, tech.tech);
        }
      }
      const double simulation_s = seconds_since(t0);
      const Compared e = compare(
          [&] {
            return hs::SystolicEnergyPredictor(engine.network(), profile, spec, pes, tech.tech);
          },
          a, simulated, o.energy_images);
      worst = std::max(worst, std::abs(e.total));
      std::printf(
          "    %3lldx%-3lld %-10s total %+6.2f %%  multipliers %+6.2f %%  (%.0f nJ/image; "
          "SystemC %.2f s/image, predictor %.3f s, again %.4f s)  %s\n",
          static_cast<long long>(spec.shape.rows), static_cast<long long>(spec.shape.cols),
          spec.multi_unit ? "multi-unit" : "map", 100 * e.total, 100 * e.multipliers,
          e.simulated_nj, simulation_s / static_cast<double>(o.energy_images), e.first_s, e.again_s,
          described.c_str());
    }
    std::printf("  energy predictor: largest total error %.2f %% over %d configurations\n",
                100 * worst, o.energy_trials);
  }

  // 5'. Energy (a study with a simt: section): random cores and layer-level or per-filter
  // assignments over the study's candidates, the prediction from the training-image profile
  // against the SystemC core's energy averaged over the first --energy-images test images.
  if (study.spec.simt && o.energy_trials > 0) {
    const auto tech = hawx::app::characterize_options(study.spec.tech, true);
    std::vector<std::uint16_t> all(c.names.size());
    std::vector<int> identity(c.names.size());
    for (std::size_t m = 0; m < all.size(); ++m) {
      all[m] = static_cast<std::uint16_t>(m);
      identity[m] = static_cast<int>(m);
    }
    const auto units = hawx::app::simt_units(study, c, tech, all);
    std::mt19937 random(static_cast<unsigned>(study.spec.seed));
    std::printf(
        "  SIMT energy predictor vs SystemC (%zu test images; profile: %zu training images)\n",
        o.energy_images, profile.images);
    double worst = 0.0;
    for (int trial = 0; trial < o.energy_trials; ++trial) {
      hawx::simt::CoreSpec core = study.spec.simt->core;
      core.compute_units = 1 + static_cast<int>(random() % 4);
      core.wavefronts_per_cu = random() % 2 ? 8 : 4;
      core.workgroup_size = random() % 2 ? 128 : 64;
      core.cache.size_kb = random() % 2 ? 64 : 16;
      const bool per_filter = trial % 2 == 1;
      hm::Assignment a = hm::Assignment::uniform(net, 0);
      std::string described = per_filter ? "per filter" : "";
      for (auto& layer : a.filters) {
        const auto choice = static_cast<std::uint16_t>(random() % c.names.size());
        for (auto& f : layer) {
          f = per_filter ? static_cast<std::uint16_t>(random() % c.names.size()) : choice;
        }
        if (!per_filter) described += (described.empty() ? "" : ",") + c.names[choice];
      }
      hawx::simt::EnergyBreakdown simulated;
      const auto t0 = Clock::now();
      for (std::size_t i = 0; i < o.energy_images; ++i) {
        for (const auto& r : hawx::app::simulate_simt(model, i, a, core, units, identity)) {
          simulated += hawx::simt::energy_of(r, tech.tech);
        }
      }
      const double simulation_s = seconds_since(t0);
      const Compared e = compare(
          [&] {
            return hs::SimtEnergyPredictor(engine.network(), profile, core, units, tech.tech);
          },
          a, simulated, o.energy_images);
      worst = std::max(worst, std::abs(e.total));
      std::printf(
          "    %d CU %d wf wg %-3d cache %2.0f kB  total %+6.3f %%  multipliers %+6.2f %%  "
          "(%.0f nJ/image; SystemC %.2f s/image, predictor %.3f s, again %.4f s)  %s\n",
          core.compute_units, core.wavefronts_per_cu, core.workgroup_size, core.cache.size_kb,
          100 * e.total, 100 * e.multipliers, e.simulated_nj,
          simulation_s / static_cast<double>(o.energy_images), e.first_s, e.again_s,
          described.c_str());
    }
    std::printf("  SIMT energy predictor: largest total error %.3f %% over %d configurations\n",
                100 * worst, o.energy_trials);
  }

  // 4. The accuracy predictor.
  if (o.predictor) {
    hs::CalibrationOptions co;
    co.fit = static_cast<std::size_t>(spec.fit_configurations);
    co.held_out = static_cast<std::size_t>(spec.held_out_configurations);
    co.threads = o.threads;
    co.seed = static_cast<std::uint64_t>(study.spec.seed);
    std::vector<std::uint16_t> choices;
    for (std::size_t m = 1; m < c.names.size(); ++m)
      choices.push_back(static_cast<std::uint16_t>(m));
    const hs::AccuracyCalibration cal =
        hs::calibrate_accuracy(engine, model.test, scores, choices, co);
    std::printf(
        "  accuracy predictor: drop = %.4g / (1 + (%.4g / h)^%.3g) pp (ceiling %.1f pp); "
        "fit MAE %.3f pp on %zu, held-out MAE %.3f pp on %zu (rho %.3f); additive score: "
        "held-out MAE %.3f pp (rho %.3f); %.1f s\n",
        cal.predictor.plateau(), cal.predictor.midpoint(), cal.predictor.steepness(),
        cal.predictor.ceiling(), cal.fit_mae, cal.fit.size(), cal.held_out_mae, cal.held_out.size(),
        cal.held_out_spearman, cal.additive_held_out_mae, cal.additive_held_out_spearman,
        cal.seconds);
    for (const auto* set : {&cal.fit, &cal.held_out}) {
      for (const auto& m : *set) {
        std::string conf;
        for (auto x : m.layers) conf += (conf.empty() ? "" : ",") + c.names[x];
        std::printf("    %-8s hawx %10.4g (additive %8.4g)  drop %6.2f  predicted %6.2f  %s\n",
                    set == &cal.fit ? "fit" : "held-out", m.hawx, m.additive_hawx, m.drop,
                    m.predicted, conf.c_str());
      }
    }
    // The whole layer-level space (--whole-space): every configuration measured, the predictor
    // fitted above judged on all of them, and both scores' rank correlation with the drop.
    if (o.whole_space) {
      const std::size_t k = choices.size() + 1;
      std::size_t total = 1;
      for (std::size_t l = 0; l < layers && total <= 100000; ++l) total *= k;
      if (total > 100000) {
        std::printf("  whole space: %zu^%zu configurations, too many\n", k, layers);
      } else {
        const auto t0 = Clock::now();
        std::vector<double> h, sum, d, p;
        double in_transition = 0.0, transition_error = 0.0;
        for (std::size_t code = 0; code < total; ++code) {
          std::vector<std::uint16_t> choice(layers);
          std::size_t x = code;
          for (auto& v : choice) {
            v = static_cast<std::uint16_t>(x % k);
            x /= k;
          }
          const hm::Assignment a = hm::Assignment::per_layer(net, choice);
          h.push_back(scores.model(a));
          sum.push_back(scores.additive_model(a));
          d.push_back(cal.baseline - accuracy(engine, model.test, a, o.threads));
          p.push_back(cal.predictor.drop(h.back()));
          // Where the drop is neither negligible nor the network guessing.
          if (d.back() > 2.0 && d.back() < cal.predictor.ceiling() - 2.0) {
            in_transition += 1.0;
            transition_error += std::abs(p.back() - d.back());
          }
        }
        std::vector<hs::AccuracySample> all, all_sum;
        for (std::size_t i = 0; i < total; ++i) {
          all.push_back({h[i], d[i]});
          all_sum.push_back({sum[i], d[i]});
        }
        // The curve fitted on every configuration: the error no curve of the score avoids.
        const hs::AccuracyPredictor best = hs::AccuracyPredictor::fit(all, cal.predictor.ceiling());
        const hs::AccuracyPredictor best_sum =
            hs::AccuracyPredictor::fit(all_sum, cal.predictor.ceiling());
        std::vector<double> pb, pbs;
        for (std::size_t i = 0; i < total; ++i) {
          pb.push_back(best.drop(h[i]));
          pbs.push_back(best_sum.drop(sum[i]));
        }
        std::printf(
            "  whole space, %zu configurations (%.0f s): predictor (fitted on %zu) MAE %.3f pp, "
            "%.3f pp on the %.0f with drops in (2, ceiling - 2); Spearman rho(hawx(model), drop) "
            "%.3f, additive %.3f; the curve fitted on all of them: MAE %.3f pp, additive %.3f pp\n",
            total, seconds_since(t0), cal.fit.size(), hs::mean_absolute_error(p, d),
            in_transition > 0.0 ? transition_error / in_transition : 0.0, in_transition,
            hs::spearman(h, d), hs::spearman(sum, d), hs::mean_absolute_error(pb, d),
            hs::mean_absolute_error(pbs, d));
      }
    }
    if (!o.out.empty()) {
      fs::create_directories(o.out);
      const fs::path file = fs::path(o.out) / "accuracy_vs_hawx.csv";
      const bool fresh = !fs::exists(file);
      std::ofstream csv(file, std::ios::app);
      if (fresh)
        csv << "model,set,configuration,hawx_model,additive_hawx,accuracy_percent,drop_pp,"
               "predicted_pp\n";
      for (const auto* set : {&cal.fit, &cal.held_out}) {
        for (const auto& m : *set) {
          std::string conf;
          for (auto x : m.layers) conf += (conf.empty() ? "" : ";") + c.names[x];
          csv << study.spec.name << "," << (set == &cal.fit ? "fit" : "held_out") << "," << conf
              << "," << m.hawx << "," << m.additive_hawx << "," << m.accuracy << "," << m.drop
              << "," << m.predicted << "\n";
        }
      }
    }
  }
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
    if (a == "--images") {
      o.images = std::stoul(value());
    } else if (a == "--threads") {
      o.threads = std::stoi(value());
    } else if (a == "--filter-groups") {
      o.filter_groups = std::stoi(value());
    } else if (a == "--energy") {
      o.energy_trials = std::stoi(value());
    } else if (a == "--energy-images") {
      o.energy_images = std::stoul(value());
    } else if (a == "--filter-nsr") {
      o.filter_nsr = true;
    } else if (a == "--multipliers") {
      std::stringstream list(value());
      for (std::string n; std::getline(list, n, ',');) o.only.push_back(n);
    } else if (a == "--whole-space") {
      o.whole_space = true;
    } else if (a == "--no-layers") {
      o.layers = false;
    } else if (a == "--no-predictor") {
      o.predictor = false;
    } else if (a == "--out") {
      o.out = value();
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(
          stderr,
          "usage: hawx_bench_scoring [--images N] [--threads T] [--filter-groups G] [--filter-nsr] "
          "[--multipliers a,b] "
          "[--no-layers] [--whole-space] [--no-predictor] [--energy N] [--energy-images I] [--out "
          "DIR] "
          "CONFIG...\n");
      return 2;
    } else {
      o.configs.push_back(a);
    }
  }
  try {
    for (const auto& config : o.configs) run(o, config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
