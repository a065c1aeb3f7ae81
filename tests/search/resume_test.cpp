// SPDX-License-Identifier: MIT
// A search killed with SIGKILL in the middle and run again ends with the same front as an
// uninterrupted one and evaluates nothing that was committed. The search runs in a real child
// process (tests/search/search_child.cpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>

#include "search/store.h"
#include "tests/support/test_support.h"

namespace hawx::search {
namespace {

namespace fs = std::filesystem;

fs::path child_path() { return test::location("HAWX_SEARCH_CHILD", HAWX_SEARCH_CHILD); }

struct ChildRun {
  std::string evaluated_line;  // "done evaluated E reused R hypervolume H"
  std::vector<std::string> front;
  std::size_t evaluated = 0, reused = 0;
};

ChildRun parse(const std::string& out) {
  ChildRun r;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("done ", 0) == 0) {
      r.evaluated_line = line;
      std::istringstream words(line);
      std::string w;
      words >> w >> w >> r.evaluated >> w >> r.reused;
    } else if (line.rfind("front ", 0) == 0) {
      r.front.push_back(line.substr(6));
    }
  }
  std::sort(r.front.begin(), r.front.end());
  return r;
}

std::vector<std::string> args(const fs::path& dir, int delay_ms,
                              const std::string& strategy = "nsga2") {
  return {child_path().string(),    (dir / "results.db").string(),     strategy, "300", "3",
          std::to_string(delay_ms), (dir / "evaluations.log").string()};
}

test::CommandResult run_child(const std::vector<std::string>& argv) {
  std::string command;
  for (const auto& a : argv) command += test::shell_quote(a) + " ";
  return test::run_shell(command);
}

// Starts the child with its stdout on a pipe, reads until `points` points are done, kills it
// with SIGKILL. Returns the points it reported.
int run_and_kill(const std::vector<std::string>& argv, int points) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) ADD_FAILURE() << "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    std::vector<char*> c;
    for (const auto& a : argv) c.push_back(const_cast<char*>(a.c_str()));
    c.push_back(nullptr);
    execv(c[0], c.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  int seen = 0;
  std::string pending;
  char buffer[256];
  while (seen < points) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n <= 0) break;
    pending.append(buffer, static_cast<std::size_t>(n));
    for (std::size_t nl; (nl = pending.find('\n')) != std::string::npos;) {
      if (pending.rfind("point ", 0) == 0) ++seen;
      pending.erase(0, nl + 1);
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  close(pipe_fds[0]);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "the child ended by itself";
  return seen;
}

void kill_and_resume(const std::string& strategy) {
  test::TempDir whole, killed;

  const test::CommandResult uninterrupted = run_child(args(whole.path(), 0, strategy));
  ASSERT_EQ(uninterrupted.code, 0) << uninterrupted.err;
  const ChildRun reference = parse(uninterrupted.out);
  EXPECT_EQ(reference.evaluated, 300u);
  EXPECT_EQ(reference.reused, 0u);
  ASSERT_FALSE(reference.front.empty());

  // Killed after 120 of 300 points (NSGA-II: in its 7th generation), while evaluating.
  const int seen = run_and_kill(args(killed.path(), 5, strategy), 120);
  ASSERT_EQ(seen, 120);
  std::set<std::string> committed;
  {
    ResultsStore store(killed / "results.db", "synthetic problem 10x4 seed 4\n");
    for (const auto& e : store.evaluations()) {
      EXPECT_EQ(e.session, 1);
      committed.insert(e.hash);
    }
  }
  EXPECT_GE(committed.size(), 120u);  // everything reported was committed first
  EXPECT_LT(committed.size(), 300u);

  const test::CommandResult resumed = run_child(args(killed.path(), 0, strategy));
  ASSERT_EQ(resumed.code, 0) << resumed.err;
  const ChildRun after = parse(resumed.out);
  EXPECT_EQ(after.reused, committed.size()) << after.evaluated_line;
  EXPECT_EQ(after.evaluated, 300u - committed.size()) << after.evaluated_line;
  EXPECT_EQ(after.front, reference.front);
  EXPECT_EQ(after.evaluated_line.substr(after.evaluated_line.find("hypervolume")),
            reference.evaluated_line.substr(reference.evaluated_line.find("hypervolume")));

  // The log of every evaluation started: nothing committed was evaluated again; only the point
  // in flight when the process was killed may appear twice.
  std::map<std::string, int> starts;
  std::istringstream log(test::read_file(killed / "evaluations.log"));
  for (std::string hash; std::getline(log, hash);) ++starts[hash];
  int twice = 0;
  for (const auto& [hash, n] : starts) {
    EXPECT_LE(n, 2) << hash;
    if (n == 2) {
      ++twice;
      EXPECT_EQ(committed.count(hash), 0u) << hash << " was committed, then evaluated again";
    }
  }
  EXPECT_LE(twice, 1);
  EXPECT_EQ(starts.size(), 300u);

  ResultsStore store(killed / "results.db", "synthetic problem 10x4 seed 4\n");
  EXPECT_EQ(store.evaluation_count(), 300u);
  EXPECT_EQ(store.evaluations(1).size(), 300u);  // the search's 300 points, in order
}

TEST(ResumeTest, AKilledNsga2SearchResumesToTheSameFrontWithoutReevaluating) {
  kill_and_resume("nsga2");
}

TEST(ResumeTest, AKilledRandomSearchResumesToTheSameFrontWithoutReevaluating) {
  kill_and_resume("random");
}

TEST(ResumeTest, ACorruptStoreStopsTheChildWithAClearError) {
  test::TempDir dir;
  test::write_file(dir / "results.db", std::string(4096, 'x'));
  const test::CommandResult r = run_child(args(dir.path(), 0));
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err,
              ::testing::HasSubstr((dir / "results.db").string() + " is not an SQLite database"));
  EXPECT_EQ(test::read_file(dir / "results.db"), std::string(4096, 'x'));
}

}  // namespace
}  // namespace hawx::search
