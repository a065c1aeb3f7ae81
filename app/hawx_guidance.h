// SPDX-License-Identifier: MIT
// The guidance the `hawx` search strategy runs on (search/guidance.h), from a study's hawx scores
// (scoring::Scores), the accelerator's cost predictions (app/accelerator.h) and the accuracy
// predictor (scoring::AccuracyPredictor): what `hawx-cosim run` hands the strategy, and what its
// evaluations store as predicted costs.
//
// - unit_score: layer level, hawx(l) with every filter of layer l on the candidate; filter level,
//   the share of hawx(l) of that one filter (Scores::filters_only): what ranks genes.
// - score: hawx(model) of a point as Scores::model computes it, each layer's error on operands
//   shrunk by the layers before (docs/scoring.md): what the drop model is fitted on.
// - costs: the accelerator's predictors (Accelerator::predict) price a layer from its own filters'
//   multipliers and the hardware, i.e. the set of multiplier types the PEs carry. So for each set
//   S asked for, |S| predictions (layer l on S[(l + j) mod |S|], j = 0..|S|-1, so that every type
//   of S is used) give every layer's energy and cycles on every candidate of S; a point then
//   costs the sum of its layers' (a layer whose filters differ: the filters' shares) plus what the
//   predictions have outside the layers, and S's area. Equal to Accelerator::predict for
//   layer-level points; for mixed layers a linear interpolation of it. A network with fewer
//   compute layers than |S| is priced by predict() per point instead.
// - fit_drop: scoring::AccuracyPredictor fitted on the samples, its ceiling the exact accuracy
//   minus chance; with fewer than three samples, or where the fit fails, a monotone
//   piecewise-linear interpolation of the samples.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include "app/accelerator.h"
#include "models/engine/engine.h"
#include "scoring/score.h"
#include "search/design_space.h"
#include "search/guidance.h"

namespace hawx::app {

class HawxGuidance final : public search::Guidance {
 public:
  // Predicted costs of one inference under an assignment, with the per-layer breakdown.
  using CostModel = std::function<AcceleratorCost(const models::Assignment&)>;

  // `space`'s candidates are the scores' multipliers in order. `ceiling`: the largest possible
  // accuracy drop, percentage points (exact accuracy minus chance). Everything outlives this.
  HawxGuidance(const search::DesignSpace& space, const scoring::Scores& scores, CostModel costs,
               double ceiling);

  double unit_score(std::size_t gene, std::uint16_t candidate) const override;
  // hawx(model) of the point's assignment (Scores::model: the layers' errors compounded).
  double score(const search::Point& point) const override;
  search::Metrics costs(const search::Point& point) const override;
  search::Metrics costs_on(const search::Point& point,
                           const std::vector<bool>& carried) const override;
  std::function<double(double)> fit_drop(
      const std::vector<search::DropSample>& samples) const override;

  std::size_t predictions() const { return predictions_; }  // cost model calls so far

 private:
  struct Table {
    std::vector<std::vector<double>> energy, cycles;  // [layer][candidate], NaN: not carried
    double other_energy = 0.0, other_cycles = 0.0;    // outside the layers
    double area = 0.0;
  };
  const Table& table(const std::vector<bool>& carried) const;

  const search::DesignSpace& space_;
  const scoring::Scores& scores_;
  CostModel cost_model_;
  double ceiling_;
  std::vector<std::vector<double>> score_;  // [gene][candidate]
  mutable std::map<std::vector<bool>, Table> tables_;
  mutable std::size_t predictions_ = 0;
};

}  // namespace hawx::app
