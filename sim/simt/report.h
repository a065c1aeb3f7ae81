// SPDX-License-Identifier: MIT
// The SIMT core's per-layer CSV (SIMT_REPORT.csv from `hawx-cosim simulate CONFIG`): one row per
// layer with its cycles, the stall breakdown, IPC, utilisation, memory traffic, energy by
// component and the core's area. Columns (kSimtReportColumns), numbers in plain decimal.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rtl/tech.h"
#include "sim/simt/core.h"

namespace hawx::simt {

struct ReportRow {
  std::string layer;
  std::string units;  // the unit each filter selected, e.g. "exact" or "exact/mul8u_drum4"
  const LayerRun* run = nullptr;
};

extern const char* const kSimtReportColumns;

// ConfigError if the file cannot be written.
void write_report(const std::filesystem::path& file, const std::vector<ReportRow>& rows,
                  const CoreSpec& spec, const AreaBreakdown& area, const rtl::TechSpec& tech);

}  // namespace hawx::simt
