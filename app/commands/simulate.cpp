// SPDX-License-Identifier: MIT
// `hawx-cosim simulate`: a network on the systolic array (issue 5).
//
// Today the timing-only mode a SCALE-Sim user knows, without a config file:
//   hawx-cosim simulate --topology net.csv --rows 8 --cols 8 --dataflow ws [--csv OUT.csv]
// reads SCALE-Sim's topology CSV and prints each layer's compute cycles, folds and utilisation on
// an ideal-memory array, as SCALE-Sim v2 counts them (sim/systolic/timing.h, docs/systolic.md),
// and writes SCALE-Sim's COMPUTE_REPORT.csv when asked.
// The config-driven mode, `hawx-cosim simulate config.yaml` (the study's model on the SystemC
// array with SRAM, DRAM and multipliers), arrives with the array model; until then a config is
// refused with exit code 2 (see run_config below).
#include <algorithm>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "app/commands/commands.h"
#include "core/errors.h"
#include "sim/systolic/report.h"
#include "sim/systolic/topology.h"

namespace hawx::app {
namespace {

namespace sys = hawx::systolic;

struct Options {
  std::string config;
  std::string topology;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::string dataflow;
  std::string csv;
  // Which options were given (CLI11 fills these in before the callback runs).
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

// The config-driven mode: the SystemC array model of issue 5, not built yet.
[[noreturn]] void run_config(const std::string& config) {
  throw ConfigError("simulate " + config +
                    ": the config-driven array model is not built yet (issue 5); for cycle "
                    "counts use: hawx-cosim simulate --topology FILE --rows R --cols C "
                    "--dataflow ws|os|is");
}

void run(const Options& o) {
  if (!o.config.empty()) run_config(o.config);
  if (o.topology.empty()) {
    throw ConfigError(
        "nothing to simulate: give --topology FILE (SCALE-Sim's topology CSV) with --rows, "
        "--cols and --dataflow");
  }
  run_topology(validate(o));
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto o = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand(
      "simulate",
      "A network on the systolic array. Timing only for now: SCALE-Sim's compute cycles and "
      "utilisation of a topology CSV (--topology, --rows, --cols, --dataflow)");
  cmd->add_option("config", o->config,
                  "study config (YAML): the config-driven array model, not built yet");
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
