// SPDX-License-Identifier: MIT
// Tiny ONNX graphs written here through the protobuf API, loaded by load_onnx and run by the
// FloatExecutor, against results worked out by hand (the numbers in the comments).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "core/registry.h"
#include "models/onnx/float_executor.h"
#include "models/onnx/graph.h"
#include "models/onnx/op_kernel.h"
#include "tests/onnx/model_builder.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

using hawx::test::ModelBuilder;
using hawx::test::TempDir;
using testing::ElementsAre;
using testing::ElementsAreArray;
using testing::FloatNear;
using testing::Pointwise;

// Loads the model and runs it on `inputs`; the single output named "y".
Tensor run_y(const ModelBuilder& builder, const std::map<std::string, Tensor>& inputs) {
  TempDir dir;
  const Graph graph = load_onnx(builder.save(dir));
  return FloatExecutor(graph).run(inputs).at("y");
}

std::vector<float> iota(int n, float start = 1.0f) {
  std::vector<float> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = start + static_cast<float>(i);
  return v;
}

MATCHER_P(ValuesNear, expected, "") {
  return testing::ExplainMatchResult(Pointwise(FloatNear(1e-5f), expected), arg.data,
                                     result_listener);
}

TEST(OnnxRegistry, EveryOperatorOfTheIssueIsRegistered) {
  const auto names = Registry<OnnxOpKind>::instance().names();
  EXPECT_THAT(names, ElementsAre("Add", "AveragePool", "BatchNormalization", "Clip", "Constant",
                                 "Conv", "Flatten", "Gemm", "GlobalAveragePool", "Identity",
                                 "MatMul", "MaxPool", "Relu", "Reshape"));
}

// x = 1..9 as 3x3, k = [[1, 2], [3, 4]], bias 1:
// y00 = 1*1 + 2*2 + 4*3 + 5*4 + 1 = 38, y01 = 48, y10 = 68, y11 = 78.
TEST(OnnxGraph, ConvWithKnownKernel) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 3});
  b.output("y", {1, 1, 2, 2});
  b.initializer("w", {1, 1, 2, 2}, {1, 2, 3, 4});
  b.initializer("b", {1}, {1}, /*raw=*/false);
  b.node("Conv", {"x", "w", "b"}, {"y"});
  const Tensor y = run_y(b, {{"x", Tensor({1, 1, 3, 3}, iota(9))}});
  EXPECT_THAT(y.shape, ElementsAre(1, 1, 2, 2));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{38, 48, 68, 78}));
}

// Pads 1, stride 2 on the same input: windows start at -1 and 1.
// y00 = x00*4 = 4; y01 = x01*3 + x02*4 = 18; y10 = x10*2 + x20*4 = 36; y11 = 5+12+24+36 = 77.
TEST(OnnxGraph, ConvWithPadsAndStrides) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 3});
  b.output("y", {1, 1, 2, 2});
  b.initializer("w", {1, 1, 2, 2}, {1, 2, 3, 4});
  auto& n = b.node("Conv", {"x", "w"}, {"y"});
  ModelBuilder::set(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  ModelBuilder::set(n, "strides", std::vector<std::int64_t>{2, 2});
  ModelBuilder::set(n, "kernel_shape", std::vector<std::int64_t>{2, 2});
  const Tensor y = run_y(b, {{"x", Tensor({1, 1, 3, 3}, iota(9))}});
  EXPECT_THAT(y, ValuesNear(std::vector<float>{4, 18, 36, 77}));
}

// Dilation 2 turns the 2x2 kernel of ones into the four corners: 1 + 3 + 7 + 9 = 20.
TEST(OnnxGraph, ConvWithDilations) {
  ModelBuilder b;
  b.input("x", {1, 1, 3, 3});
  b.output("y", {1, 1, 1, 1});
  b.initializer("w", {1, 1, 2, 2}, {1, 1, 1, 1});
  auto& n = b.node("Conv", {"x", "w"}, {"y"});
  ModelBuilder::set(n, "dilations", std::vector<std::int64_t>{2, 2});
  EXPECT_THAT(run_y(b, {{"x", Tensor({1, 1, 3, 3}, iota(9))}}), ValuesNear(std::vector<float>{20}));
}

// Two groups, two 1x1 filters per group: filters 0 and 1 see channel 0 only (weights 1, 2),
// filters 2 and 3 channel 1 only (weights 3, 4).
TEST(OnnxGraph, GroupedConvMapsFiltersToTheirGroup) {
  ModelBuilder b;
  b.input("x", {1, 2, 1, 2});
  b.output("y", {1, 4, 1, 2});
  b.initializer("w", {4, 1, 1, 1}, {1, 2, 3, 4});
  b.initializer("b", {4}, {0, 0, 0, 0.5f});
  auto& n = b.node("Conv", {"x", "w", "b"}, {"y"});
  ModelBuilder::set(n, "group", 2);
  const Tensor y = run_y(b, {{"x", Tensor({1, 2, 1, 2}, {1, 2, 10, 20})}});
  EXPECT_THAT(y.shape, ElementsAre(1, 4, 1, 2));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{1, 2, 2, 4, 30, 60, 40.5f, 80.5f}));
}

// Depthwise 3x3 box filter with padding 1 on a 3x3 image of ones: each output counts the
// in-image neighbours, 4 at a corner, 6 on an edge, 9 in the centre; channel 1 is scaled by 2.
TEST(OnnxGraph, DepthwiseConvWithSameUpperPadding) {
  ModelBuilder b;
  b.input("x", {1, 2, 3, 3});
  b.output("y", {1, 2, 3, 3});
  std::vector<float> w(18, 1.0f);
  std::fill(w.begin() + 9, w.end(), 2.0f);
  b.initializer("w", {2, 1, 3, 3}, w);
  auto& n = b.node("Conv", {"x", "w"}, {"y"});
  ModelBuilder::set(n, "group", 2);
  ModelBuilder::set(n, "auto_pad", "SAME_UPPER");
  const Tensor y = run_y(b, {{"x", Tensor({1, 2, 3, 3}, std::vector<float>(18, 1.0f))}});
  EXPECT_THAT(y, ValuesNear(std::vector<float>{4, 6, 4, 6, 9, 6, 4, 6, 4,  //
                                               8, 12, 8, 12, 18, 12, 8, 12, 8}));
}

// A = [[1, 2, 3], [4, 5, 6]], B given transposed as [[1, 0, 1], [0, 1, 0]]:
// A * B^T = [[4, 2], [10, 5]]; alpha 2, beta 0.5, C = [10, 20] broadcast over rows:
// [[8 + 5, 4 + 10], [20 + 5, 10 + 10]] = [[13, 14], [25, 20]].
TEST(OnnxGraph, GemmWithTransBAlphaBetaAndBroadcastBias) {
  ModelBuilder b;
  b.input("a", {2, 3});
  b.output("y", {2, 2});
  b.initializer("bt", {2, 3}, {1, 0, 1, 0, 1, 0});
  b.initializer("c", {2}, {10, 20});
  auto& n = b.node("Gemm", {"a", "bt", "c"}, {"y"});
  ModelBuilder::set(n, "transB", 1);
  ModelBuilder::set(n, "alpha", 2.0f);
  ModelBuilder::set(n, "beta", 0.5f);
  const Tensor y = run_y(b, {{"a", Tensor({2, 3}, iota(6))}});
  EXPECT_THAT(y.shape, ElementsAre(2, 2));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{13, 14, 25, 20}));
}

// PyTorch's Linear as MatMul + Add: [1, 2, 3] * [[1, 0], [0, 1], [1, 1]] = [4, 5], + [0.5, -0.5].
TEST(OnnxGraph, MatMulPlusAdd) {
  ModelBuilder b;
  b.input("x", {1, 3});
  b.output("y", {1, 2});
  b.initializer("w", {3, 2}, {1, 0, 0, 1, 1, 1});
  b.initializer("bias", {2}, {0.5f, -0.5f});
  b.node("MatMul", {"x", "w"}, {"h"});
  b.node("Add", {"h", "bias"}, {"y"});
  EXPECT_THAT(run_y(b, {{"x", Tensor({1, 3}, {1, 2, 3})}}),
              ValuesNear(std::vector<float>{4.5f, 4.5f}));
}

// Batched MatMul broadcasting a 2-D right operand: [I, 2I] * B = [B, 2B].
TEST(OnnxGraph, MatMulBroadcastsBatchDimensions) {
  ModelBuilder b;
  b.input("a", {2, 2, 2});
  b.output("y", {2, 2, 2});
  b.initializer("b", {2, 2}, {1, 2, 3, 4});
  b.node("MatMul", {"a", "b"}, {"y"});
  const Tensor y = run_y(b, {{"a", Tensor({2, 2, 2}, {1, 0, 0, 1, 2, 0, 0, 2})}});
  EXPECT_THAT(y.shape, ElementsAre(2, 2, 2));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{1, 2, 3, 4, 2, 4, 6, 8}));
}

// Add broadcasting both ways: [2, 1] + [3] -> [2, 3].
TEST(OnnxGraph, AddBroadcastsBothOperands) {
  ModelBuilder b;
  b.input("a", {2, 1});
  b.input("c", {3});
  b.output("y", {2, 3});
  b.node("Add", {"a", "c"}, {"y"});
  const Tensor y = run_y(b, {{"a", Tensor({2, 1}, {10, 20})}, {"c", Tensor({3}, {1, 2, 3})}});
  EXPECT_THAT(y.shape, ElementsAre(2, 3));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{11, 12, 13, 21, 22, 23}));
}

// Conv (1x1, w = 2, b = 1) then BatchNormalization (scale 3, bias 0.5, mean 1, var 4, eps 0):
// x = 2 -> 5 -> 3 * (5 - 1) / 2 + 0.5 = 6.5, which the folded conv (w' = 2 * 3 / 2 = 3,
// b' = (1 - 1) * 3 / 2 + 0.5 = 0.5) also gives: 3 * 2 + 0.5. x = -1 -> -1 -> -2.5.
TEST(OnnxGraph, ConvThenBatchNormalizationEqualsTheFoldedValue) {
  ModelBuilder b;
  b.input("x", {1, 1, 1, 2});
  b.output("y", {1, 1, 1, 2});
  b.initializer("w", {1, 1, 1, 1}, {2});
  b.initializer("b", {1}, {1});
  b.initializer("scale", {1}, {3});
  b.initializer("shift", {1}, {0.5f});
  b.initializer("mean", {1}, {1});
  b.initializer("var", {1}, {4});
  b.node("Conv", {"x", "w", "b"}, {"h"});
  auto& bn = b.node("BatchNormalization", {"h", "scale", "shift", "mean", "var"}, {"y"});
  ModelBuilder::set(bn, "epsilon", 0.0f);
  EXPECT_THAT(run_y(b, {{"x", Tensor({1, 1, 1, 2}, {2, -1})}}),
              ValuesNear(std::vector<float>{6.5f, -2.5f}));
}

// Per-channel BN: channel 0 (scale 3, bias 0.5, mean 1, var 4): 2 -> 2, 4 -> 5;
// channel 1 (scale 1, bias -1, mean 0, var 0.25 - eps): 0 -> -1, 1 -> 1.
TEST(OnnxGraph, BatchNormalizationPerChannel) {
  ModelBuilder b;
  b.input("x", {1, 2, 1, 2});
  b.output("y", {1, 2, 1, 2});
  b.initializer("scale", {2}, {3, 1});
  b.initializer("shift", {2}, {0.5f, -1});
  b.initializer("mean", {2}, {1, 0});
  b.initializer("var", {2}, {4 - 1e-3f, 0.25f - 1e-3f});
  auto& bn = b.node("BatchNormalization", {"x", "scale", "shift", "mean", "var"}, {"y"});
  ModelBuilder::set(bn, "epsilon", 1e-3f);
  EXPECT_THAT(run_y(b, {{"x", Tensor({1, 2, 1, 2}, {2, 4, 0, 1})}}),
              ValuesNear(std::vector<float>{2, 5, -1, 1}));
}

// Reshape [2, 3, 4] with the INT64 shape [0, -1] (raw_data): 0 copies 2, -1 becomes 12; then a
// Constant value_ints [-1, 4] gives [6, 4]. The values pass through unchanged.
TEST(OnnxGraph, ReshapeWithZeroAndMinusOne) {
  ModelBuilder b;
  b.input("x", {2, 3, 4});
  b.output("y", {6, 4});
  b.output("h", {2, 12});
  b.int64_initializer("shape", {0, -1});
  auto& c = b.node("Constant", {}, {"shape2"});
  auto* a = c.add_attribute();
  a->set_name("value_ints");
  a->set_type(onnx::AttributeProto_AttributeType_INTS);
  a->add_ints(-1);
  a->add_ints(4);
  b.node("Reshape", {"x", "shape"}, {"h"});
  b.node("Reshape", {"h", "shape2"}, {"y"});
  TempDir dir;
  const Graph graph = load_onnx(b.save(dir));
  const auto out = FloatExecutor(graph).run({{"x", Tensor({2, 3, 4}, iota(24))}});
  EXPECT_THAT(out.at("h").shape, ElementsAre(2, 12));
  EXPECT_THAT(out.at("y").shape, ElementsAre(6, 4));
  EXPECT_EQ(out.at("y").data, iota(24));
  EXPECT_THAT(graph.constant("shape2")->data, ElementsAre(-1, 4));  // value_ints -> tensor
}

TEST(OnnxGraph, ReshapeShapeInInt64DataAndFlattenWithNegativeAxis) {
  ModelBuilder b;
  b.input("x", {1, 2, 2, 2});
  b.output("y", {4, 2});
  b.output("z", {2, 4});
  b.int64_initializer("shape", {2, 0, -1}, /*raw=*/false);
  b.node("Reshape", {"x", "shape"}, {"r"});  // [2, 2, 2]
  auto& f = b.node("Flatten", {"r"}, {"z"});
  ModelBuilder::set(f, "axis", -2);  // [2] x [2, 2] -> [2, 4]
  auto& g = b.node("Flatten", {"x"}, {"y"});
  ModelBuilder::set(g, "axis", -1);  // [1, 2, 2] x [2] -> [4, 2]
  TempDir dir;
  const auto out =
      FloatExecutor(load_onnx(b.save(dir))).run({{"x", Tensor({1, 2, 2, 2}, iota(8))}});
  EXPECT_THAT(out.at("y").shape, ElementsAre(4, 2));
  EXPECT_THAT(out.at("z").shape, ElementsAre(2, 4));
  EXPECT_EQ(out.at("z").data, iota(8));
}

// ReLU6 as an opset-6 Clip (bounds as attributes) and as an opset-13 Clip (bounds as inputs).
TEST(OnnxGraph, ClipWithAttributesAndWithInputs) {
  ModelBuilder old(6);
  old.input("x", {4});
  old.output("y", {4});
  auto& n = old.node("Clip", {"x"}, {"y"});
  ModelBuilder::set(n, "min", 0.0f);
  ModelBuilder::set(n, "max", 6.0f);
  const Tensor x({4}, {-1, 3, 7, 6});
  EXPECT_THAT(run_y(old, {{"x", x}}), ValuesNear(std::vector<float>{0, 3, 6, 6}));

  ModelBuilder now(13);
  now.input("x", {4});
  now.output("y", {4});
  now.initializer("lo", {}, {0});
  now.initializer("hi", {}, {6});
  now.node("Clip", {"x", "lo", "hi"}, {"y"});
  EXPECT_THAT(run_y(now, {{"x", x}}), ValuesNear(std::vector<float>{0, 3, 6, 6}));

  ModelBuilder max_only(13);  // min omitted: "" in the file
  max_only.input("x", {4});
  max_only.output("y", {4});
  max_only.initializer("hi", {}, {2});
  max_only.node("Clip", {"x", "", "hi"}, {"y"});
  EXPECT_THAT(run_y(max_only, {{"x", x}}), ValuesNear(std::vector<float>{-1, 2, 2, 2}));
}

// 4x4 image 1..16: 2x2 max pooling -> [6, 8, 14, 16]; 2x2 average -> [3.5, 5.5, 11.5, 13.5].
TEST(OnnxGraph, MaxAndAveragePool) {
  for (const char* op : {"MaxPool", "AveragePool"}) {
    SCOPED_TRACE(op);
    ModelBuilder b;
    b.input("x", {1, 1, 4, 4});
    b.output("y", {1, 1, 2, 2});
    auto& n = b.node(op, {"x"}, {"y"});
    ModelBuilder::set(n, "kernel_shape", std::vector<std::int64_t>{2, 2});
    ModelBuilder::set(n, "strides", std::vector<std::int64_t>{2, 2});
    const Tensor y = run_y(b, {{"x", Tensor({1, 1, 4, 4}, iota(16))}});
    EXPECT_THAT(
        y, ValuesNear(std::string(op) == "MaxPool" ? std::vector<float>{6, 8, 14, 16}
                                                   : std::vector<float>{3.5f, 5.5f, 11.5f, 13.5f}));
  }
}

// A 3x3 window with pads 1 over a 2x2 image [1, 2, 3, 4] always covers the whole image: the
// average is 10 / 4 = 2.5 without the padding, 10 / 9 with it.
TEST(OnnxGraph, AveragePoolCountIncludePad) {
  for (int include : {0, 1}) {
    ModelBuilder b;
    b.input("x", {1, 1, 2, 2});
    b.output("y", {1, 1, 2, 2});
    auto& n = b.node("AveragePool", {"x"}, {"y"});
    ModelBuilder::set(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
    ModelBuilder::set(n, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
    ModelBuilder::set(n, "count_include_pad", include);
    const float v = include ? 10.0f / 9.0f : 2.5f;
    EXPECT_THAT(run_y(b, {{"x", Tensor({1, 1, 2, 2}, {1, 2, 3, 4})}}),
                ValuesNear(std::vector<float>{v, v, v, v}));
  }
}

// 3x3 max pooling, stride 2, ceil_mode over a 4x4 image: 2x2 outputs whose last windows are cut
// by the image border: [11, 12, 15, 16].
TEST(OnnxGraph, MaxPoolCeilMode) {
  ModelBuilder b;
  b.input("x", {1, 1, 4, 4});
  b.output("y", {1, 1, 2, 2});
  auto& n = b.node("MaxPool", {"x"}, {"y"});
  ModelBuilder::set(n, "kernel_shape", std::vector<std::int64_t>{3, 3});
  ModelBuilder::set(n, "strides", std::vector<std::int64_t>{2, 2});
  ModelBuilder::set(n, "ceil_mode", 1);
  const Tensor y = run_y(b, {{"x", Tensor({1, 1, 4, 4}, iota(16))}});
  EXPECT_THAT(y.shape, ElementsAre(1, 1, 2, 2));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{11, 12, 15, 16}));
}

TEST(OnnxGraph, GlobalAveragePoolReluIdentity) {
  ModelBuilder b;
  b.input("x", {1, 2, 2, 2});
  b.output("y", {1, 2, 1, 1});
  b.node("GlobalAveragePool", {"x"}, {"g"});
  b.node("Relu", {"g"}, {"r"});
  b.node("Identity", {"r"}, {"y"});
  const Tensor y = run_y(b, {{"x", Tensor({1, 2, 2, 2}, {1, 2, 3, 4, -5, -6, -7, -8})}});
  EXPECT_THAT(y.shape, ElementsAre(1, 2, 1, 1));
  EXPECT_THAT(y, ValuesNear(std::vector<float>{2.5f, 0}));
}

// A small network end to end, nodes written in reverse order and without names, a Constant
// feeding Add, a symbolic batch dimension and a batch of two.
TEST(OnnxGraph, UnorderedUnnamedNodesAreSortedAndNamed) {
  ModelBuilder b;
  b.input("x", {-1, 1, 2, 2});
  b.output("y", {-1, 2});
  b.initializer("w", {2, 4}, {1, 1, 1, 1, 1, -1, 1, -1});
  ModelBuilder::set(b.node("Gemm", {"f", "w", "k"}, {"y"}), "transB", 1);
  b.node("Flatten", {"r"}, {"f"});
  b.node("Relu", {"x"}, {"r"});
  ModelBuilder::set_tensor(b.node("Constant", {}, {"k"}), "value", {2}, {100, 200});
  TempDir dir;
  const Graph graph = load_onnx(b.save(dir));
  std::vector<std::string> order;
  for (const auto& node : graph.nodes) order.push_back(node.name);
  EXPECT_THAT(order, ElementsAre("Relu_2", "Constant_3", "Flatten_1", "Gemm_0"));
  EXPECT_EQ(graph.producer("f")->op_type, "Flatten");
  EXPECT_EQ(graph.producer("x"), nullptr);
  EXPECT_EQ(graph.producer("w"), nullptr);
  ASSERT_NE(graph.constant("k"), nullptr);
  EXPECT_EQ(graph.constant("f"), nullptr);
  EXPECT_EQ(graph.opset, 13);
  ASSERT_EQ(graph.inputs.size(), 1u);
  EXPECT_THAT(graph.inputs[0].shape, ElementsAre(-1, 1, 2, 2));
  // Image 0: relu [1, 0, 3, 0] -> [4, 4] + [100, 200]; image 1: [1, 2, 3, 4] -> [10, -2] + k.
  const auto out =
      FloatExecutor(graph).run({{"x", Tensor({2, 1, 2, 2}, {1, -2, 3, -4, 1, 2, 3, 4})}});
  EXPECT_THAT(out.at("y").shape, ElementsAre(2, 2));
  EXPECT_THAT(out.at("y"), ValuesNear(std::vector<float>{104, 204, 110, 198}));
}

// The same executor on two threads at once gives what it gives on one.
TEST(OnnxGraph, ExecutorServesSeveralThreads) {
  ModelBuilder b;
  b.input("x", {-1, 2, 6, 6});
  b.output("y", {-1, 4, 3, 3});
  std::vector<float> w(4 * 2 * 3 * 3);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) - 3.0f;
  b.initializer("w", {4, 2, 3, 3}, w);
  auto& conv = b.node("Conv", {"x", "w"}, {"c"});
  ModelBuilder::set(conv, "pads", std::vector<std::int64_t>{1, 1, 1, 1});
  b.node("Relu", {"c"}, {"r"});
  auto& pool = b.node("MaxPool", {"r"}, {"y"});
  ModelBuilder::set(pool, "kernel_shape", std::vector<std::int64_t>{2, 2});
  ModelBuilder::set(pool, "strides", std::vector<std::int64_t>{2, 2});
  TempDir dir;
  const FloatExecutor executor(load_onnx(b.save(dir)));
  const std::map<std::string, Tensor> inputs{{"x", Tensor({8, 2, 6, 6}, iota(8 * 72, -200))}};
  const Tensor expected = executor.run(inputs).at("y");
  std::vector<Tensor> results(2);
  std::vector<std::thread> threads;
  for (auto& result : results) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) result = executor.run(inputs).at("y");
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& result : results) EXPECT_EQ(result.data, expected.data);
}

// IR version 3 files (old PyTorch exports) list initialisers among the graph inputs as well;
// those are not inputs to be fed. float_data and raw_data initialisers load alike.
TEST(OnnxGraph, InitialisersListedAsInputsAreNotInputs) {
  ModelBuilder b(6, 3);
  b.input("x", {1, 2});
  b.input("w", {2, 1});
  b.output("y", {1, 1});
  b.initializer("w", {2, 1}, {0.25f, -2}, /*raw=*/false);
  b.node("MatMul", {"x", "w"}, {"y"});
  TempDir dir;
  const Graph graph = load_onnx(b.save(dir));
  ASSERT_EQ(graph.inputs.size(), 1u);
  EXPECT_EQ(graph.inputs[0].name, "x");
  EXPECT_THAT(graph.initializers.at("w").data, ElementsAre(0.25f, -2));
  EXPECT_THAT(FloatExecutor(graph).run({{"x", Tensor({1, 2}, {4, 1})}}).at("y"),
              ValuesNear(std::vector<float>{-1}));
}

TEST(OnnxGraph, TensorProtoFilesLoadAsFloat) {
  TempDir dir;
  onnx::TensorProto t;
  t.set_data_type(onnx::TensorProto_DataType_FLOAT);
  t.add_dims(2);
  t.add_float_data(1.5f);
  t.add_float_data(-2);
  hawx::test::write_file(dir / "f.pb", t.SerializeAsString());
  const Tensor f = load_tensor_proto(dir / "f.pb");
  EXPECT_THAT(f.shape, ElementsAre(2));
  EXPECT_THAT(f.data, ElementsAre(1.5f, -2));

  onnx::TensorProto i;
  i.set_data_type(onnx::TensorProto_DataType_INT64);
  i.add_dims(3);
  for (std::int64_t v : {-1, 0, 7}) i.add_int64_data(v);
  hawx::test::write_file(dir / "i.pb", i.SerializeAsString());
  EXPECT_THAT(load_tensor_proto(dir / "i.pb").data, ElementsAre(-1, 0, 7));
}

TEST(OnnxGraph, TensorAndAttributeAccessors) {
  EXPECT_EQ(Tensor().elements(), 1);  // a scalar
  const Tensor zeros({2, 0, 3});
  EXPECT_EQ(zeros.elements(), 0);
  EXPECT_THAT(Tensor({2, 2}).data, ElementsAreArray({0.0f, 0.0f, 0.0f, 0.0f}));
  Node node;
  node.name = "n";
  node.op_type = "Conv";
  node.attributes["group"] = std::int64_t{2};
  node.attributes["alpha"] = 0.5f;
  node.attributes["pads"] = std::vector<std::int64_t>{1, 1, 1, 1};
  node.attributes["auto_pad"] = std::string("VALID");
  EXPECT_EQ(node.attr_int("group", 1), 2);
  EXPECT_EQ(node.attr_int("missing", 7), 7);
  EXPECT_EQ(node.attr_float("alpha", 1), 0.5f);
  EXPECT_EQ(node.attr_string("auto_pad", "NOTSET"), "VALID");
  EXPECT_THAT(node.attr_ints("pads", {}), ElementsAre(1, 1, 1, 1));
  EXPECT_TRUE(node.has_attr("pads"));
  EXPECT_FALSE(node.has_attr("strides"));
  try {
    node.attr_int("alpha", 0);
    ADD_FAILURE() << "no error for a float read as an int";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), testing::HasSubstr("node 'n' (Conv): attribute 'alpha' is a float"));
  }
}

}  // namespace
}  // namespace hawx::models
