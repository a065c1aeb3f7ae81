// SPDX-License-Identifier: MIT
// load_onnx and load_tensor_proto: ONNX protobuf -> Graph / Tensor (see graph.h for the promises).
//
// INT64 tensors (initialisers, graph inputs, Constant values) become float tensors holding the
// integer values; an error if one exceeds 2^24 (no longer exact in float32). They are accepted
// only where a kernel declares an integer input (OpKernel::integer_input: Reshape's shape).
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/errors.h"
#include "models/onnx/graph.h"
#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kLargestExactInteger = std::int64_t{1} << 24;

std::string read_bytes(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw InputError(file.string() + ": no such file");
  if (fs::is_directory(file, ec)) throw InputError(file.string() + ": is a folder, not a file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot be opened for reading");
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(file.string() + ": read error");
  return bytes;
}

std::string data_type_name(std::int32_t type) {
  const std::string& name = onnx::TensorProto_DataType_Name(type);
  return name.empty() ? "type " + std::to_string(type) : name;
}

// Little-endian decoding, whatever the host's byte order (raw_data is always little-endian).
std::uint64_t little_endian(const char* bytes, int size) {
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  }
  return value;
}

// A FLOAT or INT64 TensorProto as a float Tensor; `integer` tells which it was. `what` names it
// in messages ("initialiser 'w'").
Tensor convert_tensor(const onnx::TensorProto& proto, const std::string& what, bool& integer) {
  if (proto.data_location() == onnx::TensorProto_DataLocation_EXTERNAL) {
    throw InputError(what + " is stored as external data, which is not supported");
  }
  if (proto.has_segment()) throw InputError(what + " is segmented, which is not supported");
  const std::int32_t type = proto.data_type();
  if (type != onnx::TensorProto_DataType_FLOAT && type != onnx::TensorProto_DataType_INT64) {
    throw InputError(what + " has element type " + data_type_name(type) +
                     "; only FLOAT tensors are supported (and INT64 for a shape)");
  }
  integer = type == onnx::TensorProto_DataType_INT64;
  std::vector<std::int64_t> shape(proto.dims().begin(), proto.dims().end());
  std::int64_t count = 1;
  for (std::int64_t d : shape) {
    if (d < 0 || (d > 0 && count > (std::int64_t{1} << 40) / d)) {
      throw InputError(what + " has invalid dimensions " + shape_string(shape));
    }
    count *= d;
  }
  const std::size_t n = static_cast<std::size_t>(count);
  std::vector<float> data(n);
  const int width = integer ? 8 : 4;
  const std::string& raw = proto.raw_data();
  std::size_t stored = 0;
  if (proto.has_raw_data()) {
    stored = raw.size() / width;
    if (raw.size() % width == 0 && stored == n) {
      for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t bits = little_endian(raw.data() + i * width, width);
        if (integer) {
          data[i] = static_cast<float>(static_cast<std::int64_t>(bits));
        } else {
          const auto word = static_cast<std::uint32_t>(bits);
          std::memcpy(&data[i], &word, sizeof word);
        }
      }
    }
  } else if (integer) {
    stored = static_cast<std::size_t>(proto.int64_data_size());
    for (std::size_t i = 0; i < n && stored == n; ++i) {
      data[i] = static_cast<float>(proto.int64_data(static_cast<int>(i)));
    }
  } else {
    stored = static_cast<std::size_t>(proto.float_data_size());
    if (stored == n) std::copy(proto.float_data().begin(), proto.float_data().end(), data.begin());
  }
  if (stored != n || (proto.has_raw_data() && raw.size() % width != 0)) {
    throw InputError(what + " holds " + std::to_string(raw.size() ? raw.size() : stored) +
                     (proto.has_raw_data() ? " bytes" : " values") + ", its dimensions " +
                     shape_string(shape) + " need " + std::to_string(n) + " values of " +
                     data_type_name(type));
  }
  if (integer) {
    for (float v : data) {
      if (v > kLargestExactInteger || v < -kLargestExactInteger) {
        throw InputError(what + " holds the integer " + std::to_string(static_cast<double>(v)) +
                         ", beyond the 2^24 this importer represents exactly");
      }
    }
  }
  return Tensor(std::move(shape), std::move(data));
}

ValueInfo convert_value_info(const onnx::ValueInfoProto& proto, const std::string& what,
                             bool& integer) {
  ValueInfo info;
  info.name = proto.name();
  if (!proto.type().has_tensor_type()) {
    throw InputError(what + " '" + info.name +
                     "' is not a tensor (sequence, map and optional values are not supported)");
  }
  const auto& tensor = proto.type().tensor_type();
  const std::int32_t type = tensor.elem_type();
  integer = type == onnx::TensorProto_DataType_INT64;
  if (type != onnx::TensorProto_DataType_FLOAT && type != onnx::TensorProto_DataType_UNDEFINED &&
      !integer) {
    throw InputError(what + " '" + info.name + "' has element type " + data_type_name(type) +
                     "; only FLOAT tensors are supported (and INT64 for a shape)");
  }
  info.rank_known = tensor.has_shape();
  for (const auto& dim : tensor.shape().dim()) {
    info.shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : -1);
  }
  return info;
}

// Type of an attribute, inferred from the field that is set when an old file leaves it UNDEFINED.
onnx::AttributeProto_AttributeType attribute_type(const onnx::AttributeProto& a) {
  if (a.type() != onnx::AttributeProto_AttributeType_UNDEFINED) return a.type();
  if (a.has_f()) return onnx::AttributeProto_AttributeType_FLOAT;
  if (a.has_i()) return onnx::AttributeProto_AttributeType_INT;
  if (a.has_s()) return onnx::AttributeProto_AttributeType_STRING;
  if (a.has_t()) return onnx::AttributeProto_AttributeType_TENSOR;
  if (a.floats_size() > 0) return onnx::AttributeProto_AttributeType_FLOATS;
  if (a.ints_size() > 0) return onnx::AttributeProto_AttributeType_INTS;
  return onnx::AttributeProto_AttributeType_UNDEFINED;
}

Attribute convert_attribute(const onnx::AttributeProto& a, const Node& node, bool& integer) {
  integer = false;
  switch (attribute_type(a)) {
    case onnx::AttributeProto_AttributeType_FLOAT:
      return a.f();
    case onnx::AttributeProto_AttributeType_INT:
      return static_cast<std::int64_t>(a.i());
    case onnx::AttributeProto_AttributeType_STRING:
      return a.s();
    case onnx::AttributeProto_AttributeType_INTS:
      return std::vector<std::int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto_AttributeType_FLOATS:
      return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto_AttributeType_TENSOR:
      return convert_tensor(
          a.t(), "node '" + node.name + "' (" + node.op_type + "): attribute '" + a.name() + "'",
          integer);
    default:
      throw node_error(node, "attribute '" + a.name() + "' has type " +
                                 onnx::AttributeProto_AttributeType_Name(attribute_type(a)) +
                                 ", which is not supported");
  }
}

// Constant's scalar and list forms (value_float, value_ints, ...) become its tensor form "value".
void normalise_constant(Node& node, std::set<std::string>& integers) {
  bool integer = integers.count(node.outputs.empty() ? "" : node.outputs[0]) != 0;
  for (const char* key : {"value_float", "value_floats", "value_int", "value_ints"}) {
    auto it = node.attributes.find(key);
    if (it == node.attributes.end()) continue;
    Tensor value;
    if (const auto* f = std::get_if<float>(&it->second)) {
      value = Tensor({}, {*f});
    } else if (const auto* fs = std::get_if<std::vector<float>>(&it->second)) {
      value = Tensor({static_cast<std::int64_t>(fs->size())}, *fs);
    } else if (const auto* i = std::get_if<std::int64_t>(&it->second)) {
      value = Tensor({}, {static_cast<float>(*i)});
      integer = true;
    } else if (const auto* is = std::get_if<std::vector<std::int64_t>>(&it->second)) {
      value = Tensor({static_cast<std::int64_t>(is->size())},
                     std::vector<float>(is->begin(), is->end()));
      integer = true;
    } else {
      throw node_error(node, "attribute '" + std::string(key) + "' has the wrong type");
    }
    if (integer) {
      for (float v : value.data) {
        if (v > kLargestExactInteger || v < -kLargestExactInteger) {
          throw node_error(node, "attribute '" + std::string(key) +
                                     "' holds an integer beyond "
                                     "the 2^24 this importer represents exactly");
        }
      }
    }
    if (node.has_attr("value")) throw node_error(node, "has more than one value attribute");
    node.attributes.erase(it);
    node.attributes.emplace("value", std::move(value));
  }
  if (integer && !node.outputs.empty()) integers.insert(node.outputs[0]);
}

std::string supported_list() {
  std::string list;
  for (const auto& name : Registry<OnnxOpKind>::instance().names()) {
    list += (list.empty() ? "" : ", ") + name;
  }
  return list;
}

// Nodes in an order where every input is available before its use (stable: a file that is already
// sorted, as ONNX requires, keeps its order). InputError for a dangling input or a cycle.
std::vector<Node> sort_topologically(std::vector<Node> nodes, std::set<std::string> available) {
  std::vector<Node> sorted;
  std::vector<bool> done(nodes.size(), false);
  bool progress = true;
  while (sorted.size() < nodes.size() && progress) {
    progress = false;
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (const auto& input : nodes[i].inputs) {
        if (!input.empty() && available.count(input) == 0) ready = false;
      }
      if (!ready) continue;
      for (const auto& output : nodes[i].outputs) available.insert(output);
      sorted.push_back(std::move(nodes[i]));
      done[i] = true;
      progress = true;
    }
  }
  if (sorted.size() == nodes.size()) return sorted;
  std::set<std::string> produced;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!done[i]) produced.insert(nodes[i].outputs.begin(), nodes[i].outputs.end());
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (done[i]) continue;
    for (const auto& input : nodes[i].inputs) {
      if (input.empty() || available.count(input) != 0) continue;
      if (produced.count(input) != 0) {
        throw node_error(nodes[i], "input '" + input +
                                       "' depends on the node's own output "
                                       "(the graph has a cycle)");
      }
      throw node_error(nodes[i], "input '" + input +
                                     "' is not a graph input, an initialiser or the output of "
                                     "any node");
    }
  }
  throw Error("topological sort failed without a reason");
}

Graph build_graph(const onnx::ModelProto& model) {
  const onnx::GraphProto& proto = model.graph();
  const auto& kernels = Registry<OnnxOpKind>::instance();
  Graph graph;

  for (const auto& opset : model.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") graph.opset = opset.version();
  }
  if (graph.opset == 0) {
    if (model.ir_version() >= 3) {
      throw InputError("declares no version of the default ONNX operator set (opset_import)");
    }
    graph.opset = 1;
  }

  // Operators first: an unsupported one is the most useful message for a model from elsewhere.
  for (int i = 0; i < proto.node_size(); ++i) {
    const auto& n = proto.node(i);
    const std::string name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    const bool default_domain = n.domain().empty() || n.domain() == "ai.onnx";
    if (!default_domain || !kernels.contains(n.op_type())) {
      const std::string op = default_domain ? n.op_type() : n.domain() + "." + n.op_type();
      throw InputError("node '" + name + "' uses operator '" + op +
                       "', which is not supported; supported: " + supported_list());
    }
  }

  std::set<std::string> integers;  // values holding INT64 data
  if (proto.sparse_initializer_size() > 0) {
    throw InputError("sparse initialisers are not supported");
  }
  for (const auto& init : proto.initializer()) {
    const std::string what = "initialiser '" + init.name() + "'";
    if (init.name().empty()) throw InputError("an initialiser has no name");
    bool integer = false;
    Tensor tensor = convert_tensor(init, what, integer);
    if (!graph.initializers.emplace(init.name(), std::move(tensor)).second) {
      throw InputError(what + " is defined twice");
    }
    if (integer) integers.insert(init.name());
  }
  for (const auto& input : proto.input()) {
    if (graph.initializers.count(input.name()) != 0) continue;  // IR < 4 lists them as inputs too
    bool integer = false;
    graph.inputs.push_back(convert_value_info(input, "graph input", integer));
    if (integer) integers.insert(input.name());
  }
  for (const auto& output : proto.output()) {
    bool integer = false;
    graph.outputs.push_back(convert_value_info(output, "graph output", integer));
    if (integer) {
      throw InputError("graph output '" + output.name() +
                       "' has element type INT64; only FLOAT outputs are supported");
    }
  }

  std::set<std::string> available;
  for (const auto& [name, tensor] : graph.initializers) available.insert(name);
  for (const auto& input : graph.inputs) {
    if (!available.insert(input.name).second) {
      throw InputError("graph input '" + input.name + "' is declared twice");
    }
  }
  std::vector<Node> nodes;
  for (int i = 0; i < proto.node_size(); ++i) {
    const auto& n = proto.node(i);
    Node node;
    node.op_type = n.op_type();
    node.name = n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name();
    node.inputs.assign(n.input().begin(), n.input().end());
    while (!node.inputs.empty() && node.inputs.back().empty()) node.inputs.pop_back();
    node.outputs.assign(n.output().begin(), n.output().end());
    while (!node.outputs.empty() && node.outputs.back().empty()) node.outputs.pop_back();
    for (const auto& output : node.outputs) {
      if (output.empty()) throw node_error(node, "has an output without a name");
      if (available.count(output) != 0) {
        throw node_error(node, "output '" + output + "' is already defined elsewhere in the graph");
      }
    }
    for (const auto& a : n.attribute()) {
      bool integer = false;
      Attribute value = convert_attribute(a, node, integer);
      if (!node.attributes.emplace(a.name(), std::move(value)).second) {
        throw node_error(node, "attribute '" + a.name() + "' is given twice");
      }
      if (integer && node.op_type == "Constant" && !node.outputs.empty()) {
        integers.insert(node.outputs[0]);
      }
    }
    if (node.op_type == "Constant") normalise_constant(node, integers);
    nodes.push_back(std::move(node));
  }
  std::set<std::string> produced;
  for (const auto& node : nodes) {
    for (const auto& output : node.outputs) {
      if (!produced.insert(output).second) {
        throw node_error(node, "output '" + output + "' is produced by two nodes");
      }
    }
  }
  graph.nodes = sort_topologically(std::move(nodes), available);
  for (const auto& node : graph.nodes) available.insert(node.outputs.begin(), node.outputs.end());
  for (const auto& output : graph.outputs) {
    if (available.count(output.name) == 0) {
      throw InputError("graph output '" + output.name + "' is not produced by any node");
    }
    if (integers.count(output.name) != 0) {
      throw InputError("graph output '" + output.name +
                       "' holds INT64 values; only FLOAT outputs are supported");
    }
  }

  for (const auto& node : graph.nodes) {
    const OpKernel& kernel = kernels.get(node.op_type);
    for (std::size_t k = 0; k < node.inputs.size(); ++k) {
      if (integers.count(node.inputs[k]) == 0 || static_cast<int>(k) == kernel.integer_input) {
        continue;
      }
      throw node_error(node, "input " + std::to_string(k) + " ('" + node.inputs[k] +
                                 "') holds INT64 values; only FLOAT is supported here (INT64 "
                                 "only as Reshape's shape)");
    }
    kernel.check(node, graph);
  }
  return graph;
}

}  // namespace

Graph load_onnx(const std::filesystem::path& file) {
  const std::string bytes = read_bytes(file);
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    throw InputError(file.string() + ": not an ONNX model (protobuf parse failed)");
  }
  if (!model.has_ir_version()) {
    throw InputError(file.string() + ": not an ONNX model (no ir_version)");
  }
  if (!model.has_graph()) throw InputError(file.string() + ": not an ONNX model (no graph)");
  try {
    Graph graph = build_graph(model);
    graph.file = file;
    return graph;
  } catch (const InputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
}

Tensor load_tensor_proto(const std::filesystem::path& file) {
  const std::string bytes = read_bytes(file);
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) {
    throw InputError(file.string() + ": not a serialised ONNX TensorProto (protobuf parse failed)");
  }
  try {
    bool integer = false;
    return convert_tensor(proto, "tensor '" + proto.name() + "'", integer);
  } catch (const InputError& e) {
    throw InputError(file.string() + ": " + e.what());
  }
}

}  // namespace hawx::models
