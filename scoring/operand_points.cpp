// SPDX-License-Identifier: MIT
#include "scoring/operand_points.h"

#include <algorithm>

namespace hawx::scoring {

std::vector<Point> reduce(const std::vector<double>& counts, std::size_t exact,
                          std::size_t strata) {
  std::vector<std::size_t> order;
  double total = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > 0.0) order.push_back(i);
    total += counts[i];
  }
  std::vector<Point> out;
  if (total <= 0.0) return out;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return counts[a] > counts[b]; });
  const std::size_t head = std::min(exact, order.size());
  for (std::size_t i = 0; i < head; ++i) out.push_back({order[i], counts[order[i]] / total});
  if (head == order.size()) return out;
  // The tail in index order, sampled at equal steps of its cumulative mass.
  std::vector<std::size_t> tail(order.begin() + static_cast<std::ptrdiff_t>(head), order.end());
  std::sort(tail.begin(), tail.end());
  double mass = 0.0;
  for (std::size_t i : tail) mass += counts[i];
  const std::size_t n = std::min(strata, tail.size());
  double cumulative = 0.0;
  std::size_t next = 0;
  for (std::size_t i : tail) {
    cumulative += counts[i];
    while (next < n &&
           cumulative >= (static_cast<double>(next) + 0.5) / static_cast<double>(n) * mass) {
      out.push_back({i, mass / total / static_cast<double>(n)});
      ++next;
    }
  }
  return out;
}

}  // namespace hawx::scoring
