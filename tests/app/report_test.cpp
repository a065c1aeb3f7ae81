// SPDX-License-Identifier: MIT
// The report of an output folder (app/report.h, `hawx-cosim report DIR`), on small stores made
// here through the store's own API by real searches over a synthetic problem: the exports hold
// every stored evaluation, the fronts are the Pareto fronts of the stored points, the
// hypervolume curves end at the searches' own hypervolumes, the summary names every strategy,
// the PNGs are PNG files; a corrupt, foreign or missing store is a clear error with a non-zero
// exit, an empty store a clear message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "app/report.h"
#include "core/errors.h"
#include "search/search.h"
#include "search/store.h"
#include "tests/search/synthetic.h"
#include "tests/support/test_support.h"

namespace hawx::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace hawx::search;

const std::vector<Objective> kObjectives = {Objective::kAccuracy, Objective::kEnergy,
                                            Objective::kArea};

// A CSV file as rows of fields (the exports quote fields with commas; this reads them back).
std::vector<std::vector<std::string>> read_csv(const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> row;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
      const char c = line[i];
      if (quoted) {
        if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
          field += '"';
          ++i;
        } else if (c == '"') {
          quoted = false;
        } else {
          field += c;
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

std::size_t column(const std::vector<std::string>& header, const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return i;
  }
  ADD_FAILURE() << "no column " << name;
  return 0;
}

struct MadeStore {
  std::map<std::string, SearchResult> results;  // by search name
  std::map<std::string, std::string> strategy;  // of each search
};

// Three searches (exhaustive, random, nsga2) over a 4-layer, 3-candidate synthetic space
// (81 points), in one store; with `predictions`, every point also carries predicted metrics.
MadeStore make_store(const fs::path& file, bool predictions) {
  const synthetic::SyntheticProblem problem(4, 3, 7);
  const DesignSpace space = problem.space();
  ResultsStore store(file, "name: report_study\n");
  store.put_multiplier("m1", R"({"mae": 1.5, "area": {"um2": 400}})");
  store.put_multiplier("m2", R"({"mae": 12.25, "area": {"um2": 300}})");
  const auto evaluate = [&](const Point& p, std::size_t) {
    Outcome o = problem.evaluate(p);
    if (predictions) {
      o.predicted = Metrics(o.measured.accuracy - 0.003, o.measured.energy * 1.02, o.measured.area,
                            std::nan(""));
    }
    return o;
  };
  MadeStore made;
  SearchSetup setup;
  setup.options.objectives = kObjectives;
  setup.reference = Metrics(0.5, 40.0, 4.5, std::nan(""));
  for (const auto& [name, strategy, budget] :
       std::vector<std::tuple<std::string, std::string, std::uint64_t>>{
           {"exhaustive", "exhaustive", 81},
           {"random-1", "random", 15},
           {"nsga2-1", "nsga2", 16}}) {
    SearchSetup s = setup;
    s.name = name;
    s.strategy = strategy;
    s.options.budget = budget;
    s.options.population = 8;
    made.results[name] = run_search(space, s, evaluate, &store);
    made.strategy[name] = strategy;
  }
  return made;
}

bool has_matplotlib() {
  return test::run_shell("/usr/bin/python3 -c 'import matplotlib'").code == 0;
}

bool is_png(const fs::path& file) {
  const std::string bytes = test::read_file(file);
  return bytes.size() > 24 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 &&
         bytes.compare(12, 4, "IHDR") == 0;
}

class ReportTest : public ::testing::Test {
 protected:
  test::TempDir dir;
  fs::path out() const { return dir / "out"; }
};

TEST_F(ReportTest, EvaluationsCsvHoldsEveryStoredEvaluationWithItsColumns) {
  make_store(out() / "results.db", false);
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  EXPECT_EQ(r.folder, out() / "report");
  EXPECT_EQ(r.evaluations, 81u);
  EXPECT_EQ(r.searches, 3u);

  const auto rows = read_csv(r.folder / "evaluations.csv");
  const std::vector<std::string> header = {"hash",
                                           "assignment",
                                           "key",
                                           "ok",
                                           "failure",
                                           "accuracy",
                                           "energy",
                                           "area",
                                           "cycles",
                                           "predicted_accuracy",
                                           "predicted_energy",
                                           "predicted_area",
                                           "predicted_cycles",
                                           "seconds",
                                           "finished_at",
                                           "session",
                                           "searches",
                                           "front"};
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], header);
  ASSERT_EQ(rows.size(), 82u);

  ResultsStore store(out() / "results.db", ResultsStore::ForReading{});
  std::map<std::string, StoredEvaluation> stored;
  for (auto& e : store.evaluations()) stored[e.hash] = e;
  std::set<std::string> seen;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), header.size()) << "row " << i;
    ASSERT_TRUE(stored.count(row[0])) << row[0];
    const StoredEvaluation& e = stored[row[0]];
    seen.insert(row[0]);
    EXPECT_EQ(row[1], e.assignment);
    EXPECT_EQ(row[2], e.key);
    EXPECT_EQ(row[3], "1");
    EXPECT_NEAR(std::stod(row[5]), e.outcome.measured.accuracy, 1e-11);
    EXPECT_NEAR(std::stod(row[6]), e.outcome.measured.energy, 1e-9);
    EXPECT_NEAR(std::stod(row[7]), e.outcome.measured.area, 1e-9);
    EXPECT_EQ(row[9], "");                          // no prediction: an empty field, not 0 or nan
    EXPECT_THAT(row[16], HasSubstr("exhaustive"));  // exhaustive proposed every point
  }
  EXPECT_EQ(seen.size(), 81u);

  const auto multipliers = read_csv(r.folder / "multipliers.csv");
  ASSERT_EQ(multipliers.size(), 3u);
  EXPECT_EQ(multipliers[0], (std::vector<std::string>{"multiplier", "area.um2", "mae"}));
  EXPECT_EQ(multipliers[2], (std::vector<std::string>{"m2", "300", "12.25"}));

  // report.json holds the same evaluations.
  const auto j = nlohmann::json::parse(test::read_file(r.folder / "report.json"));
  EXPECT_EQ(j["study"], "report_study");
  EXPECT_EQ(j["evaluations"].size(), 81u);
  EXPECT_EQ(j["searches"].size(), 3u);
}

TEST_F(ReportTest, FrontsAreTheParetoFrontsOfTheStoredPoints) {
  const MadeStore made = make_store(out() / "results.db", false);
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  const auto rows = read_csv(r.folder / "fronts.csv");
  ASSERT_FALSE(rows.empty());
  const auto& h = rows[0];
  const std::size_t scope = column(h, "scope"), name = column(h, "name"),
                    objectives = column(h, "objectives"), hash = column(h, "hash");
  std::map<std::pair<std::string, std::string>, std::multiset<std::string>> csv;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    csv[{rows[i][scope] + ":" + rows[i][name], rows[i][objectives]}].insert(rows[i][hash]);
  }

  // Each search: pareto_front of its stored points over its objectives.
  ResultsStore store(out() / "results.db", ResultsStore::ForReading{});
  for (const auto& s : store.searches()) {
    std::vector<std::vector<double>> values;
    std::vector<std::string> hashes;
    for (const auto& e : store.evaluations(s.id)) {
      values.push_back(*e.outcome.objectives(kObjectives));
      hashes.push_back(e.hash);
    }
    std::multiset<std::string> expected;
    for (std::size_t k : pareto_front(values)) expected.insert(hashes[k]);
    EXPECT_EQ((csv[{"search:" + s.name, "accuracy;energy;area"}]), expected) << s.name;
    // ... which is also the front the search itself found and stored.
    std::multiset<std::string> found;
    for (std::size_t k : made.results.at(s.name).front) {
      found.insert(made.results.at(s.name).points[k].hash);
    }
    EXPECT_EQ(expected, found) << s.name;
  }

  // Every evaluation in the store, over two objectives: the plots' best-known front.
  std::vector<std::vector<double>> values;
  std::vector<std::string> hashes;
  for (const auto& e : store.evaluations()) {
    values.push_back(*e.outcome.objectives({Objective::kAccuracy, Objective::kEnergy}));
    hashes.push_back(e.hash);
  }
  std::multiset<std::string> expected;
  for (std::size_t k : pareto_front(values)) expected.insert(hashes[k]);
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ((csv[{"all:all", "accuracy;energy"}]), expected);
  // A strategy's front holds only points of its own searches.
  EXPECT_FALSE((csv[{"strategy:random", "accuracy;energy"}]).empty());
}

TEST_F(ReportTest, HypervolumeCurvesEndAtEachSearchsHypervolumeWithTheReferenceStated) {
  const MadeStore made = make_store(out() / "results.db", false);
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  const auto rows = read_csv(r.folder / "hypervolume.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"strategy", "search", "evaluations", "hypervolume",
                                               "share", "objectives", "reference"}));
  std::map<std::string, std::vector<std::vector<std::string>>> by_search;
  for (std::size_t i = 1; i < rows.size(); ++i) by_search[rows[i][1]].push_back(rows[i]);
  ASSERT_EQ(by_search.size(), 3u);
  for (const auto& [name, result] : made.results) {
    const auto& lines = by_search[name];
    ASSERT_EQ(lines.size(), result.points.size()) << name;
    for (std::size_t k = 0; k < lines.size(); ++k) {
      EXPECT_EQ(lines[k][0], made.strategy.at(name));
      EXPECT_EQ(lines[k][2], std::to_string(k + 1));
      // The driver's own convergence curve, point for point.
      EXPECT_NEAR(std::stod(lines[k][3]), result.hypervolume_trace[k],
                  1e-9 * std::max(1.0, result.hypervolume_trace[k]))
          << name << " point " << k;
      EXPECT_EQ(lines[k][5], "accuracy;energy;area");
      EXPECT_EQ(lines[k][6], "accuracy=0.5;energy=40;area=4.5");
    }
    EXPECT_NEAR(std::stod(lines.back()[3]), result.hypervolume, 1e-9 * result.hypervolume);
  }
  // Exhaustive search saw every point: its share of the best-known front's is 1.
  EXPECT_NEAR(std::stod(by_search["exhaustive"].back()[4]), 1.0, 1e-12);

  const auto searches = read_csv(r.folder / "searches.csv");
  ASSERT_EQ(searches.size(), 4u);
  const std::size_t reused = column(searches[0], "reused"),
                    stored_front = column(searches[0], "stored_front");
  for (std::size_t i = 1; i < searches.size(); ++i) {
    EXPECT_EQ(searches[i][stored_front], "matches") << searches[i][0];
    const auto& result = made.results.at(searches[i][0]);
    EXPECT_EQ(searches[i][reused], std::to_string(result.reused)) << searches[i][0];
  }
}

TEST_F(ReportTest, SummaryNamesEveryStrategyTheReuseAndTheFiles) {
  const MadeStore made = make_store(out() / "results.db", false);
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  EXPECT_EQ(r.files.front(), "summary.md");
  const std::string summary = test::read_file(r.summary);
  EXPECT_THAT(summary, HasSubstr("# hawx-cosim report: report_study"));
  for (const char* s : {"| exhaustive |", "| random |", "| nsga2 |"}) {
    EXPECT_THAT(summary, HasSubstr(s));
  }
  std::size_t proposals = 0, reused = 0;
  for (const auto& [name, result] : made.results) {
    proposals += result.points.size();
    reused += result.reused;
  }
  EXPECT_GT(reused, 0u);  // random and NSGA-II met points exhaustive search had measured
  EXPECT_THAT(summary, HasSubstr("proposed " + std::to_string(proposals) + " points; " +
                                 std::to_string(reused) + " of them were reused from the store"));
  EXPECT_THAT(summary, HasSubstr("81 evaluations in the store: 81 measured"));
  EXPECT_THAT(summary, HasSubstr("accuracy 50.00 %, energy 0.04 pJ, area 4.5 um^2"));
  EXPECT_THAT(summary, HasSubstr("No predictions recorded"));
  EXPECT_THAT(summary,
              HasSubstr("`front_accuracy_energy.png`: not drawn, plots were switched off"));
  for (const auto& f : r.files) {
    EXPECT_TRUE(fs::exists(r.folder / f)) << f;
    EXPECT_THAT(summary, HasSubstr("`" + f + "`"));
  }
  // The report only reads the store: no session of its own.
  ResultsStore store(out() / "results.db", ResultsStore::ForReading{});
  EXPECT_EQ(store.run().sessions, 1u);
}

TEST_F(ReportTest, PredictionsAreComparedWithMeasurements) {
  make_store(out() / "results.db", true);
  {
    // A point only predicted (no search): counted apart, its basis says so.
    ResultsStore store(out() / "results.db", "name: report_study\n");
    StoredEvaluation e;
    e.hash = "00000000000000ff";
    e.key = "predicted-only";
    e.assignment = "m2, m2, m2, m2";
    e.outcome.predicted = Metrics(0.999, 1.0, 0.1, std::nan(""));
    store.record(0, 0, e);
  }
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  const std::string summary = test::read_file(r.summary);
  EXPECT_THAT(summary, HasSubstr("82 evaluations in the store: 81 measured, 1 predicted only"));
  // Every measured point was predicted 0.3 pp low.
  EXPECT_THAT(summary, HasSubstr("| accuracy | 81 | 0.30 pp | 0.30 pp | -0.30 pp |"));
  EXPECT_THAT(summary, HasSubstr("| energy | 81 |"));
  EXPECT_THAT(summary, Not(HasSubstr("No predictions recorded")));
  // The predicted-only point dominates everything: it leads the best points as "predicted".
  EXPECT_THAT(summary, HasSubstr("| 1 | 99.90 % |"));
  EXPECT_THAT(summary, HasSubstr("| m2, m2, m2, m2 | predicted |"));
  const auto rows = read_csv(r.folder / "evaluations.csv");
  const std::size_t measured = column(rows[0], "accuracy"),
                    predicted = column(rows[0], "predicted_accuracy");
  for (std::size_t i = 1; i + 1 < rows.size(); ++i) {
    EXPECT_NEAR(std::stod(rows[i][predicted]), std::stod(rows[i][measured]) - 0.003, 1e-11);
  }
  EXPECT_EQ(rows.back()[measured], "");
  const auto fronts = read_csv(r.folder / "fronts.csv");
  const std::size_t basis = column(fronts[0], "basis"), hash = column(fronts[0], "hash");
  for (std::size_t i = 1; i < fronts.size(); ++i) {
    EXPECT_EQ(fronts[i][basis], fronts[i][hash] == "00000000000000ff" ? "predicted" : "measured");
  }
}

TEST_F(ReportTest, PlotsArePngFiles) {
  if (!has_matplotlib()) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import matplotlib: install Debian's "
                    "python3-matplotlib to check the plots";
  }
  make_store(out() / "results.db", true);
  const ReportResult r = write_report(out());
  EXPECT_EQ(r.plot_error, "");
  EXPECT_EQ(r.plots,
            (std::vector<std::string>{"front_accuracy_energy.png", "front_accuracy_area.png",
                                      "predicted_vs_measured.png", "hypervolume.png"}));
  for (const auto& p : r.plots) EXPECT_TRUE(is_png(r.folder / p)) << p;
  const std::string summary = test::read_file(r.summary);
  EXPECT_THAT(summary, HasSubstr("![hypervolume.png](hypervolume.png)"));
  EXPECT_THAT(summary, HasSubstr("## Predicted vs measured"));
  EXPECT_THAT(summary, Not(HasSubstr("No predictions recorded")));
  EXPECT_FALSE(fs::exists(r.folder / "plot_report.log"));
}

TEST_F(ReportTest, WithoutPredictionsThereIsNoEmptyAgreementPlot) {
  if (!has_matplotlib()) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import matplotlib: install Debian's "
                    "python3-matplotlib to check the plots";
  }
  make_store(out() / "results.db", false);
  const ReportResult r = write_report(out());
  EXPECT_EQ(r.plot_error, "");
  EXPECT_EQ(r.plots.size(), 3u);
  EXPECT_FALSE(fs::exists(r.folder / "predicted_vs_measured.png"));
  EXPECT_THAT(test::read_file(r.summary),
              HasSubstr("`predicted_vs_measured.png`: not drawn, no predictions recorded"));
}

TEST_F(ReportTest, WithoutPythonTheExportsAndSummaryAreStillWritten) {
  make_store(out() / "results.db", false);
  ReportOptions options;
  options.python = dir / "no-such-python3";
  const ReportResult r = write_report(out(), options);
  EXPECT_THAT(r.plot_error, HasSubstr("does not exist"));
  EXPECT_THAT(r.plot_error, HasSubstr("python3-matplotlib"));
  EXPECT_TRUE(r.plots.empty());
  for (const char* f : {"summary.md", "report.json", "evaluations.csv", "fronts.csv"}) {
    EXPECT_TRUE(fs::exists(r.folder / f)) << f;
  }
  EXPECT_THAT(test::read_file(r.summary), HasSubstr("python3-matplotlib"));
  // A plot left by an earlier report is not kept next to a summary that says it was not drawn.
  test::write_file(r.folder / "hypervolume.png", "old");
  options.plots = false;
  write_report(out(), options);
  EXPECT_FALSE(fs::exists(r.folder / "hypervolume.png"));
}

TEST_F(ReportTest, WithoutMatplotlibTheErrorNamesTheDebianPackage) {
  make_store(out() / "results.db", false);
  // A matplotlib that cannot be imported, first on the path of the real interpreter.
  test::write_file(dir / "fake/matplotlib/__init__.py",
                   "raise ImportError('matplotlib hidden by the test')\n");
  const char* old = std::getenv("PYTHONPATH");
  const std::string saved = old ? old : "";
  setenv("PYTHONPATH", (dir / "fake").c_str(), 1);
  const ReportResult r = write_report(out());
  if (old) {
    setenv("PYTHONPATH", saved.c_str(), 1);
  } else {
    unsetenv("PYTHONPATH");
  }
  EXPECT_THAT(r.plot_error, HasSubstr("cannot import matplotlib"));
  EXPECT_THAT(r.plot_error, HasSubstr("apt-get install python3-matplotlib"));
  EXPECT_TRUE(fs::exists(r.folder / "summary.md"));
}

// --- the command ---------------------------------------------------------------------------

test::CommandResult report(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"report"};
  all.insert(all.end(), args.begin(), args.end());
  return test::run_tool(all);
}

TEST_F(ReportTest, CommandPrintsWhereTheReportIs) {
  make_store(out() / "results.db", false);
  const auto r = report({out().string(), "--no-plots"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("report: " + (out() / "report/summary.md").string() +
                               " (81 evaluations, 3 searches)"));
  EXPECT_THAT(r.out, HasSubstr((out() / "report/fronts.csv").string()));
  EXPECT_TRUE(fs::exists(out() / "report/summary.md"));
}

TEST_F(ReportTest, CommandHasHelpAndTakesTheStoreFileToo) {
  const auto help = report({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("hawx-cosim report"));
  EXPECT_THAT(help.out, HasSubstr("--no-plots"));
  make_store(out() / "results.db", false);
  const auto r = report(
      {(out() / "results.db").string(), "--no-plots", "--out", (dir / "elsewhere").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("report: " + (dir / "elsewhere/summary.md").string()));
  EXPECT_FALSE(fs::exists(out() / "report"));
}

TEST_F(ReportTest, CommandWithoutMatplotlibFailsAfterWritingTheExports) {
  make_store(out() / "results.db", false);
  const auto r = report({out().string(), "--python", (dir / "none").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("python3-matplotlib"));
  EXPECT_THAT(r.err, HasSubstr("the exports and summary.md are written in"));
  EXPECT_TRUE(fs::exists(out() / "report/evaluations.csv"));
}

TEST_F(ReportTest, ACorruptStoreIsAClearErrorAndNothingIsWritten) {
  test::write_file(out() / "results.db", std::string(4096, 'x'));
  const auto r = report({out().string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("results database " + (out() / "results.db").string() +
                               " is not an SQLite database"));
  EXPECT_FALSE(fs::exists(out() / "report"));
  EXPECT_EQ(test::read_file(out() / "results.db"), std::string(4096, 'x'));
}

TEST_F(ReportTest, AForeignDatabaseIsAClearError) {
  fs::create_directories(out());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((out() / "results.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE users(name TEXT)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  const auto r = report({out().string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("is an SQLite database but not a hawx-cosim results store"));
  EXPECT_THAT(r.err, HasSubstr("tables: users"));
  EXPECT_FALSE(fs::exists(out() / "report"));
}

TEST_F(ReportTest, AnEmptyDatabaseFileIsNotAStore) {
  test::write_file(out() / "results.db", std::string());
  const auto r = report({out().string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("is not a hawx-cosim results store (an empty database)"));
}

TEST_F(ReportTest, AMissingStoreOrFolderIsAClearError) {
  fs::create_directories(out());
  auto r = report({out().string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err,
              HasSubstr("results database " + (out() / "results.db").string() + " does not exist"));
  EXPECT_FALSE(fs::exists(out() / "results.db"));  // not created by looking

  r = report({(dir / "nowhere").string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("report folder " + (dir / "nowhere").string() + " does not exist"));
}

TEST_F(ReportTest, AnEmptyStoreGivesAClearMessage) {
  { ResultsStore store(out() / "results.db", "name: empty\n"); }
  const auto r = report({out().string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("holds no evaluations yet"));
  EXPECT_THAT(r.out, HasSubstr("(0 evaluations, 0 searches)"));
  const std::string summary = test::read_file(out() / "report/summary.md");
  EXPECT_THAT(summary, HasSubstr("no evaluations yet"));
  EXPECT_THAT(summary, HasSubstr("not drawn, the store holds no evaluations"));
  const auto rows = read_csv(out() / "report/evaluations.csv");
  EXPECT_EQ(rows.size(), 1u);  // the header only
}

TEST_F(ReportTest, EvaluationsWithoutSearchesAreReportedWithoutCurves) {
  const synthetic::SyntheticProblem problem(3, 3, 5);
  const DesignSpace space = problem.space();
  {
    ResultsStore store(out() / "results.db", "name: loose\n");
    for (std::uint64_t i = 0; i < 10; ++i) {
      const Point p = space.at(i);
      StoredEvaluation e;
      e.hash = space.hash(p);
      e.key = space.key(p);
      e.assignment = space.describe(p);
      e.outcome = problem.evaluate(p);
      store.record(0, 0, e);
    }
  }
  const bool plots = has_matplotlib();
  ReportOptions options;
  options.plots = plots;
  const ReportResult r = write_report(out(), options);
  EXPECT_EQ(r.evaluations, 10u);
  EXPECT_EQ(r.searches, 0u);
  const std::string summary = test::read_file(r.summary);
  EXPECT_THAT(summary, HasSubstr("no reference point recorded, so no hypervolume"));
  EXPECT_THAT(summary, HasSubstr("`hypervolume.png`: not drawn, no searches recorded"));
  EXPECT_EQ(read_csv(r.folder / "hypervolume.csv").size(), 1u);  // the header only
  const auto fronts = read_csv(r.folder / "fronts.csv");
  EXPECT_GT(fronts.size(), 1u);
  for (std::size_t i = 1; i < fronts.size(); ++i) EXPECT_EQ(fronts[i][0], "all");
  if (plots) {
    EXPECT_EQ(r.plot_error, "");
    EXPECT_EQ(r.plots,
              (std::vector<std::string>{"front_accuracy_energy.png", "front_accuracy_area.png"}));
    for (const auto& p : r.plots) EXPECT_TRUE(is_png(r.folder / p)) << p;
  }
}

TEST_F(ReportTest, AStoreStillBeingWrittenCanBeReported) {
  const synthetic::SyntheticProblem problem(3, 2, 3);
  const DesignSpace space = problem.space();
  ResultsStore writer(out() / "results.db", "name: live\n");
  const auto record = [&](std::uint64_t i) {
    const Point p = space.at(i);
    StoredEvaluation e;
    e.hash = space.hash(p);
    e.key = space.key(p);
    e.assignment = space.describe(p);
    e.outcome = problem.evaluate(p);
    writer.record(0, 0, e);
  };
  record(0);
  record(1);
  ReportOptions options;
  options.plots = false;
  EXPECT_EQ(write_report(out(), options).evaluations, 2u);
  record(2);  // the writer goes on after the report
  EXPECT_EQ(write_report(out(), options).evaluations, 3u);
  EXPECT_EQ(writer.evaluation_count(), 3u);
}

TEST_F(ReportTest, AnInterruptedSearchIsReportedAsUnfinished) {
  const synthetic::SyntheticProblem problem(3, 2, 3);
  const DesignSpace space = problem.space();
  {
    ResultsStore store(out() / "results.db", "name: cut\n");
    SearchSetup s;
    s.name = "random-cut";
    s.strategy = "random";
    s.options.objectives = {Objective::kAccuracy, Objective::kEnergy};
    s.reference = Metrics(0.5, 40.0, std::nan(""), std::nan(""));
    const std::int64_t id =
        store.open_search(s.name, s.strategy, space.signature(), describe_setup(s));
    Point p = space.at(0);
    StoredEvaluation e;
    e.hash = space.hash(p);
    e.key = space.key(p);
    e.assignment = space.describe(p);
    e.outcome = problem.evaluate(p);
    store.record(id, 0, e);
  }
  ReportOptions options;
  options.plots = false;
  const ReportResult r = write_report(out(), options);
  const std::string summary = test::read_file(r.summary);
  EXPECT_THAT(summary, HasSubstr("| random-cut | random |"));
  EXPECT_THAT(summary, HasSubstr("no (interrupted or running)"));
  const auto searches = read_csv(r.folder / "searches.csv");
  ASSERT_EQ(searches.size(), 2u);
  EXPECT_EQ(searches[1][column(searches[0], "stored_front")], "none");
  EXPECT_EQ(searches[1][column(searches[0], "finished")], "no");
}

}  // namespace
}  // namespace hawx::app
