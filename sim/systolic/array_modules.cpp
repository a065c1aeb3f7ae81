// SPDX-License-Identifier: MIT
#include "sim/systolic/array_modules.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace hawx::systolic::sc {
namespace {

unsigned popcount8(std::uint8_t x) { return static_cast<unsigned>(__builtin_popcount(x)); }

// The buffers holding the stationary and the streamed operand matrices (both item or step x K).
Sram<std::int16_t>& stationary_buffer(const Schedule& s, Sram<std::int16_t>& ifmap,
                                      Sram<std::int16_t>& filters) {
  return s.weight_stationary() ? filters : ifmap;
}
Sram<std::int16_t>& streamed_buffer(const Schedule& s, Sram<std::int16_t>& ifmap,
                                    Sram<std::int16_t>& filters) {
  return s.weight_stationary() ? ifmap : filters;
}

}  // namespace

Schedule::FoldPlan Schedule::fold(std::int64_t index) const {
  FoldPlan plan;
  plan.col_fold = index / row_folds;
  plan.row_fold = index % row_folds;
  plan.rows_used = std::min(rows, row_items - plan.row_fold * rows);
  return plan;
}

std::int64_t Schedule::items_used(const FoldPlan& plan) const {
  std::int64_t used = 0;
  for (std::int64_t j = 0; j < cols; ++j) used += item(plan, j) >= 0;
  return used;
}

Schedule::Tiles Schedule::tiles(const FoldPlan& plan) const {
  const std::int64_t items = items_used(plan);
  Tiles t;
  switch (dataflow) {
    case Dataflow::kWeightStationary:
      t.filter = plan.rows_used * items;
      t.ifmap = time * plan.rows_used;
      t.ofmap = plan.row_fold + 1 == row_folds ? items * time : 0;
      break;
    case Dataflow::kInputStationary:
      t.ifmap = plan.rows_used * items;
      t.filter = time * plan.rows_used;
      t.ofmap = plan.row_fold + 1 == row_folds ? items * time : 0;
      break;
    case Dataflow::kOutputStationary:
      t.ifmap = plan.rows_used * k;
      t.filter = items * k;
      t.ofmap = plan.rows_used * items;
      break;
  }
  return t;
}

bool Schedule::same_ifmap_tile(const FoldPlan& a, const FoldPlan& b) const {
  // ws, os: the ifmap tile depends on the row fold only; is: on both.
  return a.row_fold == b.row_fold &&
         (dataflow != Dataflow::kInputStationary || a.col_fold == b.col_fold);
}

bool Schedule::same_filter_tile(const FoldPlan& a, const FoldPlan& b) const {
  switch (dataflow) {
    case Dataflow::kWeightStationary:
      return a.row_fold == b.row_fold && a.col_fold == b.col_fold;
    case Dataflow::kInputStationary:
      return a.row_fold == b.row_fold;
    case Dataflow::kOutputStationary:
      return a.col_fold == b.col_fold;
  }
  return false;
}

std::ostream& operator<<(std::ostream& out, const StreamToken& t) {
  return out << "streamed(" << t.value << ", step " << t.index << ")";
}
std::ostream& operator<<(std::ostream& out, const StationaryToken& t) {
  return out << "stationary(" << t.value << ", item " << t.item << ")";
}
std::ostream& operator<<(std::ostream& out, const PsumToken& t) {
  return out << "psum(" << t.sum << ", step " << t.index << ", item " << t.item << ")";
}

void record_transition(PeState& pe, std::size_t unit, const PeMultiplier& multiplier,
                       std::uint8_t a, std::uint8_t b, bool latch_edge,
                       StationaryInput stationary) {
  std::array<std::uint8_t, 2>& held = pe.inputs[unit];
  if (a == held[0] && b == held[1]) return;
  const unsigned a_toggles = popcount8(static_cast<std::uint8_t>(a ^ held[0]));
  const unsigned b_toggles = popcount8(static_cast<std::uint8_t>(b ^ held[1]));
  pe.activity.a_toggles += a_toggles;
  pe.activity.b_toggles += b_toggles;
  if (stationary != StationaryInput::kNone) {
    (latch_edge ? pe.activity.stationary_toggles_latch : pe.activity.stationary_toggles_in_fold) +=
        stationary == StationaryInput::kB ? b_toggles : a_toggles;
  }
  pe.activity.energy_fj += multiplier.energy.energy_fj(held[0], held[1], a, b);
  held = {a, b};
}

MultiplierUnits::MultiplierUnits(const Schedule& schedule, std::int64_t col) {
  for (std::size_t u = 0; u < schedule.units(); ++u) {
    Unit unit;
    unit.multiplier = &schedule.unit_multiplier(col, u);
    const std::string suffix = schedule.units() == 1 ? "" : "_" + std::to_string(u);
    unit.a = std::make_unique<rtl::ScSignal32>(("mul_a" + suffix).c_str());
    unit.b = std::make_unique<rtl::ScSignal32>(("mul_b" + suffix).c_str());
    unit.p = std::make_unique<rtl::ScSignal32>(("mul_p" + suffix).c_str());
    const std::string& model =
        unit.multiplier->sc_model.empty() ? unit.multiplier->name : unit.multiplier->sc_model;
    unit.model = rtl::sc_multiplier_factory(model)(("multiplier" + suffix).c_str(), *unit.a,
                                                   *unit.b, *unit.p);
    units_.push_back(std::move(unit));
  }
}

std::int32_t MultiplierUnits::product(std::size_t unit) const {
  const std::uint32_t raw = units_[unit].p->read() & 0xFFFFu;
  return units_[unit].multiplier->table.is_signed()
             ? static_cast<std::int32_t>(static_cast<std::int16_t>(raw))
             : static_cast<std::int32_t>(raw);
}

void MultiplierUnits::observe(PeState& state, bool latch_edge, StationaryInput stationary) const {
  for (std::size_t u = 0; u < units_.size(); ++u) {
    record_transition(state, u, *units_[u].multiplier,
                      static_cast<std::uint8_t>(units_[u].a->read()),
                      static_cast<std::uint8_t>(units_[u].b->read()), latch_edge, stationary);
  }
}

void MultiplierUnits::make_sensitive(sc_core::sc_sensitive& sensitive) const {
  for (const Unit& u : units_) sensitive << *u.a << *u.b;
}

// ---- memory ----

Dram::Dram(const sc_core::sc_module_name& name, const MemorySpec& spec)
    : sc_core::sc_module(name), spec_(spec) {}

std::int64_t Dram::transfer(std::int64_t now, std::int64_t bytes, bool write) {
  if (bytes <= 0) return now;
  (write ? write_bytes_ : read_bytes_) += static_cast<std::uint64_t>(bytes);
  const std::int64_t begin = std::max(now, free_);
  free_ = begin + static_cast<std::int64_t>(
                      std::ceil(static_cast<double>(bytes) / spec_.dram_bytes_per_cycle));
  return free_ + spec_.dram_latency_cycles;
}

std::int64_t MemoryTimeline::read_bytes(std::int64_t fold) const {
  const Schedule::FoldPlan plan = schedule_.fold(fold);
  const Schedule::Tiles tiles = schedule_.tiles(plan);
  if (fold == 0) return tiles.ifmap + tiles.filter;
  const Schedule::FoldPlan previous = schedule_.fold(fold - 1);
  return (schedule_.same_ifmap_tile(plan, previous) ? 0 : tiles.ifmap) +
         (schedule_.same_filter_tile(plan, previous) ? 0 : tiles.filter);
}

std::int64_t MemoryTimeline::start_fold(std::int64_t fold, std::int64_t now) {
  if (dram_ == nullptr) return now;
  if (fold == 0) next_ready_ = dram_->transfer(now, read_bytes(0), false);
  const std::int64_t start = std::max(now, next_ready_);
  if (fold + 1 < schedule_.folds()) {
    next_ready_ = dram_->transfer(start, read_bytes(fold + 1), false);
  }
  return start;
}

void MemoryTimeline::end_fold(std::int64_t fold, std::int64_t now) {
  if (dram_ == nullptr) return;
  dram_->transfer(now, schedule_.tiles(schedule_.fold(fold)).ofmap, true);
}

// ---- lut data path ----

namespace {

// ws, is: a PE's partial-sum register in a fold holds the sums of its time steps in consecutive
// cycles, with bubbles (sum 0) before and after (folds are at least one cycle longer than
// their T steps; the rtl PEs pass a bubble's 0 down).
void record_psum_stream(PeState& pe, const std::int32_t* sums, std::size_t steps) {
  for (std::size_t t = 0; t < steps; ++t) record_psum(pe, sums[t]);
  record_psum(pe, 0);
}

}  // namespace

LutPeArray::LutPeArray(const sc_core::sc_module_name& name, const Schedule& schedule,
                       Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters, OfmapBuffer& ofmap)
    : sc_core::sc_module(name),
      schedule_(schedule),
      ifmap_(ifmap),
      filters_(filters),
      ofmap_(ofmap),
      pes_(static_cast<std::size_t>(schedule.rows * schedule.cols), PeState(schedule.units())),
      row_operands_(static_cast<std::size_t>(schedule.time)),
      column_sums_(static_cast<std::size_t>(schedule.cols * schedule.time)),
      column_operands_(
          static_cast<std::size_t>(schedule.output_stationary() ? schedule.cols * schedule.k : 0)) {
}

void LutPeArray::run_fold(const Schedule::FoldPlan& plan) {
  if (schedule_.output_stationary()) {
    run_output_stationary_fold(plan);
  } else {
    run_stationary_fold(plan);
  }
}

void LutPeArray::run_output_stationary_fold(const Schedule::FoldPlan& plan) {
  const Schedule& s = schedule_;
  const std::size_t taps = static_cast<std::size_t>(s.k);
  // Each used column's filter taps (read once, passed down the column) and each used row's
  // ifmap row (read once, passed right along the row).
  for (std::int64_t j = 0; j < s.cols; ++j) {
    const std::int64_t f = s.item(plan, j);
    for (std::size_t k = 0; f >= 0 && k < taps; ++k) {
      column_operands_[static_cast<std::size_t>(j) * taps + k] =
          filters_.read(static_cast<std::size_t>(f) * taps + k);
    }
  }
  for (std::int64_t i = 0; i < plan.rows_used; ++i) {
    const std::int64_t pixel = plan.row_fold * s.rows + i;
    for (std::size_t k = 0; k < taps; ++k) {
      row_operands_[k] = ifmap_.read(static_cast<std::size_t>(pixel) * taps + k);
    }
    for (std::int64_t j = 0; j < s.cols; ++j) {
      const std::int64_t f = s.item(plan, j);
      if (f < 0) continue;  // idle column: inputs held
      PeState& pe = pes_[static_cast<std::size_t>(i * s.cols + j)];
      const std::size_t unit = s.unit_for(f);
      const PeMultiplier& mul = s.unit_multiplier(j, unit);
      const std::int16_t* w = column_operands_.data() + static_cast<std::size_t>(j) * taps;
      std::int32_t sum = 0;
      for (std::size_t k = 0; k < taps; ++k) {
        const int x = row_operands_[k];
        const std::uint8_t a = s.operand(x);
        const std::uint8_t b = s.operand(w[k]);
        sum = wrap_add(sum, s.signed_product(mul.table.at(a, b), x, w[k]));
        record_psum(pe, sum);  // the accumulator (rtl: reloaded at tap 0)
        ++pe.activity.operations;
        record_transition(pe, unit, mul, a, b, false, StationaryInput::kNone);
      }
      ofmap_.accumulate(s.output_address(f, pixel), sum);
    }
  }
}

void LutPeArray::run_stationary_fold(const Schedule::FoldPlan& plan) {
  const Schedule& s = schedule_;
  const std::size_t steps = static_cast<std::size_t>(s.time);
  const StationaryInput held_input = stationary_input(s);
  const bool stationary_is_b = held_input == StationaryInput::kB;
  Sram<std::int16_t>& stationary = stationary_buffer(s, ifmap_, filters_);
  Sram<std::int16_t>& streamed = streamed_buffer(s, ifmap_, filters_);
  std::fill(column_sums_.begin(), column_sums_.end(), 0);
  for (std::int64_t i = 0; i < plan.rows_used; ++i) {
    const std::int64_t tap = plan.row_fold * s.rows + i;
    // The row's streamed operands: one read each, shared by the row's PEs as they pass right.
    for (std::size_t t = 0; t < steps; ++t) {
      row_operands_[t] =
          streamed.read(t * static_cast<std::size_t>(s.k) + static_cast<std::size_t>(tap));
    }
    for (std::int64_t j = 0; j < s.cols; ++j) {
      const std::int64_t item = s.item(plan, j);
      if (item < 0) continue;  // idle column: inputs held
      PeState& pe = pes_[static_cast<std::size_t>(i * s.cols + j)];
      const int held = stationary.read(static_cast<std::size_t>(item * s.k + tap));
      std::int32_t* sums = column_sums_.data() + static_cast<std::size_t>(j) * steps;
      // Multiplies step t's operands through `unit` (whose inputs become them) and records the
      // transition, at the latch edge or within the fold.
      auto multiply = [&](std::size_t t, std::size_t unit, bool latch_edge) {
        const int x = s.activation(held, row_operands_[t]);
        const int w = s.weight(held, row_operands_[t]);
        const std::uint8_t a = s.operand(x);
        const std::uint8_t b = s.operand(w);
        const PeMultiplier& mul = s.unit_multiplier(j, unit);
        sums[t] = wrap_add(sums[t], s.signed_product(mul.table.at(a, b), x, w));
        ++pe.activity.operations;
        record_transition(pe, unit, mul, a, b, latch_edge, held_input);
      };
      // The latch edge changes the stationary input (of the fold's unit; multi-unit is: of every
      // unit); PE (0, 0)'s first streamed operand arrives at that same edge.
      const bool first_at_latch = i == 0 && j == 0 && steps > 0;
      const std::size_t first_unit = s.stationary_unit(item, 0);
      for (std::size_t u = 0; u < s.units(); ++u) {
        if (u != first_unit && !s.stationary_into_every_unit()) continue;
        if (first_at_latch && u == first_unit) {
          multiply(0, u, true);
          continue;
        }
        std::array<std::uint8_t, 2> inputs = pe.inputs[u];
        inputs[stationary_is_b ? 1 : 0] = s.operand(held);
        record_transition(pe, u, s.unit_multiplier(j, u), inputs[0], inputs[1], true, held_input);
      }
      for (std::size_t t = first_at_latch ? 1 : 0; t < steps; ++t) {
        multiply(t, s.stationary_unit(item, static_cast<std::int64_t>(t)), false);
      }
      record_psum_stream(pe, sums, steps);
    }
  }
  // Idle rows below the fold's taps pass the column's finished sums down.
  for (std::int64_t i = plan.rows_used; i < s.rows; ++i) {
    for (std::int64_t j = 0; j < s.cols; ++j) {
      if (s.item(plan, j) < 0) continue;
      record_psum_stream(pes_[static_cast<std::size_t>(i * s.cols + j)],
                         column_sums_.data() + static_cast<std::size_t>(j) * steps, steps);
    }
  }
  // The bottom row's outputs into the ofmap buffer.
  for (std::int64_t j = 0; j < s.cols; ++j) {
    const std::int64_t item = s.item(plan, j);
    if (item < 0 || plan.rows_used < 1) continue;
    for (std::size_t t = 0; t < steps; ++t) {
      ofmap_.accumulate(s.output_address(item, static_cast<std::int64_t>(t)),
                        column_sums_[static_cast<std::size_t>(j) * steps + t]);
    }
  }
}

LutController::LutController(const sc_core::sc_module_name& name, const Schedule& schedule,
                             LutPeArray& array, const sc_core::sc_time& period, Dram* dram)
    : sc_core::sc_module(name),
      schedule_(schedule),
      period_(period),
      array_(array),
      memory_(schedule, dram) {
  SC_THREAD(run);
}

void LutController::run() {
  std::int64_t now = 0;
  for (std::int64_t fold = 0; fold < schedule_.folds(); ++fold) {
    const std::int64_t start = memory_.start_fold(fold, now);
    if (start > now) {
      wait(period_ * static_cast<double>(start - now));
      stall_cycles_ += start - now;
    }
    array_.run_fold(schedule_.fold(fold));
    wait(period_ * static_cast<double>(schedule_.cycles_per_fold));
    cycles_ += schedule_.cycles_per_fold;
    now = start + schedule_.cycles_per_fold;
    memory_.end_fold(fold, now);
  }
}

// ---- rtl data path ----

RtlPe::RtlPe(const sc_core::sc_module_name& name, const Schedule& schedule, std::int64_t col)
    : sc_core::sc_module(name),
      clk("clk"),
      latch("latch"),
      x_in("x_in"),
      x_out("x_out"),
      w_in("w_in"),
      w_out("w_out"),
      psum_in("psum_in"),
      psum_out("psum_out"),
      schedule_(schedule),
      units_(schedule, col),
      state_(units_.size()) {
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(on_operands);
  units_.make_sensitive(sensitive);
  dont_initialize();
}

void RtlPe::on_clock() {
  const StreamToken x = x_in.read();
  const StationaryToken w = w_in.read();
  // The product of the cycle that ends here joins the partial sum from above.
  PsumToken out = psum_in.read();
  if (mul_valid_) {
    if (out.index >= 0 && out.index != mul_index_) {
      throw std::logic_error(std::string(name()) + ": partial sum of step " +
                             std::to_string(out.index) + " meets the product of step " +
                             std::to_string(mul_index_));
    }
    const std::int32_t p = units_.product(mul_unit_);
    out.sum = wrap_add(out.sum,
                       schedule_.signed_product(p, schedule_.activation(stationary_, mul_streamed_),
                                                schedule_.weight(stationary_, mul_streamed_)));
    out.index = mul_index_;
    out.item = item_;
  }
  record_psum(state_, out.sum);
  psum_out.write(out);
  x_out.write(x);
  w_out.write(w);
  // The stationary operand arriving at the latch edge is held (idle PEs keep their inputs).
  const bool stationary_is_b = stationary_input(schedule_) == StationaryInput::kB;
  latch_edge_ = latch.read();
  if (latch_edge_) {
    item_ = w.item;
    stationary_ = w.value;
    if (item_ >= 0) {
      // ws: the fold's unit; multi-unit is: every unit (they take turns by streamed filter).
      unit_ = schedule_.stationary_unit(item_, 0);
      for (std::size_t u = 0; u < units_.size(); ++u) {
        if (u != unit_ && !schedule_.stationary_into_every_unit()) continue;
        (stationary_is_b ? units_.b(u) : units_.a(u)).write(schedule_.operand(stationary_));
      }
    }
  }
  mul_valid_ = x.index >= 0 && item_ >= 0;
  if (mul_valid_) {
    unit_ = schedule_.stationary_unit(item_, x.index);
    mul_unit_ = unit_;
    (stationary_is_b ? units_.a(unit_) : units_.b(unit_)).write(schedule_.operand(x.value));
    mul_streamed_ = x.value;
    mul_index_ = x.index;
    ++state_.activity.operations;
  }
}

void RtlPe::on_operands() { units_.observe(state_, latch_edge_, stationary_input(schedule_)); }

RtlOsPe::RtlOsPe(const sc_core::sc_module_name& name, const Schedule& schedule, std::int64_t col)
    : sc_core::sc_module(name),
      clk("clk"),
      x_in("x_in"),
      x_out("x_out"),
      w_in("w_in"),
      w_out("w_out"),
      sum_out("sum_out"),
      schedule_(schedule),
      units_(schedule, col),
      state_(units_.size()) {
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(on_operands);
  units_.make_sensitive(sensitive);
  dont_initialize();
}

void RtlOsPe::on_clock() {
  const StreamToken x = x_in.read();
  const StreamToken w = w_in.read();
  // The product of the cycle that ends here joins the accumulator; after the last tap the sum
  // leaves for the ofmap buffer.
  PsumToken out;
  if (mul_valid_) {
    const std::int32_t p = units_.product(mul_unit_);
    sum_ = wrap_add(mul_step_ == 0 ? 0 : sum_, schedule_.signed_product(p, mul_x_, mul_w_));
    record_psum(state_, sum_);
    if (mul_step_ == schedule_.k - 1) out = {sum_, pixel_, filter_};
  }
  sum_out.write(out);
  x_out.write(x);
  w_out.write(w);
  mul_valid_ = x.index >= 0 && w.index >= 0;
  if (mul_valid_) {
    if (x.index != w.index) {
      throw std::logic_error(std::string(name()) + ": tap " + std::to_string(x.index) +
                             " of the ifmap meets tap " + std::to_string(w.index) +
                             " of the filter");
    }
    mul_unit_ = schedule_.unit_for(w.item);
    units_.a(mul_unit_).write(schedule_.operand(x.value));
    units_.b(mul_unit_).write(schedule_.operand(w.value));
    mul_x_ = x.value;
    mul_w_ = w.value;
    mul_step_ = x.index;
    pixel_ = x.item;
    filter_ = w.item;
    ++state_.activity.operations;
  }
}

void RtlOsPe::on_operands() { units_.observe(state_, false, StationaryInput::kNone); }

RtlController::RtlController(const sc_core::sc_module_name& name, const Schedule& schedule,
                             Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters,
                             const sc_core::sc_time& period, Dram* dram)
    : sc_core::sc_module(name),
      clk("clk"),
      latch("latch"),
      schedule_(schedule),
      period_(period),
      ifmap_(ifmap),
      filters_(filters),
      memory_(schedule, dram) {
  for (std::int64_t j = 0; j < schedule.cols; ++j) {
    const std::string port = "w_top_" + std::to_string(j);
    if (schedule.output_stationary()) {
      w_top_os.push_back(std::make_unique<sc_core::sc_out<StreamToken>>(port.c_str()));
    } else {
      w_top.push_back(std::make_unique<sc_core::sc_out<StationaryToken>>(port.c_str()));
    }
  }
  for (std::int64_t i = 0; i < schedule.rows; ++i) {
    x_left.push_back(
        std::make_unique<sc_core::sc_out<StreamToken>>(("x_left_" + std::to_string(i)).c_str()));
  }
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void RtlController::drive_os(const Schedule::FoldPlan* plan, std::int64_t cycle) {
  const Schedule& s = schedule_;
  // Written in cycle c - 1, multiplied in PE (i, 0) and PE (0, j) in cycle c: tap c - i of
  // row i's pixel, tap c - j of column j's filter.
  for (std::int64_t j = 0; j < s.cols; ++j) {
    StreamToken w;
    const std::int64_t f = plan ? s.item(*plan, j) : -1;
    const std::int64_t k = cycle - j;
    if (f >= 0 && k >= 0 && k < s.k)
      w = {filters_.read(static_cast<std::size_t>(f * s.k + k)), k, f};
    w_top_os[static_cast<std::size_t>(j)]->write(w);
  }
  for (std::int64_t i = 0; i < s.rows; ++i) {
    StreamToken x;
    const std::int64_t k = cycle - i;
    if (plan && i < plan->rows_used && k >= 0 && k < s.k) {
      const std::int64_t pixel = plan->row_fold * s.rows + i;
      x = {ifmap_.read(static_cast<std::size_t>(pixel * s.k + k)), k, pixel};
    }
    x_left[static_cast<std::size_t>(i)]->write(x);
  }
}

void RtlController::drive(const Schedule::FoldPlan* plan, std::int64_t cycle) {
  const Schedule& s = schedule_;
  if (s.output_stationary()) {
    drive_os(plan, cycle);
    return;
  }
  Sram<std::int16_t>& stationary = stationary_buffer(s, ifmap_, filters_);
  Sram<std::int16_t>& streamed = streamed_buffer(s, ifmap_, filters_);
  for (std::int64_t j = 0; j < s.cols; ++j) {
    StationaryToken w;
    // Cycles 0..R-1: the operand of row R-1-cycle enters the column's shadow chain.
    const std::int64_t row = s.rows - 1 - cycle;
    const std::int64_t item = plan ? s.item(*plan, j) : -1;
    if (plan && row >= 0 && row < plan->rows_used && item >= 0) {
      const std::int64_t tap = plan->row_fold * s.rows + row;
      w = {stationary.read(static_cast<std::size_t>(item * s.k + tap)), item};
    }
    w_top[static_cast<std::size_t>(j)]->write(w);
  }
  latch->write(plan != nullptr && cycle == s.rows - 1);
  for (std::int64_t i = 0; i < s.rows; ++i) {
    StreamToken x;
    // Step t's tap of row i is multiplied in PE (i, 0) in cycle R + t + i.
    const std::int64_t t = cycle - s.rows + 1 - i;
    if (plan && i < plan->rows_used && t >= 0 && t < s.time) {
      const std::int64_t tap = plan->row_fold * s.rows + i;
      x = {streamed.read(static_cast<std::size_t>(t * s.k + tap)), t};
    }
    x_left[static_cast<std::size_t>(i)]->write(x);
  }
}

void RtlController::run() {
  // os: what is written now is multiplied in the cycle that starts at the next edge.
  start_ =
      sc_core::sc_time_stamp() + (schedule_.output_stationary() ? period_ : sc_core::SC_ZERO_TIME);
  std::int64_t now = 0;
  for (std::int64_t fold = 0; fold < schedule_.folds(); ++fold) {
    const Schedule::FoldPlan plan = schedule_.fold(fold);
    // Bubbles while the fold's tiles are on their way from the DRAM.
    for (const std::int64_t start = memory_.start_fold(fold, now); now < start; ++now) {
      drive(nullptr, 0);
      wait();
      ++stall_cycles_;
    }
    last_fold_start_ = now;
    for (std::int64_t cycle = 0; cycle < schedule_.cycles_per_fold; ++cycle, ++now) {
      drive(&plan, cycle);
      wait();
      ++cycles_;
    }
    memory_.end_fold(fold, now);
  }
  // Bubbles while the last sums drain into the ofmap buffer.
  drive(nullptr, 0);
  for (int edge = 0; edge < 3; ++edge) wait();
  done_ = true;
}

OfmapCollector::OfmapCollector(const sc_core::sc_module_name& name, const Schedule& schedule,
                               OfmapBuffer& ofmap, const RtlController& controller,
                               const sc_core::sc_time& period, std::size_t inputs)
    : sc_core::sc_module(name),
      clk("clk"),
      schedule_(schedule),
      period_(period),
      ofmap_(ofmap),
      controller_(controller) {
  for (std::size_t i = 0; i < inputs; ++i) {
    sums.push_back(
        std::make_unique<sc_core::sc_in<PsumToken>>(("sum_" + std::to_string(i)).c_str()));
  }
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

void OfmapCollector::on_clock() {
  for (const auto& port : sums) {
    const PsumToken token = port->read();
    if (token.index < 0) continue;
    ofmap_.accumulate(schedule_.output_address(token.item, token.index), token.sum);
    // Written by its PE at the previous edge, i.e. computed in the cycle before it.
    const auto edge =
        static_cast<std::int64_t>((sc_core::sc_time_stamp() - controller_.start()) / period_);
    last_output_cycle_ = std::max(last_output_cycle_, edge - 2);
  }
}

}  // namespace hawx::systolic::sc
