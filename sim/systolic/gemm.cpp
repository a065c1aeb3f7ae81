// SPDX-License-Identifier: MIT
#include "sim/systolic/gemm.h"

#include <stdexcept>
#include <string>

namespace hawx::systolic {
namespace {

void require_positive(std::int64_t value, const char* what) {
  if (value < 1) {
    throw std::invalid_argument(std::string(what) + " must be at least 1; got " +
                                std::to_string(value));
  }
}

}  // namespace

bool ConvShape::operator==(const ConvShape& o) const {
  return ifmap_height == o.ifmap_height && ifmap_width == o.ifmap_width &&
         filter_height == o.filter_height && filter_width == o.filter_width &&
         channels == o.channels && filters == o.filters && stride_height == o.stride_height &&
         stride_width == o.stride_width;
}

bool Gemm::operator==(const Gemm& o) const { return m == o.m && k == o.k && n == o.n; }

std::int64_t checked_mul(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t result = 0;
  if (__builtin_mul_overflow(a, b, &result)) {
    throw std::overflow_error(std::string(what) + " does not fit in 64 bits");
  }
  return result;
}

std::int64_t checked_add(std::int64_t a, std::int64_t b, const char* what) {
  std::int64_t result = 0;
  if (__builtin_add_overflow(a, b, &result)) {
    throw std::overflow_error(std::string(what) + " does not fit in 64 bits");
  }
  return result;
}

std::int64_t ofmap_extent(std::int64_t ifmap, std::int64_t filter, std::int64_t stride) {
  require_positive(ifmap, "the ifmap size");
  require_positive(filter, "the filter size");
  require_positive(stride, "the stride");
  if (filter > ifmap) {
    throw std::invalid_argument("the filter (" + std::to_string(filter) +
                                ") is larger than the ifmap (" + std::to_string(ifmap) + ")");
  }
  // ceil((ifmap - filter + stride) / stride) = (ifmap - filter) / stride rounded up, plus 1.
  return (ifmap - filter + stride - 1) / stride + 1;
}

Gemm conv_gemm(const ConvShape& c, std::int64_t batch) {
  require_positive(c.channels, "the number of channels");
  require_positive(c.filters, "the number of filters");
  require_positive(batch, "the batch size");
  Gemm g;
  const std::int64_t pixels =
      checked_mul(ofmap_extent(c.ifmap_height, c.filter_height, c.stride_height),
                  ofmap_extent(c.ifmap_width, c.filter_width, c.stride_width), "the ofmap size");
  g.m = checked_mul(pixels, batch, "the GEMM's M (ofmap pixels x batch)");
  g.k = checked_mul(checked_mul(c.filter_height, c.filter_width, "the filter size"), c.channels,
                    "the GEMM's K (filter height x width x channels)");
  g.n = c.filters;
  checked_mul(checked_mul(g.m, g.k, "the layer's MAC count"), g.n, "the layer's MAC count");
  return g;
}

Gemm fc_gemm(std::int64_t inputs, std::int64_t outputs, std::int64_t batch) {
  require_positive(inputs, "the number of inputs");
  require_positive(outputs, "the number of outputs");
  require_positive(batch, "the batch size");
  Gemm g{batch, inputs, outputs};
  checked_mul(checked_mul(g.m, g.k, "the layer's MAC count"), g.n, "the layer's MAC count");
  return g;
}

}  // namespace hawx::systolic
