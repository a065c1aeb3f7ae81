// SPDX-License-Identifier: MIT
// A network's layers timed on one array (timing.h), their totals, and SCALE-Sim's
// COMPUTE_REPORT.csv:
//
//   LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,
//   0, 3223, 0, 57.01..., 58.59375, 56.50...,
//
// byte for byte as SCALE-Sim v2 writes it (", " separators, a trailing comma, percentages in
// Python's repr), so scripts written for SCALE-Sim's reports read it unchanged. With LayerCosts
// (`simulate CONFIG`), the same six columns followed by kComputeReportCostColumns, in the same
// format.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "sim/systolic/timing.h"
#include "sim/systolic/topology.h"

namespace hawx::systolic {

struct TimedLayer {
  std::string name;
  LayerTiming timing;
};

// Every layer of `topology` on `array` under `dataflow`, in file order.
std::vector<TimedLayer> time_topology(const Topology& topology, const ArrayShape& array,
                                      Dataflow dataflow);

struct NetworkTotals {
  std::int64_t compute_cycles = 0;
  std::int64_t stall_cycles = 0;
  std::int64_t macs = 0;
  double overall_util_percent = 0;  // macs / (cycles x PEs), the layers run one after another

  std::int64_t total_cycles() const { return compute_cycles + stall_cycles; }
};
// Totals of `layers`, all timed on the same array.
NetworkTotals totals(const std::vector<TimedLayer>& layers);

// What the SystemC array adds to a layer's row: its energy by component (pJ) and the array's
// area (the same on every row).
struct LayerCosts {
  double multiplier_pj = 0.0;  // multiplier switching energy
  double accumulator_pj = 0.0;
  double register_pj = 0.0;  // PE pipeline registers: bit toggles and clock
  double sram_pj = 0.0;
  double dram_pj = 0.0;
  double leakage_pj = 0.0;     // static energy of the PEs' multiplier units and accumulators
  double pe_area_um2 = 0.0;    // multipliers + accumulators of every PE
  double sram_area_um2 = 0.0;  // the ifmap, filter and ofmap SRAMs

  double total_pj() const {
    return multiplier_pj + accumulator_pj + register_pj + sram_pj + dram_pj + leakage_pj;
  }
};

// The header line of COMPUTE_REPORT.csv, with its newline.
extern const char* const kComputeReportHeader;
// The columns LayerCosts adds after SCALE-Sim's six, each with its leading space and trailing
// comma (units in the names).
extern const char* const kComputeReportCostColumns;
// A double as Python's repr() prints it (shortest text that reads back the same value).
std::string python_repr(double value);
// COMPUTE_REPORT.csv of `layers`; LayerID is the position in `layers`. `costs`: empty (SCALE-Sim's
// columns only) or one per layer (std::invalid_argument otherwise).
void write_compute_report(std::ostream& out, const std::vector<TimedLayer>& layers,
                          const std::vector<LayerCosts>& costs = {});
// The same into `file` (its folder created if needed); hawx::Error if it cannot be written.
void write_compute_report(const std::filesystem::path& file, const std::vector<TimedLayer>& layers,
                          const std::vector<LayerCosts>& costs = {});

}  // namespace hawx::systolic
