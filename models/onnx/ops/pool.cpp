// SPDX-License-Identifier: MIT
// Pooling over 2-D (NCHW) windows: MaxPool (pads, strides, dilations, ceil_mode, auto_pad; its
// optional Indices output is not supported), AveragePool (count_include_pad, pads, strides,
// ceil_mode, auto_pad) and GlobalAveragePool (mean over all spatial dimensions).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

std::vector<Tensor> single(Tensor t) {
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(t));
  return outputs;
}

void check_pool(const Node& node, std::initializer_list<const char*> known) {
  check_arity(node, 1, 1);
  check_attributes_known(node, known);
  check_window_attributes(node, true);
  check_int_in(node, "ceil_mode", {0, 1});
}

void check_max_pool(const Node& node, const Graph&) {
  // storage_order only changes the Indices output, which check_arity refuses.
  check_pool(node, {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                    "strides"});
  check_int_in(node, "storage_order", {0, 1});
}

void check_average_pool(const Node& node, const Graph&) {
  check_pool(node, {"auto_pad", "ceil_mode", "count_include_pad", "dilations", "kernel_shape",
                    "pads", "strides"});
  check_int_in(node, "count_include_pad", {0, 1});
}

template <bool kMax>
std::vector<Tensor> run_pool(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  if (x.shape.size() != 4) {
    throw node_error(node, "input has shape " + shape_string(x.shape) +
                               "; only 2-D pooling of NCHW tensors is supported");
  }
  const auto kernel = node.attr_ints("kernel_shape", {});
  const bool ceil_mode = node.attr_int("ceil_mode", 0) != 0;
  const bool include_pad = node.attr_int("count_include_pad", 0) != 0;
  const std::int64_t planes = x.shape[0] * x.shape[1], in_h = x.shape[2], in_w = x.shape[3];
  WindowAxis h, w;
  resolve_windows(node, in_h, in_w, kernel[0], kernel[1], ceil_mode, h, w);
  Tensor y({x.shape[0], x.shape[1], h.output, w.output});
  float* out = y.data.data();
  for (std::int64_t p = 0; p < planes; ++p) {
    const float* plane = x.data.data() + p * in_h * in_w;
    for (std::int64_t oh = 0; oh < h.output; ++oh) {
      for (std::int64_t ow = 0; ow < w.output; ++ow) {
        float max = -std::numeric_limits<float>::infinity();
        float sum = 0.0f;
        std::int64_t valid = 0, padded = 0;
        for (std::int64_t kh = 0; kh < h.kernel; ++kh) {
          const std::int64_t ih = oh * h.stride - h.pad_begin + kh * h.dilation;
          if (ih < -h.pad_begin || ih >= in_h + h.pad_end) continue;
          for (std::int64_t kw = 0; kw < w.kernel; ++kw) {
            const std::int64_t iw = ow * w.stride - w.pad_begin + kw * w.dilation;
            if (iw < -w.pad_begin || iw >= in_w + w.pad_end) continue;
            ++padded;  // inside the padded input: what count_include_pad divides by
            if (ih < 0 || ih >= in_h || iw < 0 || iw >= in_w) continue;
            const float v = plane[ih * in_w + iw];
            max = std::max(max, v);
            sum += v;
            ++valid;
          }
        }
        if (kMax) {
          *out++ = max;
        } else {
          const std::int64_t divisor = include_pad ? padded : valid;
          *out++ = divisor > 0 ? sum / static_cast<float>(divisor) : 0.0f;
        }
      }
    }
  }
  return single(std::move(y));
}

void check_global_average_pool(const Node& node, const Graph&) {
  check_arity(node, 1, 1);
  check_attributes_known(node, {});
}

std::vector<Tensor> run_global_average_pool(const Node& node,
                                            const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  if (x.shape.size() < 3) {
    throw node_error(
        node, "input has shape " + shape_string(x.shape) + ", expected N x C x spatial dimensions");
  }
  std::vector<std::int64_t> shape(x.shape.size(), 1);
  shape[0] = x.shape[0];
  shape[1] = x.shape[1];
  Tensor y(shape);
  const std::int64_t planes = x.shape[0] * x.shape[1];
  const std::int64_t size = planes == 0 ? 0 : x.elements() / planes;
  for (std::int64_t p = 0; p < planes; ++p) {
    double sum = 0.0;
    for (std::int64_t i = 0; i < size; ++i) sum += x.data[p * size + i];
    y.data[p] = size > 0 ? static_cast<float>(sum / static_cast<double>(size)) : 0.0f;
  }
  return single(std::move(y));
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, max_pool, "MaxPool",
              "2-D max pooling: pads, strides, dilations, ceil_mode, auto_pad",
              (OpKernel{&check_max_pool, &run_pool<true>}))
HAWX_REGISTER(OnnxOpKind, average_pool, "AveragePool",
              "2-D average pooling: count_include_pad, pads, strides, ceil_mode, auto_pad",
              (OpKernel{&check_average_pool, &run_pool<false>}))
HAWX_REGISTER(OnnxOpKind, global_average_pool, "GlobalAveragePool",
              "mean over the spatial dimensions",
              (OpKernel{&check_global_average_pool, &run_global_average_pool}))

}  // namespace hawx::models
