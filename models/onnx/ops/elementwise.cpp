// SPDX-License-Identifier: MIT
// Element-wise operators: Add (numpy broadcasting), Relu, Clip (bounds as inputs, opset >= 11, or
// as attributes, opset < 11; ReLU6 is Clip(0, 6)) and Identity.
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

void check_add(const Node& node, const Graph&) {
  check_arity(node, 2, 2);
  // Opset < 7 spelled broadcasting out; an explicit 'axis' (aligning B elsewhere than at the
  // trailing dimensions) is not numpy broadcasting and is refused by omission from this list.
  check_attributes_known(node, {"broadcast"});
  check_int_in(node, "broadcast", {0, 1});
}

std::vector<Tensor> run_add(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& a = required_input(node, inputs, 0);
  const Tensor& b = required_input(node, inputs, 1);
  if (a.shape == b.shape) {
    Tensor y(a.shape, a.data);
    for (std::size_t i = 0; i < y.data.size(); ++i) y.data[i] += b.data[i];
    return single(std::move(y));
  }
  const auto shape = broadcast_shapes(node, a.shape, b.shape);
  const auto a_strides = broadcast_strides(a.shape, shape);
  const auto b_strides = broadcast_strides(b.shape, shape);
  Tensor y(shape);
  if (shape.empty()) {
    y.data[0] = a.data[0] + b.data[0];
    return single(std::move(y));
  }
  // Odometer over all but the last dimension; the last one is a strided inner loop.
  const std::size_t last = shape.size() - 1;
  const std::int64_t inner = shape[last];
  std::vector<std::int64_t> index(last, 0);
  float* out = y.data.data();
  const std::int64_t rows = inner == 0 ? 0 : y.elements() / inner;
  for (std::int64_t r = 0; r < rows; ++r) {
    std::int64_t a_offset = 0, b_offset = 0;
    for (std::size_t d = 0; d < last; ++d) {
      a_offset += index[d] * a_strides[d];
      b_offset += index[d] * b_strides[d];
    }
    const float* pa = a.data.data() + a_offset;
    const float* pb = b.data.data() + b_offset;
    const std::int64_t sa = a_strides[last], sb = b_strides[last];
    for (std::int64_t i = 0; i < inner; ++i) *out++ = pa[i * sa] + pb[i * sb];
    for (std::size_t d = last; d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return single(std::move(y));
}

void check_relu(const Node& node, const Graph&) {
  check_arity(node, 1, 1);
  check_attributes_known(node, {});
}

std::vector<Tensor> run_relu(const Node& node, const std::vector<const Tensor*>& inputs) {
  Tensor y = required_input(node, inputs, 0);
  for (float& v : y.data) v = std::max(v, 0.0f);
  return single(std::move(y));
}

void check_clip(const Node& node, const Graph&) {
  check_arity(node, 1, 3);
  check_attributes_known(node, {"max", "min"});
  for (std::size_t i = 1; i < node.inputs.size(); ++i) {
    const char* key = i == 1 ? "min" : "max";
    if (!node.inputs[i].empty() && node.has_attr(key)) {
      throw node_error(node, std::string("gives '") + key + "' both as attribute and as input");
    }
  }
  node.attr_float("min", 0.0f);
  node.attr_float("max", 0.0f);
}

std::vector<Tensor> run_clip(const Node& node, const std::vector<const Tensor*>& inputs) {
  float low = node.attr_float("min", std::numeric_limits<float>::lowest());
  float high = node.attr_float("max", std::numeric_limits<float>::max());
  for (std::size_t i = 1; i < inputs.size() && i < 3; ++i) {
    if (inputs[i] == nullptr) continue;
    if (inputs[i]->elements() != 1) {
      throw node_error(node, std::string(i == 1 ? "min" : "max") + " has shape " +
                                 shape_string(inputs[i]->shape) + ", expected a scalar");
    }
    (i == 1 ? low : high) = inputs[i]->data[0];
  }
  Tensor y = required_input(node, inputs, 0);
  for (float& v : y.data) v = std::min(std::max(v, low), high);
  return single(std::move(y));
}

void check_identity(const Node& node, const Graph&) {
  check_arity(node, 1, 1);
  check_attributes_known(node, {});
}

std::vector<Tensor> run_identity(const Node& node, const std::vector<const Tensor*>& inputs) {
  return single(required_input(node, inputs, 0));
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, add, "Add", "element-wise sum, numpy broadcasting",
              (OpKernel{&check_add, &run_add}))
HAWX_REGISTER(OnnxOpKind, relu, "Relu", "max(x, 0)", (OpKernel{&check_relu, &run_relu}))
HAWX_REGISTER(OnnxOpKind, clip, "Clip",
              "clamp to [min, max]: bounds as inputs (opset >= 11) or attributes (opset 6)",
              (OpKernel{&check_clip, &run_clip}))
HAWX_REGISTER(OnnxOpKind, identity, "Identity", "copy of the input",
              (OpKernel{&check_identity, &run_identity}))

}  // namespace hawx::models
