// SPDX-License-Identifier: MIT
// `hawx-cosim simulate`: a network on the systolic array (issue 5) or the SIMT core (issue 6).
//
// Today the timing-only mode a SCALE-Sim user knows, without a config file:
//   hawx-cosim simulate --topology net.csv --rows 8 --cols 8 --dataflow ws [--csv OUT.csv]
// reads SCALE-Sim's topology CSV and prints each layer's compute cycles, folds and utilisation on
// an ideal-memory array, as SCALE-Sim v2 counts them (sim/systolic/timing.h, docs/systolic.md),
// and writes SCALE-Sim's COMPUTE_REPORT.csv when asked.
// And the config-driven mode, `hawx-cosim simulate config.yaml [--multiplier M | --layers ...]`:
// the study's model, quantised as eval quantises it, run layer by layer on the SystemC array of
// the config's `systolic:` section (sim/systolic/array.h) for one test image, under a
// multiplier assignment (one multiplier everywhere or one per layer), each layer's int32 sums
// checked against the engine's; prints and writes cycles, stalls, folds (with the map's extra
// column folds), utilisation and multiplier switching energy per layer.
// A config with a `simt:` section runs on the SIMT core instead (sim/simt/core.h): each layer's
// kernel, cycles with the stall breakdown, IPC, energy by component and area, into
// simulate_stats.json and SIMT_REPORT.csv; --dump-kernel LAYER prints a layer's kernel.
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/accelerator.h"
#include "app/commands/commands.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "core/stats.h"
#include "sim/simt/core.h"
#include "sim/simt/report.h"
#include "sim/systolic/array.h"
#include "sim/systolic/conv.h"
#include "sim/systolic/im2col.h"
#include "sim/systolic/report.h"
#include "sim/systolic/topology.h"

namespace hawx::app {
namespace {

namespace sys = hawx::systolic;

struct Options {
  std::string config;
  std::vector<std::string> overrides;
  std::string out;
  std::string multiplier = "exact";
  std::string layers;
  std::string topology;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::string dataflow;
  std::string csv;
  std::string accelerator;
  std::string dump_kernel;
  std::string filter_units;
  // Which options were given (CLI11 fills these in before the callback runs).
  const CLI::Option* multiplier_option = nullptr;
  const CLI::Option* rows_option = nullptr;
  const CLI::Option* cols_option = nullptr;
  const CLI::Option* dataflow_option = nullptr;
};

// The timing-only mode's options, checked before any file is read.
struct TopologyRun {
  std::string topology;
  sys::ArrayShape array;
  sys::Dataflow dataflow = sys::Dataflow::kWeightStationary;
  std::string csv;
};

TopologyRun validate(const Options& o) {
  std::string missing;
  for (const auto& [option, name] :
       {std::pair{o.rows_option, "--rows"}, std::pair{o.cols_option, "--cols"},
        std::pair{o.dataflow_option, "--dataflow"}}) {
    if (option->count() == 0) missing += (missing.empty() ? "" : ", ") + std::string(name);
  }
  if (!missing.empty()) {
    throw ConfigError("--topology needs --rows, --cols and --dataflow; missing: " + missing);
  }
  for (const auto& [value, name] : {std::pair{o.rows, "--rows"}, std::pair{o.cols, "--cols"}}) {
    if (value < 1 || value > sys::kMaxArrayDimension) {
      throw ConfigError(std::string(name) + " must be between 1 and " +
                        std::to_string(sys::kMaxArrayDimension) + "; got " + std::to_string(value));
    }
  }
  TopologyRun run;
  run.topology = o.topology;
  run.array = {o.rows, o.cols};
  run.csv = o.csv;
  try {
    run.dataflow = sys::parse_dataflow(o.dataflow);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("--dataflow: ") + e.what());
  }
  return run;
}

std::string fixed(double value, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << value;
  return s.str();
}

void print_table(const TopologyRun& run, const std::vector<sys::TimedLayer>& layers) {
  const char* description = "";
  for (const auto& d : sys::dataflows()) {
    if (d.dataflow == run.dataflow) description = d.description;
  }
  std::cout << "topology " << run.topology << ": " << layers.size()
            << (layers.size() == 1 ? " layer" : " layers") << "; array " << run.array.rows << "x"
            << run.array.cols << ", dataflow " << sys::dataflow_name(run.dataflow) << " ("
            << description << "); ideal memory, no stalls\n";

  std::vector<std::string> gemms;
  std::size_t name_width = 5;
  std::size_t gemm_width = 14;
  for (const auto& l : layers) {
    const sys::Gemm& g = l.timing.gemm;
    gemms.push_back(std::to_string(g.m) + " x " + std::to_string(g.k) + " x " +
                    std::to_string(g.n));
    name_width = std::max(name_width, l.name.size());
    gemm_width = std::max(gemm_width, gemms.back().size());
  }
  std::cout << "  " << std::left << std::setw(static_cast<int>(name_width)) << "layer"
            << "  " << std::setw(static_cast<int>(gemm_width)) << "GEMM M x K x N" << std::right
            << "   folds (rows x cols)  cycles/fold  total cycles  overall util %  mapping eff %"
               "  compute util %\n";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const sys::LayerTiming& t = layers[i].timing;
    const std::string folds = std::to_string(t.folds) + " (" + std::to_string(t.row_folds) + " x " +
                              std::to_string(t.col_folds) + ")";
    std::cout << "  " << std::left << std::setw(static_cast<int>(name_width)) << layers[i].name
              << "  " << std::setw(static_cast<int>(gemm_width)) << gemms[i] << std::right
              << std::setw(23) << folds << std::setw(13) << t.cycles_per_fold << std::setw(14)
              << t.total_cycles() << std::setw(16) << fixed(t.overall_util_percent, 2)
              << std::setw(15) << fixed(t.mapping_efficiency_percent, 2) << std::setw(16)
              << fixed(t.compute_util_percent, 2) << "\n";
  }
  const sys::NetworkTotals total = sys::totals(layers);
  std::cout << "total: " << total.total_cycles() << " cycles, " << total.macs
            << " MACs, overall util " << fixed(total.overall_util_percent, 2) << " %\n";
}

void run_topology(const TopologyRun& run) {
  const sys::Topology topology = sys::read_topology(run.topology);
  const std::vector<sys::TimedLayer> layers = sys::time_topology(topology, run.array, run.dataflow);
  print_table(run, layers);
  if (!run.csv.empty()) {
    sys::write_compute_report(std::filesystem::path(run.csv), layers);
    std::cout << "compute report: " << run.csv << "\n";
  }
}

// One multiplier per compute layer: --layers, or --multiplier everywhere.
std::vector<std::string> layer_multipliers(const Options& o, std::size_t layers) {
  std::vector<std::string> names;
  if (o.layers.empty()) return std::vector<std::string>(layers, o.multiplier);
  std::stringstream list(o.layers);
  for (std::string n; std::getline(list, n, ',');) names.push_back(n);
  if (names.size() != layers) {
    throw ConfigError("--layers names " + std::to_string(names.size()) +
                      " multipliers; the network has " + std::to_string(layers) +
                      " layers that multiply");
  }
  return names;
}

// The config-driven mode on the SIMT core: the study's model layer by layer, each layer's
// kernel on the core of the config's `simt:` section, its sums checked against the engine's.
void run_simt(const Options& o, const Study& study) {
  if (!o.filter_units.empty() && (!o.layers.empty() || o.multiplier_option->count() > 0)) {
    throw ConfigError("--filter-units assigns every filter; leave out --layers and --multiplier");
  }
  const simt::SimtConfig& cfg = *study.spec.simt;
  const Candidates c = candidates(study);
  // The unit types every PE carries, by study name, and their candidate indices.
  const std::vector<std::string> unit_names = cfg.units.empty() ? c.names : cfg.units;
  std::vector<std::uint16_t> unit_candidate;
  for (std::size_t u = 0; u < unit_names.size(); ++u) {
    for (std::size_t v = 0; v < u; ++v) {
      if (unit_names[v] == unit_names[u]) {
        throw ConfigError("simt.units: '" + unit_names[u] + "' is listed twice");
      }
    }
    try {
      unit_candidate.push_back(c.index(unit_names[u]));
    } catch (const ConfigError& e) {
      throw ConfigError(std::string("simt.units: ") + e.what());
    }
  }
  std::string unit_list;
  for (const auto& n : unit_names) unit_list += (unit_list.empty() ? "" : ", ") + n;
  const LoadedModel model = load_model(study, c);
  const models::Network& net = model.net();
  const auto compute = net.compute_layers();

  // Per layer and filter, the unit it selects: one per layer (--layers, --multiplier), or the
  // names of --filter-units in turn over every layer's filters.
  auto unit_of = [&](const std::string& name, std::size_t layer) {
    const auto at = std::find(unit_names.begin(), unit_names.end(), name);
    if (at == unit_names.end()) {
      throw ConfigError(
          "layer " + std::to_string(layer) + " ('" +
          net.layers[static_cast<std::size_t>(compute[layer])].name + "') selects '" + name +
          "', a unit type the SIMT core's PEs do not carry (simt.units: " + unit_list + ")");
    }
    return static_cast<std::uint16_t>(at - unit_names.begin());
  };
  std::vector<std::string> per_layer;                   // what each layer's filters select
  std::vector<std::vector<std::uint16_t>> layer_units;  // [layer][filter]: index into units
  std::vector<std::string> filter_cycle;
  if (!o.filter_units.empty()) {
    std::stringstream list(o.filter_units);
    for (std::string n; std::getline(list, n, ',');) filter_cycle.push_back(n);
  }
  const std::vector<std::string> layer_names = layer_multipliers(o, compute.size());
  models::Assignment assignment = models::Assignment::uniform(net, 0);
  for (std::size_t i = 0; i < compute.size(); ++i) {
    const auto filters =
        static_cast<std::size_t>(net.layers[static_cast<std::size_t>(compute[i])].filters());
    std::vector<std::uint16_t> units_of_layer;
    if (filter_cycle.empty()) {
      units_of_layer.assign(filters, unit_of(layer_names[i], i));
      per_layer.push_back(layer_names[i]);
    } else {
      std::string label;
      for (std::size_t f = 0; f < filters; ++f) {
        units_of_layer.push_back(unit_of(filter_cycle[f % filter_cycle.size()], i));
      }
      for (std::size_t k = 0; k < filter_cycle.size() && k < filters; ++k) {
        label += (label.empty() ? "" : "/") + filter_cycle[k];
      }
      per_layer.push_back(label);
    }
    for (std::size_t f = 0; f < filters; ++f) {
      assignment.filters[i][f] = unit_candidate[units_of_layer[f]];
    }
    layer_units.push_back(std::move(units_of_layer));
  }
  // The unit every filter of a layer selects, or -1 when they differ.
  auto uniform_unit = [&](std::size_t i) {
    const auto& u = layer_units[i];
    return std::all_of(u.begin(), u.end(), [&](std::uint16_t x) { return x == u.front(); })
               ? static_cast<int>(u.front())
               : -1;
  };
  if (!o.dump_kernel.empty()) {
    for (std::size_t i = 0; i < compute.size(); ++i) {
      const models::Layer& l = net.layers[static_cast<std::size_t>(compute[i])];
      if (l.name != o.dump_kernel && std::to_string(i) != o.dump_kernel) continue;
      const simt::KernelLaunch k = simt::kernel_for(cfg.core, simt::shape_of(l), uniform_unit(i));
      std::cout << "; layer " << l.name << " (compute layer " << i << "): " << k.m << " pixels x "
                << k.n << " filters x " << k.k << " taps; NDRange " << k.global_x << " x "
                << k.global_y << ", work-groups of " << k.group_x << " x " << k.group_y << " ("
                << k.workgroups() << "); weights in " << (k.local_weights ? "local" : "global")
                << " memory; units " << per_layer[i]
                << (uniform_unit(i) >= 0 ? " (u#" + std::to_string(uniform_unit(i)) + ")"
                                         : " per filter (u=r11)")
                << "\n"
                << "; global memory: input @" << k.input_address << ", weights @"
                << k.weight_address << ", pixels @" << k.pixel_address << ", filters @"
                << k.filter_address << ", output @" << k.output_address << "\n"
                << simt::to_text(k.program);
      return;
    }
    std::string names;
    for (std::size_t i = 0; i < compute.size(); ++i) {
      names += (names.empty() ? "" : ", ") + net.layers[static_cast<std::size_t>(compute[i])].name;
    }
    throw ConfigError("--dump-kernel: no compute layer '" + o.dump_kernel +
                      "' (give a name or an index 0.." + std::to_string(compute.size() - 1) + ": " +
                      names + ")");
  }

  check_test_image(model, cfg.image, "simt.image");
  const rtl::CharacterizeOptions tech = characterize_options(study.spec.tech, true);
  const std::vector<simt::SimtUnit> units = simt_units(study, c, tech, unit_candidate);
  std::vector<int> unit_of_candidate(c.names.size(), -1);
  for (std::size_t u = 0; u < unit_candidate.size(); ++u) {
    unit_of_candidate[unit_candidate[u]] = static_cast<int>(u);
  }
  const simt::CoreSpec& core = cfg.core;
  const auto image = static_cast<std::size_t>(cfg.image);
  std::cout << "model " << study.spec.model->onnx.string()
            << " on a SIMT core: " << core.compute_units
            << (core.compute_units == 1 ? " CU" : " CUs") << " of " << core.pes_per_cu
            << " PEs, wavefronts of " << core.wavefront_size << " (up to " << core.wavefronts_per_cu
            << " per CU), work-groups of " << core.workgroup_size << ", " << core.local_memory_kb
            << " kB local memory (" << simt::data_path_name(core.data_path) << ", "
            << core.clock_mhz << " MHz); units in every PE: " << unit_list << "\n"
            << "cache " << core.cache.size_kb << " kB, " << core.cache.line_bytes << " B lines, "
            << core.cache.ways << " ways, hit " << core.cache.hit_latency << " cycles; DRAM "
            << core.dram.bytes_per_cycle << " B/cycle, " << core.dram.latency_cycles
            << " cycles latency\n"
            << "test image " << image << " (label "
            << model.test.class_names[model.test.labels[image]] << ")\n";
  std::size_t name_width = 6;
  std::size_t unit_width = 6;
  for (std::size_t i = 0; i < compute.size(); ++i) {
    name_width =
        std::max(name_width, net.layers[static_cast<std::size_t>(compute[i])].name.size() + 2);
    unit_width = std::max(unit_width, per_layer[i].size() + 2);
  }
  const int nw = static_cast<int>(name_width);
  const int uw = static_cast<int>(unit_width);
  std::cout << "  " << std::left << std::setw(nw) << "layer" << std::setw(uw) << "unit"
            << std::right
            << "        MACs      cycles    IPC  issue %  memory %  dep %  ctrl %  barrier %"
               "  idle %  energy pJ\n";
  StatsTree stats;
  StatsTree& layers_stats = stats.group("simt").group("layers");
  const std::vector<simt::LayerRun> runs =
      simulate_simt(model, image, assignment, core, units, unit_of_candidate);
  std::vector<simt::ReportRow> rows;
  std::int64_t total_cycles = 0;
  std::uint64_t macs = 0;
  simt::CuCycles all;
  simt::EnergyBreakdown energy;
  for (std::size_t i = 0; i < compute.size(); ++i) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(compute[i])];
    const simt::LayerRun& r = runs[i];
    StatsTree& layer_stats = layers_stats.group(l.name);
    simt::report_stats(r, core, layer_stats, &tech.tech);
    const double time_us = static_cast<double>(r.cycles) / core.clock_mhz;
    const simt::EnergyBreakdown e = simt::energy_of(r, tech.tech);
    layer_stats.set("unit", per_layer[i]);
    layer_stats.set("time_us", time_us, "us", "cycles / clock");
    layer_stats.set("average_power_mw", e.total_fj() * 1e-6 / time_us, "mW", "energy / time");
    energy += e;
    total_cycles += r.cycles;
    macs += r.macs;
    all.issue += r.all.issue;
    for (std::size_t s = 0; s < all.stall.size(); ++s) all.stall[s] += r.all.stall[s];
    rows.push_back({l.name, per_layer[i], &r});
    const double cu_cycles = static_cast<double>(r.cycles) * core.compute_units;
    auto pct = [&](std::int64_t v) { return fixed(100.0 * static_cast<double>(v) / cu_cycles, 1); };
    std::cout << "  " << std::left << std::setw(nw) << l.name << std::setw(uw) << per_layer[i]
              << std::right << std::setw(12) << r.macs << std::setw(12) << r.cycles << std::setw(7)
              << fixed(r.ipc(), 3) << std::setw(9) << pct(r.all.issue);
    const int widths[] = {10, 7, 8, 11, 8};
    for (int s = 0; s < simt::kStallCauses; ++s) {
      std::cout << std::setw(widths[s]) << pct(r.all.stall[static_cast<std::size_t>(s)]);
    }
    std::cout << std::setw(11) << fixed(e.total_fj() / 1000, 1) << "\n";
  }
  const simt::AreaBreakdown area = simt::area_of(core, units, tech.tech);
  StatsTree& total = stats.group("simt").group("total");
  const double time_us = static_cast<double>(total_cycles) / core.clock_mhz;
  const double power_mw = energy.total_fj() * 1e-6 / time_us;
  total.set("cycles", total_cycles, "cycles", "every layer, one after another");
  total.set("macs", static_cast<std::int64_t>(macs), "MACs");
  total.set("issue_cycles", all.issue, "CU cycles");
  for (int s = 0; s < simt::kStallCauses; ++s) {
    total.set(std::string("stall_") + simt::stall_name(static_cast<simt::Stall>(s)),
              all.stall[static_cast<std::size_t>(s)], "CU cycles");
  }
  total.set("clock_mhz", core.clock_mhz, "MHz");
  total.set("time_us", time_us, "us", "cycles / clock");
  total.set("average_power_mw", power_mw, "mW", "energy / time");
  total.set("multiplier_energy_fj", energy.multipliers_fj, "fJ", "switching of the selected units");
  total.set("alu_energy_fj", energy.alu_fj, "fJ");
  total.set("register_file_energy_fj", energy.register_file_fj, "fJ");
  total.set("local_memory_energy_fj", energy.local_memory_fj, "fJ");
  total.set("cache_energy_fj", energy.cache_fj, "fJ");
  total.set("dram_energy_fj", energy.dram_fj, "fJ");
  total.set("leakage_energy_fj", energy.leakage_fj, "fJ",
            "every unit type of every PE and its ALU, over the run");
  total.set("energy_fj", energy.total_fj(), "fJ");
  total.set("multiplier_area_um2", area.multipliers_um2, "um^2", "every unit type in every PE");
  total.set("alu_area_um2", area.alus_um2, "um^2");
  total.set("register_file_area_um2", area.register_files_um2, "um^2");
  total.set("local_memory_area_um2", area.local_memories_um2, "um^2");
  total.set("cu_control_area_um2", area.cu_control_um2, "um^2");
  total.set("cache_area_um2", area.cache_um2, "um^2");
  total.set("area_um2", area.total_um2(), "um^2");
  const double cu_cycles = static_cast<double>(total_cycles) * core.compute_units;
  std::cout << "total: " << total_cycles << " cycles, " << macs << " MACs; issue "
            << fixed(100.0 * all.issue / cu_cycles, 1) << " %, stalls:";
  for (int s = 0; s < simt::kStallCauses; ++s) {
    std::cout << " " << simt::stall_name(static_cast<simt::Stall>(s)) << " "
              << fixed(100.0 * all.stall[static_cast<std::size_t>(s)] / cu_cycles, 1) << " %";
  }
  std::cout << "; every layer's sums equal the engine's\n"
            << "run time: " << fixed(time_us, 3) << " us at " << core.clock_mhz
            << " MHz; average power " << fixed(power_mw, 1) << " mW\n"
            << "energy (tech " << tech.tech.name << "): " << fixed(energy.total_fj() / 1000, 1)
            << " pJ = multipliers " << fixed(energy.multipliers_fj / 1000, 1) << " + ALU "
            << fixed(energy.alu_fj / 1000, 1) << " + register file "
            << fixed(energy.register_file_fj / 1000, 1) << " + local memory "
            << fixed(energy.local_memory_fj / 1000, 1) << " + cache "
            << fixed(energy.cache_fj / 1000, 1) << " + DRAM " << fixed(energy.dram_fj / 1000, 1)
            << " + leakage " << fixed(energy.leakage_fj / 1000, 1) << "\n"
            << "area: " << fixed(area.total_um2(), 0) << " um^2 = multipliers "
            << fixed(area.multipliers_um2, 0) << " + ALUs " << fixed(area.alus_um2, 0)
            << " + register files " << fixed(area.register_files_um2, 0) << " + local memories "
            << fixed(area.local_memories_um2, 0) << " + CU control "
            << fixed(area.cu_control_um2, 0) << " + cache " << fixed(area.cache_um2, 0) << "\n";
  const std::filesystem::path dir = output_dir(study, o.out);
  std::filesystem::create_directories(dir);
  stats.write_json(dir / "simulate_stats.json");
  simt::write_report(dir / "SIMT_REPORT.csv", rows, core, area, tech.tech);
  std::cout << "results: " << (dir / "simulate_stats.json").string() << ", "
            << (dir / "SIMT_REPORT.csv").string() << "\n";
}

// The config-driven mode on the systolic array.
void run_systolic(const Options& o, const Study& study) {
  if (!o.dump_kernel.empty() || !o.filter_units.empty()) {
    throw ConfigError("--dump-kernel and --filter-units are for the SIMT core; " + o.config +
                      " runs on the systolic array");
  }
  const sys::SystolicConfig& cfg = *study.spec.systolic;
  const Candidates c = candidates(study);
  for (const auto& name : cfg.multiplier_map) c.index(name);  // before the model is loaded
  const LoadedModel model = load_model(study, c);
  const models::Network& net = model.net();
  const auto compute = net.compute_layers();
  const std::vector<std::string> per_layer = layer_multipliers(o, compute.size());
  std::vector<std::uint16_t> chosen;
  for (const auto& n : per_layer) chosen.push_back(c.index(n));
  const models::Assignment assignment = models::Assignment::per_layer(net, chosen);
  check_test_image(model, cfg.image, "systolic.image");
  const sys::ArraySpec spec = cfg.array_spec();
  const rtl::CharacterizeOptions tech = characterize_options(study.spec.tech, true);
  const std::vector<sys::PeMultiplier> multipliers = pe_multipliers(study, c, tech);
  const auto image = static_cast<std::size_t>(cfg.image);

  std::string map;
  for (const auto& n : cfg.multiplier_map) map += (map.empty() ? "" : ", ") + n;
  if (cfg.multi_unit) {
    for (const auto& n : c.names) map += (map.empty() ? "" : ", ") + n;
    map = "multi-unit PEs (" + map + ")";
  }
  std::cout << "model " << study.spec.model->onnx.string() << " on a " << cfg.shape.rows << "x"
            << cfg.shape.cols << " " << sys::dataflow_name(cfg.dataflow) << " array ("
            << sys::data_path_name(cfg.data_path) << ", " << cfg.clock_mhz
            << " MHz); columns: " << map
            << (!cfg.multi_unit &&
                        cfg.multiplier_map.size() < static_cast<std::size_t>(cfg.shape.cols)
                    ? " (repeated)"
                    : "")
            << "; memory: ";
  if (cfg.memory.ideal) {
    std::cout << "ideal (no stalls)\n";
  } else {
    std::cout << "DRAM " << cfg.memory.dram_bytes_per_cycle << " B/cycle, "
              << cfg.memory.dram_latency_cycles << " cycles latency; SRAM ifmap "
              << cfg.memory.ifmap_sram_kb << " kB, filter " << cfg.memory.filter_sram_kb
              << " kB, ofmap " << cfg.memory.ofmap_sram_kb << " kB\n";
  }
  std::cout << "test image " << image << " (label "
            << model.test.class_names[model.test.labels[image]] << ")\n";
  std::size_t name_width = 6;
  std::size_t multiplier_width = 11;
  for (std::size_t i = 0; i < compute.size(); ++i) {
    name_width =
        std::max(name_width, net.layers[static_cast<std::size_t>(compute[i])].name.size() + 2);
    multiplier_width = std::max(multiplier_width, per_layer[i].size() + 2);
  }
  const int nw = static_cast<int>(name_width);
  const int mw = static_cast<int>(multiplier_width);
  std::cout << "  " << std::left << std::setw(nw) << "layer" << std::setw(mw) << "multiplier"
            << std::setw(18) << "GEMM M x K x N" << std::right
            << "  folds (extra)  compute cycles  stall cycles  overall util %  multiplier pJ"
               "    time us  power mW\n";

  StatsTree stats;
  StatsTree& layers_stats = stats.group("systolic").group("layers");
  std::vector<sys::TimedLayer> report;
  std::vector<sys::LayerCosts> costs;
  std::int64_t total_cycles = 0;
  std::int64_t stall_cycles = 0;
  std::int64_t macs = 0;
  double energy_fj = 0.0;
  sys::EnergyBreakdown energy;
  const std::vector<sys::ConvRun> runs =
      simulate_systolic(model, image, assignment, spec, multipliers);
  for (std::size_t i = 0; i < compute.size(); ++i) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(compute[i])];
    const sys::ConvRun& r = runs[i];
    // One GEMM per group (depthwise layers: one per channel), one after another.
    StatsTree& layer_stats = layers_stats.group(l.name);
    sys::LayerCosts cost;
    for (std::size_t g = 0; g < r.groups.size(); ++g) {
      sys::report_stats(
          r.groups[g],
          r.groups.size() == 1 ? layer_stats : layer_stats.group("group_" + std::to_string(g)),
          &tech.tech);
      const sys::EnergyBreakdown e = sys::energy_of(r.groups[g], tech.tech);
      energy += e;
      cost.multiplier_pj += e.multipliers_fj / 1000;
      cost.accumulator_pj += e.accumulators_fj / 1000;
      cost.register_pj += e.registers_fj() / 1000;
      cost.sram_pj += e.sram_fj / 1000;
      cost.dram_pj += e.dram_fj / 1000;
      cost.leakage_pj += e.leakage_fj / 1000;
    }
    costs.push_back(cost);
    // Run time at the array's clock and the layer's average power over it.
    const double time_us = static_cast<double>(r.total_cycles()) / cfg.clock_mhz;
    const double power_mw = cost.total_pj() * 1e-3 / time_us;
    layer_stats.set("time_us", time_us, "us", "total cycles / clock");
    layer_stats.set("average_power_mw", power_mw, "mW", "energy / time");
    if (r.groups.size() > 1) {
      layer_stats.set("groups", static_cast<std::int64_t>(r.groups.size()));
      layer_stats.set("compute_cycles", r.compute_cycles, "cycles", "every group");
      layer_stats.set("stall_cycles", r.stall_cycles, "cycles", "every group");
    }
    sys::LayerTiming t = r.groups.front().timing;
    t.gemm.n = l.filters();
    t.compute_cycles = r.compute_cycles;
    t.stall_cycles = r.stall_cycles;
    t.overall_util_percent = static_cast<double>(r.total.operations) * 100.0 /
                             (static_cast<double>(r.total_cycles()) *
                              static_cast<double>(cfg.shape.rows * cfg.shape.cols));
    // The folds the map took (extra column folds included), not the homogeneous timing model's.
    const sys::FoldEfficiency efficiency = sys::fold_efficiency(r.groups);
    t.mapping_efficiency_percent = efficiency.mapping_percent;
    t.compute_util_percent = efficiency.compute_util_percent;
    report.push_back({l.name, t});
    total_cycles += r.total_cycles();
    stall_cycles += r.stall_cycles;
    macs += static_cast<std::int64_t>(r.total.operations);
    energy_fj += r.total.energy_fj;
    const sys::Gemm& g = r.groups.front().timing.gemm;
    const std::string gemm = std::to_string(g.m) + " x " + std::to_string(g.k) + " x " +
                             std::to_string(g.n) +
                             (r.groups.size() > 1 ? " x" + std::to_string(r.groups.size()) : "");
    const std::string folds =
        std::to_string(r.folds) + " (" + std::to_string(r.extra_col_folds) + ")";
    std::cout << "  " << std::left << std::setw(nw) << l.name << std::setw(mw) << per_layer[i]
              << std::setw(18) << gemm << std::right << std::setw(13) << folds << std::setw(16)
              << r.compute_cycles << std::setw(14) << r.stall_cycles << std::setw(16)
              << fixed(t.overall_util_percent, 2) << std::setw(15)
              << fixed(r.total.energy_fj / 1000, 1) << std::setw(11) << fixed(time_us, 3)
              << std::setw(10) << fixed(power_mw, 1) << "\n";
  }
  const sys::AreaBreakdown area = sys::area_of(spec, multipliers, tech.tech);
  for (auto& cost : costs) {
    cost.pe_area_um2 = area.pe_um2();
    cost.sram_area_um2 = area.sram_um2;
  }
  StatsTree& total = stats.group("systolic").group("total");
  total.set("cycles", total_cycles, "cycles", "every layer, one after another, stalls included");
  const double time_us = static_cast<double>(total_cycles) / cfg.clock_mhz;
  const double power_mw = energy.total_fj() * 1e-6 / time_us;
  total.set("clock_mhz", cfg.clock_mhz, "MHz");
  total.set("time_us", time_us, "us", "cycles / clock");
  total.set("average_power_mw", power_mw, "mW", "energy / time");
  total.set("stall_cycles", stall_cycles, "cycles");
  total.set("macs", macs, "MACs");
  total.set("multiplier_energy_fj", energy_fj, "fJ", "multiplier switching energy");
  total.set("accumulator_energy_fj", energy.accumulators_fj, "fJ");
  total.set("register_energy_fj", energy.registers_fj(), "fJ",
            "PE pipeline registers: bit toggles + clock");
  total.set("sram_energy_fj", energy.sram_fj, "fJ");
  total.set("dram_energy_fj", energy.dram_fj, "fJ");
  total.set("leakage_energy_fj", energy.leakage_fj, "fJ",
            "static: every multiplier unit (idle ones too) and accumulator over the run's time");
  total.set("energy_fj", energy.total_fj(), "fJ",
            "multipliers + accumulators + registers + SRAM + DRAM + leakage");
  total.set("multiplier_area_um2", area.multipliers_um2, "um^2");
  total.set("accumulator_area_um2", area.accumulators_um2, "um^2");
  total.set("pe_area_um2", area.pe_um2(), "um^2", "multipliers + accumulators");
  total.set("sram_area_um2", area.sram_um2, "um^2", "ifmap + filter + ofmap SRAMs");
  total.set("area_um2", area.total_um2(), "um^2", "PEs + SRAMs");
  std::cout << "total: " << total_cycles << " cycles (" << stall_cycles << " stall), " << macs
            << " MACs; every layer's sums equal the engine's\n"
            << "run time: " << fixed(time_us, 3) << " us at " << cfg.clock_mhz
            << " MHz; average power " << fixed(power_mw, 1) << " mW\n"
            << "energy (tech " << tech.tech.name << "): " << fixed(energy.total_fj() / 1000, 1)
            << " pJ = multipliers " << fixed(energy_fj / 1000, 1) << " + accumulators "
            << fixed(energy.accumulators_fj / 1000, 1) << " + registers "
            << fixed(energy.registers_fj() / 1000, 1) << " + SRAM "
            << fixed(energy.sram_fj / 1000, 1) << " + DRAM " << fixed(energy.dram_fj / 1000, 1)
            << " + leakage " << fixed(energy.leakage_fj / 1000, 1) << "\n"
            << "area: " << fixed(area.total_um2(), 0) << " um^2 = multipliers "
            << fixed(area.multipliers_um2, 0) << " + accumulators "
            << fixed(area.accumulators_um2, 0) << " + SRAM " << fixed(area.sram_um2, 0) << "\n";
  const std::filesystem::path dir = output_dir(study, o.out);
  std::filesystem::create_directories(dir);
  stats.write_json(dir / "simulate_stats.json");
  sys::write_compute_report(dir / "COMPUTE_REPORT.csv", report, costs);
  std::cout << "results: " << (dir / "simulate_stats.json").string() << ", "
            << (dir / "COMPUTE_REPORT.csv").string() << "\n";
}

// The config-driven mode: the study's model on the accelerator its config describes.
void run_config(const Options& o) {
  const Study study = load_study(o.config, o.overrides);
  if (accelerator_kind(study, o.accelerator, "choose one with --accelerator systolic|simt") ==
      "simt") {
    run_simt(o, study);
    return;
  }
  run_systolic(o, study);
}

void run(const Options& o) {
  if (!o.config.empty()) {
    if (!o.topology.empty()) throw ConfigError("give either a config or --topology, not both");
    run_config(o);
    return;
  }
  if (!o.dump_kernel.empty() || !o.accelerator.empty() || !o.filter_units.empty()) {
    throw ConfigError("--dump-kernel, --filter-units and --accelerator need a config (CONFIG)");
  }
  if (o.topology.empty()) {
    throw ConfigError(
        "nothing to simulate: give --topology FILE (SCALE-Sim's topology CSV) with --rows, "
        "--cols and --dataflow");
  }
  if (!o.overrides.empty()) {
    throw ConfigError(
        "-p overrides a config's values; --topology runs without a config (set the "
        "array with --rows, --cols and --dataflow)");
  }
  run_topology(validate(o));
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "A network on an accelerator: the study's model on the SystemC systolic array of its "
      "systolic: section or the SIMT core of its simt: section (CONFIG), or SCALE-Sim's "
      "timing of a topology CSV (--topology, --rows, --cols, --dataflow)");
  cmd->add_option("config", o->config,
                  "study config (YAML) with a systolic: or simt: section: its model on that "
                  "accelerator");
  cmd->add_option("-p,--param", o->overrides,
                  "with CONFIG: override a config value: -p key.path=value (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--out", o->out, "with CONFIG: results folder (default: results/<study name>/)");
  o->multiplier_option =
      cmd->add_option("--multiplier", o->multiplier,
                      "with CONFIG: one multiplier for every layer: 'exact' or a name from the "
                      "study")
          ->capture_default_str();
  cmd->add_option("--layers", o->layers,
                  "with CONFIG: one multiplier per layer that multiplies, comma-separated");
  cmd->add_option("--accelerator", o->accelerator,
                  "with CONFIG: systolic or simt, when the config has both sections")
      ->check(CLI::IsMember({"systolic", "simt"}));
  cmd->add_option("--filter-units", o->filter_units,
                  "with a SIMT CONFIG: per-filter units, comma-separated names taken in turn by "
                  "the filters of every layer (filter f: name f mod n)");
  cmd->add_option("--dump-kernel", o->dump_kernel,
                  "with a SIMT CONFIG: print the kernel of a compute layer (its name or index) "
                  "as assembly text, and exit");
  cmd->add_option("--topology", o->topology,
                  "SCALE-Sim topology CSV (Layer name, IFMAP Height, IFMAP Width, Filter Height, "
                  "Filter Width, Channels, Num Filter, Strides), e.g. "
                  "configs/topologies/resnet18.csv");
  o->rows_option = cmd->add_option("--rows", o->rows, "PE rows of the array");
  o->cols_option = cmd->add_option("--cols", o->cols, "PE columns of the array");
  std::string dataflow_help;
  for (const auto& d : systolic::dataflows()) {
    dataflow_help +=
        (dataflow_help.empty() ? "" : "; ") + std::string(d.name) + ": " + d.description;
  }
  o->dataflow_option = cmd->add_option("--dataflow", o->dataflow, dataflow_help);
  cmd->add_option("--csv", o->csv,
                  "also write SCALE-Sim's COMPUTE_REPORT.csv (LayerID, Total Cycles, Stall "
                  "Cycles, Overall Util %, Mapping Efficiency %, Compute Util %) to this file");
  cmd->callback([o] { run(*o); });
}

}  // namespace hawx::app
