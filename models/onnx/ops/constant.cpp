// SPDX-License-Identifier: MIT
// Constant: outputs its tensor. load_onnx has already turned the scalar and list forms
// (value_float, value_floats, value_int, value_ints) into the tensor attribute 'value'.
#include <variant>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

void check_constant(const Node& node, const Graph&) {
  check_arity(node, 0, 0);
  check_attributes_known(node, {"value"});
  const auto it = node.attributes.find("value");
  if (it == node.attributes.end() || !std::holds_alternative<Tensor>(it->second)) {
    throw node_error(node, "has no tensor attribute 'value'");
  }
}

std::vector<Tensor> run_constant(const Node& node, const std::vector<const Tensor*>&) {
  std::vector<Tensor> outputs;
  outputs.push_back(std::get<Tensor>(node.attributes.at("value")));
  return outputs;
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, constant, "Constant",
              "a tensor from the attribute value (or value_float(s), value_int(s))",
              (OpKernel{&check_constant, &run_constant}))

}  // namespace hawx::models
