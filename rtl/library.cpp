// SPDX-License-Identifier: MIT
#include "rtl/library.h"

namespace hawx::rtl {

const BuiltinMultiplier& builtin_multiplier(const std::string& name) {
  return Registry<MultiplierKind>::instance().get(name);
}

std::vector<std::string> builtin_multiplier_names() {
  return Registry<MultiplierKind>::instance().names();
}

ProductTable builtin_table(const std::string& name) {
  const BuiltinMultiplier& m = builtin_multiplier(name);
  ProductTable table(m.is_signed);
  m.sweep(table);
  return table;
}

ProductTable exact_table(bool is_signed) {
  ProductTable table(is_signed);
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const auto ra = static_cast<std::uint8_t>(a);
      const auto rb = static_cast<std::uint8_t>(b);
      table.products()[ProductTable::index(ra, rb)] = table.operand(ra) * table.operand(rb);
    }
  }
  return table;
}

}  // namespace hawx::rtl
