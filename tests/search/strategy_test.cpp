// SPDX-License-Identifier: MIT
// The strategies through their ask/tell interface: exhaustive order and count, random's
// distinctness, NSGA-II's determinism and progress, budgets and failures as data.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "core/registry.h"
#include "search/search.h"
#include "search/strategy.h"
#include "tests/search/synthetic.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

using ::testing::HasSubstr;

// Proposes and reports until done, sequentially; returns the proposals.
std::vector<Point> drive(Strategy& s, const std::function<Outcome(const Point&)>& evaluate) {
  std::vector<Point> out;
  while (!s.done()) {
    auto p = s.propose();
    if (!p) break;
    out.push_back(*p);
    s.report(*p, evaluate(*p));
  }
  return out;
}

TEST(StrategyTest, RegisteredByName) {
  const auto names = Registry<StrategyKind>::instance().names();
  EXPECT_THAT(names, ::testing::IsSupersetOf({"exhaustive", "nsga2", "random"}));
  const DesignSpace space(Level::kLayer, {{"a", 1}}, {"exact", "m"});
  EXPECT_THAT(test::message_of<ConfigError>([&] {
                make_strategy("annealing", {space, {}});
              }),
              HasSubstr("unknown strategy 'annealing'; registered: exhaustive"));
}

TEST(ExhaustiveTest, EveryPointOnceLastLayerFastestWithPrefixHints) {
  const synthetic::SyntheticProblem problem(4, 3, 1);
  const DesignSpace space = problem.space();
  StrategyOptions o;
  o.budget = 81;
  auto s = make_strategy("exhaustive", {space, o});
  std::vector<Point> seen;
  std::vector<std::size_t> hints;
  while (!s->done()) {
    auto p = s->propose();
    ASSERT_TRUE(p);
    hints.push_back(s->upcoming_shared_layers());
    seen.push_back(*p);
    s->report(*p, problem.evaluate(*p));
  }
  ASSERT_EQ(seen.size(), 81u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], space.at(i));
  // The hint is exactly the leading layers the next point shares: 3 of 4 for two points in three.
  for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
    EXPECT_EQ(hints[i], space.leading_layers_in_common(seen[i], seen[i + 1])) << i;
  }
  EXPECT_EQ(std::count(hints.begin(), hints.end(), 3u), 54);
  EXPECT_EQ(hints.back(), 0u);
  EXPECT_FALSE(s->propose());
}

TEST(ExhaustiveTest, RefusesASpaceLargerThanTheBudget) {
  const synthetic::SyntheticProblem problem(5, 3, 1);
  const DesignSpace space = problem.space();
  StrategyOptions o;
  o.budget = 242;
  EXPECT_THAT(test::message_of<ConfigError>([&] {
                make_strategy("exhaustive", {space, o});
              }),
              HasSubstr("needs 243 evaluations; the budget is 242"));
  const DesignSpace huge(Level::kFilter, {{"l", 236}}, {"exact", "a", "b"});
  EXPECT_THAT(test::message_of<ConfigError>([&] {
                make_strategy("exhaustive", {huge, o});
              }),
              HasSubstr("needs 10^112"));
}

TEST(RandomTest, DistinctSeededAndWithinBudget) {
  const synthetic::SyntheticProblem problem(6, 4, 2);
  const DesignSpace space = problem.space();  // 4096 points
  for (std::uint64_t budget : {50u, 3000u, 5000u}) {
    StrategyOptions o;
    o.budget = budget;
    o.seed = 9;
    auto a = make_strategy("random", {space, o});
    auto b = make_strategy("random", {space, o});
    const auto pa = drive(*a, [&](const Point& p) { return problem.evaluate(p); });
    const auto pb = drive(*b, [&](const Point& p) { return problem.evaluate(p); });
    EXPECT_EQ(pa, pb);
    EXPECT_EQ(pa.size(), std::min<std::uint64_t>(budget, 4096));
    EXPECT_EQ(std::set<Point>(pa.begin(), pa.end()).size(), pa.size());
  }
  // A large space (rejection of repeats).
  const DesignSpace big = synthetic::SyntheticProblem(40, 3, 2).space();
  StrategyOptions o;
  o.budget = 500;
  auto r = make_strategy("random", {big, o});
  const auto points = drive(*r, [](const Point&) { return Outcome::failed("not evaluated"); });
  EXPECT_EQ(points.size(), 500u);
  EXPECT_EQ(std::set<Point>(points.begin(), points.end()).size(), 500u);
}

TEST(Nsga2Test, DeterministicForASeedWhateverTheReportOrder) {
  const synthetic::SyntheticProblem problem(10, 4, 3);
  const DesignSpace space = problem.space();
  StrategyOptions o;
  o.budget = 300;
  o.seed = 5;
  auto sequential = make_strategy("nsga2", {space, o});
  const auto a = drive(*sequential, [&](const Point& p) { return problem.evaluate(p); });
  EXPECT_EQ(a.size(), 300u);
  EXPECT_EQ(std::set<Point>(a.begin(), a.end()).size(), 300u);

  // Ask for everything available, then report in reverse order.
  auto batched = make_strategy("nsga2", {space, o});
  std::vector<Point> b;
  while (!batched->done()) {
    std::vector<Point> batch;
    while (auto p = batched->propose()) batch.push_back(*p);
    ASSERT_FALSE(batch.empty());
    b.insert(b.end(), batch.begin(), batch.end());
    for (auto it = batch.rbegin(); it != batch.rend(); ++it) {
      batched->report(*it, problem.evaluate(*it));
    }
  }
  EXPECT_EQ(a, b);

  o.seed = 6;
  auto other = make_strategy("nsga2", {space, o});
  EXPECT_NE(a, drive(*other, [&](const Point& p) { return problem.evaluate(p); }));
}

// The exact front of the synthetic problem by enumerating all of its points.
double exhaustive_hypervolume(const synthetic::SyntheticProblem& problem, const DesignSpace& space,
                              const std::vector<Objective>& objectives, const Metrics& reference) {
  std::vector<std::vector<double>> values;
  Point p = space.uniform(0);
  do {
    values.push_back(*problem.evaluate(p).objectives(objectives));
  } while (space.next(p));
  return hypervolume(values, minimised(reference, objectives));
}

TEST(Nsga2Test, ImprovesHypervolumeOverGenerationsAndBeatsRandom) {
  const synthetic::SyntheticProblem problem(10, 4, 4);  // 4^10 = 1,048,576 points
  const DesignSpace space = problem.space();
  const std::vector<Objective> objectives = {Objective::kAccuracy, Objective::kEnergy};
  const Metrics reference(0.5, 60.0, 0.0, 0.0);
  const double best = exhaustive_hypervolume(problem, space, objectives, reference);
  ASSERT_GT(best, 0.0);
  auto evaluate = [&](const Point& p, std::size_t) { return problem.evaluate(p); };

  double nsga2_total = 0.0, random_total = 0.0;
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    SearchSetup setup;
    setup.name = "nsga2";
    setup.strategy = "nsga2";
    setup.reference = reference;
    setup.options.budget = 1000;
    setup.options.seed = seed;
    setup.options.population = 20;
    const SearchResult r = run_search(space, setup, evaluate, nullptr);
    ASSERT_EQ(r.points.size(), 1000u);
    const double first_generation = r.hypervolume_trace[19];
    const double tenth = r.hypervolume_trace[199];
    std::cout << "seed " << seed << ": hypervolume / exhaustive after 1 generation "
              << first_generation / best << ", 10: " << tenth / best
              << ", 50: " << r.hypervolume / best << "\n";
    EXPECT_GT(tenth, first_generation);
    EXPECT_GT(r.hypervolume, tenth);
    EXPECT_GT(r.hypervolume / best, 0.95);
    nsga2_total += r.hypervolume;

    setup.strategy = "random";
    const SearchResult q = run_search(space, setup, evaluate, nullptr);
    random_total += q.hypervolume;
    std::cout << "  random at the same budget: " << q.hypervolume / best << "\n";
  }
  EXPECT_GT(nsga2_total, random_total);
}

TEST(Nsga2Test, FailuresAreDataAndRankLast) {
  const synthetic::SyntheticProblem problem(8, 3, 5);
  const DesignSpace space = problem.space();
  SearchSetup setup;
  setup.name = "nsga2";
  setup.strategy = "nsga2";
  setup.reference = Metrics(0.5, 60.0, 0.0, 0.0);
  setup.options.budget = 400;
  // Points that put the last candidate on layer 0 "do not fit".
  auto evaluate = [&](const Point& p, std::size_t) {
    if (p[0] == 2) return Outcome::failed("does not fit the array");
    Outcome o = problem.evaluate(p);
    if (p[1] == 1) o.measured.energy = std::nan("");  // an objective not known
    return o;
  };
  const SearchResult r = run_search(space, setup, evaluate, nullptr);
  EXPECT_EQ(r.points.size(), 400u);
  EXPECT_GT(r.failed, 0u);
  EXPECT_FALSE(r.front.empty());
  for (std::size_t i : r.front) {
    EXPECT_TRUE(r.points[i].outcome.ok);
    EXPECT_NE(r.points[i].point[0], 2);
    EXPECT_NE(r.points[i].point[1], 1);
  }
  // Selection steers away from failures: far fewer than random search meets (5/9 of the space is
  // feasible).
  setup.strategy = "random";
  const SearchResult q = run_search(space, setup, evaluate, nullptr);
  std::size_t unknown = 0;
  for (const auto& p : r.points) unknown += p.outcome.ok && p.point[1] == 1;
  std::size_t random_unknown = 0;
  for (const auto& p : q.points) random_unknown += p.outcome.ok && p.point[1] == 1;
  std::cout << "nsga2: " << r.failed << " failed, " << unknown
            << " unknown of 400; random: " << q.failed << " failed, " << random_unknown
            << " unknown\n";
  EXPECT_LT(2 * (r.failed + unknown), q.failed + random_unknown);
}

TEST(Nsga2Test, SmallSpaceEndsWhenNothingNewCanBeBred) {
  const synthetic::SyntheticProblem problem(3, 2, 6);  // 8 points
  const DesignSpace space = problem.space();
  StrategyOptions o;
  o.budget = 100;
  o.population = 4;
  auto s = make_strategy("nsga2", {space, o});
  const auto points = drive(*s, [&](const Point& p) { return problem.evaluate(p); });
  EXPECT_LE(points.size(), 8u);
  EXPECT_EQ(std::set<Point>(points.begin(), points.end()).size(), points.size());
  EXPECT_TRUE(s->done());
}

TEST(Nsga2Test, CrossoversAndBadOptions) {
  const synthetic::SyntheticProblem problem(12, 3, 7);
  const DesignSpace space = problem.space();
  for (Crossover c : {Crossover::kUniform, Crossover::kOnePoint, Crossover::kTwoPoint}) {
    StrategyOptions o;
    o.budget = 200;
    o.crossover = c;
    auto s = make_strategy("nsga2", {space, o});
    const auto points = drive(*s, [&](const Point& p) { return problem.evaluate(p); });
    EXPECT_EQ(points.size(), 200u) << crossover_name(c);
    EXPECT_EQ(crossover_from_name(crossover_name(c)), c);
  }
  StrategyOptions bad;
  bad.population = 1;
  EXPECT_THROW(make_strategy("nsga2", {space, bad}), ConfigError);
  bad.population = 10;
  bad.crossover_probability = 1.5;
  EXPECT_THROW(make_strategy("nsga2", {space, bad}), ConfigError);
  EXPECT_THROW(crossover_from_name("three_point"), ConfigError);
}

}  // namespace
}  // namespace hawx::search
