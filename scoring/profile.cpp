// SPDX-License-Identifier: MIT
#include "scoring/profile.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <random>
#include <thread>

#include "core/errors.h"

namespace hawx::scoring {
// In batches of 64 images spread over the threads; images are numbered from 0 for the noise
// seeds, so the result does not depend on the thread count.
std::vector<std::vector<float>> logits_of(const models::Engine& engine, const models::Dataset& data,
                                          const models::Assignment& assignment,
                                          const models::Probe* probe, int threads) {
  constexpr std::size_t kBatch = 64;
  const std::size_t n = data.size();
  std::vector<std::vector<float>> out(n);
  const std::size_t batches = (n + kBatch - 1) / kBatch;
  auto work = [&](std::size_t worker, std::size_t workers) {
    for (std::size_t b = worker; b < batches; b += workers) {
      const std::size_t first = b * kBatch;
      const std::size_t count = std::min(kBatch, n - first);
      std::vector<const std::uint8_t*> images;
      for (std::size_t i = first; i < first + count; ++i) images.push_back(data.image(i));
      auto z = engine.logits(images.data(), count, assignment, probe, first);
      for (std::size_t i = 0; i < count; ++i) out[first + i] = std::move(z[i]);
    }
  };
  const std::size_t workers = static_cast<std::size_t>(std::max(1, threads));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work, t, workers);
  work(0, workers);
  for (auto& t : pool) t.join();
  return out;
}

std::vector<double> LayerProfile::distribution() const {
  double total = 0.0;
  for (auto c : operands) total += static_cast<double>(c);
  std::vector<double> p(256, 0.0);
  for (std::size_t v = 0; v < 256 && total > 0.0; ++v) {
    p[v] = static_cast<double>(operands[v]) / total;
  }
  return p;
}

double logit_nsr(const std::vector<std::vector<float>>& clean,
                 const std::vector<std::vector<float>>& noisy) {
  if (clean.empty() || clean.size() != noisy.size()) {
    throw Error("logit_nsr: " + std::to_string(clean.size()) + " clean and " +
                std::to_string(noisy.size()) + " noisy logit vectors");
  }
  const std::size_t k = clean.front().size();
  auto centred = [k](const std::vector<float>& z) {
    double m = 0.0;
    for (float x : z) m += x;
    m /= static_cast<double>(k);
    std::vector<double> c(k);
    for (std::size_t j = 0; j < k; ++j) c[j] = z[j] - m;
    return c;
  };
  std::vector<double> mean(k, 0.0);
  std::vector<std::vector<double>> c(clean.size());
  for (std::size_t i = 0; i < clean.size(); ++i) {
    c[i] = centred(clean[i]);
    for (std::size_t j = 0; j < k; ++j) mean[j] += c[i][j];
  }
  for (auto& m : mean) m /= static_cast<double>(clean.size());
  double noise = 0.0, signal = 0.0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const std::vector<double> n = centred(noisy[i]);
    // The change, without its component along the image's own centred logits (a change of
    // scale, which changes no prediction either).
    double dc = 0.0, cc = 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      dc += (n[j] - c[i][j]) * c[i][j];
      cc += c[i][j] * c[i][j];
    }
    const double along = cc > 0.0 ? dc / cc : 0.0;
    for (std::size_t j = 0; j < k; ++j) {
      const double d = n[j] - c[i][j] - along * c[i][j];
      const double s = c[i][j] - mean[j];
      noise += d * d;
      signal += s * s;
    }
  }
  return signal > 0.0 ? noise / signal : 0.0;
}

Profile profile(const models::Engine& engine, const models::Dataset& data,
                const ProfileOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (data.size() == 0)
    throw InputError("profiling needs images; the dataset '" + data.name + "' (" +
                     to_string(data.split) + ") has none");
  if (!(options.noise_ratio > 0.0)) {
    throw ConfigError("the profile's noise ratio must be > 0, not " +
                      std::to_string(options.noise_ratio));
  }
  models::Dataset subset = data;
  subset.truncate(options.images);
  const models::QuantizedNetwork& q = engine.network();
  const models::Network& net = q.net;
  const std::vector<int> computes = net.compute_layers();
  const models::Assignment exact = models::Assignment::uniform(net, 0);

  models::Probe probe;
  probe.operand_histograms = true;
  probe.filter_statistics = true;
  probe.operand_transitions = true;
  probe.logits = true;
  const models::Evaluation e = engine.evaluate(subset, exact, options.threads, {}, probe);
  // The gains on the first gain_images images: they average the logits' response over images
  // and classes, and need fewer than the histograms.
  models::Dataset gain_set = subset;
  gain_set.truncate(options.gain_images);
  const std::vector<std::vector<float>> clean(
      e.logits.begin(), e.logits.begin() + static_cast<std::ptrdiff_t>(gain_set.size()));

  Profile p;
  p.images = subset.size();
  p.noise_ratio = options.noise_ratio;
  p.sign_magnitude = q.format == models::OperandFormat::kSignMagnitude;
  for (std::size_t c = 0; c < computes.size(); ++c) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(computes[c])];
    // The exact layers before c once, then each noisy run from there (the same logits as whole
    // runs, bit for bit).
    std::optional<models::Prefix> front;
    if (c > 0) front = engine.prefix(gain_set, exact, c, options.threads);
    auto noisy_logits = [&](models::Probe probe_at_c) {
      probe_at_c.logits = true;
      return (front ? engine.evaluate(*front, gain_set, exact, options.threads, {}, probe_at_c)
                    : engine.evaluate(gain_set, exact, options.threads, {}, probe_at_c))
          .logits;
    };
    LayerProfile lp;
    lp.name = l.name;
    lp.filters = l.filters();
    lp.taps = l.taps();
    lp.uses = static_cast<std::int64_t>(l.out.h) * l.out.w;
    lp.operands = e.operand_histograms[c];
    if (p.sign_magnitude) lp.negatives = e.negative_histograms[c];
    lp.outputs = e.filter_statistics[c];
    lp.transitions = e.operand_transitions[c];
    // Noise of power r x each filter's output variance, in real units.
    const auto& qc = q.conv[static_cast<std::size_t>(computes[c])];
    const double in_scale = q.value_scale[static_cast<std::size_t>(l.input)];
    models::Probe noisy;
    noisy.noise_layer = static_cast<int>(c);
    noisy.noise_seed = options.seed;
    noisy.noise_std_per_filter.resize(static_cast<std::size_t>(l.filters()));
    for (std::size_t f = 0; f < noisy.noise_std_per_filter.size(); ++f) {
      noisy.noise_std_per_filter[f] =
          std::sqrt(options.noise_ratio * lp.outputs[f].variance) * in_scale * qc.weight_scale[f];
    }
    lp.logit_nsr = logit_nsr(clean, noisy_logits(noisy));
    lp.gain = lp.logit_nsr / options.noise_ratio;
    // Constant offsets of power r x each filter's output variance, random signs (a few draws
    // averaged: the logits' response depends on how the offsets of the filters combine).
    models::Probe offsets;
    offsets.noise_layer = static_cast<int>(c);
    double bias = 0.0;
    std::mt19937_64 random(options.seed ^ (0x9E3779B97F4A7C15ull * (c + 1)));
    for (int d = 0; d < options.bias_draws; ++d) {
      offsets.noise_offset_per_filter = noisy.noise_std_per_filter;
      for (double& o : offsets.noise_offset_per_filter) o = (random() & 1) ? o : -o;
      bias += logit_nsr(clean, noisy_logits(offsets));
    }
    lp.bias_gain =
        options.bias_draws > 0 ? bias / options.bias_draws / options.noise_ratio : lp.gain;
    // Signal-shaped noise: each output moves by eps (y - its filter's mean), eps ~ N(0, r) per
    // image and filter.
    models::Probe shaped;
    shaped.noise_layer = static_cast<int>(c);
    shaped.noise_seed = options.seed;
    shaped.noise_std_per_filter.assign(static_cast<std::size_t>(l.filters()),
                                       std::sqrt(options.noise_ratio));
    shaped.noise_centre_per_filter.resize(static_cast<std::size_t>(l.filters()));
    for (std::size_t f = 0; f < shaped.noise_centre_per_filter.size(); ++f) {
      shaped.noise_centre_per_filter[f] = lp.outputs[f].mean * in_scale * qc.weight_scale[f];
    }
    lp.signal_gain = logit_nsr(clean, noisy_logits(shaped)) / options.noise_ratio;
    p.layers.push_back(std::move(lp));
  }
  p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return p;
}

void report_stats(const Profile& profile, StatsTree& out) {
  out.set("images", static_cast<std::int64_t>(profile.images), "images",
          "profiling images (exact network)");
  out.set("noise_ratio", profile.noise_ratio, "",
          "injected noise power / filter output variance, for the gains");
  out.set("seconds", profile.seconds, "s", "profiling time");
  StatsTree& layers = out.group("layers");
  for (const LayerProfile& l : profile.layers) {
    StatsTree& g = layers.group(l.name);
    g.set("filters", static_cast<std::int64_t>(l.filters), "filters");
    g.set("taps", static_cast<std::int64_t>(l.taps), "operations", "multiplications per output");
    g.set("gain", l.gain, "", "propagation gain g_l: logit NSR / injected NSR");
    std::uint64_t total = 0, zeros = l.operands[0];
    double mean = 0.0;
    for (std::size_t v = 0; v < 256; ++v) {
      total += l.operands[v];
      mean += static_cast<double>(v) * static_cast<double>(l.operands[v]);
    }
    g.set("operands", static_cast<std::int64_t>(total), "operations", "operands profiled");
    g.set("zero_operands", total ? static_cast<double>(zeros) / static_cast<double>(total) : 0.0,
          "fraction", "operands that are 0");
    g.set("mean_operand", total ? mean / static_cast<double>(total) : 0.0, "",
          "mean operand as the multiplier sees it");
  }
}

}  // namespace hawx::scoring
