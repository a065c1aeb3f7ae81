// SPDX-License-Identifier: MIT
// Yosys synthesis of multipliers (rtl/synthesis.h) and the tech file (rtl/tech.h): transistor
// counts that rank the library designs, the gate netlist of a tiny design counted by hand, and a
// clear InputError for each kind of bad RTL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>

#include "core/errors.h"
#include "rtl/characterize.h"
#include "rtl/library.h"
#include "rtl/synthesis.h"
#include "rtl/tech.h"
#include "tests/support/test_support.h"

namespace hawx::rtl {
namespace {
namespace fs = std::filesystem;
using ::testing::HasSubstr;

// A library design as characterisation sees it: its embedded source (the design and its cells).
MultiplierDesign library_design(const std::string& name) {
  return MultiplierSpec::library(name).design;
}

std::int64_t transistors(const std::string& name) {
  return synthesize_cached(library_design(name)).transistors;
}

// A design written into `dir` from Verilog text; the module is `top`.
MultiplierDesign written_design(const test::TempDir& dir, const std::string& top,
                                const std::string& verilog) {
  MultiplierDesign d;
  d.name = d.top = top;
  d.sources = {dir / (top + ".v")};
  test::write_file(d.sources.front(), verilog);
  return d;
}

// The InputError message of synthesising `design`, or a failure if there is none.
std::string synthesis_error(const MultiplierDesign& design, const fs::path& work_dir) {
  try {
    synthesize(design, work_dir);
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "no InputError for " << design.top;
  return "";
}

TEST(SynthesisTest, TruncationRemovesTransistors) {
  const auto exact = transistors("mul8u_exact");
  const auto trunc4 = transistors("mul8u_trunc4");
  const auto trunc8 = transistors("mul8u_trunc8");
  std::cout << "[ transistors ] mul8u_exact " << exact << ", mul8u_trunc4 " << trunc4
            << ", mul8u_trunc8 " << trunc8 << "\n";
  EXPECT_GT(exact, trunc4);
  EXPECT_GT(trunc4, trunc8);
}

TEST(SynthesisTest, LargerBreakLevelsGiveSmallerBrokenArrays) {
  // Every mul8u_bam_h<H>_v<V> of the library: a design that breaks at least as much as another in
  // both directions (and more in one) has fewer transistors.
  const std::regex bam(R"(mul8u_bam_h(\d+)_v(\d+))");
  struct Bam {
    std::string name;
    int h, v;
  };
  std::vector<Bam> designs;
  for (const std::string& name : builtin_multiplier_names()) {
    std::smatch m;
    if (std::regex_match(name, m, bam)) designs.push_back({name, std::stoi(m[1]), std::stoi(m[2])});
  }
  ASSERT_GE(designs.size(), 2u)
      << "expected broken-array designs mul8u_bam_h<H>_v<V> in the library";
  std::map<std::string, std::int64_t> count;
  for (const auto& d : designs) count[d.name] = transistors(d.name);
  int compared = 0;
  for (const auto& x : designs) {
    for (const auto& y : designs) {
      if (y.h >= x.h && y.v >= x.v && (y.h > x.h || y.v > x.v)) {
        EXPECT_LT(count[y.name], count[x.name]) << y.name << " vs " << x.name;
        ++compared;
      }
    }
  }
  EXPECT_GT(compared, 0) << "no two broken-array designs where one breaks more than the other";
  for (const auto& [name, n] : count) std::cout << "[ transistors ] " << name << " " << n << "\n";
}

TEST(SynthesisTest, TinyXorNetlistIsCountedExactly) {
  // p = {8'b0, x ^ y} with ports named x, y, z: 8 XOR gates, 12 transistors each in Yosys's
  // `stat -tech cmos` pricing; 16 operand nets driving one gate each, 8 gate outputs driving one
  // product bit each.
  test::TempDir dir;
  MultiplierDesign d = written_design(dir, "xor8",
                                      "module xor8(input [7:0] x, input [7:0] y, "
                                      "output [15:0] z);\n"
                                      "  assign z = {8'b0, x ^ y};\n"
                                      "endmodule\n");
  d.port_a = "x";
  d.port_b = "y";
  d.port_p = "z";
  const SynthesisResult r = synthesize(d, dir / "work");
  EXPECT_EQ(r.cells, (std::map<std::string, std::int64_t>{{"$_XOR_", 8}}));
  EXPECT_EQ(r.cell_count(), 8);
  EXPECT_EQ(r.transistors, 8 * 12);
  EXPECT_EQ(r.logic_depth, 1);
  ASSERT_EQ(r.nets.size(), 24u);
  EXPECT_EQ(r.observation_words(), 1u);
  for (std::size_t i = 0; i < 16; ++i) {
    EXPECT_EQ(r.nets[i].name, (i < 8 ? "x[" : "y[") + std::to_string(i % 8) + "]");
    EXPECT_EQ(r.nets[i].fanout, 1) << r.nets[i].name;
    EXPECT_EQ(r.nets[i].output_bits, 0) << r.nets[i].name;
  }
  for (std::size_t i = 16; i < 24; ++i) {
    EXPECT_EQ(r.nets[i].fanout, 0) << r.nets[i].name;
    EXPECT_EQ(r.nets[i].output_bits, 1) << r.nets[i].name;
  }
  for (const auto& file : {r.log, r.netlist_verilog, r.netlist_json, r.simulation_netlist}) {
    EXPECT_TRUE(fs::is_regular_file(file)) << file;
  }
  EXPECT_THAT(test::read_file(r.simulation_netlist), HasSubstr("module hawx_gates"));
}

TEST(SynthesisTest, CachedResultEqualsFreshSynthesis) {
  test::TempDir dir;
  const MultiplierDesign d = library_design("mul8u_exact");
  const SynthesisResult fresh = synthesize(d, dir / "work");
  const SynthesisResult cached = synthesize_cached(d);
  const SynthesisResult again = synthesize_cached(d);
  EXPECT_EQ(cached.transistors, fresh.transistors);
  EXPECT_EQ(cached.cells, fresh.cells);
  EXPECT_EQ(cached.logic_depth, fresh.logic_depth);
  ASSERT_EQ(cached.nets.size(), fresh.nets.size());
  for (std::size_t i = 0; i < fresh.nets.size(); ++i) {
    EXPECT_EQ(cached.nets[i].fanout, fresh.nets[i].fanout);
  }
  EXPECT_EQ(test::read_file(cached.simulation_netlist), test::read_file(fresh.simulation_netlist));
  EXPECT_EQ(again.directory, cached.directory);
  std::cout << "[ mul8u_exact ] " << fresh.transistors << " transistors, " << fresh.cell_count()
            << " cells, " << fresh.nets.size() << " nets, logic depth " << fresh.logic_depth
            << "\n";
}

TEST(SynthesisTest, SyntaxErrorQuotesYosysAndNamesTheFile) {
  test::TempDir dir;
  const auto d = written_design(dir, "broken",
                                "module broken(input [7:0] a, input [7:0] b, output [15:0] p)\n"
                                "  assign p = a * b\n"
                                "endmodule\n");
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("broken.v:2"));
  EXPECT_THAT(message, HasSubstr("syntax error"));
}

TEST(SynthesisTest, MissingTopModuleIsReported) {
  test::TempDir dir;
  MultiplierDesign d = library_design("mul8u_exact");
  d.top = "mul8u_nosuch";
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("mul8u_nosuch"));
  EXPECT_THAT(message, HasSubstr("not found"));
}

TEST(SynthesisTest, SequentialDesignIsRejected) {
  test::TempDir dir;
  const auto d = written_design(
      dir, "regmul",
      "module regmul(input clk, input [7:0] a, input [7:0] b, output reg [15:0] p);\n"
      "  always @(posedge clk) p <= a * b;\n"
      "endmodule\n");
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("regmul is sequential"));
  EXPECT_THAT(message, HasSubstr("'p'"));
  EXPECT_THAT(message, HasSubstr("a combinational multiplier is required"));
}

TEST(SynthesisTest, LatchIsRejected) {
  test::TempDir dir;
  const auto d =
      written_design(dir, "latchmul",
                     "module latchmul(input [7:0] a, input [7:0] b, output reg [15:0] p);\n"
                     "  always @* if (a[0]) p = a * b;\n"
                     "endmodule\n");
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("latches for 'p'"));
  EXPECT_THAT(message, HasSubstr("a combinational multiplier is required"));
}

TEST(SynthesisTest, CombinationalLoopIsRejected) {
  test::TempDir dir;
  const auto d = written_design(dir, "loopmul",
                                "module loopmul(input [7:0] a, input [7:0] b, output [15:0] p);\n"
                                "  wire [7:0] x;\n"
                                "  assign x = (x ^ a) & b;\n"
                                "  assign p = {x, a & b};\n"
                                "endmodule\n");
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("module 'loopmul'"));
  EXPECT_THAT(message, HasSubstr("combinational loop"));
}

TEST(SynthesisTest, MissingFileIsReported) {
  test::TempDir dir;
  MultiplierDesign d;
  d.name = d.top = "ghost";
  d.sources = {dir / "ghost.v"};
  const std::string message = synthesis_error(d, dir / "work");
  EXPECT_THAT(message, HasSubstr("ghost.v: no such Verilog file"));
  EXPECT_THROW(synthesize_cached(d), InputError);
}

TEST(SynthesisTest, PortsAreChecked) {
  test::TempDir dir;
  const auto narrow =
      written_design(dir, "narrow",
                     "module narrow(input [7:0] a, input [7:0] b, output [7:0] p);\n"
                     "  assign p = a ^ b;\n"
                     "endmodule\n");
  EXPECT_THAT(
      synthesis_error(narrow, dir / "w1"),
      HasSubstr("port 'p' is an output of 8 bits; expected the product as an output of 16"));

  const auto extra =
      written_design(dir, "extra",
                     "module extra(input [7:0] a, input [7:0] b, input en, output [15:0] p);\n"
                     "  assign p = en ? a * b : 16'd0;\n"
                     "endmodule\n");
  EXPECT_THAT(synthesis_error(extra, dir / "w2"), HasSubstr("has the input 'en' besides"));

  MultiplierDesign renamed = library_design("mul8u_exact");
  renamed.port_a = "x";
  EXPECT_THAT(synthesis_error(renamed, dir / "w3"), HasSubstr("has no port 'x'"));

  renamed.port_a = "a; shell";
  EXPECT_THAT(synthesis_error(renamed, dir / "w4"), HasSubstr("is not a Verilog identifier"));
}

TEST(SynthesisTest, TechFileGivesAreaAndToggleEnergy) {
  const TechSpec t = TechSpec::load(test::source_dir() / "configs" / "tech" / "generic45.yaml");
  EXPECT_EQ(t.name, "generic45");
  EXPECT_GT(t.area_per_transistor_um2, 0.0);
  EXPECT_DOUBLE_EQ(t.net_toggle_fj(0, 0), t.net_toggle_energy_fj);
  EXPECT_DOUBLE_EQ(
      t.net_toggle_fj(3, 1),
      t.net_toggle_energy_fj + (3 + t.output_load_gate_inputs) * t.gate_input_toggle_energy_fj);
}

TEST(SynthesisTest, TechFileRejectsUnknownAndInvalidKeys) {
  test::TempDir dir;
  const std::string good =
      "name: t\ngates:\n  area_per_transistor_um2: 0.2\n  net_toggle_energy_fj: 1\n"
      "  gate_input_toggle_energy_fj: 1\n";
  test::write_file(dir / "unknown.yaml", good + "  wire_energy: 3\n");
  try {
    TechSpec::load(dir / "unknown.yaml");
    ADD_FAILURE() << "unknown key accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("wire_energy"));
  }
  test::write_file(dir / "negative.yaml", good);
  EXPECT_THROW(TechSpec::load(dir / "negative.yaml", {"gates.net_toggle_energy_fj=-1"}),
               ConfigError);
  test::write_file(dir / "missing.yaml", "gates:\n  area_per_transistor_um2: 0.2\n");
  EXPECT_THROW(TechSpec::load(dir / "missing.yaml"), ConfigError);
  test::write_file(dir / "good.yaml", good);
  EXPECT_EQ(TechSpec::load(dir / "good.yaml").output_load_gate_inputs, 1.0);
}

// The optional accelerator: section (the systolic array's adders, SRAM and DRAM): Horowitz's
// 45 nm figures by default, overridable, validated like every key.
TEST(SynthesisTest, TechFileAcceleratorSection) {
  test::TempDir dir;
  const std::string gates =
      "name: t\ngates:\n  area_per_transistor_um2: 0.2\n  net_toggle_energy_fj: 1\n"
      "  gate_input_toggle_energy_fj: 1\n";
  test::write_file(dir / "plain.yaml", gates);
  const TechSpec plain = TechSpec::load(dir / "plain.yaml");
  EXPECT_EQ(plain.accumulate_fj, 100.0);
  EXPECT_EQ(plain.sram_fj_per_byte, 1250.0);
  EXPECT_EQ(plain.dram_fj_per_byte, 160000.0);
  EXPECT_EQ(plain.accumulator_area_um2, 137.0);
  EXPECT_EQ(plain.sram_area_um2_per_kb, 5670.0);
  EXPECT_EQ(plain.register_fj_per_bit_toggle, 3.0);
  EXPECT_EQ(plain.register_fj_per_bit_per_cycle, 1.0);
  test::write_file(dir / "acc.yaml", gates + "accelerator:\n  dram_fj_per_byte: 80000\n");
  const TechSpec acc = TechSpec::load(dir / "acc.yaml");
  EXPECT_EQ(acc.dram_fj_per_byte, 80000.0);
  EXPECT_EQ(acc.accumulate_fj, 100.0);
  EXPECT_EQ(TechSpec::load(dir / "acc.yaml", {"accelerator.sram_area_um2_per_kb=3000"})
                .sram_area_um2_per_kb,
            3000.0);
  EXPECT_THROW(TechSpec::load(dir / "acc.yaml", {"accelerator.sram_fj_per_byte=-1"}), ConfigError);
  EXPECT_EQ(TechSpec::load(dir / "acc.yaml", {"accelerator.register_fj_per_bit_toggle=4.5"})
                .register_fj_per_bit_toggle,
            4.5);
  EXPECT_THROW(TechSpec::load(dir / "acc.yaml", {"accelerator.register_fj_per_bit_per_cycle=-1"}),
               ConfigError);
  EXPECT_EQ(plain.leakage_nw_per_um2, 25.0);
  EXPECT_EQ(
      TechSpec::load(dir / "acc.yaml", {"accelerator.leakage_nw_per_um2=5"}).leakage_nw_per_um2,
      5.0);
  EXPECT_THROW(TechSpec::load(dir / "acc.yaml", {"accelerator.leakage_nw_per_um2=-1"}),
               ConfigError);
  test::write_file(dir / "typo.yaml", gates + "accelerator:\n  dram_pj_per_byte: 80\n");
  EXPECT_THROW(TechSpec::load(dir / "typo.yaml"), ConfigError);
}

}  // namespace
}  // namespace hawx::rtl
