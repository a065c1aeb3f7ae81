// SPDX-License-Identifier: MIT
// The `search:` section: defaults, every key read, and one clear error per mistake.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "core/config.h"
#include "search/search_spec.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

SearchSpec read(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto doc = config::Document::parse(yaml, "study.yaml", ".", overrides);
  const SearchSpec spec = SearchSpec::read(doc->root().section("search", "the search"));
  doc->finish();
  return spec;
}

std::string error_of(const std::string& yaml) {
  return test::message_of<ConfigError>([&] { read(yaml); });
}

TEST(SearchSpecTest, Defaults) {
  const SearchSpec s = read("search: {}\n");
  EXPECT_EQ(s.level, Level::kLayer);
  EXPECT_THAT(s.strategies, ElementsAre("nsga2", "random"));
  EXPECT_EQ(s.options.budget, 100u);
  EXPECT_THAT(s.options.objectives, ElementsAre(Objective::kAccuracy, Objective::kEnergy));
  EXPECT_EQ(s.options.population, 20u);
  EXPECT_TRUE(std::isnan(s.reference.energy));
  const Metrics r = s.reference_for(Metrics(0.99, 1000.0, 50.0, 10.0));
  EXPECT_EQ(r.accuracy, 0.0);
  EXPECT_DOUBLE_EQ(r.energy, 1100.0);
  EXPECT_DOUBLE_EQ(r.area, 55.0);
}

TEST(SearchSpecTest, EveryKey) {
  const SearchSpec s = read(
      "search:\n"
      "  level: filter\n"
      "  strategies: [exhaustive, nsga2]\n"
      "  budget: 243\n"
      "  seed: 7\n"
      "  objectives: [accuracy, energy, area, cycles]\n"
      "  reference: {accuracy: 0.5, energy: 2.0e6}\n"
      "  reference_margin: 0.2\n"
      "  nsga2: {population: 30, crossover: two_point, crossover_probability: 0.8,\n"
      "          mutation_probability: 0.05}\n",
      {"search.seed=8"});
  EXPECT_EQ(s.level, Level::kFilter);
  EXPECT_THAT(s.strategies, ElementsAre("exhaustive", "nsga2"));
  EXPECT_EQ(s.options.budget, 243u);
  EXPECT_EQ(s.options.seed, 8u);
  EXPECT_EQ(s.options.objectives.size(), 4u);
  EXPECT_EQ(s.options.population, 30u);
  EXPECT_EQ(s.options.crossover, Crossover::kTwoPoint);
  EXPECT_EQ(s.options.crossover_probability, 0.8);
  EXPECT_EQ(s.options.mutation_probability, 0.05);
  const Metrics r = s.reference_for(Metrics(0.99, 1000.0, 50.0, 10.0));
  EXPECT_EQ(r.accuracy, 0.5);
  EXPECT_EQ(r.energy, 2.0e6);
  EXPECT_DOUBLE_EQ(r.cycles, 12.0);
}

TEST(SearchSpecTest, MistakesNameTheKey) {
  EXPECT_THAT(error_of("search:\n  strategies: [nsga2, annealing]\n"),
              HasSubstr("study.yaml:2:15: search.strategies: unknown strategy 'annealing'"));
  EXPECT_THAT(error_of("search:\n  strategies: [nsga2, nsga2]\n"), HasSubstr("listed twice"));
  EXPECT_THAT(error_of("search:\n  objectives: [accuracy, power]\n"),
              HasSubstr("search.objectives: unknown objective 'power'"));
  EXPECT_THAT(error_of("search:\n  objectives: []\n"), HasSubstr("1 to 4 objectives"));
  EXPECT_THAT(error_of("search:\n  level: model\n"), HasSubstr("search.level"));
  EXPECT_THAT(error_of("search:\n  budget: 0\n"), HasSubstr("search.budget"));
  EXPECT_THAT(error_of("search:\n  nsga2: {population: 1}\n"),
              HasSubstr("search.nsga2.population"));
  EXPECT_THAT(error_of("search:\n  nsga2: {crossover: three_point}\n"),
              HasSubstr("search.nsga2.crossover"));
  EXPECT_THAT(error_of("search:\n  reference: {power: 3}\n"), HasSubstr("search.reference.power"));
  EXPECT_THAT(error_of("search:\n  budjet: 3\n"), HasSubstr("search.budjet"));
}

}  // namespace
}  // namespace hawx::search
