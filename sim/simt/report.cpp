// SPDX-License-Identifier: MIT
#include "sim/simt/report.h"

#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/errors.h"

namespace hawx::simt {

const char* const kSimtReportColumns =
    "Layer, Kernel, Units, MACs, Cycles, Issue Cycles, Stall Memory, Stall Dependency, "
    "Stall Control, Stall Barrier, Stall Idle, IPC, PE Util %, Multiplier Util %, Cache Hit %, "
    "DRAM Bytes, Multiplier pJ, ALU pJ, Register File pJ, Local Memory pJ, Cache pJ, DRAM pJ, "
    "Leakage pJ, Total Energy pJ, Area um2";

void write_report(const std::filesystem::path& file, const std::vector<ReportRow>& rows,
                  const CoreSpec& spec, const AreaBreakdown& area, const rtl::TechSpec& tech) {
  std::ofstream out(file);
  if (!out) throw ConfigError("cannot write " + file.string());
  out << kSimtReportColumns << "\n";
  auto fixed = [](double v, int decimals) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(decimals) << v;
    return s.str();
  };
  for (const ReportRow& row : rows) {
    const LayerRun& r = *row.run;
    const double slots = static_cast<double>(r.cycles) * spec.compute_units * spec.pes_per_cu;
    const EnergyBreakdown e = energy_of(r, tech);
    out << row.layer << ", " << r.launch.program.name << ", " << row.units << ", " << r.macs << ", "
        << r.cycles << ", " << r.all.issue;
    for (int s = 0; s < kStallCauses; ++s) out << ", " << r.all.stall[static_cast<std::size_t>(s)];
    out << ", " << fixed(r.ipc(), 4) << ", " << fixed(slots > 0 ? 100.0 * r.lane_ops / slots : 0, 2)
        << ", " << fixed(slots > 0 ? 100.0 * r.macs / slots : 0, 2) << ", "
        << fixed(r.cache_accesses ? 100.0 * r.cache_hits / r.cache_accesses : 0, 2) << ", "
        << r.dram_read_bytes + r.dram_write_bytes << ", " << fixed(e.multipliers_fj / 1000, 3)
        << ", " << fixed(e.alu_fj / 1000, 3) << ", " << fixed(e.register_file_fj / 1000, 3) << ", "
        << fixed(e.local_memory_fj / 1000, 3) << ", " << fixed(e.cache_fj / 1000, 3) << ", "
        << fixed(e.dram_fj / 1000, 3) << ", " << fixed(e.leakage_fj / 1000, 3) << ", "
        << fixed(e.total_fj() / 1000, 3) << ", " << fixed(area.total_um2(), 1) << "\n";
  }
  if (!out) throw ConfigError("cannot write " + file.string());
}

}  // namespace hawx::simt
