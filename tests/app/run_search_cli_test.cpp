// SPDX-License-Identifier: MIT
// `hawx-cosim run CONFIG` with a search section, end to end on the quickstart study made small
// (1,000 test images, 100 profiling images, a 4x4 array): every stage runs, the strategies are
// compared, the results store holds every evaluation with measured and predicted costs, the
// report is written and the last line says where; a second run takes everything from the store;
// a run killed with SIGKILL in the middle of its search resumes without evaluating anything
// committed and ends with the same front; bad search settings give one error naming the key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "search/store.h"
#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
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

// Evaluations committed to a results store so far (0 while it does not exist yet).
int committed(const fs::path& db) {
  if (!fs::exists(db)) return 0;
  sqlite3* handle = nullptr;
  int n = 0;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(handle, 1000);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(handle, "SELECT count(*) FROM evaluations", -1, &st, nullptr) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
      n = sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(handle);
  return n;
}

TEST(RunSearchCliTest, AKilledRunResumesWithoutRedoingCommittedEvaluations) {
  test::TempDir dir;
  const std::vector<std::string> search = {"-p", "search.strategies=[random]", "-p",
                                           "search.budget=40"};
  // Uninterrupted.
  const auto whole = run_tool(small(dir / "whole", search));
  ASSERT_EQ(whole.code, 0) << whole.err;
  const auto expected = nlohmann::json::parse(test::read_file(dir / "whole" / "stats.json"));
  ASSERT_EQ(expected["search"]["random-layer"]["evaluated"], 40);

  // Killed with SIGKILL once some evaluations are committed.
  const fs::path out = dir / "killed";
  std::vector<std::string> argv = small(out, search);
  argv.insert(argv.begin(), test::tool_path().string());
  const pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(126);
    std::vector<char*> c;
    for (auto& a : argv) c.push_back(a.data());
    c.push_back(nullptr);
    execv(c[0], c.data());
    _exit(127);
  }
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (committed(out / "results.db") < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed";
  const int before = committed(out / "results.db");
  ASSERT_GE(before, 10);
  ASSERT_LT(before, 40);

  // Run again: only what was not committed is evaluated, and the front is the same.
  const auto resumed = run_tool(small(out, search));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const auto stats = nlohmann::json::parse(test::read_file(out / "stats.json"));
  EXPECT_EQ(stats["search"]["random-layer"]["evaluated"], 40 - before);
  EXPECT_EQ(stats["search"]["random-layer"]["points"], 40);
  EXPECT_EQ(stats["search"]["random-layer"]["front"], expected["search"]["random-layer"]["front"]);
  EXPECT_DOUBLE_EQ(stats["search"]["random-layer"]["hypervolume"].get<double>(),
                   expected["search"]["random-layer"]["hypervolume"].get<double>());
  EXPECT_EQ(committed(out / "results.db"), 40);
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
  const auto accelerator = run_tool(small(dir / "d", {"-p", "search.accelerator=gpu"}));
  EXPECT_EQ(accelerator.code, 2);
  EXPECT_THAT(accelerator.err, HasSubstr("search.accelerator"));
  EXPECT_THAT(accelerator.err, HasSubstr("expected systolic or simt"));
  // A study whose accelerator section is missing.
  const auto simt = run_tool(small(dir / "e", {"-p", "search.accelerator=simt"}));
  EXPECT_EQ(simt.code, 2);
  EXPECT_THAT(simt.err,
              HasSubstr("search.accelerator is simt, but the study has no simt: section"));
  EXPECT_THAT(simt.out, Not(HasSubstr("accuracy of"))) << "checked before the long stages";
  // The predictors model the weight-stationary array only: hawx cannot run on an os array.
  const auto os = run_tool(small(dir / "c", {"-p", "systolic.dataflow=os"}));
  EXPECT_EQ(os.code, 2);
  EXPECT_THAT(os.err, HasSubstr("strategy 'hawx' needs them"));
}

}  // namespace
}  // namespace hawx
