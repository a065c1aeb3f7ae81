// SPDX-License-Identifier: MIT
// `nsga2`: NSGA-II (Deb et al., 2002) over integer genes, one candidate index per unit.
//
// Generation 0 is `population` distinct random points. Each later generation breeds
// `population` offspring: parents by binary tournament (lower non-domination rank wins, then the
// larger crowding distance), crossover with probability crossover_probability (uniform, one-point
// or two-point), then every gene mutated to a different candidate with probability
// mutation_probability. An offspring identical to a point already evaluated or already bred is
// bred again (a few tries) and otherwise dropped: the budget buys only new points. Parents and
// offspring together are then sorted into non-dominated fronts and the next population filled
// front by front, the last front cut by crowding distance. Failed points (and points with an
// unknown objective) rank after every feasible one (Deb's constraint domination).
//
// Ask/tell: propose() hands out the current generation's points one by one and returns nullopt
// until all of them have been reported; the next generation is bred from the reports in the
// generation's own order, so the arrival order of reports does not matter.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "search/strategy.h"

namespace hawx::search {
namespace {

constexpr int kBreedTries = 20;

struct Individual {
  Point point;
  std::optional<std::vector<double>> objectives;  // nullopt: infeasible
  int rank = 0;
  double crowding = 0.0;
};

class Nsga2 final : public Strategy {
 public:
  explicit Nsga2(const StrategyContext& c)
      : space_(c.space), options_(c.options), rng_(c.options.seed) {
    if (options_.population < 2) throw ConfigError("nsga2: the population must be at least 2");
    if (options_.crossover_probability < 0.0 || options_.crossover_probability > 1.0) {
      throw ConfigError("nsga2: the crossover probability must be in [0, 1]");
    }
    mutation_ = options_.mutation_probability > 0.0 ? options_.mutation_probability
                                                    : 1.0 / static_cast<double>(space_.genes());
    if (mutation_ > 1.0) throw ConfigError("nsga2: the mutation probability must be in [0, 1]");
    const auto size = space_.size();
    std::uint64_t want = std::min<std::uint64_t>(options_.population, options_.budget);
    if (size) want = std::min(want, *size);
    while (generation_.size() < want) {
      Point p = space_.sample(rng_);
      if (bred_.insert(p).second) generation_.push_back(std::move(p));
    }
    finished_ = generation_.empty();
  }

  std::optional<Point> propose() override {
    if (proposed_ >= options_.budget || handed_ >= generation_.size()) return std::nullopt;
    ++proposed_;
    return generation_[handed_++];
  }

  void report(const Point& point, const Outcome& outcome) override {
    if (!results_.emplace(point, outcome.objectives(options_.objectives)).second) {
      throw Error("nsga2: a point was reported twice");
    }
    ++reported_;
    if (reported_ == proposed_ && (handed_ == generation_.size() || proposed_ >= options_.budget)) {
      advance();
    }
  }

  bool done() const override { return finished_; }

 private:
  // Every proposed point of the generation has been reported: select and breed the next one.
  void advance() {
    std::vector<Individual> merged = population_;
    for (std::size_t i = 0; i < handed_; ++i) {
      merged.push_back({generation_[i], results_.at(generation_[i])});
    }
    population_ = select(std::move(merged));
    generation_.clear();
    handed_ = 0;
    if (proposed_ >= options_.budget) {
      finished_ = true;
      return;
    }
    breed();
    if (generation_.empty()) finished_ = true;  // nothing new can be bred: the space is used up
  }

  // Non-dominated sorting (feasible points only; infeasible ones form the last front), crowding
  // distances, and the best `population` individuals.
  std::vector<Individual> select(std::vector<Individual> all) {
    assign_ranks(all);
    std::vector<std::size_t> order(all.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (all[a].rank != all[b].rank) return all[a].rank < all[b].rank;
      return all[a].crowding > all[b].crowding;
    });
    std::vector<Individual> kept;
    for (std::size_t i = 0; i < order.size() && kept.size() < options_.population; ++i) {
      kept.push_back(all[order[i]]);
    }
    // Ranks and crowding of the survivors among themselves drive the next tournaments.
    assign_ranks(kept);
    return kept;
  }

  void assign_ranks(std::vector<Individual>& all) const {
    const std::size_t n = all.size();
    std::vector<std::vector<std::size_t>> dominated(n);
    std::vector<int> count(n, 0);
    std::vector<std::size_t> current;
    int infeasible_rank = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!all[i].objectives) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (i == j || !all[j].objectives) continue;
        if (dominates(*all[i].objectives, *all[j].objectives)) {
          dominated[i].push_back(j);
        } else if (dominates(*all[j].objectives, *all[i].objectives)) {
          ++count[i];
        }
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (all[i].objectives && count[i] == 0) current.push_back(i);
    }
    int rank = 0;
    while (!current.empty()) {
      crowding(all, current);
      std::vector<std::size_t> next;
      for (std::size_t i : current) {
        all[i].rank = rank;
        for (std::size_t j : dominated[i]) {
          if (--count[j] == 0) next.push_back(j);
        }
      }
      std::sort(next.begin(), next.end());
      current = std::move(next);
      ++rank;
    }
    infeasible_rank = rank;
    for (auto& ind : all) {
      if (!ind.objectives) {
        ind.rank = infeasible_rank;
        ind.crowding = 0.0;
      }
    }
  }

  static void crowding(std::vector<Individual>& all, const std::vector<std::size_t>& front) {
    for (std::size_t i : front) all[i].crowding = 0.0;
    if (front.empty()) return;
    const std::size_t m = all[front.front()].objectives->size();
    std::vector<std::size_t> order = front;
    for (std::size_t k = 0; k < m; ++k) {
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return (*all[a].objectives)[k] < (*all[b].objectives)[k];
      });
      const double lo = (*all[order.front()].objectives)[k];
      const double hi = (*all[order.back()].objectives)[k];
      all[order.front()].crowding = std::numeric_limits<double>::infinity();
      all[order.back()].crowding = std::numeric_limits<double>::infinity();
      if (hi <= lo) continue;
      for (std::size_t i = 1; i + 1 < order.size(); ++i) {
        all[order[i]].crowding +=
            ((*all[order[i + 1]].objectives)[k] - (*all[order[i - 1]].objectives)[k]) / (hi - lo);
      }
    }
  }

  const Individual& tournament() {
    const std::size_t a = rng_.below(population_.size());
    std::size_t b = rng_.below(population_.size() - 1);
    if (b >= a) ++b;
    const Individual& x = population_[a];
    const Individual& y = population_[b];
    if (x.rank != y.rank) return x.rank < y.rank ? x : y;
    return x.crowding >= y.crowding ? x : y;
  }

  void crossover(Point& a, Point& b) {
    if (rng_.real() >= options_.crossover_probability) return;
    const std::size_t n = a.size();
    switch (options_.crossover) {
      case Crossover::kUniform:
        for (std::size_t g = 0; g < n; ++g) {
          if (rng_.below(2)) std::swap(a[g], b[g]);
        }
        break;
      case Crossover::kOnePoint: {
        if (n < 2) return;
        const std::size_t cut = 1 + rng_.below(n - 1);
        for (std::size_t g = cut; g < n; ++g) std::swap(a[g], b[g]);
        break;
      }
      case Crossover::kTwoPoint: {
        if (n < 2) return;
        std::size_t i = rng_.below(n + 1), j = rng_.below(n + 1);
        if (i > j) std::swap(i, j);
        for (std::size_t g = i; g < j; ++g) std::swap(a[g], b[g]);
        break;
      }
    }
  }

  void mutate(Point& p) {
    if (space_.choices() < 2) return;
    for (auto& gene : p) {
      if (rng_.real() < mutation_) {
        auto other = static_cast<std::uint16_t>(rng_.below(space_.choices() - 1));
        gene = other >= gene ? static_cast<std::uint16_t>(other + 1) : other;
      }
    }
  }

  void breed() {
    const std::uint64_t left = options_.budget - proposed_;
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(options_.population, left));
    int failures = 0;
    while (generation_.size() < want && failures < kBreedTries * static_cast<int>(want)) {
      Point a = tournament().point;
      Point b = tournament().point;
      crossover(a, b);
      mutate(a);
      mutate(b);
      bool added = false;
      for (Point* child : {&a, &b}) {
        if (generation_.size() < want && bred_.insert(*child).second) {
          generation_.push_back(*child);
          added = true;
        }
      }
      if (!added) ++failures;
    }
  }

  // Parameters.
  const DesignSpace& space_;
  StrategyOptions options_;
  double mutation_ = 0.0;
  // State.
  Rng rng_;
  std::vector<Individual> population_;
  std::vector<Point> generation_;  // the points being evaluated
  std::size_t handed_ = 0;         // of generation_, proposed so far
  std::set<Point> bred_;           // every point ever put in a generation
  std::map<Point, std::optional<std::vector<double>>> results_;
  std::uint64_t proposed_ = 0;
  std::uint64_t reported_ = 0;
  bool finished_ = false;
};

}  // namespace
}  // namespace hawx::search

HAWX_REGISTER(hawx::search::StrategyKind, nsga2, "nsga2",
              "NSGA-II over the genes (tournament, crossover, per-gene mutation; seeded)",
              [](const hawx::search::StrategyContext& c) {
                return std::unique_ptr<hawx::search::Strategy>(new hawx::search::Nsga2(c));
              })
