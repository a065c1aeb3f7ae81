// SPDX-License-Identifier: MIT
#include "rtl/tech.h"

namespace hawx::rtl {

TechSpec TechSpec::read(const config::Section& root, const std::string& default_name) {
  using config::Param;
  TechSpec t;
  t.name = root.read(
      Param<std::string>("name").def(default_name).doc("name of the technology, shown in reports"));
  const config::Section gates = root.section(
      "gates", "constants of the generic CMOS gate netlist (Yosys `stat -tech cmos`, toggles)");
  t.area_per_transistor_um2 =
      gates.read(Param<double>("area_per_transistor_um2")
                     .min(1e-6)
                     .unit("um^2")
                     .doc("layout area per transistor of the synthesised gate netlist"));
  t.net_toggle_energy_fj = gates.read(
      Param<double>("net_toggle_energy_fj")
          .min(0.0)
          .unit("fJ")
          .doc("energy of one toggle of a net, whatever it drives (driver diffusion, local wire)"));
  t.gate_input_toggle_energy_fj =
      gates.read(Param<double>("gate_input_toggle_energy_fj")
                     .min(0.0)
                     .unit("fJ")
                     .doc("energy added to a net's toggle by each gate input it drives"));
  t.output_load_gate_inputs =
      gates.read(Param<double>("output_load_gate_inputs")
                     .def(1.0)
                     .min(0.0)
                     .unit("gate inputs")
                     .doc("load of each product bit outside the multiplier (accumulator input)"));
  if (root.has("accelerator")) {
    const config::Section a = root.section(
        "accelerator", "energy and area of the accelerators' other components, per event");
    t.accumulate_fj = a.read(Param<double>("accumulate_fj")
                                 .def(t.accumulate_fj)
                                 .min(0.0)
                                 .unit("fJ")
                                 .doc("one int32 accumulation (default: 32-bit add, Horowitz "
                                      "ISSCC 2014, 45 nm)"));
    t.accumulator_area_um2 = a.read(Param<double>("accumulator_area_um2")
                                        .def(t.accumulator_area_um2)
                                        .min(0.0)
                                        .unit("um^2")
                                        .doc("a PE's 32-bit adder (default: Horowitz 2014)"));
    t.sram_fj_per_byte = a.read(Param<double>("sram_fj_per_byte")
                                    .def(t.sram_fj_per_byte)
                                    .min(0.0)
                                    .unit("fJ")
                                    .doc("an on-chip SRAM access, per byte (default: 32-bit read "
                                         "of an 8 KB SRAM, 5 pJ, Horowitz 2014)"));
    t.dram_fj_per_byte = a.read(Param<double>("dram_fj_per_byte")
                                    .def(t.dram_fj_per_byte)
                                    .min(0.0)
                                    .unit("fJ")
                                    .doc("a DRAM access, per byte (default: 32-bit DRAM read, "
                                         "640 pJ, Horowitz 2014)"));
    t.sram_area_um2_per_kb =
        a.read(Param<double>("sram_area_um2_per_kb")
                   .def(t.sram_area_um2_per_kb)
                   .min(0.0)
                   .unit("um^2")
                   .doc("on-chip SRAM area per kB of capacity (default: 8192 bit cells of 0.346 "
                        "um^2, Intel 45 nm, IEDM 2007, at 50 % array efficiency)"));
    t.register_fj_per_bit_toggle =
        a.read(Param<double>("register_fj_per_bit_toggle")
                   .def(t.register_fj_per_bit_toggle)
                   .min(0.0)
                   .unit("fJ")
                   .doc("a PE pipeline register bit (flip-flop) that changes (default: an "
                        "assumption of the order of a 45 nm D flip-flop)"));
    t.register_fj_per_bit_per_cycle =
        a.read(Param<double>("register_fj_per_bit_per_cycle")
                   .def(t.register_fj_per_bit_per_cycle)
                   .min(0.0)
                   .unit("fJ")
                   .doc("a PE pipeline register bit clocked for one cycle (default: an "
                        "assumption, ~1 fF clock pin at 1.1 V)"));
    t.leakage_nw_per_um2 =
        a.read(Param<double>("leakage_nw_per_um2")
                   .def(t.leakage_nw_per_um2)
                   .min(0.0)
                   .unit("nW/um^2")
                   .doc("static power of PE logic (multiplier units, idle or not, and "
                        "accumulators) per um^2 (default: an assumption of the order of 45 nm "
                        "general-purpose standard cells at 25 C)"));
  }
  if (root.has("simt")) {
    const config::Section a =
        root.section("simt", "energy and area of the SIMT core's components (sim/simt/core.h)");
    auto read = [&a](const char* key, double def, const char* unit, const char* doc) {
      return a.read(Param<double>(key).def(def).min(0.0).unit(unit).doc(doc));
    };
    t.simt_register_fj_per_access =
        read("register_fj_per_access", t.simt_register_fj_per_access, "fJ",
             "a 32-bit register-file read or write of one work-item (default: 32-bit read of an "
             "8 KB SRAM, Horowitz 2014)");
    t.simt_alu_fj_per_op = read("alu_fj_per_op", t.simt_alu_fj_per_op, "fJ",
                                "a 32-bit ALU operation or branch compare of one work-item "
                                "(default: 32-bit add, Horowitz 2014)");
    t.simt_cache_fj_per_byte = read("cache_fj_per_byte", t.simt_cache_fj_per_byte, "fJ",
                                    "a byte read or written through the shared cache (default: "
                                    "32-bit read of a 32 KB SRAM / 4, Horowitz 2014)");
    t.simt_local_fj_per_byte = read("local_fj_per_byte", t.simt_local_fj_per_byte, "fJ",
                                    "a byte of local memory read or written (default: 32-bit "
                                    "read of an 8 KB SRAM / 4, Horowitz 2014)");
    t.simt_alu_area_um2 = read("alu_area_um2", t.simt_alu_area_um2, "um^2",
                               "a PE lane's 32-bit ALU (default: an assumption, 3x Horowitz's "
                               "32-bit adder)");
    t.simt_cu_control_area_um2 =
        read("cu_control_area_um2", t.simt_cu_control_area_um2, "um^2",
             "a CU's scheduler, scoreboards, instruction buffer, decode (default: an assumption)");
  }
  return t;
}

TechSpec TechSpec::load(const std::filesystem::path& file,
                        const std::vector<std::string>& overrides) {
  const auto document = config::Document::load(file, overrides);
  TechSpec t = read(document->root(), file.stem().string());
  document->finish();
  return t;
}

}  // namespace hawx::rtl
