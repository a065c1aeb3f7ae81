// SPDX-License-Identifier: MIT
#include "sim/systolic/mapper.h"

#include <algorithm>

#include "core/errors.h"

namespace hawx::systolic {

ColumnMapping map_filters_to_columns(const std::vector<std::uint16_t>& column_multiplier,
                                     const std::vector<std::uint16_t>& filter_multiplier,
                                     const std::vector<std::string>& names,
                                     const std::string& item) {
  ColumnMapping m;
  m.cols = static_cast<std::int64_t>(column_multiplier.size());
  const std::int64_t filters = static_cast<std::int64_t>(filter_multiplier.size());
  if (m.cols < 1) throw ConfigError("the array has no columns to map " + item + "s on");
  m.ideal_col_folds = (filters + m.cols - 1) / m.cols;

  std::vector<std::vector<std::int64_t>> columns_of(names.size());
  for (std::int64_t j = 0; j < m.cols; ++j) {
    columns_of.at(column_multiplier[static_cast<std::size_t>(j)]).push_back(j);
  }
  std::vector<std::vector<std::int64_t>> filters_of(names.size());
  for (std::int64_t n = 0; n < filters; ++n) {
    const std::uint16_t t = filter_multiplier[static_cast<std::size_t>(n)];
    if (t >= names.size()) {
      throw ConfigError(item + " " + std::to_string(n) + " is assigned multiplier " +
                        std::to_string(t) + "; there are " + std::to_string(names.size()));
    }
    if (columns_of[t].empty()) {
      throw ConfigError(item + " " + std::to_string(n) + " is assigned multiplier '" + names[t] +
                        "', but no column of the array's multiplier_map has it");
    }
    filters_of[t].push_back(n);
  }
  for (std::size_t t = 0; t < names.size(); ++t) {
    if (filters_of[t].empty()) continue;
    const auto per_fold = static_cast<std::int64_t>(columns_of[t].size());
    m.col_folds = std::max(
        m.col_folds, (static_cast<std::int64_t>(filters_of[t].size()) + per_fold - 1) / per_fold);
  }
  m.column_filter.assign(static_cast<std::size_t>(m.col_folds * m.cols), -1);
  for (std::size_t t = 0; t < names.size(); ++t) {
    const auto per_fold = static_cast<std::int64_t>(columns_of[t].size());
    for (std::size_t i = 0; i < filters_of[t].size(); ++i) {
      const std::int64_t fold = static_cast<std::int64_t>(i) / per_fold;
      const std::int64_t col =
          columns_of[t][static_cast<std::size_t>(static_cast<std::int64_t>(i) % per_fold)];
      m.column_filter[static_cast<std::size_t>(fold * m.cols + col)] = filters_of[t][i];
    }
  }
  return m;
}

}  // namespace hawx::systolic
