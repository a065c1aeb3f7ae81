// SPDX-License-Identifier: MIT
// The `simt:` section of a study: the SIMT core `hawx-cosim simulate CONFIG` runs the study's
// network on (core.h). Every key is declared here, where it is read.
//
//   simt:
//     compute_units: 2
//     pes_per_cu: 8
//     wavefront_size: 64
//     wavefronts_per_cu: 8
//     workgroup_size: 128
//     local_memory_kb: 32
//     clock_mhz: 250
//     data_path: lut                    # lut | rtl
//     units: [exact, mul8u_drum4]       # the multiplier types every PE carries
//     latency: {alu: 4, mul: 6, branch: 4, local_memory: 4}
//     cache: {size_kb: 64, line_bytes: 64, ways: 4, hit_latency: 8}
//     dram: {bytes_per_cycle: 8, latency_cycles: 100}
//     image: 0
//
// Promises: read() returns a config whose core() passes CoreSpec::validate() (checked here,
// errors located at the key); unit names are checked against the study's multipliers when the
// core is built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "sim/simt/core.h"

namespace hawx::simt {

struct SimtConfig {
  CoreSpec core;
  // Unit types by study name ('exact' or a multipliers[] name); empty: every study multiplier.
  std::vector<std::string> units;
  std::int64_t image = 0;

  static SimtConfig read(const config::Section& section);
};

}  // namespace hawx::simt
