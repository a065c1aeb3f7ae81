// SPDX-License-Identifier: MIT
// `hawx-cosim eval CONFIG`: accuracy of the study's model, quantised to int8, on the test set
// under a multiplier assignment (one multiplier everywhere, or one per layer), with per-class
// accuracy; optionally next to the float model's accuracy.
#include <chrono>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "app/commands/commands.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "core/progress.h"
#include "models/engine/engine.h"
#include "models/onnx/float_executor.h"
#include "models/onnx/graph.h"
#include "rtl/characterize.h"

namespace hawx::app {
namespace fs = std::filesystem;
namespace {

struct Options {
  ConfigOptions config;
  std::string multiplier = "exact";
  std::string layers;
  int threads = 2;
  bool with_float = false;
};

double float_accuracy(const models::Graph& graph, const models::Dataset& test) {
  const models::FloatExecutor reference(graph);
  const std::string input = graph.inputs.front().name;
  Progress progress("float reference", test.size(), "images");
  std::size_t correct = 0;
  for (std::size_t i = 0; i < test.size(); ++i) {
    models::Tensor x({1, test.channels, test.height, test.width});
    for (std::size_t k = 0; k < test.image_bytes(); ++k) x.data[k] = test.image(i)[k] / 255.0f;
    const models::Tensor z = reference.run({{input, x}}).begin()->second;
    correct += static_cast<std::size_t>(std::max_element(z.data.begin(), z.data.end()) -
                                        z.data.begin()) == test.labels[i];
    progress.advance();
  }
  return static_cast<double>(correct) / static_cast<double>(test.size());
}

void run(const Options& o) {
  const Study study = load_study(o.config.config, o.config.overrides);
  const StudySpec& s = study.spec;
  const Candidates c = candidates(study);
  const LoadedModel model = load_model(study, c);
  const models::Network& net = model.net();
  const models::Engine& engine = *model.engine;
  const models::Dataset& test = model.test;
  const bool is_signed = c.is_signed;

  const auto compute = net.compute_layers();
  models::Assignment assignment;
  std::vector<std::string> per_layer;
  if (!o.layers.empty()) {
    std::stringstream list(o.layers);
    for (std::string n; std::getline(list, n, ',');) per_layer.push_back(n);
    if (per_layer.size() != compute.size()) {
      throw ConfigError("--layers names " + std::to_string(per_layer.size()) +
                        " multipliers; the network has " + std::to_string(compute.size()) +
                        " layers that multiply");
    }
  } else {
    per_layer.assign(compute.size(), o.multiplier);
  }
  std::vector<std::uint16_t> chosen;
  for (const auto& n : per_layer) chosen.push_back(c.index(n));
  assignment = models::Assignment::per_layer(net, chosen);

  std::cout << "model " << s.model->onnx.string() << ": " << compute.size()
            << " layers that multiply, " << net.macs() << " MACs per image; int8 "
            << (is_signed ? "two's complement (signed multipliers)"
                          : "sign-magnitude (unsigned multipliers)")
            << "\n";
  for (std::size_t i = 0; i < compute.size(); ++i) {
    const auto& l = net.layers[static_cast<std::size_t>(compute[i])];
    std::cout << "  " << std::left << std::setw(24) << l.name << std::right << std::setw(5)
              << l.filters() << " filters " << std::setw(10) << l.macs() << " MACs  "
              << per_layer[i] << "\n";
  }

  const auto start = std::chrono::steady_clock::now();
  std::size_t shown = 0;
  Progress progress("eval", test.size(), "images");
  const models::Evaluation e = engine.evaluate(test, assignment, o.threads, [&](std::size_t n) {
    progress.advance(n - shown);
    shown = n;
  });
  progress.advance(test.size() - shown);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::ordered_json out;
  out["model"] = s.model->onnx.string();
  out["images"] = e.images;
  out["accuracy"] = e.accuracy();
  out["assignment"] = per_layer;
  std::cout << std::fixed << std::setprecision(2) << "accuracy " << 100.0 * e.accuracy() << "% ("
            << e.correct << "/" << e.images << ") in " << seconds << " s, " << std::setprecision(0)
            << e.images / seconds << " images/s on " << o.threads << " threads\n";
  if (o.with_float) {
    const double f = float_accuracy(model.graph, test);
    out["float_accuracy"] = f;
    std::cout << std::setprecision(2) << "float model " << 100.0 * f << "%\n";
  }
  std::cout << "per class:";
  for (std::size_t c = 0; c < e.class_total.size(); ++c) {
    const double a = e.class_total[c] ? static_cast<double>(e.class_correct[c]) /
                                            static_cast<double>(e.class_total[c])
                                      : 0.0;
    out["per_class"][test.class_names[c]] = a;
    std::cout << "  " << test.class_names[c] << " " << std::setprecision(1) << 100.0 * a << "%";
  }
  std::cout << "\n";
  const fs::path dir = output_dir(study, o.config.out);
  fs::create_directories(dir);
  std::ofstream(dir / "eval.json") << out.dump(2) << "\n";
  std::cout << "results: " << (dir / "eval.json").string() << "\n";
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Accuracy of the study's int8 model on the test set under a multiplier assignment");
  add_config_options(*cmd, o->config, true);
  cmd->add_option("--multiplier", o->multiplier,
                  "one multiplier for every layer: 'exact' or a name from the study")
      ->capture_default_str();
  cmd->add_option("--layers", o->layers,
                  "one multiplier per layer that multiplies, comma-separated, in network order");
  cmd->add_option("--threads", o->threads, "threads over images")->capture_default_str();
  cmd->add_flag("--float", o->with_float, "also measure the float model (the reference path)");
  cmd->callback([o] { run(*o); });
}

}  // namespace hawx::app
