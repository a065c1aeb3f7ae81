// SPDX-License-Identifier: MIT
// The `scoring:` section of a study (hawx-cosim score; docs/scoring.md). Every key is declared
// here, where it is read; an absent section means every default.
//
//   scoring:
//     profile_images: 300        # representative inputs for the profile
//     profile_split: train       # train | test
//     gain_images: 100           # of those, the images the propagation gains are measured on
//     noise_ratio: 0.01          # injected noise power / output variance, for the gains g_l
//     evaluation_images: 0       # test images the accuracy is measured on (0: all)
//     fit_configurations: 12     # measured configurations the accuracy predictor is fitted on
//     held_out_configurations: 20
#pragma once

#include <cstdint>
#include <string>

#include "core/config.h"
#include "models/data/dataset.h"

namespace hawx::scoring {

struct ScoringSpec {
  std::int64_t profile_images = 300;
  std::int64_t gain_images = 100;
  models::Split profile_split = models::Split::kTrain;
  double noise_ratio = 0.01;
  std::int64_t evaluation_images = 0;
  std::int64_t fit_configurations = 12;
  std::int64_t held_out_configurations = 20;

  static ScoringSpec read(const config::Section& section);
};

}  // namespace hawx::scoring
