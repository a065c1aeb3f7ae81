// SPDX-License-Identifier: MIT
// What the `hawx` strategy knows about a point before anything is evaluated: the hawx scores of
// its units and the accelerator's predicted costs, plus the monotone model that turns a score
// into an accuracy drop once a few points are measured. The run pipeline implements it from
// scoring::Scores, scoring::AccuracyPredictor and the accelerator's predictors (app/); search/
// depends on none of them, and a test can hand the strategy a synthetic one.
//
// Promises an implementation keeps:
// - unit_score(g, 0) == 0 and unit_score(g, c) >= 0: the hawx score a gene adds when it moves
//   from the exact multiplier to candidate c with every other gene exact: what ranks genes.
//   score(point) is hawx(model) of the whole point; DESIGN.md's is the sum of the unit scores,
//   scoring::Scores::model compounds the layers' errors (docs/scoring.md).
// - costs(point): the predicted energy, area and cycles (accuracy NaN) of a point on the hardware
//   it needs. Costs are not additive over genes: hardware that carries another multiplier type
//   costs area, leakage and register clocking in every PE whichever genes use it.
//   costs_on(point, carried) prices the point on hardware carrying the candidates marked in
//   `carried` (a superset of those the point uses), where what each gene changes is additive
//   enough to rank genes by it. Both must be cheap: the strategy calls them for every point of a
//   small space and for every gene of a large one.
// - fit_drop() is monotone: a larger score never predicts a smaller drop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "search/design_space.h"
#include "search/objectives.h"

namespace hawx::search {

struct DropSample {
  double score = 0.0;  // hawx(model) of a measured point
  double drop = 0.0;   // its measured accuracy drop from the exact design, percentage points
};

class Guidance {
 public:
  virtual ~Guidance() = default;
  virtual double unit_score(std::size_t gene, std::uint16_t candidate) const = 0;
  // Predicted energy, area and cycles of a whole point (accuracy NaN).
  virtual Metrics costs(const Point& point) const = 0;
  // The same on hardware carrying the candidates c with carried[c] (default: as costs()).
  virtual Metrics costs_on(const Point& point, const std::vector<bool>& carried) const;
  // A monotone map from hawx(model) to the predicted accuracy drop (percentage points), fitted on
  // the measured samples (at least two, the exact design's (0, 0) among them).
  virtual std::function<double(double)> fit_drop(const std::vector<DropSample>& samples) const = 0;

  // hawx(model) of a point, what fit_drop's samples are scored by. Default: the sum of its genes'
  // unit scores; an implementation may compound the layers' errors instead (Scores::model).
  virtual double score(const Point& point) const;
};

}  // namespace hawx::search
