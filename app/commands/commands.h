// SPDX-License-Identifier: MIT
// The subcommands of `hawx-cosim`. Each adds itself to the CLI11 app with its options, help text
// and callback; callbacks throw hawx::Error subclasses and main() turns them into exit codes.
#pragma once

#include <CLI/CLI.hpp>

namespace hawx::app {

void add_list_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_characterize_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_score_command(CLI::App& app);

// The options every config-driven subcommand takes: the config file, -p overrides, --out.
struct ConfigOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
};
void add_config_options(CLI::App& command, ConfigOptions& options, bool with_out);

}  // namespace hawx::app
