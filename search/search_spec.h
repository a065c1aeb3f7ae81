// SPDX-License-Identifier: MIT
// The `search:` section of a study: the design space's level, the strategies to run at an equal
// budget, the objectives and the hypervolume reference point. Every key is declared here, where
// it is read.
//
//   search:
//     level: layer                      # layer | filter
//     strategies: [exhaustive, nsga2, random]
//     budget: 243                       # evaluations per strategy
//     seed: 1
//     objectives: [accuracy, energy]    # accuracy maximised; energy, area, cycles minimised
//     reference: {accuracy: 0.0}        # missing objectives: the exact design's value x (1 +
//     margin) reference_margin: 0.1 nsga2: {population: 20, crossover: uniform,
//     crossover_probability: 0.9,
//             mutation_probability: 0}  # 0: 1 / genes
//     hawx: {stop_gain: 0.001}          # stop when no point promises 0.1 % more hypervolume
//     accelerator: systolic             # systolic | simt (default: the one the study describes)
//     costs: simulate                   # simulate (SystemC) | predict (scoring's predictors)
//     verify: true                      # simulate the fronts' predicted members at the end
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "search/design_space.h"
#include "search/objectives.h"
#include "search/strategy.h"

namespace hawx::search {

struct SearchSpec {
  Level level = Level::kLayer;
  std::vector<std::string> strategies = {"nsga2", "random"};
  StrategyOptions options;  // budget, seed, objectives, NSGA-II parameters
  // Reference point per objective in natural units; NaN: derived from the exact design.
  Metrics reference;
  double reference_margin = 0.1;
  // Read here, used by `hawx-cosim run` (search/ does not interpret them):
  std::string accelerator;  // "systolic" | "simt"; empty: the one section the study has
  bool simulate = true;     // costs by the SystemC simulation (else by the predictors)
  bool verify = true;       // front members the search only predicted are simulated at the end

  // ConfigError (file, line, key) for an unknown level, strategy or objective, a repeated
  // objective, more than kMaxObjectives of them, or out-of-range numbers.
  static SearchSpec read(const config::Section& section);
  // The reference point: the given values, and for each objective left out the exact design's
  // value (accuracy: 0; the others: exact x (1 + reference_margin)).
  Metrics reference_for(const Metrics& exact) const;
};

}  // namespace hawx::search
