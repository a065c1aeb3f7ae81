// SPDX-License-Identifier: MIT
// The ONNX operators this project executes: one kernel per op_type, registered under that name in
// the kind "onnx-op" (`hawx-cosim list`) by its file in models/onnx/ops/.
//
// A kernel has two halves, and promises that they agree:
// - check() runs at load time (load_onnx) and throws InputError for every input count, output
//   count, attribute or attribute value that run() cannot execute, so a loaded Graph only holds
//   nodes that run. It must not assume anything about shapes that are only known at run time.
// - run() is the float32 reference computation. It receives one tensor per entry of node.inputs
//   (nullptr for an omitted optional input, "" in the file), returns exactly node.outputs.size()
//   tensors, never modifies its inputs, and throws InputError for shapes that do not fit (inputs
//   that do not broadcast, a channel count that does not match the weights, ...).
// Messages of both name the node and its operator ("node 'conv1' (Conv): ..."); load_onnx and
// FloatExecutor put the model file in front.
//
// Tensors are float32. The one exception is a shape: an INT64 initialiser, graph input or Constant
// is accepted only as the input named by `integer_input` (Reshape's shape) and reaches run() as a
// float tensor holding the integer values (exact up to 2^24, which load_onnx checks).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/registry.h"
#include "models/onnx/graph.h"

namespace hawx::models {

struct OpKernel {
  void (*check)(const Node& node, const Graph& graph) = nullptr;
  std::vector<Tensor> (*run)(const Node& node, const std::vector<const Tensor*>& inputs) = nullptr;
  int integer_input = -1;  // index of the input that may hold INT64 values (a shape), or -1
};

struct OnnxOpKind {
  static constexpr const char* kName = "onnx-op";
  static constexpr const char* kDescription =
      "ONNX operators the importer and the float path support";
  using Factory = OpKernel;
};

// ---- Helpers shared by the kernels ------------------------------------------------------------

// An InputError "node '<name>' (<op>): <what>".
InputError node_error(const Node& node, const std::string& what);

// "[1, 3, 28, 28]"
std::string shape_string(const std::vector<std::int64_t>& shape);

// Load time: between min_inputs and max_inputs inputs, the first min_inputs of them not omitted,
// and exactly one output (no kernel here computes an operator's optional extra outputs).
void check_arity(const Node& node, std::size_t min_inputs, std::size_t max_inputs);

// Load time: every attribute of the node is one of `known` (an unknown attribute could change the
// meaning of the operator, so it is refused rather than ignored).
void check_attributes_known(const Node& node, std::initializer_list<const char*> known);

// Load time: attribute `key`, if present, is one of `allowed` (an int attribute).
void check_int_in(const Node& node, const std::string& key,
                  std::initializer_list<std::int64_t> allowed);

// Run time: the tensor of required input `index`; InputError if it is missing.
const Tensor& required_input(const Node& node, const std::vector<const Tensor*>& inputs,
                             std::size_t index);

// Run time: InputError unless `tensor` has `rank` dimensions.
void expect_rank(const Node& node, const Tensor& tensor, const char* what, std::size_t rank);

// Numpy (multidirectional) broadcasting of two shapes; InputError naming both if they do not.
std::vector<std::int64_t> broadcast_shapes(const Node& node, const std::vector<std::int64_t>& a,
                                           const std::vector<std::int64_t>& b);

// Strides (in elements) with which a tensor of `shape` is read when broadcast to `out`: the
// row-major strides of `shape`, aligned to the right of `out`, 0 where a dimension is broadcast.
std::vector<std::int64_t> broadcast_strides(const std::vector<std::int64_t>& shape,
                                            const std::vector<std::int64_t>& out);

// ---- 2-D sliding windows (Conv, MaxPool, AveragePool) -----------------------------------------

// One spatial axis of a resolved window: output size and the padding actually applied.
struct WindowAxis {
  std::int64_t kernel = 1;
  std::int64_t stride = 1;
  std::int64_t dilation = 1;
  std::int64_t pad_begin = 0;
  std::int64_t pad_end = 0;
  std::int64_t output = 0;
};

// Load time: kernel_shape (if `kernel_required`), strides, dilations and pads have the lengths of a
// 2-D window and sensible values, auto_pad is NOTSET, SAME_UPPER, SAME_LOWER or VALID, and pads is
// not combined with an auto_pad other than NOTSET.
void check_window_attributes(const Node& node, bool kernel_required);

// Run time: the windows along H and W of an input of spatial size in_h x in_w for a kernel of
// kernel_h x kernel_w. ceil_mode rounds the output size up (a window that would start inside the
// end padding is dropped, as PyTorch and ONNX opset 19 do). InputError if the output is empty.
void resolve_windows(const Node& node, std::int64_t in_h, std::int64_t in_w, std::int64_t kernel_h,
                     std::int64_t kernel_w, bool ceil_mode, WindowAxis& h, WindowAxis& w);

}  // namespace hawx::models
