// SPDX-License-Identifier: MIT
#include "sim/simt/simt_config.h"

namespace hawx::simt {

SimtConfig SimtConfig::read(const config::Section& s) {
  using config::Param;
  SimtConfig c;
  CoreSpec& k = c.core;
  auto integer = [](const config::Section& sec, const char* key, std::int64_t def, double min,
                    double max, const char* unit, const char* doc) {
    return static_cast<int>(
        sec.read(Param<std::int64_t>(key).def(def).min(min).max(max).unit(unit).doc(doc)));
  };
  k.compute_units =
      integer(s, "compute_units", 1, 1, kMaxComputeUnits, "CUs", "compute units (FGPU: 1 to 8)");
  k.pes_per_cu = integer(s, "pes_per_cu", 8, 1, 64, "PEs", "PE lanes per CU");
  k.wavefront_size = integer(s, "wavefront_size", 64, 1, kMaxWavefrontSize, "work-items",
                             "work-items per wavefront; a multiple of pes_per_cu (a wavefront "
                             "instruction issues over wavefront_size / pes_per_cu cycles)");
  if (k.wavefront_size % k.pes_per_cu != 0) {
    s.fail("wavefront_size", "a wavefront of " + std::to_string(k.wavefront_size) +
                                 " work-items is not a multiple of pes_per_cu (" +
                                 std::to_string(k.pes_per_cu) + ")");
  }
  k.wavefronts_per_cu = integer(s, "wavefronts_per_cu", 8, 1, 64, "wavefronts",
                                "wavefronts resident per CU, scheduled round-robin");
  k.workgroup_size = integer(s, "workgroup_size", 128, 1, 4096, "work-items",
                             "work-items per work-group: a power of two, whole wavefronts, at "
                             "most wavefronts_per_cu of them");
  k.local_memory_kb = s.read(Param<double>("local_memory_kb")
                                 .def(32)
                                 .min(0)
                                 .unit("kB")
                                 .doc("local memory per CU (weights staged per work-group when "
                                      "they fit)"));
  k.clock_mhz =
      s.read(Param<double>("clock_mhz")
                 .def(250)
                 .above(0)
                 .max(1e6)
                 .unit("MHz")
                 .doc("the core's clock (FGPU: about 250 MHz on FPGA): run time and power"));
  k.data_path = parse_data_path(s.read(
      Param<std::string>("data_path")
          .def("lut")
          .one_of({"lut", "rtl"})
          .doc("lut: product tables; rtl: every lane's units are verilated SystemC models")));
  c.units = s.read(Param<std::vector<std::string>>("units").def({}).doc(
      "the multiplier types every PE carries (study names: 'exact' or a multipliers[] name); "
      "empty: all the study's candidates. A mul selects one per work-item (per filter)"));
  const config::Section lat = s.section("latency", "pipeline latencies per instruction class");
  k.latency.alu = integer(lat, "alu", 4, 0, 1000, "cycles", "ALU result after issue");
  k.latency.mul = integer(lat, "mul", 6, 0, 1000, "cycles", "multiplier unit result after issue");
  k.latency.branch =
      integer(lat, "branch", 4, 0, 1000, "cycles", "a branch holds its wavefront's next issue");
  k.latency.local_memory =
      integer(lat, "local_memory", 4, 0, 1000, "cycles", "local-memory load to use");
  const config::Section cache = s.section("cache", "the data cache the CUs share");
  k.cache.size_kb =
      cache.read(Param<double>("size_kb").def(64).above(0).unit("kB").doc("capacity"));
  k.cache.line_bytes =
      integer(cache, "line_bytes", 64, 4, 4096, "bytes", "line size, a power of two");
  if ((k.cache.line_bytes & (k.cache.line_bytes - 1)) != 0) {
    cache.fail("line_bytes", "expected a power of two, got " + std::to_string(k.cache.line_bytes));
  }
  k.cache.ways = integer(cache, "ways", 4, 1, 64, "ways", "associativity (LRU)");
  k.cache.hit_latency = integer(cache, "hit_latency", 8, 0, 1000, "cycles", "load to use on a hit");
  if (k.cache.size_kb * 1024 < static_cast<double>(k.cache.line_bytes) * k.cache.ways) {
    cache.fail("size_kb", "the cache must hold at least one set (ways x line_bytes bytes)");
  }
  const config::Section dram = s.section("dram", "the off-chip memory behind the cache");
  k.dram.bytes_per_cycle = dram.read(
      Param<double>("bytes_per_cycle").def(8).above(0).unit("bytes/cycle").doc("bandwidth"));
  k.dram.latency_cycles =
      integer(dram, "latency_cycles", 100, 0, 100000, "cycles", "from a miss to its first bytes");
  if (k.workgroup_size % k.wavefront_size != 0 ||
      (k.workgroup_size & (k.workgroup_size - 1)) != 0 ||
      k.workgroup_size / k.wavefront_size > k.wavefronts_per_cu) {
    s.fail("workgroup_size", "expected a power of two that is a whole number of wavefronts (" +
                                 std::to_string(k.wavefront_size) + " work-items) and at most " +
                                 std::to_string(k.wavefronts_per_cu) +
                                 " of them (wavefronts_per_cu), got " +
                                 std::to_string(k.workgroup_size));
  }
  c.image = s.read(Param<std::int64_t>("image").def(0).min(0).doc(
      "the test image the network runs on (index into the test set)"));
  k.validate();
  return c;
}

}  // namespace hawx::simt
