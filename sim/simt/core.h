// SPDX-License-Identifier: MIT
// The SIMT core (temporal accelerator) as a SystemC model in the style of FGPU (Al Kadi et al., a
// soft SIMT GPU for FPGAs): compute units (CUs) of PE lanes that execute wavefronts of
// work-items, a shared data cache in front of a DRAM, and multiplier units selected per `mul`
// instruction. One layer at a time: the layer's kernel (kernel.h) is launched over its NDRange
// and interpreted wavefront instruction by wavefront instruction. docs/simt.md describes the
// model.
//
// Timing (cycle-approximate, not gate-level):
//   - a wavefront instruction occupies its CU's issue stage for wavefront_size / pes_per_cu
//     cycles (64 / 8 = 8: the work-items pass through the 8 lanes, 8 at a time; work-item i on
//     lane i % pes in pass i / pes);
//   - each wavefront has a scoreboard: an instruction issues once the registers it reads and
//     writes are ready; a result is ready `latency` cycles (per class) after its issue ends; a
//     global load's when its last cache line arrives; a branch holds its wavefront's next issue
//     for the branch latency;
//   - up to wavefronts_per_cu wavefronts are resident per CU (fewer when the work-groups' local
//     memory does not fit), picked round-robin among the ready ones; work-groups are dispatched
//     in order to whichever CU has room first;
//   - global memory: a CU's memory port passes one cache line per cycle (a memory instruction
//     holds it for max(issue cycles, lines)); the work-items' addresses coalesce into lines; a
//     set-associative LRU cache shared by the CUs (hit latency; a line being filled is waited for;
//     stores write through without allocating); one DRAM channel (bytes per cycle, latency)
//     shared by every miss and store;
//   - local memory: per CU, a fixed latency (bank conflicts not modelled);
//   - barriers hold a work-group's wavefronts until all have arrived.
// Every cycle of every CU is either issue or a stall with a named cause: memory (waiting for a
// global load's data or for the memory port), dependency (an ALU or multiplier result), control
// (a branch), barrier, or idle (no work-group left for the CU, or none resident).
//
// Data path: lanes execute the real arithmetic. `mul` goes through the selected unit's product
// table (lut) or the unit's verilated SystemC model in the lane (rtl; one instance per unit type
// per lane per CU, its inputs driven and its product read after the delta cycles settle). Every
// lane holds one unit of every type; only the selected unit's inputs change (the others hold
// theirs), and its switching energy comes from the operand transition it sees (rtl/switching.h).
//
// Promises: simulate_layer() is deterministic, returns the layer's int32 sums (the engine's
// accumulators for the same operands and units), or throws hawx::Error (ConfigError for a core
// that cannot be built or a unit select naming a unit the core does not have; InputError for
// operands that do not fit the layer). One simulation at a time per process (SystemC's context
// is process-global); each call has its own context.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/stats.h"
#include "rtl/characterize.h"
#include "rtl/multiplier.h"
#include "rtl/switching.h"
#include "rtl/tech.h"
#include "sim/simt/kernel.h"

namespace hawx::simt {

enum class DataPath { kLut, kRtl };
const char* data_path_name(DataPath path);
DataPath parse_data_path(const std::string& name);  // "lut" | "rtl"; ConfigError otherwise

// A multiplier unit type every PE carries.
struct SimtUnit {
  std::string name;
  std::string sc_model;  // rtl: the library design whose SystemC model it is (empty: name)
  rtl::ProductTable table;
  rtl::SwitchingEnergyModel energy;
  double area_um2 = 0.0;
};
SimtUnit simt_unit(const rtl::Characterization& characterization);

struct Latencies {
  int alu = 4;           // cycles after issue until the result can be read
  int mul = 6;           // the multiplier units' pipeline
  int branch = 4;        // until the wavefront's next instruction can issue
  int local_memory = 4;  // local load to use
};

struct CacheSpec {
  double size_kb = 64.0;
  int line_bytes = 64;
  int ways = 4;
  int hit_latency = 8;
};

struct DramSpec {
  double bytes_per_cycle = 8.0;
  int latency_cycles = 100;  // from a miss to its first bytes
};

// Largest CU count and wavefront size the model accepts.
inline constexpr int kMaxComputeUnits = 8;
inline constexpr int kMaxWavefrontSize = 64;

struct CoreSpec {
  int compute_units = 1;      // 1..8
  int pes_per_cu = 8;         // PE lanes
  int wavefront_size = 64;    // work-items, a multiple of pes_per_cu, at most 64
  int wavefronts_per_cu = 8;  // resident
  int workgroup_size = 128;   // work-items, a multiple of wavefront_size
  double local_memory_kb = 32.0;
  double register_file_kb() const { return 32.0 * 4 * wavefront_size * wavefronts_per_cu / 1024; }
  Latencies latency;
  CacheSpec cache;
  DramSpec dram;
  double clock_mhz = 250.0;
  DataPath data_path = DataPath::kLut;

  int issue_cycles() const { return wavefront_size / pes_per_cu; }
  std::int64_t local_memory_bytes() const {
    return static_cast<std::int64_t>(local_memory_kb * 1024);
  }
  // ConfigError naming the parameter and what was expected.
  void validate() const;
};

// One layer: its shape, integer input (channels x H x W, as Engine::trace_layer gives it),
// weights (filters x taps, the engine's layout), bias and per-filter unit select (an index into
// the core's unit list).
struct LayerOperands {
  LayerShape shape;
  const std::int16_t* input = nullptr;
  std::vector<std::int16_t> weights;
  std::vector<std::int32_t> bias;
  std::vector<std::uint16_t> filter_unit;
  bool record_mul_issues = false;  // fill LayerRun::mul_issues
};

enum class Stall : int { kMemory, kDependency, kControl, kBarrier, kIdle };
inline constexpr int kStallCauses = 5;
const char* stall_name(Stall s);

// One lane's multiplier activity (its units together).
struct LaneActivity {
  std::uint64_t operations = 0;
  std::uint64_t a_toggles = 0;
  std::uint64_t b_toggles = 0;
  double energy_fj = 0.0;
  bool operator==(const LaneActivity& o) const {
    return operations == o.operations && a_toggles == o.a_toggles && b_toggles == o.b_toggles &&
           energy_fj == o.energy_fj;
  }
};

struct CuCycles {
  std::int64_t issue = 0;
  std::array<std::int64_t, kStallCauses> stall{};
  std::int64_t total() const {
    std::int64_t t = issue;
    for (auto s : stall) t += s;
    return t;
  }
};

struct LayerRun {
  KernelLaunch launch;
  int resident_workgroups = 0;  // per CU
  std::int64_t wavefronts = 0;
  // Results.
  std::vector<std::int32_t> output;  // N x M, bias included
  // Time.
  std::int64_t cycles = 0;
  std::vector<CuCycles> cu;  // per CU; each totals `cycles`
  CuCycles all;              // summed over CUs
  // Work.
  std::uint64_t instructions = 0;  // wavefront instructions issued
  std::array<std::uint64_t, kOpClasses> class_instructions{};
  std::uint64_t lane_ops = 0;                             // active work-item instructions
  std::uint64_t macs = 0;                                 // active mul work-items
  std::uint64_t alu_ops = 0;                              // active ALU and branch work-items
  std::uint64_t register_reads = 0, register_writes = 0;  // per work-item, 32-bit
  // Memory.
  std::uint64_t local_bytes = 0;  // read + written
  std::uint64_t cache_accesses = 0, cache_hits = 0, cache_misses = 0;
  std::uint64_t cache_bytes = 0;  // bytes the work-items read or wrote through the cache
  std::uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
  // Multipliers.
  std::vector<LaneActivity> lanes;  // per CU x PE (cu * pes + lane)
  LaneActivity total;
  std::vector<std::uint64_t> unit_operations;  // per unit type
  std::vector<double> unit_energy_fj;
  // With LayerOperands::record_mul_issues: every mul instruction in the order its CU issued it,
  // with the wavefront's active work-items. Like all timing it depends on the kernel, not on the
  // operand values or the units selected (the SIMT energy predictor replays it).
  struct MulIssue {
    std::int64_t workgroup = 0;
    std::int32_t wavefront = 0;  // within the work-group
    std::int32_t cu = 0;
    std::uint64_t mask = 0;  // active work-items
  };
  std::vector<MulIssue> mul_issues;
  // For leakage (energy_of): the clock, the PEs, and the area of the units each PE carries.
  double clock_mhz = 0.0;
  std::int64_t pes = 0;
  double units_area_per_pe_um2 = 0.0;

  double ipc() const { return cycles ? static_cast<double>(instructions) / cycles : 0.0; }
};

// The kernel a layer runs on this core (what --dump-kernel prints); `uniform_unit` as in
// KernelOptions (the unit every filter selects, or -1 for per-filter selects).
KernelLaunch kernel_for(const CoreSpec& spec, const LayerShape& shape, int uniform_unit = -1);

LayerRun simulate_layer(const CoreSpec& spec, const std::vector<SimtUnit>& units,
                        const LayerOperands& operands);

// Energy by component: the selected units' switching; ALU operations; register-file accesses;
// local-memory, cache and DRAM bytes; and leakage: every unit type of every PE (the idle ones
// too) and each PE's ALU, x tech.leakage_nw_per_um2 x the layer's cycles / clock (as the
// systolic array's; the memories' leakage is not modelled).
struct EnergyBreakdown {
  double multipliers_fj = 0.0;
  double alu_fj = 0.0;
  double register_file_fj = 0.0;
  double local_memory_fj = 0.0;
  double cache_fj = 0.0;
  double dram_fj = 0.0;
  double leakage_fj = 0.0;
  double total_fj() const {
    return multipliers_fj + alu_fj + register_file_fj + local_memory_fj + cache_fj + dram_fj +
           leakage_fj;
  }
  EnergyBreakdown& operator+=(const EnergyBreakdown& other);
};
EnergyBreakdown energy_of(const LayerRun& run, const rtl::TechSpec& tech);

// Every unit type in every PE, an ALU per PE, per CU its register file, local memory and
// control (scheduler, scoreboard, instruction buffer), and the shared cache.
struct AreaBreakdown {
  double multipliers_um2 = 0.0;
  double alus_um2 = 0.0;
  double register_files_um2 = 0.0;
  double local_memories_um2 = 0.0;
  double cu_control_um2 = 0.0;
  double cache_um2 = 0.0;
  double total_um2() const {
    return multipliers_um2 + alus_um2 + register_files_um2 + local_memories_um2 + cu_control_um2 +
           cache_um2;
  }
};
AreaBreakdown area_of(const CoreSpec& spec, const std::vector<SimtUnit>& units,
                      const rtl::TechSpec& tech);

// The run's figures into `out` (cycles, IPC, stall breakdown, utilisation, memory, energy with
// `tech`), with units.
void report_stats(const LayerRun& run, const CoreSpec& spec, StatsTree& out,
                  const rtl::TechSpec* tech = nullptr);

}  // namespace hawx::simt
