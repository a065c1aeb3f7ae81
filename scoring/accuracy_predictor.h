// SPDX-License-Identifier: MIT
// The accuracy predictor: a monotone model from hawx(model) to the accuracy drop, fitted on a few
// measured configurations (docs/scoring.md).
//
//   drop(h) = D / (1 + (h0 / h)^k),  D in [0, ceiling], h0 > 0, 0.05 <= k <= 5
//
// a logistic curve in log h: no drop without error, half of D at h = h0, D (at most the exact
// accuracy minus chance, where a network is no better than guessing) when the error swamps the
// signal; k sets how sharp the transition is. Increasing in h for any parameters, so a larger
// score never predicts a smaller drop. Fitted by Levenberg-Marquardt least squares (Eigen) from a
// start given by the linear fit of logit(drop / D) on log h, twice: with D free and with D at the
// ceiling; the fit with the smaller leave-one-out error is kept.
//
// calibrate_accuracy() measures the configurations: the engine evaluates each on the test set.
#pragma once

#include <cstdint>
#include <vector>

#include "core/stats.h"
#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "scoring/score.h"

namespace hawx::scoring {

struct AccuracySample {
  double hawx = 0.0;  // hawx(model)
  double drop = 0.0;  // measured accuracy drop, percentage points
};

class AccuracyPredictor {
 public:
  // InputError for fewer than two samples.
  static AccuracyPredictor fit(const std::vector<AccuracySample>& samples, double ceiling);

  double drop(double hawx) const;                  // percentage points, in [0, ceiling]
  double plateau() const { return plateau_; }      // D
  double midpoint() const { return midpoint_; }    // h0
  double steepness() const { return steepness_; }  // k
  double ceiling() const { return ceiling_; }

 private:
  double plateau_ = 0.0;
  double midpoint_ = 1.0;
  double steepness_ = 1.0;
  double ceiling_ = 100.0;
};

struct CalibrationOptions {
  std::size_t fit = 12;       // configurations the predictor is fitted on
  std::size_t held_out = 20;  // random configurations it is judged on
  std::uint64_t seed = 1;
  int threads = 2;
};

struct MeasuredConfiguration {
  std::vector<std::uint16_t> layers;  // a multiplier per compute layer
  double hawx = 0.0;                  // hawx(model), compounding (Scores::model)
  double additive_hawx = 0.0;         // the sum of hawx(l) (Scores::additive_model), for comparison
  double accuracy = 0.0;              // measured, percent
  double drop = 0.0;                  // measured, percentage points
  double predicted = 0.0;             // predicted drop
};

struct AccuracyCalibration {
  double baseline = 0.0;  // exact accuracy, percent
  AccuracyPredictor predictor;
  std::vector<MeasuredConfiguration> fit, held_out;
  double fit_mae = 0.0;       // percentage points
  double held_out_mae = 0.0;  // percentage points
  double held_out_spearman = 0.0;
  // The same curve fitted on the additive score of the same configurations: what the compounding
  // model gains.
  double additive_held_out_mae = 0.0;
  double additive_held_out_spearman = 0.0;
  double seconds = 0.0;
};

// Layer-level configurations over the multipliers `choices` (engine indices; exact, 0, is always a
// choice too): the fit set is each choice in every layer, then random configurations, up to
// options.fit; the held-out set is options.held_out other random configurations (a layer's
// multiplier drawn uniformly from exact and the choices). Each is evaluated on `test`.
AccuracyCalibration calibrate_accuracy(const models::Engine& engine, const models::Dataset& test,
                                       const Scores& scores,
                                       const std::vector<std::uint16_t>& choices,
                                       const CalibrationOptions& options = {});

void report_stats(const AccuracyCalibration& c, StatsTree& out);

}  // namespace hawx::scoring
