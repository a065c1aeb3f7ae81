// SPDX-License-Identifier: MIT
// `hawx-cosim validate CONFIG`: parse and check a config without running anything.
#include <iostream>

#include "app/commands/commands.h"
#include "app/study.h"

namespace hawx::app {
namespace {

void print_keys(const config::Document& doc) {
  std::cout << "| key | type | default | unit | allowed | description |\n"
               "|---|---|---|---|---|---|\n";
  for (const auto& k : doc.declared()) {
    std::cout << "| `" << k.path << "` | " << k.type << " | " << k.default_text << " | " << k.unit
              << " | " << k.constraint << " | " << k.description << " |\n";
  }
}

}  // namespace

void add_validate_command(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  auto print = std::make_shared<bool>(false);
  auto keys = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check a study config (unknown keys, types, ranges) without running anything");
  add_config_options(*cmd, *options, false);
  cmd->add_flag("--print", *print, "print the fully resolved config (overrides and defaults)");
  cmd->add_flag("--keys", *keys,
                "print every key the config is read with (type, default, unit, description)");
  cmd->callback([options, print, keys] {
    const Study study = load_study(options->config, options->overrides);
    if (*print) std::cout << study.document->resolved_yaml();
    if (*keys) print_keys(*study.document);
    if (!*print && !*keys) std::cout << options->config << ": valid\n";
  });
}

}  // namespace hawx::app
