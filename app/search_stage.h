// SPDX-License-Identifier: MIT
// The stages of `hawx-cosim run` after the multipliers and the network are ready (a study with a
// `search:` section): profile -> score -> search -> verify -> report.
//
// - profile and score: scoring::profile on the study's profiling images (the `scoring:`
//   section's settings), scoring::Scores for every candidate; layer scores in layer_scores.csv.
// - search: the design space of `search.level` over exact and the study's multipliers; each
//   strategy of `search.strategies` runs with the same budget into OUT/results.db. An evaluation
//   measures accuracy with the engine on the test set (dataset.test_limit images) and the costs
//   (energy, area, cycles of one inference) on the accelerator: simulated in SystemC
//   (`costs: simulate`, measured) or by the predictors (`costs: predict`, predicted; both kept when
//   the predictors apply). `hawx` gets the guidance of app/hawx_guidance.h.
// - verify: with `costs: predict`, every front member is simulated at the end; its measured costs
//   join its stored evaluation, and each search gets a front of kind "verified".
// - report: write_report(OUT) (app/report.h).
// Progress goes to the log; the comparison of the strategies to stdout.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/model_setup.h"
#include "app/report.h"
#include "app/study.h"
#include "core/stats.h"
#include "rtl/characterize.h"

namespace hawx::app {

struct StrategyRun {
  std::string name;      // the search's name in the store
  std::string strategy;  // registered strategy
  std::size_t proposals = 0;
  std::size_t evaluated = 0;
  std::size_t reused = 0;
  std::size_t front = 0;
  double hypervolume = 0.0;
  double verified_hypervolume = -1.0;  // < 0: not verified separately
};

struct SearchStageResult {
  std::vector<StrategyRun> runs;
  ReportResult report;
};

SearchStageResult run_search_stages(const Study& study, const Candidates& candidates,
                                    const LoadedModel& model,
                                    const std::vector<rtl::Characterization>& multipliers,
                                    double exact_accuracy, const std::filesystem::path& out,
                                    StatsTree& stats, int threads);

}  // namespace hawx::app
