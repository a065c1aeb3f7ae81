// SPDX-License-Identifier: MIT
#include "app/study.h"

#include <fstream>
#include <iterator>

#ifndef HAWX_DEFAULT_TECH
#error "HAWX_DEFAULT_TECH must be defined by the build"
#endif

namespace hawx::app {
namespace fs = std::filesystem;

Study load_study(const fs::path& file, const std::vector<std::string>& overrides) {
  using config::Param;
  Study study;
  study.document = config::Document::load(file, overrides);
  const config::Section root = study.document->root();
  StudySpec& s = study.spec;
  s.name = root.read(Param<std::string>("name")
                         .def(file.stem().string())
                         .doc("study name; results go to results/<name>/ unless --out is given"));
  if (s.name.empty() || s.name.find('/') != std::string::npos) {
    root.fail("name", "expected a non-empty name without '/', got '" + s.name + "'");
  }
  s.seed = root.read(Param<std::int64_t>("seed").def(1).min(0).doc(
      "seed of every random choice (sampling, search), so that runs repeat"));
  s.dataset =
      models::DatasetSpec::read(root.section("dataset", "the test set and where its files are"));
  if (root.has("model")) {
    s.model = models::ModelSpec::read(root.section("model",
                                                   "the trained network and its int8 "
                                                   "quantisation"));
  }
  s.tech = root.read(Param<fs::path>("tech")
                         .def(HAWX_DEFAULT_TECH)
                         .doc("technology constants for area and energy (configs/tech/*.yaml)"));
  for (const config::Section& item :
       root.list("multipliers", "candidate multipliers: builtin, or rtl + top")) {
    s.multipliers.push_back(rtl::MultiplierSpec::read(item));
    for (std::size_t i = 0; i + 1 < s.multipliers.size(); ++i) {
      if (s.multipliers[i].design.name == s.multipliers.back().design.name) {
        item.fail("name", "'" + s.multipliers.back().design.name +
                              "' names two multipliers; "
                              "give each a different name");
      }
    }
  }
  if (root.has("systolic")) {
    s.systolic = systolic::SystolicConfig::read(root.section(
        "systolic", "the systolic array hawx-cosim simulate runs the model on (docs/systolic.md)"));
  }
  if (root.has("simt")) {
    s.simt = simt::SimtConfig::read(
        root.section("simt", "the SIMT core hawx-cosim simulate runs the model on (docs/simt.md)"));
  }
  if (root.has("scoring")) {
    s.scoring = scoring::ScoringSpec::read(root.section(
        "scoring", "profiling, hawx scores and the accuracy predictor (docs/scoring.md)"));
  }
  if (root.has("search")) {
    s.search = search::SearchSpec::read(root.section(
        "search", "the design space, strategies and objectives of `run` (docs/search.md)"));
  }
  study.document->finish();
  return study;
}

rtl::CharacterizeOptions characterize_options(const fs::path& tech_file, bool hardware) {
  const fs::path file = tech_file.empty() ? fs::path(HAWX_DEFAULT_TECH) : tech_file;
  rtl::CharacterizeOptions options;
  options.tech = rtl::TechSpec::load(file);
  std::ifstream in(file);
  options.tech_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  options.hardware = hardware;
  return options;
}

fs::path output_dir(const Study& study, const std::string& out_option) {
  if (!out_option.empty()) return fs::path(out_option);
  return fs::path("results") / study.spec.name;
}

}  // namespace hawx::app
