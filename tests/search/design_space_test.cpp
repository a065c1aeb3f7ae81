// SPDX-License-Identifier: MIT
// Design spaces: sizes, the enumeration order exhaustive search relies on, sampling, keys and
// hashes, and the spaces of the real LeNet-5.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "models/engine/engine.h"
#include "models/engine/network.h"
#include "models/onnx/graph.h"
#include "search/design_space.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

DesignSpace small(Level level) {
  return DesignSpace(level, {{"conv1", 2}, {"conv2", 3}, {"fc", 1}}, {"exact", "a", "b"});
}

TEST(DesignSpaceTest, SizesOfBothLevels) {
  EXPECT_EQ(small(Level::kLayer).genes(), 3u);
  EXPECT_EQ(*small(Level::kLayer).size(), 27u);
  EXPECT_EQ(small(Level::kFilter).genes(), 6u);
  EXPECT_EQ(*small(Level::kFilter).size(), 729u);
  EXPECT_NEAR(small(Level::kFilter).log10_size(), 6 * std::log10(3.0), 1e-12);
  // 3^236 does not fit 64 bits.
  const DesignSpace big(Level::kFilter, {{"l", 236}}, {"exact", "a", "b"});
  EXPECT_FALSE(big.size().has_value());
  EXPECT_NEAR(big.log10_size(), 112.6, 0.1);
}

TEST(DesignSpaceTest, EnumerationVariesTheLastLayerFastest) {
  const DesignSpace s = small(Level::kLayer);
  EXPECT_THAT(s.at(0), ElementsAre(0, 0, 0));
  EXPECT_THAT(s.at(1), ElementsAre(0, 0, 1));
  EXPECT_THAT(s.at(3), ElementsAre(0, 1, 0));
  EXPECT_THAT(s.at(26), ElementsAre(2, 2, 2));
  EXPECT_THROW(s.at(27), Error);
  Point p = s.uniform(0);
  std::set<Point> seen = {p};
  std::uint64_t i = 0;
  while (s.next(p)) {
    ++i;
    EXPECT_EQ(p, s.at(i));
    seen.insert(p);
  }
  EXPECT_EQ(i + 1, 27u);
  EXPECT_EQ(seen.size(), 27u);
  EXPECT_THAT(p, ElementsAre(0, 0, 0));  // wrapped around
}

TEST(DesignSpaceTest, LeadingLayersInCommon) {
  const DesignSpace f = small(Level::kFilter);
  EXPECT_EQ(f.leading_layers_in_common({0, 0, 1, 1, 1, 2}, {0, 0, 1, 1, 1, 2}), 3u);
  EXPECT_EQ(f.leading_layers_in_common({0, 0, 1, 1, 1, 2}, {0, 0, 1, 1, 2, 2}), 1u);
  EXPECT_EQ(f.leading_layers_in_common({0, 1, 1, 1, 1, 2}, {0, 0, 1, 1, 2, 2}), 0u);
  const DesignSpace l = small(Level::kLayer);
  EXPECT_EQ(l.leading_layers_in_common({1, 2, 0}, {1, 2, 1}), 2u);
}

TEST(DesignSpaceTest, KeysAreCanonicalAcrossLevels) {
  const DesignSpace l = small(Level::kLayer);
  const DesignSpace f = small(Level::kFilter);
  EXPECT_EQ(l.key({1, 0, 2}), "exact|a|b#1;0;2");
  EXPECT_EQ(l.key({1, 0, 2}), f.key({1, 1, 0, 0, 0, 2}));
  EXPECT_EQ(l.hash({1, 0, 2}), f.hash({1, 1, 0, 0, 0, 2}));
  EXPECT_EQ(f.key({1, 2, 0, 0, 0, 2}), "exact|a|b#1,2;0;2");
  EXPECT_NE(f.hash({1, 2, 0, 0, 0, 2}), f.hash({2, 1, 0, 0, 0, 2}));
  EXPECT_EQ(l.hash({1, 0, 2}).size(), 16u);
  EXPECT_EQ(fnv1a_hex(""), "cbf29ce484222325");   // FNV-1a's offset basis
  EXPECT_EQ(fnv1a_hex("a"), "af63dc4c8601ec8c");  // the published test vector
  // The candidates are part of the key: index 1 means another multiplier in another space.
  const DesignSpace other(Level::kLayer, {{"conv1", 2}, {"conv2", 3}, {"fc", 1}},
                          {"exact", "b", "a"});
  EXPECT_NE(other.hash({1, 0, 2}), l.hash({1, 0, 2}));
  EXPECT_EQ(f.describe({1, 2, 0, 0, 0, 2}), "{a:1 b:1}, exact, b");
}

TEST(DesignSpaceTest, SamplingStaysInTheSpaceAndCoversIt) {
  const DesignSpace s = small(Level::kLayer);
  Rng rng(3);
  std::set<Point> seen;
  for (int i = 0; i < 2000; ++i) {
    Point p = s.sample(rng);
    s.check(p);
    seen.insert(p);
  }
  EXPECT_EQ(seen.size(), 27u);
}

TEST(DesignSpaceTest, BadPointsAndSpacesAreErrors) {
  const DesignSpace s = small(Level::kLayer);
  EXPECT_THAT(test::message_of<Error>([&] { s.check({0, 0}); }), HasSubstr("2 genes"));
  EXPECT_THAT(test::message_of<Error>([&] { s.check({0, 0, 3}); }), HasSubstr("candidate 3"));
  EXPECT_THROW(DesignSpace(Level::kLayer, {}, {"exact"}), Error);
  EXPECT_THROW(DesignSpace(Level::kLayer, {{"x", 1}}, {}), Error);
  EXPECT_THROW(DesignSpace(Level::kLayer, {{"x", 0}}, {"exact"}), Error);
  EXPECT_THROW(level_from_name("model"), ConfigError);
}

TEST(DesignSpaceTest, SpacesOfTheRealLeNet5) {
  const auto graph = models::load_onnx(test::source_dir() / "models/zoo/lenet5.onnx");
  const models::Network net = models::lower(graph, {1, 28, 28});
  const std::vector<std::string> c = {"exact", "mul8u_trunc4", "mul8u_drum4"};
  const auto layer = DesignSpace::of_network(Level::kLayer, net, c);
  const auto filter = DesignSpace::of_network(Level::kFilter, net, c);
  EXPECT_EQ(layer.genes(), 5u);
  EXPECT_EQ(*layer.size(), 243u);  // 3^5, the paper's layer-level LeNet-5 space
  EXPECT_EQ(filter.genes(), 236u);
  EXPECT_FALSE(filter.size().has_value());
  // The point converts to the engine's assignment with one entry per filter.
  const models::Assignment a = layer.assignment({0, 1, 2, 1, 0});
  ASSERT_EQ(a.filters.size(), 5u);
  const auto compute = net.compute_layers();
  for (std::size_t l = 0; l < 5; ++l) {
    EXPECT_EQ(a.filters[l].size(),
              static_cast<std::size_t>(net.layers[static_cast<std::size_t>(compute[l])].filters()));
  }
  EXPECT_EQ(a.filters[2].front(), 2);
  EXPECT_EQ(a.filters, models::Assignment::per_layer(net, {0, 1, 2, 1, 0}).filters);
}

}  // namespace
}  // namespace hawx::search
