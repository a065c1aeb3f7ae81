// SPDX-License-Identifier: MIT
#include "rtl/metrics.h"

#include <algorithm>
#include <cstdlib>

namespace hawx::rtl {

ErrorMetrics error_metrics(const ProductTable& table) {
  // Integer sums are exact: |e| < 2^17 and e^2 < 2^34, so 65,536 of them fit in 64 bits.
  std::int64_t sum_abs = 0;
  std::int64_t sum = 0;
  std::int64_t sum_sq = 0;
  std::int64_t wce = 0;
  std::int64_t wrong = 0;
  double sum_relative = 0.0;
  double worst_relative = 0.0;
  std::int64_t nonzero = 0;
  for (unsigned a = 0; a < 256; ++a) {
    for (unsigned b = 0; b < 256; ++b) {
      const auto ra = static_cast<std::uint8_t>(a);
      const auto rb = static_cast<std::uint8_t>(b);
      const std::int64_t exact = std::int64_t{table.operand(ra)} * table.operand(rb);
      const std::int64_t e = table.at(ra, rb) - exact;
      const std::int64_t magnitude = std::llabs(e);
      sum_abs += magnitude;
      sum += e;
      sum_sq += e * e;
      wce = std::max(wce, magnitude);
      wrong += e != 0;
      if (exact != 0) {
        const double relative =
            static_cast<double>(magnitude) / static_cast<double>(std::llabs(exact));
        sum_relative += relative;
        worst_relative = std::max(worst_relative, relative);
        ++nonzero;
      }
    }
  }
  constexpr double kPairs = static_cast<double>(kOperandPairs);
  ErrorMetrics m;
  m.mae = static_cast<double>(sum_abs) / kPairs;
  m.mae_pct = m.mae / kPairs * 100.0;
  m.wce = wce;
  m.wce_pct = static_cast<double>(wce) / kPairs * 100.0;
  m.ep_pct = static_cast<double>(wrong) / kPairs * 100.0;
  m.mre_pct = nonzero ? sum_relative / static_cast<double>(nonzero) * 100.0 : 0.0;
  m.wcre_pct = worst_relative * 100.0;
  m.mse = static_cast<double>(sum_sq) / kPairs;
  m.mean_error = static_cast<double>(sum) / kPairs;
  return m;
}

}  // namespace hawx::rtl
