// SPDX-License-Identifier: MIT
// Small statistics the scoring reports: rank correlation and errors.
#pragma once

#include <vector>

namespace hawx::scoring {

// Ranks 1..n, ties given their mean rank.
std::vector<double> ranks(const std::vector<double>& x);
// Pearson correlation; 0 when either side is constant. Error for sizes that differ or below 2.
double pearson(const std::vector<double>& x, const std::vector<double>& y);
// Spearman's rank correlation: Pearson's on the ranks (ties: mean ranks).
double spearman(const std::vector<double>& x, const std::vector<double>& y);
double mean_absolute_error(const std::vector<double>& predicted,
                           const std::vector<double>& measured);

}  // namespace hawx::scoring
