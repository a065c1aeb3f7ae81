// SPDX-License-Identifier: MIT
// A DNN as imported from ONNX: plain data, no execution. The float reference path
// (float_executor.h) and the int8 engine both start from it.
//
// Promises of load_onnx(): every node's operator is one this project executes (the registered
// kind "onnx-op"; `hawx-cosim list`), nodes are in topological order, initialisers are float32
// tensors, and any problem is an InputError naming the file and, where there is one, the node
// and its operator: a missing or unreadable file, bytes that are not an ONNX model, an
// unsupported operator or attribute value, an initialiser of another type, a dangling input.
// Two normalisations: an INT64 tensor (accepted only as Reshape's shape) is stored as float
// values holding the integers, and a Constant node always carries its tensor as attribute
// "value" (also when the file uses value_float(s) or value_int(s)).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace hawx::models {

// A dense float32 tensor, row-major (NCHW for images).
struct Tensor {
  std::vector<std::int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  Tensor(std::vector<std::int64_t> s, std::vector<float> d)
      : shape(std::move(s)), data(std::move(d)) {}
  explicit Tensor(std::vector<std::int64_t> s);  // zero-filled
  std::int64_t elements() const;                 // product of shape (1 for a scalar)
};

using Attribute = std::variant<std::int64_t, float, std::string, std::vector<std::int64_t>,
                               std::vector<float>, Tensor>;

struct Node {
  std::string name;  // the ONNX node name, or "<op_type>_<index>" when the file has none
  std::string op_type;
  std::vector<std::string> inputs;  // value names; "" for an omitted optional input
  std::vector<std::string> outputs;
  std::map<std::string, Attribute> attributes;

  // Typed attribute access with a default; InputError naming the node if the type is wrong.
  std::int64_t attr_int(const std::string& key, std::int64_t fallback) const;
  float attr_float(const std::string& key, float fallback) const;
  std::string attr_string(const std::string& key, const std::string& fallback) const;
  std::vector<std::int64_t> attr_ints(const std::string& key,
                                      const std::vector<std::int64_t>& fallback) const;
  bool has_attr(const std::string& key) const { return attributes.count(key) != 0; }
};

struct ValueInfo {
  std::string name;
  std::vector<std::int64_t> shape;  // -1 for a symbolic or unknown dimension
  bool rank_known = true;           // false when the file declares no shape at all
};

struct Graph {
  std::filesystem::path file;  // where it came from, for messages
  std::vector<Node> nodes;     // topological order
  std::map<std::string, Tensor> initializers;
  std::vector<ValueInfo> inputs;  // graph inputs that are not initialisers
  std::vector<ValueInfo> outputs;
  std::int64_t opset = 0;  // version of the default ONNX operator set ("" / "ai.onnx") it imports

  // The node producing `value`, or nullptr for graph inputs and initialisers.
  const Node* producer(const std::string& value) const;
  // The tensor `value` always holds: an initialiser or the output of a Constant node; nullptr for
  // anything computed or fed at run time.
  const Tensor* constant(const std::string& value) const;
};

Graph load_onnx(const std::filesystem::path& file);

// A serialised TensorProto (the backend tests' input_0.pb / output_0.pb), FLOAT or INT64, as
// float32.
Tensor load_tensor_proto(const std::filesystem::path& file);

}  // namespace hawx::models
