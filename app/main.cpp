// SPDX-License-Identifier: MIT
// The `hawx-cosim` executable: global options, the subcommands, and the one place where errors
// become messages and exit codes (0 ok, 1 internal, 2 config or usage, 3 bad input file).
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <systemc>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "app/commands/commands.h"
#include "core/errors.h"
#include "core/progress.h"
#include "sim/entry/sc_entry.h"

#ifndef HAWX_VERSION
#error "HAWX_VERSION must be defined by the build"
#endif

namespace {

std::string version_text() {
  return std::string("hawx-cosim ") + HAWX_VERSION + " (SystemC " + sc_core::sc_release() + ")";
}

void set_up_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("hawx");
  logger->set_pattern("%^[%l]%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
  // Progress lines only on a terminal, and only where info messages would show too.
  hawx::Progress::set_enabled(isatty(fileno(stderr)) && spdlog::get_level() <= spdlog::level::info);
}

}  // namespace

int hawx_main(int argc, char* argv[]) {
  CLI::App app{
      "hawx-cosim: where can approximate multipliers go in a DNN accelerator?\n"
      "Characterises 8-bit multipliers from RTL, scores each layer's and filter's sensitivity,\n"
      "searches heterogeneous assignments and verifies them in SystemC.",
      "hawx-cosim"};
  app.set_version_flag("--version", version_text());
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "messages on stderr at or above this level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  app.require_subcommand(1);
  app.fallthrough();
  app.parse_complete_callback([&] { set_up_logging(log_level); });

  hawx::app::add_run_command(app);
  hawx::app::add_characterize_command(app);
  hawx::app::add_eval_command(app);
  hawx::app::add_simulate_command(app);
  hawx::app::add_report_command(app);
  hawx::app::add_score_command(app);
  hawx::app::add_validate_command(app);
  hawx::app::add_list_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? hawx::kExitOk : hawx::kExitConfig;
  } catch (const hawx::Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << "\n";
    return hawx::kExitInternal;
  }
  return hawx::kExitOk;
}
