// SPDX-License-Identifier: MIT
// The hawx scores (DESIGN.md, "The hawx score"; docs/scoring.md gives the derivations and the
// changes this implementation makes): for every candidate multiplier m, from its product table
// and the profile, never by running the network per candidate:
//
//   operation o (weight w of filter f in layer l), over the layer's operand distribution P_l(a):
//     mu_o = sum_a P_l(a) e_m(a, w),  s2_o = sum_a P_l(a) e_m(a, w)^2 - mu_o^2
//     (sign-magnitude: e is applied with the operands' signs, sgn(a) sgn(w) e_m(|a|, |w|), the
//     sign of a from the profiled share of negative activations of each magnitude)
//   filter f with K operations:  hawx(f) = b(f) + v(f), the noise-to-signal ratio of its
//     accumulated output, split into its offset and its noise:
//       b(f) = (sum_o mu_o)^2 / Var(y_f),  v(f) = s(f) + n(f)
//     DESIGN.md takes the operations' errors as independent, v(f) = sum_o s2_o / Var(y_f); they
//     are not: the activations of one patch are correlated (a stroke of ink covers neighbouring
//     pixels), and so are the errors they cause. Each error is split into a part linear in the
//     activation and a residual, e = mu_o + beta_o (x - E[x]) + r_o; the linear parts form an
//     error filter with weights beta_o on the same patch, summed with the layer's patch
//     correlation rho (patch_correlation()), the residuals independently:
//       s(f) = Var(x) ((1 - rho) sum beta_o^2 + rho (sum beta_o)^2) / Var(y_f)
//       n(f) = sum_o (s2_o - beta_o^2 Var(x)) / Var(y_f)
//   layer l under an assignment:
//       hawx(l) = (g_l^bias sum b(f) + g_l^signal sum s(f) + g_l sum n(f)) / F_l
//     over its approximated filters (F_l: all its filters; every filter approximated: the gains
//     times the means of b, s and n)
//   model (DESIGN.md, additive_model()): the sum over layers of hawx(l)
//
// Compounding (model()): a multiplier that truncates shrinks the products, so the layer passes a
// smaller signal on; the next layer's operands are smaller, so its own truncation errors are
// larger relative to them, and every bias downstream, which does not shrink, is larger relative
// to the signal. With LeNet-5's harsh candidates this makes a layer cost <= 1.55 pp alone and 88
// pp in every layer, which no sum of per-layer scores captures. model() walks the network in
// order with the scale sigma of every value (the input image: 1):
//   - a compute layer with input scale sigma: each approximate filter's error from the operation
//     table on the layer's operand distribution scaled by sigma; its gain kappa_f = 1 +
//     sum beta_o w_o / sum w_o^2 (the error filter's regression on the filter); the layer's kappa
//     the kappa_f weighted by Var(y_f); the accumulated signal leaves scaled by sigma kappa;
//   - measured at that scale, the filter's error is: an offset (its mean less the part along the
//     signal, plus b_f (1 / (sigma kappa) - 1) from the bias), a signal-shaped part ((kappa_f /
//     kappa - 1)^2 and the activation-linear error not along the signal) and the residual, each
//     relative to Var(y_f) and propagated with its gain (g^bias, g^signal, g) as in hawx(l);
//   - the next value's scale: after a ReLU, the ratio of the rectified means, the pre-activation
//     taken as Gaussian with the approximate mean and variance; else sigma kappa. A residual add
//     takes the mean of its inputs' scales, other layers pass the scale on.
// hawx(model) is the sum of the layers' terms. With no approximate layer upstream and kappa = 1 a
// layer's term is hawx(l) without the part of the error that only rescales the signal. The scaled
// operation tables are computed on demand and cached (log sigma on a grid of 0.005).
//
// DESIGN.md multiplies the mean hawx(f) by one gain measured with noise; but the three parts of
// the error have different shapes, and later layers treat shapes differently: white noise is
// averaged away by pooling and wide sums, an offset or an error that follows the image's content
// is not. Each part propagates with the gain measured for its shape (profile.h). hawx(l) and
// hawx(model) predict the NSR at the (centred) logits. A filter whose output never varied over the
// profile (Var(y_f) = 0) scores 0: no noise was injected there when the gains were measured, so its
// score would not be on their scale.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/stats.h"
#include "models/engine/engine.h"
#include "rtl/multiplier.h"
#include "scoring/profile.h"

namespace hawx::scoring {

// One multiplier on one layer's operand distribution: the error statistics of one use of a
// weight, for every weight value.
struct OperationTable {
  // Sign-magnitude: indexed by |w| (for w < 0 the mean changes sign); two's complement: by the
  // weight's 8-bit pattern.
  std::array<double, 256> mean{};    // mu
  std::array<double, 256> second{};  // E[e^2] = s2 + mu^2
  // The least-squares slope of the error on the activation's (signed) value: e = mu + slope
  // (x - E[x]) + a residual uncorrelated with x. For w < 0 in sign-magnitude it changes sign.
  std::array<double, 256> slope{};
  double activation_mean = 0.0;      // E[x], signed integer units
  double activation_variance = 0.0;  // Var(x)
  bool sign_magnitude = true;

  double beta(int w) const {
    return sign_magnitude
               ? (w < 0 ? -slope[static_cast<std::size_t>(-w)] : slope[static_cast<std::size_t>(w)])
               : slope[static_cast<std::uint8_t>(w)];
  }

  double mu(int w) const {
    return sign_magnitude
               ? (w < 0 ? -mean[static_cast<std::size_t>(-w)] : mean[static_cast<std::size_t>(w)])
               : mean[static_cast<std::uint8_t>(w)];
  }
  double s2(int w) const {
    const std::size_t i = sign_magnitude ? static_cast<std::size_t>(w < 0 ? -w : w)
                                         : static_cast<std::size_t>(static_cast<std::uint8_t>(w));
    return second[i] - mean[i] * mean[i];
  }
};

// The operation table of multiplier `table` on a layer's profile.
OperationTable operation_table(const LayerProfile& layer, const rtl::ProductTable& table,
                               bool sign_magnitude);

// A layer's patch correlation: rho such that Var(y_f) = Var(x) ((1 - rho) sum w^2 + rho (sum w)^2)
// fits the profiled output variances of its filters best (least squares over the filters,
// clamped to [0, 1]): how coherently the activations of one patch move together.
double patch_correlation(const models::QuantizedNetwork& network, const Profile& profile,
                         std::size_t layer, double activation_variance);

struct FilterScore {
  double mean = 0.0;      // sum_o mu_o, accumulator units
  double variance = 0.0;  // of the accumulated error (see above)
  double bias = 0.0;      // b(f) = mean^2 / Var(y_f)
  double shaped = 0.0;    // s(f): the part linear in the activations
  double noise = 0.0;     // n(f): the residual
  double nsr = 0.0;       // hawx(f) = b(f) + s(f) + n(f) = (mean^2 + variance) / Var(y_f)
};

class Scores {
 public:
  // Scores every multiplier of `tables` (the engine's list: names[i] for tables[i]) on every
  // filter of the network. Error when the profile does not belong to the network or a table's
  // signedness does not match the operand format.
  Scores(const models::QuantizedNetwork& network, const Profile& profile,
         const std::vector<rtl::ProductTable>& tables, std::vector<std::string> names);

  std::size_t multipliers() const { return names_.size(); }
  std::size_t layers() const { return gains_.size(); }
  const std::string& name(std::size_t m) const { return names_[m]; }
  double gain(std::size_t layer) const { return gains_[layer]; }
  double bias_gain(std::size_t layer) const { return bias_gains_[layer]; }
  double signal_gain(std::size_t layer) const { return signal_gains_[layer]; }
  double patch_correlation(std::size_t layer) const { return rho_[layer]; }

  // hawx(o) parts for weight `tap` of filter f: mu_o and s2_o, and the operation table.
  const OperationTable& operations(std::size_t m, std::size_t layer) const {
    return ops_[m][layer];
  }
  const FilterScore& filter(std::size_t m, std::size_t layer, std::size_t f) const {
    return filters_[m][layer][f];
  }
  std::size_t filters(std::size_t layer) const { return filters_.front()[layer].size(); }
  // hawx(l) with every filter of the layer on multiplier m.
  double layer(std::size_t m, std::size_t layer) const;
  // hawx(l) of a layer under an assignment (its filters' multipliers).
  double layer(const std::vector<std::uint16_t>& filters, std::size_t layer) const;
  // hawx(model) of an assignment (layer- or filter-level): the NSR the assignment is predicted to
  // cause at the logits, with the errors of the layers compounding (see "Compounding" above).
  // Equal to the sum of hawx(l) only to first order: for one approximate layer it differs from
  // hawx(l) by the shrinking of the signal the layer causes.
  double model(const models::Assignment& assignment) const;
  // DESIGN.md's additive hawx(model): the sum over layers of hawx(l), kept for comparison.
  double additive_model(const models::Assignment& assignment) const;
  // The compounding model's per compute layer figures for an assignment.
  struct LayerTerm {
    double input_scale = 1.0;   // sigma_l: the scale of the layer's input signal (exact: 1)
    double output_scale = 1.0;  // sigma_l kappa_l: the scale of its accumulated signal
    double nsr = 0.0;           // its contribution to model(): the NSR it adds at the logits
  };
  std::vector<LayerTerm> model_terms(const models::Assignment& assignment) const;
  // hawx(model) with multiplier m on exactly the listed filters of one layer (the rest exact).
  double filters_only(std::size_t m, std::size_t layer, const std::vector<std::size_t>& fs) const;

  double seconds() const { return seconds_; }  // time scoring took

 private:
  // What the compounding model needs of the network and the profile (copied: a Scores outlives
  // neither, but must not hold references to them).
  struct NetLayer {
    int kind = 0;  // 0: compute, 1: add, 2: anything else (one input, scale passed on)
    int input = 0, input2 = -1, output = 0;
    int compute = -1;   // compute layer index
    bool relu = false;  // a ReLU (or a clip at 0) follows
  };
  struct ComputeLayer {
    std::size_t taps = 0;
    std::vector<std::int16_t> weights;  // [filter][tap]
    std::vector<double> bias;           // per filter, accumulator units
    std::vector<double> signal_mean;    // E[y_f] - bias: the products' mean, accumulator units
    std::vector<double> signal_var;     // Var(y_f)
    std::array<double, 256> p{}, negative{};  // the operand distribution
  };
  // One multiplier on every filter of one layer whose input is scaled by sigma: per filter, the
  // error's mean, its regression on the products' sum (the filter's gain kappa_f - 1), the
  // variance of its activation-linear part and its residual variance (accumulator units).
  struct Scaled {
    std::vector<double> mean, gain, shaped, noise;
  };
  const Scaled& scaled(std::size_t m, std::size_t layer, int sigma_bin) const;
  struct Cache {
    std::mutex lock;
    std::map<std::tuple<std::size_t, std::size_t, int>, std::unique_ptr<Scaled>> entries;
  };

  std::vector<std::string> names_;
  std::vector<double> gains_;                                   // per layer
  std::vector<double> bias_gains_;                              // per layer
  std::vector<double> signal_gains_;                            // per layer
  std::vector<double> rho_;                                     // patch correlation per layer
  std::vector<std::vector<OperationTable>> ops_;                // [m][layer]
  std::vector<std::vector<std::vector<FilterScore>>> filters_;  // [m][layer][filter]
  std::vector<rtl::ProductTable> tables_;
  std::vector<bool> exact_;  // multiplier m makes no error
  bool sign_magnitude_ = true;
  std::vector<NetLayer> net_;
  std::size_t values_ = 0;
  std::vector<ComputeLayer> compute_;
  std::shared_ptr<Cache> cache_ = std::make_shared<Cache>();
  double seconds_ = 0.0;
};

// hawx(o) = (mu_o^2 + s2_o) / Var(y_f) for every weight of a layer: the values whose distribution
// the score command plots, as a histogram of log10 hawx(o) over [lo, hi) in `bins` bins (values
// below lo, zeros included, count in bin 0; above hi in the last).
std::vector<std::uint64_t> operation_score_histogram(const models::QuantizedNetwork& network,
                                                     const Profile& profile, const Scores& scores,
                                                     std::size_t m, std::size_t layer, double lo,
                                                     double hi, std::size_t bins);

}  // namespace hawx::scoring
