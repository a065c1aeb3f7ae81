// SPDX-License-Identifier: MIT
// The `systolic:` section of a study: the array `hawx-cosim simulate CONFIG` runs the study's
// network on (array.h). Every key is declared here, where it is read.
//
//   systolic:
//     rows: 16
//     cols: 16
//     dataflow: ws                       # ws | os | is
//     data_path: lut                     # lut | rtl
//     clock_mhz: 1000
//     multiplier_map: [exact, mul8u_drum4]   # repeated over the columns
//     memory: {ideal: false, dram_bytes_per_cycle: 16, dram_latency_cycles: 100}
//     image: 0                           # the test image to run
//
// Promises: read() returns a config whose array_spec() simulate_gemm() accepts as far as the
// section alone can tell (rows, cols, the map's length); names in the map are checked against
// the study's multipliers when the array is built.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/config.h"
#include "sim/systolic/array.h"

namespace hawx::systolic {

struct SystolicConfig {
  ArrayShape shape{16, 16};
  Dataflow dataflow = Dataflow::kWeightStationary;
  DataPath data_path = DataPath::kLut;
  // Multiplier names, repeated over the columns (its length divides cols); empty with
  // multi_unit.
  std::vector<std::string> multiplier_map = {"exact"};
  bool multi_unit = false;  // every PE carries every multiplier (ArraySpec::multi_unit)
  MemorySpec memory;
  double clock_mhz = 1000.0;
  std::int64_t image = 0;  // index into the test set
  std::filesystem::path vcd;
  std::int64_t vcd_row = 0;
  std::int64_t vcd_col = 0;

  static SystolicConfig read(const config::Section& section);
  // The array: the map's pattern written out over every column.
  ArraySpec array_spec() const;
};

}  // namespace hawx::systolic
