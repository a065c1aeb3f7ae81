// SPDX-License-Identifier: MIT
// Characterisation: everything hawx-cosim needs to know about one candidate multiplier.
//   function  the product table, by simulating the verilated RTL over all 65,536 pairs
//   accuracy  the exhaustive error metrics (rtl/metrics.h)
//   hardware  transistors, area, switching energy per operation and its macro-model, estimated
//             from the RTL (Yosys + gate-level toggles, rtl/synthesis.h, rtl/switching.h) or
//             declared by the user from their own synthesis (area_um2 + energy_fj_per_op)
// The hardware estimate is cached on disk under a hash of the design and the tech file, so a
// second characterisation of the same design costs a sweep of the cached model only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config.h"
#include "rtl/metrics.h"
#include "rtl/multiplier.h"
#include "rtl/tech.h"

namespace hawx::rtl {

// One candidate as a study config names it: a library design or user RTL, optionally with the
// user's own hardware figures.
struct MultiplierSpec {
  std::string builtin;  // library name, or empty for user RTL
  MultiplierDesign design;
  std::optional<double> area_um2;  // declared figures: both or neither
  std::optional<double> energy_fj_per_op;

  static MultiplierSpec read(const config::Section& item);
  static MultiplierSpec library(const std::string& name);
};

struct HardwareFigures {
  bool declared = false;          // from the user's synthesis rather than estimated here
  std::int64_t transistors = -1;  // -1 when declared
  double area_um2 = 0.0;
  double energy_fj_per_op = 0.0;      // uniformly random operand pairs
  double toggles_per_op = -1.0;       // net toggles per operation; -1 when declared
  double dnn_energy_fj_per_op = 0.0;  // DNN-like operands (ReLU activations, held weights)
  // The switching-energy macro-model (estimated designs): its fitted coefficients and R^2.
  std::vector<double> energy_model;
  double energy_model_r2_fit = 0.0;
  double energy_model_r2_heldout = 0.0;  // on DNN-like operands not used for fitting
};

struct Characterization {
  MultiplierDesign design;
  std::string source;  // "library" or "rtl"
  ProductTable table;
  ErrorMetrics metrics;
  HardwareFigures hardware;
};

struct CharacterizeOptions {
  TechSpec tech;
  std::string tech_text;  // the tech file's content: part of the hardware cache key
  bool hardware = true;   // false: function and accuracy only
};

Characterization characterize(const MultiplierSpec& spec, const CharacterizeOptions& options);

// One object with the documented keys (README "Characterisation").
nlohmann::ordered_json to_json(const Characterization& c);

}  // namespace hawx::rtl
