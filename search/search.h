// SPDX-License-Identifier: MIT
// The search driver: a strategy proposes, the evaluator answers, the results store remembers.
//
//   SearchSetup setup;  // name "nsga2-layer", strategy "nsga2", options, reference point
//   SearchResult r = run_search(space, setup, evaluate, &store);
//
// Promises:
// - Every evaluation is committed to the store (one transaction) as soon as it finishes, before
//   the strategy hears of it; a point whose hash the store already holds with every objective
//   measured (or as a failure) is not evaluated again, its stored outcome is reported instead (a
//   reuse). A stored point that was only predicted is evaluated, and the store keeps both.
//   Re-running a killed search therefore replays the same proposals (strategies are deterministic)
//   and evaluates only what was not committed, ending where an uninterrupted run ends.
// - The budget counts proposals, reused or not, so a resumed search is the same search.
// - The front is the non-dominated set of the feasible points over the setup's objectives (every
//   point the search saw, not only a strategy's last population); its hypervolume is taken
//   against the setup's reference point. Both are written to the store as front kind "search".
// - The evaluator returns failures as Outcome::failed(reason); an exception it throws ends the
//   search (after everything before it was committed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "search/design_space.h"
#include "search/objectives.h"
#include "search/strategy.h"

namespace hawx::search {

class ResultsStore;

struct SearchSetup {
  std::string name;      // the search's name in the store
  std::string strategy;  // a registered strategy
  StrategyOptions options;
  Metrics reference;  // hypervolume reference point in natural units (accuracy as a fraction)
  // A stored evaluation is reused when it failed or has every objective measured; with this set,
  // predicted values suffice too (a search over predictions).
  bool reuse_predicted = false;
  // Scores and predictions for the strategies that use them (`hawx`); not part of the stored
  // setup: a search resumed under other guidance replays other proposals, and reuses what it can.
  const Guidance* guidance = nullptr;
};

// The options and reference as JSON text (what the store compares when a search is reopened).
std::string describe_setup(const SearchSetup& setup);

// Evaluates one point. `upcoming_shared_layers`: leading compute layers the next proposal is
// known to share with this one (Strategy::upcoming_shared_layers), for prefix reuse.
using Evaluator = std::function<Outcome(const Point& point, std::size_t upcoming_shared_layers)>;

struct SearchPoint {
  Point point;
  std::string hash;
  Outcome outcome;
  double seconds = 0.0;  // wall time of its evaluation (the original one when reused)
  bool reused = false;   // found in the store instead of evaluated
};

struct SearchResult {
  std::vector<SearchPoint> points;  // in proposal order
  std::vector<std::size_t> front;   // indices into points
  double hypervolume = 0.0;
  // Hypervolume of the points seen so far, after each point (the convergence curve).
  std::vector<double> hypervolume_trace;
  std::size_t evaluated = 0;  // points evaluated by this call
  std::size_t reused = 0;     // points taken from the store
  std::size_t failed = 0;     // points whose outcome is a failure
};

// Indices of the feasible non-dominated points over `objectives`.
std::vector<std::size_t> front_of(const std::vector<SearchPoint>& points,
                                  const std::vector<Objective>& objectives);
double hypervolume_of(const std::vector<SearchPoint>& points,
                      const std::vector<Objective>& objectives, const Metrics& reference);

// Runs (or resumes) a search to the end of its budget. `store` may be null (nothing kept).
// `progress` is called after every point with the number of points so far.
SearchResult run_search(const DesignSpace& space, const SearchSetup& setup,
                        const Evaluator& evaluate, ResultsStore* store,
                        const std::function<void(std::size_t)>& progress = {});

}  // namespace hawx::search
