// SPDX-License-Identifier: MIT
#include "scoring/accuracy_predictor.h"

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <random>
#include <set>

#include "core/errors.h"
#include "scoring/statistics.h"

namespace hawx::scoring {
namespace {

struct Parameters {
  double plateau, log_midpoint, log_steepness;
};

double curve(const Parameters& p, double h) {
  if (h <= 0.0) return 0.0;
  const double k = std::exp(p.log_steepness);
  return p.plateau / (1.0 + std::exp(k * (p.log_midpoint - std::log(h))));
}

double squared_error(const Parameters& p, const std::vector<AccuracySample>& samples) {
  double e = 0.0;
  for (const auto& s : samples) e += (curve(p, s.hawx) - s.drop) * (curve(p, s.hawx) - s.drop);
  return e;
}

// The steepest curve allowed. A classifier under an error of growing power loses accuracy as the
// error overcomes its decision margins, which spread over a decade or more: the fits the data
// determine have k = 1-3 (docs/scoring.md). k = 20, a step from no drop to the plateau within 25 %
// of h, is what a dozen noisy small drops produce when least squares is free to place a step
// between them (ResNet-18).
constexpr double kSteepest = 5.0;

// Least squares of the curve on the samples; with `fixed_plateau` D is the ceiling and only h0 and
// k are fitted.
Parameters fit_curve(const std::vector<AccuracySample>& samples, double ceiling,
                     bool fixed_plateau) {
  // Start: logit(drop / D) = k (log h - log h0) by linear least squares over the samples inside
  // (0, D), D a little above the largest drop measured (within the ceiling).
  double largest = 0.0;
  for (const auto& s : samples) largest = std::max(largest, s.drop);
  const double top = fixed_plateau ? ceiling : std::min(ceiling, std::max(largest * 1.05, 1e-3));
  std::vector<std::pair<double, double>> xy;
  for (const auto& s : samples) {
    if (s.hawx <= 0.0) continue;
    const double q = std::clamp(s.drop / top, 1e-3, 1.0 - 1e-3);
    xy.emplace_back(std::log(s.hawx), std::log(q / (1.0 - q)));
  }
  Parameters p{top, 0.0, 0.0};
  if (xy.size() >= 2) {
    Eigen::MatrixXd x(static_cast<Eigen::Index>(xy.size()), 2);
    Eigen::VectorXd y(static_cast<Eigen::Index>(xy.size()));
    for (std::size_t i = 0; i < xy.size(); ++i) {
      x(static_cast<Eigen::Index>(i), 0) = xy[i].first;
      x(static_cast<Eigen::Index>(i), 1) = 1.0;
      y(static_cast<Eigen::Index>(i)) = xy[i].second;
    }
    const Eigen::Vector2d c = x.colPivHouseholderQr().solve(y);
    const double k = std::clamp(c(0), 0.05, kSteepest);
    p.log_steepness = std::log(k);
    p.log_midpoint = -c(1) / k;
  }
  // Levenberg-Marquardt on (D, log h0, log k), D kept in [0, ceiling].
  double lambda = 1e-3;
  double error = squared_error(p, samples);
  for (int iteration = 0; iteration < 200; ++iteration) {
    Eigen::MatrixXd j(static_cast<Eigen::Index>(samples.size()), 3);
    Eigen::VectorXd r(static_cast<Eigen::Index>(samples.size()));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      const auto row = static_cast<Eigen::Index>(i);
      r(row) = samples[i].drop - curve(p, samples[i].hawx);
      const double h = samples[i].hawx;
      if (h <= 0.0) {
        j.row(row).setZero();
        continue;
      }
      const double k = std::exp(p.log_steepness);
      const double u = k * (p.log_midpoint - std::log(h));
      const double s = 1.0 / (1.0 + std::exp(u));  // curve / D
      const double ds_du = -s * (1.0 - s);
      j(row, 0) = s;
      j(row, 1) = p.plateau * ds_du * k;
      j(row, 2) = p.plateau * ds_du * u;  // du / dlog k = u
    }
    const Eigen::Matrix3d a = j.transpose() * j;
    const Eigen::Vector3d g = j.transpose() * r;
    bool improved = false, converged = false;
    for (int tries = 0; tries < 20 && !improved; ++tries) {
      Eigen::Matrix3d damped = a;
      for (int d = 0; d < 3; ++d) damped(d, d) += lambda * std::max(a(d, d), 1e-12);
      Eigen::Vector3d step = damped.ldlt().solve(g);
      if (fixed_plateau) {
        const Eigen::Vector2d two = damped.bottomRightCorner<2, 2>().ldlt().solve(g.tail<2>());
        step << 0.0, two(0), two(1);
      }
      const Parameters q{
          std::clamp(p.plateau + step(0), 0.0, ceiling), p.log_midpoint + step(1),
          std::clamp(p.log_steepness + step(2), std::log(0.05), std::log(kSteepest))};
      const double e = squared_error(q, samples);
      if (std::isfinite(e) && e < error) {
        converged = error - e < 1e-10 * (1.0 + error);
        p = q;
        error = e;
        improved = true;
        lambda = std::max(lambda / 3.0, 1e-9);
      } else {
        lambda *= 4.0;
      }
    }
    if (!improved || converged) break;
  }
  return p;
}

}  // namespace

AccuracyPredictor AccuracyPredictor::fit(const std::vector<AccuracySample>& samples,
                                         double ceiling) {
  if (samples.size() < 2) {
    throw InputError("the accuracy predictor needs at least two measured configurations, not " +
                     std::to_string(samples.size()));
  }
  // Two candidates: D free, and D at the ceiling (the network guesses when the error swamps the
  // signal; one parameter fewer, so the few configurations measured cannot bend the curve into a
  // step or a low plateau that only they support). Kept: the one with the smaller leave-one-out
  // error (mean absolute, each sample predicted by the curve fitted on the others); with three
  // or fewer samples, D free.
  auto leave_one_out = [&](bool fixed) {
    double e = 0.0;
    for (std::size_t i = 0; i < samples.size(); ++i) {
      std::vector<AccuracySample> rest;
      for (std::size_t j = 0; j < samples.size(); ++j) {
        if (j != i) rest.push_back(samples[j]);
      }
      e += std::abs(curve(fit_curve(rest, ceiling, fixed), samples[i].hawx) - samples[i].drop);
    }
    return e / static_cast<double>(samples.size());
  };
  const bool fixed = samples.size() > 3 && leave_one_out(true) < leave_one_out(false);
  const Parameters p = fit_curve(samples, ceiling, fixed);
  AccuracyPredictor out;
  out.ceiling_ = ceiling;
  out.plateau_ = p.plateau;
  out.midpoint_ = std::exp(p.log_midpoint);
  out.steepness_ = std::exp(p.log_steepness);
  return out;
}

double AccuracyPredictor::drop(double hawx) const {
  if (hawx <= 0.0) return 0.0;
  return std::clamp(plateau_ / (1.0 + std::pow(midpoint_ / hawx, steepness_)), 0.0, ceiling_);
}

AccuracyCalibration calibrate_accuracy(const models::Engine& engine, const models::Dataset& test,
                                       const Scores& scores,
                                       const std::vector<std::uint16_t>& choices,
                                       const CalibrationOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (choices.empty()) throw ConfigError("accuracy calibration needs an approximate multiplier");
  const models::Network& net = engine.network().net;
  const std::size_t layers = net.compute_layers().size();
  AccuracyCalibration c;
  auto measure = [&](const std::vector<std::uint16_t>& layer_choice) {
    MeasuredConfiguration m;
    m.layers = layer_choice;
    const models::Assignment a = models::Assignment::per_layer(net, layer_choice);
    m.hawx = scores.model(a);
    m.additive_hawx = scores.additive_model(a);
    m.accuracy = 100.0 * engine.evaluate(test, a, options.threads).accuracy();
    return m;
  };
  c.baseline = measure(std::vector<std::uint16_t>(layers, 0)).accuracy;
  std::vector<std::uint16_t> pool{0};
  pool.insert(pool.end(), choices.begin(), choices.end());
  std::mt19937_64 random(options.seed);
  std::set<std::vector<std::uint16_t>> seen{std::vector<std::uint16_t>(layers, 0)};
  auto random_configuration = [&] {
    std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
    // Up to a bounded number of tries for one not seen yet (small spaces repeat).
    std::vector<std::uint16_t> l(layers);
    for (int attempt = 0; attempt < 1000; ++attempt) {
      for (auto& x : l) x = pool[pick(random)];
      if (seen.insert(l).second) break;
    }
    return l;
  };
  std::vector<std::vector<std::uint16_t>> fit_set;
  for (std::uint16_t m : choices) {
    if (fit_set.size() < options.fit) {
      fit_set.emplace_back(layers, m);
      seen.insert(fit_set.back());
    }
  }
  while (fit_set.size() < options.fit) fit_set.push_back(random_configuration());
  std::vector<AccuracySample> samples;
  for (const auto& l : fit_set) {
    c.fit.push_back(measure(l));
    c.fit.back().drop = c.baseline - c.fit.back().accuracy;
    samples.push_back({c.fit.back().hawx, c.fit.back().drop});
  }
  const double chance =
      100.0 / static_cast<double>(std::max<std::size_t>(1, test.class_names.size()));
  c.predictor = AccuracyPredictor::fit(samples, std::max(0.0, c.baseline - chance));
  for (std::size_t i = 0; i < options.held_out; ++i) {
    c.held_out.push_back(measure(random_configuration()));
    c.held_out.back().drop = c.baseline - c.held_out.back().accuracy;
  }
  std::vector<double> predicted, measured;
  for (auto& m : c.fit) {
    m.predicted = c.predictor.drop(m.hawx);
    predicted.push_back(m.predicted);
    measured.push_back(m.drop);
  }
  c.fit_mae = mean_absolute_error(predicted, measured);
  predicted.clear();
  measured.clear();
  std::vector<double> hawx;
  for (auto& m : c.held_out) {
    m.predicted = c.predictor.drop(m.hawx);
    predicted.push_back(m.predicted);
    measured.push_back(m.drop);
    hawx.push_back(m.hawx);
  }
  if (!c.held_out.empty()) c.held_out_mae = mean_absolute_error(predicted, measured);
  if (c.held_out.size() >= 2) c.held_out_spearman = spearman(hawx, measured);
  std::vector<AccuracySample> additive;
  for (const auto& m : c.fit) additive.push_back({m.additive_hawx, m.drop});
  const AccuracyPredictor sum = AccuracyPredictor::fit(additive, c.predictor.ceiling());
  predicted.clear();
  hawx.clear();
  for (const auto& m : c.held_out) {
    predicted.push_back(sum.drop(m.additive_hawx));
    hawx.push_back(m.additive_hawx);
  }
  if (!c.held_out.empty()) c.additive_held_out_mae = mean_absolute_error(predicted, measured);
  if (c.held_out.size() >= 2) c.additive_held_out_spearman = spearman(hawx, measured);
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return c;
}

void report_stats(const AccuracyCalibration& c, StatsTree& out) {
  out.set("baseline_percent", c.baseline, "%", "exact int8 accuracy on the evaluation images");
  out.set("fit_configurations", static_cast<std::int64_t>(c.fit.size()), "configurations");
  out.set("held_out_configurations", static_cast<std::int64_t>(c.held_out.size()),
          "configurations");
  out.set("fit_mae_pp", c.fit_mae, "pp", "mean absolute error of the predicted drop, fit set");
  out.set("held_out_mae_pp", c.held_out_mae, "pp",
          "mean absolute error of the predicted drop, held-out random configurations");
  out.set("held_out_spearman", c.held_out_spearman, "",
          "rank correlation of hawx(model) and the measured drop, held-out set");
  out.set("additive_held_out_mae_pp", c.additive_held_out_mae, "pp",
          "held-out MAE of the same curve fitted on the additive score (sum of hawx(l))");
  out.set("plateau_pp", c.predictor.plateau(), "pp", "D of drop = D / (1 + (h0 / h)^k)");
  out.set("midpoint", c.predictor.midpoint(), "", "h0: the score of half the plateau's drop");
  out.set("steepness", c.predictor.steepness(), "", "k");
  out.set("ceiling_pp", c.predictor.ceiling(), "pp", "largest drop predicted: baseline - chance");
  out.set("seconds", c.seconds, "s", "measuring and fitting");
}

}  // namespace hawx::scoring
