// SPDX-License-Identifier: MIT
#include "app/study.h"

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
  study.document->finish();
  return study;
}

fs::path output_dir(const Study& study, const std::string& out_option) {
  if (!out_option.empty()) return fs::path(out_option);
  return fs::path("results") / study.spec.name;
}

}  // namespace hawx::app
