// SPDX-License-Identifier: MIT
#include "sim/systolic/array_config.h"

namespace hawx::systolic {

SystolicConfig SystolicConfig::read(const config::Section& s) {
  using config::Param;
  SystolicConfig c;
  const auto max_dim = static_cast<double>(kMaxArrayDimension);
  c.shape.rows = s.read(Param<std::int64_t>("rows").def(16).min(1).max(max_dim).unit("PEs").doc(
      "PE rows of the array"));
  c.shape.cols = s.read(Param<std::int64_t>("cols").def(16).min(1).max(max_dim).unit("PEs").doc(
      "PE columns of the array"));
  std::vector<std::string> names;
  for (const auto& d : dataflows()) names.push_back(d.name);
  c.dataflow = parse_dataflow(
      s.read(Param<std::string>("dataflow")
                 .def("ws")
                 .one_of(names)
                 .doc("ws: filters in the PEs; os: sums in the PEs; is: ifmap windows in the PEs "
                      "(docs/systolic.md)")));
  c.data_path = parse_data_path(s.read(
      Param<std::string>("data_path")
          .def("lut")
          .one_of({"lut", "rtl"})
          .doc("lut: product tables, no clocking of PEs (fast); rtl: every PE instantiates its "
               "multiplier's verilated SystemC model, clocked cycle by cycle (validation)")));
  c.clock_mhz = s.read(Param<double>("clock_mhz")
                           .def(1000)
                           .above(0)
                           .max(kMaxClockMhz)
                           .unit("MHz")
                           .doc("the array's clock: SystemC clock period (and VCD time), run "
                                "time = cycles / clock, average power = energy / run time"));
  c.multi_unit = s.read(Param<bool>("multi_unit")
                            .def(false)
                            .doc("every PE carries one unit of each study multiplier with a "
                                 "select (area and leakage: all units; no multiplier_map)"));
  if (c.multi_unit && s.has("multiplier_map")) {
    s.fail("multiplier_map", "multi_unit PEs carry every multiplier; leave multiplier_map out");
  }
  c.multiplier_map = s.read(
      Param<std::vector<std::string>>("multiplier_map")
          .def({"exact"})
          .doc("multiplier of each PE column, by study name ('exact' or a multipliers[] name); "
               "the list repeats over the columns, so its length must divide cols"));
  if (c.multi_unit) c.multiplier_map.clear();
  if ((!c.multi_unit && c.multiplier_map.empty()) ||
      (!c.multiplier_map.empty() &&
       c.shape.cols % static_cast<std::int64_t>(c.multiplier_map.size()) != 0)) {
    s.fail("multiplier_map", "expected a non-empty list whose length divides cols (" +
                                 std::to_string(c.shape.cols) + "), got " +
                                 std::to_string(c.multiplier_map.size()) + " names");
  }
  const config::Section m =
      s.section("memory", "on-chip buffers (double-buffered) and the DRAM that fills them");
  c.memory.ideal = m.read(Param<bool>("ideal").def(true).doc(
      "no stalls: every fold's data is there when it starts (the timing model's cycles)"));
  c.memory.ifmap_sram_kb =
      m.read(Param<double>("ifmap_sram_kb")
                 .def(64)
                 .min(0)
                 .unit("kB")
                 .doc("ifmap buffer; half of it must hold one fold's ifmap tile"));
  c.memory.filter_sram_kb =
      m.read(Param<double>("filter_sram_kb")
                 .def(64)
                 .min(0)
                 .unit("kB")
                 .doc("filter buffer; half of it must hold one fold's filter tile"));
  c.memory.ofmap_sram_kb =
      m.read(Param<double>("ofmap_sram_kb")
                 .def(64)
                 .min(0)
                 .unit("kB")
                 .doc("ofmap buffer; half of it must hold one fold's outputs"));
  c.memory.dram_bytes_per_cycle = m.read(Param<double>("dram_bytes_per_cycle")
                                             .def(16)
                                             .above(0)
                                             .unit("bytes/cycle")
                                             .doc("DRAM bandwidth"));
  c.memory.dram_latency_cycles = m.read(Param<std::int64_t>("dram_latency_cycles")
                                            .def(100)
                                            .min(0)
                                            .unit("cycles")
                                            .doc("from a DRAM request to its first bytes"));
  c.image = s.read(Param<std::int64_t>("image").def(0).min(0).doc(
      "the test image the network runs on (index into the test set)"));
  const auto vcd = s.read_optional(Param<std::filesystem::path>("vcd").doc(
      "rtl: VCDs of one PE's multiplier, one per layer as <stem>_<layer>.vcd beside this "
      "path, relative to the config file"));
  if (vcd) c.vcd = *vcd;
  c.vcd_row = s.read(Param<std::int64_t>("vcd_row").def(0).min(0).doc("the traced PE's row"));
  c.vcd_col = s.read(Param<std::int64_t>("vcd_col").def(0).min(0).doc("the traced PE's column"));
  if (c.vcd_row >= c.shape.rows || c.vcd_col >= c.shape.cols) {
    s.fail("vcd_row", "the traced PE (" + std::to_string(c.vcd_row) + ", " +
                          std::to_string(c.vcd_col) + ") is outside the " +
                          std::to_string(c.shape.rows) + "x" + std::to_string(c.shape.cols) +
                          " array");
  }
  return c;
}

ArraySpec SystolicConfig::array_spec() const {
  ArraySpec spec;
  spec.shape = shape;
  spec.dataflow = dataflow;
  spec.data_path = data_path;
  spec.memory = memory;
  spec.clock_mhz = clock_mhz;
  spec.multi_unit = multi_unit;
  for (std::int64_t j = 0; !multi_unit && j < shape.cols; ++j) {
    spec.multiplier_map.push_back(
        multiplier_map[static_cast<std::size_t>(j) % multiplier_map.size()]);
  }
  spec.vcd = vcd;
  spec.vcd_row = vcd_row;
  spec.vcd_col = vcd_col;
  return spec;
}

}  // namespace hawx::systolic
