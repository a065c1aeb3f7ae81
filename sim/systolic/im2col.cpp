// SPDX-License-Identifier: MIT
#include "sim/systolic/im2col.h"

#include <stdexcept>
#include <string>

namespace hawx::systolic {
namespace {

int extent(int in, int pads, int kernel, int stride, int dilation) {
  if (in < 1 || kernel < 1 || stride < 1 || dilation < 1) {
    throw std::invalid_argument("a convolution window needs positive sizes");
  }
  const int span = in + pads - dilation * (kernel - 1) - 1;
  if (span < 0) throw std::invalid_argument("the kernel is larger than the padded input");
  return span / stride + 1;
}

}  // namespace

int ConvWindow::out_h() const {
  return extent(height, pad_top + pad_bottom, kernel_h, stride_h, dilation_h);
}
int ConvWindow::out_w() const {
  return extent(width, pad_left + pad_right, kernel_w, stride_w, dilation_w);
}

Gemm ConvWindow::gemm(std::int64_t filters) const {
  return Gemm{std::int64_t{out_h()} * out_w(), std::int64_t{channels} * kernel_h * kernel_w,
              filters};
}

std::vector<std::int16_t> im2col(const ConvWindow& w, const std::int16_t* input) {
  const int oh = w.out_h();
  const int ow = w.out_w();
  const std::size_t k_size = static_cast<std::size_t>(w.channels) * w.kernel_h * w.kernel_w;
  std::vector<std::int16_t> matrix(static_cast<std::size_t>(oh) * ow * k_size, 0);
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      std::int16_t* row = matrix.data() + (static_cast<std::size_t>(oy) * ow + ox) * k_size;
      for (int c = 0; c < w.channels; ++c) {
        for (int ky = 0; ky < w.kernel_h; ++ky) {
          const int y = oy * w.stride_h - w.pad_top + ky * w.dilation_h;
          for (int kx = 0; kx < w.kernel_w; ++kx, ++row) {
            const int x = ox * w.stride_w - w.pad_left + kx * w.dilation_w;
            if (y < 0 || y >= w.height || x < 0 || x >= w.width) continue;
            *row = input[(static_cast<std::size_t>(c) * w.height + y) * w.width + x];
          }
        }
      }
    }
  }
  return matrix;
}

}  // namespace hawx::systolic
