// SPDX-License-Identifier: MIT
// The SystemC modules of the systolic array (array.h): SRAM buffers, the controller, the PE
// array of the lut data path, and the clocked PE of the rtl data path with the ofmap collector.
// Internal to sim/systolic: array.cpp builds them; tests use simulate_gemm().
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

#include "rtl/sc_models.h"
#include "sim/systolic/array.h"

namespace hawx::systolic::sc {

// What every module knows of the layer: the GEMM, the dataflow, the placement, the multipliers.
//
// ws and is keep one operand matrix in the PEs and stream the other (timing.h):
//   ws  stationary: filter taps (item = filter, N on columns); streamed: ifmap rows (T = M)
//   is  stationary: ifmap windows (item = ofmap pixel, M on columns); streamed: filters (T = N)
// The PE at row i holds tap i of the fold's rows; sums leave column j for (item, time step).
// os keeps the sums: row i accumulates ofmap pixel i of the fold, column j filter item j, over
// T = K steps in which both operands stream (ifmap rows from the left, filters from the top).
struct Schedule {
  struct FoldPlan {
    std::int64_t row_fold = 0;
    std::int64_t col_fold = 0;
    std::int64_t rows_used = 0;  // PE rows holding data in this row fold
  };

  Dataflow dataflow = Dataflow::kWeightStationary;
  std::int64_t rows = 0, cols = 0;  // R, C
  std::int64_t m = 0, k = 0, n = 0;
  std::int64_t time = 0;       // T: streamed steps per fold (ws: M, is: N, os: K)
  std::int64_t row_items = 0;  // Sr: what the rows hold (ws, is: K taps; os: M pixels)
  std::int64_t row_folds = 0, col_folds = 0, cycles_per_fold = 0;
  bool sign_magnitude = true;  // unsigned multipliers: magnitudes in, sign on the product
  const ColumnMapping* mapping = nullptr;
  const std::vector<PeMultiplier>* multipliers = nullptr;
  std::vector<std::uint16_t> column_multiplier;  // per column: index into multipliers
  // Multi-unit PEs: every PE carries one unit of each multiplier and selects the one assigned to
  // the filter it works for (filter_multiplier: per filter, an index into multipliers).
  bool multi_unit = false;
  const std::vector<std::uint16_t>* filter_multiplier = nullptr;

  bool weight_stationary() const { return dataflow == Dataflow::kWeightStationary; }
  bool output_stationary() const { return dataflow == Dataflow::kOutputStationary; }
  std::int64_t folds() const { return row_folds * col_folds; }
  // Fold `index` in SCALE-Sim's order: column folds outer, row folds inner.
  FoldPlan fold(std::int64_t index) const;
  // The item column j holds in the fold (ws: a filter, is: an ofmap pixel), or -1.
  std::int64_t item(const FoldPlan& plan, std::int64_t col) const {
    return mapping->filter_at(plan.col_fold, col);
  }
  // Where the sum of (column item, time step) goes in the N x M ofmap (os: step = pixel).
  std::size_t output_address(std::int64_t item, std::int64_t step) const {
    return static_cast<std::size_t>(dataflow == Dataflow::kInputStationary ? step * m + item
                                                                           : item * m + step);
  }
  // Multiplier units per PE, and the unit (and its multiplier) PE column `col` uses for
  // `filter` (single-unit PEs: unit 0, the column's multiplier).
  std::size_t units() const { return multi_unit ? multipliers->size() : 1; }
  std::size_t unit_for(std::int64_t filter) const {
    return multi_unit ? (*filter_multiplier)[static_cast<std::size_t>(filter)] : 0;
  }
  // ws and is: the unit a PE multiplies with for column item `item` at streamed step `step`
  // (multi-unit ws: the column's filter's unit for the whole fold; multi-unit is: the unit of the
  // filter streaming past, step by step; else unit 0).
  std::size_t stationary_unit(std::int64_t item, std::int64_t step) const {
    if (!multi_unit) return 0;
    return unit_for(weight_stationary() ? item : step);
  }
  // Multi-unit is: the stationary activation is latched into every unit's activation input, and
  // each streamed weight into the input of its filter's unit only.
  bool stationary_into_every_unit() const {
    return multi_unit && dataflow == Dataflow::kInputStationary;
  }
  const PeMultiplier& unit_multiplier(std::int64_t col, std::size_t unit) const {
    return (*multipliers)[multi_unit ? unit : column_multiplier[static_cast<std::size_t>(col)]];
  }
  // The 8-bit pattern a multiplier input sees for an operand value.
  std::uint8_t operand(int value) const {
    return static_cast<std::uint8_t>(sign_magnitude ? (value < 0 ? -value : value) : value);
  }
  // Operand and output words of a fold's tiles (one byte each), and whether two folds share a
  // tile (consecutive folds that do keep it in the SRAM).
  struct Tiles {
    std::int64_t ifmap = 0;
    std::int64_t filter = 0;
    std::int64_t ofmap = 0;  // outputs the fold completes (written back after it)
  };
  Tiles tiles(const FoldPlan& plan) const;
  bool same_ifmap_tile(const FoldPlan& a, const FoldPlan& b) const;
  bool same_filter_tile(const FoldPlan& a, const FoldPlan& b) const;
  std::int64_t items_used(const FoldPlan& plan) const;

  // Activation and weight of a PE's operation from its stationary and streamed operands.
  int activation(int stationary, int streamed) const {
    return weight_stationary() ? streamed : stationary;
  }
  int weight(int stationary, int streamed) const {
    return weight_stationary() ? stationary : streamed;
  }
  // The product of an activation and a weight through a multiplier whose output for their
  // patterns is `p`.
  std::int32_t signed_product(std::int32_t p, int activation, int weight) const {
    return sign_magnitude && ((activation < 0) != (weight < 0)) ? -p : p;
  }
};

// Two's complement addition (int32 accumulators wrap, as hardware adders do).
inline std::int32_t wrap_add(std::int32_t a, std::int32_t b) {
  return static_cast<std::int32_t>(static_cast<std::uint32_t>(a) + static_cast<std::uint32_t>(b));
}

// An on-chip buffer: its contents and its access counts (one element per access).
template <class T>
class Sram : public sc_core::sc_module {
 public:
  Sram(const sc_core::sc_module_name& name, std::vector<T> contents)
      : sc_core::sc_module(name), data_(std::move(contents)) {}
  T read(std::size_t address) {
    ++reads_;
    return data_[address];
  }
  void write(std::size_t address, T value) {
    ++writes_;
    data_[address] = value;
  }
  std::uint64_t reads() const { return reads_; }
  std::uint64_t writes() const { return writes_; }
  const std::vector<T>& contents() const { return data_; }

 private:
  // State.
  std::vector<T> data_;
  // Statistics.
  std::uint64_t reads_ = 0;
  std::uint64_t writes_ = 0;
};

// The ofmap buffer: int32 sums (N x M) that start from the bias; each fold's column outputs
// are added to them (a read and a write per output).
class OfmapBuffer : public Sram<std::int32_t> {
 public:
  using Sram::Sram;
  void accumulate(std::size_t address, std::int32_t value) {
    write(address, wrap_add(read(address), value));
  }
};

// Tokens moving through the rtl array's registers; index / item -1: a bubble or an idle PE.
struct StreamToken {  // a streamed operand: moves right (os: filters also move down)
  int value = 0;
  std::int64_t index = -1;  // time step (ws: pixel, is: filter, os: tap)
  std::int64_t item = -1;   // os: the pixel (from the left) or filter (from the top)
  bool operator==(const StreamToken& o) const {
    return value == o.value && index == o.index && item == o.item;
  }
};
struct StationaryToken {  // a stationary operand on its way down the shadow chain
  int value = 0;
  std::int64_t item = -1;  // the column's item (ws: filter, is: pixel)
  bool operator==(const StationaryToken& o) const { return value == o.value && item == o.item; }
};
struct PsumToken {  // a partial sum: moves down
  std::int32_t sum = 0;
  std::int64_t index = -1;
  std::int64_t item = -1;
  bool operator==(const PsumToken& o) const {
    return sum == o.sum && index == o.index && item == o.item;
  }
};
std::ostream& operator<<(std::ostream& out, const StreamToken& t);
std::ostream& operator<<(std::ostream& out, const StationaryToken& t);
std::ostream& operator<<(std::ostream& out, const PsumToken& t);
// sc_signal<T> needs these; the tokens themselves are not traced (the PE's signals are).
inline void sc_trace(sc_core::sc_trace_file*, const StreamToken&, const std::string&) {}
inline void sc_trace(sc_core::sc_trace_file*, const StationaryToken&, const std::string&) {}
inline void sc_trace(sc_core::sc_trace_file*, const PsumToken&, const std::string&) {}

// Per PE: the inputs each of its multiplier units holds (a, b; one unit unless the PEs are
// multi-unit), its partial-sum register (os: the accumulator) and its activity.
struct PeState {
  explicit PeState(std::size_t units = 1) : inputs(units, {0, 0}) {}
  std::vector<std::array<std::uint8_t, 2>> inputs;
  std::int32_t psum = 0;
  PeActivity activity;
};

// Loads the PE's partial-sum register with `value`, counting the bits that change.
inline void record_psum(PeState& pe, std::int32_t value) {
  pe.activity.psum_toggles += static_cast<unsigned>(
      __builtin_popcount(static_cast<std::uint32_t>(value) ^ static_cast<std::uint32_t>(pe.psum)));
  pe.psum = value;
}

// Which multiplier input holds the stationary operand (none in os).
enum class StationaryInput { kA, kB, kNone };
inline StationaryInput stationary_input(const Schedule& s) {
  switch (s.dataflow) {
    case Dataflow::kWeightStationary:
      return StationaryInput::kB;
    case Dataflow::kInputStationary:
      return StationaryInput::kA;
    case Dataflow::kOutputStationary:
      break;
  }
  return StationaryInput::kNone;
}

// Records one change of the inputs of a PE's multiplier unit to (a, b) (nothing when neither
// changes).
void record_transition(PeState& pe, std::size_t unit, const PeMultiplier& multiplier,
                       std::uint8_t a, std::uint8_t b, bool latch_edge, StationaryInput stationary);

// The multiplier units of one rtl PE: a verilated SystemC model per multiplier it carries, each
// with its own input and output signals (an idle unit's inputs are held). Made inside the PE's
// constructor, so that the models are its children.
class MultiplierUnits {
 public:
  MultiplierUnits(const Schedule& schedule, std::int64_t col);
  std::size_t size() const { return units_.size(); }
  rtl::ScSignal32& a(std::size_t unit) { return *units_[unit].a; }
  rtl::ScSignal32& b(std::size_t unit) { return *units_[unit].b; }
  const rtl::ScSignal32& a(std::size_t unit) const { return *units_[unit].a; }
  const rtl::ScSignal32& b(std::size_t unit) const { return *units_[unit].b; }
  const rtl::ScSignal32& p(std::size_t unit) const { return *units_[unit].p; }
  // The unit's product for its current inputs, as a signed value.
  std::int32_t product(std::size_t unit) const;
  // Records the transitions of every unit whose inputs changed since last observed.
  void observe(PeState& state, bool latch_edge, StationaryInput stationary) const;
  // Sensitivity to every unit's inputs.
  void make_sensitive(sc_core::sc_sensitive& sensitive) const;

 private:
  struct Unit {
    const PeMultiplier* multiplier = nullptr;
    std::unique_ptr<rtl::ScSignal32> a, b, p;
    std::unique_ptr<sc_core::sc_module> model;
  };
  std::vector<Unit> units_;
};

// The lut data path: the array walked fold by fold, without a clock.
class LutPeArray : public sc_core::sc_module {
 public:
  LutPeArray(const sc_core::sc_module_name& name, const Schedule& schedule,
             Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters, OfmapBuffer& ofmap);
  // Every PE's operations of one fold, in the order the systolic schedule feeds them.
  void run_fold(const Schedule::FoldPlan& plan);
  const std::vector<PeState>& pes() const { return pes_; }

 private:
  void run_stationary_fold(const Schedule::FoldPlan& plan);  // ws, is
  void run_output_stationary_fold(const Schedule::FoldPlan& plan);

  // Parameters.
  const Schedule& schedule_;
  // Sub-modules (not owned).
  Sram<std::int16_t>& ifmap_;
  Sram<std::int16_t>& filters_;
  OfmapBuffer& ofmap_;
  // State.
  std::vector<PeState> pes_;
  std::vector<std::int16_t> row_operands_;     // one PE row's streamed operands of the fold
  std::vector<std::int32_t> column_sums_;      // per column and time step, the fold's sums
  std::vector<std::int16_t> column_operands_;  // os: per column, the fold's filter taps
};

// The off-chip memory: one channel of `dram_bytes_per_cycle` bytes per cycle; a transfer
// occupies it for ceil(bytes / bandwidth) cycles and completes `dram_latency_cycles` later.
// Transfers are served in request order.
class Dram : public sc_core::sc_module {
 public:
  Dram(const sc_core::sc_module_name& name, const MemorySpec& spec);
  // A transfer requested in cycle `now`: the cycle its data has arrived (reads) or left.
  std::int64_t transfer(std::int64_t now, std::int64_t bytes, bool write);
  std::uint64_t read_bytes() const { return read_bytes_; }
  std::uint64_t write_bytes() const { return write_bytes_; }

 private:
  // Parameters.
  MemorySpec spec_;
  // State.
  std::int64_t free_ = 0;  // the first cycle the channel is idle
  // Statistics.
  std::uint64_t read_bytes_ = 0;
  std::uint64_t write_bytes_ = 0;
};

// When each fold may start: its tiles prefetched into the free half of the double-buffered
// SRAMs while the previous fold computes (the read of fold f + 1 is requested when fold f
// starts, the write-back of fold f's finished outputs when it ends). Ideal memory (no DRAM):
// every fold starts when the previous one ends.
class MemoryTimeline {
 public:
  MemoryTimeline(const Schedule& schedule, Dram* dram) : schedule_(schedule), dram_(dram) {}
  // Fold `fold` is due in cycle `now`: the cycle it starts (>= now).
  std::int64_t start_fold(std::int64_t fold, std::int64_t now);
  // Fold `fold` ended in cycle `now`.
  void end_fold(std::int64_t fold, std::int64_t now);

 private:
  std::int64_t read_bytes(std::int64_t fold) const;
  // Parameters.
  const Schedule& schedule_;
  Dram* dram_;  // not owned; null: ideal memory
  // State.
  std::int64_t next_ready_ = 0;
};

// The lut data path's controller: one fold at a time, cycles_per_fold clock periods each.
class LutController : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(LutController);
  LutController(const sc_core::sc_module_name& name, const Schedule& schedule, LutPeArray& array,
                const sc_core::sc_time& period, Dram* dram);
  std::int64_t cycles() const { return cycles_; }  // computing
  std::int64_t stall_cycles() const { return stall_cycles_; }

 private:
  void run();
  // Parameters.
  const Schedule& schedule_;
  sc_core::sc_time period_;
  // Sub-modules (not owned).
  LutPeArray& array_;
  // State.
  MemoryTimeline memory_;
  // Statistics.
  std::int64_t cycles_ = 0;
  std::int64_t stall_cycles_ = 0;
};

// One PE of the rtl data path: streamed-operand register (passes right), stationary shadow
// register (passes down) and the latched stationary operand, partial-sum register (passes
// down), and the verilated multiplier of its column's type.
class RtlPe : public sc_core::sc_module {
 public:
  // Ports.
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<bool> latch;  // the stationary operand arriving at this edge is latched
  sc_core::sc_in<StreamToken> x_in;
  sc_core::sc_out<StreamToken> x_out;
  sc_core::sc_in<StationaryToken> w_in;
  sc_core::sc_out<StationaryToken> w_out;
  sc_core::sc_in<PsumToken> psum_in;
  sc_core::sc_out<PsumToken> psum_out;

  SC_HAS_PROCESS(RtlPe);
  RtlPe(const sc_core::sc_module_name& name, const Schedule& schedule, std::int64_t col);
  const PeState& state() const { return state_; }
  // The first multiplier unit's ports (for tracing).
  const rtl::ScSignal32& mul_a() const { return units_.a(0); }
  const rtl::ScSignal32& mul_b() const { return units_.b(0); }
  const rtl::ScSignal32& mul_p() const { return units_.p(0); }

 private:
  void on_clock();
  void on_operands();  // observes the multipliers' inputs: toggles and energy

  // Parameters.
  const Schedule& schedule_;
  // Sub-modules.
  MultiplierUnits units_;
  // State.
  int stationary_ = 0;
  std::int64_t item_ = -1;
  std::size_t unit_ = 0;      // the unit the latched item uses
  std::size_t mul_unit_ = 0;  // the unit of this cycle's operation
  bool mul_valid_ = false;    // a and b hold a valid operation this cycle
  int mul_streamed_ = 0;
  std::int64_t mul_index_ = -1;
  bool latch_edge_ = false;
  // Statistics (and the inputs last observed).
  PeState state_;
};

// One PE of the rtl data path in os: activation register (passes right), weight register
// (passes down), the accumulator of its ofmap pixel and filter, and the verilated multiplier of
// its column's type. After the last tap it puts the finished sum on its output for one cycle.
class RtlOsPe : public sc_core::sc_module {
 public:
  // Ports.
  sc_core::sc_in<bool> clk;
  sc_core::sc_in<StreamToken> x_in;
  sc_core::sc_out<StreamToken> x_out;
  sc_core::sc_in<StreamToken> w_in;
  sc_core::sc_out<StreamToken> w_out;
  sc_core::sc_out<PsumToken> sum_out;

  SC_HAS_PROCESS(RtlOsPe);
  RtlOsPe(const sc_core::sc_module_name& name, const Schedule& schedule, std::int64_t col);
  const PeState& state() const { return state_; }
  const rtl::ScSignal32& mul_a() const { return units_.a(0); }
  const rtl::ScSignal32& mul_b() const { return units_.b(0); }
  const rtl::ScSignal32& mul_p() const { return units_.p(0); }

 private:
  void on_clock();
  void on_operands();

  // Parameters.
  const Schedule& schedule_;
  // Sub-modules.
  MultiplierUnits units_;
  // State.
  std::size_t mul_unit_ = 0;
  bool mul_valid_ = false;
  int mul_x_ = 0;
  int mul_w_ = 0;
  std::int64_t mul_step_ = -1;
  std::int64_t pixel_ = -1;
  std::int64_t filter_ = -1;
  std::int32_t sum_ = 0;
  // Statistics (and the inputs last observed).
  PeState state_;
};

// The rtl data path's controller: drives the stationary shadow chains, the latch and the skewed
// streamed operands at the array's edges, cycle by cycle (os: the skewed ifmap rows from the
// left and filter taps from the top, one cycle ahead of the PEs).
class RtlController : public sc_core::sc_module {
 public:
  // Ports.
  sc_core::sc_in<bool> clk;
  std::vector<std::unique_ptr<sc_core::sc_out<StationaryToken>>> w_top;  // per column; ws, is
  std::vector<std::unique_ptr<sc_core::sc_out<StreamToken>>> w_top_os;   // per column; os
  std::vector<std::unique_ptr<sc_core::sc_out<StreamToken>>> x_left;     // per row
  sc_core::sc_out<bool> latch;

  SC_HAS_PROCESS(RtlController);
  RtlController(const sc_core::sc_module_name& name, const Schedule& schedule,
                Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters,
                const sc_core::sc_time& period, Dram* dram);
  std::int64_t cycles() const { return cycles_; }  // computing
  std::int64_t stall_cycles() const { return stall_cycles_; }
  std::int64_t last_fold_start() const { return last_fold_start_; }  // cycle
  bool done() const { return done_; }  // every fold run and its sums drained
  // The time of the edge that starts cycle 0 (os: one edge after the controller's first).
  const sc_core::sc_time& start() const { return start_; }

 private:
  void run();
  void drive(const Schedule::FoldPlan* plan, std::int64_t cycle);
  void drive_os(const Schedule::FoldPlan* plan, std::int64_t cycle);

  // Parameters.
  const Schedule& schedule_;
  sc_core::sc_time period_;
  // Sub-modules (not owned).
  Sram<std::int16_t>& ifmap_;
  Sram<std::int16_t>& filters_;
  // State.
  MemoryTimeline memory_;
  // Statistics.
  sc_core::sc_time start_;
  std::int64_t cycles_ = 0;
  std::int64_t stall_cycles_ = 0;
  std::int64_t last_fold_start_ = 0;
  bool done_ = false;
};

// Takes the sums leaving the array (ws, is: the bottom PE row; os: every PE) into the ofmap
// buffer.
class OfmapCollector : public sc_core::sc_module {
 public:
  // Ports.
  sc_core::sc_in<bool> clk;
  std::vector<std::unique_ptr<sc_core::sc_in<PsumToken>>> sums;

  SC_HAS_PROCESS(OfmapCollector);
  OfmapCollector(const sc_core::sc_module_name& name, const Schedule& schedule, OfmapBuffer& ofmap,
                 const RtlController& controller, const sc_core::sc_time& period,
                 std::size_t inputs);
  // The cycle in which the last output was computed (its PE's last product), or -1.
  std::int64_t last_output_cycle() const { return last_output_cycle_; }

 private:
  void on_clock();
  // Parameters.
  const Schedule& schedule_;
  sc_core::sc_time period_;
  // Sub-modules (not owned).
  OfmapBuffer& ofmap_;
  const RtlController& controller_;
  // Statistics.
  std::int64_t last_output_cycle_ = -1;
};

}  // namespace hawx::systolic::sc
