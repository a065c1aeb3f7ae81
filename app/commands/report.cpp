// SPDX-License-Identifier: MIT
// `hawx-cosim report DIR`: the exports, plots and summary of an output folder's results store.
#include <iostream>

#include "app/commands/commands.h"
#include "app/report.h"
#include "core/errors.h"

namespace hawx::app {

void add_report_command(CLI::App& app) {
  struct Options {
    std::string dir;
    std::string out;
    std::string python;
    bool no_plots = false;
    std::size_t rows = 20;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the report of an output folder's results.db: CSV/JSON exports, PNG plots (fronts, "
      "predicted vs measured, hypervolume against evaluations) and summary.md");
  cmd->add_option("DIR", o->dir,
                  "the output folder of a run (it holds results.db), or the results.db file")
      ->required();
  cmd->add_option("--out", o->out, "the report's folder (default: DIR/report)");
  cmd->add_option("--python", o->python,
                  "the Python interpreter that draws the plots (default: /usr/bin/python3, "
                  "Debian's, with python3-matplotlib)");
  cmd->add_flag("--no-plots", o->no_plots, "write the exports and summary.md only");
  cmd->add_option("--rows", o->rows, "rows of summary.md's table of best points")
      ->capture_default_str();
  cmd->callback([o] {
    ReportOptions options;
    options.out = o->out;
    if (!o->python.empty()) options.python = o->python;
    options.plots = !o->no_plots;
    options.best_rows = o->rows;
    const ReportResult r = write_report(o->dir, options);
    if (r.evaluations == 0) {
      std::cerr << "note: " << (std::filesystem::path(o->dir) / "results.db").string()
                << " holds no evaluations yet; the report says so and has no plots\n";
    }
    std::cout << "report: " << r.summary.string() << " (" << r.evaluations << " evaluations, "
              << r.searches << " searches)\n";
    for (const auto& f : r.files) {
      if (f != "summary.md") std::cout << "  " << (r.folder / f).string() << "\n";
    }
    if (!r.plot_error.empty()) {
      throw Error(r.plot_error + "\n(the exports and summary.md are written in " +
                  r.folder.string() + ")");
    }
  });
}

}  // namespace hawx::app
