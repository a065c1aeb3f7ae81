// SPDX-License-Identifier: MIT
#include "sim/systolic/report.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <stdexcept>

#include "core/errors.h"

namespace hawx::systolic {

const char* const kComputeReportHeader =
    "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,\n";
const char* const kComputeReportCostColumns =
    " Multiplier Energy pJ, Accumulator Energy pJ, Register Energy pJ, SRAM Energy pJ, DRAM "
    "Energy pJ, Leakage Energy pJ, Total Energy pJ, PE Area um2, SRAM Area um2,";

std::vector<TimedLayer> time_topology(const Topology& topology, const ArrayShape& array,
                                      Dataflow dataflow) {
  std::vector<TimedLayer> layers;
  layers.reserve(topology.layers.size());
  for (const auto& layer : topology.layers) {
    layers.push_back({layer.name, time_gemm(layer.gemm(), array, dataflow)});
  }
  return layers;
}

NetworkTotals totals(const std::vector<TimedLayer>& layers) {
  NetworkTotals t;
  if (layers.empty()) return t;
  for (const auto& l : layers) {
    t.compute_cycles = checked_add(t.compute_cycles, l.timing.compute_cycles, "the cycle total");
    t.stall_cycles = checked_add(t.stall_cycles, l.timing.stall_cycles, "the stall total");
    t.macs = checked_add(t.macs, l.timing.gemm.macs(), "the MAC total");
  }
  const ArrayShape& a = layers.front().timing.array;
  t.overall_util_percent = static_cast<double>(t.macs) * 100 /
                           (static_cast<double>(t.total_cycles()) * static_cast<double>(a.rows) *
                            static_cast<double>(a.cols));
  return t;
}

std::string python_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // Python's repr: the shortest round-trip digits, positional for exponents -4 .. 15, else
  // scientific with at least two exponent digits; a whole number keeps ".0".
  char digits[32];
  const auto shortest =
      std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::scientific);
  std::string sci(digits, shortest.ptr);  // e.g. "-1.2345e+02"
  const std::size_t e = sci.find('e');
  const int exponent = std::stoi(sci.substr(e + 1));
  if (exponent < -4 || exponent >= 16) {
    std::string mantissa = sci.substr(0, e);
    const std::string sign = exponent < 0 ? "-" : "+";
    std::string magnitude = std::to_string(std::abs(exponent));
    if (magnitude.size() < 2) magnitude = "0" + magnitude;
    return mantissa + "e" + sign + magnitude;
  }
  const auto fixed =
      std::to_chars(digits, digits + sizeof(digits), value, std::chars_format::fixed);
  std::string text(digits, fixed.ptr);
  if (text.find('.') == std::string::npos) text += ".0";
  return text;
}

void write_compute_report(std::ostream& out, const std::vector<TimedLayer>& layers,
                          const std::vector<LayerCosts>& costs) {
  if (!costs.empty() && costs.size() != layers.size()) {
    throw std::invalid_argument("write_compute_report: " + std::to_string(costs.size()) +
                                " costs for " + std::to_string(layers.size()) + " layers");
  }
  std::string header = kComputeReportHeader;
  if (!costs.empty()) header.insert(header.size() - 1, kComputeReportCostColumns);
  out << header;
  for (std::size_t id = 0; id < layers.size(); ++id) {
    const LayerTiming& t = layers[id].timing;
    out << id << ", " << t.total_cycles() << ", " << t.stall_cycles << ", "
        << python_repr(t.overall_util_percent) << ", " << python_repr(t.mapping_efficiency_percent)
        << ", " << python_repr(t.compute_util_percent) << ",";
    if (!costs.empty()) {
      const LayerCosts& c = costs[id];
      for (const double v : {c.multiplier_pj, c.accumulator_pj, c.register_pj, c.sram_pj, c.dram_pj,
                             c.leakage_pj, c.total_pj(), c.pe_area_um2, c.sram_area_um2}) {
        out << " " << python_repr(v) << ",";
      }
    }
    out << "\n";
  }
}

void write_compute_report(const std::filesystem::path& file, const std::vector<TimedLayer>& layers,
                          const std::vector<LayerCosts>& costs) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file, std::ios::binary);
  write_compute_report(out, layers, costs);
  out.flush();
  if (!out) throw Error("cannot write '" + file.string() + "'");
}

}  // namespace hawx::systolic
