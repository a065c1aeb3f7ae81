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
//   model:                       hawx(model) = sum over layers of hawx(l)
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
#include <string>
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
  // hawx(model) of an assignment (layer- or filter-level).
  double model(const models::Assignment& assignment) const;
  // hawx(model) with multiplier m on exactly the listed filters of one layer (the rest exact).
  double filters_only(std::size_t m, std::size_t layer, const std::vector<std::size_t>& fs) const;

  double seconds() const { return seconds_; }  // time scoring took

 private:
  std::vector<std::string> names_;
  std::vector<double> gains_;                                   // per layer
  std::vector<double> bias_gains_;                              // per layer
  std::vector<double> signal_gains_;                            // per layer
  std::vector<double> rho_;                                     // patch correlation per layer
  std::vector<std::vector<OperationTable>> ops_;                // [m][layer]
  std::vector<std::vector<std::vector<FilterScore>>> filters_;  // [m][layer][filter]
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
