// SPDX-License-Identifier: MIT
// Every way a model file or an input can be wrong that load_onnx and FloatExecutor promise to
// report: an InputError whose message names the file and, where there is one, the node and its
// operator, the attribute or the input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/errors.h"
#include "models/onnx/float_executor.h"
#include "models/onnx/graph.h"
#include "tests/onnx/model_builder.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

namespace fs = std::filesystem;
using hawx::test::ModelBuilder;
using hawx::test::TempDir;
using hawx::test::write_file;
using testing::AllOf;
using testing::HasSubstr;

using hawx::test::input_error_of;

std::string load_error(const fs::path& file) {
  return input_error_of([&] { load_onnx(file); });
}

// A valid single-Conv model with a 16x16x3x3 weight initialiser (9 KiB of raw_data).
ModelBuilder conv_model() {
  ModelBuilder b;
  b.input("x", {1, 16, 8, 8});
  b.output("y", {1, 16, 6, 6});
  b.initializer("w", {16, 16, 3, 3}, std::vector<float>(16 * 16 * 9, 0.5f));
  b.node("Conv", {"x", "w"}, {"y"}, "conv1");
  return b;
}

TEST(OnnxErrors, MissingFile) {
  TempDir dir;
  const auto file = dir / "absent.onnx";
  EXPECT_EQ(load_error(file), file.string() + ": no such file");
  EXPECT_EQ(input_error_of([&] { load_tensor_proto(file); }), file.string() + ": no such file");
}

TEST(OnnxErrors, RandomBytesAreNotAModel) {
  TempDir dir;
  std::mt19937 rng(4);
  std::string bytes(4096, '\0');
  for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
  bytes[0] = '\x07';  // field 0: invalid in every protobuf message
  const auto file = dir / "random.onnx";
  write_file(file, bytes);
  EXPECT_EQ(load_error(file), file.string() + ": not an ONNX model (protobuf parse failed)");
}

TEST(OnnxErrors, TruncatedModel) {
  TempDir dir;
  const std::string bytes = conv_model().bytes();
  const auto file = dir / "truncated.onnx";
  write_file(file, bytes.substr(0, bytes.size() / 2));  // ends inside the initialiser
  EXPECT_EQ(load_error(file), file.string() + ": not an ONNX model (protobuf parse failed)");
}

TEST(OnnxErrors, EmptyFileAndModelWithoutGraph) {
  TempDir dir;
  const auto empty = dir / "empty.onnx";
  write_file(empty, std::string());
  EXPECT_EQ(load_error(empty), empty.string() + ": not an ONNX model (no ir_version)");
  onnx::ModelProto model;
  model.set_ir_version(7);
  const auto no_graph = dir / "no_graph.onnx";
  write_file(no_graph, model.SerializeAsString());
  EXPECT_EQ(load_error(no_graph), no_graph.string() + ": not an ONNX model (no graph)");
}

TEST(OnnxErrors, UnsupportedOperatorNamesNodeOperatorAndFile) {
  TempDir dir;
  ModelBuilder b = conv_model();
  b.graph().mutable_output(0)->set_name("probs");
  b.graph().mutable_node(0)->set_output(0, "logits");
  b.node("Softmax", {"logits"}, {"probs"}, "classifier");
  const auto file = b.save(dir);
  EXPECT_EQ(load_error(file),
            file.string() +
                ": node 'classifier' uses operator 'Softmax', which is not supported; supported: "
                "Add, AveragePool, BatchNormalization, Clip, Constant, Conv, Flatten, Gemm, "
                "GlobalAveragePool, Identity, MatMul, MaxPool, Relu, Reshape");

  ModelBuilder lstm;  // an unnamed node is named after its operator and position
  lstm.input("x", {1, 1, 4});
  lstm.output("y", {1, 1, 1, 2});
  lstm.node("Relu", {"x"}, {"r"});
  lstm.node("LSTM", {"r", "w", "u"}, {"y"});
  const auto lstm_file = lstm.save(dir, "lstm.onnx");
  EXPECT_THAT(load_error(lstm_file),
              AllOf(HasSubstr(lstm_file.string() + ": node 'LSTM_1' uses operator 'LSTM'"),
                    HasSubstr("not supported")));

  ModelBuilder custom;  // an operator of another domain is not the ONNX one of the same name
  custom.input("x", {1});
  custom.output("y", {1});
  custom.node("Relu", {"x"}, {"y"}, "act").set_domain("com.example");
  EXPECT_THAT(load_error(custom.save(dir, "custom.onnx")),
              HasSubstr("node 'act' uses operator 'com.example.Relu'"));
}

// A supported operator with an attribute value, arity or input the kernels do not execute.
TEST(OnnxErrors, UnsupportedAttributeValues) {
  TempDir dir;
  struct Case {
    const char* what;
    std::string expected;
    void (*edit)(ModelBuilder&);
  };
  const std::vector<Case> cases = {
      {"3-D kernel",
       "node 'conv1' (Conv): attribute 'kernel_shape' has 3 values, expected 2; only 2-D",
       [](ModelBuilder& b) {
         ModelBuilder::set(*b.graph().mutable_node(0), "kernel_shape",
                           std::vector<std::int64_t>{3, 3, 3});
       }},
      {"auto_pad", "node 'conv1' (Conv): attribute 'auto_pad' = 'SAME' is not supported",
       [](ModelBuilder& b) { ModelBuilder::set(*b.graph().mutable_node(0), "auto_pad", "SAME"); }},
      {"unknown attribute", "node 'conv1' (Conv): attribute 'output_padding' is not supported",
       [](ModelBuilder& b) {
         ModelBuilder::set(*b.graph().mutable_node(0), "output_padding",
                           std::vector<std::int64_t>{1, 1});
       }},
      {"attribute type", "node 'conv1' (Conv): attribute 'group' is a float, expected an int",
       [](ModelBuilder& b) { ModelBuilder::set(*b.graph().mutable_node(0), "group", 2.0f); }},
      {"groups", "node 'conv1' (Conv): 16 filters do not split into 3 groups",
       [](ModelBuilder& b) { ModelBuilder::set(*b.graph().mutable_node(0), "group", 3); }},
      {"MaxPool Indices", "node 'pool' (MaxPool): has 2 outputs; only its first output",
       [](ModelBuilder& b) {
         auto& n = b.node("MaxPool", {"y"}, {"p", "indices"}, "pool");
         ModelBuilder::set(n, "kernel_shape", std::vector<std::int64_t>{2, 2});
       }},
      {"BN training",
       "node 'bn' (BatchNormalization): attribute 'training_mode' = 1 is not supported",
       [](ModelBuilder& b) {
         for (const char* name : {"s", "c", "m", "v"})
           b.initializer(name, {16}, std::vector<float>(16, 1));
         auto& n = b.node("BatchNormalization", {"y", "s", "c", "m", "v"}, {"z"}, "bn");
         ModelBuilder::set(n, "training_mode", 1);
       }},
      {"legacy Add axis", "node 'add' (Add): attribute 'axis' is not supported",
       [](ModelBuilder& b) {
         ModelBuilder::set(b.node("Add", {"y", "y"}, {"z"}, "add"), "axis", 1);
       }},
      {"missing required input", "node 'gemm' (Gemm): has 1 input, expected 2 to 3",
       [](ModelBuilder& b) { b.node("Gemm", {"y"}, {"z"}, "gemm"); }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    ModelBuilder b = conv_model();
    c.edit(b);
    const auto file = b.save(dir, std::string(c.what) + ".onnx");
    EXPECT_THAT(load_error(file), HasSubstr(file.string() + ": " + c.expected));
  }
}

TEST(OnnxErrors, InitialisersOfOtherTypesAndPlaces) {
  TempDir dir;
  {
    ModelBuilder b = conv_model();
    b.graph().mutable_initializer(0)->set_data_type(onnx::TensorProto_DataType_DOUBLE);
    const auto file = b.save(dir, "double.onnx");
    EXPECT_EQ(load_error(file), file.string() +
                                    ": initialiser 'w' has element type DOUBLE; only FLOAT "
                                    "tensors are supported (and INT64 for a shape)");
  }
  {
    ModelBuilder b = conv_model();
    b.graph().mutable_initializer(0)->mutable_raw_data()->resize(100);
    const auto file = b.save(dir, "short.onnx");
    EXPECT_THAT(load_error(file), HasSubstr(file.string() + ": initialiser 'w' holds 100 bytes"));
  }
  {
    ModelBuilder b = conv_model();
    b.graph().mutable_initializer(0)->set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    const auto file = b.save(dir, "external.onnx");
    EXPECT_THAT(load_error(file), HasSubstr("initialiser 'w' is stored as external data"));
  }
  {
    ModelBuilder b;  // INT64 is accepted as Reshape's shape only
    b.input("x", {2});
    b.output("y", {2});
    b.int64_initializer("k", {1, 2});
    b.node("Add", {"x", "k"}, {"y"}, "add");
    const auto file = b.save(dir, "int64.onnx");
    EXPECT_THAT(load_error(file),
                HasSubstr(file.string() + ": node 'add' (Add): input 1 ('k') holds INT64 values"));
  }
}

TEST(OnnxErrors, DanglingInputAndCycle) {
  TempDir dir;
  ModelBuilder dangling = conv_model();
  dangling.graph().mutable_node(0)->set_input(1, "weights");
  const auto file = dangling.save(dir, "dangling.onnx");
  EXPECT_EQ(load_error(file), file.string() +
                                  ": node 'conv1' (Conv): input 'weights' is not a graph input, "
                                  "an initialiser or the output of any node");

  ModelBuilder cycle;
  cycle.input("x", {1});
  cycle.output("y", {1});
  cycle.node("Add", {"x", "b"}, {"a"}, "first");
  cycle.node("Relu", {"a"}, {"b"}, "second");
  cycle.node("Identity", {"b"}, {"y"}, "third");
  EXPECT_THAT(load_error(cycle.save(dir, "cycle.onnx")), HasSubstr("(the graph has a cycle)"));

  ModelBuilder no_output = conv_model();
  no_output.output("extra", {1});
  EXPECT_THAT(load_error(no_output.save(dir, "no_output.onnx")),
              HasSubstr("graph output 'extra' is not produced by any node"));
}

TEST(OnnxErrors, WrongInputsToTheExecutor) {
  TempDir dir;
  const auto file = conv_model().save(dir);
  const FloatExecutor executor(load_onnx(file));
  EXPECT_EQ(input_error_of([&] {
              executor.run({{"x", Tensor({1, 1, 28, 28})}});
            }),
            file.string() +
                ": input 'x' has shape [1, 1, 28, 28], the model expects [1, 16, 8, 8] ('?' for a "
                "dimension of any size)");
  EXPECT_THAT(input_error_of([&] {
                executor.run({{"x", Tensor({16, 8, 8})}});
              }),
              HasSubstr("input 'x' has shape [16, 8, 8], the model expects [1, 16, 8, 8]"));
  EXPECT_EQ(input_error_of([&] { executor.run({}); }),
            file.string() + ": input 'x' (shape [1, 16, 8, 8]) is not given");
  EXPECT_EQ(input_error_of([&] {
              executor.run({{"x", Tensor({1, 16, 8, 8})}, {"image", Tensor({1})}});
            }),
            file.string() + ": the model has no input 'image'; its inputs: x");
  EXPECT_THAT(input_error_of([&] {
                executor.run({{"x", Tensor({1, 16, 8, 8}, {1, 2})}});
              }),
              HasSubstr("input 'x' holds 2 values, but its shape [1, 16, 8, 8] needs 1024"));
}

// A symbolic batch dimension accepts any batch; a shape no kernel can process is reported with
// the node at run time.
TEST(OnnxErrors, ShapeErrorsAtRunTimeNameTheNode) {
  TempDir dir;
  ModelBuilder b;
  b.input("a", {-1, 3});
  b.input("c", {-1, -1});
  b.output("y", {-1, 3});
  b.node("Add", {"a", "c"}, {"y"}, "sum");
  const auto file = b.save(dir);
  const FloatExecutor executor(load_onnx(file));
  EXPECT_EQ(executor.run({{"a", Tensor({5, 3})}, {"c", Tensor({1, 3})}}).at("y").shape.size(), 2u);
  EXPECT_THAT(
      input_error_of([&] {
        executor.run({{"a", Tensor({2, 3})}, {"c", Tensor({2, 4})}});
      }),
      HasSubstr(file.string() + ": node 'sum' (Add): shapes [2, 3] and [2, 4] do not broadcast"));
}

}  // namespace
}  // namespace hawx::models
