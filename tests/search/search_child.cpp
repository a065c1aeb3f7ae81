// SPDX-License-Identifier: MIT
// A search in its own process, for the resume test (resume_test.cpp), which kills it with
// SIGKILL part-way and runs it again. The evaluator is the synthetic problem of synthetic.h,
// slowed down on request; every evaluation it starts is appended to a log file, so the test can
// tell what was evaluated twice.
//
//   hawx_search_child DB STRATEGY BUDGET SEED DELAY_MS LOG
//
// Prints "point N evaluated|reused" after every point, then "done evaluated E reused R
// hypervolume H" and one "front HASH" line per front member.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>

#include "core/errors.h"
#include "search/search.h"
#include "search/store.h"
#include "tests/search/synthetic.h"

int main(int argc, char** argv) {
  using namespace hawx::search;
  if (argc != 7) {
    std::cerr << "usage: hawx_search_child DB STRATEGY BUDGET SEED DELAY_MS LOG\n";
    return 2;
  }
  try {
    const synthetic::SyntheticProblem problem(10, 4, 4);
    const DesignSpace space = problem.space();
    SearchSetup setup;
    setup.name = argv[2];
    setup.strategy = argv[2];
    setup.reference = Metrics(0.5, 60.0, 0.0, 0.0);
    setup.options.budget = std::stoull(argv[3]);
    setup.options.seed = std::stoull(argv[4]);
    const int delay_ms = std::stoi(argv[5]);
    const std::string log = argv[6];
    ResultsStore store(argv[1], "synthetic problem 10x4 seed 4\n");
    std::size_t evaluated_so_far = 0;
    auto evaluate = [&](const Point& p, std::size_t) {
      const std::string line = space.hash(p) + "\n";
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd < 0 || ::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
        throw hawx::Error("cannot append to " + log);
      }
      ::close(fd);
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      ++evaluated_so_far;
      return problem.evaluate(p);
    };
    std::size_t last_evaluated = 0;
    const SearchResult r = run_search(space, setup, evaluate, &store, [&](std::size_t n) {
      const bool evaluated = evaluated_so_far != last_evaluated;
      last_evaluated = evaluated_so_far;
      std::cout << "point " << n << (evaluated ? " evaluated" : " reused") << std::endl;
    });
    std::cout.precision(17);
    std::cout << "done evaluated " << r.evaluated << " reused " << r.reused << " hypervolume "
              << r.hypervolume << "\n";
    for (std::size_t i : r.front) std::cout << "front " << r.points[i].hash << "\n";
    return 0;
  } catch (const hawx::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  }
}
