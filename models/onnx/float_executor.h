// SPDX-License-Identifier: MIT
// The float32 reference execution of an imported Graph: each node runs its registered kernel
// (op_kernel.h) in the graph's topological order. It gives the float accuracy the int8 engine is
// compared with, and it is checked against the official ONNX backend node tests
// (tests/onnx/backend_node_test.cpp). Plain loops: correct first, fast enough for whole test sets
// of the zoo's networks, not the fast path.
//
// Promises:
// - The constructor accepts only graphs whose every node has a kernel and passes its load-time
//   check (always true for a graph from load_onnx); otherwise InputError naming file and node.
//   The executor keeps its own copy of the graph.
// - run() takes every graph input by name (an INT64 one, a Reshape shape, as float values, the
//   way load_tensor_proto returns it) and returns every graph output by name. An input that
//   is missing, unknown, or whose shape differs from the declared one (rank, and each dimension
//   the file states) is an InputError naming the file, the input and both shapes; so is a shape a
//   kernel cannot process, naming the node and its operator as well.
// - run() is const and keeps no state between calls: the same inputs give the same outputs, and
//   one executor may serve several threads at once.
// - Intermediate tensors are released after their last use, so a large batch costs the memory of
//   the widest layer, not of the whole network.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "models/onnx/graph.h"

namespace hawx::models {

struct OpKernel;

class FloatExecutor {
 public:
  explicit FloatExecutor(const Graph& graph);

  std::map<std::string, Tensor> run(const std::map<std::string, Tensor>& inputs) const;

  const Graph& graph() const { return graph_; }

 private:
  void check_inputs(const std::map<std::string, Tensor>& inputs) const;

  // Parameters.
  Graph graph_;
  // Derived once: the kernel of each node, and the values each node is the last user of.
  std::vector<const OpKernel*> kernels_;
  std::vector<std::vector<std::string>> release_after_;
};

}  // namespace hawx::models
