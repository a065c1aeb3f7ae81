// SPDX-License-Identifier: MIT
// Pareto fronts and hypervolume against hand-computed cases, an independent inclusion-exclusion
// computation and a Monte Carlo estimate.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/errors.h"
#include "search/objectives.h"
#include "search/rng.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

using Points = std::vector<std::vector<double>>;
using ::testing::ElementsAre;

TEST(ParetoTest, KeepsExactlyTheNonDominatedPointsInInputOrder) {
  const Points p = {
      {3, 1},      // 0 front
      {2.5, 2.5},  // 1 dominated by 2
      {2, 2},      // 2 front
      {1, 3},      // 3 front
      {2, 2},      // 4 duplicate of a front point: kept
      {4, 4},      // 5 dominated
      {1, 3.5},    // 6 dominated by 3 (equal first, worse second)
  };
  EXPECT_THAT(pareto_front(p), ElementsAre(0, 2, 3, 4));
}

TEST(ParetoTest, ThreeObjectives) {
  const Points p = {{1, 2, 3}, {2, 3, 1}, {3, 1, 2}, {3, 3, 3}, {1, 2, 4}, {0, 9, 9}};
  EXPECT_THAT(pareto_front(p), ElementsAre(0, 1, 2, 5));
  EXPECT_TRUE(pareto_front({}).empty());
}

TEST(ParetoTest, DominanceAndObjectiveDirections) {
  EXPECT_TRUE(dominates({1, 2}, {1, 3}));
  EXPECT_FALSE(dominates({1, 2}, {1, 2}));
  EXPECT_FALSE(dominates({1, 3}, {2, 2}));
  const Metrics m(0.98, 100.0, 5.0, 7.0);
  const std::vector<Objective> all = {Objective::kAccuracy, Objective::kEnergy, Objective::kArea,
                                      Objective::kCycles};
  EXPECT_THAT(minimised(m, all), ElementsAre(-0.98, 100.0, 5.0, 7.0));
  EXPECT_EQ(objective_from_name("area"), Objective::kArea);
  EXPECT_THAT(test::message_of<ConfigError>([] { objective_from_name("power"); }),
              ::testing::HasSubstr("unknown objective 'power'"));
}

TEST(HypervolumeTest, HandComputed1D2D) {
  EXPECT_DOUBLE_EQ(hypervolume({{1}, {3}}, {4}), 3.0);
  // A staircase: 3 + 2 + 1.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, {4, 4}), 6.0);
  // Dominated points, a point outside the reference box and one on its boundary add nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2.5, 2.5}, {2, 2}, {3, 1}, {5, 0}, {0, 4}}, {4, 4}), 6.0);
  EXPECT_DOUBLE_EQ(hypervolume({}, {4, 4}), 0.0);
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0}}, {2, 3}), 6.0);
}

TEST(HypervolumeTest, HandComputed3D) {
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0}}, {1, 2, 3}), 6.0);
  // Boxes 4 and 2 overlapping in a unit cube.
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 1}, {1, 1, 0}}, {2, 2, 2}), 5.0);
  // Three boxes of 6, pairwise overlaps of 2, a common unit cube: 18 - 6 + 1.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2, 3}, {2, 3, 1}, {3, 1, 2}}, {4, 4, 4}), 13.0);
}

TEST(HypervolumeTest, HandComputed4D) {
  // Boxes of 24 each, overlapping in [4,5]x[3,5]x[3,5]x[4,5] = 4.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2, 3, 4}, {4, 3, 2, 1}}, {5, 5, 5, 5}), 44.0);
  EXPECT_DOUBLE_EQ(hypervolume({{1, 1, 1, 1}, {2, 2, 2, 2}}, {3, 3, 3, 3}), 16.0);
}

// The union of boxes by inclusion-exclusion over every subset: exponential, independent of the
// slicing algorithm.
double inclusion_exclusion(const Points& p, const std::vector<double>& ref) {
  const std::size_t n = p.size();
  const std::size_t d = ref.size();
  double total = 0.0;
  for (std::uint32_t mask = 1; mask < (1u << n); ++mask) {
    double volume = 1.0;
    for (std::size_t k = 0; k < d; ++k) {
      double lower = -1e300;
      for (std::size_t i = 0; i < n; ++i) {
        if (mask & (1u << i)) lower = std::max(lower, p[i][k]);
      }
      volume *= std::max(0.0, ref[k] - lower);
    }
    total += (__builtin_popcount(mask) % 2 ? 1.0 : -1.0) * volume;
  }
  return total;
}

Points random_points(Rng& rng, std::size_t n, std::size_t d) {
  Points p(n, std::vector<double>(d));
  for (auto& x : p) {
    for (auto& v : x) v = rng.real();
  }
  return p;
}

TEST(HypervolumeTest, AgreesWithInclusionExclusion) {
  Rng rng(7);
  for (std::size_t d = 2; d <= kMaxObjectives; ++d) {
    for (int trial = 0; trial < 20; ++trial) {
      const Points p = random_points(rng, 10, d);
      const std::vector<double> ref(d, 1.0);
      EXPECT_NEAR(hypervolume(p, ref), inclusion_exclusion(p, ref), 1e-12)
          << d << " objectives, trial " << trial;
    }
  }
}

TEST(HypervolumeTest, AgreesWithMonteCarlo) {
  Rng rng(11);
  for (std::size_t d = 2; d <= kMaxObjectives; ++d) {
    // Points near a sphere's surface give a real front in every dimension.
    Points p;
    for (int i = 0; i < 60; ++i) {
      std::vector<double> x(d);
      double norm = 0.0;
      for (auto& v : x) {
        v = 0.05 + rng.real();
        norm += v * v;
      }
      for (auto& v : x) v = v / std::sqrt(norm);
      p.push_back(x);
    }
    const std::vector<double> ref(d, 1.2);
    const double exact = hypervolume(p, ref);
    const int samples = 200000;
    int inside = 0;
    for (int s = 0; s < samples; ++s) {
      std::vector<double> y(d);
      for (auto& v : y) v = 1.2 * rng.real();
      for (const auto& x : p) {
        if (std::equal(x.begin(), x.end(), y.begin(), [](double a, double b) { return a <= b; })) {
          ++inside;
          break;
        }
      }
    }
    const double box = std::pow(1.2, static_cast<double>(d));
    const double share = static_cast<double>(inside) / samples;
    const double estimate = share * box;
    const double sigma = box * std::sqrt(share * (1.0 - share) / samples);
    EXPECT_GT(exact, 0.0);
    EXPECT_NEAR(exact, estimate, 4.0 * sigma) << d << " objectives";
  }
}

TEST(HypervolumeTest, RejectsMismatchedDimensions) {
  EXPECT_THROW(hypervolume({{1, 2, 3}}, {4, 4}), Error);
  EXPECT_THROW(hypervolume({{1, 1, 1, 1, 1}}, {2, 2, 2, 2, 2}), Error);
  EXPECT_THROW(hypervolume({}, {}), Error);
}

}  // namespace
}  // namespace hawx::search
