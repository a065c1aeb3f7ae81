// SPDX-License-Identifier: MIT
// The technology constants that turn gate-level figures into area and switching energy
// (configs/tech/*.yaml). They are estimates for ranking designs against each other, not sign-off
// numbers: a generic CMOS gate set (Yosys `stat -tech cmos`), no placement, no wire lengths.
//
// Promises:
// - area = transistors * area_per_transistor_um2.
// - One toggle of a net that drives F gate inputs (and, for product bits, the load outside the
//   multiplier) costs net_toggle_fj(F) = net_toggle_energy_fj + F' * gate_input_toggle_energy_fj,
//   where F' = F + output_load_gate_inputs per product bit the net drives. This is 1/2 C V^2 with
//   C = the driver's own diffusion and local wire (fixed) + the gate inputs it charges.
// - Every key is validated (units, ranges) and unknown keys are errors, as for every config.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/config.h"

namespace hawx::rtl {

struct TechSpec {
  std::string name;
  // Area.
  double area_per_transistor_um2 = 0.0;
  // Switching energy per toggle (0->1 or 1->0) of one net.
  double net_toggle_energy_fj = 0.0;         // fixed part: driver diffusion and local wire
  double gate_input_toggle_energy_fj = 0.0;  // per gate input driven by the net
  double output_load_gate_inputs = 0.0;      // load of one product bit outside the multiplier

  // The accelerators' other components (the optional `accelerator:` section; the defaults are
  // Horowitz's 45 nm figures, ISSCC 2014 "Computing's energy problem": 32-bit integer add 0.1 pJ
  // and 137 um^2, 32-bit read of an 8 KB SRAM 5 pJ, 32-bit DRAM read 640 pJ; SRAM area: 8192
  // bit cells of 0.346 um^2, Intel's 45 nm 6-T cell, Mistry et al., IEDM 2007, at an assumed 50 %
  // array efficiency for decoders, sense amplifiers and I/O).
  double accumulate_fj = 100.0;          // one int32 accumulation (a MAC's adder)
  double accumulator_area_um2 = 137.0;   // a PE's 32-bit adder
  double sram_fj_per_byte = 1250.0;      // an SRAM read or write, per byte
  double dram_fj_per_byte = 160000.0;    // a DRAM read or write, per byte
  double sram_area_um2_per_kb = 5670.0;  // on-chip SRAM, per kB (1024 bytes) of capacity
  // The PEs' pipeline registers (flip-flops). Assumptions of the order of a 45 nm standard-cell D
  // flip-flop, not from a cited measurement: a data toggle ~3 fJ (its output net, 1.2 fJ + 0.97
  // fJ per gate input driven in generic45's terms, plus its internal nodes); a clock cycle ~1 fJ
  // (a ~1 fF clock pin charged and discharged at 1.1 V, C V^2).
  double register_fj_per_bit_toggle = 3.0;     // one flip-flop's output changing
  double register_fj_per_bit_per_cycle = 1.0;  // one flip-flop clocked, whether it changes or not
  // Static (leakage) power of powered logic per um^2 of cell area, whatever it computes: an
  // assumption of the order of 45 nm general-purpose X1 standard cells at 25 C (tens of nW per
  // cell of about 0.5-1 um^2), not a figure for these netlists. nW x us = fJ.
  double leakage_nw_per_um2 = 25.0;

  // The SIMT core's components (the optional `simt:` section; sim/simt/core.h). Defaults from
  // Horowitz's 45 nm figures (ISSCC 2014) where one applies, otherwise labelled assumptions:
  // a 32-bit access of a lane's register-file bank (8 KB: 8 wavefronts x 64 work-items x 32
  // registers x 4 bytes over 8 lanes) as Horowitz's 32-bit read of an 8 KB SRAM, 5 pJ; a 32-bit
  // ALU operation as his 32-bit add, 0.1 pJ; the shared cache per byte as his 32-bit read of a
  // 32 KB SRAM, 10 pJ / 4; local memory per byte as the 8 KB SRAM, 5 pJ / 4. Areas: a lane's
  // 32-bit ALU (adder, shifter, logic, 32-bit multiply for addresses) assumed 3x Horowitz's
  // 32-bit adder; a CU's control (wavefront scheduler, scoreboards, instruction buffer and
  // decode, dispatch) an assumption of the order of a small in-order core's front end. Register
  // files, local memories and the cache take sram_area_um2_per_kb.
  double simt_register_fj_per_access = 5000.0;
  double simt_alu_fj_per_op = 100.0;
  double simt_cache_fj_per_byte = 2500.0;
  double simt_local_fj_per_byte = 1250.0;
  double simt_alu_area_um2 = 411.0;
  double simt_cu_control_area_um2 = 20000.0;

  // The energy of one toggle of a net driving `fanout` gate inputs and `output_bits` product bits.
  double net_toggle_fj(int fanout, int output_bits) const {
    return net_toggle_energy_fj +
           (fanout + output_bits * output_load_gate_inputs) * gate_input_toggle_energy_fj;
  }

  // Reads the keys of a tech file from `root` (name, gates.*, accelerator.*) without finishing
  // the document, so that a caller may read more sections of the same file.
  static TechSpec read(const config::Section& root, const std::string& default_name);
  // Loads a tech file: ConfigError naming the file, line and key for a bad or unknown key.
  static TechSpec load(const std::filesystem::path& file,
                       const std::vector<std::string>& overrides = {});
};

}  // namespace hawx::rtl
