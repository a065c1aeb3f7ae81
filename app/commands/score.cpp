// SPDX-License-Identifier: MIT
// `hawx-cosim score CONFIG`: the HAWX scores of the study's model for every candidate multiplier
// (docs/scoring.md). Profiles the exact network on representative inputs, scores every operation,
// filter, layer and the model, and (unless --no-calibration) fits the accuracy predictor on
// measured layer-level configurations and reports its held-out error. Writes to the results
// folder:
//   operands.csv            plot 1: operand distribution per layer (value, count, negatives)
//   operation_scores.csv    plot 2: histogram of log10 hawx(o) per layer and multiplier
//   operations.csv          mu_o and s2_o per layer, multiplier and weight value
//   filters.csv             hawx(f) per multiplier, layer and filter
//   layers.csv              g_l and hawx(l) per multiplier and layer
//   models.csv              hawx(model) with each multiplier in every layer
//   accuracy_vs_hawx.csv    plot 3: measured and predicted drop against hawx(model)
//   energy.csv              with a systolic: section (ws, ideal memory): predicted energy by
//                           component, cycles and area per image, each candidate everywhere and
//                           --layers
//   simt_energy.csv         with a simt: section: the same on the SIMT core (total and
//                           multiplier energy, cycles, area), each unit type everywhere and
//                           --layers
//   stats.json, stats.csv   the stats tree (profile, scores, predictor); resolved_config.yaml
// --layers scores one layer-level assignment and prints its predicted drop.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include "app/accelerator.h"
#include "app/commands/commands.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "core/stats.h"
#include "scoring/accuracy_predictor.h"
#include "scoring/energy_predictor.h"
#include "scoring/profile.h"
#include "scoring/score.h"

namespace hawx::app {
namespace fs = std::filesystem;
namespace {

struct Options {
  ConfigOptions config;
  std::string layers;
  int threads = 2;
  bool calibration = true;
};

// log10 hawx(o) histogram range of operation_scores.csv.
constexpr double kLogLow = -14.0;
constexpr double kLogHigh = 2.0;
constexpr std::size_t kBins = 64;

std::ofstream open_csv(const fs::path& file, const std::string& header) {
  std::ofstream out(file);
  if (!out) throw InputError("cannot write " + file.string());
  out << std::setprecision(9) << header << "\n";
  return out;
}

void run(const Options& o) {
  const Study study = load_study(o.config.config, o.config.overrides);
  const StudySpec& s = study.spec;
  const scoring::ScoringSpec spec = s.scoring.value_or(scoring::ScoringSpec{});
  const Candidates c = candidates(study);
  LoadedModel model = load_model(study, c);
  const models::Network& net = model.net();
  const models::Engine& engine = *model.engine;
  if (spec.evaluation_images > 0)
    model.test.truncate(static_cast<std::size_t>(spec.evaluation_images));

  // Parse the assignment before the long steps, so that a mistake costs nothing.
  const std::size_t layers = net.compute_layers().size();
  std::vector<std::uint16_t> chosen;
  if (!o.layers.empty()) {
    std::stringstream list(o.layers);
    for (std::string n; std::getline(list, n, ',');) chosen.push_back(c.index(n));
    if (chosen.size() != layers) {
      throw ConfigError("--layers names " + std::to_string(chosen.size()) +
                        " multipliers; the network has " + std::to_string(layers) +
                        " layers that multiply");
    }
  }

  models::Dataset profile_set = models::load_dataset(s.dataset, spec.profile_split);
  scoring::ProfileOptions po;
  po.images = static_cast<std::size_t>(spec.profile_images);
  po.noise_ratio = spec.noise_ratio;
  po.gain_images = static_cast<std::size_t>(spec.gain_images);
  po.seed = static_cast<std::uint64_t>(s.seed);
  po.threads = o.threads;
  const scoring::Profile profile = scoring::profile(engine, profile_set, po);
  const scoring::Scores scores(engine.network(), profile, c.tables, c.names);
  std::cout << "profiled " << s.model->onnx.filename().string() << " on " << profile.images << " "
            << models::to_string(spec.profile_split) << " images in " << std::fixed
            << std::setprecision(2) << profile.seconds << " s; scored " << c.names.size() - 1
            << " multipliers in " << std::setprecision(3) << scores.seconds() << " s\n";

  const fs::path dir = output_dir(study, o.config.out);
  fs::create_directories(dir);
  std::ofstream(dir / "resolved_config.yaml") << study.document->resolved_yaml();
  StatsTree stats;
  scoring::report_stats(profile, stats.group("profile"));

  {
    auto csv = open_csv(dir / "operands.csv", "layer_index,layer,value,count,negative");
    for (std::size_t l = 0; l < layers; ++l) {
      const auto& lp = profile.layers[l];
      for (std::size_t v = 0; v < 256; ++v) {
        csv << l << "," << lp.name << "," << v << "," << lp.operands[v] << "," << lp.negatives[v]
            << "\n";
      }
    }
  }
  {
    auto ops = open_csv(dir / "operations.csv", "multiplier,layer_index,layer,weight,mu,s2");
    auto hist = open_csv(dir / "operation_scores.csv",
                         "multiplier,layer_index,layer,log10_low,log10_high,operations");
    for (std::size_t m = 1; m < c.names.size(); ++m) {
      for (std::size_t l = 0; l < layers; ++l) {
        const auto& t = scores.operations(m, l);
        const int low = c.is_signed ? -128 : -255;
        const int high = c.is_signed ? 127 : 255;
        for (int w = low; w <= high; ++w) {
          ops << c.names[m] << "," << l << "," << profile.layers[l].name << "," << w << ","
              << t.mu(w) << "," << t.s2(w) << "\n";
        }
        const auto h = scoring::operation_score_histogram(engine.network(), profile, scores, m, l,
                                                          kLogLow, kLogHigh, kBins);
        for (std::size_t b = 0; b < kBins; ++b) {
          const double width = (kLogHigh - kLogLow) / static_cast<double>(kBins);
          hist << c.names[m] << "," << l << "," << profile.layers[l].name << ","
               << kLogLow + width * static_cast<double>(b) << ","
               << kLogLow + width * static_cast<double>(b + 1) << "," << h[b] << "\n";
        }
      }
    }
  }
  {
    auto filters = open_csv(dir / "filters.csv",
                            "multiplier,layer_index,layer,filter,error_mean,error_variance,"
                            "output_variance,hawx_f");
    auto layer_csv = open_csv(dir / "layers.csv", "multiplier,layer_index,layer,gain,hawx_l");
    auto model_csv = open_csv(dir / "models.csv", "multiplier,hawx_model");
    StatsTree& group = stats.group("scores");
    for (std::size_t m = 1; m < c.names.size(); ++m) {
      StatsTree& mg = group.group(c.names[m]);
      for (std::size_t l = 0; l < layers; ++l) {
        const auto& lp = profile.layers[l];
        for (std::size_t f = 0; f < scores.filters(l); ++f) {
          const auto& fs = scores.filter(m, l, f);
          filters << c.names[m] << "," << l << "," << lp.name << "," << f << "," << fs.mean << ","
                  << fs.variance << "," << lp.outputs[f].variance << "," << fs.nsr << "\n";
        }
        layer_csv << c.names[m] << "," << l << "," << lp.name << "," << scores.gain(l) << ","
                  << scores.layer(m, l) << "\n";
        mg.group("layers").set(lp.name, scores.layer(m, l), "", "hawx(l), this multiplier alone");
      }
      const double h =
          scores.model(models::Assignment::uniform(net, static_cast<std::uint16_t>(m)));
      model_csv << c.names[m] << "," << h << "\n";
      mg.set("model", h, "", "hawx(model) with the multiplier in every layer");
    }
  }
  std::cout << std::setprecision(4) << std::defaultfloat;
  std::cout << "hawx(l) per layer (g_l: propagation gain)\n  " << std::left << std::setw(22)
            << "layer" << std::right << std::setw(11) << "g_l";
  for (std::size_t m = 1; m < c.names.size(); ++m) std::cout << std::setw(17) << c.names[m];
  std::cout << "\n";
  for (std::size_t l = 0; l < layers; ++l) {
    std::cout << "  " << std::left << std::setw(22) << profile.layers[l].name << std::right
              << std::setw(11) << scores.gain(l);
    for (std::size_t m = 1; m < c.names.size(); ++m)
      std::cout << std::setw(17) << scores.layer(m, l);
    std::cout << "\n";
  }
  std::cout << "  " << std::left << std::setw(33) << "hawx(model), every layer" << std::right;
  for (std::size_t m = 1; m < c.names.size(); ++m) {
    std::cout << std::setw(17)
              << scores.model(models::Assignment::uniform(net, static_cast<std::uint16_t>(m)));
  }
  std::cout << "\n";

  std::optional<scoring::AccuracyCalibration> cal;
  if (o.calibration && c.names.size() > 1) {
    scoring::CalibrationOptions co;
    co.fit = static_cast<std::size_t>(spec.fit_configurations);
    co.held_out = static_cast<std::size_t>(spec.held_out_configurations);
    co.seed = static_cast<std::uint64_t>(s.seed);
    co.threads = o.threads;
    std::vector<std::uint16_t> choices;
    for (std::size_t m = 1; m < c.names.size(); ++m)
      choices.push_back(static_cast<std::uint16_t>(m));
    cal = scoring::calibrate_accuracy(engine, model.test, scores, choices, co);
    scoring::report_stats(*cal, stats.group("accuracy_predictor"));
    auto csv = open_csv(dir / "accuracy_vs_hawx.csv",
                        "model,set,configuration,hawx_model,accuracy_percent,drop_pp,predicted_pp");
    for (const auto* set : {&cal->fit, &cal->held_out}) {
      for (const auto& m : *set) {
        std::string conf;
        for (auto x : m.layers) conf += (conf.empty() ? "" : ";") + c.names[x];
        csv << s.name << "," << (set == &cal->fit ? "fit" : "held_out") << "," << conf << ","
            << m.hawx << "," << m.accuracy << "," << m.drop << "," << m.predicted << "\n";
      }
    }
    std::cout << std::fixed << std::setprecision(2) << "accuracy predictor (exact " << cal->baseline
              << "% on " << model.test.size() << " test images): drop = " << std::setprecision(4)
              << cal->predictor.plateau() << " / (1 + (" << cal->predictor.midpoint() << " / h)^"
              << cal->predictor.steepness() << ") pp; MAE " << std::setprecision(3) << cal->fit_mae
              << " pp on " << cal->fit.size() << " fit configurations, " << cal->held_out_mae
              << " pp on " << cal->held_out.size() << " held-out ones\n";
  }
  if (!chosen.empty()) {
    const double h = scores.model(models::Assignment::per_layer(net, chosen));
    stats.group("assignment").set("hawx_model", h, "", "hawx(model) of --layers");
    std::cout << "--layers: hawx(model) " << std::setprecision(4) << std::defaultfloat << h;
    if (cal) {
      const double d = cal->predictor.drop(h);
      stats.group("assignment").set("predicted_drop_pp", d, "pp", "predicted accuracy drop");
      std::cout << ", predicted drop " << std::fixed << std::setprecision(2) << d << " pp";
    }
    std::cout << "\n";
  }
  // The energy and area predictors on the study's systolic array, when it has one: every
  // candidate in every layer, and --layers.
  // An array the predictor does not model (os, is, DRAM stalls) is said and skipped: the scores
  // above stand without it.
  std::string unmodelled;
  if (s.systolic && s.systolic->dataflow != systolic::Dataflow::kWeightStationary) {
    unmodelled = std::string("the ") + systolic::dataflow_name(s.systolic->dataflow) +
                 " dataflow (the predictor models ws)";
  } else if (s.systolic && !s.systolic->memory.ideal) {
    unmodelled = "DRAM stalls (systolic.memory.ideal: false; the predictor models ideal memory)";
  }
  if (!unmodelled.empty()) {
    std::cout << "energy predictor: not run; it does not model " << unmodelled << "\n";
    stats.group("energy_predictor").set("skipped", unmodelled);
  }
  if (s.systolic && unmodelled.empty()) {
    const rtl::CharacterizeOptions tech = characterize_options(s.tech, true);
    const systolic::ArraySpec array = s.systolic->array_spec();
    const std::vector<systolic::PeMultiplier> pes = pe_multipliers(study, c, tech);
    const scoring::SystolicEnergyPredictor predictor(engine.network(), profile, array, pes,
                                                     tech.tech);
    auto csv = open_csv(dir / "energy.csv",
                        "assignment,cycles,total_pj,multipliers_pj,accumulators_pj,registers_pj,"
                        "sram_pj,dram_pj,leakage_pj,area_um2");
    std::vector<std::pair<std::string, models::Assignment>> cases;
    for (std::size_t m = 0; m < c.names.size(); ++m) {
      if (!s.systolic->multi_unit &&
          std::find(array.multiplier_map.begin(), array.multiplier_map.end(), c.names[m]) ==
              array.multiplier_map.end()) {
        continue;  // no column of this type: the mapper could not place its filters
      }
      cases.emplace_back(c.names[m],
                         models::Assignment::uniform(net, static_cast<std::uint16_t>(m)));
    }
    if (!chosen.empty()) cases.emplace_back("--layers", models::Assignment::per_layer(net, chosen));
    std::cout << "predicted on the " << s.systolic->shape.rows << "x" << s.systolic->shape.cols
              << " " << systolic::dataflow_name(array.dataflow) << " array (per image):\n";
    StatsTree& group = stats.group("energy_predictor");
    for (const auto& [name, assignment] : cases) {
      const scoring::EnergyPrediction p = predictor.predict(assignment);
      const double area = scoring::predict_area(array, pes, tech.tech, assignment).total_um2();
      const auto& e = p.total;
      csv << name << "," << p.cycles << "," << e.total_fj() / 1000 << "," << e.multipliers_fj / 1000
          << "," << e.accumulators_fj / 1000 << "," << e.registers_fj() / 1000 << ","
          << e.sram_fj / 1000 << "," << e.dram_fj / 1000 << "," << e.leakage_fj / 1000 << ","
          << area << "\n";
      StatsTree& g = group.group(name);
      g.set("cycles", p.cycles, "cycles");
      g.set("energy_pj", e.total_fj() / 1000, "pJ", "predicted energy per image");
      g.set("multipliers_pj", e.multipliers_fj / 1000, "pJ");
      g.set("area_um2", area, "um2");
      std::cout << "  " << std::left << std::setw(20) << name << std::right << std::fixed
                << std::setprecision(1) << std::setw(12) << e.total_fj() / 1000 << " pJ"
                << " (multipliers " << e.multipliers_fj / 1000 << " pJ), " << p.cycles
                << " cycles, area " << std::setprecision(0) << area << " um2\n";
    }
  }
  // The SIMT energy predictor on the study's SIMT core, when it has one (app::Accelerator): every
  // candidate its PEs carry in every layer, and --layers.
  if (s.simt) {
    const Accelerator core(study, c, model, &profile, "simt");
    std::vector<std::pair<std::string, models::Assignment>> cases;
    for (std::size_t m = 0; m < c.names.size(); ++m) {
      const auto& units = s.simt->units;
      if (!units.empty() && std::find(units.begin(), units.end(), c.names[m]) == units.end()) {
        continue;  // not a unit type of the core
      }
      cases.emplace_back(c.names[m],
                         models::Assignment::uniform(net, static_cast<std::uint16_t>(m)));
    }
    if (!chosen.empty()) cases.emplace_back("--layers", models::Assignment::per_layer(net, chosen));
    auto csv = open_csv(dir / "simt_energy.csv",
                        "assignment,cycles,total_pj,multipliers_pj,area_um2,unit_types");
    std::cout << "predicted on the SIMT core (" << core.describe() << "), per image:\n";
    StatsTree& group = stats.group("simt_energy_predictor");
    for (const auto& [name, assignment] : cases) {
      const AcceleratorCost p = core.predict(assignment);
      std::string types;
      for (const auto& t : p.types) types += (types.empty() ? "" : " ") + t;
      csv << name << "," << p.cycles << "," << p.energy_fj / 1000 << ","
          << p.multiplier_energy_fj / 1000 << "," << p.area_um2 << "," << types << "\n";
      StatsTree& g = group.group(name);
      g.set("cycles", p.cycles, "cycles");
      g.set("energy_pj", p.energy_fj / 1000, "pJ", "predicted energy per image");
      g.set("multipliers_pj", p.multiplier_energy_fj / 1000, "pJ");
      g.set("area_um2", p.area_um2, "um2", "with the unit types the PEs carry");
      std::cout << "  " << std::left << std::setw(20) << name << std::right << std::fixed
                << std::setprecision(1) << std::setw(12) << p.energy_fj / 1000 << " pJ"
                << " (multipliers " << p.multiplier_energy_fj / 1000 << " pJ), " << p.cycles
                << " cycles, area " << std::setprecision(0) << p.area_um2 << " um2\n";
    }
  }
  stats.write_json(dir / "stats.json");
  stats.write_csv(dir / "stats.csv");
  std::cout << "results: " << dir.string() << "/ (operands, operations, operation_scores, filters, "
            << "layers, models" << (cal ? ", accuracy_vs_hawx" : "") << " .csv; stats.json)\n";
}

}  // namespace

void add_score_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "score",
      "HAWX scores of the study's model: operation, filter, layer and model level, and "
      "the accuracy predictor (docs/scoring.md)");
  add_config_options(*cmd, o->config, true);
  cmd->add_option("--layers", o->layers,
                  "score one assignment: a multiplier per layer that multiplies, comma-separated");
  cmd->add_option("--threads", o->threads, "threads")->capture_default_str();
  cmd->add_flag("--no-calibration{false}", o->calibration,
                "skip measuring configurations and fitting the accuracy predictor");
  cmd->callback([o] { run(*o); });
}

}  // namespace hawx::app
