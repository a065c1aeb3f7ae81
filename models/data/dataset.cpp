// SPDX-License-Identifier: MIT
#include "models/data/dataset.h"

#include <cmath>

#include "core/progress.h"
#include "core/stats.h"

namespace hawx::models {

const char* to_string(Split split) { return split == Split::kTrain ? "train" : "test"; }

void Dataset::truncate(std::size_t n) {
  if (n == 0 || n >= size()) return;
  labels.resize(n);
  pixels.resize(n * image_bytes());
}

Dataset load_dataset(const std::string& name, const DatasetRequest& request) {
  return Registry<DatasetKind>::instance().get(name)(request);
}

void report_stats(const Dataset& d, StatsTree& out) {
  out.set("images", static_cast<std::int64_t>(d.size()), "images");
  out.set("channels", std::int64_t{d.channels});
  out.set("height", std::int64_t{d.height}, "pixels");
  out.set("width", std::int64_t{d.width}, "pixels");
  out.set("classes", static_cast<std::int64_t>(d.class_names.size()));
  std::vector<std::int64_t> counts(d.class_names.size(), 0);
  for (auto label : d.labels) ++counts[label];
  StatsTree& per_class = out.group("label_counts");
  for (std::size_t c = 0; c < counts.size(); ++c) {
    per_class.set(d.class_names[c], counts[c], "images");
  }
  // Pixel moments, per image so that progress can be shown on large sets.
  Progress progress(std::string("statistics of ") + d.name + " " + to_string(d.split), d.size(),
                    "images");
  double sum = 0.0;
  double sum_sq = 0.0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::uint8_t* p = d.image(i);
    std::uint64_t s = 0;
    std::uint64_t s2 = 0;
    for (std::size_t k = 0; k < d.image_bytes(); ++k) {
      s += p[k];
      s2 += std::uint64_t{p[k]} * p[k];
    }
    sum += static_cast<double>(s);
    sum_sq += static_cast<double>(s2);
    progress.advance();
  }
  const double n = static_cast<double>(d.pixels.size());
  const double mean = n > 0 ? sum / n : 0.0;
  out.set("pixel_mean", mean, "grey level 0..255", "mean over all pixels and channels");
  out.set("pixel_std", n > 0 ? std::sqrt(std::max(0.0, sum_sq / n - mean * mean)) : 0.0,
          "grey level 0..255", "standard deviation over all pixels and channels");
}

}  // namespace hawx::models
