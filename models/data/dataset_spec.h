// SPDX-License-Identifier: MIT
// The `dataset:` section of a config, as a plain value.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "core/config.h"
#include "models/data/dataset.h"

namespace hawx::models {

struct DatasetSpec {
  std::string name;
  std::filesystem::path root;
  std::int64_t train_limit = 0;  // 0 = the whole split
  std::int64_t test_limit = 0;

  static DatasetSpec read(const config::Section& section);
};

// Loads one split of the dataset a spec names, cut to the spec's limit for that split.
Dataset load_dataset(const DatasetSpec& spec, Split split);

}  // namespace hawx::models
