// SPDX-License-Identifier: MIT
// Labelled image datasets, as the inference engine and the profiler consume them: uint8 pixels,
// channel-major (C x H x W) per image, one uint8 label per image.
//
// Datasets are registered implementations (kind "dataset"); each knows its files under a root
// folder (where scripts/fetch_datasets.sh puts them) and validates them completely on load: a
// missing, truncated or inconsistent file is an InputError naming the file and what was expected.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/registry.h"

namespace hawx::models {

enum class Split { kTrain, kTest };
const char* to_string(Split split);

struct Dataset {
  std::string name;
  Split split = Split::kTest;
  int channels = 0;
  int height = 0;
  int width = 0;
  std::vector<std::string> class_names;
  std::vector<std::uint8_t> pixels;  // size() * image_bytes(), C x H x W per image
  std::vector<std::uint8_t> labels;  // each < class_names.size()

  std::size_t size() const { return labels.size(); }
  std::size_t image_bytes() const {
    return static_cast<std::size_t>(channels) * static_cast<std::size_t>(height) *
           static_cast<std::size_t>(width);
  }
  const std::uint8_t* image(std::size_t i) const { return pixels.data() + i * image_bytes(); }
  // Keeps the first n images (no-op when n == 0 or n >= size()).
  void truncate(std::size_t n);
};

struct DatasetRequest {
  std::filesystem::path root;  // the folder holding one sub-folder per dataset
  Split split = Split::kTest;
};

struct DatasetKind {
  static constexpr const char* kName = "dataset";
  static constexpr const char* kDescription = "labelled image sets (dataset.name)";
  using Factory = std::function<Dataset(const DatasetRequest&)>;
};

// Loads a registered dataset; throws ConfigError for an unknown name, InputError for bad files.
Dataset load_dataset(const std::string& name, const DatasetRequest& request);

}  // namespace hawx::models

namespace hawx {
class StatsTree;
}

namespace hawx::models {

// Shape, size, label counts and pixel statistics of a dataset, into `out`.
void report_stats(const Dataset& dataset, StatsTree& out);

}  // namespace hawx::models
