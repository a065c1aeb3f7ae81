// SPDX-License-Identifier: MIT
#include "sim/systolic/array_modules.h"

#include <algorithm>
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
  plan.rows_used = std::min(rows, k - plan.row_fold * rows);
  return plan;
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

void record_transition(PeState& pe, const PeMultiplier& multiplier, std::uint8_t a, std::uint8_t b,
                       bool latch_edge, bool stationary_is_b) {
  if (a == pe.a && b == pe.b) return;
  const unsigned a_toggles = popcount8(static_cast<std::uint8_t>(a ^ pe.a));
  const unsigned b_toggles = popcount8(static_cast<std::uint8_t>(b ^ pe.b));
  pe.activity.a_toggles += a_toggles;
  pe.activity.b_toggles += b_toggles;
  (latch_edge ? pe.activity.stationary_toggles_latch : pe.activity.stationary_toggles_in_fold) +=
      stationary_is_b ? b_toggles : a_toggles;
  pe.activity.energy_fj += multiplier.energy.energy_fj(pe.a, pe.b, a, b);
  pe.a = a;
  pe.b = b;
}

// ---- lut data path ----

LutPeArray::LutPeArray(const sc_core::sc_module_name& name, const Schedule& schedule,
                       Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters, OfmapBuffer& ofmap)
    : sc_core::sc_module(name),
      schedule_(schedule),
      ifmap_(ifmap),
      filters_(filters),
      ofmap_(ofmap),
      pes_(static_cast<std::size_t>(schedule.rows * schedule.cols)),
      row_operands_(static_cast<std::size_t>(schedule.time)),
      column_sums_(static_cast<std::size_t>(schedule.cols * schedule.time)) {}

void LutPeArray::run_fold(const Schedule::FoldPlan& plan) {
  const Schedule& s = schedule_;
  const std::size_t steps = static_cast<std::size_t>(s.time);
  const bool stationary_is_b = s.weight_stationary();
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
      const PeMultiplier& mul = s.multiplier_of_column(j);
      const int held = stationary.read(static_cast<std::size_t>(item * s.k + tap));
      std::int32_t* sums = column_sums_.data() + static_cast<std::size_t>(j) * steps;
      std::uint8_t a = pe.a;
      std::uint8_t b = pe.b;
      (stationary_is_b ? b : a) = s.operand(held);
      auto multiply = [&](std::size_t t) {
        const int x = s.activation(held, row_operands_[t]);
        const int w = s.weight(held, row_operands_[t]);
        a = s.operand(x);
        b = s.operand(w);
        sums[t] = wrap_add(sums[t], s.signed_product(mul.table.at(a, b), x, w));
        ++pe.activity.operations;
      };
      // The latch edge changes the stationary input; PE (0, 0)'s first streamed operand
      // arrives at that same edge.
      std::size_t t = 0;
      if (i == 0 && j == 0 && steps > 0) multiply(t++);
      record_transition(pe, mul, a, b, true, stationary_is_b);
      for (; t < steps; ++t) {
        multiply(t);
        record_transition(pe, mul, a, b, false, stationary_is_b);
      }
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
                             LutPeArray& array, const sc_core::sc_time& period)
    : sc_core::sc_module(name), schedule_(schedule), period_(period), array_(array) {
  SC_THREAD(run);
}

void LutController::run() {
  for (std::int64_t fold = 0; fold < schedule_.folds(); ++fold) {
    array_.run_fold(schedule_.fold(fold));
    wait(period_ * static_cast<double>(schedule_.cycles_per_fold));
    cycles_ += schedule_.cycles_per_fold;
  }
}

// ---- rtl data path ----

RtlPe::RtlPe(const sc_core::sc_module_name& name, const Schedule& schedule,
             const PeMultiplier& multiplier, rtl::ScMultiplierFactory factory)
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
      multiplier_(multiplier),
      a_("mul_a"),
      b_("mul_b"),
      p_("mul_p"),
      model_(factory("multiplier", a_, b_, p_)) {
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
  SC_METHOD(on_operands);
  sensitive << a_ << b_;
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
    const std::uint32_t raw = p_.read() & 0xFFFFu;
    const std::int32_t p = multiplier_.table.is_signed()
                               ? static_cast<std::int32_t>(static_cast<std::int16_t>(raw))
                               : static_cast<std::int32_t>(raw);
    out.sum = wrap_add(out.sum,
                       schedule_.signed_product(p, schedule_.activation(stationary_, mul_streamed_),
                                                schedule_.weight(stationary_, mul_streamed_)));
    out.index = mul_index_;
    out.item = item_;
  }
  psum_out.write(out);
  x_out.write(x);
  w_out.write(w);
  // The stationary operand arriving at the latch edge is held (idle PEs keep their inputs).
  const bool stationary_is_b = schedule_.weight_stationary();
  latch_edge_ = latch.read();
  if (latch_edge_) {
    item_ = w.item;
    stationary_ = w.value;
    if (item_ >= 0) (stationary_is_b ? b_ : a_).write(schedule_.operand(stationary_));
  }
  mul_valid_ = x.index >= 0 && item_ >= 0;
  if (mul_valid_) {
    (stationary_is_b ? a_ : b_).write(schedule_.operand(x.value));
    mul_streamed_ = x.value;
    mul_index_ = x.index;
    ++state_.activity.operations;
  }
}

void RtlPe::on_operands() {
  record_transition(state_, multiplier_, static_cast<std::uint8_t>(a_.read()),
                    static_cast<std::uint8_t>(b_.read()), latch_edge_,
                    schedule_.weight_stationary());
}

RtlController::RtlController(const sc_core::sc_module_name& name, const Schedule& schedule,
                             Sram<std::int16_t>& ifmap, Sram<std::int16_t>& filters)
    : sc_core::sc_module(name),
      clk("clk"),
      latch("latch"),
      schedule_(schedule),
      ifmap_(ifmap),
      filters_(filters) {
  for (std::int64_t j = 0; j < schedule.cols; ++j) {
    w_top.push_back(
        std::make_unique<sc_core::sc_out<StationaryToken>>(("w_top_" + std::to_string(j)).c_str()));
  }
  for (std::int64_t i = 0; i < schedule.rows; ++i) {
    x_left.push_back(
        std::make_unique<sc_core::sc_out<StreamToken>>(("x_left_" + std::to_string(i)).c_str()));
  }
  SC_THREAD(run);
  sensitive << clk.pos();
  dont_initialize();
}

void RtlController::drive(const Schedule::FoldPlan* plan, std::int64_t cycle) {
  const Schedule& s = schedule_;
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
  start_ = sc_core::sc_time_stamp();
  for (std::int64_t fold = 0; fold < schedule_.folds(); ++fold) {
    const Schedule::FoldPlan plan = schedule_.fold(fold);
    for (std::int64_t cycle = 0; cycle < schedule_.cycles_per_fold; ++cycle) {
      drive(&plan, cycle);
      wait();
      ++cycles_;
    }
  }
  drive(nullptr, 0);  // bubbles while the last partial sums drain
}

OfmapCollector::OfmapCollector(const sc_core::sc_module_name& name, const Schedule& schedule,
                               OfmapBuffer& ofmap, const RtlController& controller,
                               const sc_core::sc_time& period)
    : sc_core::sc_module(name),
      clk("clk"),
      schedule_(schedule),
      period_(period),
      ofmap_(ofmap),
      controller_(controller) {
  for (std::int64_t j = 0; j < schedule.cols; ++j) {
    bottom.push_back(
        std::make_unique<sc_core::sc_in<PsumToken>>(("bottom_" + std::to_string(j)).c_str()));
  }
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

void OfmapCollector::on_clock() {
  for (const auto& port : bottom) {
    const PsumToken token = port->read();
    if (token.index < 0) continue;
    ofmap_.accumulate(schedule_.output_address(token.item, token.index), token.sum);
    // Written by the bottom PE at the previous edge, i.e. computed in the cycle before it.
    const auto edge =
        static_cast<std::int64_t>((sc_core::sc_time_stamp() - controller_.start()) / period_);
    last_output_cycle_ = std::max(last_output_cycle_, edge - 2);
  }
}

}  // namespace hawx::systolic::sc
