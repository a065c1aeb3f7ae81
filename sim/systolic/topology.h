// SPDX-License-Identifier: MIT
// SCALE-Sim's topology files: one convolution or fully connected layer per line.
//
//   Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, ...
//   Conv1,224,224,7,7,3,64,2,
//   FC,1,1,1,1,512,1000,1,
//
// (the header ends "..., Num Filter, Strides,").
//
// The first line is the header (SCALE-Sim skips it whatever it says; here it must not be a layer,
// or that layer would be lost silently). Empty lines are skipped, fields are trimmed, the trailing
// comma SCALE-Sim writes is optional. Sizes follow gemm.h: the ifmap includes padding, the stride
// applies to both dimensions, a fully connected layer is a 1x1 convolution over a 1x1 ifmap.
// As in SCALE-Sim, a layer whose name contains "DP" is a depthwise convolution and becomes one
// single-channel layer per channel, named <name>Channel_<i>.
// Not read: SCALE-Sim's GEMM (M, N, K) topology format and its optional ninth column (sparsity
// ratio in v2, a separate column stride or a "Target" in older files): a clear error instead.
//
// Promises: every layer returned has positive sizes, filters no larger than the ifmap, and a GEMM
// (conv_gemm) whose MAC count is below 2^53; anything else is an InputError naming file:line and
// what was expected.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/systolic/gemm.h"

namespace hawx::systolic {

struct TopologyLayer {
  std::string name;
  ConvShape shape;
  int line = 0;  // 1-based line in the file

  Gemm gemm() const { return conv_gemm(shape); }
};

struct Topology {
  std::string source;  // the file name, as given (used in messages)
  std::vector<TopologyLayer> layers;
};

// Reads a topology file. InputError if it cannot be read or is malformed.
Topology read_topology(const std::filesystem::path& file);
// Parses topology text; `source` names it in messages.
Topology parse_topology(const std::string& text, const std::string& source);

}  // namespace hawx::systolic
