// SPDX-License-Identifier: MIT
#include "scoring/score.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/errors.h"

namespace hawx::scoring {

namespace {

// The operation table over a distribution given as probabilities: p[a] of operand a as the
// multiplier sees it and, in sign-magnitude, the share of all operands that are -a (negative[a]).
OperationTable operation_table(const std::array<double, 256>& p,
                               const std::array<double, 256>& negative,
                               const rtl::ProductTable& table, bool sign_magnitude) {
  OperationTable t;
  t.sign_magnitude = sign_magnitude;
  // For the mean, the signed weight of each magnitude: P(a >= 0) - P(a < 0).
  std::array<double, 256> signed_p{};
  for (std::size_t a = 0; a < 256; ++a) {
    signed_p[a] = sign_magnitude ? p[a] - 2.0 * negative[a] : p[a];
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
    ex += signed_p[a] * value(a);
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

}  // namespace

OperationTable operation_table(const LayerProfile& layer, const rtl::ProductTable& table,
                               bool sign_magnitude) {
  if (table.is_signed() == sign_magnitude) {
    throw Error(std::string("a ") + (table.is_signed() ? "signed" : "unsigned") +
                " multiplier cannot score a network quantised for " +
                (sign_magnitude ? "unsigned (sign-magnitude)" : "signed (two's complement)") +
                " multipliers");
  }
  double total = 0.0;
  for (auto c : layer.operands) total += static_cast<double>(c);
  if (total <= 0.0) {
    OperationTable t;
    t.sign_magnitude = sign_magnitude;
    return t;
  }
  std::array<double, 256> p{}, negative{};
  for (std::size_t a = 0; a < 256; ++a) {
    p[a] = static_cast<double>(layer.operands[a]) / total;
    negative[a] = sign_magnitude ? static_cast<double>(layer.negatives[a]) / total : 0.0;
  }
  return operation_table(p, negative, table, sign_magnitude);
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
  tables_ = tables;
  sign_magnitude_ = sign_magnitude;
  for (const auto& t : tables) {
    bool exact = true;
    for (int a = 0; a < 256 && exact; ++a) {
      for (int b = 0; b < 256 && exact; ++b) {
        exact = t.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) == 0;
      }
    }
    exact_.push_back(exact);
  }
  values_ = network.net.values.size();
  for (const auto& l : network.net.layers) {
    NetLayer n;
    n.input = l.input;
    n.input2 = l.input2;
    n.output = l.output;
    n.kind = l.kind == models::Layer::Kind::kConv ? 0 : l.kind == models::Layer::Kind::kAdd ? 1 : 2;
    n.relu = l.activation != models::Activation::kNone;
    if (n.kind == 0) {
      n.compute = static_cast<int>(std::find(computes.begin(), computes.end(),
                                             static_cast<int>(&l - network.net.layers.data())) -
                                   computes.begin());
    }
    net_.push_back(n);
  }
  for (std::size_t c = 0; c < computes.size(); ++c) {
    const auto& qc = network.conv[static_cast<std::size_t>(computes[c])];
    const LayerProfile& lp = profile.layers[c];
    ComputeLayer cl;
    cl.taps = static_cast<std::size_t>(lp.taps);
    cl.weights = qc.weights;
    double total = 0.0;
    for (auto n : lp.operands) total += static_cast<double>(n);
    for (std::size_t a = 0; a < 256 && total > 0.0; ++a) {
      cl.p[a] = static_cast<double>(lp.operands[a]) / total;
      cl.negative[a] = sign_magnitude ? static_cast<double>(lp.negatives[a]) / total : 0.0;
    }
    for (std::size_t f = 0; f < lp.outputs.size(); ++f) {
      const double b = f < qc.bias.size() ? static_cast<double>(qc.bias[f]) : 0.0;
      cl.bias.push_back(b);
      cl.signal_mean.push_back(lp.outputs[f].mean - b);
      cl.signal_var.push_back(lp.outputs[f].variance);
    }
    compute_.push_back(std::move(cl));
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

double Scores::additive_model(const models::Assignment& a) const {
  if (a.filters.size() != layers()) {
    throw Error("an assignment of " + std::to_string(a.filters.size()) +
                " layers; the network has " + std::to_string(layers()));
  }
  double sum = 0.0;
  for (std::size_t l = 0; l < layers(); ++l) sum += layer(a.filters[l], l);
  return sum;
}

namespace {
constexpr double kScaleStep = 0.005;  // the compounding model's scales, on a grid of log(sigma)
}  // namespace

const Scores::Scaled& Scores::scaled(std::size_t m, std::size_t l, int bin) const {
  std::lock_guard<std::mutex> guard(cache_->lock);
  auto& slot = cache_->entries[{m, l, bin}];
  if (slot) return *slot;
  const double sigma = std::exp(kScaleStep * bin);
  const ComputeLayer& cl = compute_[l];
  // The operand distribution of a signal scaled by sigma: each value's probability split between
  // the two integers around sigma x value (which keeps the mean), saturating as requantisation
  // does.
  std::array<double, 256> p{}, negative{};
  const int top = sign_magnitude_ ? 255 : 127, bottom = sign_magnitude_ ? 0 : -127;
  auto pattern = [&](int v) {
    return sign_magnitude_
               ? static_cast<std::size_t>(v)
               : static_cast<std::size_t>(static_cast<std::uint8_t>(static_cast<std::int8_t>(v)));
  };
  for (std::size_t a = 0; a < 256; ++a) {
    if (cl.p[a] == 0.0) continue;
    const double v =
        sign_magnitude_
            ? static_cast<double>(a)
            : static_cast<double>(static_cast<std::int8_t>(static_cast<std::uint8_t>(a)));
    const double t = std::clamp(sigma * v, static_cast<double>(bottom), static_cast<double>(top));
    const int lo = static_cast<int>(std::floor(t));
    const double up = t - lo;
    const int hi = std::min(lo + 1, top);
    p[pattern(lo)] += cl.p[a] * (1.0 - up);
    p[pattern(hi)] += cl.p[a] * up;
    negative[pattern(lo)] += cl.negative[a] * (1.0 - up);
    negative[pattern(hi)] += cl.negative[a] * up;
  }
  const OperationTable ops = operation_table(p, negative, tables_[m], sign_magnitude_);
  const double var_x = ops.activation_variance;
  const double rho = rho_[l];
  const std::size_t filters = cl.signal_var.size();
  auto out = std::make_unique<Scaled>();
  out->mean.resize(filters);
  out->gain.resize(filters);
  out->shaped.resize(filters);
  out->noise.resize(filters);
  for (std::size_t f = 0; f < filters; ++f) {
    double mean = 0.0, sum_beta = 0.0, sum_beta2 = 0.0, sum_bw = 0.0, sum_w2 = 0.0;
    double residual = 0.0;
    for (std::size_t k = 0; k < cl.taps; ++k) {
      const int w = cl.weights[f * cl.taps + k];
      const double beta = ops.beta(w);
      mean += ops.mu(w);
      sum_beta += beta;
      sum_beta2 += beta * beta;
      sum_bw += beta * w;
      sum_w2 += static_cast<double>(w) * w;
      residual += std::max(0.0, ops.s2(w) - beta * beta * var_x);
    }
    out->mean[f] = mean;
    // The error filter's regression on the filter: the approximate products are the exact ones
    // times 1 + sum beta w / sum w^2, plus what does not follow them.
    out->gain[f] = sum_w2 > 0.0 ? sum_bw / sum_w2 : 0.0;
    out->shaped[f] = var_x * ((1.0 - rho) * sum_beta2 + rho * sum_beta * sum_beta);
    out->noise[f] = residual;
  }
  slot = std::move(out);
  return *slot;
}

std::vector<Scores::LayerTerm> Scores::model_terms(const models::Assignment& a) const {
  if (a.filters.size() != layers()) {
    throw Error("an assignment of " + std::to_string(a.filters.size()) +
                " layers; the network has " + std::to_string(layers()));
  }
  // E[max(0, y)] of a Gaussian y.
  auto relu_mean = [](double m, double var) {
    if (var <= 0.0) return std::max(0.0, m);
    const double sd = std::sqrt(var), z = m / sd;
    return m * 0.5 * std::erfc(-z / std::sqrt(2.0)) +
           sd * std::exp(-0.5 * z * z) / std::sqrt(2.0 * 3.14159265358979323846);
  };
  std::vector<LayerTerm> terms(layers());
  std::vector<double> scale(values_, 1.0);  // per network value: sigma of its signal
  for (const NetLayer& n : net_) {
    const double in = scale[static_cast<std::size_t>(n.input)];
    if (n.kind == 1) {
      scale[static_cast<std::size_t>(n.output)] =
          0.5 * (in + scale[static_cast<std::size_t>(n.input2)]);
      continue;
    }
    if (n.kind == 2) {
      scale[static_cast<std::size_t>(n.output)] = in;
      continue;
    }
    const std::size_t l = static_cast<std::size_t>(n.compute);
    const ComputeLayer& cl = compute_[l];
    const std::vector<std::uint16_t>& choice = a.filters[l];
    const std::size_t filters = cl.signal_var.size();
    if (choice.size() != filters) {
      throw Error("an assignment of " + std::to_string(choice.size()) + " filters for layer " +
                  std::to_string(l) + ", which has " + std::to_string(filters));
    }
    const int bin = static_cast<int>(std::lround(std::log(in) / kScaleStep));
    // Per filter, the multiplier's error on the scaled input (none for an exact filter); the
    // layer's gain kappa: the filters' gains weighted by their signal power.
    std::vector<const Scaled*> s(filters, nullptr);
    double gain = 0.0, signal = 0.0;
    for (std::size_t f = 0; f < filters; ++f) {
      if (choice[f] >= names_.size()) {
        throw Error("multiplier " + std::to_string(choice[f]) + " assigned; " +
                    std::to_string(names_.size()) + " are scored");
      }
      if (!exact_[choice[f]]) {
        s[f] = &scaled(choice[f], l, bin);
        gain += s[f]->gain[f] * cl.signal_var[f];
      }
      signal += cl.signal_var[f];
    }
    const double kappa = signal > 0.0 ? std::max(1e-3, 1.0 + gain / signal) : 1.0;
    const double out = std::max(1e-4, in * kappa);  // the scale of the accumulated signal
    double bias = 0.0, shaped = 0.0, noise = 0.0, relu_exact = 0.0, relu_approx = 0.0;
    for (std::size_t f = 0; f < filters; ++f) {
      const double v = cl.signal_var[f];
      if (v <= 0.0) continue;
      const double kappa_f = s[f] ? 1.0 + s[f]->gain[f] : 1.0;
      // Against the layer's common scale: the error's mean less its part along the signal, and
      // the bias, which does not scale with the signal (an offset of b (1/out - 1) once the
      // output is measured at its new scale); the filter's own gain; the rest of the error.
      const double mean = s[f] ? s[f]->mean[f] - (kappa_f - 1.0) * in * cl.signal_mean[f] : 0.0;
      const double offset = mean / out + cl.bias[f] * (1.0 / out - 1.0);
      bias += offset * offset / v;
      shaped += (kappa_f / kappa - 1.0) * (kappa_f / kappa - 1.0);
      if (s[f]) {
        const double along = (kappa_f - 1.0) * (kappa_f - 1.0) * in * in * v;
        shaped += std::max(0.0, s[f]->shaped[f] - along) / (out * out * v);
        noise += s[f]->noise[f] / (out * out * v);
      }
      // What reaches the next layer after a ReLU: the mean of the rectified output, the
      // pre-activation taken as Gaussian (exact: its profiled moments; approximate: scaled, moved
      // by the error's mean and widened by its noise).
      if (n.relu) {
        relu_exact += relu_mean(cl.signal_mean[f] + cl.bias[f], v);
        relu_approx += relu_mean(in * kappa_f * cl.signal_mean[f] + cl.bias[f] + mean,
                                 in * in * kappa_f * kappa_f * v + (s[f] ? s[f]->noise[f] : 0.0));
      }
    }
    terms[l].input_scale = in;
    terms[l].output_scale = out;
    terms[l].nsr = (bias_gains_[l] * bias + signal_gains_[l] * shaped + gains_[l] * noise) /
                   static_cast<double>(filters);
    scale[static_cast<std::size_t>(n.output)] =
        n.relu && relu_exact > 0.0 ? std::max(1e-4, relu_approx / relu_exact) : out;
  }
  return terms;
}

double Scores::model(const models::Assignment& a) const {
  double sum = 0.0;
  for (const LayerTerm& t : model_terms(a)) sum += t.nsr;
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
