// SPDX-License-Identifier: MIT
// Switching energy of a multiplier from its gate netlist (rtl/synthesis.h), and the cheap
// macro-model of it that the simulators evaluate per operation.
//
// - GateLevelSimulator: the simulation netlist verilated (rtl/verilator_build.h) and driven with
//   operand pairs; every net is observed on the netlist's t* outputs, so each operation's toggles
//   are the bits of (previous t* XOR current t*), counted with popcount and weighted per net by
//   TechSpec::net_toggle_fj(fan-out). Zero-delay simulation: functional toggles only; glitches
//   (spurious transitions from unequal path delays, large in deep adder arrays) are not counted,
//   so the figures are lower bounds that flatter deep designs somewhat.
// - SwitchingEnergyModel: the energy of one operation, (prev a, prev b) -> (a, b), as a linear
//   function of the transition's features (below), fitted by least squares (Eigen) on a random
//   stream measured at gate level, and judged by R^2 on a held-out stream of DNN-like operands.
// - estimate_hardware(): everything above for one design: area, toggles and energy per operation
//   for uniformly random operands, the fitted model, and how fast toggles were counted.
//
// Promises: deterministic (fixed seeds; the same design gives the same figures), a constant
// operand stream toggles nothing after its first operation, and the gate-level products equal
// those of the design's RTL.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rtl/multiplier.h"
#include "rtl/synthesis.h"
#include "rtl/tech.h"

namespace hawx::rtl {

class LoadedLibrary;

struct OperandPair {
  std::uint8_t a = 0;  // activation (by convention of the streams below)
  std::uint8_t b = 0;  // weight
};

struct Transition {
  OperandPair from;
  OperandPair to;
};

// Independent, uniformly distributed operand patterns.
std::vector<OperandPair> uniform_operands(std::size_t count, std::uint64_t seed);

// Operands as a PE of a DNN accelerator sees them: ReLU activations (about half zeros, the rest
// small: |N(0, 24)| clipped to the operand range), against a weight (N(0, 32), clipped; two's
// complement when signed) held for runs of 1..64 operations, as a stationary weight is.
std::vector<OperandPair> dnn_like_operands(std::size_t count, std::uint64_t seed, bool is_signed);

// The training stream of the macro-model: stretches of 16..256 operations of one of seven kinds,
// so that every level of activity is represented: uniform operands; each operand bit flipping
// with a probability drawn per stretch from [0, 0.5], for both operands or with a or b held; and
// sparse, narrow operands (zero with a probability drawn from [0, 1], else uniform below 2^k,
// k = 1..8 drawn per operand; sign-extended from k bits when signed, so that small negative
// values appear), for both operands or with a or b held (every dataflow holds one operand).
// Not a model of any workload: the held-out stream is that.
std::vector<OperandPair> mixed_activity_operands(std::size_t count, std::uint64_t seed,
                                                 bool is_signed = false);

// The transitions of a stream that starts from `initial`.
std::vector<Transition> transitions_of(const std::vector<OperandPair>& stream,
                                       OperandPair initial = {});

class GateLevelSimulator {
 public:
  struct Run {
    std::vector<double> energy_fj;           // per operation
    std::vector<std::uint32_t> toggles;      // per operation, over all nets
    std::vector<std::uint16_t> products;     // raw product bits per operation
    std::vector<std::uint64_t> net_toggles;  // per net (SynthesisResult::nets order), summed
    double seconds = 0.0;                    // time spent driving the netlist

    double mean_energy_fj() const;
    double mean_toggles() const;
  };

  // Verilates the simulation netlist (cached) and settles it at a = b = 0.
  GateLevelSimulator(const SynthesisResult& netlist, const TechSpec& tech);

  // Drives the pairs in order; each operation's toggles are against the state before it.
  Run run(const std::vector<OperandPair>& pairs);
  // Settles the netlist at `pair` without counting (the state the next run starts from).
  void settle(OperandPair pair);

  // The energy of one toggle of each net (fan-out weighted), in the order of the netlist's nets.
  const std::vector<double>& net_energy_fj() const { return net_energy_fj_; }

 private:
  using Close = void(void*);
  using Settle = void(void*, std::uint8_t, std::uint8_t);
  using Drive = void(void*, const std::uint8_t*, const std::uint8_t*, std::uint64_t, const double*,
                     double*, std::uint32_t*, std::uint16_t*, std::uint64_t*);

  // Parameters.
  std::vector<double> net_energy_fj_;
  // State (the library outlives the session that its code runs).
  std::shared_ptr<LoadedLibrary> library_;
  Settle* settle_ = nullptr;
  Drive* drive_ = nullptr;
  std::unique_ptr<void, Close*> session_;
};

// Energy of one operation as a linear function of features of its transition, with no constant
// term (an operation that changes no operand bit toggles nothing, so costs nothing). Every
// feature is 0 or a count of things that change; E = sum_f c_f x_f over:
// - ta_i, tb_j (16): the operand bits that toggle (their nets and the gates they feed switch);
// - tpp_ij (64) = (a_i b_j) XOR (a'_i b'_j): the partial products that change. Array-like
//   multipliers switch from these AND terms on, so they carry what operand toggles alone cannot:
//   a toggling bit of a costs little against a zero b (ReLU zeros, small weights), a lot against
//   a dense one;
// - n_k^2, k = 2..13 (12): n_k = number of changing partial products of weight 2^k; the adder
//   tree of a column switches more than linearly with the number of its inputs that change;
// - tp_k, k = 1..15 (15): bit k of the exact product a*b toggles (carries across columns);
// - to_k, k = 0..15 (16): bit k of the design's own product toggles (its output nets and the
//   logic that forms them, whatever the architecture; looked up in its product table);
// - la_k, lb_k, k = 0..7 (16): toggles of the one-hot position of the leading one of |a| and |b|
//   (0: the operand is zero; k: bit k-1): leading-one detectors and shifters of logarithmic and
//   dynamic-range designs (Mitchell, DRUM, SSM, RoBA) switch when it moves;
// - ma_k, mb_k, k = 0..6 (14): toggles of |a| and |b| normalised to their leading one (the
//   mantissas those designs multiply or add).
// (Columns 0, 1 and 14, exact product bit 0 and leading-one position 8 are linear combinations of
// the others for unsigned operands; left out.)
// |x| is the magnitude of a two's complement operand for signed designs, the pattern otherwise.
// Measured on the library (training on mixed_activity_operands, R^2 on dnn_like_operands): the
// 16 operand toggles alone reach a held-out R^2 of about 0.1; with partial products about 0.85 on
// array designs; with all features 0.93-0.97 on array designs (exact, truncated, broken-array,
// Kulkarni), 0.85-0.96 on the logarithmic and dynamic-range ones, 0.71 on ETM; the model's mean
// energy over the held-out stream is within 13% of the gate-level mean for every library design.
// energy_fj() visits the non-zero features only: a few hundred operations.
class SwitchingEnergyModel {
 public:
  static constexpr std::size_t kFeatures = 16 + 64 + 12 + 15 + 16 + 16 + 14;
  using Features = std::array<double, kFeatures>;

  struct Samples {
    std::vector<Transition> transitions;
    std::vector<double> energy_fj;  // measured, one per transition
  };

  // A model with all coefficients zero (predicts 0).
  SwitchingEnergyModel() = default;

  // Least squares on `training`; R^2 reported on both sets. `products` is the design's product
  // table (its own output toggles are features). InputError for empty or mismatched samples.
  static SwitchingEnergyModel fit(const Samples& training, const Samples& held_out,
                                  const ProductTable& products);
  // A model from stored coefficients (kFeatures of them, in features() order) and the design's
  // product table.
  static SwitchingEnergyModel from_coefficients(const std::vector<double>& coefficients,
                                                const ProductTable& products);

  // The feature vector, in the order listed above (tpp_ij at 16 + 8 i + j).
  Features features(const Transition& t) const;

  double energy_fj(std::uint8_t prev_a, std::uint8_t prev_b, std::uint8_t a, std::uint8_t b) const;
  double energy_fj(const Transition& t) const {
    return energy_fj(t.from.a, t.from.b, t.to.a, t.to.b);
  }

  double r2() const { return r2_held_out_; }  // on the held-out samples of fit()
  double r2_train() const { return r2_train_; }
  // R^2 = 1 - SS_res / SS_tot of this model on any samples.
  double r2_on(const Samples& samples) const;
  const std::vector<double>& coefficients() const { return coefficients_; }

 private:
  SwitchingEnergyModel(std::vector<double> coefficients, const ProductTable& products);
  // Calls add(feature index, value) for every non-zero feature of `t`.
  template <class Add>
  void visit(const Transition& t, Add&& add) const;

  // Parameters.
  std::vector<double> coefficients_ = std::vector<double>(kFeatures, 0.0);
  std::shared_ptr<const std::vector<std::uint16_t>> products_;  // raw patterns, (a << 8) | b
  bool is_signed_ = false;
  // Statistics of the fit.
  double r2_train_ = 0.0;
  double r2_held_out_ = 0.0;
};

struct EstimateOptions {
  std::size_t random_pairs = 20000;    // uniform operands: toggles and energy per operation
  std::size_t training_pairs = 20000;  // mixed-activity stream the macro-model is fitted on
  std::size_t held_out_pairs = 20000;  // DNN-like stream its R^2 is reported on
  std::uint64_t seed = 1;
};

struct HardwareEstimate {
  std::string design;
  std::string tech;
  // Area.
  std::int64_t transistors = 0;
  std::int64_t cells = 0;
  int logic_depth = 0;
  double area_um2 = 0.0;
  // Switching, uniformly random operands.
  double toggles_per_op = 0.0;
  double energy_fj_per_op = 0.0;
  // Switching, DNN-like operands (the held-out stream), measured at gate level.
  double dnn_energy_fj_per_op = 0.0;
  // The macro-model, and the product table it looks the design's outputs up in (from the
  // gate-level netlist; equal to the RTL's).
  SwitchingEnergyModel model;
  ProductTable products;
  double model_r2_train = 0.0;
  double model_r2_held_out = 0.0;
  // (model mean - gate-level mean) / gate-level mean over the held-out stream: the bias of the
  // energy a simulator totals with the model.
  double model_mean_error_held_out = 0.0;
  // Speed of gate-level toggle counting (operand pairs per second, uniform stream).
  double toggle_pairs_per_second = 0.0;
};

// Changes whenever the same design and tech file would give different estimates (the flow, the
// streams, the features): for callers that cache HardwareEstimate figures.
inline constexpr const char* kHardwareEstimateVersion = "hardware-estimate-v1";

// Synthesises (cached), verilates (cached), measures and fits.
HardwareEstimate estimate_hardware(const MultiplierDesign& design, const TechSpec& tech,
                                   const EstimateOptions& options = {});

}  // namespace hawx::rtl
