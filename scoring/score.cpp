// SPDX-License-Identifier: MIT
#include "scoring/score.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/errors.h"

namespace hawx::scoring {

OperationTable operation_table(const LayerProfile& layer, const rtl::ProductTable& table,
                               bool sign_magnitude) {
  if (table.is_signed() == sign_magnitude) {
    throw Error(std::string("a ") + (table.is_signed() ? "signed" : "unsigned") +
                " multiplier cannot score a network quantised for " +
                (sign_magnitude ? "unsigned (sign-magnitude)" : "signed (two's complement)") +
                " multipliers");
  }
  OperationTable t;
  t.sign_magnitude = sign_magnitude;
  double total = 0.0;
  for (auto c : layer.operands) total += static_cast<double>(c);
  if (total <= 0.0) return t;
  // P(a) and, for the mean, the signed weight of each magnitude: P(a >= 0) - P(a < 0).
  std::array<double, 256> p{}, signed_p{};
  for (std::size_t a = 0; a < 256; ++a) {
    p[a] = static_cast<double>(layer.operands[a]) / total;
    const double negative = sign_magnitude ? static_cast<double>(layer.negatives[a]) / total : 0.0;
    signed_p[a] = p[a] - 2.0 * negative;
  }
  // The activation's signed value: sign-magnitude a is a magnitude (x = +-a), two's complement a
  // is the pattern of x.
  auto value = [&](std::size_t a) {
    return sign_magnitude
               ? static_cast<double>(a)
               : static_cast<double>(static_cast<std::int8_t>(static_cast<std::uint8_t>(a)));
  };
  double ex = 0.0, exx = 0.0;
  for (std::size_t a = 0; a < 256; ++a) {
    ex += (sign_magnitude ? signed_p[a] : p[a]) * value(a);
    exx += p[a] * value(a) * value(a);
  }
  t.activation_mean = ex;
  t.activation_variance = std::max(0.0, exx - ex * ex);
  for (std::size_t w = 0; w < 256; ++w) {
    double mean = 0.0, second = 0.0, cross = 0.0;
    for (std::size_t a = 0; a < 256; ++a) {
      if (p[a] == 0.0) continue;
      const double e = table.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(w));
      mean += signed_p[a] * e;
      second += p[a] * e * e;
      // E[e x]: in sign-magnitude the signed error sgn(x) sgn(w) e times x = sgn(x) a is
      // sgn(w) e a whatever the sign of x (for w >= 0 here).
      cross += p[a] * e * value(a);
    }
    t.mean[w] = mean;
    t.second[w] = second;
    t.slope[w] = t.activation_variance > 0.0 ? (cross - mean * ex) / t.activation_variance : 0.0;
  }
  return t;
}

Scores::Scores(const models::QuantizedNetwork& network, const Profile& profile,
               const std::vector<rtl::ProductTable>& tables, std::vector<std::string> names)
    : names_(std::move(names)) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int> computes = network.net.compute_layers();
  if (profile.layers.size() != computes.size()) {
    throw Error("the profile has " + std::to_string(profile.layers.size()) +
                " compute layers; the network " + std::to_string(computes.size()));
  }
  if (names_.size() != tables.size()) {
    throw Error("scores: " + std::to_string(tables.size()) + " tables, " +
                std::to_string(names_.size()) + " names");
  }
  const bool sign_magnitude = network.format == models::OperandFormat::kSignMagnitude;
  for (const LayerProfile& l : profile.layers) {
    gains_.push_back(l.gain);
    bias_gains_.push_back(l.bias_gain);
    signal_gains_.push_back(l.signal_gain);
  }
  ops_.resize(tables.size());
  filters_.resize(tables.size());
  for (std::size_t m = 0; m < tables.size(); ++m) {
    for (std::size_t c = 0; c < computes.size(); ++c) {
      const LayerProfile& lp = profile.layers[c];
      const auto& layer = network.net.layers[static_cast<std::size_t>(computes[c])];
      if (lp.name != layer.name || lp.filters != layer.filters() || lp.taps != layer.taps()) {
        throw Error("the profile's layer " + std::to_string(c) + " ('" + lp.name +
                    "') is not the network's ('" + layer.name + "')");
      }
      ops_[m].push_back(operation_table(lp, tables[m], sign_magnitude));
      const OperationTable& ops = ops_[m].back();
      if (rho_.size() <= c) {
        rho_.push_back(scoring::patch_correlation(network, profile, c, ops.activation_variance));
      }
      const double rho = rho_[c];
      const double var_x = ops.activation_variance;
      const auto& weights = network.conv[static_cast<std::size_t>(computes[c])].weights;
      const std::size_t taps = static_cast<std::size_t>(layer.taps());
      std::vector<FilterScore> fs(static_cast<std::size_t>(layer.filters()));
      for (std::size_t f = 0; f < fs.size(); ++f) {
        FilterScore& s = fs[f];
        double sum_beta = 0.0, sum_beta2 = 0.0, residual = 0.0;
        for (std::size_t k = 0; k < taps; ++k) {
          const int w = weights[f * taps + k];
          const double beta = ops.beta(w);
          s.mean += ops.mu(w);
          sum_beta += beta;
          sum_beta2 += beta * beta;
          residual += std::max(0.0, ops.s2(w) - beta * beta * var_x);
        }
        const double linear = var_x * ((1.0 - rho) * sum_beta2 + rho * sum_beta * sum_beta);
        s.variance = linear + residual;
        const double signal = lp.outputs[f].variance;
        s.bias = signal > 0.0 ? s.mean * s.mean / signal : 0.0;
        s.shaped = signal > 0.0 ? linear / signal : 0.0;
        s.noise = signal > 0.0 ? residual / signal : 0.0;
        s.nsr = s.bias + s.shaped + s.noise;
      }
      filters_[m].push_back(std::move(fs));
    }
  }
  seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double Scores::layer(std::size_t m, std::size_t l) const {
  return layer(std::vector<std::uint16_t>(filters_[m][l].size(), static_cast<std::uint16_t>(m)), l);
}

double Scores::layer(const std::vector<std::uint16_t>& choice, std::size_t l) const {
  const std::size_t n = filters_.front()[l].size();
  if (choice.size() != n) {
    throw Error("an assignment of " + std::to_string(choice.size()) + " filters for layer " +
                std::to_string(l) + ", which has " + std::to_string(n));
  }
  double bias = 0.0, shaped = 0.0, noise = 0.0;
  for (std::size_t f = 0; f < n; ++f) {
    if (choice[f] >= names_.size()) {
      throw Error("multiplier " + std::to_string(choice[f]) + " assigned; " +
                  std::to_string(names_.size()) + " are scored");
    }
    bias += filters_[choice[f]][l][f].bias;
    shaped += filters_[choice[f]][l][f].shaped;
    noise += filters_[choice[f]][l][f].noise;
  }
  return (bias_gains_[l] * bias + signal_gains_[l] * shaped + gains_[l] * noise) /
         static_cast<double>(n);
}

double Scores::model(const models::Assignment& a) const {
  if (a.filters.size() != layers()) {
    throw Error("an assignment of " + std::to_string(a.filters.size()) +
                " layers; the network has " + std::to_string(layers()));
  }
  double sum = 0.0;
  for (std::size_t l = 0; l < layers(); ++l) sum += layer(a.filters[l], l);
  return sum;
}

double Scores::filters_only(std::size_t m, std::size_t l,
                            const std::vector<std::size_t>& fs) const {
  double bias = 0.0, shaped = 0.0, noise = 0.0;
  for (std::size_t f : fs) {
    bias += filters_[m][l].at(f).bias;
    shaped += filters_[m][l].at(f).shaped;
    noise += filters_[m][l].at(f).noise;
  }
  return (bias_gains_[l] * bias + signal_gains_[l] * shaped + gains_[l] * noise) /
         static_cast<double>(filters_[m][l].size());
}

double patch_correlation(const models::QuantizedNetwork& network, const Profile& profile,
                         std::size_t layer, double activation_variance) {
  if (activation_variance <= 0.0) return 0.0;
  const int index = network.net.compute_layers().at(layer);
  const auto& l = network.net.layers[static_cast<std::size_t>(index)];
  const auto& weights = network.conv[static_cast<std::size_t>(index)].weights;
  const std::size_t taps = static_cast<std::size_t>(l.taps());
  double uv = 0.0, vv = 0.0;
  for (std::size_t f = 0; f < static_cast<std::size_t>(l.filters()); ++f) {
    double sum = 0.0, sum2 = 0.0;
    for (std::size_t k = 0; k < taps; ++k) {
      const double w = weights[f * taps + k];
      sum += w;
      sum2 += w * w;
    }
    const double u = profile.layers[layer].outputs[f].variance / activation_variance - sum2;
    const double v = sum * sum - sum2;
    uv += u * v;
    vv += v * v;
  }
  return vv > 0.0 ? std::clamp(uv / vv, 0.0, 1.0) : 0.0;
}

std::vector<std::uint64_t> operation_score_histogram(const models::QuantizedNetwork& network,
                                                     const Profile& profile, const Scores& scores,
                                                     std::size_t m, std::size_t l, double lo,
                                                     double hi, std::size_t bins) {
  std::vector<std::uint64_t> h(bins, 0);
  const std::vector<int> computes = network.net.compute_layers();
  const auto& layer = network.net.layers[static_cast<std::size_t>(computes[l])];
  const auto& weights = network.conv[static_cast<std::size_t>(computes[l])].weights;
  const std::size_t taps = static_cast<std::size_t>(layer.taps());
  const OperationTable& ops = scores.operations(m, l);
  for (std::size_t f = 0; f < static_cast<std::size_t>(layer.filters()); ++f) {
    const double signal = profile.layers[l].outputs[f].variance;
    for (std::size_t k = 0; k < taps; ++k) {
      const int w = weights[f * taps + k];
      const double mu = ops.mu(w);
      const double score = signal > 0.0 ? (mu * mu + ops.s2(w)) / signal : 0.0;
      std::size_t bin = 0;
      if (score > 0.0) {
        const double x = (std::log10(score) - lo) / (hi - lo) * static_cast<double>(bins);
        bin = x <= 0.0 ? 0 : std::min(bins - 1, static_cast<std::size_t>(x));
      }
      ++h[bin];
    }
  }
  return h;
}

}  // namespace hawx::scoring
