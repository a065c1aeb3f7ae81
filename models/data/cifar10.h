// SPDX-License-Identifier: MIT
// The CIFAR-10 binary version: each batch file is a sequence of 3073-byte records, one label byte
// (0..9) then 3 x 32 x 32 pixel bytes (the red plane, then green, then blue, each row-major).
// The official batches hold 10,000 records each; five make the training set, test_batch.bin the
// test set, batches.meta.txt names the classes.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "models/data/dataset.h"

namespace hawx::models {

inline constexpr std::size_t kCifarRecordBytes = 1 + 3 * 32 * 32;
inline constexpr std::size_t kCifarBatchRecords = 10000;

// Appends the records of one batch file to `out` (whose shape must be 3x32x32). Throws InputError
// naming the file if it is missing, not a whole number of records, not `expected_records` long
// (0 accepts any count), or holds a label outside 0..9.
void read_cifar10_batch(const std::filesystem::path& file, std::size_t expected_records,
                        Dataset& out);

// The class names from batches.meta.txt: ten non-empty lines.
std::vector<std::string> read_cifar10_class_names(const std::filesystem::path& file);

}  // namespace hawx::models
