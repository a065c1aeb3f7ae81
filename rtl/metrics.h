// SPDX-License-Identifier: MIT
// Error metrics of a multiplier, exhaustive over all N = 65,536 operand pairs, e = approx - exact,
// operands read as signed or unsigned per the table. The definitions of the published
// approximate-circuit libraries (EvoApprox8b), so that figures can be compared:
//   MAE = mean |e|            MAE% = MAE / 2^16 * 100
//   WCE = max |e|             WCE% = WCE / 2^16 * 100
//   EP% = share of pairs with e != 0, * 100
//   MRE% = mean of |e| / |exact| over the pairs whose exact product is non-zero, * 100
//   WCRE% = max of |e| / |exact| over those pairs, * 100
//   MSE = mean e^2            mean_error = mean e (the bias, which accumulates in dot products)
#pragma once

#include <cstdint>

#include "rtl/multiplier.h"

namespace hawx::rtl {

struct ErrorMetrics {
  double mae = 0.0;
  double mae_pct = 0.0;
  std::int64_t wce = 0;
  double wce_pct = 0.0;
  double ep_pct = 0.0;
  double mre_pct = 0.0;
  double wcre_pct = 0.0;
  double mse = 0.0;
  double mean_error = 0.0;
};

ErrorMetrics error_metrics(const ProductTable& table);

}  // namespace hawx::rtl
