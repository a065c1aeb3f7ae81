// SPDX-License-Identifier: MIT
// BatchNormalization in inference mode: y = scale * (x - mean) / sqrt(var + epsilon) + bias per
// channel (axis 1), any rank >= 2. Training mode (training_mode = 1, or the running-statistics
// outputs) is refused at load time.
#include <cmath>
#include <cstdint>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

void check_batch_norm(const Node& node, const Graph& graph) {
  check_arity(node, 5, 5);  // and one output: the statistics outputs exist only for training
  // is_test and momentum (opset < 7) and consumed_inputs (opset 1) do not change inference.
  check_attributes_known(
      node, {"consumed_inputs", "epsilon", "is_test", "momentum", "spatial", "training_mode"});
  check_int_in(node, "training_mode", {0});
  check_int_in(node, "spatial", {1});
  node.attr_float("epsilon", 1e-5f);
  for (std::size_t i = 1; i < 5; ++i) {
    const Tensor* t = graph.constant(node.inputs[i]);
    if (t != nullptr && t->shape.size() != 1) {
      throw node_error(node, "input " + std::to_string(i) + " ('" + node.inputs[i] +
                                 "') has shape " + shape_string(t->shape) + ", expected [C]");
    }
  }
}

std::vector<Tensor> run_batch_norm(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& x = required_input(node, inputs, 0);
  if (x.shape.size() < 2) {
    throw node_error(node, "input has shape " + shape_string(x.shape) + ", expected N x C x ...");
  }
  const std::int64_t channels = x.shape[1];
  static const char* const kNames[] = {"", "scale", "bias", "mean", "var"};
  for (std::size_t i = 1; i < 5; ++i) {
    const Tensor& t = required_input(node, inputs, i);
    if (t.shape.size() != 1 || t.shape[0] != channels) {
      throw node_error(node, std::string(kNames[i]) + " has shape " + shape_string(t.shape) +
                                 ", expected [" + std::to_string(channels) + "] for input " +
                                 shape_string(x.shape));
    }
  }
  const double epsilon = node.attr_float("epsilon", 1e-5f);
  const std::vector<float>& scale = inputs[1]->data;
  const std::vector<float>& bias = inputs[2]->data;
  const std::vector<float>& mean = inputs[3]->data;
  const std::vector<float>& var = inputs[4]->data;
  Tensor y(x.shape, x.data);
  const std::int64_t size = channels == 0 ? 0 : x.elements() / (x.shape[0] * channels);
  for (std::int64_t n = 0; n < x.shape[0]; ++n) {
    for (std::int64_t c = 0; c < channels; ++c) {
      const auto factor = static_cast<float>(scale[c] / std::sqrt(var[c] + epsilon));
      float* data = y.data.data() + (n * channels + c) * size;
      for (std::int64_t i = 0; i < size; ++i) data[i] = (data[i] - mean[c]) * factor + bias[c];
    }
  }
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(y));
  return outputs;
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, batch_normalization, "BatchNormalization",
              "inference mode, per channel: scale * (x - mean) / sqrt(var + epsilon) + bias",
              (OpKernel{&check_batch_norm, &run_batch_norm}))

}  // namespace hawx::models
