// SPDX-License-Identifier: MIT
#include "sim/systolic/timing.h"

#include <cmath>
#include <stdexcept>
#include <utility>

#include "core/errors.h"

namespace hawx::systolic {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Python's sum() of floats since 3.12 (SCALE-Sim averages its per-fold figures with it):
// Neumaier's compensated summation, the compensation added once at the end.
class PythonSum {
 public:
  void add(double x) {
    const double t = sum_ + x;
    compensation_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }
  double value() const {
    return compensation_ != 0 && std::isfinite(compensation_) ? sum_ + compensation_ : sum_;
  }

 private:
  double sum_ = 0;
  double compensation_ = 0;
};

std::string gemm_text(const Gemm& g) {
  return std::to_string(g.m) + " x " + std::to_string(g.k) + " x " + std::to_string(g.n);
}

}  // namespace

const std::vector<DataflowInfo>& dataflows() {
  static const std::vector<DataflowInfo> all = {
      {Dataflow::kWeightStationary, "ws",
       "weight stationary: filters held in the PEs, ofmap pixels streamed"},
      {Dataflow::kOutputStationary, "os",
       "output stationary: partial sums held in the PEs, the reduction streamed"},
      {Dataflow::kInputStationary, "is",
       "input stationary: im2col windows held in the PEs, filters streamed"},
  };
  return all;
}

const char* dataflow_name(Dataflow dataflow) {
  for (const auto& d : dataflows()) {
    if (d.dataflow == dataflow) return d.name;
  }
  throw std::logic_error("dataflow without a name");
}

Dataflow parse_dataflow(const std::string& name) {
  std::string known;
  for (const auto& d : dataflows()) {
    if (name == d.name) return d.dataflow;
    known += (known.empty() ? "" : ", ") + std::string(d.name);
  }
  throw ConfigError("unknown dataflow '" + name + "'; expected one of: " + known);
}

void validate_array(const ArrayShape& array) {
  for (const auto& [value, what] : {std::pair{array.rows, "rows"}, std::pair{array.cols, "cols"}}) {
    if (value < 1 || value > kMaxArrayDimension) {
      throw ConfigError(std::string("the array's ") + what + " must be between 1 and " +
                        std::to_string(kMaxArrayDimension) + "; got " + std::to_string(value));
    }
  }
}

SpatioTemporal map_gemm(const Gemm& g, Dataflow dataflow) {
  switch (dataflow) {
    case Dataflow::kWeightStationary:
      return {g.k, g.n, g.m};
    case Dataflow::kOutputStationary:
      return {g.m, g.n, g.k};
    case Dataflow::kInputStationary:
      return {g.k, g.m, g.n};
  }
  throw std::logic_error("unhandled dataflow");
}

Fold LayerTiming::fold(std::int64_t index) const {
  if (index < 0 || index >= folds) {
    throw std::out_of_range("fold " + std::to_string(index) + " of " + std::to_string(folds));
  }
  Fold f;
  f.col_fold = index / row_folds;
  f.row_fold = index % row_folds;
  f.rows_used = f.row_fold + 1 < row_folds ? array.rows : mapped.rows - f.row_fold * array.rows;
  f.cols_used = f.col_fold + 1 < col_folds ? array.cols : mapped.cols - f.col_fold * array.cols;
  return f;
}

LayerTiming time_gemm(const Gemm& gemm, const ArrayShape& array, Dataflow dataflow) {
  validate_array(array);
  if (gemm.m < 1 || gemm.k < 1 || gemm.n < 1) {
    throw std::invalid_argument("GEMM " + gemm_text(gemm) + " has an empty dimension");
  }
  LayerTiming t;
  t.gemm = gemm;
  t.array = array;
  t.dataflow = dataflow;
  t.mapped = map_gemm(gemm, dataflow);

  const std::int64_t r = array.rows;
  const std::int64_t c = array.cols;
  const std::int64_t time = t.mapped.time;
  try {
    t.row_folds = ceil_div(t.mapped.rows, r);
    t.col_folds = ceil_div(t.mapped.cols, c);
    t.folds = checked_mul(t.row_folds, t.col_folds, "the number of folds");
    // Bounded by 3 x kMaxArrayDimension + T: no overflow.
    if (dataflow == Dataflow::kOutputStationary) {
      t.cycles_per_fold = r + c + time - 2;
      t.util_cycles_per_fold = t.cycles_per_fold;
    } else {
      t.cycles_per_fold = 2 * r + c + time - 2;
      t.util_cycles_per_fold = 2 * r + 2 * c + time - 3;
    }
    t.compute_cycles = checked_mul(t.folds, t.cycles_per_fold, "the cycle count") - 1;
    const std::int64_t macs =
        checked_mul(checked_mul(gemm.m, gemm.k, "the MAC count"), gemm.n, "the MAC count");
    const std::int64_t pes = r * c;

    // SCALE-Sim: (num_compute * 100) / (total_cycles * num_mac_unit), integers divided once.
    t.overall_util_percent =
        static_cast<double>(checked_mul(macs, 100, "the MAC count x 100")) /
        static_cast<double>(checked_mul(t.total_cycles(), pes, "cycles x PEs"));

    const double array_pes = static_cast<double>(pes);
    const double util_denominator =
        array_pes * static_cast<double>(t.util_cycles_per_fold);  // R * C * u, as SCALE-Sim
    if (t.folds <= kExactFoldLimit) {
      // SCALE-Sim's per-fold values, summed in its fold order, then averaged.
      PythonSum mapping_sum;
      PythonSum util_sum;
      for (std::int64_t i = 0; i < t.folds; ++i) {
        const Fold f = t.fold(i);
        const std::int64_t used = f.rows_used * f.cols_used;
        mapping_sum.add(static_cast<double>(used) / array_pes);
        util_sum.add(static_cast<double>(used * time) / util_denominator);
      }
      t.mapping_efficiency_percent = mapping_sum.value() / static_cast<double>(t.folds) * 100;
      t.compute_util_percent = util_sum.value() / static_cast<double>(t.folds) * 100;
    } else {
      // The sum of rows_used x cols_used over all folds is Sr x Sc.
      const double used = static_cast<double>(t.mapped.rows) * static_cast<double>(t.mapped.cols);
      const double folds = static_cast<double>(t.folds);
      t.mapping_efficiency_percent = used / (folds * array_pes) * 100;
      t.compute_util_percent = used * static_cast<double>(time) / (folds * util_denominator) * 100;
    }
  } catch (const std::overflow_error& e) {
    throw ConfigError("GEMM " + gemm_text(gemm) + " on a " + std::to_string(r) + "x" +
                      std::to_string(c) + " array: " + e.what());
  }
  return t;
}

}  // namespace hawx::systolic
