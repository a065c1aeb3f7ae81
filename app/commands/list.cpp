// SPDX-License-Identifier: MIT
// `hawx-cosim list`: what is registered, by kind, with one-line descriptions.
#include <algorithm>
#include <iostream>

#include "app/commands/commands.h"
#include "core/registry.h"

namespace hawx::app {

void add_list_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "list", "Print the registered implementations of each kind, with one-line descriptions");
  cmd->callback([] {
    for (const auto& [kind, entries] : Catalogue::instance().kinds()) {
      std::cout << kind << " — " << entries.description << "\n";
      std::size_t width = 0;
      for (const auto& [name, description] : entries.entries) width = std::max(width, name.size());
      for (const auto& [name, description] : entries.entries) {
        std::cout << "  " << name << std::string(width - name.size() + 2, ' ') << description
                  << "\n";
      }
    }
  });
}

}  // namespace hawx::app
