// SPDX-License-Identifier: MIT
// The accelerator half of an evaluation: what a multiplier assignment costs (energy, area,
// cycles) on the study's systolic array or SIMT core, measured by the SystemC simulation of one
// test image or predicted from a profile (docs/systolic.md, docs/simt.md, docs/scoring.md).
// `simulate CONFIG` prints the same simulation; `run` calls Accelerator for every design point.
//
// Which hardware an assignment runs on: any per-filter assignment must run, so
//   - systolic: multi-unit PEs (every PE carries one unit of each type, the filter's selected)
//     carrying exactly the multiplier types the assignment uses, exact only if it is used,
//     whatever the config's multiplier_map says (a column map cannot hold every assignment); the
//     rest of the array (shape, dataflow, memory, clock, data path) is the config's. The area so
//     depends on the set of types used.
//   - SIMT: every PE carries the unit types of `simt.units` when the config lists them (an
//     assignment using a type not listed is a ConfigError), otherwise exactly the types the
//     assignment uses.
// Each multiplier is characterised once, when the Accelerator is made (rtl::characterize caches
// on disk).
//
// Promises: measure() equals what `simulate` prints for the same hardware and assignment; every
// layer's sums are checked against the engine's (Error if they differ). measure() and predict()
// may be called any number of times, one at a time (SystemC runs one simulation per process).
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/model_setup.h"
#include "app/study.h"
#include "models/engine/engine.h"
#include "scoring/profile.h"
#include "sim/simt/core.h"
#include "sim/systolic/conv.h"

namespace hawx::scoring {
class SystolicEnergyPredictor;
class SimtEnergyPredictor;
}  // namespace hawx::scoring

namespace hawx::app {

struct AcceleratorCost {
  double energy_fj = std::numeric_limits<double>::quiet_NaN();  // one inference, every component
  double area_um2 = std::numeric_limits<double>::quiet_NaN();   // with the types it needs
  std::int64_t cycles = -1;                                     // one inference, stalls included
  std::vector<double> layer_energy_fj;                          // per compute layer
  std::vector<std::int64_t> layer_cycles;                       // per compute layer
  // The multiplier types the hardware carried (study names, candidate order).
  std::vector<std::string> types;
  double multiplier_energy_fj = std::numeric_limits<double>::quiet_NaN();  // switching only
  double seconds = 0.0;  // time the measurement or prediction took
};

class Accelerator {
 public:
  // `which`: "systolic" or "simt"; empty: the one section the study has (ConfigError naming both
  // when it has both, or naming the missing section). The study, candidates, model and profile
  // outlive it. `profile` may be null: predict() then throws a ConfigError.
  Accelerator(const Study& study, const Candidates& candidates, const LoadedModel& model,
              const scoring::Profile* profile, const std::string& which = "");
  ~Accelerator();
  Accelerator(const Accelerator&) = delete;
  Accelerator& operator=(const Accelerator&) = delete;

  const std::string& kind() const { return kind_; }  // "systolic" | "simt"
  // One line, e.g. "systolic 16x16 ws, multi-unit PEs, ideal memory".
  std::string describe() const;

  // The SystemC simulation (the config's data path) of the study's test image (systolic.image /
  // simt.image) under a per-filter assignment (candidate indices, 0 = exact); ConfigError for an
  // index that is not a candidate or a type the SIMT core does not carry.
  AcceleratorCost measure(const models::Assignment& assignment) const;
  // The same figures without the cycle simulation (scoring::SystolicEnergyPredictor and
  // predict_area; scoring::SimtEnergyPredictor). ConfigError without a profile, or for an array
  // the systolic predictor does not model (os, is, memory that is not ideal). Not thread-safe.
  AcceleratorCost predict(const models::Assignment& assignment) const;

 private:
  // The hardware of one set of multiplier types: the types (candidate indices), the index of
  // each candidate among them (or -1), and the predictor for it once asked.
  struct Hardware;
  const Hardware& hardware(const models::Assignment& assignment) const;

  // Parameters.
  const Study& study_;
  const Candidates& candidates_;
  const LoadedModel& model_;
  const scoring::Profile* profile_;
  std::string kind_;
  rtl::TechSpec tech_;
  std::size_t image_ = 0;
  // Characterised once, per candidate: its systolic multiplier or its SIMT unit.
  std::vector<systolic::PeMultiplier> pe_types_;
  std::vector<simt::SimtUnit> simt_types_;
  std::vector<std::uint16_t> simt_fixed_;  // simt.units as candidate indices (empty: per use)
  // State: the hardware of each set of types asked for, and the predictors (one for every set:
  // what the PEs carry only changes their clocked registers, leakage and area).
  mutable std::map<std::vector<std::uint16_t>, std::unique_ptr<Hardware>> hardware_;
  mutable std::unique_ptr<scoring::SimtEnergyPredictor> simt_predictor_;
  mutable std::unique_ptr<scoring::SystolicEnergyPredictor> systolic_predictor_;
};

// The study's model layer by layer on a systolic array for test image `image`: each compute
// layer's input traced by the engine under `assignment`, run on the array with filter f on
// multipliers[multiplier_of[assignment value]] (empty multiplier_of: the assignment's values
// index `multipliers` directly), its sums checked against the engine's (Error otherwise). A
// layer the array cannot hold is a ConfigError naming it. With spec.vcd set, one VCD per layer
// beside it (<stem>_<layer>.vcd).
std::vector<systolic::ConvRun> simulate_systolic(
    const LoadedModel& model, std::size_t image, const models::Assignment& assignment,
    const systolic::ArraySpec& spec, const std::vector<systolic::PeMultiplier>& multipliers,
    const std::vector<int>& multiplier_of = {});

// The same on the SIMT core: filter f selects units[unit_of[assignment value]].
std::vector<simt::LayerRun> simulate_simt(const LoadedModel& model, std::size_t image,
                                          const models::Assignment& assignment,
                                          const simt::CoreSpec& core,
                                          const std::vector<simt::SimtUnit>& units,
                                          const std::vector<int>& unit_of);

// The SIMT unit types of candidates (their characterisations), names and the engine's tables.
std::vector<simt::SimtUnit> simt_units(const Study& study, const Candidates& c,
                                       const rtl::CharacterizeOptions& options,
                                       const std::vector<std::uint16_t>& candidate_indices);

// "systolic" or "simt": `which` if given, else the one accelerator section the study has.
// ConfigError naming both sections when it has both (`choose` says how to pick one), or naming
// the missing section.
std::string accelerator_kind(const Study& study, const std::string& which,
                             const std::string& choose = "choose one: systolic or simt");

// ConfigError "<key> N is beyond the M test images" unless `image` is a test image.
void check_test_image(const LoadedModel& model, std::int64_t image, const std::string& key);

}  // namespace hawx::app
