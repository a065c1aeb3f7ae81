// SPDX-License-Identifier: MIT
// Energy predictor of the SIMT core (sim/simt/core.h; docs/scoring.md): what an assignment costs
// on the core, without simulating it per assignment.
//
// What does not depend on the operand values or on the units selected: the SIMT core's timing
// and every count but the multipliers' switching. A layer's kernel depends only on its shape and
// on whether all its filters select one unit (the unit compiled into the muls) or not (each
// work-item loads its filter's unit); addresses, branches and loop counts come from the shape, and
// a `mul` takes the same latency on every unit. So per layer and kernel variant the core is run
// once, on zero operands, when first needed: cycles, instructions, ALU operations, register-file
// accesses, local-memory, cache and DRAM bytes are then exact for any assignment and image, and
// so are the ALU, register-file, local-memory, cache, DRAM and leakage energies
// (simt::energy_of prices them as the simulator does).
//
// The multipliers' switching energy comes from the profile (profile.h): that run also records
// the order in which the CUs issued the mul instructions (LayerRun::mul_issues). The predictor
// replays it lane by lane: work-item i of a wavefront passes lane i mod pes in pass i / pes, so
// for every operation it knows the lane, the filter (hence the unit selected and the exact
// weight, the b input) and the input position the activation is read from (the a input). Each
// unit of each lane holds its last operands, so an operation's energy is that unit's
// SwitchingEnergyModel from (a', b') to (a, b), b' and b exact, averaged over the activations:
//   - a padding position: a = 0 exactly (and a' = 0 before a unit's first operation);
//   - the same position as the unit's last operation (a fully connected layer's wavefront reads
//     one activation for 64 filters): a' = a, a drawn from the layer's operand distribution;
//   - another position of the same channel, d steps away: the profiled transitions (one step:
//     the next output position of a row) as a Markov chain, P(a' -> a) = T^d, d the Manhattan
//     distance on the channel's map in strides (rows and columns alike; binned to 1, 2, 3, 5, 8,
//     12, 20, 32); lanes see pixels 8 apart within a mul and neighbouring wavefronts' pixels
//     between them, so nearby positions dominate, and the ReLU zeros they share toggle nothing;
//   - another channel, or more than 48 steps: a' and a independent draws.
// The operand distribution of non-padding positions is the profiled one without the padding's
// zeros (their share is known from the shape). Expectations are kept per layer, unit and
// (kind, d, b', b); those with a held weight (b' = b, most operations) over finer point sets than
// those with a change of weight (many more combinations, each rarer), so later predictions
// replay the schedule with lookups only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/engine/engine.h"
#include "rtl/tech.h"
#include "scoring/profile.h"
#include "sim/simt/core.h"

namespace hawx::scoring {

struct SimtPredictedLayer {
  std::string name;
  // The layer's run as predicted: the kernel's exact counts, the predicted multiplier activity
  // (total.operations exact, total.energy_fj predicted).
  simt::LayerRun run;
  simt::EnergyBreakdown energy;
  std::int64_t cycles = 0;
};

struct SimtEnergyPrediction {
  std::vector<SimtPredictedLayer> layers;  // per compute layer
  simt::EnergyBreakdown total;
  std::int64_t cycles = 0;
  double seconds = 0.0;
};

class SimtEnergyPredictor {
 public:
  // `units`: every unit type an assignment may select (index = Assignment value), at least one;
  // the profile must carry the operand transitions. ConfigError for a core that cannot be built.
  SimtEnergyPredictor(const models::QuantizedNetwork& network, const Profile& profile,
                      simt::CoreSpec core, std::vector<simt::SimtUnit> units, rtl::TechSpec tech);
  ~SimtEnergyPredictor();

  // `carried`: the unit types every PE carries (indices into the units; they leak), which must
  // include every type the assignment selects; empty: all of them. ConfigError otherwise.
  // Not thread-safe: schedules and expectations are computed on first use and kept.
  SimtEnergyPrediction predict(const models::Assignment& assignment,
                               const std::vector<std::uint16_t>& carried = {}) const;

 private:
  struct Schedule;
  struct LayerOperands;
  struct UnitExpectations;
  const Schedule& schedule(std::size_t layer, bool uniform) const;
  LayerOperands& operands(std::size_t layer) const;
  UnitExpectations& expectations(std::size_t layer, std::size_t unit) const;

  const models::QuantizedNetwork& network_;
  const Profile& profile_;
  simt::CoreSpec core_;
  std::vector<simt::SimtUnit> units_;
  rtl::TechSpec tech_;
  mutable std::map<std::pair<std::size_t, bool>, std::unique_ptr<Schedule>> schedules_;
  mutable std::map<std::size_t, std::unique_ptr<LayerOperands>> operands_;
  mutable std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<UnitExpectations>>
      expectations_;
};

// Area of the SIMT core whose PEs carry the `carried` unit types (indices into `units`; empty:
// all): simt::area_of.
simt::AreaBreakdown predict_simt_area(const simt::CoreSpec& core,
                                      const std::vector<simt::SimtUnit>& units,
                                      const rtl::TechSpec& tech,
                                      const std::vector<std::uint16_t>& carried);

}  // namespace hawx::scoring
