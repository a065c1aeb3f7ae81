// SPDX-License-Identifier: MIT
// Run-time import of user RTL: designs that are not in the library, with their own port names and
// helper modules, swept into product tables by the verilated RTL; the cache; every bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "core/errors.h"
#include "rtl/cache.h"
#include "rtl/rtl_import.h"
#include "tests/support/test_support.h"

namespace hawx::rtl {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

// An exact 8x8 multiplier built from four 4x4 blocks, each from AND gates and a helper adder,
// with ports x, y, prod; the cells live in a second file.
constexpr const char* kTopFile = R"(
module my_mult (input wire [7:0] x, input wire [7:0] y, output wire [15:0] prod);
  wire [7:0] ll, lh, hl, hh;
  block4 u0 (.a(x[3:0]), .b(y[3:0]), .p(ll));
  block4 u1 (.a(x[3:0]), .b(y[7:4]), .p(lh));
  block4 u2 (.a(x[7:4]), .b(y[3:0]), .p(hl));
  block4 u3 (.a(x[7:4]), .b(y[7:4]), .p(hh));
  assign prod = {8'b0, ll} + {4'b0, lh, 4'b0} + {4'b0, hl, 4'b0} + {hh, 8'b0};
endmodule
)";
constexpr const char* kCellsFile = R"(
module block4 (input wire [3:0] a, input wire [3:0] b, output wire [7:0] p);
  wire [7:0] r0 = {4'b0, a & {4{b[0]}}};
  wire [7:0] r1 = {3'b0, a & {4{b[1]}}, 1'b0};
  wire [7:0] r2 = {2'b0, a & {4{b[2]}}, 2'b0};
  wire [7:0] r3 = {1'b0, a & {4{b[3]}}, 3'b0};
  adder8 s (.a(r0 + r1), .b(r2 + r3), .s(p));
endmodule
module adder8 (input wire [7:0] a, input wire [7:0] b, output wire [7:0] s);
  assign s = a + b;
endmodule
)";

MultiplierDesign my_mult(const test::TempDir& dir) {
  test::write_file(dir / "my_mult.v", kTopFile);
  test::write_file(dir / "cells.v", kCellsFile);
  MultiplierDesign d;
  d.name = "my_mult";
  d.sources = {dir / "my_mult.v", dir / "cells.v"};
  d.top = "my_mult";
  d.port_a = "x";
  d.port_b = "y";
  d.port_p = "prod";
  return d;
}

// A one-file design under `top` with the default ports a, b, p.
MultiplierDesign one_file(const test::TempDir& dir, const std::string& top,
                          const std::string& verilog) {
  test::write_file(dir / (top + ".v"), verilog);
  MultiplierDesign d;
  d.name = top;
  d.sources = {dir / (top + ".v")};
  d.top = top;
  return d;
}

std::string import_error(const MultiplierDesign& d) {
  try {
    sweep_design(d);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for " << d.top;
  return "";
}

TEST(BridgeTest, UserDesignWithOwnPortsAndHelperModulesSweepsExactly) {
  test::TempDir dir;
  const ProductTable table = sweep_design(my_mult(dir));
  EXPECT_EQ(table.products(), exact_table(false).products());
}

TEST(BridgeTest, SignedDesignIsReadAsTwosComplement) {
  test::TempDir dir;
  MultiplierDesign d = one_file(dir, "smul", R"(
module smul (input wire signed [7:0] a, input wire signed [7:0] b, output wire signed [15:0] p);
  assign p = a * b;
endmodule
)");
  d.is_signed = true;
  const ProductTable table = sweep_design(d);
  EXPECT_EQ(table.at(0x80, 0x80), 16384);  // -128 * -128
  EXPECT_EQ(table.at(0xFF, 0x02), -2);
  EXPECT_EQ(table.products(), exact_table(true).products());
}

TEST(BridgeTest, ApproximateDesignMatchesItsDefinition) {
  test::TempDir dir;
  // Lower-part OR: the low 4 product bits are replaced by a[3:0] | b[3:0].
  const ProductTable table = sweep_design(one_file(dir, "lor", R"(
module lor (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
  wire [15:0] exact = a * b;
  assign p = {exact[15:4], a[3:0] | b[3:0]};
endmodule
)"));
  for (unsigned a = 0; a < 256; a += 7) {
    for (unsigned b = 0; b < 256; b += 3) {
      const std::int32_t expected = static_cast<std::int32_t>(((a * b) & ~0xFu) | ((a | b) & 0xFu));
      ASSERT_EQ(table.at(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)), expected);
    }
  }
}

TEST(BridgeTest, SecondImportReusesTheCache) {
  test::TempDir dir;
  const MultiplierDesign d = my_mult(dir);
  // Content unique to this run, so that the first import builds the entry (the cache outlives
  // test runs and is keyed by content).
  test::write_file(dir / "my_mult.v",
                   std::string(kTopFile) + "// run " + dir.path().filename().string() + "\n");
  sweep_design(d);
  // Entries built from this test's files (other test processes share the cache meanwhile).
  const auto count_entries = [&dir] {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(cache_root() / "verilated")) {
      const std::string inputs = test::read_file(e.path() / "inputs.txt");
      n += fs::exists(e.path() / "complete") &&
           inputs.find(dir.path().string()) != std::string::npos;
    }
    return n;
  };
  const std::size_t before = count_entries();
  EXPECT_EQ(before, 1u);
  std::map<fs::path, fs::file_time_type> stamps;
  for (const auto& e : fs::directory_iterator(cache_root() / "verilated")) {
    if (test::read_file(e.path() / "inputs.txt").find(dir.path().string()) == std::string::npos) {
      continue;
    }
    for (const auto& f : fs::recursive_directory_iterator(e.path())) {
      stamps[f.path()] = f.last_write_time();
    }
  }
  ASSERT_FALSE(stamps.empty());
  EXPECT_EQ(sweep_design(d).products(), exact_table(false).products());
  EXPECT_EQ(count_entries(), before);
  for (const auto& [path, stamp] : stamps) {
    EXPECT_EQ(stamp, fs::last_write_time(path)) << path << " was rewritten";
  }
  // Changing one source file is a different design: a new entry (the cache outlives test runs,
  // so the edit is unique to this run).
  test::write_file(dir / "cells.v",
                   std::string(kCellsFile) + "// edited " + dir.path().filename().string() + "\n");
  sweep_design(d);
  EXPECT_EQ(count_entries(), before + 1);
}

TEST(BridgeTest, MissingFile) {
  MultiplierDesign d;
  d.sources = {"/nonexistent/mul.v"};
  d.top = "mul";
  EXPECT_THAT(import_error(d), HasSubstr("/nonexistent/mul.v: no such Verilog file"));
}

TEST(BridgeTest, SyntaxErrorShowsVerilatorsMessageWithFileAndLine) {
  test::TempDir dir;
  const auto d = one_file(dir, "bad",
                          "module bad (input wire [7:0] a, input wire [7:0] b,\n"
                          "  output wire [15:0] p);\n  assign p = a * ;\nendmodule\n");
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("Verilator cannot build top module 'bad'"),
                                     HasSubstr("%Error: " + (dir / "bad.v").string() + ":3:")));
}

TEST(BridgeTest, MissingTopModule) {
  test::TempDir dir;
  auto d = my_mult(dir);
  d.top = "not_there";
  EXPECT_THAT(import_error(d), AllOf(HasSubstr("top module 'not_there'"), HasSubstr("%Error")));
}

TEST(BridgeTest, MissingPortListsThePortsThereAre) {
  test::TempDir dir;
  auto d = my_mult(dir);
  d.port_p = "p";
  EXPECT_THAT(import_error(d),
              AllOf(HasSubstr("module 'my_mult'"), HasSubstr("has no port 'p'"),
                    HasSubstr("expected the product as an output of 16 bits"),
                    HasSubstr("its ports are: prod (output, 16 bits), x (input, 8 bits), "
                              "y (input, 8 bits)")));
}

TEST(BridgeTest, PortOfWrongWidthOrDirection) {
  test::TempDir dir;
  auto narrow = one_file(dir, "narrow", R"(
module narrow (input wire [7:0] a, input wire [7:0] b, output wire [7:0] p);
  assign p = a & b;
endmodule
)");
  EXPECT_THAT(import_error(narrow),
              HasSubstr("port 'p' is an output of 8 bits; expected the product as an output "
                        "of 16 bits"));
  auto swapped = one_file(dir, "swapped", R"(
module swapped (input wire [7:0] a, output wire [7:0] b, input wire [15:0] p);
  assign b = a ^ p[7:0];
endmodule
)");
  EXPECT_THAT(import_error(swapped),
              HasSubstr("port 'b' is an output of 8 bits; expected the operand b as an input"));
}

TEST(BridgeTest, ExtraInputIsRejected) {
  test::TempDir dir;
  const auto d = one_file(dir, "clocked", R"(
module clocked (input wire clk, input wire [7:0] a, input wire [7:0] b, output reg [15:0] p);
  always @(posedge clk) p <= a * b;
endmodule
)");
  EXPECT_THAT(import_error(d), HasSubstr("has the input 'clk' besides the operands"));
}

TEST(BridgeTest, CombinationalLoopIsReportedNotAborted) {
  test::TempDir dir;
  const auto d = one_file(dir, "ring", R"(
module ring (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
  wire x;
  assign x = ~x ^ a[0];
  assign p = {15'b0, x} + {8'b0, b};
endmodule
)");
  const std::string e = import_error(d);
  EXPECT_THAT(e, HasSubstr("ring"));
  EXPECT_THAT(e, testing::AnyOf(HasSubstr("combinational loop"), HasSubstr("converge"),
                                HasSubstr("Circular")));
}

}  // namespace
}  // namespace hawx::rtl
