// SPDX-License-Identifier: MIT
// `hawx`: the HAWX method as a search strategy (docs/search.md, "The hawx strategy").
//
// 1. Predicted front. Every unit (a layer or a filter) and candidate has a hawx score (the error
//    it adds), and the guidance predicts what a point costs (search/guidance.h). Small spaces
//    (layer level) are enumerated: the pool is every point that no other point beats in score
//    and in every cost objective at once. Large spaces (filter level) cannot be: for each set of
//    multiplier types the hardware may carry, every gene starts on its least-scored candidate of
//    the set; per gene, the candidates on the upper convex hull of (score, saving), priced on that
//    hardware, are steps; all genes' steps, sorted by saving per unit of score, applied one after
//    another give a chain from "least error" to "everything that saves", one chain per set and
//    cost objective (the greedy of the multiple-choice knapsack). Units whose score buys little
//    saving come last and are never reached in the useful part of a chain: that is the pruning.
// 2. Anchors. The exact design, the pool's harshest point and one in between (in log score) are
//    measured first.
// 3. Verify and refine, until the budget is spent: the accuracy drop model is refitted on every
//    measured (score, drop) pair (Guidance::fit_drop, monotone) and the next point is the one
//    whose predicted metrics would add the most hypervolume to the measured front. In an
//    enumerated space every point is a candidate, predicted from the measured point nearest it
//    (fewest genes differing): its measured metrics plus the predicted differences of accuracy
//    and costs, so what the scores get wrong about a neighbourhood its measurement corrects; in a
//    chained pool the predictions are global, the costs scaled by the median measured/predicted
//    ratio. It stops early when no open point is predicted to add more than `hawx_stop_gain` of
//    the measured front's hypervolume (with 0 it spends the budget: when no point promises
//    anything it explores the one whose score is farthest, in log, from every measured one), or
//    when the pool is measured out.
// Proposals are sequential (one outstanding point) and deterministic.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include "core/errors.h"
#include "search/guidance.h"
#include "search/strategy.h"

namespace hawx::search {

double Guidance::score(const Point& point) const {
  double s = 0.0;
  for (std::size_t g = 0; g < point.size(); ++g) s += unit_score(g, point[g]);
  return s;
}

Metrics Guidance::costs_on(const Point& point, const std::vector<bool>&) const {
  return costs(point);
}

namespace {

constexpr std::uint64_t kEnumerate = 200000;  // spaces up to this size are enumerated

struct PoolPoint {
  Point point;
  double score = 0.0;
  Metrics costs;  // predicted energy, area, cycles
  bool proposed = false;
  bool predicted_front = true;  // on the front the scores and cost predictions alone predict
};

class Hawx final : public Strategy {
 public:
  explicit Hawx(const StrategyContext& c)
      : space_(c.space), options_(c.options), reference_(c.reference) {
    if (!c.guidance) {
      throw ConfigError(
          "strategy 'hawx' needs the hawx scores and predictions: run it through `hawx-cosim run` "
          "(or give the search a Guidance)");
    }
    guidance_ = c.guidance;
    if (std::find(options_.objectives.begin(), options_.objectives.end(), Objective::kAccuracy) ==
        options_.objectives.end()) {
      throw ConfigError("strategy 'hawx' needs accuracy among the search's objectives");
    }
    for (Objective o : options_.objectives) {
      if (o != Objective::kAccuracy) costs_.push_back(o);
    }
    build_pool();
  }

  std::optional<Point> propose() override {
    if (done() || outstanding_) return std::nullopt;
    const std::size_t next = choose();
    if (next == kNone) {
      exhausted_ = true;
      return std::nullopt;
    }
    pool_[next].proposed = true;
    outstanding_ = true;
    ++proposed_;
    last_ = next;
    return pool_[next].point;
  }

  void report(const Point& point, const Outcome& outcome) override {
    outstanding_ = false;
    if (point != pool_[last_].point) return;  // not ours; nothing to learn
    if (!outcome.ok) return;
    const Metrics m = outcome.best_known();
    if (std::isnan(m.accuracy)) return;
    measured_.push_back({last_, m});
  }

  bool done() const override {
    return exhausted_ || proposed_ >= options_.budget || proposed_ >= pool_.size();
  }

  std::size_t pool_size() const { return pool_.size(); }

 private:
  static constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

  std::vector<double> key_of(double score, const Metrics& costs) const {
    std::vector<double> v{score};
    for (Objective o : costs_) v.push_back(value_of(costs, o));
    return v;
  }

  void add_to_pool(const Point& p, std::map<Point, std::size_t>& index) {
    if (index.count(p)) return;
    index.emplace(p, pool_.size());
    PoolPoint q;
    q.point = p;
    q.score = guidance_->score(p);
    q.costs = guidance_->costs(p);
    pool_.push_back(std::move(q));
  }

  void build_pool() {
    const std::size_t genes = space_.genes();
    const std::size_t k = space_.choices();
    unit_score_.assign(genes, std::vector<double>(k, 0.0));
    for (std::size_t g = 0; g < genes; ++g) {
      for (std::uint16_t c = 1; c < k; ++c) unit_score_[g][c] = guidance_->unit_score(g, c);
    }
    std::map<Point, std::size_t> index;
    add_to_pool(space_.uniform(0), index);  // pool_[0]: the first anchor, the drops' origin
    const auto size = space_.size();
    if (size && *size <= kEnumerate) {
      enumerate(index);
      return;
    }
    // The hardware sets the chains run on: every set of candidates when there are few, else each
    // candidate alone, with exact, and all of them.
    std::vector<std::vector<bool>> sets;
    if (k <= 6) {
      for (std::uint32_t mask = 1; mask < (1u << k); ++mask) {
        std::vector<bool> set(k);
        for (std::size_t c = 0; c < k; ++c) set[c] = (mask >> c) & 1u;
        sets.push_back(set);
      }
    } else {
      for (std::size_t c = 0; c < k; ++c) {
        std::vector<bool> alone(k, false), with_exact(k, false);
        alone[c] = with_exact[c] = with_exact[0] = true;
        sets.push_back(alone);
        if (c > 0) sets.push_back(with_exact);
      }
      sets.emplace_back(k, true);
    }
    for (const auto& set : sets) {
      for (std::size_t o = 0; o < std::max<std::size_t>(costs_.size(), 1); ++o) {
        chain(set, o, index);
      }
    }
  }

  // The non-dominated points in (score, costs) of the whole space.
  void enumerate(std::map<Point, std::size_t>& index) {
    struct Candidate {
      std::vector<double> key;
      Point point;
    };
    std::vector<Candidate> all;
    Point p = space_.uniform(0);
    do {
      all.push_back({key_of(guidance_->score(p), guidance_->costs(p)), p});
    } while (space_.next(p));
    std::sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) {
      return a.key != b.key ? a.key < b.key : a.point < b.point;
    });
    // Sorted by score first: a point can only be dominated by one kept before it.
    std::vector<const Candidate*> front;
    for (const auto& c : all) {
      const bool beaten = std::any_of(front.begin(), front.end(), [&](const Candidate* f) {
        return f->key == c.key || dominates(f->key, c.key);
      });
      if (!beaten) front.push_back(&c);
    }
    for (const Candidate* c : front) add_to_pool(c->point, index);
    // The rest of the space too, off the predicted front: once points are measured, predictions
    // anchored on them can move a point the global prediction ranked poorly onto the front.
    for (auto& p : pool_) p.predicted_front = true;
    for (const auto& c : all) {
      if (index.count(c.point)) continue;
      add_to_pool(c.point, index);
      pool_.back().predicted_front = false;
    }
    enumerated_ = true;
  }

  // The greedy chain on cost objective `o` (energy when none is given) among the candidates of
  // `set`, priced on hardware carrying them: from every gene on its least-scored candidate of the
  // set, the steps of the genes' hulls in order of saving per unit of score.
  void chain(const std::vector<bool>& set, std::size_t o, std::map<Point, std::size_t>& index) {
    const Objective objective = costs_.empty() ? Objective::kEnergy : costs_[o];
    const std::size_t genes = space_.genes();
    Point base(genes, 0);
    for (std::size_t g = 0; g < genes; ++g) {
      double best = std::numeric_limits<double>::infinity();
      for (std::uint16_t c = 0; c < space_.choices(); ++c) {
        if (set[c] && unit_score_[g][c] < best) {
          best = unit_score_[g][c];
          base[g] = c;
        }
      }
    }
    const double base_cost = value_of(guidance_->costs_on(base, set), objective);
    struct Step {
      double slope;  // saving per unit of score (infinite for a free saving)
      std::size_t gene;
      std::uint16_t to;
    };
    std::vector<Step> steps;
    Point probe = base;
    for (std::size_t g = 0; g < genes; ++g) {
      // (score, saving) of each candidate of the set, relative to the base.
      std::vector<double> score(space_.choices(), 0.0), saving(space_.choices(), 0.0);
      for (std::uint16_t c = 0; c < space_.choices(); ++c) {
        if (!set[c] || c == base[g]) continue;
        probe[g] = c;
        score[c] = unit_score_[g][c] - unit_score_[g][base[g]];
        saving[c] = base_cost - value_of(guidance_->costs_on(probe, set), objective);
      }
      probe[g] = base[g];
      // Upper convex hull of (score, saving) from the base's candidate.
      double s0 = 0.0, d0 = 0.0;
      std::vector<bool> used(space_.choices(), false);
      for (;;) {
        double best = -1.0;
        std::uint16_t pick = 0;
        bool found = false;
        for (std::uint16_t c = 0; c < space_.choices(); ++c) {
          if (!set[c] || c == base[g] || used[c]) continue;
          if (saving[c] <= d0 || score[c] < s0) continue;
          const double slope = score[c] > s0 ? (saving[c] - d0) / (score[c] - s0)
                                             : std::numeric_limits<double>::infinity();
          if (slope > best) {
            best = slope;
            pick = c;
            found = true;
          }
        }
        if (!found) break;
        used[pick] = true;
        steps.push_back({best, g, pick});
        s0 = score[pick];
        d0 = saving[pick];
      }
    }
    // Within a gene the hull's slopes fall, so a stable sort keeps each gene's steps in order.
    std::stable_sort(steps.begin(), steps.end(),
                     [](const Step& a, const Step& b) { return a.slope > b.slope; });
    Point p = base;
    add_to_pool(p, index);
    for (const Step& s : steps) {
      p[s.gene] = s.to;
      add_to_pool(p, index);
    }
  }

  // Predicted metrics of pool point i under the current models.
  Metrics predicted(std::size_t i, const std::function<double(double)>& drop,
                    const Metrics& scale) const {
    if (enumerated_) return anchored(i, drop);
    Metrics m = pool_[i].costs;
    m.accuracy = exact_accuracy_ - drop(pool_[i].score) / 100.0;
    m.energy *= scale.energy;
    m.area *= scale.area;
    m.cycles *= scale.cycles;
    return m;
  }

  // The prediction of pool point i anchored on the measured point nearest it (fewest genes
  // differing, then the nearest score): its measured metrics plus the predicted differences.
  // Whatever the global model gets wrong about that neighbourhood, the anchor has measured.
  Metrics anchored(std::size_t i, const std::function<double(double)>& drop) const {
    const PoolPoint& q = pool_[i];
    const std::pair<std::size_t, Metrics>* anchor = nullptr;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    double best_gap = std::numeric_limits<double>::infinity();
    for (const auto& m : measured_) {
      const Point& a = pool_[m.first].point;
      std::size_t d = 0;
      for (std::size_t g = 0; g < a.size(); ++g) d += a[g] != q.point[g] ? 1 : 0;
      const double gap = std::abs(pool_[m.first].score - q.score);
      if (d < best_distance || (d == best_distance && gap < best_gap)) {
        best_distance = d;
        best_gap = gap;
        anchor = &m;
      }
    }
    const PoolPoint& a = pool_[anchor->first];
    const Metrics& at = anchor->second;
    Metrics m;
    m.accuracy = at.accuracy - (drop(q.score) - drop(a.score)) / 100.0;
    m.energy = at.energy + (q.costs.energy - a.costs.energy);
    m.area = at.area + (q.costs.area - a.costs.area);
    m.cycles = at.cycles + (q.costs.cycles - a.costs.cycles);
    return m;
  }

  // The drop model fitted on every measured point's (score, drop).
  std::function<double(double)> fit_drop() const {
    std::vector<DropSample> samples{{0.0, 0.0}};
    for (const auto& [i, m] : measured_) {
      if (i != 0 && pool_[i].score > 0.0) {
        samples.push_back({pool_[i].score, 100.0 * (exact_accuracy_ - m.accuracy)});
      }
    }
    return samples.size() >= 2 ? guidance_->fit_drop(samples)
                               : std::function<double(double)>([](double) { return 0.0; });
  }

  std::vector<double> reference_point() const {
    Metrics r = reference_;
    if (std::isnan(r.accuracy)) r.accuracy = 0.0;
    const Metrics* exact = nullptr;
    for (const auto& [i, m] : measured_) {
      if (i == 0) exact = &m;
    }
    for (auto [field, o] :
         {std::pair{&r.energy, Objective::kEnergy}, std::pair{&r.area, Objective::kArea},
          std::pair{&r.cycles, Objective::kCycles}}) {
      if (std::isnan(*field)) *field = 1.1 * value_of(exact ? *exact : pool_[0].costs, o);
    }
    return minimised(r, options_.objectives);
  }

  static double median(std::vector<double> v) {
    if (v.empty()) return 1.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }

  std::size_t choose() {
    // Anchors: the exact design, the harshest pool point, one in between.
    std::vector<std::size_t> open;
    for (std::size_t i = 0; i < pool_.size(); ++i) {
      if (!pool_[i].proposed) open.push_back(i);
    }
    if (open.empty()) return kNone;
    if (proposed_ == 0) return 0;
    std::vector<std::size_t> open_front;  // anchors come from the predicted front
    for (std::size_t i : open) {
      if (pool_[i].predicted_front) open_front.push_back(i);
    }
    if (open_front.empty()) open_front = open;
    if (proposed_ == 1) {
      return *std::max_element(
          open_front.begin(), open_front.end(),
          [&](std::size_t a, std::size_t b) { return pool_[a].score < pool_[b].score; });
    }
    if (measured_.empty()) return open.front();
    // The exact design is proposed first; had it failed, the best measured accuracy stands in.
    exact_accuracy_ = measured_.front().second.accuracy;
    if (measured_.front().first != 0) {
      for (const auto& [i, m] : measured_) exact_accuracy_ = std::max(exact_accuracy_, m.accuracy);
    }
    if (proposed_ == 2) return midway_in_log_score(open_front);

    // Refine: the drop model and the cost scales from everything measured.
    const auto drop = fit_drop();
    std::vector<double> re, ra, rc;
    for (const auto& [i, m] : measured_) {
      const Metrics& p = pool_[i].costs;
      if (p.energy > 0 && m.energy > 0) re.push_back(m.energy / p.energy);
      if (p.area > 0 && m.area > 0) ra.push_back(m.area / p.area);
      if (p.cycles > 0 && m.cycles > 0) rc.push_back(m.cycles / p.cycles);
    }
    const Metrics scale(1.0, median(re), median(ra), median(rc));

    const std::vector<double> reference = reference_point();
    std::vector<std::vector<double>> front;
    for (const auto& [i, m] : measured_) front.push_back(minimised(m, options_.objectives));
    {
      std::vector<std::vector<double>> kept;
      for (std::size_t k : pareto_front(front)) kept.push_back(front[k]);
      front = std::move(kept);
    }
    const double now = front.empty() ? 0.0 : hypervolume(front, reference);
    std::size_t best = kNone;
    double best_gain = 0.0;
    for (std::size_t i : open) {
      auto with = front;
      with.push_back(minimised(predicted(i, drop, scale), options_.objectives));
      const double gain = hypervolume(with, reference) - now;
      if (gain > best_gain * (1.0 + 1e-12) + 1e-300) {
        best_gain = gain;
        best = i;
      }
    }
    // Nothing promises enough: stop (the predicted front is confirmed), unless there is no
    // measured front to compare with yet (then explore).
    const double stop = options_.hawx_stop_gain;
    if (now > 0.0 && stop > 0.0 && (best == kNone || best_gain <= stop * now)) return kNone;
    return best != kNone ? best : farthest_in_log_score(open);
  }

  // The open pool point whose log score is nearest the middle of the pool's positive scores'.
  std::size_t midway_in_log_score(const std::vector<std::size_t>& open) const {
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (const auto& p : pool_) {
      if (!p.predicted_front) continue;
      if (p.score > 0.0) lo = std::min(lo, p.score);
      hi = std::max(hi, p.score);
    }
    if (!(hi > 0.0)) return open.front();
    const double middle = 0.5 * (std::log10(lo) + std::log10(hi));
    std::size_t best = open.front();
    double best_distance = std::numeric_limits<double>::infinity();
    for (std::size_t i : open) {
      if (pool_[i].score <= 0.0) continue;
      const double d = std::abs(std::log10(pool_[i].score) - middle);
      if (d < best_distance) {
        best_distance = d;
        best = i;
      }
    }
    return best;
  }

  // The open pool point whose log score is farthest from every measured point's.
  std::size_t farthest_in_log_score(const std::vector<std::size_t>& open) const {
    std::size_t best = open.front();
    double best_distance = -1.0;
    for (std::size_t i : open) {
      const double ls = std::log10(std::max(pool_[i].score, 1e-12));
      double nearest = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < pool_.size(); ++j) {
        if (!pool_[j].proposed) continue;
        nearest = std::min(nearest, std::abs(ls - std::log10(std::max(pool_[j].score, 1e-12))));
      }
      if (nearest > best_distance) {
        best_distance = nearest;
        best = i;
      }
    }
    return best;
  }

  const DesignSpace& space_;
  StrategyOptions options_;
  Metrics reference_;
  const Guidance* guidance_ = nullptr;
  std::vector<Objective> costs_;  // the objectives other than accuracy
  std::vector<std::vector<double>> unit_score_;
  std::vector<PoolPoint> pool_;
  std::vector<std::pair<std::size_t, Metrics>> measured_;  // pool index, measured metrics
  double exact_accuracy_ = 0.0;
  std::size_t proposed_ = 0;
  std::size_t last_ = 0;
  bool outstanding_ = false;
  bool exhausted_ = false;
  bool enumerated_ = false;  // the pool is the whole space
};

}  // namespace
}  // namespace hawx::search

HAWX_REGISTER(hawx::search::StrategyKind, hawx, "hawx",
              "the HAWX method: a predicted front from the hawx scores and cost predictions, "
              "verified point by point while the accuracy model is refitted (needs guidance)",
              [](const hawx::search::StrategyContext& c) {
                return std::unique_ptr<hawx::search::Strategy>(new hawx::search::Hawx(c));
              })
