// SPDX-License-Identifier: MIT
#include "app/multiplier_table.h"

#include <fstream>
#include <iomanip>
#include <sstream>

#include "core/errors.h"

namespace hawx::app {
namespace {

struct Column {
  const char* title;
  int width;
};
constexpr Column kColumns[] = {
    {"multiplier", 18},  {"signed", 6},   {"MAE", 9},   {"MAE%", 8},        {"WCE", 7},
    {"WCE%", 8},         {"EP%", 7},      {"MRE%", 8},  {"WCRE%", 9},       {"bias", 9},
    {"transistors", 11}, {"area_um2", 9}, {"fJ/op", 8}, {"toggles/op", 10}, {"model R2", 8}};

std::vector<std::string> cells(const rtl::Characterization& c) {
  auto fixed = [](double v, int digits) {
    std::ostringstream s;
    s << std::fixed << std::setprecision(digits) << v;
    return s.str();
  };
  const auto& m = c.metrics;
  const auto& h = c.hardware;
  const bool estimated = !h.declared && h.transistors >= 0;
  return {c.design.name,
          c.design.is_signed ? "yes" : "no",
          fixed(m.mae, 2),
          fixed(m.mae_pct, 4),
          std::to_string(m.wce),
          fixed(m.wce_pct, 3),
          fixed(m.ep_pct, 2),
          fixed(m.mre_pct, 3),
          fixed(m.wcre_pct, 2),
          fixed(m.mean_error, 2),
          estimated ? std::to_string(h.transistors) : (h.declared ? "declared" : "-"),
          h.area_um2 > 0 ? fixed(h.area_um2, 1) : "-",
          h.energy_fj_per_op > 0 ? fixed(h.energy_fj_per_op, 1) : "-",
          estimated ? fixed(h.toggles_per_op, 1) : "-",
          estimated ? fixed(h.energy_model_r2_heldout, 3) : "-"};
}

}  // namespace

void print_multiplier_table(std::ostream& out, const std::vector<rtl::Characterization>& rows) {
  // The name column left-aligned, the figures right-aligned.
  auto cell = [&](std::size_t i, const std::string& text) {
    out << (i == 0 ? std::left : std::right) << std::setw(kColumns[i].width) << text
        << (i + 1 < std::size(kColumns) ? " " : "\n");
  };
  for (std::size_t i = 0; i < std::size(kColumns); ++i) cell(i, kColumns[i].title);
  for (const auto& row : rows) {
    const auto values = cells(row);
    for (std::size_t i = 0; i < values.size(); ++i) cell(i, values[i]);
  }
  out << std::right;
}

void write_multiplier_csv(const std::filesystem::path& file,
                          const std::vector<rtl::Characterization>& rows) {
  std::ofstream out(file);
  bool header = true;
  for (const auto& row : rows) {
    const auto j = rtl::to_json(row);
    if (header) {
      std::string line;
      for (const auto& [key, value] : j.items()) line += (line.empty() ? "" : ",") + key;
      out << line << '\n';
      header = false;
    }
    std::string line;
    for (const auto& [key, value] : j.items()) {
      line +=
          (line.empty() ? "" : ",") + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    out << line << '\n';
  }
  if (!out) throw Error("cannot write '" + file.string() + "'");
}

}  // namespace hawx::app
