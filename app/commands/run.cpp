// SPDX-License-Identifier: MIT
// `hawx-cosim run CONFIG`: the whole study. Stages run in order and each writes what it measured
// into the stats tree; the resolved config and the stats land in the results folder.
// Stages: config validation, the dataset, multiplier characterisation, the accuracy of the int8
// model with each candidate in every layer, and with a `search:` section profile, score, search,
// verify and report (app/search_stage.h).
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>

#include <spdlog/spdlog.h>

#include "app/commands/commands.h"
#include "app/model_setup.h"
#include "app/multiplier_table.h"
#include "app/search_stage.h"
#include "app/study.h"
#include "core/progress.h"
#include "core/stats.h"
#include "models/data/dataset_spec.h"

namespace hawx::app {
namespace fs = std::filesystem;
namespace {

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw Error("cannot write '" + file.string() + "'");
}

void print_dataset_table(const models::DatasetSpec& spec, const StatsTree& stats) {
  std::cout << "dataset " << spec.name << " (" << spec.root.string() << ")\n";
  std::cout << "  split     images   shape      pixel mean  pixel std\n";
  for (const char* split : {"train", "test"}) {
    const std::string g = std::string("dataset/") + split + "/";
    auto i = [&](const char* k) { return std::get<std::int64_t>(stats.at(g + k)); };
    auto d = [&](const char* k) { return std::get<double>(stats.at(g + k)); };
    const std::string shape = std::to_string(i("channels")) + "x" + std::to_string(i("height")) +
                              "x" + std::to_string(i("width"));
    std::cout << "  " << std::left << std::setw(8) << split << std::right << std::setw(8)
              << i("images") << "   " << std::left << std::setw(10) << shape << std::right
              << std::fixed << std::setprecision(2) << std::setw(10) << d("pixel_mean")
              << std::setw(11) << d("pixel_std") << "\n";
  }
}

void print_tables(const Study& study, const StatsTree& stats,
                  const std::vector<rtl::Characterization>& multipliers,
                  const std::vector<std::pair<std::string, models::Evaluation>>& accuracy) {
  print_dataset_table(study.spec.dataset, stats);
  if (!multipliers.empty()) {
    std::cout << "multipliers (tech " << study.spec.tech.filename().string() << ")\n";
    print_multiplier_table(std::cout, multipliers);
  }
  if (!accuracy.empty()) {
    std::cout << "accuracy of " << study.spec.model->onnx.filename().string()
              << " (int8, the multiplier in every layer)\n";
    for (const auto& [name, e] : accuracy) {
      std::cout << "  " << std::left << std::setw(18) << name << std::right << std::fixed
                << std::setprecision(2) << std::setw(7) << 100.0 * e.accuracy() << "%\n";
    }
    std::cout << std::defaultfloat;
  }
}

void run_study(const ConfigOptions& options) {
  const Study study = load_study(options.config, options.overrides);
  if (study.spec.search) {
    // Before the long stages: the accelerator the search's costs come from must be there.
    const std::string& a = study.spec.search->accelerator;
    const bool systolic = study.spec.systolic.has_value(), simt = study.spec.simt.has_value();
    if ((a == "systolic" && !systolic) || (a == "simt" && !simt)) {
      throw ConfigError(options.config + ": search.accelerator is " + a +
                        ", but the study has no " + a + ": section");
    }
    if (a.empty() && systolic == simt) {
      throw ConfigError(options.config + ": a search weighs the costs of one accelerator; " +
                        (systolic ? "the study describes both, say which in search.accelerator"
                                  : "add a systolic: or simt: section"));
    }
  }
  const fs::path out = output_dir(study, options.out);
  std::error_code ec;
  fs::create_directories(out, ec);
  if (ec) throw Error("cannot create results folder '" + out.string() + "': " + ec.message());
  write_text(out / "resolved_config.yaml", study.document->resolved_yaml());
  spdlog::info("study '{}': results in {}", study.spec.name, out.string());

  StatsTree stats;
  bool printed = false;  // the tables, printed before the search stages (they take longer)
  StatsTree& run = stats.group("run");
  run.set("study", study.spec.name);
  run.set("config", fs::absolute(options.config).string());
  run.set("seed", study.spec.seed);

  // Stage: dataset.
  for (const auto split : {models::Split::kTrain, models::Split::kTest}) {
    const auto start = std::chrono::steady_clock::now();
    const models::Dataset data = models::load_dataset(study.spec.dataset, split);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("loaded {} {} set: {} images of {}x{}x{} in {:.2f} s", data.name,
                 models::to_string(split), data.size(), data.channels, data.height, data.width,
                 seconds);
    models::report_stats(data, stats.group("dataset").group(models::to_string(split)));
  }

  // Stage: multipliers.
  std::vector<rtl::Characterization> multipliers;
  if (!study.spec.multipliers.empty()) {
    const rtl::CharacterizeOptions options = characterize_options(study.spec.tech, true);
    StatsTree& group = stats.group("multipliers");
    for (const auto& spec : study.spec.multipliers) {
      multipliers.push_back(rtl::characterize(spec, options));
      StatsTree& m = group.group(spec.design.name);
      const auto figures = rtl::to_json(multipliers.back());
      for (const auto& [key, value] : figures.items()) {
        if (value.is_number_integer()) m.set(key, value.get<std::int64_t>());
        if (value.is_number_float()) m.set(key, value.get<double>());
        if (value.is_string()) m.set(key, value.get<std::string>());
        if (value.is_boolean()) m.set(key, std::int64_t{value.get<bool>()});
      }
    }
    write_multiplier_csv(out / "multipliers.csv", multipliers);
  }

  // Stage: accuracy, each candidate multiplier in every layer of the int8 model.
  std::vector<std::pair<std::string, models::Evaluation>> accuracy;
  std::optional<SearchStageResult> searched;
  if (study.spec.model) {
    const Candidates c = candidates(study, multipliers);
    const LoadedModel model = load_model(study, c);
    StatsTree& group = stats.group("accuracy");
    for (std::size_t i = 0; i < c.names.size(); ++i) {
      Progress progress("accuracy with " + c.names[i], model.test.size(), "images");
      std::size_t shown = 0;
      const models::Evaluation e = model.engine->evaluate(
          model.test, models::Assignment::uniform(model.net(), static_cast<std::uint16_t>(i)), 2,
          [&](std::size_t n) {
            progress.advance(n - shown);
            shown = n;
          });
      group.group(c.names[i])
          .set("top1", e.accuracy(), "fraction",
               "test-set top-1 accuracy, this multiplier in every layer");
      group.group(c.names[i]).set("images", static_cast<std::int64_t>(e.images), "images");
      accuracy.emplace_back(c.names[i], e);
    }
    std::ofstream csv(out / "accuracy.csv");
    csv << "multiplier,top1,images\n";
    for (const auto& [name, e] : accuracy)
      csv << name << "," << e.accuracy() << "," << e.images << "\n";
    print_tables(study, stats, multipliers, accuracy);
    printed = true;

    // Stages: profile, score, search, verify, report.
    if (study.spec.search) {
      searched = run_search_stages(study, c, model, multipliers, accuracy.front().second.accuracy(),
                                   out, stats, 2);
    }
  } else if (study.spec.search) {
    throw ConfigError(options.config + ": a search needs a model (the `model:` section)");
  }

  stats.write_json(out / "stats.json");
  stats.write_csv(out / "stats.csv");
  if (!printed) print_tables(study, stats, multipliers, accuracy);
  std::cout << "stages run: config, dataset" << (multipliers.empty() ? "" : ", multipliers")
            << (accuracy.empty() ? "" : ", accuracy")
            << (searched ? ", profile, score, search, verify, report" : "") << "\n"
            << "results: " << (out / "resolved_config.yaml").string() << ", "
            << (out / "stats.json").string() << ", " << (out / "stats.csv").string()
            << (multipliers.empty() ? "" : ", " + (out / "multipliers.csv").string())
            << (accuracy.empty() ? "" : ", " + (out / "accuracy.csv").string())
            << (searched ? ", " + (out / "results.db").string() : "") << "\n";
  if (searched) {
    std::cout << "report: " << searched->report.summary.string() << " ("
              << searched->report.plots.size() << " plots in " << searched->report.folder.string()
              << ")\n";
  }
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a study: validate the config, then every stage built so far, into a results folder");
  add_config_options(*cmd, *options, true);
  cmd->callback([options] { run_study(*options); });
}

}  // namespace hawx::app
