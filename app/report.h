// SPDX-License-Identifier: MIT
// The report of an output folder: reads DIR/results.db (search/store.h) and writes, into
// DIR/report/ by default, CSV and JSON exports of every evaluation, search, front and
// hypervolume curve, PNG plots (drawn by scripts/plot_report.py with Debian's python3 and
// python3-matplotlib) and summary.md, the page a person reads first. `hawx-cosim report DIR`
// calls it; so will the end of `hawx-cosim run`.
//
// Promises:
// - All figures come from the store: fronts are the Pareto fronts (search/objectives.h) of the
//   stored points, hypervolumes are taken against each search's own stated reference point.
// - The store is only read: opening it uses ResultsStore's read mode, so a missing, corrupt,
//   foreign or other-version database is its InputError and nothing is written.
// - A store without evaluations gives a report that says so (no plots), not an error.
// - When python3 or matplotlib is missing (or the script fails), the exports and summary.md are
//   still written; the result's plot_error says why and which Debian package to install.
// - Every file is rewritten on each call; a plot of an earlier call that is not drawn this time
//   is removed (no stale PNG next to a new summary); other files in the folder are left alone.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace hawx::app {

struct ReportOptions {
  std::filesystem::path out;  // the report's folder; empty: DIR/report
  bool plots = true;          // false: exports and summary only
  // The interpreter: Debian's python3 (the one python3-matplotlib installs into), not whatever
  // python3 comes first in PATH.
  std::filesystem::path python = "/usr/bin/python3";
  std::filesystem::path script;  // empty: the source tree's scripts/plot_report.py
  std::size_t best_rows = 20;    // rows of summary.md's table of best points
};

struct ReportResult {
  std::filesystem::path folder;    // where the report is
  std::filesystem::path summary;   // folder/summary.md
  std::vector<std::string> files;  // every file written (names within folder), summary.md first
  std::vector<std::string> plots;  // the PNG files drawn
  std::string plot_error;  // not empty: the plots were not (all) drawn, why and what to install
  std::size_t evaluations = 0;
  std::size_t searches = 0;
};

// Writes the report of the output folder `dir` (which holds results.db); `dir` may also name the
// store file itself.
ReportResult write_report(const std::filesystem::path& dir, const ReportOptions& options = {});

}  // namespace hawx::app
