// SPDX-License-Identifier: MIT
// Energy and area predictors (docs/scoring.md): what an assignment costs on the configured
// accelerator, without running its cycle simulation.
//
// Systolic array (sim/systolic/array.h), weight-stationary, ideal memory. The schedule is the
// simulator's, computed rather than simulated: the GEMM of each layer (and group), the column map
// of the assignment (map_filters_to_columns), the folds in SCALE-Sim's order and, per fold, which
// filter tap each PE holds. Counts that do not depend on data are exact: MACs, SRAM reads and
// writes, register bits, cycles, and so the accumulator, SRAM, register-clock and leakage
// energies. What depends on data comes from the profile (profile.h):
// - multiplier switching energy: per PE and fold, the latch of its weight w from the weight it
//   held (exact weights; the activation it holds drawn from the layer's operand distribution),
//   the first activation of the fold (independent of the last one), then T - 1 activations that
//   follow one another as the profiled transitions at the layer's taps do, all with w held:
//   each multiplier's SwitchingEnergyModel averaged over those operand pairs;
// - operand register toggles the same way (popcounts instead of energy);
// - partial-sum register toggles from a Gaussian model of the partial sums (mean and variance from
//   the taps' weights, the activations' moments and each filter's profiled output variance;
//   lag-one correlation of consecutive sums that of the activation stream).
// The predicted counts fill a systolic::ArrayRun, and systolic::energy_of() prices it: the same
// constants and formulas as the simulator's energy.
// The SIMT core has its own predictor: scoring/simt_energy_predictor.h.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/engine/engine.h"
#include "rtl/tech.h"
#include "scoring/profile.h"
#include "sim/systolic/array.h"

namespace hawx::scoring {

struct PredictedLayer {
  std::string name;
  std::vector<systolic::ArrayRun> groups;  // predicted counts, one GEMM per group
  systolic::EnergyBreakdown energy;        // over the groups
  std::int64_t cycles = 0;
};

struct EnergyPrediction {
  std::vector<PredictedLayer> layers;  // per compute layer
  systolic::EnergyBreakdown total;
  std::int64_t cycles = 0;
  double seconds = 0.0;
};

class SystolicEnergyPredictor {
 public:
  // `multipliers` in the engine's order (index = Assignment value); the profile must carry the
  // operand transitions. ConfigError for an array the predictor does not model (os, is, memory
  // that is not ideal), with the reason.
  SystolicEnergyPredictor(const models::QuantizedNetwork& network, const Profile& profile,
                          systolic::ArraySpec spec, std::vector<systolic::PeMultiplier> multipliers,
                          rtl::TechSpec tech);
  ~SystolicEnergyPredictor();

  // `carried` (multi-unit PEs): the multiplier types every PE carries, which must include every
  // type the assignment uses (ConfigError otherwise); their units are clocked and leak, as a
  // predictor made with only those multipliers would count them, while the expectations are
  // shared. Empty: all of them. Not thread-safe: the per-layer expectations are computed on
  // first use and kept.
  EnergyPrediction predict(const models::Assignment& assignment,
                           const std::vector<std::uint16_t>& carried = {}) const;

 private:
  struct LayerModel;
  const LayerModel& model(std::size_t layer, std::size_t multiplier) const;

  const models::QuantizedNetwork& network_;
  const Profile& profile_;
  systolic::ArraySpec spec_;
  std::vector<systolic::PeMultiplier> multipliers_;
  rtl::TechSpec tech_;
  mutable std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<LayerModel>> models_;
};

// Area of the array for an assignment: multi-unit PEs carry only the multiplier types the
// assignment uses (at least the first); an array with a column map has the area of its map.
systolic::AreaBreakdown predict_area(const systolic::ArraySpec& spec,
                                     const std::vector<systolic::PeMultiplier>& multipliers,
                                     const rtl::TechSpec& tech,
                                     const models::Assignment& assignment);

}  // namespace hawx::scoring
