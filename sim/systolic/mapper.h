// SPDX-License-Identifier: MIT
// The mapper of a heterogeneous array: which PE column holds which item.
//
// A PE column multiplies with the multiplier type its `multiplier_map` entry names. In the ws
// dataflow the columns hold filters (the GEMM's N dimension, timing.h): each filter has an
// assigned multiplier type and must sit on a column of that type. In the is dataflow they hold
// ofmap pixels (M), and every filter streams through every column, so all of a layer's filters
// need one type and its pixels go on the columns of that type (array.cpp checks the former).
// A column fold is one pass of the array in which every column holds at most one item; the
// items of type t fill the columns of type t in order, fold after fold, so the layer needs
//
//   col_folds = max over types t of ceil(filters of type t / columns of type t)
//
// column folds, where a homogeneous array (or a mix that matches the assignment) needs
// ceil(items / C). The difference is the cost of the mismatch: extra_col_folds() more column
// folds, each taking row_folds x cycles_per_fold cycles.
//
// Promises: every item is placed exactly once, on a column of its type; column folds are filled
// in item order. An item whose type no column has is a ConfigError naming it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hawx::systolic {

struct ColumnMapping {
  std::int64_t cols = 0;             // the array's columns
  std::int64_t col_folds = 0;        // column folds this placement needs
  std::int64_t ideal_col_folds = 0;  // ceil(items / cols): what a homogeneous array needs
  // column_filter[cf * cols + j]: the item column j holds in column fold cf, or -1 (idle).
  std::vector<std::int64_t> column_filter;

  std::int64_t extra_col_folds() const { return col_folds - ideal_col_folds; }
  std::int64_t filter_at(std::int64_t col_fold, std::int64_t col) const {
    return column_filter[static_cast<std::size_t>(col_fold * cols + col)];
  }
};

// column_multiplier[j]: the multiplier type of column j; filter_multiplier[n]: the type assigned
// to item n; names[t]: type t's name, and `item` what an item is ("filter", "pixel"), for
// messages.
ColumnMapping map_filters_to_columns(const std::vector<std::uint16_t>& column_multiplier,
                                     const std::vector<std::uint16_t>& filter_multiplier,
                                     const std::vector<std::string>& names,
                                     const std::string& item = "filter");

}  // namespace hawx::systolic
