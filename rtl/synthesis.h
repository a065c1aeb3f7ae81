// SPDX-License-Identifier: MIT
// Logic synthesis of an 8x8 multiplier with Yosys into a generic CMOS gate netlist: its transistor
// count (-> area, with a TechSpec) and the gate netlist whose net toggles give switching energy
// (rtl/switching.h).
//
// Flow (Yosys from PATH, run as a subprocess without a shell; script and log in the work folder):
//   read the sources (-sv) -> hierarchy -check -top TOP -> proc -> flatten -> check (loops) ->
//   no flip-flops or latches -> synth -flatten -> abc -g cmos (NAND NOR AOI3 OAI3 AOI4 OAI4 MUX
//   NMUX XOR XNOR NOT: every cell `stat -tech cmos` prices) -> opt_clean -> stat -tech cmos ->
//   write_verilog -noattr, write_json.
//
// Promises:
// - transistors is Yosys's `stat -tech cmos` estimate, and it is exact: a cell that stat cannot
//   price is an Error (a bug of this flow), never silently left out.
// - Every problem with the design is an InputError naming the module and the file: a missing
//   file, Yosys's own ERROR line (syntax error, missing top or submodule), a flip-flop or latch
//   ("TOP is sequential; a combinational multiplier is required"), a combinational loop, a
//   missing or mis-sized port, an input besides the two operands.
// - The simulation netlist (simulation_netlist) is generated from the JSON netlist: module
//   kSimulationTop with ports a[7:0], b[7:0], p[15:0] whatever the design's port names, one 1-bit
//   wire per net (so Verilator sees no vector that feeds itself: no UNOPTFLAT), and every net
//   observed on the 32-bit outputs t0, t1, ... in the order of `nets` (bit i of t<k> is net
//   32k + i). Its products are those of the design's RTL.
// - synthesize_cached() keeps results in the cache (rtl/cache.h, kind "synthesis") under a hash of
//   the sources, the top, the ports, this flow and Yosys's version.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rtl/multiplier.h"

namespace hawx::rtl {

inline constexpr const char* kSimulationTop = "hawx_gates";

// One net of the gate netlist: an operand bit or the output of a gate.
struct GateNet {
  std::string name;     // "a[3]", a public wire name of the design, or "n<index>"
  int fanout = 0;       // gate inputs it drives
  int output_bits = 0;  // product bits it drives
};

struct SynthesisResult {
  std::string top;
  // Figures.
  std::int64_t transistors = 0;               // Yosys `stat -tech cmos`
  std::map<std::string, std::int64_t> cells;  // gate type ("$_NAND_", ...) -> count
  int logic_depth = 0;                        // most gates on a path from an operand to p
  // The gate netlist: a[0..7] and b[0..7] (net indices 0..15), then one net per gate output.
  std::vector<GateNet> nets;
  // Files, all in `directory`.
  std::filesystem::path directory;
  std::filesystem::path log;                 // Yosys's log
  std::filesystem::path netlist_verilog;     // write_verilog -noattr
  std::filesystem::path netlist_json;        // write_json
  std::filesystem::path simulation_netlist;  // see the promises above

  std::int64_t cell_count() const;
  // The number of 32-bit observation ports (t0 .. t<n-1>) of the simulation netlist.
  std::size_t observation_words() const { return (nets.size() + 31) / 32; }
};

// Synthesises into `work_dir` (created if needed; files there are overwritten).
SynthesisResult synthesize(const MultiplierDesign& design, const std::filesystem::path& work_dir);

// The same, from the on-disk cache when this design was synthesised before.
SynthesisResult synthesize_cached(const MultiplierDesign& design);

}  // namespace hawx::rtl
