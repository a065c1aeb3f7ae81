// SPDX-License-Identifier: MIT
#include "search/strategy.h"

#include <cmath>

namespace hawx::search {

Outcome Outcome::failed(std::string reason) {
  Outcome o;
  o.ok = false;
  o.failure = std::move(reason);
  return o;
}

Metrics Outcome::best_known() const {
  auto pick = [](double m, double p) { return std::isnan(m) ? p : m; };
  return Metrics(pick(measured.accuracy, predicted.accuracy),
                 pick(measured.energy, predicted.energy), pick(measured.area, predicted.area),
                 pick(measured.cycles, predicted.cycles));
}

std::optional<std::vector<double>> Outcome::objectives(
    const std::vector<Objective>& objectives) const {
  if (!ok) return std::nullopt;
  auto values = minimised(best_known(), objectives);
  for (double v : values) {
    if (!std::isfinite(v)) return std::nullopt;
  }
  return values;
}

bool Outcome::operator==(const Outcome& o) const {
  return ok == o.ok && failure == o.failure && measured == o.measured && predicted == o.predicted;
}

const char* crossover_name(Crossover c) {
  switch (c) {
    case Crossover::kUniform:
      return "uniform";
    case Crossover::kOnePoint:
      return "one_point";
    case Crossover::kTwoPoint:
      return "two_point";
  }
  return "?";
}

Crossover crossover_from_name(const std::string& name) {
  for (Crossover c : {Crossover::kUniform, Crossover::kOnePoint, Crossover::kTwoPoint}) {
    if (name == crossover_name(c)) return c;
  }
  throw ConfigError("unknown crossover '" + name + "'; expected uniform, one_point or two_point");
}

std::unique_ptr<Strategy> make_strategy(const std::string& name, const StrategyContext& context) {
  return Registry<StrategyKind>::instance().get(name)(context);
}

}  // namespace hawx::search
