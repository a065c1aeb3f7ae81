// SPDX-License-Identifier: MIT
// Accuracy by the engine inside a search: exhaustive search over the real LeNet-5's layer-level
// space reuses the engine's prefix once per block of points and gets, point for point, the
// accuracy of a full evaluation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "models/engine/network.h"
#include "models/onnx/graph.h"
#include "search/engine_accuracy.h"
#include "search/search.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

// An unsigned 8x8 multiplier whose product loses its low `bits` bits (defined here, not a
// library multiplier: enough to make layers differ).
rtl::ProductTable truncated(int bits) {
  rtl::ProductTable t(false);
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      t.set_raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b),
                static_cast<std::uint16_t>((a * b) >> bits << bits));
    }
  }
  return t;
}

TEST(EngineAccuracyTest, ExhaustiveReusesPrefixesAndMatchesFullEvaluations) {
  models::Dataset test = models::load_dataset("mnist", {test::data_dir(), models::Split::kTest});
  test.truncate(300);
  const models::Network net =
      models::lower(models::load_onnx(test::source_dir() / "models/zoo/lenet5.onnx"), {1, 28, 28});
  const models::Engine engine(
      models::quantize(net, models::OperandFormat::kSignMagnitude, test, 50),
      {rtl::exact_table(false), truncated(9), truncated(11)});
  const DesignSpace space =
      DesignSpace::of_network(Level::kLayer, net, {"exact", "trunc9", "trunc11"});
  EngineAccuracy accuracy(engine, test, space, 2);

  SearchSetup setup;
  setup.name = "exhaustive";
  setup.strategy = "exhaustive";
  setup.options.budget = 243;
  setup.options.objectives = {Objective::kAccuracy};
  setup.reference = Metrics(0.0, 0.0, 0.0, 0.0);
  const SearchResult r = run_search(
      space, setup,
      [&](const Point& p, std::size_t shared) {
        Outcome o;
        o.measured.accuracy = accuracy.evaluate(p, shared).accuracy();
        return o;
      },
      nullptr);
  ASSERT_EQ(r.points.size(), 243u);
  // One prefix of the first four layers per block of three points that differ in the last.
  EXPECT_EQ(accuracy.prefixes_built(), 81u);
  EXPECT_EQ(accuracy.prefix_uses(), 243u);
  EXPECT_EQ(accuracy.layers_skipped(), 243u * 4);
  double lowest = 1.0;
  for (const auto& p : r.points) {
    const double full = engine.evaluate(test, space.assignment(p.point), 2).accuracy();
    EXPECT_EQ(p.outcome.measured.accuracy, full) << space.describe(p.point);
    lowest = std::min(lowest, full);
  }
  EXPECT_LT(lowest, r.points.front().outcome.measured.accuracy);  // the candidates matter
}

}  // namespace
}  // namespace hawx::search
