// SPDX-License-Identifier: MIT
#include "rtl/characterize.h"

#include <fstream>

#include <spdlog/spdlog.h>

#include "rtl/cache.h"
#include "rtl/library.h"
#include "rtl/rtl_import.h"
#include "rtl/switching.h"

namespace hawx::rtl {
namespace fs = std::filesystem;

MultiplierSpec MultiplierSpec::read(const config::Section& s) {
  using config::Param;
  const auto builtin = s.read_optional(
      Param<std::string>("builtin").doc("a library design (hawx-cosim list); or rtl + top"));
  const auto rtl = s.read_optional(Param<std::vector<fs::path>>("rtl").doc(
      "your Verilog files (a top module plus its cells), relative to the config file"));
  const auto top = s.read_optional(Param<std::string>("top").doc("top module of your RTL"));
  MultiplierSpec spec;
  auto& d = spec.design;
  d.port_a = s.read(Param<std::string>("port_a").def("a").doc("8-bit operand input of your RTL"));
  d.port_b = s.read(Param<std::string>("port_b").def("b").doc("8-bit operand input of your RTL"));
  d.port_p = s.read(Param<std::string>("port_p").def("p").doc("16-bit product output of your RTL"));
  const auto is_signed = s.read_optional(Param<bool>("signed").doc(
      "your RTL's operands and product are two's complement (default false)"));
  const auto name = s.read_optional(Param<std::string>("name").doc(
      "name in reports (default: the library name or the top module)"));
  spec.area_um2 = s.read_optional(
      Param<double>("area_um2")
          .min(0)
          .unit("um^2")
          .doc("declared area from your own synthesis (with energy_fj_per_op; skips estimation)"));
  spec.energy_fj_per_op = s.read_optional(
      Param<double>("energy_fj_per_op")
          .min(0)
          .unit("fJ")
          .doc("declared energy per operation from your own synthesis (with area_um2)"));

  if (spec.area_um2.has_value() != spec.energy_fj_per_op.has_value()) {
    s.fail(spec.area_um2 ? "energy_fj_per_op" : "area_um2",
           "missing; declared hardware figures need both area_um2 and energy_fj_per_op");
  }
  if (builtin) {
    if (rtl || top) s.fail("builtin", "give either builtin or rtl + top, not both");
    if (is_signed) s.fail("signed", "a library design's signedness is its own; leave it out");
    if (!Registry<MultiplierKind>::instance().contains(*builtin)) {
      std::string known;
      for (const auto& n : builtin_multiplier_names()) known += (known.empty() ? "" : ", ") + n;
      s.fail("builtin", "expected one of: " + known + ", got '" + *builtin + "'");
    }
    MultiplierSpec lib = library(*builtin);
    lib.area_um2 = spec.area_um2;
    lib.energy_fj_per_op = spec.energy_fj_per_op;
    if (name) lib.design.name = *name;
    return lib;
  }
  if (!rtl || rtl->empty() || !top || top->empty()) {
    s.fail(!rtl || rtl->empty() ? "rtl" : "top",
           "missing; a multiplier is either builtin: NAME, or rtl: [FILES] with top: MODULE");
  }
  spec.builtin.clear();
  d.sources = *rtl;
  d.top = *top;
  d.is_signed = is_signed.value_or(false);
  d.name = name.value_or(*top);
  return spec;
}

MultiplierSpec MultiplierSpec::library(const std::string& name) {
  const BuiltinMultiplier& m = builtin_multiplier(name);
  MultiplierSpec spec;
  spec.builtin = name;
  spec.design.name = name;
  spec.design.top = name;
  spec.design.is_signed = m.is_signed;
  // Synthesis reads files: the embedded source, written once into the cache.
  const std::string key = ContentHash().add("library-source-v1\n").add(m.verilog).hex();
  const fs::path entry = cached_entry("library", key, [&](const fs::path& dir) {
    std::ofstream(dir / (name + ".v")) << m.verilog;
  });
  spec.design.sources = {entry / (name + ".v")};
  return spec;
}

namespace {

nlohmann::json hardware_to_json(const HardwareFigures& h) {
  return {{"transistors", h.transistors},
          {"area_um2", h.area_um2},
          {"energy_fj_per_op", h.energy_fj_per_op},
          {"toggles_per_op", h.toggles_per_op},
          {"dnn_energy_fj_per_op", h.dnn_energy_fj_per_op},
          {"energy_model", h.energy_model},
          {"energy_model_r2_fit", h.energy_model_r2_fit},
          {"energy_model_r2_heldout", h.energy_model_r2_heldout}};
}

HardwareFigures hardware_from_json(const nlohmann::json& j) {
  HardwareFigures h;
  h.transistors = j.at("transistors").get<std::int64_t>();
  h.area_um2 = j.at("area_um2").get<double>();
  h.energy_fj_per_op = j.at("energy_fj_per_op").get<double>();
  h.toggles_per_op = j.at("toggles_per_op").get<double>();
  h.dnn_energy_fj_per_op = j.at("dnn_energy_fj_per_op").get<double>();
  h.energy_model = j.at("energy_model").get<std::vector<double>>();
  h.energy_model_r2_fit = j.at("energy_model_r2_fit").get<double>();
  h.energy_model_r2_heldout = j.at("energy_model_r2_heldout").get<double>();
  return h;
}

// The estimate from the RTL, cached under the design's and the tech file's contents.
HardwareFigures estimated_hardware(const MultiplierDesign& d, const CharacterizeOptions& options) {
  ContentHash hash;
  hash.add("hardware-v1\n")
      .add(kHardwareEstimateVersion)
      .add("\n")
      .add(options.tech_text)
      .add("\n" + d.top + "\n");
  hash.add(d.port_a + "," + d.port_b + "," + d.port_p + (d.is_signed ? ",signed\n" : "\n"));
  for (const auto& source : d.sources) hash.add(source.filename().string()).add_file(source);
  const fs::path entry = cached_entry("hardware", hash.hex(), [&](const fs::path& dir) {
    spdlog::info("estimating area and switching energy of '{}' (synthesis, gate-level toggles)",
                 d.name);
    const HardwareEstimate e = estimate_hardware(d, options.tech);
    HardwareFigures h;
    h.transistors = e.transistors;
    h.area_um2 = e.area_um2;
    h.energy_fj_per_op = e.energy_fj_per_op;
    h.toggles_per_op = e.toggles_per_op;
    h.dnn_energy_fj_per_op = e.dnn_energy_fj_per_op;
    h.energy_model = e.model.coefficients();
    h.energy_model_r2_fit = e.model_r2_train;
    h.energy_model_r2_heldout = e.model_r2_held_out;
    std::ofstream(dir / "hardware.json") << hardware_to_json(h).dump(2) << "\n";
  });
  std::ifstream in(entry / "hardware.json");
  return hardware_from_json(nlohmann::json::parse(in));
}

}  // namespace

Characterization characterize(const MultiplierSpec& spec, const CharacterizeOptions& options) {
  Characterization c;
  c.design = spec.design;
  c.source = spec.builtin.empty() ? "rtl" : "library";
  c.table = spec.builtin.empty() ? sweep_design(spec.design) : builtin_table(spec.builtin);
  c.metrics = error_metrics(c.table);
  if (spec.area_um2) {
    c.hardware.declared = true;
    c.hardware.area_um2 = *spec.area_um2;
    c.hardware.energy_fj_per_op = *spec.energy_fj_per_op;
  } else if (options.hardware) {
    c.hardware = estimated_hardware(spec.design, options);
  }
  return c;
}

nlohmann::ordered_json to_json(const Characterization& c) {
  const ErrorMetrics& m = c.metrics;
  const HardwareFigures& h = c.hardware;
  nlohmann::ordered_json j;
  j["name"] = c.design.name;
  j["source"] = c.source;
  j["top"] = c.design.top;
  j["signed"] = c.design.is_signed;
  j["mae"] = m.mae;
  j["mae_pct"] = m.mae_pct;
  j["wce"] = m.wce;
  j["wce_pct"] = m.wce_pct;
  j["ep_pct"] = m.ep_pct;
  j["mre_pct"] = m.mre_pct;
  j["wcre_pct"] = m.wcre_pct;
  j["mse"] = m.mse;
  j["mean_error"] = m.mean_error;
  j["hardware"] = h.declared ? "declared" : "estimated";
  j["transistors"] = h.transistors;
  j["area_um2"] = h.area_um2;
  j["energy_fj_per_op"] = h.energy_fj_per_op;
  j["toggles_per_op"] = h.toggles_per_op;
  if (!h.declared) {
    j["dnn_energy_fj_per_op"] = h.dnn_energy_fj_per_op;
    j["energy_model_r2_fit"] = h.energy_model_r2_fit;
    j["energy_model_r2_heldout"] = h.energy_model_r2_heldout;
  }
  return j;
}

}  // namespace hawx::rtl
