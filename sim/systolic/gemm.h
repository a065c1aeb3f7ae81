// SPDX-License-Identifier: MIT
// A DNN layer lowered to the matrix multiplication a systolic array computes (im2col).
//
// The im2col matrix has one row per output pixel and one column per filter weight; the filter
// matrix has one column per filter. So a layer is the GEMM  ofmap[M x N] = ifmap[M x K] * W[K x N]:
//
//   conv  M = ofmap pixels (x batch), K = filter height x filter width x channels, N = filters
//   fc    M = batch (1 for inference on one image), K = inputs, N = outputs
//
// Convolutions follow SCALE-Sim's conventions, so that shapes and cycle counts compare with it:
// the ifmap size already includes any padding, and an output extent is
// ceil((ifmap - filter + stride) / stride), i.e. a last window that hangs over the edge still
// produces an output pixel (SCALE-Sim's topology_utils.py; for stride 1 this is the usual
// ifmap - filter + 1). In SCALE-Sim's own names, the GEMM is Sr = M, T = K, Sc = N under the
// output-stationary dataflow; `systolic::map_gemm` (timing.h) gives the names per dataflow.
//
// Promises: every function either returns a GEMM whose M, K, N and M*K*N fit in 64 bits, or throws
// std::invalid_argument (a size below 1, a filter larger than the ifmap) or std::overflow_error.
// Callers that read shapes from a file validate first and turn these into InputError.
#pragma once

#include <cstdint>

namespace hawx::systolic {

// A convolution as SCALE-Sim's topology files describe it (sizes in elements).
struct ConvShape {
  std::int64_t ifmap_height = 1;  // including padding
  std::int64_t ifmap_width = 1;   // including padding
  std::int64_t filter_height = 1;
  std::int64_t filter_width = 1;
  std::int64_t channels = 1;
  std::int64_t filters = 1;
  std::int64_t stride_height = 1;
  std::int64_t stride_width = 1;

  bool operator==(const ConvShape& other) const;
};

// ofmap[M x N] = ifmap[M x K] * W[K x N].
struct Gemm {
  std::int64_t m = 1;  // rows of the im2col matrix: ofmap pixels x batch
  std::int64_t k = 1;  // the reduction: weights per filter
  std::int64_t n = 1;  // filters (fc: outputs)

  std::int64_t macs() const { return m * k * n; }
  bool operator==(const Gemm& other) const;
};

// Output pixels along one dimension: ceil((ifmap - filter + stride) / stride) (SCALE-Sim).
std::int64_t ofmap_extent(std::int64_t ifmap, std::int64_t filter, std::int64_t stride);

// A convolution over `batch` images as a GEMM.
Gemm conv_gemm(const ConvShape& conv, std::int64_t batch = 1);

// A fully connected layer over `batch` inputs as a GEMM.
Gemm fc_gemm(std::int64_t inputs, std::int64_t outputs, std::int64_t batch = 1);

// a * b, throwing std::overflow_error naming `what` when it does not fit in 64 bits.
std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what);
// a + b, likewise.
std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what);

}  // namespace hawx::systolic
