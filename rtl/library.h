// SPDX-License-Identifier: MIT
// The built-in multiplier library: the designs in rtl/lib/*.v, registered by name (kind
// "multiplier"). Each was verilated at build time (C++ for characterisation, SystemC for the
// simulators' RTL-in-the-loop mode); its Verilog text is embedded so that synthesis and the cache
// key need no source tree at run time.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/registry.h"
#include "rtl/multiplier.h"

namespace hawx::rtl {

struct BuiltinMultiplier {
  std::string name;         // the module name, also the file name rtl/lib/<name>.v
  std::string description;  // source and parameters, one line
  bool is_signed = false;
  std::string verilog;  // the embedded contents of rtl/lib/<name>.v
  // Fills a table by driving the build-time verilated model with all 65,536 pairs.
  std::function<void(ProductTable&)> sweep;
};

struct MultiplierKind {
  static constexpr const char* kName = "multiplier";
  static constexpr const char* kDescription = "built-in 8x8 multipliers (rtl/lib/*.v)";
  using Factory = BuiltinMultiplier;
};

// The library entry; ConfigError listing the library for an unknown name.
const BuiltinMultiplier& builtin_multiplier(const std::string& name);
std::vector<std::string> builtin_multiplier_names();

// The product table of a library design, from its build-time verilated model.
ProductTable builtin_table(const std::string& name);

}  // namespace hawx::rtl
