// SPDX-License-Identifier: MIT
// Conv: 2-D (NCHW) convolution with groups (depthwise included), strides, dilations, explicit or
// automatic padding and an optional bias. Each group is lowered to im2col and a GEMM whose inner
// loop runs over contiguous output positions, which the compiler vectorises.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

void check_conv(const Node& node, const Graph& graph) {
  check_arity(node, 2, 3);
  check_attributes_known(node,
                         {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  check_window_attributes(node, false);
  const std::int64_t group = node.attr_int("group", 1);
  if (group < 1) throw node_error(node, "attribute 'group' = " + std::to_string(group));
  if (const Tensor* w = graph.constant(node.inputs[1])) {
    if (w->shape.size() != 4) {
      throw node_error(node, "weights have shape " + shape_string(w->shape) +
                                 "; only 2-D convolutions (4-D weights) are supported");
    }
    if (w->shape[0] % group != 0) {
      throw node_error(node, std::to_string(w->shape[0]) + " filters do not split into " +
                                 std::to_string(group) + " groups");
    }
    const auto kernel = node.attr_ints("kernel_shape", {w->shape[2], w->shape[3]});
    if (kernel.size() == 2 && (kernel[0] != w->shape[2] || kernel[1] != w->shape[3])) {
      throw node_error(node, "attribute 'kernel_shape' " + shape_string(kernel) +
                                 " does not match the weights " + shape_string(w->shape));
    }
  }
}

std::vector<Tensor> run_conv(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  const Tensor& w = required_input(node, inputs, 1);
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  expect_rank(node, x, "input", 4);
  expect_rank(node, w, "weights", 4);
  const std::int64_t group = node.attr_int("group", 1);
  const std::int64_t batch = x.shape[0], channels = x.shape[1];
  const std::int64_t in_h = x.shape[2], in_w = x.shape[3];
  const std::int64_t filters = w.shape[0], group_channels = w.shape[1];
  const std::int64_t kernel_h = w.shape[2], kernel_w = w.shape[3];
  if (group_channels * group != channels || filters % group != 0) {
    throw node_error(node, "input " + shape_string(x.shape) + " does not fit weights " +
                               shape_string(w.shape) + " with group = " + std::to_string(group));
  }
  const auto kernel = node.attr_ints("kernel_shape", {kernel_h, kernel_w});
  if (kernel[0] != kernel_h || kernel[1] != kernel_w) {
    throw node_error(node, "attribute 'kernel_shape' " + shape_string(kernel) +
                               " does not match the weights " + shape_string(w.shape));
  }
  if (bias != nullptr && (bias->shape.size() != 1 || bias->shape[0] != filters)) {
    throw node_error(node, "bias has shape " + shape_string(bias->shape) + ", expected [" +
                               std::to_string(filters) + "]");
  }
  WindowAxis wh, ww;
  resolve_windows(node, in_h, in_w, kernel_h, kernel_w, false, wh, ww);

  const std::int64_t positions = wh.output * ww.output;
  const std::int64_t depth = group_channels * kernel_h * kernel_w;  // GEMM inner dimension
  const std::int64_t group_filters = filters / group;
  Tensor y({batch, filters, wh.output, ww.output});
  std::vector<float> columns(static_cast<std::size_t>(depth * positions));
  for (std::int64_t n = 0; n < batch; ++n) {
    for (std::int64_t g = 0; g < group; ++g) {
      // im2col: row (c, kh, kw) holds, for every output position, the input value it multiplies.
      const float* image = x.data.data() + (n * channels + g * group_channels) * in_h * in_w;
      float* column = columns.data();
      for (std::int64_t c = 0; c < group_channels; ++c) {
        for (std::int64_t kh = 0; kh < kernel_h; ++kh) {
          for (std::int64_t kw = 0; kw < kernel_w; ++kw) {
            for (std::int64_t oh = 0; oh < wh.output; ++oh) {
              const std::int64_t ih = oh * wh.stride - wh.pad_begin + kh * wh.dilation;
              float* row = column + oh * ww.output;
              if (ih < 0 || ih >= in_h) {
                std::fill(row, row + ww.output, 0.0f);
                continue;
              }
              const float* source = image + (c * in_h + ih) * in_w;
              for (std::int64_t ow = 0; ow < ww.output; ++ow) {
                const std::int64_t iw = ow * ww.stride - ww.pad_begin + kw * ww.dilation;
                row[ow] = (iw >= 0 && iw < in_w) ? source[iw] : 0.0f;
              }
            }
            column += positions;
          }
        }
      }
      for (std::int64_t m = 0; m < group_filters; ++m) {
        const std::int64_t filter = g * group_filters + m;
        float* out = y.data.data() + (n * filters + filter) * positions;
        const float b = bias != nullptr ? bias->data[static_cast<std::size_t>(filter)] : 0.0f;
        std::fill(out, out + positions, b);
        const float* weights = w.data.data() + filter * depth;
        for (std::int64_t k = 0; k < depth; ++k) {
          const float weight = weights[k];
          const float* row = columns.data() + k * positions;
          for (std::int64_t p = 0; p < positions; ++p) out[p] += weight * row[p];
        }
      }
    }
  }
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(y));
  return outputs;
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, conv, "Conv",
              "2-D convolution: group (depthwise), strides, dilations, pads, auto_pad, bias",
              (OpKernel{&check_conv, &run_conv}))

}  // namespace hawx::models
