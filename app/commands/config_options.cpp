// SPDX-License-Identifier: MIT
#include "app/commands/commands.h"

namespace hawx::app {

void add_config_options(CLI::App& command, ConfigOptions& options, bool with_out) {
  command.add_option("config", options.config, "study config (YAML), e.g. configs/quickstart.yaml")
      ->required();
  command
      .add_option("-p,--param", options.overrides,
                  "override a config value: -p key.path=value (repeatable, applied in order)")
      ->allow_extra_args(false);
  if (with_out) {
    command.add_option("--out", options.out, "results folder (default: results/<study name>/)");
  }
}

}  // namespace hawx::app
