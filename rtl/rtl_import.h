// SPDX-License-Identifier: MIT
// Import of a user's multiplier RTL at run time: the design is verilated (cached, see
// verilator_build.h), its ports checked, and all 65,536 operand pairs simulated into the product
// table. Every problem with the design is an InputError naming the file or the port:
// a missing file, Verilog that does not parse (Verilator's file:line message), an absent top
// module, a missing port, a port of the wrong width or direction, inputs besides the two
// operands, a design that does not settle (a combinational loop).
#pragma once

#include "rtl/multiplier.h"

namespace hawx::rtl {

ProductTable sweep_design(const MultiplierDesign& design);

}  // namespace hawx::rtl
