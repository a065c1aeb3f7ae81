// SPDX-License-Identifier: MIT
// The ask/tell interface every search strategy implements, and the registry of strategies.
//
//   auto s = make_strategy("nsga2", {space, options});
//   while (!s->done()) {
//     auto p = s->propose();          // nullopt: waiting for outstanding reports
//     if (!p) { ...report an outstanding evaluation...; continue; }
//     s->report(*p, evaluate(*p));    // metrics, or a failure as data
//   }
//
// Contract of an implementation:
// - propose() never returns a point twice and returns at most options.budget points in all;
//   nullopt means "nothing until more reports arrive" while points are outstanding, and nothing
//   more at all once done() is true.
// - report() is called once for every proposed point, in any order. A failed outcome (or one
//   whose objectives are not all known) is data: the strategy ranks it below every successful
//   point and carries on; it never throws for it.
// - Deterministic: the same space, options (seed included) and outcomes give the same proposals,
//   whatever the order in which outstanding reports arrive.
// - A strategy owns no evaluator, no store and no threads: the driver (search/search.h) does.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/registry.h"
#include "search/design_space.h"
#include "search/objectives.h"

namespace hawx::search {

// What an evaluation of one point gave: measured and/or predicted metrics (NaN fields: not
// known), or a failure and its reason.
struct Outcome {
  bool ok = true;
  std::string failure;
  Metrics measured;
  Metrics predicted;

  static Outcome failed(std::string reason);
  // Per field, the measured value when known, else the predicted one.
  Metrics best_known() const;
  // The point's objective values to minimise, or nullopt when it failed or an objective is not
  // known (such a point ranks below every feasible one).
  std::optional<std::vector<double>> objectives(const std::vector<Objective>& objectives) const;
  bool operator==(const Outcome& o) const;
};

enum class Crossover { kUniform, kOnePoint, kTwoPoint };
const char* crossover_name(Crossover c);                 // "uniform", "one_point", "two_point"
Crossover crossover_from_name(const std::string& name);  // ConfigError otherwise

struct StrategyOptions {
  std::uint64_t budget = 100;  // points proposed (and so evaluated) at most
  std::uint64_t seed = 1;
  std::vector<Objective> objectives = {Objective::kAccuracy, Objective::kEnergy};
  // nsga2.
  std::size_t population = 20;
  Crossover crossover = Crossover::kUniform;
  double crossover_probability = 0.9;
  double mutation_probability = 0.0;  // per gene; 0: 1 / genes
  // hawx: stop when no open point of the predicted front is predicted to add more than this
  // share of the measured front's hypervolume (0: spend the whole budget).
  double hawx_stop_gain = 0.0;
};

class Strategy {
 public:
  virtual ~Strategy() = default;
  virtual std::optional<Point> propose() = 0;
  virtual void report(const Point& point, const Outcome& outcome) = 0;
  virtual bool done() const = 0;
  // Leading compute layers that the next proposal is known to share with the last one (0 when
  // unknown): an evaluator keeps an engine prefix of that many layers (models::Engine::prefix)
  // while it pays off. Exhaustive search knows it exactly.
  virtual std::size_t upcoming_shared_layers() const { return 0; }
};

class Guidance;

// What a strategy's factory receives. The space (and the guidance) outlive the strategy.
struct StrategyContext {
  StrategyContext(const DesignSpace& s, StrategyOptions o = {}, const Guidance* g = nullptr,
                  Metrics r = {})
      : space(s), options(std::move(o)), guidance(g), reference(r) {}

  const DesignSpace& space;
  StrategyOptions options;
  // Scores and predictions (search/guidance.h) for the strategies that use them (`hawx`, which
  // refuses to run without); null when the driver has none.
  const Guidance* guidance;
  // The hypervolume reference point of the search (NaN fields: not given).
  Metrics reference;
};

struct StrategyKind {
  static constexpr const char* kName = "strategy";
  static constexpr const char* kDescription = "search strategies over a design space (ask/tell)";
  using Factory = std::function<std::unique_ptr<Strategy>(const StrategyContext&)>;
};

// The registered strategy `name` (ConfigError listing the registered ones otherwise). A
// strategy may refuse options it cannot honour (e.g. exhaustive search over a space larger than
// the budget) with a ConfigError.
std::unique_ptr<Strategy> make_strategy(const std::string& name, const StrategyContext& context);

}  // namespace hawx::search
