// SPDX-License-Identifier: MIT
// A synthetic design-space problem for the search's tests: every layer has a size and a
// sensitivity, every candidate saves energy and area and costs accuracy in proportion to them.
// Cheap and deterministic, with a real accuracy/energy trade-off whose exact front can be found by
// enumeration. Not a model of any network: it exercises the search, nothing is learnt from it.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "search/design_space.h"
#include "search/rng.h"
#include "search/strategy.h"

namespace hawx::search::synthetic {

class SyntheticProblem {
 public:
  SyntheticProblem(std::size_t layers, std::size_t candidates, std::uint64_t seed) {
    Rng rng(seed);
    for (std::size_t l = 0; l < layers; ++l) {
      names_.push_back({"layer" + std::to_string(l), 1 + static_cast<int>(rng.below(4))});
      const double size = 1.0 + 9.0 * rng.real();
      const double sensitivity = 0.002 + 0.02 * rng.real() * rng.real();
      std::vector<double> energy, error, area;
      for (std::size_t c = 0; c < candidates; ++c) {
        const double level = static_cast<double>(c);
        energy.push_back(size * (1.0 - 0.22 * level * (0.7 + 0.6 * rng.real())));
        error.push_back(sensitivity * level * level * (0.5 + rng.real()));
        area.push_back(1.0 - 0.2 * level);
      }
      energy_.push_back(energy);
      error_.push_back(error);
      area_.push_back(area);
    }
    for (std::size_t c = 0; c < candidates; ++c) candidates_.push_back("m" + std::to_string(c));
  }

  DesignSpace space(Level level = Level::kLayer) const {
    return DesignSpace(level, names_, candidates_);
  }

  // Layer level only: metrics of a point.
  Outcome evaluate(const Point& p) const {
    double energy = 0.0, error = 0.0, area = 0.0;
    for (std::size_t l = 0; l < p.size(); ++l) {
      energy += energy_[l][p[l]];
      error += error_[l][p[l]];
      area += area_[l][p[l]];
    }
    Outcome o;
    o.measured = Metrics(0.99 * std::exp(-error), energy, area, 1000.0);
    return o;
  }

 private:
  std::vector<SpaceLayer> names_;
  std::vector<std::string> candidates_;
  std::vector<std::vector<double>> energy_, error_, area_;
};

}  // namespace hawx::search::synthetic
