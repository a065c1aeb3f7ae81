// SPDX-License-Identifier: MIT
// The `model:` section of a study: which network, and how it is quantised.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/config.h"

namespace hawx::models {

struct ModelSpec {
  std::filesystem::path onnx;
  std::int64_t calibration_images = 500;  // first N training images

  static ModelSpec read(const config::Section& section);
};

}  // namespace hawx::models
