// SPDX-License-Identifier: MIT
// A DNN lowered from its ONNX graph into the layers an accelerator executes: convolutions and
// fully connected layers (with BatchNormalization folded in and ReLU/ReLU6 fused), pools and
// residual adds, over CHW feature maps of one image. Fully connected layers are 1x1
// convolutions on a 1x1 map, so every multiplication of the network is in a kConv layer.
//
// Promises of lower(): the layers are in execution order; value 0 is the network input; each
// layer writes one new value; the last layer's output is the logits. A graph that does not fit
// this shape (an operator between layers the lowering does not know how to place, a
// BatchNormalization that follows no convolution, a Reshape that is not a flatten) is an
// InputError naming the file and the node.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/onnx/graph.h"

namespace hawx::models {

struct Shape3 {
  int c = 0;
  int h = 0;
  int w = 0;
  std::int64_t elements() const { return std::int64_t{c} * h * w; }
  bool operator==(const Shape3& o) const { return c == o.c && h == o.h && w == o.w; }
};

enum class Activation { kNone, kRelu, kClip };

struct Layer {
  enum class Kind { kConv, kMaxPool, kAvgPool, kGlobalAvgPool, kAdd, kActivation };
  Kind kind = Kind::kConv;
  std::string name;  // the ONNX node it came from (the Conv/Gemm/MatMul for kConv)
  int input = 0;     // value index
  int input2 = -1;   // second operand of kAdd
  int output = 0;    // value index (always a new one)
  Shape3 in, out;

  // kConv (and the window of the pools).
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
  bool fully_connected = false;  // from Gemm/MatMul: in is the flattened input (C*H*W, 1, 1)
  std::vector<float> weights;    // [out.c][in.c / groups][kernel_h][kernel_w], BN folded in
  std::vector<float> bias;       // [out.c], BN folded in
  // Applied to the output (kConv, kAdd, kActivation).
  Activation activation = Activation::kNone;
  float clip_min = 0.0f, clip_max = 6.0f;
  // kAvgPool.
  bool count_include_pad = false;

  int filters() const { return out.c; }
  // Multiplications per filter per output position.
  int taps() const { return in.c / groups * kernel_h * kernel_w; }
  std::int64_t macs() const { return out.elements() * taps(); }
};

struct Network {
  std::filesystem::path file;
  Shape3 input;
  std::vector<Layer> layers;
  std::vector<Shape3> values;  // shape of every value; [0] is the input

  std::int64_t macs() const;
  // Indices of the kConv layers, in order: the layers a multiplier assignment talks about.
  std::vector<int> compute_layers() const;
};

// A layer's activation applied to a real value (identity for Activation::kNone).
float activate(const Layer& layer, float x);

// `input` gives the image shape when the graph's input has unknown dimensions.
Network lower(const Graph& graph, const Shape3& input);

// Float execution of the lowered network on one image (CHW floats): the logits. When `values` is
// given it receives every value (index as in Network::values), e.g. for calibration.
std::vector<float> forward_float(const Network& net, const float* image,
                                 std::vector<std::vector<float>>* values = nullptr);

}  // namespace hawx::models
