// SPDX-License-Identifier: MIT
// The systolic array as a SystemC model: one GEMM layer (a convolution lowered by im2col, or a
// fully connected layer) executed on R x C PEs whose multipliers may differ per column, giving
// the layer's int32 outputs, its cycles, and the switching activity and energy of every PE's
// multiplier. docs/systolic.md describes the model; timing.h the cycle formulas it follows.
//
// Modules (array_modules.h): a controller that advances fold by fold; the PE array; the ifmap
// and filter SRAM buffers it reads and the ofmap buffer it accumulates into; unless the memory is
// ideal, a DRAM that fills the double-buffered SRAMs, folds stalling until their tiles arrive
// (MemorySpec). Two data paths with identical results (outputs, cycles, stalls, toggles, energy,
// SRAM and DRAM accesses):
//   lut  (default) the array is not clocked: per fold, each PE's operand sequence, in the order
//        the systolic schedule feeds it, is walked; products come from the multiplier's
//        ProductTable; the controller waits cycles_per_fold clock periods per fold.
//   rtl  every PE instantiates the verilated SystemC model of its column's multiplier
//        (rtl/sc_models.h) and the array is clocked cycle by cycle (sc_clock): operands and
//        partial sums move through PE registers; optionally a VCD of one PE.
//
// Dataflows (timing.h): ws keeps filter taps in the PEs and streams the ifmap (columns hold
// filters, N; T = M ofmap pixels); is keeps im2col windows in the PEs and streams the filters
// (columns hold ofmap pixels, M; T = N). In both, PE row i holds tap i of the fold's K rows.
// Schedule of one fold (R x C array, cycles 0-based):
//   cycles 0..R-1  the fold's stationary operands shift down the columns into shadow registers;
//                  at the edge that ends cycle R-1 they are latched into the PEs (ws: the
//                  multipliers' b input, is: a; it changes only there, so a stationary operand
//                  does not toggle within the fold)
//   cycle R+t+i+j  PE (i, j) multiplies step t's tap of row i (streamed operands skewed by row,
//                  one column per cycle), adding to the partial sum from PE (i-1, j)
//   last cycle     2R + C + T - 3: the bottom-right PE's last product; cycles_per_fold =
//                  2R + C + T - 2, as timing.h, so with ideal memory the layer takes
//                  folds x cycles_per_fold - 1 cycles (SCALE-Sim's count).
// Heterogeneity (mapper.h): in ws each filter sits on a column of its assigned multiplier; in is
// every filter passes every column, so a layer's filters need one multiplier, and its pixels
// use the columns of that type. Columns of a type fewer than the items need cost column folds.
// Idle PEs (rows beyond the fold's taps, columns without an item) keep their multiplier
// inputs (operand isolation). Every multiplier input starts at a = b = 0. Operands follow the
// engine (models/engine/engine.h): unsigned multipliers see magnitudes 0..255 and the sign
// (XOR of both) is applied to the product; signed multipliers see int8 patterns. The int32
// sums start from the bias in the ofmap buffer; the row folds of an output add into it.
//
// os keeps the sums in the PEs: PE (i, j) accumulates ofmap pixel i of the fold for the filter
// of column j (columns hold filters, as in ws), multiplying tap k in cycle k + i + j while ifmap
// rows stream from the left and filter taps from the top, both skewed; it puts its finished sum
// on its output after the last tap (the drain overlaps the next fold). cycles_per_fold =
// R + C + K - 2, the bottom-right PE's last product + 1, as timing.h. Both multiplier inputs
// change every operation; there is no stationary input.
//
// Promises: simulate_gemm() either returns or throws hawx::Error (ConfigError for an array or
// map that cannot be built, InputError for operands that do not fit the GEMM or the
// multipliers). Deterministic. Each call runs in its own SystemC simulation context, so calls
// may follow one another in one process; SystemC's current context is process-global, so calls
// must not run concurrently (one simulation at a time per process).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/stats.h"
#include "rtl/characterize.h"
#include "rtl/multiplier.h"
#include "rtl/switching.h"
#include "sim/systolic/gemm.h"
#include "sim/systolic/mapper.h"
#include "sim/systolic/timing.h"

namespace hawx::systolic {

enum class DataPath { kLut, kRtl };
const char* data_path_name(DataPath path);
// "lut" or "rtl"; ConfigError otherwise.
DataPath parse_data_path(const std::string& name);

// A multiplier type the array's columns can hold.
struct PeMultiplier {
  std::string name;      // what multiplier_map calls it
  std::string sc_model;  // rtl: the library design whose SystemC model it is (empty: `name`)
  rtl::ProductTable table;
  rtl::SwitchingEnergyModel energy;  // energy of one operand transition
  double area_um2 = 0.0;             // from characterisation (estimated or declared)
};

// A multiplier type from its characterisation: its name, product table and switching-energy
// model (a model of zeros when the hardware figures were declared rather than estimated).
PeMultiplier pe_multiplier(const rtl::Characterization& characterization);

// The on-chip buffers and the off-chip memory. Ideal (the default): no stalls, the compute
// cycles of the timing model. Otherwise each SRAM is double-buffered (half of it holds the
// computing fold's tile, half the next fold's) and a DRAM with a bandwidth and a latency fills
// them: a fold whose tiles have not arrived when the previous fold ends waits (stall cycles).
// One byte per operand and per output (int8 operands, outputs written back requantised).
struct MemorySpec {
  bool ideal = true;
  double ifmap_sram_kb = 64.0;
  double filter_sram_kb = 64.0;
  double ofmap_sram_kb = 64.0;
  double dram_bytes_per_cycle = 16.0;
  std::int64_t dram_latency_cycles = 100;  // from a request to its first bytes
};

// Fastest clock accepted: a 1 ps period, SystemC's time resolution.
inline constexpr double kMaxClockMhz = 1e6;

struct ArraySpec {
  ArrayShape shape;  // PE rows x columns
  Dataflow dataflow = Dataflow::kWeightStationary;
  // Per PE column, the name of its multiplier (one of the PeMultiplier names); cols entries.
  // Empty: every column has the first multiplier.
  std::vector<std::string> multiplier_map;
  DataPath data_path = DataPath::kLut;
  // Multi-unit PEs: every PE carries one unit of each multiplier with a select, and uses the
  // unit assigned to the filter it works for; any filter fits any column (no extra folds), the
  // area is the sum of the units, the switching energy that of the active unit (idle units'
  // inputs are held), the leakage that of every unit (energy_of). multiplier_map must then be
  // empty. is: the stationary activation enters every unit, the streamed weight its filter's.
  bool multi_unit = false;
  MemorySpec memory;
  // The array's clock: the SystemC clock period (and so the VCD's time) is 1 / clock_mhz,
  // rounded to whole picoseconds; in (0, kMaxClockMhz].
  double clock_mhz = 1000.0;
  // rtl: when not empty, a VCD file of PE (vcd_row, vcd_col): clock, multiplier inputs and
  // output, partial sum.
  std::filesystem::path vcd;
  std::int64_t vcd_row = 0;
  std::int64_t vcd_col = 0;
};

// The layer as a GEMM: ofmap[N x M] = (ifmap[M x K] * W[K x N])^T + bias.
struct GemmOperands {
  Gemm gemm;
  std::vector<std::int16_t> ifmap;    // M x K, row-major (im2col.h)
  std::vector<std::int16_t> weights;  // N x K: filter n's taps at n * K (the engine's layout)
  std::vector<std::int32_t> bias;     // N, or empty for zeros
  // Per filter, the index of its multiplier in the multiplier list (the engine's Assignment).
  std::vector<std::uint16_t> filter_multiplier;
};

// One PE's multiplier and register activity over the layer.
struct PeActivity {
  std::uint64_t operations = 0;  // valid multiplications
  std::uint64_t a_toggles = 0;   // activation input bits that changed
  std::uint64_t b_toggles = 0;   // weight input bits that changed
  // Bits of the stationary input (ws: the weight, b; is: the activation, a; os: none, so 0)
  // changed when a fold latches its stationary operands, and at any other edge (0: it is
  // stationary).
  std::uint64_t stationary_toggles_latch = 0;
  std::uint64_t stationary_toggles_in_fold = 0;
  double energy_fj = 0.0;  // SwitchingEnergyModel over every input transition
  // Bits of the PE's 32-bit partial-sum register that changed (ws, is: the sum it passes down,
  // a bubble's 0 between folds; os: its accumulator). The operand registers are the multiplier
  // inputs (8 bits each, held while idle), so their toggles are a_toggles + b_toggles.
  std::uint64_t psum_toggles = 0;

  bool operator==(const PeActivity& other) const;
};

struct ArrayRun {
  // Schedule.
  LayerTiming timing;     // timing.h for the GEMM on this array (what a homogeneous array takes)
  ColumnMapping mapping;  // filters on columns
  std::int64_t row_folds = 0;
  std::int64_t col_folds = 0;  // mapping.col_folds
  std::int64_t folds = 0;      // row_folds x col_folds
  std::int64_t cycles_per_fold = 0;
  std::int64_t compute_cycles = 0;  // as the controller counted them: folds x cpf - 1
  std::int64_t stall_cycles = 0;    // cycles the controller waited for the DRAM (0 if ideal)
  std::int64_t extra_cycles = 0;    // compute_cycles - timing.compute_cycles (the map's cost)
  // Results.
  std::vector<std::int32_t> ofmap;  // N x M: filter n's outputs at n * M
  // Activity, per PE (row-major, i * cols + j) and in total.
  std::vector<PeActivity> pes;
  PeActivity total;
  // SRAM accesses (one operand or one partial sum each).
  std::uint64_t ifmap_reads = 0;
  std::uint64_t filter_reads = 0;
  std::uint64_t ofmap_reads = 0;  // read-modify-write of the accumulating sums
  std::uint64_t ofmap_writes = 0;
  // DRAM traffic (0 with ideal memory).
  std::uint64_t dram_read_bytes = 0;
  std::uint64_t dram_write_bytes = 0;
  // Pipeline register bits of the whole array clocked every cycle (clocked_register_bits).
  std::int64_t register_bits = 0;
  // For leakage: the area of every multiplier unit of every PE (multi-unit PEs: all of their
  // units, active or idle), the number of PEs and the clock the cycles run at.
  double multiplier_area_um2 = 0.0;
  std::int64_t pe_count = 0;
  double clock_mhz = 0.0;

  std::int64_t total_cycles() const { return compute_cycles + stall_cycles; }
};

ArrayRun simulate_gemm(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                       const GemmOperands& operands);

// SCALE-Sim's Mapping Efficiency % and Compute Util % (timing.h) over the folds that `runs` (one
// layer's GEMMs, one after another: its groups) actually took, the map's extra column folds
// included; for a homogeneous array, the timing model's figures. Every item is placed once, so
// the mean over folds of rows_used x cols_used / (R x C) is Sr x Sc / (folds x R x C), and
// compute util is that times T / u (u: SCALE-Sim's per-fold denominator).
struct FoldEfficiency {
  double mapping_percent = 0.0;
  double compute_util_percent = 0.0;
};
FoldEfficiency fold_efficiency(const std::vector<ArrayRun>& runs);

// The pipeline register bits of an array of `pes` PEs that are clocked every cycle: per PE the
// 8-bit a and b registers of its multiplier unit and the 32-bit partial-sum register. A
// multi-unit PE has a and b registers per unit, but only the selected unit's are clocked: the
// idle units' are clock-gated (they keep their stationary operand), so idle units cost their
// leakage (area) and no dynamic energy.
inline std::int64_t clocked_register_bits(std::int64_t pes) { return pes * (16 + 32); }

// Energy of a run by component, with the technology's constants (rtl/tech.h): the multipliers'
// switching energy from their operand streams; one accumulation per MAC; the PEs' pipeline
// registers (bit toggles of the operand and partial-sum registers x register_fj_per_bit_toggle,
// plus register_bits x total cycles x register_fj_per_bit_per_cycle for the clock); SRAM
// accesses (one byte per operand, four per int32 partial sum of the ofmap buffer); DRAM bytes;
// leakage: (every multiplier unit's area + an accumulator per PE) x leakage_nw_per_um2 x total
// cycles / clock, so the idle units of multi-unit PEs cost their static power.
struct EnergyBreakdown {
  double multipliers_fj = 0.0;
  double accumulators_fj = 0.0;
  double register_toggles_fj = 0.0;
  double register_clock_fj = 0.0;
  double sram_fj = 0.0;
  double dram_fj = 0.0;
  double leakage_fj = 0.0;
  double registers_fj() const { return register_toggles_fj + register_clock_fj; }
  double total_fj() const {
    return multipliers_fj + accumulators_fj + registers_fj() + sram_fj + dram_fj + leakage_fj;
  }
  EnergyBreakdown& operator+=(const EnergyBreakdown& other);
};
EnergyBreakdown energy_of(const ArrayRun& run, const rtl::TechSpec& tech);

// Area of the array: each column's multiplier (area_um2 of its type) times the rows (multi-unit
// PEs: every multiplier in every PE), a 32-bit accumulator per PE, and the ifmap, filter and ofmap
// SRAMs (their kB times tech.sram_area_um2_per_kb, ideal memory or not: the buffers exist).
struct AreaBreakdown {
  double multipliers_um2 = 0.0;
  double accumulators_um2 = 0.0;
  double sram_um2 = 0.0;
  double pe_um2() const { return multipliers_um2 + accumulators_um2; }
  double total_um2() const { return pe_um2() + sram_um2; }
};
AreaBreakdown area_of(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                      const rtl::TechSpec& tech);

// The run's figures into `out` (schedule, cycles, utilisation, activity, energy, SRAM and DRAM
// accesses), with units: e.g. out.at("cycles/compute"), out.at("energy/multipliers_fj"). With
// `tech`, also the energy by component (energy/accumulators_fj, registers_fj, sram_fj, dram_fj,
// total_fj).
void report_stats(const ArrayRun& run, StatsTree& out, const rtl::TechSpec* tech = nullptr);

}  // namespace hawx::systolic
