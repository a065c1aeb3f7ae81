// SPDX-License-Identifier: MIT
#include "sim/simt/core.h"

#include <cstring>
#include <systemc>

#include "core/errors.h"
#include "sim/sc_context.h"
#include "sim/simt/core_modules.h"

namespace hawx::simt {
namespace {

using sim::FreshContext;

[[noreturn]] void bad(const std::string& key, const std::string& what) {
  throw ConfigError("SIMT core: " + key + ": " + what);
}

}  // namespace

const char* data_path_name(DataPath path) { return path == DataPath::kLut ? "lut" : "rtl"; }

DataPath parse_data_path(const std::string& name) {
  if (name == "lut") return DataPath::kLut;
  if (name == "rtl") return DataPath::kRtl;
  throw ConfigError("unknown SIMT data path '" + name + "' (expected lut or rtl)");
}

const char* stall_name(Stall s) {
  switch (s) {
    case Stall::kMemory:
      return "memory";
    case Stall::kDependency:
      return "dependency";
    case Stall::kControl:
      return "control";
    case Stall::kBarrier:
      return "barrier";
    case Stall::kIdle:
      return "idle";
  }
  return "?";
}

SimtUnit simt_unit(const rtl::Characterization& c) {
  SimtUnit u;
  u.name = c.design.name;
  u.sc_model = c.design.name;
  u.area_um2 = c.hardware.area_um2;
  u.table = c.table;
  if (!c.hardware.energy_model.empty()) {
    u.energy = rtl::SwitchingEnergyModel::from_coefficients(c.hardware.energy_model, c.table);
  }
  return u;
}

void CoreSpec::validate() const {
  if (compute_units < 1 || compute_units > kMaxComputeUnits) {
    bad("compute_units", "expected 1 to " + std::to_string(kMaxComputeUnits) + " CUs, got " +
                             std::to_string(compute_units));
  }
  if (pes_per_cu < 1)
    bad("pes_per_cu", "expected at least 1 PE per CU, got " + std::to_string(pes_per_cu));
  if (wavefront_size < 1 || wavefront_size > kMaxWavefrontSize) {
    bad("wavefront_size", "expected 1 to " + std::to_string(kMaxWavefrontSize) +
                              " work-items, got " + std::to_string(wavefront_size));
  }
  if (wavefront_size % pes_per_cu != 0) {
    bad("wavefront_size", "a wavefront of " + std::to_string(wavefront_size) +
                              " work-items is not a multiple of the " + std::to_string(pes_per_cu) +
                              " PEs per CU (it issues over wavefront_size / pes_per_cu cycles)");
  }
  if (wavefronts_per_cu < 1) {
    bad("wavefronts_per_cu", "expected at least 1, got " + std::to_string(wavefronts_per_cu));
  }
  if (workgroup_size < wavefront_size || workgroup_size % wavefront_size != 0) {
    bad("workgroup_size", "a work-group of " + std::to_string(workgroup_size) +
                              " work-items is not a whole number of " +
                              std::to_string(wavefront_size) + "-item wavefronts");
  }
  if ((workgroup_size & (workgroup_size - 1)) != 0) {
    bad("workgroup_size", "expected a power of two, got " + std::to_string(workgroup_size));
  }
  if (workgroup_size / wavefront_size > wavefronts_per_cu) {
    bad("workgroup_size", "a work-group of " + std::to_string(workgroup_size / wavefront_size) +
                              " wavefronts does not fit a CU of " +
                              std::to_string(wavefronts_per_cu) + " resident wavefronts");
  }
  if (local_memory_kb < 0) bad("local_memory_kb", "expected >= 0");
  for (const auto& [value, key] :
       {std::pair{latency.alu, "latency.alu"}, std::pair{latency.mul, "latency.mul"},
        std::pair{latency.branch, "latency.branch"},
        std::pair{latency.local_memory, "latency.local_memory"},
        std::pair{cache.hit_latency, "cache.hit_latency"},
        std::pair{dram.latency_cycles, "dram.latency_cycles"}}) {
    if (value < 0) bad(key, "expected a latency >= 0 cycles, got " + std::to_string(value));
  }
  if (cache.line_bytes < 4 || (cache.line_bytes & (cache.line_bytes - 1)) != 0) {
    bad("cache.line_bytes",
        "expected a power of two >= 4, got " + std::to_string(cache.line_bytes));
  }
  if (cache.ways < 1) bad("cache.ways", "expected at least 1 way");
  if (cache.size_kb * 1024 < static_cast<double>(cache.line_bytes) * cache.ways) {
    bad("cache.size_kb", "the cache must hold at least one set of " + std::to_string(cache.ways) +
                             " lines of " + std::to_string(cache.line_bytes) + " bytes");
  }
  if (!(dram.bytes_per_cycle > 0)) bad("dram.bytes_per_cycle", "expected a bandwidth > 0");
  if (!(clock_mhz > 0) || clock_mhz > 1e6) bad("clock_mhz", "expected (0, 1e6] MHz");
}

KernelLaunch kernel_for(const CoreSpec& spec, const LayerShape& shape, int uniform_unit) {
  spec.validate();
  KernelOptions options;
  options.uniform_unit = uniform_unit;
  options.workgroup_size = spec.workgroup_size;
  options.local_memory_bytes = spec.local_memory_bytes();
  // As a runtime picks a local size: smaller work-groups (down to one wavefront) while the layer
  // would have fewer work-groups than CUs (a small fully connected layer would leave CUs idle).
  KernelLaunch k = generate_kernel(shape, options);
  while (k.workgroups() < spec.compute_units && options.workgroup_size > spec.wavefront_size) {
    options.workgroup_size /= 2;
    k = generate_kernel(shape, options);
  }
  return k;
}

LayerRun simulate_layer(const CoreSpec& spec, const std::vector<SimtUnit>& units,
                        const LayerOperands& o) {
  spec.validate();
  if (units.empty()) throw ConfigError("SIMT core: no multiplier units");
  for (std::size_t f = 0; f < o.filter_unit.size(); ++f) {
    if (o.filter_unit[f] >= units.size()) {
      std::string names;
      for (const auto& u : units) names += (names.empty() ? "" : ", ") + u.name;
      throw ConfigError("SIMT core: filter " + std::to_string(f) + " selects unit " +
                        std::to_string(o.filter_unit[f]) + ", a type its PEs do not carry (" +
                        std::to_string(units.size()) + " unit types: " + names + ")");
    }
  }
  for (const auto& u : units) {
    if (u.table.is_signed() != units.front().table.is_signed()) {
      throw ConfigError("SIMT core: unit types " + units.front().name + " and " + u.name +
                        " differ in signedness; the operands have one format");
    }
  }
  if (o.input == nullptr) throw InputError("SIMT layer: no input map");
  LayerRun run;
  run.clock_mhz = spec.clock_mhz;
  run.pes = std::int64_t{spec.compute_units} * spec.pes_per_cu;
  for (const auto& u : units) run.units_area_per_pe_um2 += u.area_um2;
  // A layer whose filters all select one unit runs a kernel with that unit compiled in.
  int uniform = o.filter_unit.empty() ? -1 : o.filter_unit.front();
  for (const std::uint16_t u : o.filter_unit) {
    if (u != o.filter_unit.front()) uniform = -1;
  }
  run.launch = kernel_for(spec, o.shape, uniform);
  std::vector<std::uint8_t> memory =
      memory_image(run.launch, o.shape, o.input, o.weights, o.bias, o.filter_unit);
  {
    FreshContext context;
    sc::SimtTop top("simt", spec, units, run.launch, std::move(memory), run, o.record_mul_issues);
    sc_core::sc_start();
    if (top.error()) std::rethrow_exception(top.error());
    const KernelLaunch& k = run.launch;
    run.output.resize(static_cast<std::size_t>(k.n * k.m));
    std::memcpy(run.output.data(), top.memory().data() + k.output_address,
                run.output.size() * sizeof(std::int32_t));
  }
  for (const CuCycles& c : run.cu) {
    run.all.issue += c.issue;
    for (int s = 0; s < kStallCauses; ++s)
      run.all.stall[static_cast<std::size_t>(s)] += c.stall[static_cast<std::size_t>(s)];
  }
  for (const LaneActivity& l : run.lanes) {
    run.total.operations += l.operations;
    run.total.a_toggles += l.a_toggles;
    run.total.b_toggles += l.b_toggles;
    run.total.energy_fj += l.energy_fj;
  }
  return run;
}

EnergyBreakdown energy_of(const LayerRun& run, const rtl::TechSpec& tech) {
  EnergyBreakdown e;
  e.multipliers_fj = run.total.energy_fj;
  e.alu_fj = static_cast<double>(run.alu_ops) * tech.simt_alu_fj_per_op;
  e.register_file_fj = static_cast<double>(run.register_reads + run.register_writes) *
                       tech.simt_register_fj_per_access;
  e.local_memory_fj = static_cast<double>(run.local_bytes) * tech.simt_local_fj_per_byte;
  e.cache_fj = static_cast<double>(run.cache_bytes) * tech.simt_cache_fj_per_byte;
  e.dram_fj =
      static_cast<double>(run.dram_read_bytes + run.dram_write_bytes) * tech.dram_fj_per_byte;
  if (run.clock_mhz > 0) {
    e.leakage_fj = static_cast<double>(run.pes) *
                   (run.units_area_per_pe_um2 + tech.simt_alu_area_um2) * tech.leakage_nw_per_um2 *
                   static_cast<double>(run.cycles) / run.clock_mhz;
  }
  return e;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& o) {
  multipliers_fj += o.multipliers_fj;
  alu_fj += o.alu_fj;
  register_file_fj += o.register_file_fj;
  local_memory_fj += o.local_memory_fj;
  cache_fj += o.cache_fj;
  dram_fj += o.dram_fj;
  leakage_fj += o.leakage_fj;
  return *this;
}

AreaBreakdown area_of(const CoreSpec& spec, const std::vector<SimtUnit>& units,
                      const rtl::TechSpec& tech) {
  AreaBreakdown a;
  const double pes = static_cast<double>(spec.compute_units) * spec.pes_per_cu;
  for (const auto& u : units) a.multipliers_um2 += pes * u.area_um2;
  a.alus_um2 = pes * tech.simt_alu_area_um2;
  a.register_files_um2 = spec.compute_units * spec.register_file_kb() * tech.sram_area_um2_per_kb;
  a.local_memories_um2 = spec.compute_units * spec.local_memory_kb * tech.sram_area_um2_per_kb;
  a.cu_control_um2 = spec.compute_units * tech.simt_cu_control_area_um2;
  a.cache_um2 = spec.cache.size_kb * tech.sram_area_um2_per_kb;
  return a;
}

void report_stats(const LayerRun& run, const CoreSpec& spec, StatsTree& out,
                  const rtl::TechSpec* tech) {
  const KernelLaunch& k = run.launch;
  StatsTree& kernel = out.group("kernel");
  kernel.set("name", k.program.name);
  kernel.set("instructions", static_cast<std::int64_t>(k.program.code.size()), "instructions",
             "static length of the kernel");
  kernel.set("workgroups", k.workgroups(), "work-groups");
  kernel.set("workgroup_shape", std::to_string(k.group_x) + "x" + std::to_string(k.group_y), "",
             "pixels x filters");
  kernel.set("wavefronts", run.wavefronts, "wavefronts");
  kernel.set("resident_workgroups", std::int64_t{run.resident_workgroups}, "work-groups",
             "per CU, limited by wavefront slots and local memory");
  kernel.set("local_weights", std::int64_t{k.local_weights}, "",
             "1: weights staged in local memory");
  const double cu_cycles = static_cast<double>(run.cycles) * spec.compute_units;
  const double lane_slots = cu_cycles * spec.pes_per_cu;
  StatsTree& cycles = out.group("cycles");
  cycles.set("total", run.cycles, "cycles", "launch to the last output written");
  cycles.set("issue", run.all.issue, "CU cycles", "summed over CUs");
  for (int s = 0; s < kStallCauses; ++s) {
    cycles.set(std::string("stall_") + stall_name(static_cast<Stall>(s)),
               run.all.stall[static_cast<std::size_t>(s)], "CU cycles", "summed over CUs");
  }
  StatsTree& share = cycles.group("share");
  share.set("issue", cu_cycles > 0 ? run.all.issue / cu_cycles : 0.0, "fraction");
  for (int s = 0; s < kStallCauses; ++s) {
    share.set(stall_name(static_cast<Stall>(s)),
              cu_cycles > 0 ? run.all.stall[static_cast<std::size_t>(s)] / cu_cycles : 0.0,
              "fraction");
  }
  out.set("instructions", static_cast<std::int64_t>(run.instructions), "wavefront instructions");
  out.set("ipc", run.ipc(), "wavefront instructions/cycle", "whole core");
  out.set("macs", static_cast<std::int64_t>(run.macs), "MACs");
  out.set("lane_utilisation",
          run.instructions ? static_cast<double>(run.lane_ops) /
                                 (static_cast<double>(run.instructions) * spec.wavefront_size)
                           : 0.0,
          "fraction", "active work-items per issued work-item slot");
  out.set("pe_utilisation", lane_slots > 0 ? run.lane_ops / lane_slots : 0.0, "fraction",
          "active work-item instructions per PE cycle");
  out.set("multiplier_utilisation", lane_slots > 0 ? run.macs / lane_slots : 0.0, "fraction",
          "multiplies per PE cycle");
  StatsTree& mem = out.group("memory");
  mem.set("cache_accesses", static_cast<std::int64_t>(run.cache_accesses), "line accesses");
  mem.set("cache_hits", static_cast<std::int64_t>(run.cache_hits), "line accesses");
  mem.set("cache_misses", static_cast<std::int64_t>(run.cache_misses), "line accesses");
  mem.set("cache_bytes", static_cast<std::int64_t>(run.cache_bytes), "bytes");
  mem.set("local_bytes", static_cast<std::int64_t>(run.local_bytes), "bytes");
  mem.set("dram_read_bytes", static_cast<std::int64_t>(run.dram_read_bytes), "bytes");
  mem.set("dram_write_bytes", static_cast<std::int64_t>(run.dram_write_bytes), "bytes");
  StatsTree& mul = out.group("multipliers");
  mul.set("operations", static_cast<std::int64_t>(run.total.operations), "operations");
  mul.set("a_toggles", static_cast<std::int64_t>(run.total.a_toggles), "bit toggles");
  mul.set("b_toggles", static_cast<std::int64_t>(run.total.b_toggles), "bit toggles");
  mul.set("energy_fj", run.total.energy_fj, "fJ", "switching energy of the selected units");
  if (tech != nullptr) {
    const EnergyBreakdown e = energy_of(run, *tech);
    StatsTree& energy = out.group("energy");
    energy.set("multipliers_fj", e.multipliers_fj, "fJ");
    energy.set("alu_fj", e.alu_fj, "fJ");
    energy.set("register_file_fj", e.register_file_fj, "fJ");
    energy.set("local_memory_fj", e.local_memory_fj, "fJ");
    energy.set("cache_fj", e.cache_fj, "fJ");
    energy.set("dram_fj", e.dram_fj, "fJ");
    energy.set("leakage_fj", e.leakage_fj, "fJ",
               "every unit type of every PE and its ALU, over the layer's cycles");
    energy.set("total_fj", e.total_fj(), "fJ");
  }
}

}  // namespace hawx::simt
