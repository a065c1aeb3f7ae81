// SPDX-License-Identifier: MIT
// Independent C++ models of the published algorithms behind the built-in multiplier library
// (rtl/lib/*.v), used only by the tests: each is written from the algorithm's definition (exact
// product minus dropped bits, leading-one arithmetic, integer logarithms, ...), not translated
// from the Verilog, so that the exhaustive comparison with the verilated RTL checks both.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hawx::rtl::test {

// The product of the raw operand patterns a and b as the design's signedness reads it: unsigned
// designs 0..65535, signed designs the two's complement value -32768..32767 of the 16-bit result.
// std::invalid_argument for a design without a model.
std::int32_t reference_product(const std::string& design, std::uint8_t a, std::uint8_t b);

// Whether the design reads its operands and product as two's complement (std::invalid_argument
// for a design without a model).
bool reference_is_signed(const std::string& design);

// Every design with a model, sorted by name.
std::vector<std::string> reference_designs();

}  // namespace hawx::rtl::test
