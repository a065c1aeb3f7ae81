// SPDX-License-Identifier: MIT
#include "app/hawx_guidance.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"
#include "scoring/accuracy_predictor.h"

namespace hawx::app {

HawxGuidance::HawxGuidance(const search::DesignSpace& space, const scoring::Scores& scores,
                           CostModel costs, double ceiling)
    : space_(space), scores_(scores), cost_model_(std::move(costs)), ceiling_(ceiling) {
  const std::size_t k = space.choices();
  if (scores.multipliers() != k || scores.layers() != space.layers().size()) {
    throw Error("internal: the hawx scores cover " + std::to_string(scores.multipliers()) +
                " multipliers and " + std::to_string(scores.layers()) +
                " layers; the design space has " + std::to_string(k) + " and " +
                std::to_string(space.layers().size()));
  }
  std::vector<std::size_t> first(space.layers().size(), space.genes());
  for (std::size_t g = space.genes(); g-- > 0;) first[space.layer_of_gene(g)] = g;
  score_.assign(space.genes(), std::vector<double>(k, 0.0));
  for (std::size_t g = 0; g < space.genes(); ++g) {
    const std::size_t l = space.layer_of_gene(g);
    for (std::size_t c = 1; c < k; ++c) {
      score_[g][c] = space.level() == search::Level::kLayer
                         ? scores.layer(c, l)
                         : scores.filters_only(c, l, {g - first[l]});
    }
  }
}

double HawxGuidance::unit_score(std::size_t gene, std::uint16_t candidate) const {
  return score_.at(gene).at(candidate);
}

double HawxGuidance::score(const search::Point& point) const {
  return scores_.model(space_.assignment(point));
}

const HawxGuidance::Table& HawxGuidance::table(const std::vector<bool>& carried) const {
  const auto hit = tables_.find(carried);
  if (hit != tables_.end()) return hit->second;
  std::vector<std::uint16_t> set;
  for (std::uint16_t c = 0; c < carried.size(); ++c) {
    if (carried[c]) set.push_back(c);
  }
  const std::size_t layers = space_.layers().size();
  const std::size_t k = space_.choices();
  Table t;
  t.energy.assign(layers, std::vector<double>(k, NAN));
  t.cycles.assign(layers, std::vector<double>(k, NAN));
  for (std::size_t j = 0; j < set.size(); ++j) {
    std::vector<std::uint16_t> per_layer(layers);
    for (std::size_t l = 0; l < layers; ++l) per_layer[l] = set[(l + j) % set.size()];
    search::Point p(space_.genes());
    for (std::size_t g = 0; g < p.size(); ++g) p[g] = per_layer[space_.layer_of_gene(g)];
    const AcceleratorCost cost = cost_model_(space_.assignment(p));
    ++predictions_;
    if (cost.layer_energy_fj.size() != layers || cost.layer_cycles.size() != layers) {
      throw Error("internal: the cost prediction has " +
                  std::to_string(cost.layer_energy_fj.size()) + " layers; the space has " +
                  std::to_string(layers));
    }
    double layer_energy = 0.0, layer_cycles = 0.0;
    for (std::size_t l = 0; l < layers; ++l) {
      t.energy[l][per_layer[l]] = cost.layer_energy_fj[l];
      t.cycles[l][per_layer[l]] = static_cast<double>(cost.layer_cycles[l]);
      layer_energy += cost.layer_energy_fj[l];
      layer_cycles += static_cast<double>(cost.layer_cycles[l]);
    }
    const double n = static_cast<double>(set.size());
    t.other_energy += (cost.energy_fj - layer_energy) / n;
    t.other_cycles += (static_cast<double>(cost.cycles) - layer_cycles) / n;
    t.area = cost.area_um2;
  }
  return tables_.emplace(carried, std::move(t)).first->second;
}

search::Metrics HawxGuidance::costs(const search::Point& point) const {
  std::vector<bool> used(space_.choices(), false);
  for (const auto c : point) used.at(c) = true;
  return costs_on(point, used);
}

search::Metrics HawxGuidance::costs_on(const search::Point& point,
                                       const std::vector<bool>& carried) const {
  const std::size_t layers = space_.layers().size();
  std::size_t types = 0;
  for (const bool b : carried) types += b ? 1 : 0;
  if (types > layers) {
    // Too few layers to use every type of the set in one assignment: predict the point itself.
    std::vector<bool> used(space_.choices(), false);
    for (const auto c : point) used.at(c) = true;
    if (used != carried) {
      throw Error("internal: a network of " + std::to_string(layers) +
                  " compute layers cannot be priced on hardware carrying " + std::to_string(types) +
                  " multiplier types");
    }
    const AcceleratorCost c = cost_model_(space_.assignment(point));
    ++predictions_;
    return search::Metrics(NAN, c.energy_fj, c.area_um2, static_cast<double>(c.cycles));
  }
  const Table& t = table(carried);
  double energy = t.other_energy, cycles = t.other_cycles;
  for (std::size_t g = 0; g < point.size(); ++g) {
    const std::size_t l = space_.layer_of_gene(g);
    const double share = space_.level() == search::Level::kLayer
                             ? 1.0
                             : 1.0 / static_cast<double>(space_.layers()[l].filters);
    if (!carried.at(point[g])) {
      throw Error("internal: a point priced on hardware that does not carry its multipliers");
    }
    energy += share * t.energy[l][point[g]];
    cycles += share * t.cycles[l][point[g]];
  }
  return search::Metrics(NAN, energy, t.area, cycles);
}

std::function<double(double)> HawxGuidance::fit_drop(
    const std::vector<search::DropSample>& samples) const {
  std::vector<scoring::AccuracySample> fit;
  for (const auto& s : samples) fit.push_back({s.score, std::clamp(s.drop, 0.0, ceiling_)});
  if (fit.size() >= 3) {
    try {
      const auto predictor = scoring::AccuracyPredictor::fit(fit, ceiling_);
      return [predictor](double h) { return predictor.drop(h); };
    } catch (const Error&) {
      // Too few distinct samples for its parameters: interpolate instead.
    }
  }
  // Monotone piecewise-linear interpolation through the samples sorted by score (each drop at
  // least the one before it), flat beyond the last.
  std::sort(fit.begin(), fit.end(), [](const auto& a, const auto& b) { return a.hawx < b.hawx; });
  for (std::size_t i = 1; i < fit.size(); ++i) {
    fit[i].drop = std::max(fit[i].drop, fit[i - 1].drop);
  }
  return [fit](double h) {
    if (fit.empty()) return 0.0;
    if (h <= fit.front().hawx) return fit.front().drop;
    for (std::size_t i = 1; i < fit.size(); ++i) {
      if (h <= fit[i].hawx) {
        const double t = (h - fit[i - 1].hawx) / std::max(fit[i].hawx - fit[i - 1].hawx, 1e-300);
        return fit[i - 1].drop + t * (fit[i].drop - fit[i - 1].drop);
      }
    }
    return fit.back().drop;
  };
}

}  // namespace hawx::app
