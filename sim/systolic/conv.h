// SPDX-License-Identifier: MIT
// A convolution layer on the systolic array, grouped convolutions included: each group is its
// own GEMM (its channels' im2col matrix against its filters), run one after another on the array
// (as SCALE-Sim runs a depthwise layer as one single-channel layer per channel).
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/network.h"
#include "sim/systolic/array.h"
#include "sim/systolic/im2col.h"

namespace hawx::systolic {

// The window of a layer of the engine's lowered network (a fully connected layer is a 1x1
// convolution on a 1x1 map); `channels` are all its input channels.
inline ConvWindow window_of(const models::Layer& l) {
  ConvWindow w;
  w.channels = l.in.c;
  w.height = l.in.h;
  w.width = l.in.w;
  w.kernel_h = l.kernel_h;
  w.kernel_w = l.kernel_w;
  w.stride_h = l.stride_h;
  w.stride_w = l.stride_w;
  w.pad_top = l.pad_top;
  w.pad_left = l.pad_left;
  w.pad_bottom = l.pad_bottom;
  w.pad_right = l.pad_right;
  w.dilation_h = l.dilation_h;
  w.dilation_w = l.dilation_w;
  return w;
}

struct ConvOperands {
  ConvWindow window;  // channels: all input channels of the layer
  int groups = 1;     // divides window.channels and filters
  int filters = 1;
  const std::int16_t* input = nullptr;  // channels x height x width
  // filters x (channels / groups) x kernel_h x kernel_w (the engine's and ONNX's layout)
  std::vector<std::int16_t> weights;
  std::vector<std::int32_t> bias;                // filters, or empty
  std::vector<std::uint16_t> filter_multiplier;  // filters
};

struct ConvRun {
  std::vector<ArrayRun> groups;     // one run per group, in order
  std::vector<std::int32_t> ofmap;  // filters x output pixels (CHW), bias included
  // The groups one after another.
  std::int64_t folds = 0;
  std::int64_t extra_col_folds = 0;
  std::int64_t compute_cycles = 0;  // sum of (compute cycles + 1) - 1
  std::int64_t stall_cycles = 0;
  std::int64_t total_cycles() const { return compute_cycles + stall_cycles; }
  PeActivity total;  // over every PE and group
};

// InputError for groups that do not divide the channels or filters, or operand sizes that do not
// match; otherwise as simulate_gemm().
ConvRun simulate_conv(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                      const ConvOperands& conv);

}  // namespace hawx::systolic
