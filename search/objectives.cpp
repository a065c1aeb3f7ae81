// SPDX-License-Identifier: MIT
#include "search/objectives.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/errors.h"

namespace hawx::search {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

using Points = std::vector<std::vector<double>>;

// Exact hypervolume in the first `d` coordinates of points that all strictly improve on the
// reference in those coordinates.
double hv(Points points, const std::vector<double>& ref, std::size_t d) {
  if (points.empty()) return 0.0;
  if (d == 1) {
    double best = ref[0];
    for (const auto& p : points) best = std::min(best, p[0]);
    return ref[0] - best;
  }
  if (d == 2) {
    std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
      return a[0] < b[0] || (a[0] == b[0] && a[1] < b[1]);
    });
    double volume = 0.0;
    double previous_y = ref[1];
    for (const auto& p : points) {
      if (p[1] < previous_y) {
        volume += (ref[0] - p[0]) * (previous_y - p[1]);
        previous_y = p[1];
      }
    }
    return volume;
  }
  // Slice along the last coordinate: between consecutive values of it, the dominated region's
  // cross-section is the (d-1)-dimensional hypervolume of the points at or below the slice.
  const std::size_t last = d - 1;
  std::sort(points.begin(), points.end(),
            [last](const auto& a, const auto& b) { return a[last] < b[last]; });
  double volume = 0.0;
  Points below;
  for (std::size_t i = 0; i < points.size(); ++i) {
    below.push_back(points[i]);
    const double top = (i + 1 < points.size()) ? points[i + 1][last] : ref[last];
    const double thickness = top - points[i][last];
    if (thickness <= 0.0) continue;
    // Only the points non-dominated in the first d-1 coordinates matter for the cross-section.
    Points projected;
    projected.reserve(below.size());
    for (const auto& p : below) projected.emplace_back(p.begin(), p.begin() + last);
    Points front;
    for (std::size_t k : pareto_front(projected)) front.push_back(std::move(projected[k]));
    below.clear();
    for (auto& p : front) {
      p.push_back(0.0);  // the last coordinate no longer matters: every kept point is below top
      below.push_back(p);
    }
    volume += thickness * hv(front, ref, last);
  }
  return volume;
}

}  // namespace

Metrics::Metrics() : accuracy(kNaN), energy(kNaN), area(kNaN), cycles(kNaN) {}
Metrics::Metrics(double accuracy_, double energy_, double area_, double cycles_)
    : accuracy(accuracy_), energy(energy_), area(area_), cycles(cycles_) {}

bool Metrics::operator==(const Metrics& o) const {
  return same(accuracy, o.accuracy) && same(energy, o.energy) && same(area, o.area) &&
         same(cycles, o.cycles);
}

const char* objective_name(Objective objective) {
  switch (objective) {
    case Objective::kAccuracy:
      return "accuracy";
    case Objective::kEnergy:
      return "energy";
    case Objective::kArea:
      return "area";
    case Objective::kCycles:
      return "cycles";
  }
  return "?";
}

Objective objective_from_name(const std::string& name) {
  for (Objective o :
       {Objective::kAccuracy, Objective::kEnergy, Objective::kArea, Objective::kCycles}) {
    if (name == objective_name(o)) return o;
  }
  throw ConfigError("unknown objective '" + name + "'; expected accuracy, energy, area or cycles");
}

bool maximised(Objective objective) { return objective == Objective::kAccuracy; }

double value_of(const Metrics& m, Objective objective) {
  switch (objective) {
    case Objective::kAccuracy:
      return m.accuracy;
    case Objective::kEnergy:
      return m.energy;
    case Objective::kArea:
      return m.area;
    case Objective::kCycles:
      return m.cycles;
  }
  return kNaN;
}

std::vector<double> minimised(const Metrics& metrics, const std::vector<Objective>& objectives) {
  std::vector<double> out;
  out.reserve(objectives.size());
  for (Objective o : objectives) {
    const double v = value_of(metrics, o);
    out.push_back(maximised(o) ? -v : v);
  }
  return out;
}

std::vector<double> minimised_reference(const Metrics& reference,
                                        const std::vector<Objective>& objectives) {
  return minimised(reference, objectives);
}

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    if (a[i] < b[i]) better = true;
  }
  return better;
}

std::vector<std::size_t> pareto_front(const Points& points) {
  // In lexicographic order a point can only be dominated by points before it, and if any point
  // dominates it, a non-dominated one does (dominance is transitive): one pass against the
  // front found so far suffices.
  std::vector<std::size_t> order(points.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return points[a] < points[b]; });
  std::vector<std::size_t> front;
  for (std::size_t i : order) {
    bool dominated = false;
    for (std::size_t f : front) {
      if (dominates(points[f], points[i])) {
        dominated = true;
        break;
      }
    }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end());
  return front;
}

double hypervolume(const Points& points, const std::vector<double>& reference) {
  const std::size_t d = reference.size();
  if (d == 0 || d > kMaxObjectives) {
    throw Error("hypervolume: " + std::to_string(d) + " objectives; 1 to " +
                std::to_string(kMaxObjectives) + " are supported");
  }
  Points inside;
  for (const auto& p : points) {
    if (p.size() != d) {
      throw Error("hypervolume: a point has " + std::to_string(p.size()) +
                  " objectives, the reference point " + std::to_string(d));
    }
    bool improves = true;
    for (std::size_t i = 0; i < d; ++i) improves = improves && p[i] < reference[i];
    if (improves) inside.push_back(p);
  }
  Points front;
  for (std::size_t k : pareto_front(inside)) front.push_back(std::move(inside[k]));
  return hv(std::move(front), reference, d);
}

}  // namespace hawx::search
