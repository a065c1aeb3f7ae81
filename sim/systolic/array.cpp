// SPDX-License-Identifier: MIT
#include "sim/systolic/array.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <systemc>
#include <tuple>

#include "core/errors.h"
#include "sim/sc_context.h"
#include "sim/systolic/array_modules.h"

namespace hawx::systolic {
namespace {

using sc::Schedule;

const std::string& sc_model_of(const PeMultiplier& m) {
  return m.sc_model.empty() ? m.name : m.sc_model;
}

using sim::FreshContext;

std::string join(const std::vector<PeMultiplier>& multipliers) {
  std::string names;
  for (const auto& m : multipliers) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

// The array's modules for one data path; run() simulates the layer.
class ArrayTop {
 public:
  ArrayTop(const ArraySpec& spec, const Schedule& schedule, const GemmOperands& operands)
      : schedule_(schedule),
        period_(std::round(1e6 / spec.clock_mhz), sc_core::SC_PS),
        ifmap_("ifmap_sram", operands.ifmap),
        filters_("filter_sram", operands.weights),
        ofmap_("ofmap_sram", initial_sums(schedule, operands)) {
    if (!spec.memory.ideal) dram_ = std::make_unique<sc::Dram>("dram", spec.memory);
    if (spec.data_path == DataPath::kLut) {
      lut_array_ = std::make_unique<sc::LutPeArray>("pe_array", schedule, ifmap_, filters_, ofmap_);
      lut_controller_ = std::make_unique<sc::LutController>("controller", schedule, *lut_array_,
                                                            period_, dram_.get());
      return;
    }
    build_rtl(spec);
  }

  void run() {
    if (lut_controller_) {
      sc_core::sc_start();
      return;
    }
    // Every fold, then a few edges for the last sums to reach the ofmap buffer; stalls take
    // longer.
    sc_core::sc_start(period_ *
                      static_cast<double>(schedule_.folds() * schedule_.cycles_per_fold + 4));
    while (!rtl_controller_->done()) sc_core::sc_start(period_ * 4096.0);
    if (trace_) sc_core::sc_close_vcd_trace_file(trace_);
    trace_ = nullptr;
  }

  std::int64_t cycles() const {
    return lut_controller_ ? lut_controller_->cycles() : rtl_controller_->cycles();
  }
  std::int64_t stall_cycles() const {
    return lut_controller_ ? lut_controller_->stall_cycles() : rtl_controller_->stall_cycles();
  }
  std::int64_t last_fold_start() const {
    return rtl_controller_ ? rtl_controller_->last_fold_start() : -1;
  }
  const sc::Dram* dram() const { return dram_.get(); }
  // The rtl path's own measure of the last output's cycle; -1 for lut.
  std::int64_t last_output_cycle() const {
    return collector_ ? collector_->last_output_cycle() : -1;
  }
  std::vector<sc::PeState> pes() const {
    if (lut_array_) return lut_array_->pes();
    std::vector<sc::PeState> states;
    for (const auto& pe : rtl_pes_) states.push_back(pe->state());
    for (const auto& pe : rtl_os_pes_) states.push_back(pe->state());
    return states;
  }
  const sc::Sram<std::int16_t>& ifmap() const { return ifmap_; }
  const sc::Sram<std::int16_t>& filters() const { return filters_; }
  const sc::OfmapBuffer& ofmap() const { return ofmap_; }

 private:
  template <class T>
  using Signals = std::vector<std::unique_ptr<sc_core::sc_signal<T>>>;

  static std::vector<std::int32_t> initial_sums(const Schedule& s, const GemmOperands& o) {
    std::vector<std::int32_t> sums(static_cast<std::size_t>(s.n * s.m), 0);
    for (std::int64_t f = 0; f < s.n && !o.bias.empty(); ++f) {
      std::fill(sums.begin() + f * s.m, sums.begin() + (f + 1) * s.m,
                o.bias[static_cast<std::size_t>(f)]);
    }
    return sums;
  }

  template <class T>
  static void make_signals(Signals<T>& signals, std::size_t count, const std::string& prefix) {
    for (std::size_t i = 0; i < count; ++i) {
      signals.push_back(
          std::make_unique<sc_core::sc_signal<T>>((prefix + "_" + std::to_string(i)).c_str()));
    }
  }

  void build_rtl(const ArraySpec& spec) {
    const auto rows = static_cast<std::size_t>(schedule_.rows);
    const auto cols = static_cast<std::size_t>(schedule_.cols);
    const bool os = schedule_.output_stationary();
    clock_ = std::make_unique<sc_core::sc_clock>("clk", period_);
    make_signals(x_, rows * (cols + 1), "x");  // x_[i * (C + 1) + j]: into PE (i, j)
    if (os) {
      make_signals(w_os_, (rows + 1) * cols, "w");  // w_os_[i * C + j]: into PE (i, j)
      make_signals(sums_, rows * cols, "sum");      // sums_[i * C + j]: out of PE (i, j)
    } else {
      make_signals(w_, (rows + 1) * cols, "w");        // w_[i * C + j]: into PE (i, j)
      make_signals(psum_, (rows + 1) * cols, "psum");  // psum_[i * C + j]: into PE (i, j)
    }
    rtl_controller_ = std::make_unique<sc::RtlController>("controller", schedule_, ifmap_, filters_,
                                                          period_, dram_.get());
    rtl_controller_->clk(*clock_);
    rtl_controller_->latch(latch_);
    for (std::size_t j = 0; j < cols; ++j) {
      if (os) {
        (*rtl_controller_->w_top_os[j])(*w_os_[j]);
      } else {
        (*rtl_controller_->w_top[j])(*w_[j]);
      }
    }
    for (std::size_t i = 0; i < rows; ++i) (*rtl_controller_->x_left[i])(*x_[i * (cols + 1)]);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < cols; ++j) {
        const std::string name = "pe_" + std::to_string(i) + "_" + std::to_string(j);
        const auto col = static_cast<std::int64_t>(j);
        if (os) {
          auto pe = std::make_unique<sc::RtlOsPe>(name.c_str(), schedule_, col);
          pe->clk(*clock_);
          pe->x_in(*x_[i * (cols + 1) + j]);
          pe->x_out(*x_[i * (cols + 1) + j + 1]);
          pe->w_in(*w_os_[i * cols + j]);
          pe->w_out(*w_os_[(i + 1) * cols + j]);
          pe->sum_out(*sums_[i * cols + j]);
          rtl_os_pes_.push_back(std::move(pe));
          continue;
        }
        auto pe = std::make_unique<sc::RtlPe>(name.c_str(), schedule_, col);
        pe->clk(*clock_);
        pe->latch(latch_);
        pe->x_in(*x_[i * (cols + 1) + j]);
        pe->x_out(*x_[i * (cols + 1) + j + 1]);
        pe->w_in(*w_[i * cols + j]);
        pe->w_out(*w_[(i + 1) * cols + j]);
        pe->psum_in(*psum_[i * cols + j]);
        pe->psum_out(*psum_[(i + 1) * cols + j]);
        rtl_pes_.push_back(std::move(pe));
      }
    }
    // ws, is: the sums leave the bottom row; os: every PE.
    collector_ = std::make_unique<sc::OfmapCollector>(
        "ofmap_collector", schedule_, ofmap_, *rtl_controller_, period_, os ? rows * cols : cols);
    collector_->clk(*clock_);
    for (std::size_t p = 0; p < collector_->sums.size(); ++p) {
      (*collector_->sums[p])(os ? *sums_[p] : *psum_[rows * cols + p]);
    }
    if (!spec.vcd.empty()) {
      std::filesystem::path base = spec.vcd;
      if (base.extension() == ".vcd") base.replace_extension();
      if (!base.parent_path().empty()) std::filesystem::create_directories(base.parent_path());
      trace_ = sc_core::sc_create_vcd_trace_file(base.string().c_str());
      // Picoseconds, SystemC's resolution, so every edge of any clock is exact; SystemC would
      // announce the unit on stdout.
      sc_core::sc_report_handler::set_actions("tracing timescale unit set", sc_core::SC_DO_NOTHING);
      trace_->set_time_unit(1, sc_core::SC_PS);
      const auto pe = static_cast<std::size_t>(spec.vcd_row * schedule_.cols + spec.vcd_col);
      sc_core::sc_trace(trace_, *clock_, "clk");
      if (os) {
        trace_multiplier(*rtl_os_pes_[pe]);
      } else {
        sc_core::sc_trace(trace_, latch_, "latch");
        trace_multiplier(*rtl_pes_[pe]);
      }
    }
  }

  template <class Pe>
  void trace_multiplier(const Pe& pe) {
    sc_core::sc_trace(trace_, pe.mul_a(), "mul_a");
    sc_core::sc_trace(trace_, pe.mul_b(), "mul_b");
    sc_core::sc_trace(trace_, pe.mul_p(), "mul_p");
  }

  // Parameters.
  const Schedule& schedule_;
  sc_core::sc_time period_;  // 1 / clock_mhz
  // Sub-modules: buffers.
  sc::Sram<std::int16_t> ifmap_;
  sc::Sram<std::int16_t> filters_;
  sc::OfmapBuffer ofmap_;
  std::unique_ptr<sc::Dram> dram_;  // null: ideal memory
  // lut data path.
  std::unique_ptr<sc::LutPeArray> lut_array_;
  std::unique_ptr<sc::LutController> lut_controller_;
  // rtl data path.
  std::unique_ptr<sc_core::sc_clock> clock_;
  sc_core::sc_signal<bool> latch_{"latch"};
  Signals<sc::StreamToken> x_;
  Signals<sc::StationaryToken> w_;
  Signals<sc::PsumToken> psum_;
  Signals<sc::StreamToken> w_os_;
  Signals<sc::PsumToken> sums_;
  std::unique_ptr<sc::RtlController> rtl_controller_;
  std::vector<std::unique_ptr<sc::RtlPe>> rtl_pes_;
  std::vector<std::unique_ptr<sc::RtlOsPe>> rtl_os_pes_;
  std::unique_ptr<sc::OfmapCollector> collector_;
  sc_core::sc_trace_file* trace_ = nullptr;
};

void add(PeActivity& total, const PeActivity& pe) {
  total.operations += pe.operations;
  total.a_toggles += pe.a_toggles;
  total.b_toggles += pe.b_toggles;
  total.stationary_toggles_latch += pe.stationary_toggles_latch;
  total.stationary_toggles_in_fold += pe.stationary_toggles_in_fold;
  total.energy_fj += pe.energy_fj;
  total.psum_toggles += pe.psum_toggles;
}

void check_operands(const GemmOperands& o, bool is_signed) {
  const Gemm& g = o.gemm;
  if (g.m < 1 || g.k < 1 || g.n < 1) {
    throw InputError("the GEMM " + std::to_string(g.m) + " x " + std::to_string(g.k) + " x " +
                     std::to_string(g.n) + " has an empty dimension");
  }
  auto expect_size = [](std::size_t got, std::int64_t want, const char* what) {
    if (got != static_cast<std::size_t>(want)) {
      throw InputError(std::string(what) + " has " + std::to_string(got) +
                       " elements; the GEMM needs " + std::to_string(want));
    }
  };
  expect_size(o.ifmap.size(), g.m * g.k, "the ifmap matrix (M x K)");
  expect_size(o.weights.size(), g.n * g.k, "the weight matrix (N x K)");
  if (!o.bias.empty()) expect_size(o.bias.size(), g.n, "the bias");
  expect_size(o.filter_multiplier.size(), g.n, "the filter assignment");
  const int low = is_signed ? -128 : -255;
  const int high = is_signed ? 127 : 255;
  for (const auto* values : {&o.ifmap, &o.weights}) {
    for (std::int16_t v : *values) {
      if (v < low || v > high) {
        throw InputError("operand " + std::to_string(v) + " is outside " + std::to_string(low) +
                         ".." + std::to_string(high) + ", what " +
                         (is_signed ? "signed (int8)" : "unsigned (sign-magnitude)") +
                         " multipliers take");
      }
    }
  }
}

// Each double-buffered SRAM must hold the largest tile of a fold in half of it.
void check_memory(const MemorySpec& memory, const Schedule& schedule) {
  if (!(memory.dram_bytes_per_cycle > 0) || memory.dram_latency_cycles < 0) {
    throw ConfigError("the DRAM needs a positive bandwidth (bytes/cycle) and a latency >= 0");
  }
  Schedule::Tiles largest;
  for (std::int64_t f = 0; f < schedule.folds(); ++f) {
    const Schedule::Tiles t = schedule.tiles(schedule.fold(f));
    largest.ifmap = std::max(largest.ifmap, t.ifmap);
    largest.filter = std::max(largest.filter, t.filter);
    largest.ofmap =
        std::max(largest.ofmap,
                 schedule.items_used(schedule.fold(f)) *
                     (schedule.output_stationary() ? schedule.fold(f).rows_used : schedule.time));
  }
  for (const auto& [name, kb, bytes] : {std::tuple{"ifmap", memory.ifmap_sram_kb, largest.ifmap},
                                        std::tuple{"filter", memory.filter_sram_kb, largest.filter},
                                        std::tuple{"ofmap", memory.ofmap_sram_kb, largest.ofmap}}) {
    const double half = kb * 1024.0 / 2.0;
    if (!(kb > 0) || static_cast<double>(bytes) > half) {
      throw ConfigError(std::string("the ") + name + " SRAM (" + std::to_string(kb) +
                        " kB, double-buffered: " + std::to_string(static_cast<std::int64_t>(half)) +
                        " bytes per fold) cannot hold one fold's " + name + " tile of " +
                        std::to_string(bytes) + " bytes");
    }
  }
}

}  // namespace

bool PeActivity::operator==(const PeActivity& o) const {
  return operations == o.operations && a_toggles == o.a_toggles && b_toggles == o.b_toggles &&
         stationary_toggles_latch == o.stationary_toggles_latch &&
         stationary_toggles_in_fold == o.stationary_toggles_in_fold && energy_fj == o.energy_fj &&
         psum_toggles == o.psum_toggles;
}

PeMultiplier pe_multiplier(const rtl::Characterization& c) {
  PeMultiplier m;
  m.name = c.design.name;
  m.sc_model = c.design.name;
  m.area_um2 = c.hardware.area_um2;
  m.table = c.table;
  if (!c.hardware.energy_model.empty()) {
    m.energy = rtl::SwitchingEnergyModel::from_coefficients(c.hardware.energy_model, c.table);
  }
  return m;
}

const char* data_path_name(DataPath path) { return path == DataPath::kLut ? "lut" : "rtl"; }

DataPath parse_data_path(const std::string& name) {
  if (name == "lut") return DataPath::kLut;
  if (name == "rtl") return DataPath::kRtl;
  throw ConfigError("unknown data path '" + name + "'; expected one of: lut, rtl");
}

ArrayRun simulate_gemm(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                       const GemmOperands& operands) {
  // Validate the array, the map and the multipliers.
  validate_array(spec.shape);
  if (!(spec.clock_mhz > 0) || spec.clock_mhz > kMaxClockMhz) {
    throw ConfigError("the clock must be in (0, " + std::to_string(kMaxClockMhz) + "] MHz; got " +
                      std::to_string(spec.clock_mhz));
  }
  if (multipliers.empty()) throw ConfigError("the array needs at least one multiplier type");
  for (const auto& m : multipliers) {
    if (m.table.is_signed() != multipliers.front().table.is_signed()) {
      throw ConfigError("multipliers '" + multipliers.front().name + "' and '" + m.name +
                        "' differ in signedness; one array takes one operand format");
    }
  }
  const auto cols = static_cast<std::size_t>(spec.shape.cols);
  std::vector<std::uint16_t> column_multiplier(cols, 0);
  if (spec.multi_unit) {
    if (!spec.multiplier_map.empty()) {
      throw ConfigError("multi-unit PEs carry every multiplier; multiplier_map must be empty");
    }
  }
  if (!spec.multiplier_map.empty()) {
    if (spec.multiplier_map.size() != cols) {
      throw ConfigError("multiplier_map has " + std::to_string(spec.multiplier_map.size()) +
                        " entries; the array has " + std::to_string(cols) + " columns");
    }
    for (std::size_t j = 0; j < cols; ++j) {
      const auto it = std::find_if(multipliers.begin(), multipliers.end(),
                                   [&](const auto& m) { return m.name == spec.multiplier_map[j]; });
      if (it == multipliers.end()) {
        throw ConfigError("multiplier_map[" + std::to_string(j) + "] names '" +
                          spec.multiplier_map[j] +
                          "', which is not one of the multipliers: " + join(multipliers));
      }
      column_multiplier[j] = static_cast<std::uint16_t>(it - multipliers.begin());
    }
  }
  if (spec.data_path == DataPath::kRtl) {
    // Every SystemC model the PEs will instantiate exists (a clear error before any is made).
    for (std::size_t t = 0; t < multipliers.size(); ++t) {
      const bool used =
          spec.multi_unit || std::find(column_multiplier.begin(), column_multiplier.end(), t) !=
                                 column_multiplier.end();
      if (used) rtl::sc_multiplier_factory(sc_model_of(multipliers[t]));
    }
    if (!spec.vcd.empty() && (spec.vcd_row < 0 || spec.vcd_row >= spec.shape.rows ||
                              spec.vcd_col < 0 || spec.vcd_col >= spec.shape.cols)) {
      throw ConfigError("the VCD's PE (" + std::to_string(spec.vcd_row) + ", " +
                        std::to_string(spec.vcd_col) + ") is outside the array");
    }
  }
  const bool is_signed = multipliers.front().table.is_signed();
  check_operands(operands, is_signed);

  // Map and schedule.
  std::vector<std::string> names;
  for (const auto& m : multipliers) names.push_back(m.name);
  for (std::size_t f = 0; f < operands.filter_multiplier.size(); ++f) {
    if (operands.filter_multiplier[f] >= multipliers.size()) {
      throw ConfigError("filter " + std::to_string(f) + " is assigned multiplier " +
                        std::to_string(operands.filter_multiplier[f]) + "; there are " +
                        std::to_string(multipliers.size()));
    }
  }
  ArrayRun run;
  run.timing = time_gemm(operands.gemm, spec.shape, spec.dataflow);
  if (spec.multi_unit) {
    // Every PE has every unit: the column items (ws, os: filters; is: ofmap pixels) fill the
    // columns in order, as on a homogeneous array.
    const bool pixels = spec.dataflow == Dataflow::kInputStationary;
    run.mapping = map_filters_to_columns(
        column_multiplier,
        std::vector<std::uint16_t>(
            pixels ? static_cast<std::size_t>(operands.gemm.m) : operands.filter_multiplier.size(),
            0),
        {"any multiplier"}, pixels ? "pixel" : "filter");
  } else if (spec.dataflow != Dataflow::kInputStationary) {
    // ws, os: columns hold filters.
    run.mapping = map_filters_to_columns(column_multiplier, operands.filter_multiplier, names);
  } else {
    // is: columns hold ofmap pixels and every filter streams through every column.
    const std::uint16_t type = operands.filter_multiplier.front();
    for (std::size_t f = 0; f < operands.filter_multiplier.size(); ++f) {
      if (operands.filter_multiplier[f] != type) {
        throw ConfigError(
            "the is dataflow streams every filter through every column, so a "
            "layer's filters need one multiplier; filter 0 has '" +
            names.at(type) + "', filter " + std::to_string(f) + " '" +
            names.at(operands.filter_multiplier[f]) + "'");
      }
    }
    run.mapping = map_filters_to_columns(
        column_multiplier,
        std::vector<std::uint16_t>(static_cast<std::size_t>(operands.gemm.m), type), names,
        "pixel");
  }
  run.row_folds = run.timing.row_folds;
  run.col_folds = run.mapping.col_folds;
  run.folds = checked_mul(run.row_folds, run.col_folds, "the number of folds");
  run.cycles_per_fold = run.timing.cycles_per_fold;

  Schedule schedule;
  schedule.dataflow = spec.dataflow;
  schedule.rows = spec.shape.rows;
  schedule.cols = spec.shape.cols;
  schedule.m = operands.gemm.m;
  schedule.k = operands.gemm.k;
  schedule.time = run.timing.mapped.time;
  schedule.row_items = run.timing.mapped.rows;
  schedule.n = operands.gemm.n;
  schedule.row_folds = run.row_folds;
  schedule.col_folds = run.col_folds;
  schedule.cycles_per_fold = run.cycles_per_fold;
  schedule.sign_magnitude = !is_signed;
  schedule.mapping = &run.mapping;
  schedule.multipliers = &multipliers;
  schedule.column_multiplier = column_multiplier;
  schedule.multi_unit = spec.multi_unit;
  schedule.filter_multiplier = &operands.filter_multiplier;

  if (!spec.memory.ideal) check_memory(spec.memory, schedule);

  // Simulate.
  FreshContext context;
  auto top = std::make_unique<ArrayTop>(spec, schedule, operands);
  top->run();
  run.compute_cycles = top->cycles() - 1;
  run.stall_cycles = top->stall_cycles();
  run.extra_cycles = run.compute_cycles - run.timing.compute_cycles;
  if (spec.data_path == DataPath::kRtl) {
    // The clocked array's own account of the schedule. ws, is: the last fold's last used column
    // j produces its last output in cycle 2R + T + j - 2 of the fold (cpf - 1 when j = C - 1).
    // os: PE (i, j) finishes in cycle T - 1 + i + j.
    std::int64_t last_column = 0;
    const Schedule::FoldPlan last = schedule.fold(run.folds - 1);
    for (std::int64_t j = 0; j < schedule.cols; ++j) {
      if (schedule.item(last, j) >= 0) last_column = j;
    }
    const std::int64_t expected =
        top->last_fold_start() + last_column +
        (schedule.output_stationary() ? schedule.time - 1 + last.rows_used - 1
                                      : 2 * schedule.rows + schedule.time - 2);
    if (top->last_output_cycle() != expected) {
      throw std::logic_error("the rtl array wrote its last output in cycle " +
                             std::to_string(top->last_output_cycle()) + ", the schedule says " +
                             std::to_string(expected));
    }
  }
  run.ofmap = top->ofmap().contents();
  for (const auto& pe : top->pes()) {
    run.pes.push_back(pe.activity);
    add(run.total, pe.activity);
  }
  run.ifmap_reads = top->ifmap().reads();
  run.filter_reads = top->filters().reads();
  run.ofmap_reads = top->ofmap().reads();
  run.ofmap_writes = top->ofmap().writes();
  run.register_bits = clocked_register_bits(schedule.rows * schedule.cols);
  run.pe_count = schedule.rows * schedule.cols;
  run.clock_mhz = spec.clock_mhz;
  for (std::int64_t j = 0; j < schedule.cols; ++j) {
    for (std::size_t u = 0; u < schedule.units(); ++u) {
      run.multiplier_area_um2 +=
          static_cast<double>(schedule.rows) * schedule.unit_multiplier(j, u).area_um2;
    }
  }
  if (top->dram()) {
    run.dram_read_bytes = top->dram()->read_bytes();
    run.dram_write_bytes = top->dram()->write_bytes();
  }
  top.reset();
  return run;
}

FoldEfficiency fold_efficiency(const std::vector<ArrayRun>& runs) {
  FoldEfficiency e;
  if (runs.empty()) return e;
  double placed = 0.0;  // sum over runs of Sr x Sc
  double busy = 0.0;    // sum over runs of Sr x Sc x T / u
  double folds = 0.0;
  for (const ArrayRun& r : runs) {
    const LayerTiming& t = r.timing;
    const double items = static_cast<double>(t.mapped.rows) * static_cast<double>(t.mapped.cols);
    placed += items;
    busy +=
        items * static_cast<double>(t.mapped.time) / static_cast<double>(t.util_cycles_per_fold);
    folds += static_cast<double>(r.folds);
  }
  const ArrayShape& a = runs.front().timing.array;
  const double pe_folds = folds * static_cast<double>(a.rows) * static_cast<double>(a.cols);
  e.mapping_percent = 100.0 * placed / pe_folds;
  e.compute_util_percent = 100.0 * busy / pe_folds;
  return e;
}

EnergyBreakdown energy_of(const ArrayRun& run, const rtl::TechSpec& tech) {
  EnergyBreakdown e;
  e.multipliers_fj = run.total.energy_fj;
  e.accumulators_fj = static_cast<double>(run.total.operations) * tech.accumulate_fj;
  e.register_toggles_fj =
      static_cast<double>(run.total.a_toggles + run.total.b_toggles + run.total.psum_toggles) *
      tech.register_fj_per_bit_toggle;
  e.register_clock_fj = static_cast<double>(run.register_bits) *
                        static_cast<double>(run.total_cycles()) *
                        tech.register_fj_per_bit_per_cycle;
  const double sram_bytes = static_cast<double>(run.ifmap_reads + run.filter_reads) +
                            4.0 * static_cast<double>(run.ofmap_reads + run.ofmap_writes);
  e.sram_fj = sram_bytes * tech.sram_fj_per_byte;
  e.dram_fj =
      static_cast<double>(run.dram_read_bytes + run.dram_write_bytes) * tech.dram_fj_per_byte;
  if (run.clock_mhz > 0) {
    const double area =
        run.multiplier_area_um2 + static_cast<double>(run.pe_count) * tech.accumulator_area_um2;
    e.leakage_fj =
        area * tech.leakage_nw_per_um2 * static_cast<double>(run.total_cycles()) / run.clock_mhz;
  }
  return e;
}

EnergyBreakdown& EnergyBreakdown::operator+=(const EnergyBreakdown& other) {
  multipliers_fj += other.multipliers_fj;
  accumulators_fj += other.accumulators_fj;
  register_toggles_fj += other.register_toggles_fj;
  register_clock_fj += other.register_clock_fj;
  sram_fj += other.sram_fj;
  dram_fj += other.dram_fj;
  leakage_fj += other.leakage_fj;
  return *this;
}

AreaBreakdown area_of(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                      const rtl::TechSpec& tech) {
  AreaBreakdown a;
  for (std::int64_t j = 0; spec.multi_unit && j < spec.shape.cols; ++j) {
    for (const PeMultiplier& m : multipliers) {
      a.multipliers_um2 += static_cast<double>(spec.shape.rows) * m.area_um2;
    }
  }
  for (std::int64_t j = 0; !spec.multi_unit && j < spec.shape.cols; ++j) {
    const std::string& name = spec.multiplier_map.empty()
                                  ? multipliers.at(0).name
                                  : spec.multiplier_map[static_cast<std::size_t>(j)];
    const auto it = std::find_if(multipliers.begin(), multipliers.end(),
                                 [&](const PeMultiplier& m) { return m.name == name; });
    if (it == multipliers.end()) {
      throw ConfigError("multiplier_map[" + std::to_string(j) + "] names '" + name +
                        "', which is not one of the multipliers: " + join(multipliers));
    }
    a.multipliers_um2 += static_cast<double>(spec.shape.rows) * it->area_um2;
  }
  a.accumulators_um2 =
      static_cast<double>(spec.shape.rows * spec.shape.cols) * tech.accumulator_area_um2;
  a.sram_um2 =
      (spec.memory.ifmap_sram_kb + spec.memory.filter_sram_kb + spec.memory.ofmap_sram_kb) *
      tech.sram_area_um2_per_kb;
  return a;
}

void report_stats(const ArrayRun& run, StatsTree& out, const rtl::TechSpec* tech) {
  const LayerTiming& t = run.timing;
  auto i64 = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  StatsTree& array = out.group("array");
  array.set("rows", t.array.rows, "PEs", "PE rows");
  array.set("cols", t.array.cols, "PEs", "PE columns");
  array.set("dataflow", std::string(dataflow_name(t.dataflow)));
  StatsTree& gemm = out.group("gemm");
  gemm.set("m", t.gemm.m, "", "rows of the im2col matrix (ofmap pixels)");
  gemm.set("k", t.gemm.k, "", "reduction (weights per filter)");
  gemm.set("n", t.gemm.n, "", "filters");
  StatsTree& folds = out.group("folds");
  folds.set("row", run.row_folds, "folds", "row folds: ceil(K / rows)");
  folds.set("col", run.col_folds, "folds", "column folds the multiplier_map's placement needs");
  folds.set("extra_col", run.mapping.extra_col_folds(), "folds",
            "column folds beyond ceil(N / cols), the cost of the map");
  folds.set("total", run.folds, "folds");
  StatsTree& cycles = out.group("cycles");
  cycles.set("per_fold", run.cycles_per_fold, "cycles", "fill, stream and drain of one fold");
  cycles.set("compute", run.compute_cycles, "cycles", "folds x per_fold - 1 (SCALE-Sim)");
  cycles.set("stall", run.stall_cycles, "cycles", "waiting for the DRAM (0 with ideal memory)");
  cycles.set("total", run.total_cycles(), "cycles", "compute + stall");
  cycles.set("homogeneous", t.compute_cycles, "cycles", "what a homogeneous array takes");
  cycles.set("extra", run.extra_cycles, "cycles", "compute - homogeneous");
  const double pe_cycles =
      static_cast<double>(run.total_cycles()) * static_cast<double>(t.array.rows * t.array.cols);
  out.group("util").set("overall_percent",
                        100.0 * static_cast<double>(run.total.operations) / pe_cycles, "%",
                        "MACs / (total cycles x PEs), as SCALE-Sim");
  const FoldEfficiency eff = fold_efficiency({run});
  out.group("util").set("mapping_efficiency_percent", eff.mapping_percent, "%",
                        "mean PEs used per fold / PEs, over the folds the map took (SCALE-Sim)");
  out.group("util").set("compute_percent", eff.compute_util_percent, "%",
                        "SCALE-Sim's Compute Util over the folds the map took");
  StatsTree& activity = out.group("activity");
  activity.set("macs", i64(run.total.operations), "MACs");
  activity.set("a_toggles", i64(run.total.a_toggles), "bits",
               "multiplier activation-input bits that changed");
  activity.set("b_toggles", i64(run.total.b_toggles), "bits",
               "multiplier weight-input bits that changed");
  activity.set("stationary_toggles_latch", i64(run.total.stationary_toggles_latch), "bits",
               "stationary-input bits changed when a fold latches its operands");
  activity.set("stationary_toggles_in_fold", i64(run.total.stationary_toggles_in_fold), "bits",
               "stationary-input bits changed within folds (0)");
  activity.set("psum_toggles", i64(run.total.psum_toggles), "bits",
               "partial-sum register bits that changed (os: the accumulators)");
  activity.set("register_bits", run.register_bits, "bits",
               "pipeline register bits of the array (operands, partial sums)");
  StatsTree& energy = out.group("energy");
  energy.set("multipliers_fj", run.total.energy_fj, "fJ",
             "multiplier switching energy (SwitchingEnergyModel per transition)");
  if (tech) {
    const EnergyBreakdown e = energy_of(run, *tech);
    energy.set("accumulators_fj", e.accumulators_fj, "fJ", "one int32 accumulation per MAC");
    energy.set("register_toggles_fj", e.register_toggles_fj, "fJ",
               "operand and partial-sum register bit toggles");
    energy.set("register_clock_fj", e.register_clock_fj, "fJ",
               "register bits x total cycles (clock)");
    energy.set("registers_fj", e.registers_fj(), "fJ", "register_toggles + register_clock");
    energy.set("sram_fj", e.sram_fj, "fJ", "SRAM accesses (operands 1 byte, partial sums 4)");
    energy.set("dram_fj", e.dram_fj, "fJ", "DRAM bytes read and written");
    energy.set("leakage_fj", e.leakage_fj, "fJ",
               "static: multiplier units (idle ones too) + accumulators, over the run's time");
    energy.set("total_fj", e.total_fj(), "fJ");
  }
  StatsTree& sram = out.group("sram");
  sram.set("ifmap_reads", i64(run.ifmap_reads), "accesses");
  sram.set("filter_reads", i64(run.filter_reads), "accesses");
  sram.set("ofmap_reads", i64(run.ofmap_reads), "accesses");
  sram.set("ofmap_writes", i64(run.ofmap_writes), "accesses");
  StatsTree& dram = out.group("dram");
  dram.set("read_bytes", i64(run.dram_read_bytes), "bytes");
  dram.set("write_bytes", i64(run.dram_write_bytes), "bytes");
}

}  // namespace hawx::systolic
