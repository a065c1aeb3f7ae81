// SPDX-License-Identifier: MIT
// The IDX format of MNIST and Fashion-MNIST (plain or gzip-compressed, detected by content):
// a big-endian header — two zero bytes, the element type (0x08 = unsigned byte), the number of
// dimensions, each dimension as uint32 — followed by exactly prod(dims) bytes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/data/dataset.h"

namespace hawx::models {

struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;
};

// Reads a uint8 IDX file with `expected_dims` dimensions. Throws InputError naming the file for a
// missing file, a bad gzip stream, a wrong magic, type or rank, a truncated or over-long body.
IdxArray read_idx(const std::filesystem::path& file, std::size_t expected_dims);

// An images file (N x H x W) and a labels file (N) as one single-channel dataset; checks that
// the counts agree and that every label is below class_names.size().
Dataset read_idx_dataset(const std::filesystem::path& images, const std::filesystem::path& labels,
                         std::vector<std::string> class_names);

}  // namespace hawx::models
