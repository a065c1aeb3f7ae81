// SPDX-License-Identifier: MIT
#include "search/search.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "search/store.h"

namespace hawx::search {

std::string describe_setup(const SearchSetup& setup) {
  const StrategyOptions& o = setup.options;
  nlohmann::ordered_json j;
  j["budget"] = o.budget;
  j["seed"] = o.seed;
  std::vector<std::string> objectives;
  for (Objective x : o.objectives) objectives.push_back(objective_name(x));
  j["objectives"] = objectives;
  j["population"] = o.population;
  j["crossover"] = crossover_name(o.crossover);
  j["crossover_probability"] = o.crossover_probability;
  j["mutation_probability"] = o.mutation_probability;
  std::vector<double> reference;
  for (Objective x : o.objectives) reference.push_back(value_of(setup.reference, x));
  j["reference"] = reference;
  if (setup.reuse_predicted) j["reuse_predicted"] = true;
  if (setup.strategy == "hawx") j["stop_gain"] = o.hawx_stop_gain;
  return j.dump();
}

std::vector<std::size_t> front_of(const std::vector<SearchPoint>& points,
                                  const std::vector<Objective>& objectives) {
  std::vector<std::size_t> feasible;
  std::vector<std::vector<double>> values;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (auto v = points[i].outcome.objectives(objectives)) {
      feasible.push_back(i);
      values.push_back(std::move(*v));
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t k : pareto_front(values)) out.push_back(feasible[k]);
  return out;
}

double hypervolume_of(const std::vector<SearchPoint>& points,
                      const std::vector<Objective>& objectives, const Metrics& reference) {
  std::vector<std::vector<double>> values;
  for (const auto& p : points) {
    if (auto v = p.outcome.objectives(objectives)) values.push_back(std::move(*v));
  }
  return hypervolume(values, minimised(reference, objectives));
}

SearchResult run_search(const DesignSpace& space, const SearchSetup& setup,
                        const Evaluator& evaluate, ResultsStore* store,
                        const std::function<void(std::size_t)>& progress) {
  const auto& objectives = setup.options.objectives;
  const auto reference = minimised(setup.reference, objectives);
  if (reference.size() != objectives.size() || objectives.empty()) {
    throw ConfigError("a search needs at least one objective");
  }
  for (double r : reference) {
    if (!std::isfinite(r)) {
      throw ConfigError("search '" + setup.name +
                        "': the hypervolume reference point must give every objective a value");
    }
  }
  auto strategy =
      make_strategy(setup.strategy, {space, setup.options, setup.guidance, setup.reference});
  std::int64_t search = 0;
  if (store) {
    search =
        store->open_search(setup.name, setup.strategy, space.signature(), describe_setup(setup));
  }

  SearchResult result;
  std::vector<std::vector<double>> seen;  // objective values of the feasible points so far
  while (!strategy->done()) {
    auto proposal = strategy->propose();
    if (!proposal) {
      if (strategy->done()) break;
      // A sequential driver reports every point before asking again.
      throw Error("strategy '" + setup.strategy + "' proposed nothing with nothing outstanding");
    }
    SearchPoint p;
    p.point = std::move(*proposal);
    space.check(p.point);
    p.hash = space.hash(p.point);
    const std::string key = space.key(p.point);
    const std::uint64_t seq = result.points.size();
    std::optional<StoredEvaluation> stored;
    if (store) stored = store->find(p.hash, key);
    if (stored && stored->outcome.ok) {
      const Metrics known =
          setup.reuse_predicted ? stored->outcome.best_known() : stored->outcome.measured;
      for (Objective x : objectives) {
        if (std::isnan(value_of(known, x))) stored.reset();
        if (!stored) break;
      }
    }
    if (stored) {
      p.outcome = stored->outcome;
      p.seconds = stored->seconds;
      p.reused = true;
      store->record_reuse(search, seq, p.hash);
      ++result.reused;
    } else {
      const auto start = std::chrono::steady_clock::now();
      p.outcome = evaluate(p.point, strategy->upcoming_shared_layers());
      p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (store) {
        StoredEvaluation e;
        e.hash = p.hash;
        e.key = key;
        e.assignment = space.describe(p.point);
        e.outcome = p.outcome;
        e.seconds = p.seconds;
        store->record(search, seq, std::move(e));
      }
      ++result.evaluated;
    }
    if (!p.outcome.ok) ++result.failed;
    strategy->report(p.point, p.outcome);
    auto v = p.outcome.objectives(objectives);
    // A point that a front member dominates or equals leaves the hypervolume as it was: only
    // points that join the front pay for a new one.
    const bool joins =
        v && std::none_of(seen.begin(), seen.end(), [&](const std::vector<double>& f) {
          return f == *v || dominates(f, *v);
        });
    if (joins) {
      seen.push_back(std::move(*v));
      // Only the front matters for later hypervolumes: keep the list short.
      std::vector<std::vector<double>> front;
      for (std::size_t k : pareto_front(seen)) front.push_back(std::move(seen[k]));
      seen = std::move(front);
      result.hypervolume_trace.push_back(hypervolume(seen, reference));
    } else {
      result.hypervolume_trace.push_back(
          result.hypervolume_trace.empty() ? 0.0 : result.hypervolume_trace.back());
    }
    result.points.push_back(std::move(p));
    if (progress) progress(result.points.size());
  }

  result.front = front_of(result.points, objectives);
  result.hypervolume = hypervolume_of(result.points, objectives, setup.reference);
  if (store) {
    StoredFront f;
    f.kind = "search";
    for (Objective o : objectives) {
      f.objectives.push_back(objective_name(o));
      f.reference.push_back(value_of(setup.reference, o));
    }
    f.hypervolume = result.hypervolume;
    for (std::size_t i : result.front) f.members.push_back(result.points[i].hash);
    store->put_front(search, f);
    store->finish_search(search);
  }
  return result;
}

}  // namespace hawx::search
