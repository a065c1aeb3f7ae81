// SPDX-License-Identifier: MIT
// What a design point costs and how points compare: the metrics an evaluation measures or
// predicts, the objectives a search optimises, Pareto fronts and their hypervolume.
//
// Objectives: accuracy is maximised; energy, area and cycles are minimised. Internally every
// objective is turned into a value to minimise (accuracy -> -accuracy), so one dominance test
// and one hypervolume serve all of them.
//
// Promises:
// - pareto_front() keeps exactly the points that no other point dominates (a point dominates
//   another when it is no worse in every objective and better in at least one); duplicates of a
//   non-dominated point are all kept; the input order is preserved.
// - hypervolume() is exact: the measure of the region dominated by the points and bounded by the
//   reference point, in minimisation space. Points that do not strictly improve on the reference
//   in every objective contribute nothing. 1 to kMaxObjectives objectives; 2-D is a sweep,
//   higher dimensions slice the last objective (HSO) down to the 2-D sweep.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace hawx::search {

// The figures of one assignment, measured or predicted. NaN: not known (e.g. cycles when no
// simulator ran).
struct Metrics {
  double accuracy;  // top-1, fraction in [0, 1]
  double energy;    // per inference, fJ
  double area;      // um^2
  double cycles;    // per inference

  Metrics();
  Metrics(double accuracy, double energy, double area, double cycles);
  bool operator==(const Metrics& o) const;
};

enum class Objective { kAccuracy, kEnergy, kArea, kCycles };

// "accuracy", "energy", "area", "cycles".
const char* objective_name(Objective objective);
// ConfigError naming the choices for anything else.
Objective objective_from_name(const std::string& name);
// True for accuracy: larger is better.
bool maximised(Objective objective);
double value_of(const Metrics& metrics, Objective objective);

constexpr std::size_t kMaxObjectives = 4;

// The objective values of `metrics` as values to minimise, in the order of `objectives`.
std::vector<double> minimised(const Metrics& metrics, const std::vector<Objective>& objectives);
// A reference point given in natural units (accuracy as a fraction) in minimisation space.
std::vector<double> minimised_reference(const Metrics& reference,
                                        const std::vector<Objective>& objectives);

// a dominates b (both in minimisation space, same length).
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// Indices of the non-dominated points among `points` (minimisation space), in input order.
std::vector<std::size_t> pareto_front(const std::vector<std::vector<double>>& points);

// Exact hypervolume of `points` (minimisation space) against `reference`. Error if a point's
// dimension differs from the reference's or the dimension is 0 or above kMaxObjectives.
double hypervolume(const std::vector<std::vector<double>>& points,
                   const std::vector<double>& reference);

}  // namespace hawx::search
