// SPDX-License-Identifier: MIT
// An 8x8 multiplier as the rest of hawx-cosim sees it.
//
// - MultiplierDesign: where it comes from (Verilog sources, top module, port names, signedness).
//   A plain value: copied, hashed and compared freely.
// - ProductTable: its complete function, all 65,536 operand pairs, obtained by simulating the
//   Verilated RTL (never from a C++ model of the algorithm).
// - HardwareFigures: area and switching energy, estimated from the RTL (Yosys + gate-level
//   toggles) or declared by the user from their own synthesis.
//
// Conventions: operands a and b are 8-bit patterns, the product p is 16 bits. Unsigned designs
// read them as 0..255 and 0..65535; signed designs as two's complement -128..127 and
// -32768..32767. The table is indexed by the raw patterns: index = (a << 8) | b.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace hawx::rtl {

struct MultiplierDesign {
  std::string name;                            // shown in reports; a library name or the top
  std::vector<std::filesystem::path> sources;  // Verilog files (a top plus its cells)
  std::string top;
  std::string port_a = "a";  // 8-bit input
  std::string port_b = "b";  // 8-bit input
  std::string port_p = "p";  // 16-bit output
  bool is_signed = false;
};

inline constexpr std::size_t kOperandPairs = 1u << 16;

class ProductTable {
 public:
  ProductTable() : products_(kOperandPairs, 0) {}
  explicit ProductTable(bool is_signed) : is_signed_(is_signed), products_(kOperandPairs, 0) {}

  static std::size_t index(std::uint8_t a, std::uint8_t b) {
    return (static_cast<std::size_t>(a) << 8) | b;
  }
  // The product of the raw operand patterns, as a signed or unsigned value per the design.
  std::int32_t at(std::uint8_t a, std::uint8_t b) const { return products_[index(a, b)]; }
  // Stores the raw 16-bit output pattern, sign- or zero-extended per the design.
  void set_raw(std::uint8_t a, std::uint8_t b, std::uint16_t p) {
    products_[index(a, b)] =
        is_signed_ ? static_cast<std::int32_t>(static_cast<std::int16_t>(p)) : std::int32_t{p};
  }
  // The operand value of a raw pattern for this table's signedness.
  std::int32_t operand(std::uint8_t raw) const {
    return is_signed_ ? std::int32_t{static_cast<std::int8_t>(raw)} : std::int32_t{raw};
  }
  // approx - exact for the pair.
  std::int32_t error(std::uint8_t a, std::uint8_t b) const {
    return at(a, b) - operand(a) * operand(b);
  }

  bool is_signed() const { return is_signed_; }
  const std::vector<std::int32_t>& products() const { return products_; }
  std::vector<std::int32_t>& products() { return products_; }

 private:
  bool is_signed_ = false;
  std::vector<std::int32_t> products_;
};

// The exact product table of the given signedness (what an exact multiplier must produce).
ProductTable exact_table(bool is_signed);

}  // namespace hawx::rtl
