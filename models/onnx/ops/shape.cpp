// SPDX-License-Identifier: MIT
// Operators that only change the shape: Flatten (axis, negative counting from the end) and
// Reshape (shape as an INT64 input, or as an attribute in opset < 5; 0 copies the input dimension
// unless allowzero = 1, -1 is inferred).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

std::vector<Tensor> single(Tensor t) {
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(t));
  return outputs;
}

// "[0, -1]": a requested shape, where -1 means "inferred" (shape_string would print "?").
std::string list_string(const std::vector<std::int64_t>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i)
    out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "]";
}

void check_flatten(const Node& node, const Graph&) {
  check_arity(node, 1, 1);
  check_attributes_known(node, {"axis"});
  node.attr_int("axis", 1);
}

std::vector<Tensor> run_flatten(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  const auto rank = static_cast<std::int64_t>(x.shape.size());
  std::int64_t axis = node.attr_int("axis", 1);
  if (axis < -rank || axis > rank) {
    throw node_error(node, "axis " + std::to_string(axis) + " is outside [-" +
                               std::to_string(rank) + ", " + std::to_string(rank) +
                               "] for an input of shape " + shape_string(x.shape));
  }
  if (axis < 0) axis += rank;
  std::int64_t outer = 1, inner = 1;
  for (std::int64_t d = 0; d < rank; ++d) (d < axis ? outer : inner) *= x.shape[d];
  return single(Tensor({outer, inner}, x.data));
}

void check_reshape(const Node& node, const Graph&) {
  check_arity(node, 1, 2);
  check_attributes_known(node, {"allowzero", "shape"});
  check_int_in(node, "allowzero", {0, 1});
  const bool attribute = node.has_attr("shape");
  if (node.inputs.size() == 1 && !attribute) {
    throw node_error(node, "has no shape (neither a second input nor the attribute 'shape')");
  }
  if (node.inputs.size() == 2 && attribute) {
    throw node_error(node, "has both a shape input and the attribute 'shape'");
  }
  node.attr_ints("shape", {});
}

std::vector<Tensor> run_reshape(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  std::vector<std::int64_t> requested = node.attr_ints("shape", {});
  if (!node.has_attr("shape")) {
    const Tensor& shape = required_input(node, inputs, 1);
    if (shape.shape.size() != 1) {
      throw node_error(
          node, "shape input has shape " + shape_string(shape.shape) + ", expected a 1-D list");
    }
    for (float v : shape.data) {
      if (v != std::floor(v)) throw node_error(node, "shape input holds a non-integer value");
      requested.push_back(static_cast<std::int64_t>(v));
    }
  }
  const bool allow_zero = node.attr_int("allowzero", 0) != 0;
  std::vector<std::int64_t> shape = requested;
  std::int64_t known = 1;
  int inferred = -1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allow_zero) {
      if (i >= x.shape.size()) {
        throw node_error(node, "shape " + list_string(requested) + " copies dimension " +
                                   std::to_string(i) + " of an input of shape " +
                                   shape_string(x.shape));
      }
      shape[i] = x.shape[i];
    }
    if (shape[i] == -1) {
      if (inferred >= 0) {
        throw node_error(node, "shape " + list_string(requested) + " has more than one -1");
      }
      inferred = static_cast<int>(i);
    } else if (shape[i] < 0) {
      throw node_error(node, "shape " + list_string(requested) + " holds a negative dimension");
    } else {
      known *= shape[i];
    }
  }
  const std::int64_t total = x.elements();
  if (inferred >= 0) {
    if (known == 0 || total % known != 0) {
      throw node_error(node,
                       "cannot reshape " + shape_string(x.shape) + " to " + list_string(requested));
    }
    shape[static_cast<std::size_t>(inferred)] = total / known;
  } else if (known != total) {
    throw node_error(node, "cannot reshape " + shape_string(x.shape) + " (" +
                               std::to_string(total) + " values) to " + list_string(requested));
  }
  return single(Tensor(shape, x.data));
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, flatten, "Flatten", "to 2-D at axis (negative axes count from the end)",
              (OpKernel{&check_flatten, &run_flatten}))
HAWX_REGISTER(OnnxOpKind, reshape, "Reshape",
              "new shape from an INT64 input: 0 copies a dimension (or allowzero), -1 is inferred",
              (OpKernel{&check_reshape, &run_reshape, 1}))

}  // namespace hawx::models
