// SPDX-License-Identifier: MIT
// The SystemC modules of the SIMT core (core.h): the DRAM channel, the shared cache, the compute
// units (wavefront scheduler, scoreboards, register files, PE lanes with their multiplier units,
// local memory) and the top that launches a layer's kernel. Internal to sim/simt: core.cpp builds
// them; tests use simulate_layer().
//
// The top's thread steps the CUs in time order (always the CU that is furthest behind), one
// wavefront instruction or one stall at a time, so the shared cache and DRAM see requests in the
// order of their cycles; the hot path is plain C++ and SystemC time advances to the layer's end
// at the clock period. In rtl mode the same thread drives the lanes' verilated multipliers
// through sc_signals and waits delta cycles for their products.
#pragma once

#include <array>
#include <cstdint>
#include <exception>
#include <memory>
#include <systemc>
#include <vector>

#include "rtl/sc_models.h"
#include "sim/simt/core.h"

namespace hawx::simt::sc {

inline constexpr std::int64_t kNever = INT64_MAX / 4;

class Dram : public sc_core::sc_module {
 public:
  Dram(const sc_core::sc_module_name& name, const DramSpec& spec);
  // A read of `bytes` requested at cycle t: the cycle its last byte arrives.
  std::int64_t read(std::int64_t t, std::int64_t bytes);
  // A write of `bytes` at cycle t: occupies the channel, nobody waits for it.
  void write(std::int64_t t, std::int64_t bytes);
  // The cycle the channel has finished everything requested so far.
  std::int64_t drained() const;
  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }

 private:
  // Parameters.
  double bytes_per_cycle_;
  std::int64_t latency_;
  // State.
  double next_free_ = 0.0;
  // Statistics.
  std::uint64_t read_bytes_ = 0, write_bytes_ = 0;
};

// Set-associative, LRU, write-through without allocation on a write miss; a line being filled
// is present with the cycle it arrives (later requests wait for it, no second fill).
class Cache : public sc_core::sc_module {
 public:
  Cache(const sc_core::sc_module_name& name, const CacheSpec& spec, Dram& dram);
  // A read of line `line` (address / line bytes) at cycle t: the cycle its data is there.
  std::int64_t read(std::int64_t line, std::int64_t t);
  void write(std::int64_t line, std::int64_t t, std::int64_t bytes);
  std::uint64_t accesses() const { return accesses_; }
  std::uint64_t hits() const { return hits_; }
  std::uint64_t misses() const { return misses_; }

 private:
  struct Way {
    std::int64_t tag = -1;
    std::int64_t ready = 0;
    std::uint64_t used = 0;
  };
  // Parameters.
  std::int64_t sets_;
  int ways_;
  int line_bytes_;
  std::int64_t hit_latency_;
  // Sub-modules.
  Dram& dram_;
  // State.
  std::vector<Way> lines_;  // sets x ways
  std::uint64_t clock_ = 0;
  // Statistics.
  std::uint64_t accesses_ = 0, hits_ = 0, misses_ = 0;
};

// What every CU shares: the launch, the global memory, the cache, the units, the work-group
// queue and the statistics the lanes add to.
struct Shared {
  const CoreSpec* spec = nullptr;
  const KernelLaunch* launch = nullptr;
  const std::vector<SimtUnit>* units = nullptr;
  std::vector<std::uint8_t>* memory = nullptr;
  Cache* cache = nullptr;
  std::int64_t next_workgroup = 0;
  int resident_workgroups = 0;  // per CU
  LayerRun* run = nullptr;      // statistics
  bool record_mul_issues = false;
};

class ComputeUnit : public sc_core::sc_module {
 public:
  ComputeUnit(const sc_core::sc_module_name& name, int index, Shared& shared);
  std::int64_t time() const { return time_; }
  bool finished() const { return finished_; }
  // Dispatches a work-group if it has room (one per step, so the CUs take turns), then issues one
  // wavefront instruction or stalls to the cycle the next one can issue; finished() once nothing
  // is left for it.
  void step();
  const CuCycles& cycles() const { return cycles_; }
  CuCycles& cycles() { return cycles_; }

 private:
  struct Decoded {
    OpClass cls;
    std::uint8_t regs[4];  // sources, then rd if written
    int nregs = 0;
    int nsources = 0;
  };
  struct Wavefront {
    int slot = 0;
    std::int64_t workgroup = 0;  // of the launch
    int index = 0;               // within its work-group
    int pc = 0;
    std::uint64_t mask = 0;
    std::vector<std::pair<int, std::uint64_t>> stack;  // (reconvergence pc, waiting items)
    bool at_barrier = false;
    std::int64_t fetch_ready = 0;
    std::array<std::int64_t, kRegisters> ready{};
    std::array<bool, kRegisters> from_memory{};
    std::vector<std::int32_t> regs;  // [register * wavefront size + item]
  };
  struct Group {
    bool used = false;
    int live = 0;     // wavefronts not finished
    int arrived = 0;  // at the barrier
  };
  struct LaneUnits {  // rtl: one lane's verilated units
    std::vector<std::unique_ptr<rtl::ScSignal32>> a, b, p;
    std::vector<std::unique_ptr<sc_core::sc_module>> modules;
  };

  void dispatch();
  std::int64_t ready_at(const Wavefront& w, Stall& cause) const;
  void issue(std::size_t index);
  void execute_mul(Wavefront& w, const Instruction& i);
  void global_access(Wavefront& w, const Instruction& i, bool store);
  void local_access(Wavefront& w, const Instruction& i, bool store);
  void branch(Wavefront& w, const Instruction& i);
  void finish_wavefront(std::size_t index);
  void advance(Wavefront& w, int pc);

  // Parameters.
  int index_;
  Shared& shared_;
  const CoreSpec& spec_;
  const Program& program_;
  std::vector<Decoded> decoded_;
  int issue_cycles_;
  int wavefront_size_;
  std::int64_t local_per_group_;
  // Sub-modules (rtl): per lane, one unit of each type.
  std::vector<LaneUnits> rtl_lanes_;
  // State.
  std::int64_t time_ = 0;
  bool finished_ = false;
  std::vector<Wavefront> wavefronts_;
  std::vector<Group> groups_;
  std::vector<std::uint8_t> local_;
  std::size_t round_robin_ = 0;
  std::int64_t port_free_ = 0;
  // Per lane and unit: the unit's held operand patterns (a, b).
  std::vector<std::array<std::uint8_t, 2>> held_;
  // Statistics.
  CuCycles cycles_;
};

class SimtTop : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(SimtTop);
  SimtTop(const sc_core::sc_module_name& name, const CoreSpec& spec,
          const std::vector<SimtUnit>& units, const KernelLaunch& launch,
          std::vector<std::uint8_t> memory, LayerRun& run, bool record_mul_issues = false);
  const std::vector<std::uint8_t>& memory() const { return memory_; }
  // What the thread threw (a hawx::Error from the interpreter), to rethrow outside SystemC, which
  // would otherwise turn it into an sc_report.
  std::exception_ptr error() const { return error_; }

 private:
  void main();
  void run();

  // Parameters.
  const CoreSpec& spec_;
  sc_core::sc_time period_;
  // Sub-modules.
  Dram dram_;
  Cache cache_;
  std::vector<std::unique_ptr<ComputeUnit>> cus_;
  // State.
  std::vector<std::uint8_t> memory_;
  Shared shared_;
  LayerRun& run_;
  std::exception_ptr error_;
};

}  // namespace hawx::simt::sc
