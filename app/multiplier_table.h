// SPDX-License-Identifier: MIT
// The human-readable table of characterised multipliers (characterize and run print it), and the
// same rows as CSV for plotting.
#pragma once

#include <filesystem>
#include <ostream>
#include <vector>

#include "rtl/characterize.h"

namespace hawx::app {

void print_multiplier_table(std::ostream& out, const std::vector<rtl::Characterization>& rows);
void write_multiplier_csv(const std::filesystem::path& file,
                          const std::vector<rtl::Characterization>& rows);

}  // namespace hawx::app
