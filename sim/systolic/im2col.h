// SPDX-License-Identifier: MIT
// The im2col lowering of a convolution's input: the operand matrix a ws array streams.
//
// Row m is output position m (row-major over the output map), column k is tap k of a filter in
// the order the engine and ONNX store weights: k = (channel x kernel_h + ky) x kernel_w + kx.
// Positions outside the input (padding) are 0, as the array multiplies them. Output extents are
// ONNX's: floor((in + pads - dilation x (kernel - 1) - 1) / stride) + 1. No groups.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/systolic/gemm.h"

namespace hawx::systolic {

struct ConvWindow {
  int channels = 1, height = 1, width = 1;  // the input map (CHW), without padding
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;

  int out_h() const;
  int out_w() const;
  // M = out_h x out_w, K = channels x kernel_h x kernel_w, N = filters.
  Gemm gemm(std::int64_t filters) const;
};

// The M x K operand matrix of `input` (channels x height x width values), row-major.
// std::invalid_argument for a window that produces no output.
std::vector<std::int16_t> im2col(const ConvWindow& window, const std::int16_t* input);

}  // namespace hawx::systolic
