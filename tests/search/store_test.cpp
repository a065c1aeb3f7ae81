// SPDX-License-Identifier: MIT
// The SQLite results store: round trips, WAL mode, and clear errors (never silent loss) for a
// corrupt file, a foreign database, another schema version, a damaged file and another config.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cmath>

#include "search/search.h"
#include "search/store.h"
#include "tests/search/synthetic.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

StoredEvaluation evaluation(const std::string& hash, double accuracy) {
  StoredEvaluation e;
  e.hash = hash;
  e.key = "key-" + hash;
  e.assignment = "exact, a";
  e.outcome.measured = Metrics(accuracy, 12.5, 3.0, std::nan(""));
  e.outcome.predicted = Metrics(accuracy - 0.01, 12.0, 3.0, 900.0);
  e.seconds = 0.25;
  return e;
}

void sql(const fs::path& file, const std::string& statement) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &error), SQLITE_OK)
      << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST(StoreTest, RoundTrips) {
  test::TempDir dir;
  const fs::path file = dir / "out/results.db";
  std::int64_t search = 0;
  {
    ResultsStore store(file, "name: study\n");
    EXPECT_EQ(store.session(), 1);
    EXPECT_TRUE(fs::exists(file.string() + "-wal"));  // WAL mode
    store.put_multiplier("mul8u_drum4", R"({"mae": 925.86})");
    search = store.open_search("nsga2-layer", "nsga2", "layer level; ...", "{\"budget\":10}");
    store.record(search, 0, evaluation("00000000000000aa", 0.98));
    StoredEvaluation failed = evaluation("00000000000000bb", 0.0);
    failed.outcome = Outcome::failed("does not fit");
    store.record(search, 1, failed);
    store.record_reuse(search, 2, "00000000000000aa");
    StoredFront front;
    front.kind = "search";
    front.objectives = {"accuracy", "energy"};
    front.reference = {0.5, 100.0};
    front.hypervolume = 42.5;
    front.members = {"00000000000000aa"};
    store.put_front(search, front);
    store.finish_search(search);
  }
  ResultsStore again(file, "name: study\n");
  EXPECT_EQ(again.session(), 2);
  EXPECT_EQ(again.config(), "name: study\n");
  EXPECT_EQ(again.multipliers().at("mul8u_drum4"), R"({"mae": 925.86})");
  EXPECT_EQ(again.open_search("nsga2-layer", "nsga2", "layer level; ...", "{\"budget\":10}"),
            search);
  EXPECT_TRUE(again.search_finished(search));
  const auto all = again.evaluations();
  ASSERT_EQ(all.size(), 2u);
  const auto in_search = again.evaluations(search);
  ASSERT_EQ(in_search.size(), 3u);
  EXPECT_EQ(in_search[2].hash, "00000000000000aa");
  const auto found = again.find("00000000000000aa", "key-00000000000000aa");
  ASSERT_TRUE(found);
  const StoredEvaluation expected = evaluation("00000000000000aa", 0.98);
  EXPECT_EQ(found->outcome, expected.outcome);  // NaN cycles came back as NaN
  EXPECT_TRUE(std::isnan(found->outcome.measured.cycles));
  EXPECT_EQ(found->seconds, 0.25);
  EXPECT_EQ(found->session, 1);
  EXPECT_EQ(found->assignment, "exact, a");
  EXPECT_EQ(found->finished_at.size(), 20u);  // 2026-01-01T00:00:00Z
  const auto failed = again.find("00000000000000bb", "key-00000000000000bb");
  ASSERT_TRUE(failed);
  EXPECT_FALSE(failed->outcome.ok);
  EXPECT_EQ(failed->outcome.failure, "does not fit");
  EXPECT_FALSE(again.find("00000000000000cc", "key"));
  const auto front = again.front(search, "search");
  ASSERT_TRUE(front);
  EXPECT_EQ(front->hypervolume, 42.5);
  EXPECT_EQ(front->members, std::vector<std::string>{"00000000000000aa"});
  EXPECT_EQ(front->reference, (std::vector<double>{0.5, 100.0}));
  // A hash that names another assignment is an error, never a wrong reuse.
  EXPECT_THAT(test::message_of<Error>([&] { again.find("00000000000000aa", "other"); }),
              HasSubstr("names two assignments"));
  StoredEvaluation collision = evaluation("00000000000000aa", 0.5);
  collision.key = "other";
  EXPECT_THAT(test::message_of<Error>([&] { again.record(search, 3, collision); }),
              HasSubstr("names two assignments"));
  EXPECT_EQ(again.evaluations(search).size(), 3u);  // rolled back
}

TEST(StoreTest, APredictedPointLaterMeasuredKeepsBoth) {
  test::TempDir dir;
  ResultsStore store(dir / "results.db", "c");
  StoredEvaluation predicted;
  predicted.hash = "00000000000000aa";
  predicted.key = "k";
  predicted.assignment = "a";
  predicted.outcome.predicted = Metrics(0.9, 10.0, 5.0, std::nan(""));
  store.record(0, 0, predicted);
  StoredEvaluation measured = predicted;
  measured.outcome.predicted = Metrics(0.1, 1.0, 1.0, 1.0);  // known ones are not overwritten
  measured.outcome.measured = Metrics(0.91, 11.0, 5.0, 700.0);
  store.record(0, 0, measured);
  const auto e = store.find("00000000000000aa", "k");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome.measured, Metrics(0.91, 11.0, 5.0, 700.0));
  EXPECT_EQ(e->outcome.predicted, Metrics(0.9, 10.0, 5.0, 1.0));
  EXPECT_EQ(store.evaluation_count(), 1u);
}

TEST(StoreTest, ASearchMeasuresAPointTheStoreOnlyPredicted) {
  const synthetic::SyntheticProblem problem(3, 2, 1);
  const DesignSpace space = problem.space();
  test::TempDir dir;
  ResultsStore store(dir / "results.db", "c");
  StoredEvaluation predicted;
  predicted.hash = space.hash(space.uniform(0));
  predicted.key = space.key(space.uniform(0));
  predicted.assignment = space.describe(space.uniform(0));
  predicted.outcome.predicted = Metrics(0.5, 1.0, 1.0, 1.0);
  store.record(0, 0, predicted);
  SearchSetup setup;
  setup.name = "all";
  setup.strategy = "exhaustive";
  setup.options.budget = 8;
  setup.reference = Metrics(0.0, 100.0, 100.0, 0.0);
  int calls = 0;
  const auto r = run_search(
      space, setup,
      [&](const Point& p, std::size_t) {
        ++calls;
        return problem.evaluate(p);
      },
      &store);
  EXPECT_EQ(calls, 8);  // the predicted point too
  EXPECT_EQ(r.reused, 0u);
  const auto e = store.find(predicted.hash, predicted.key);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->outcome.predicted, Metrics(0.5, 1.0, 1.0, 1.0));
  EXPECT_EQ(e->outcome.measured, problem.evaluate(space.uniform(0)).measured);
  // Over predictions, the stored prediction is enough.
  setup.name = "predicted";
  setup.reuse_predicted = true;
  EXPECT_EQ(run_search(
                space, setup,
                [&](const Point& p, std::size_t) {
                  ++calls;
                  return problem.evaluate(p);
                },
                &store)
                .reused,
            8u);
  EXPECT_EQ(calls, 8);
}

TEST(StoreTest, ASearchReopenedWithOtherOptionsIsAnError) {
  test::TempDir dir;
  ResultsStore store(dir / "results.db", "c");
  store.open_search("s", "nsga2", "space", "{\"budget\":10}");
  const std::string m =
      test::input_error_of([&] { store.open_search("s", "nsga2", "space", "{\"budget\":20}"); });
  EXPECT_THAT(m, HasSubstr((dir / "results.db").string()));
  EXPECT_THAT(m, HasSubstr("{\"budget\":10} (now {\"budget\":20})"));
}

TEST(StoreTest, ReadingOpensAnyConfigsStoreAndWritesNothing) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  std::int64_t search = 0;
  {
    ResultsStore store(file, "name: a\n");
    search = store.open_search("random-layer", "random", "space", "{\"budget\":3}");
    store.record(search, 0, evaluation("00000000000000aa", 0.9));
    store.record(search, 1, evaluation("00000000000000bb", 0.8));
    store.record_reuse(search, 2, "00000000000000aa");
    StoredFront front;
    front.kind = "search";
    front.objectives = {"accuracy"};
    front.reference = {0.0};
    front.members = {"00000000000000aa"};
    store.put_front(search, front);
  }
  ResultsStore reader(file, ResultsStore::ForReading{});  // no config given: none compared
  EXPECT_EQ(reader.session(), 0);
  const StoredRun run = reader.run();
  EXPECT_EQ(run.config, "name: a\n");
  EXPECT_EQ(run.config_hash.size(), 16u);
  EXPECT_EQ(run.sessions, 1u);  // the reader started none
  const auto searches = reader.searches();
  ASSERT_EQ(searches.size(), 1u);
  EXPECT_EQ(searches[0].id, search);
  EXPECT_EQ(searches[0].name, "random-layer");
  EXPECT_EQ(searches[0].strategy, "random");
  EXPECT_EQ(searches[0].options, "{\"budget\":3}");
  EXPECT_EQ(searches[0].finished, "");  // never finished
  const auto points = reader.search_points(search);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[1].seq, 1u);
  EXPECT_EQ(points[1].hash, "00000000000000bb");
  EXPECT_FALSE(points[1].reused);
  EXPECT_TRUE(points[2].reused);
  EXPECT_EQ(points[2].hash, "00000000000000aa");
  const auto fronts = reader.fronts(search);
  ASSERT_EQ(fronts.size(), 1u);
  EXPECT_EQ(fronts[0].kind, "search");
  EXPECT_EQ(fronts[0].members, std::vector<std::string>{"00000000000000aa"});
  // The reader cannot write.
  EXPECT_THAT(test::message_of<Error>([&] { reader.put_multiplier("x", "{}"); }),
              HasSubstr("readonly"));
  EXPECT_TRUE(reader.multipliers().empty());
}

TEST(StoreTest, ReadingAMissingOrEmptyFileIsAnError) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  std::string m = test::input_error_of([&] { ResultsStore s(file, ResultsStore::ForReading{}); });
  EXPECT_THAT(m, HasSubstr(file.string() + " does not exist"));
  EXPECT_FALSE(fs::exists(file));  // looking does not create it
  test::write_file(file, std::string());
  m = test::input_error_of([&] { ResultsStore s(file, ResultsStore::ForReading{}); });
  EXPECT_THAT(m, HasSubstr("is not a hawx-cosim results store (an empty database)"));
  sql(file, "CREATE TABLE users(name TEXT)");
  m = test::input_error_of([&] { ResultsStore s(file, ResultsStore::ForReading{}); });
  EXPECT_THAT(m, HasSubstr("is an SQLite database but not a hawx-cosim results store"));
}

TEST(StoreTest, AnotherConfigIsAnErrorNamingTheFile) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  { ResultsStore store(file, "name: a\n"); }
  const std::string m = test::input_error_of([&] { ResultsStore store(file, "name: b\n"); });
  EXPECT_THAT(m, HasSubstr(file.string()));
  EXPECT_THAT(m, HasSubstr("holds the results of a different config"));
  EXPECT_THAT(m, HasSubstr("left as it is"));
  ResultsStore same(file, "name: a\n");  // the original config still opens it
  EXPECT_EQ(same.session(), 2);
}

TEST(StoreTest, ACorruptFileIsAnErrorAndIsLeftAlone) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  const std::string garbage =
      "this is not a database, it is a text file that happens to sit here "
      "and must survive being opened by mistake\n";
  test::write_file(file, garbage);
  const std::string m = test::input_error_of([&] { ResultsStore store(file, "c"); });
  EXPECT_THAT(m, HasSubstr(file.string()));
  EXPECT_THAT(m, HasSubstr("is not an SQLite database"));
  EXPECT_EQ(test::read_file(file), garbage);
}

TEST(StoreTest, AForeignSqliteDatabaseIsAnError) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  sql(file, "CREATE TABLE users(name TEXT); INSERT INTO users VALUES ('ada');");
  const std::string before = test::read_file(file);
  const std::string m = test::input_error_of([&] { ResultsStore store(file, "c"); });
  EXPECT_THAT(m, HasSubstr(file.string()));
  EXPECT_THAT(m, HasSubstr("is an SQLite database but not a hawx-cosim results store"));
  EXPECT_THAT(m, HasSubstr("tables: users"));
  EXPECT_EQ(test::read_file(file), before);
}

TEST(StoreTest, AnotherSchemaVersionIsAnError) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  { ResultsStore store(file, "c"); }
  sql(file, "PRAGMA user_version = 7");
  const std::string m = test::input_error_of([&] { ResultsStore store(file, "c"); });
  EXPECT_THAT(m, HasSubstr(file.string()));
  EXPECT_THAT(m, HasSubstr("schema version 7; this hawx-cosim reads version 1"));
}

TEST(StoreTest, ADamagedFileIsAnError) {
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  {
    ResultsStore store(file, "c");
    const auto search = store.open_search("s", "random", "space", "{}");
    for (int i = 0; i < 400; ++i) {
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016x", i);
      StoredEvaluation e = evaluation(hash, 0.5);
      e.key = std::string(200, 'k') + hash;  // long keys: many pages
      store.record(search, static_cast<std::uint64_t>(i), e);
    }
  }
  ASSERT_FALSE(fs::exists(file.string() + "-wal"));  // checkpointed on close
  std::string bytes = test::read_file(file);
  ASSERT_GT(bytes.size(), 40000u);
  // Scribble over the middle of the file (b-tree pages), as a failing disk or a stray write would.
  for (std::size_t i = 16384; i < 32768; ++i) bytes[i] = static_cast<char>(i * 7 + 3);
  test::write_file(file, bytes);
  const std::string m = test::input_error_of([&] { ResultsStore store(file, "c"); });
  EXPECT_THAT(m, HasSubstr(file.string()));
  EXPECT_THAT(m, HasSubstr("damaged"));
}

TEST(StoreTest, SearchesResumeFromTheStore) {
  const synthetic::SyntheticProblem problem(6, 3, 1);
  const DesignSpace space = problem.space();
  SearchSetup setup;
  setup.name = "nsga2";
  setup.strategy = "nsga2";
  setup.reference = Metrics(0.5, 60.0, 0.0, 0.0);
  setup.options.budget = 120;
  int calls = 0;
  auto evaluate = [&](const Point& p, std::size_t) {
    ++calls;
    return problem.evaluate(p);
  };
  test::TempDir dir;
  const fs::path file = dir / "results.db";
  SearchResult first;
  {
    ResultsStore store(file, "synthetic");
    first = run_search(space, setup, evaluate, &store);
    EXPECT_EQ(first.evaluated, 120u);
    EXPECT_EQ(calls, 120);
    const auto front = store.front(1, "search");
    ASSERT_TRUE(front);
    EXPECT_EQ(front->members.size(), first.front.size());
    EXPECT_DOUBLE_EQ(front->hypervolume, first.hypervolume);
  }
  // The same search again: everything reused, nothing evaluated, the same front.
  ResultsStore store(file, "synthetic");
  const SearchResult second = run_search(space, setup, evaluate, &store);
  EXPECT_EQ(calls, 120);
  EXPECT_EQ(second.reused, 120u);
  EXPECT_EQ(second.front, first.front);
  EXPECT_DOUBLE_EQ(second.hypervolume, first.hypervolume);
  // Random search over the same space reuses what NSGA-II evaluated.
  setup.name = "random";
  setup.strategy = "random";
  const SearchResult random = run_search(space, setup, evaluate, &store);
  EXPECT_EQ(random.reused + random.evaluated, 120u);
  EXPECT_GT(random.reused, 0u);
  EXPECT_EQ(static_cast<std::size_t>(calls), 120u + random.evaluated);
  EXPECT_EQ(store.evaluation_count(), 120u + random.evaluated);
}

}  // namespace
}  // namespace hawx::search
