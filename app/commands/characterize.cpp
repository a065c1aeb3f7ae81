// SPDX-License-Identifier: MIT
// `hawx-cosim characterize`: how wrong, how big, how hungry is a multiplier? For user RTL or
// library designs: exhaustive error metrics from the verilated RTL, area and switching energy
// from Yosys and gate-level toggles. A readable table, or --json for scripts.
#include <iostream>

#include "app/commands/commands.h"
#include "app/multiplier_table.h"
#include "app/study.h"
#include "core/errors.h"
#include "rtl/library.h"

namespace hawx::app {
namespace {

struct Options {
  std::vector<std::string> rtl;
  std::string top;
  std::string port_a = "a";
  std::string port_b = "b";
  std::string port_p = "p";
  bool is_signed = false;
  std::vector<std::string> builtin;
  bool all = false;
  bool json = false;
  bool no_hardware = false;
  std::string tech;
};

void run(const Options& o) {
  std::vector<rtl::MultiplierSpec> specs;
  if (!o.rtl.empty()) {
    if (o.top.empty()) throw ConfigError("--rtl needs --top: the name of the top module");
    rtl::MultiplierSpec spec;
    for (const auto& f : o.rtl) spec.design.sources.push_back(f);
    spec.design.top = o.top;
    spec.design.name = o.top;
    spec.design.port_a = o.port_a;
    spec.design.port_b = o.port_b;
    spec.design.port_p = o.port_p;
    spec.design.is_signed = o.is_signed;
    specs.push_back(spec);
  } else if (!o.top.empty()) {
    throw ConfigError("--top needs --rtl: the Verilog files of the design");
  }
  for (const auto& name : o.builtin) specs.push_back(rtl::MultiplierSpec::library(name));
  if (o.all) {
    for (const auto& name : rtl::builtin_multiplier_names()) {
      specs.push_back(rtl::MultiplierSpec::library(name));
    }
  }
  if (specs.empty()) {
    throw ConfigError(
        "nothing to characterise: give --rtl FILE... --top NAME, --builtin NAME or "
        "--all");
  }
  const rtl::CharacterizeOptions options = characterize_options(o.tech, !o.no_hardware);
  std::vector<rtl::Characterization> results;
  for (const auto& spec : specs) results.push_back(rtl::characterize(spec, options));
  if (o.json) {
    if (results.size() == 1) {
      std::cout << rtl::to_json(results.front()).dump(2) << "\n";
    } else {
      nlohmann::ordered_json all = nlohmann::ordered_json::array();
      for (const auto& r : results) all.push_back(rtl::to_json(r));
      std::cout << all.dump(2) << "\n";
    }
  } else {
    print_multiplier_table(std::cout, results);
  }
}

}  // namespace

void add_characterize_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "characterize",
      "Characterise 8x8 multipliers from RTL: exhaustive error metrics, area, switching energy");
  cmd->add_option("--rtl", o->rtl, "Verilog files of your design (a top module plus its cells)")
      ->allow_extra_args(true);
  cmd->add_option("--top", o->top, "top module of --rtl");
  cmd->add_option("--port-a", o->port_a, "8-bit operand input")->capture_default_str();
  cmd->add_option("--port-b", o->port_b, "8-bit operand input")->capture_default_str();
  cmd->add_option("--port-p", o->port_p, "16-bit product output")->capture_default_str();
  cmd->add_flag("--signed", o->is_signed, "operands and product are two's complement");
  cmd->add_option("--builtin", o->builtin, "a library design (repeatable; see hawx-cosim list)")
      ->allow_extra_args(false);
  cmd->add_flag("--all", o->all, "every library design");
  cmd->add_flag("--json", o->json, "print JSON (one object, or a list for several designs)");
  cmd->add_flag("--no-hardware", o->no_hardware,
                "skip area and energy estimation (function and error metrics only)");
  cmd->add_option("--tech", o->tech, "technology constants (default: configs/tech/generic45.yaml)");
  cmd->callback([o] { run(*o); });
}

}  // namespace hawx::app
