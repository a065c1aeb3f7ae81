// SPDX-License-Identifier: MIT
#include "app/accelerator.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sstream>
#include <type_traits>

#include "core/errors.h"
#include "scoring/energy_predictor.h"
#include "scoring/simt_energy_predictor.h"

namespace hawx::app {
namespace {

namespace sys = hawx::systolic;

// systolic.vcd for one layer: <stem>_<layer>.vcd beside it, the layer's name with every
// character other than a letter, digit, '-' or '_' as '_' ("/conv1/Conv" -> "conv1_Conv").
std::filesystem::path layer_vcd(const std::filesystem::path& vcd, const std::string& layer) {
  std::string name;
  for (const char ch : layer) {
    const bool keep = std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
    if (keep) {
      name += ch;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  const std::string stem =
      vcd.extension() == ".vcd" ? vcd.stem().string() : vcd.filename().string();
  return vcd.parent_path() / (stem + "_" + name + ".vcd");
}

// The assignment's values of one layer mapped through `index_of` (empty: unchanged).
std::vector<std::uint16_t> mapped(const std::vector<std::uint16_t>& filters,
                                  const std::vector<int>& index_of) {
  if (index_of.empty()) return filters;
  std::vector<std::uint16_t> out;
  out.reserve(filters.size());
  for (const std::uint16_t m : filters) {
    out.push_back(static_cast<std::uint16_t>(index_of.at(m)));
  }
  return out;
}

// A prediction's energies and cycles, per layer and in total.
template <class Prediction>
void fill(AcceleratorCost& cost, const Prediction& p) {
  for (const auto& l : p.layers) {
    cost.layer_energy_fj.push_back(l.energy.total_fj());
    cost.layer_cycles.push_back(l.cycles);
  }
  cost.energy_fj = p.total.total_fj();
  cost.multiplier_energy_fj = p.total.multipliers_fj;
  cost.cycles = p.cycles;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string accelerator_kind(const Study& study, const std::string& which,
                             const std::string& choose) {
  const StudySpec& s = study.spec;
  const std::string file = study.document ? study.document->name() : s.name;
  if (which.empty() && s.systolic && s.simt) {
    throw ConfigError(file + ": both a systolic: and a simt: section; " + choose);
  }
  if (which == "simt" || (which.empty() && s.simt)) {
    if (!s.simt) {
      throw ConfigError(file +
                        ": no simt: section (the SIMT core to simulate: compute_units, units, "
                        "cache, dram; docs/simt.md)");
    }
    return "simt";
  }
  if (which != "systolic" && !which.empty()) {
    throw ConfigError("unknown accelerator '" + which + "' (expected systolic or simt)");
  }
  if (!s.systolic) {
    throw ConfigError(file +
                      ": no systolic: section (the array to simulate: rows, cols, dataflow, "
                      "multiplier_map, memory; docs/systolic.md)" +
                      (s.simt ? "" : ", nor a simt: section (the SIMT core; docs/simt.md)"));
  }
  return "systolic";
}

void check_test_image(const LoadedModel& model, std::int64_t image, const std::string& key) {
  if (image >= static_cast<std::int64_t>(model.test.size())) {
    throw ConfigError(key + " " + std::to_string(image) + " is beyond the " +
                      std::to_string(model.test.size()) + " test images");
  }
}

namespace {

const std::vector<std::int32_t>& sums_of(const sys::ConvRun& r) { return r.ofmap; }
const std::vector<std::int32_t>& sums_of(const simt::LayerRun& r) { return r.output; }

// The model's compute layers one after another for test image `image`: each layer's input traced
// by the engine under `assignment`, `simulate(layer, trace, quantised layer, index)` run on it, its
// sums checked against the engine's; a ConfigError names the layer.
template <class Simulate>
auto layer_by_layer(const LoadedModel& model, std::size_t image,
                    const models::Assignment& assignment, const std::string& accelerator,
                    Simulate&& simulate) {
  const models::Network& net = model.net();
  const models::Engine& engine = *model.engine;
  const auto compute = net.compute_layers();
  using Run = std::decay_t<decltype(simulate(net.layers.front(), models::LayerTrace{},
                                             engine.network().conv.front(), std::size_t{0}))>;
  std::vector<Run> runs;
  runs.reserve(compute.size());
  for (std::size_t i = 0; i < compute.size(); ++i) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(compute[i])];
    const models::LayerTrace trace = engine.trace_layer(model.test.image(image), assignment, i);
    const auto& qc = engine.network().conv[static_cast<std::size_t>(trace.layer)];
    // A layer the accelerator cannot hold (e.g. an SRAM too small for its folds) names the layer.
    try {
      runs.push_back(simulate(l, trace, qc, i));
    } catch (const ConfigError& e) {
      throw ConfigError("layer '" + l.name + "': " + e.what());
    }
    if (sums_of(runs.back()) != trace.accumulators) {
      throw Error("internal: " + accelerator + "'s sums of layer '" + l.name +
                  "' differ from the engine's");
    }
  }
  return runs;
}

}  // namespace

std::vector<sys::ConvRun> simulate_systolic(const LoadedModel& model, std::size_t image,
                                            const models::Assignment& assignment,
                                            const sys::ArraySpec& spec,
                                            const std::vector<sys::PeMultiplier>& multipliers,
                                            const std::vector<int>& multiplier_of) {
  sys::ArraySpec layer_spec = spec;
  return layer_by_layer(model, image, assignment, "the array",
                        [&](const models::Layer& l, const models::LayerTrace& trace,
                            const models::QuantizedNetwork::Conv& qc, std::size_t i) {
                          // One VCD per layer rather than each layer overwriting the last (rtl data
                          // path).
                          if (!spec.vcd.empty()) layer_spec.vcd = layer_vcd(spec.vcd, l.name);
                          sys::ConvOperands operands;
                          operands.window = sys::window_of(l);
                          operands.groups = l.groups;
                          operands.filters = l.filters();
                          operands.input = trace.input.data();
                          operands.weights = qc.weights;
                          operands.bias = qc.bias;
                          operands.filter_multiplier = mapped(assignment.filters[i], multiplier_of);
                          return sys::simulate_conv(layer_spec, multipliers, operands);
                        });
}

std::vector<simt::LayerRun> simulate_simt(const LoadedModel& model, std::size_t image,
                                          const models::Assignment& assignment,
                                          const simt::CoreSpec& core,
                                          const std::vector<simt::SimtUnit>& units,
                                          const std::vector<int>& unit_of) {
  return layer_by_layer(model, image, assignment, "the SIMT core",
                        [&](const models::Layer& l, const models::LayerTrace& trace,
                            const models::QuantizedNetwork::Conv& qc, std::size_t i) {
                          simt::LayerOperands operands;
                          operands.shape = simt::shape_of(l);
                          operands.input = trace.input.data();
                          operands.weights = qc.weights;
                          operands.bias = qc.bias;
                          operands.filter_unit = mapped(assignment.filters[i], unit_of);
                          return simt::simulate_layer(core, units, operands);
                        });
}

std::vector<simt::SimtUnit> simt_units(const Study& study, const Candidates& c,
                                       const rtl::CharacterizeOptions& options,
                                       const std::vector<std::uint16_t>& candidate_indices) {
  std::vector<simt::SimtUnit> units;
  for (const std::uint16_t i : candidate_indices) {
    const rtl::MultiplierSpec spec =
        i == 0 ? rtl::MultiplierSpec::library(c.is_signed ? "mul8s_exact" : "mul8u_exact")
               : study.spec.multipliers[i - 1u];
    simt::SimtUnit unit = simt::simt_unit(rtl::characterize(spec, options));
    unit.name = c.names[i];
    unit.sc_model = spec.builtin.empty() ? spec.design.name : spec.builtin;
    unit.table = c.tables[i];  // the engine's table, so that the core computes what it computes
    units.push_back(std::move(unit));
  }
  return units;
}

struct Accelerator::Hardware {
  std::vector<std::uint16_t> types;  // candidate indices, ascending (SIMT: simt.units' order)
  std::vector<int> index_of;         // per candidate: its index among `types`, or -1
  // Systolic.
  sys::ArraySpec spec;
  std::vector<sys::PeMultiplier> multipliers;
  // SIMT.
  std::vector<simt::SimtUnit> units;
};

Accelerator::Accelerator(const Study& study, const Candidates& candidates, const LoadedModel& model,
                         const scoring::Profile* profile, const std::string& which)
    : study_(study), candidates_(candidates), model_(model), profile_(profile), kind_(which) {
  const StudySpec& s = study.spec;
  kind_ = accelerator_kind(study, which);
  if (kind_ == "systolic") {
    check_test_image(model, s.systolic->image, "systolic.image");
    image_ = static_cast<std::size_t>(s.systolic->image);
  } else {
    check_test_image(model, s.simt->image, "simt.image");
    image_ = static_cast<std::size_t>(s.simt->image);
    for (const std::string& name : s.simt->units) {
      std::uint16_t index = 0;
      try {
        index = candidates.index(name);
      } catch (const ConfigError& e) {
        throw ConfigError(std::string("simt.units: ") + e.what());
      }
      if (std::find(simt_fixed_.begin(), simt_fixed_.end(), index) != simt_fixed_.end()) {
        throw ConfigError("simt.units: '" + name + "' is listed twice");
      }
      simt_fixed_.push_back(index);
    }
  }
  const rtl::CharacterizeOptions options = characterize_options(s.tech, true);
  tech_ = options.tech;
  std::vector<std::uint16_t> all(candidates.names.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint16_t>(i);
  if (kind_ == "systolic") {
    pe_types_ = pe_multipliers(study, candidates, options);
  } else {
    simt_types_ = simt_units(study, candidates, options, all);
  }
}

Accelerator::~Accelerator() = default;

std::string Accelerator::describe() const {
  std::ostringstream out;
  if (kind_ == "systolic") {
    const sys::SystolicConfig& c = *study_.spec.systolic;
    out << "systolic " << c.shape.rows << "x" << c.shape.cols << " "
        << sys::dataflow_name(c.dataflow) << ", multi-unit PEs of the types each assignment uses, ";
    if (c.memory.ideal) {
      out << "ideal memory";
    } else {
      out << "DRAM " << c.memory.dram_bytes_per_cycle << " B/cycle";
    }
    out << ", " << sys::data_path_name(c.data_path) << ", test image " << image_;
  } else {
    const simt::CoreSpec& c = study_.spec.simt->core;
    out << "simt " << c.compute_units << (c.compute_units == 1 ? " CU" : " CUs") << " x "
        << c.pes_per_cu << " PEs, units: ";
    if (simt_fixed_.empty()) {
      out << "the types each assignment uses";
    } else {
      for (std::size_t i = 0; i < simt_fixed_.size(); ++i) {
        out << (i ? ", " : "") << candidates_.names[simt_fixed_[i]];
      }
    }
    out << ", " << simt::data_path_name(c.data_path) << ", test image " << image_;
  }
  return out.str();
}

const Accelerator::Hardware& Accelerator::hardware(const models::Assignment& assignment) const {
  const auto computes = model_.net().compute_layers();
  if (assignment.filters.size() != computes.size()) {
    throw ConfigError("an assignment of " + std::to_string(assignment.filters.size()) +
                      " layers; the network has " + std::to_string(computes.size()) +
                      " layers that multiply");
  }
  const std::size_t n = candidates_.names.size();
  std::vector<bool> used(n, false);
  for (std::size_t l = 0; l < assignment.filters.size(); ++l) {
    const models::Layer& layer = model_.net().layers[static_cast<std::size_t>(computes[l])];
    if (assignment.filters[l].size() != static_cast<std::size_t>(layer.filters())) {
      throw ConfigError("the assignment gives layer '" + layer.name + "' " +
                        std::to_string(assignment.filters[l].size()) + " filters; it has " +
                        std::to_string(layer.filters()));
    }
    for (const std::uint16_t m : assignment.filters[l]) {
      if (m >= n) {
        throw ConfigError("the assignment names multiplier " + std::to_string(m) + " in layer '" +
                          layer.name + "'; the study has " + std::to_string(n) +
                          " candidates (0 = exact)");
      }
      used[m] = true;
    }
  }
  std::vector<std::uint16_t> types;
  if (kind_ == "simt" && !simt_fixed_.empty()) {
    for (std::size_t m = 0; m < n; ++m) {
      if (used[m] && std::find(simt_fixed_.begin(), simt_fixed_.end(), m) == simt_fixed_.end()) {
        std::string list;
        for (const auto u : simt_fixed_) list += (list.empty() ? "" : ", ") + candidates_.names[u];
        throw ConfigError("the assignment uses '" + candidates_.names[m] +
                          "', a unit type the SIMT core's PEs do not carry (simt.units: " + list +
                          ")");
      }
    }
    types = simt_fixed_;
  } else {
    for (std::size_t m = 0; m < n; ++m) {
      if (used[m]) types.push_back(static_cast<std::uint16_t>(m));
    }
  }
  auto& slot = hardware_[types];
  if (slot) return *slot;
  auto h = std::make_unique<Hardware>();
  h->types = types;
  h->index_of.assign(n, -1);
  for (std::size_t t = 0; t < types.size(); ++t) h->index_of[types[t]] = static_cast<int>(t);
  if (kind_ == "systolic") {
    h->spec = study_.spec.systolic->array_spec();
    h->spec.multi_unit = true;
    h->spec.multiplier_map.clear();
    for (const auto t : types) h->multipliers.push_back(pe_types_[t]);
  } else {
    for (const auto t : types) h->units.push_back(simt_types_[t]);
  }
  slot = std::move(h);
  return *slot;
}

AcceleratorCost Accelerator::measure(const models::Assignment& assignment) const {
  const auto start = std::chrono::steady_clock::now();
  const Hardware& h = hardware(assignment);
  AcceleratorCost cost;
  for (const auto t : h.types) cost.types.push_back(candidates_.names[t]);
  cost.energy_fj = 0.0;
  cost.multiplier_energy_fj = 0.0;
  cost.cycles = 0;
  if (kind_ == "systolic") {
    const auto runs =
        simulate_systolic(model_, image_, assignment, h.spec, h.multipliers, h.index_of);
    for (const sys::ConvRun& r : runs) {
      double energy = 0.0;
      for (const sys::ArrayRun& g : r.groups) {
        const sys::EnergyBreakdown e = sys::energy_of(g, tech_);
        energy += e.total_fj();
        cost.multiplier_energy_fj += e.multipliers_fj;
      }
      cost.layer_energy_fj.push_back(energy);
      cost.layer_cycles.push_back(r.total_cycles());
    }
    cost.area_um2 = sys::area_of(h.spec, h.multipliers, tech_).total_um2();
  } else {
    const simt::CoreSpec& core = study_.spec.simt->core;
    const auto runs = simulate_simt(model_, image_, assignment, core, h.units, h.index_of);
    for (const simt::LayerRun& r : runs) {
      const simt::EnergyBreakdown e = simt::energy_of(r, tech_);
      cost.layer_energy_fj.push_back(e.total_fj());
      cost.multiplier_energy_fj += e.multipliers_fj;
      cost.layer_cycles.push_back(r.cycles);
    }
    cost.area_um2 = simt::area_of(core, h.units, tech_).total_um2();
  }
  for (std::size_t l = 0; l < cost.layer_cycles.size(); ++l) {
    cost.energy_fj += cost.layer_energy_fj[l];
    cost.cycles += cost.layer_cycles[l];
  }
  cost.seconds = seconds_since(start);
  return cost;
}

AcceleratorCost Accelerator::predict(const models::Assignment& assignment) const {
  const auto start = std::chrono::steady_clock::now();
  if (profile_ == nullptr) {
    throw ConfigError(
        "predicting an accelerator's energy needs a profile of the model's operands "
        "(scoring::profile); this Accelerator was made without one");
  }
  const Hardware& h = hardware(assignment);
  models::Assignment local = assignment;
  for (auto& layer : local.filters) layer = mapped(layer, h.index_of);
  AcceleratorCost cost;
  for (const auto t : h.types) cost.types.push_back(candidates_.names[t]);
  if (kind_ == "systolic") {
    // One predictor for every set of types (multi-unit PEs of every candidate; predict() is told
    // which the PEs carry), so that the expectations of a layer and multiplier are computed once.
    if (!systolic_predictor_) {
      systolic_predictor_ = std::make_unique<scoring::SystolicEnergyPredictor>(
          model_.engine->network(), *profile_, h.spec, pe_types_, tech_);
    }
    fill(cost, systolic_predictor_->predict(assignment, h.types));
    cost.area_um2 = scoring::predict_area(h.spec, h.multipliers, tech_, local).total_um2();
  } else {
    const simt::CoreSpec& core = study_.spec.simt->core;
    if (!simt_predictor_) {
      simt_predictor_ = std::make_unique<scoring::SimtEnergyPredictor>(
          model_.engine->network(), *profile_, core, simt_types_, tech_);
    }
    fill(cost, simt_predictor_->predict(assignment, h.types));
    cost.area_um2 = scoring::predict_simt_area(core, simt_types_, tech_, h.types).total_um2();
  }
  cost.seconds = seconds_since(start);
  return cost;
}

}  // namespace hawx::app
