// SPDX-License-Identifier: MIT
// `hawx-cosim run CONFIG` with a search section, end to end on the quickstart study made small
// (1,000 test images, 100 profiling images, a 4x4 array): every stage runs, the strategies are
// compared, the results store holds every evaluation with measured and predicted costs, the
// report is written and the last line says where; a second run takes everything from the store;
// bad search settings give one error naming the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "search/store.h"
#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;
using test::run_tool;

std::vector<std::string> small(const fs::path& out, const std::vector<std::string>& more) {
  std::vector<std::string> args = {
      "run",   (test::source_dir() / "configs/quickstart.yaml").string(),
      "-p",    "dataset.root=" + test::data_dir().string(),
      "-p",    "dataset.test_limit=1000",
      "-p",    "scoring.profile_images=100",
      "-p",    "scoring.gain_images=50",
      "-p",    "systolic.rows=4",
      "-p",    "systolic.cols=4",
      "--out", out.string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string last_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return last;
}

TEST(RunSearchCliTest, EveryStageRunsAndTheReportIsWhereTheLastLineSays) {
  test::TempDir dir;
  const fs::path out = dir / "out";
  const auto r =
      run_tool(small(out, {"-p", "search.strategies=[hawx,random]", "-p", "search.budget=6"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stages run: config, dataset, multipliers, accuracy, profile, "
                               "score, search, verify, report"));
  EXPECT_THAT(r.out, HasSubstr("search (layer level, 5 genes x 3 candidates"));
  EXPECT_THAT(r.out, HasSubstr("  hawx "));
  EXPECT_THAT(r.out, HasSubstr("  random "));
  EXPECT_EQ(last_line(r.out).rfind("report: " + (out / "report" / "summary.md").string(), 0), 0u)
      << last_line(r.out);
  EXPECT_TRUE(fs::exists(out / "report" / "summary.md"));
  EXPECT_TRUE(fs::exists(out / "layer_scores.csv"));

  // The store: both searches, every evaluation with measured accuracy and costs (SystemC) and
  // the predictors' costs beside them.
  search::ResultsStore store(out / "results.db", search::ResultsStore::ForReading{});
  ASSERT_EQ(store.searches().size(), 2u);
  const auto evaluations = store.evaluations();
  ASSERT_GE(evaluations.size(), 6u);
  ASSERT_LE(evaluations.size(), 12u);
  for (const auto& e : evaluations) {
    ASSERT_TRUE(e.outcome.ok) << e.outcome.failure;
    EXPECT_GT(e.outcome.measured.accuracy, 0.0);
    EXPECT_GT(e.outcome.measured.energy, 0.0);
    EXPECT_GT(e.outcome.predicted.energy, 0.0);
    // The predictors are within a few percent of the simulation (docs/scoring.md).
    EXPECT_NEAR(e.outcome.predicted.energy / e.outcome.measured.energy, 1.0, 0.1) << e.assignment;
  }
  const auto stats = nlohmann::json::parse(test::read_file(out / "stats.json"));
  EXPECT_EQ(stats["search"]["hawx-layer"]["points"].get<int>() <= 6, true);
  EXPECT_EQ(stats["search"]["random-layer"]["points"], 6);

  // A second run measures nothing again: every point comes from the store.
  const auto again =
      run_tool(small(out, {"-p", "search.strategies=[hawx,random]", "-p", "search.budget=6"}));
  ASSERT_EQ(again.code, 0) << again.err;
  const auto stats2 = nlohmann::json::parse(test::read_file(out / "stats.json"));
  EXPECT_EQ(stats2["search"]["hawx-layer"]["evaluated"], 0);
  EXPECT_EQ(stats2["search"]["random-layer"]["evaluated"], 0);
  EXPECT_EQ(stats2["search"]["hawx-layer"]["hypervolume"],
            stats["search"]["hawx-layer"]["hypervolume"]);
}

TEST(RunSearchCliTest, BadSearchSettingsNameTheKey) {
  test::TempDir dir;
  const auto unknown = run_tool(small(dir / "a", {"-p", "search.strategies=[hawx,annealing]"}));
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("search.strategies"));
  EXPECT_THAT(unknown.err, HasSubstr("unknown strategy 'annealing'"));
  const auto costs = run_tool(small(dir / "b", {"-p", "search.costs=guess"}));
  EXPECT_EQ(costs.code, 2);
  EXPECT_THAT(costs.err, HasSubstr("search.costs"));
  // The predictors model the weight-stationary array only: hawx cannot run on an os array.
  const auto os = run_tool(small(dir / "c", {"-p", "systolic.dataflow=os"}));
  EXPECT_EQ(os.code, 2);
  EXPECT_THAT(os.err, HasSubstr("strategy 'hawx' needs them"));
}

}  // namespace
}  // namespace hawx
