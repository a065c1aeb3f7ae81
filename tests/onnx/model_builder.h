// SPDX-License-Identifier: MIT
// Small ONNX models written by the tests themselves, through the onnx::ModelProto API: a builder
// for inputs, outputs, initialisers, nodes and attributes, and saving to a file.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace hawx::test {

class ModelBuilder {
 public:
  explicit ModelBuilder(std::int64_t opset = 13, std::int64_t ir_version = 7) {
    model_.set_ir_version(ir_version);
    model_.set_producer_name("hawx-cosim tests");
    auto* import = model_.add_opset_import();
    import->set_domain("");
    import->set_version(opset);
    model_.mutable_graph()->set_name("test");
  }

  onnx::ModelProto& model() { return model_; }
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }

  // A graph input or output; a negative dimension is written as a symbolic one ("N").
  void input(const std::string& name, const std::vector<std::int64_t>& dims,
             int type = onnx::TensorProto_DataType_FLOAT) {
    describe(graph().add_input(), name, dims, type);
  }
  void output(const std::string& name, const std::vector<std::int64_t>& dims,
              int type = onnx::TensorProto_DataType_FLOAT) {
    describe(graph().add_output(), name, dims, type);
  }

  // A float32 initialiser, in raw_data (little-endian bytes) or in float_data.
  onnx::TensorProto& initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                 const std::vector<float>& values, bool raw = true) {
    onnx::TensorProto& t = *graph().add_initializer();
    fill(t, name, dims, values, raw);
    return t;
  }

  // An INT64 initialiser (a shape), in raw_data or int64_data.
  onnx::TensorProto& int64_initializer(const std::string& name,
                                       const std::vector<std::int64_t>& values, bool raw = true) {
    onnx::TensorProto& t = *graph().add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto_DataType_INT64);
    t.add_dims(static_cast<std::int64_t>(values.size()));
    if (raw) {
      std::string bytes;
      for (std::int64_t v : values) {
        const auto bits = static_cast<std::uint64_t>(v);
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
      }
      t.set_raw_data(bytes);
    } else {
      for (std::int64_t v : values) t.add_int64_data(v);
    }
    return t;
  }

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& name = "") {
    onnx::NodeProto& n = *graph().add_node();
    n.set_op_type(op);
    if (!name.empty()) n.set_name(name);
    for (const auto& i : inputs) n.add_input(i);
    for (const auto& o : outputs) n.add_output(o);
    return n;
  }

  static void set(onnx::NodeProto& n, const std::string& key, std::int64_t value) {
    auto* a = attribute(n, key, onnx::AttributeProto_AttributeType_INT);
    a->set_i(value);
  }
  static void set(onnx::NodeProto& n, const std::string& key, int value) {
    set(n, key, static_cast<std::int64_t>(value));
  }
  static void set(onnx::NodeProto& n, const std::string& key, float value) {
    attribute(n, key, onnx::AttributeProto_AttributeType_FLOAT)->set_f(value);
  }
  static void set(onnx::NodeProto& n, const std::string& key, const char* value) {
    attribute(n, key, onnx::AttributeProto_AttributeType_STRING)->set_s(value);
  }
  static void set(onnx::NodeProto& n, const std::string& key,
                  const std::vector<std::int64_t>& values) {
    auto* a = attribute(n, key, onnx::AttributeProto_AttributeType_INTS);
    for (std::int64_t v : values) a->add_ints(v);
  }
  static void set_tensor(onnx::NodeProto& n, const std::string& key,
                         const std::vector<std::int64_t>& dims, const std::vector<float>& values) {
    auto* a = attribute(n, key, onnx::AttributeProto_AttributeType_TENSOR);
    fill(*a->mutable_t(), "", dims, values, false);
  }

  std::string bytes() const { return model_.SerializeAsString(); }

  std::filesystem::path save(const TempDir& dir, const std::string& name = "model.onnx") const {
    const auto file = dir / name;
    write_file(file, bytes());
    return file;
  }

 private:
  static void describe(onnx::ValueInfoProto* info, const std::string& name,
                       const std::vector<std::int64_t>& dims, int type) {
    info->set_name(name);
    auto* tensor = info->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(type);
    auto* shape = tensor->mutable_shape();
    for (std::int64_t d : dims) {
      if (d < 0) {
        shape->add_dim()->set_dim_param("N");
      } else {
        shape->add_dim()->set_dim_value(d);
      }
    }
  }

  static void fill(onnx::TensorProto& t, const std::string& name,
                   const std::vector<std::int64_t>& dims, const std::vector<float>& values,
                   bool raw) {
    t.set_name(name);
    t.set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (std::int64_t d : dims) t.add_dims(d);
    if (raw) {
      std::string bytes;
      for (float v : values) {
        std::uint32_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
      }
      t.set_raw_data(bytes);
    } else {
      for (float v : values) t.add_float_data(v);
    }
  }

  static onnx::AttributeProto* attribute(onnx::NodeProto& n, const std::string& key,
                                         onnx::AttributeProto_AttributeType type) {
    auto* a = n.add_attribute();
    a->set_name(key);
    a->set_type(type);
    return a;
  }

  onnx::ModelProto model_;
};

}  // namespace hawx::test
