// SPDX-License-Identifier: MIT
// Compute cycles of a GEMM (gemm.h) on an R x C systolic array with ideal memory: no stalls.
// The counts are SCALE-Sim v2's, so that a study can be compared with the simulator the field
// uses; docs/systolic.md derives them and lists the checks against SCALE-Sim's reference figures.
//
// Mapping. Each dataflow keeps one operand in the PEs and streams the others; SCALE-Sim calls the
// GEMM dimension spread over the array's rows Sr, the one over its columns Sc, and the one
// streamed in time T (map_gemm):
//
//   dataflow                rows (Sr)      columns (Sc)    time (T)
//   ws  weight stationary   K (reduction)  N (filters)     M (ofmap pixels)
//   os  output stationary   M (pixels)     N (filters)     K (reduction)
//   is  input stationary    K (reduction)  M (pixels)      N (filters)
//
// Folds. A GEMM larger than the array runs as ceil(Sr/R) row folds x ceil(Sc/C) column folds;
// SCALE-Sim walks column folds in the outer loop and row folds in the inner one (fold()).
// Every fold takes the same number of cycles, fill and drain included:
//
//   os       R + C + T - 2      (operands skewed over R rows and C columns, outputs drained)
//   ws, is   2R + C + T - 2     (R cycles to load the stationary operand first)
//
// and the layer takes  compute_cycles = folds x cycles_per_fold - 1  (SCALE-Sim reports the
// index of the cycle that writes the last output, counting from 0).
//
// Efficiency figures, as SCALE-Sim's COMPUTE_REPORT.csv defines them (percentages):
//   mapping efficiency  mean over folds of rows_used x cols_used / (R x C)
//   compute util        mean over folds of rows_used x cols_used x T / (R x C x u), with
//                       u = R + C + T - 2 (os) or 2R + 2C + T - 3 (ws, is): SCALE-Sim's per-fold
//                       denominator, which for ws and is exceeds cycles_per_fold by C - 1
//   overall util        M x K x N / (total cycles x R x C), total cycles including stalls
// The means are unweighted (every fold counts once) and are summed in SCALE-Sim's fold order the
// way Python 3.12+'s sum() adds floats (compensated), so the figures match SCALE-Sim's reports to
// the last digit while the integers involved stay below 2^53 (reports made with Python 3.11 or
// older may differ in the 14th significant digit). Beyond kExactFoldLimit folds they come from the
// equivalent closed form instead (equal up to rounding in the last digits).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/systolic/gemm.h"

namespace hawx::systolic {

enum class Dataflow { kWeightStationary, kOutputStationary, kInputStationary };

struct DataflowInfo {
  Dataflow dataflow;
  const char* name;         // the spelling on the command line and in configs: ws, os, is
  const char* description;  // one line
};
// Every dataflow, in the order ws, os, is.
const std::vector<DataflowInfo>& dataflows();
const char* dataflow_name(Dataflow dataflow);
// The dataflow spelled `name`; ConfigError naming the known spellings otherwise.
Dataflow parse_dataflow(const std::string& name);

// Processing elements: rows x cols.
struct ArrayShape {
  std::int64_t rows = 1;
  std::int64_t cols = 1;
};
// Largest rows or cols accepted (keeps every cycle count far from overflow).
inline constexpr std::int64_t kMaxArrayDimension = 65536;
// ConfigError unless 1 <= rows, cols <= kMaxArrayDimension.
void validate_array(const ArrayShape& array);

// A GEMM's dimensions as a dataflow places them: over the rows, over the columns, in time.
struct SpatioTemporal {
  std::int64_t rows = 1;  // Sr
  std::int64_t cols = 1;  // Sc
  std::int64_t time = 1;  // T
};
SpatioTemporal map_gemm(const Gemm& gemm, Dataflow dataflow);

// One tile of the GEMM on the array.
struct Fold {
  std::int64_t row_fold = 0;   // 0 .. row_folds - 1
  std::int64_t col_fold = 0;   // 0 .. col_folds - 1
  std::int64_t rows_used = 0;  // PE rows holding data (R except in the last row fold)
  std::int64_t cols_used = 0;  // PE columns holding data (C except in the last column fold)
};

// Above this many folds the efficiency means use the closed form instead of SCALE-Sim's
// fold-by-fold sum (which costs a few nanoseconds per fold).
inline constexpr std::int64_t kExactFoldLimit = std::int64_t{1} << 24;

// The timing of one GEMM on one array under one dataflow.
struct LayerTiming {
  // Parameters.
  Gemm gemm;
  ArrayShape array;
  Dataflow dataflow = Dataflow::kWeightStationary;
  SpatioTemporal mapped;  // map_gemm(gemm, dataflow)

  // Folds and cycles.
  std::int64_t row_folds = 0;             // ceil(Sr / R)
  std::int64_t col_folds = 0;             // ceil(Sc / C)
  std::int64_t folds = 0;                 // row_folds x col_folds
  std::int64_t cycles_per_fold = 0;       // fill + stream + drain of one fold
  std::int64_t util_cycles_per_fold = 0;  // SCALE-Sim's compute-util denominator per fold
  std::int64_t compute_cycles = 0;        // folds x cycles_per_fold - 1
  std::int64_t stall_cycles = 0;          // always 0 here: ideal memory

  // Statistics (percent, as in SCALE-Sim's COMPUTE_REPORT.csv).
  double overall_util_percent = 0;
  double mapping_efficiency_percent = 0;
  double compute_util_percent = 0;

  std::int64_t total_cycles() const { return compute_cycles + stall_cycles; }
  // Fold `index` (0 .. folds - 1) in SCALE-Sim's order: column folds outer, row folds inner.
  Fold fold(std::int64_t index) const;
};

// The timing of `gemm` on `array`. ConfigError for an invalid array (validate_array) or a
// cycle count beyond 64 bits.
LayerTiming time_gemm(const Gemm& gemm, const ArrayShape& array, Dataflow dataflow);

}  // namespace hawx::systolic
