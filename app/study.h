// SPDX-License-Identifier: MIT
// A study: one config file (plus overrides), parsed and validated into plain specs before anything
// runs. Each layer reads its own section; this file only assembles them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "models/data/dataset_spec.h"
#include "models/engine/model_spec.h"
#include "rtl/characterize.h"
#include "scoring/spec.h"
#include "search/search_spec.h"
#include "sim/simt/simt_config.h"
#include "sim/systolic/array_config.h"

namespace hawx::app {

struct StudySpec {
  std::string name;
  std::int64_t seed = 1;
  models::DatasetSpec dataset;
  std::optional<models::ModelSpec> model;  // absent: no stage that needs a network runs
  std::filesystem::path tech;
  std::vector<rtl::MultiplierSpec> multipliers;
  std::optional<systolic::SystolicConfig> systolic;  // the array `simulate CONFIG` runs
  std::optional<simt::SimtConfig> simt;              // the SIMT core `simulate CONFIG` runs
  std::optional<scoring::ScoringSpec> scoring;       // `score CONFIG`'s settings (defaults: absent)
  std::optional<search::SearchSpec> search;          // `run`'s search stages (absent: none run)
};

struct Study {
  std::shared_ptr<config::Document> document;
  StudySpec spec;
};

// Parses, validates (every key, unknown keys included) and returns the study; ConfigError on the
// first problem.
Study load_study(const std::filesystem::path& file, const std::vector<std::string>& overrides);

// The technology constants in `tech_file` (the installed configs/tech/generic45.yaml when empty).
rtl::CharacterizeOptions characterize_options(const std::filesystem::path& tech_file,
                                              bool hardware);

// `--out` if given, else results/<study name>/ under the working directory.
std::filesystem::path output_dir(const Study& study, const std::string& out_option);

}  // namespace hawx::app
