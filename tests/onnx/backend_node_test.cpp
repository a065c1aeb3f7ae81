// SPDX-License-Identifier: MIT
// The float reference path against the official ONNX backend tests shipped in Debian's
// libonnx-testdata (/usr/share/libonnx-testdata/data; HAWX_ONNX_TESTDATA overrides): each test
// folder holds model.onnx and test_data_set_*/input_<i>.pb, output_<i>.pb (TensorProtos). One
// ctest test per folder; outputs must match within rtol 1e-4, atol 1e-5.
//
// Run: every node test whose operators are all supported, in every 2-D (or rank-generic)
// variant, plus the PyTorch-exported models of the same data package that exercise what the node
// tests lack (grouped, depthwise and dilated convolutions, opset-6 Clip attributes, BN in old
// opsets). Excluded: the folders below with their reasons; each must be refused by load_onnx with
// an InputError (OnnxBackendRejected), never crash or run. OnnxBackendCoverage checks that no
// folder whose operators are all supported is in neither list, so a new libonnx-testdata cannot
// silently add untested cases.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "core/errors.h"
#include "core/registry.h"
#include "models/onnx/float_executor.h"
#include "models/onnx/graph.h"
#include "models/onnx/op_kernel.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

fs::path testdata_root() {
  return test::location("HAWX_ONNX_TESTDATA", "/usr/share/libonnx-testdata/data");
}

// ---- What runs -------------------------------------------------------------------------------

const std::vector<std::string> kNodeTests = {
    // Add
    "test_add",
    "test_add_bcast",
    // AveragePool
    "test_averagepool_2d_ceil",
    "test_averagepool_2d_default",
    "test_averagepool_2d_pads",
    "test_averagepool_2d_pads_count_include_pad",
    "test_averagepool_2d_precomputed_pads",
    "test_averagepool_2d_precomputed_pads_count_include_pad",
    "test_averagepool_2d_precomputed_same_upper",
    "test_averagepool_2d_precomputed_strides",
    "test_averagepool_2d_same_lower",
    "test_averagepool_2d_same_upper",
    "test_averagepool_2d_strides",
    // BatchNormalization
    "test_batchnorm_epsilon",
    "test_batchnorm_example",
    // Clip
    "test_clip",
    "test_clip_default_inbounds",
    "test_clip_default_max",
    "test_clip_default_min",
    "test_clip_example",
    "test_clip_inbounds",
    "test_clip_outbounds",
    "test_clip_splitbounds",
    // Constant
    "test_constant",
    // Conv
    "test_basic_conv_with_padding",
    "test_basic_conv_without_padding",
    "test_conv_with_autopad_same",
    "test_conv_with_strides_and_asymmetric_padding",
    "test_conv_with_strides_no_padding",
    "test_conv_with_strides_padding",
    // Flatten
    "test_flatten_axis0",
    "test_flatten_axis1",
    "test_flatten_axis2",
    "test_flatten_axis3",
    "test_flatten_default_axis",
    "test_flatten_negative_axis1",
    "test_flatten_negative_axis2",
    "test_flatten_negative_axis3",
    "test_flatten_negative_axis4",
    // Gemm
    "test_gemm_all_attributes",
    "test_gemm_alpha",
    "test_gemm_beta",
    "test_gemm_default_matrix_bias",
    "test_gemm_default_no_bias",
    "test_gemm_default_scalar_bias",
    "test_gemm_default_single_elem_vector_bias",
    "test_gemm_default_vector_bias",
    "test_gemm_default_zero_bias",
    "test_gemm_transposeA",
    "test_gemm_transposeB",
    // GlobalAveragePool
    "test_globalaveragepool",
    "test_globalaveragepool_precomputed",
    // Identity
    "test_identity",
    // MatMul
    "test_matmul_2d",
    "test_matmul_3d",
    "test_matmul_4d",
    // MaxPool
    "test_maxpool_2d_ceil",
    "test_maxpool_2d_default",
    "test_maxpool_2d_dilations",
    "test_maxpool_2d_pads",
    "test_maxpool_2d_precomputed_pads",
    "test_maxpool_2d_precomputed_same_upper",
    "test_maxpool_2d_precomputed_strides",
    "test_maxpool_2d_same_lower",
    "test_maxpool_2d_same_upper",
    "test_maxpool_2d_strides",
    // Relu
    "test_relu",
    // Reshape
    "test_reshape_allowzero_reordered",
    "test_reshape_extended_dims",
    "test_reshape_negative_dim",
    "test_reshape_negative_extended_dims",
    "test_reshape_one_dim",
    "test_reshape_reduced_dims",
    "test_reshape_reordered_all_dims",
    "test_reshape_reordered_last_dims",
    "test_reshape_zero_and_negative_dim",
    "test_reshape_zero_dim",
};

// Models exported by PyTorch (opset 6, initialisers also listed as graph inputs).
const std::vector<std::string> kPytorchConvertedTests = {
    "test_AvgPool2d",
    "test_AvgPool2d_stride",
    "test_BatchNorm1d_3d_input_eval",
    "test_BatchNorm2d_eval",
    "test_BatchNorm2d_momentum_eval",
    "test_BatchNorm3d_eval",
    "test_BatchNorm3d_momentum_eval",
    "test_Conv2d",
    "test_Conv2d_depthwise",
    "test_Conv2d_depthwise_padded",
    "test_Conv2d_depthwise_strided",
    "test_Conv2d_depthwise_with_multiplier",
    "test_Conv2d_dilated",
    "test_Conv2d_groups",
    "test_Conv2d_groups_thnn",
    "test_Conv2d_no_bias",
    "test_Conv2d_padding",
    "test_Conv2d_strided",
    "test_Linear",
    "test_MaxPool2d",
    "test_MaxPool2d_stride_padding_dilation",
    "test_ReLU",
};

const std::vector<std::string> kPytorchOperatorTests = {
    "test_operator_addmm",   "test_operator_clip", "test_operator_conv",
    "test_operator_flatten", "test_operator_mm",   "test_operator_view",
};

// ---- What is deliberately excluded, and why ----------------------------------------------------

struct Excluded {
  std::string folder;  // relative to the data root
  std::string reason;
};

void PrintTo(const Excluded& excluded, std::ostream* out) { *out << excluded.folder; }

const std::vector<Excluded> kExcluded = {
    {"node/test_add_uint8", "UINT8 tensors: the float path is float32 only"},
    {"node/test_averagepool_1d_default", "1-D pooling: only 2-D windows are supported"},
    {"node/test_averagepool_3d_default", "3-D pooling: only 2-D windows are supported"},
    {"node/test_batchnorm_epsilon_training_mode", "training_mode = 1 (inference only)"},
    {"node/test_batchnorm_example_training_mode", "training_mode = 1 (inference only)"},
    {"node/test_clip_default_int8_inbounds", "INT8 tensors: float32 only"},
    {"node/test_clip_default_int8_max", "INT8 tensors: float32 only"},
    {"node/test_clip_default_int8_min", "INT8 tensors: float32 only"},
    {"node/test_identity_opt", "an optional-typed value: tensors only"},
    {"node/test_identity_sequence", "a sequence-typed value: tensors only"},
    {"node/test_maxpool_1d_default", "1-D pooling: only 2-D windows are supported"},
    {"node/test_maxpool_2d_uint8", "UINT8 tensors: float32 only"},
    {"node/test_maxpool_3d_default", "3-D pooling: only 2-D windows are supported"},
    {"node/test_maxpool_with_argmax_2d_precomputed_pads",
     "MaxPool's optional Indices output (and storage_order with it)"},
    {"node/test_maxpool_with_argmax_2d_precomputed_strides",
     "MaxPool's optional Indices output (and storage_order with it)"},
    {"pytorch-converted/test_AvgPool1d", "1-D pooling, via Unsqueeze/Squeeze (not supported)"},
    {"pytorch-converted/test_AvgPool1d_stride",
     "1-D pooling, via Unsqueeze/Squeeze (not supported)"},
    {"pytorch-converted/test_AvgPool3d", "3-D pooling"},
    {"pytorch-converted/test_AvgPool3d_stride", "3-D pooling"},
    {"pytorch-converted/test_AvgPool3d_stride1_pad0_gpu_input", "3-D pooling"},
    {"pytorch-converted/test_Conv1d", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_dilated", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_groups", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_pad1", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_pad1size1", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_pad2", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_pad2size1", "1-D convolution"},
    {"pytorch-converted/test_Conv1d_stride", "1-D convolution"},
    {"pytorch-converted/test_Conv3d", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_dilated", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_dilated_strided", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_groups", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_no_bias", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_stride", "3-D convolution"},
    {"pytorch-converted/test_Conv3d_stride_padding", "3-D convolution"},
    {"pytorch-converted/test_MaxPool1d", "1-D pooling"},
    {"pytorch-converted/test_MaxPool1d_stride", "1-D pooling"},
    {"pytorch-converted/test_MaxPool1d_stride_padding_dilation", "1-D pooling"},
    {"pytorch-converted/test_MaxPool3d", "3-D pooling"},
    {"pytorch-converted/test_MaxPool3d_stride", "3-D pooling"},
    {"pytorch-converted/test_MaxPool3d_stride_padding", "3-D pooling"},
    {"pytorch-operator/test_operator_add_broadcast", "DOUBLE tensors; opset-6 Add with 'axis'"},
    {"pytorch-operator/test_operator_add_size1_broadcast",
     "DOUBLE tensors; opset-6 Add with 'axis'"},
    {"pytorch-operator/test_operator_add_size1_right_broadcast",
     "DOUBLE tensors; opset-6 Add with 'axis'"},
    {"pytorch-operator/test_operator_add_size1_singleton_broadcast",
     "DOUBLE tensors; opset-6 Add with 'axis'"},
    {"pytorch-operator/test_operator_addconstant", "DOUBLE tensors"},
    {"pytorch-operator/test_operator_maxpool", "1-D pooling"},
    {"pytorch-operator/test_operator_non_float_params",
     "INT64 tensors outside a shape, and Mul (not supported)"},
};

// ---- Running one folder ----------------------------------------------------------------------

std::string install_hint() {
  return "ONNX backend test data not found at " + testdata_root().string() +
         ": install Debian's libonnx-testdata (scripts/setup.sh does)";
}

void expect_close(const std::string& what, const Tensor& actual, const Tensor& expected) {
  ASSERT_EQ(actual.shape, expected.shape) << what << ": shape " << shape_string(actual.shape)
                                          << ", expected " << shape_string(expected.shape);
  ASSERT_EQ(actual.data.size(), expected.data.size()) << what;
  constexpr double kRtol = 1e-4, kAtol = 1e-5;
  int reported = 0;
  for (std::size_t i = 0; i < actual.data.size(); ++i) {
    const double a = actual.data[i], e = expected.data[i];
    if (std::isnan(a) && std::isnan(e)) continue;
    if (a == e || std::abs(a - e) <= kAtol + kRtol * std::abs(e)) continue;
    ADD_FAILURE() << what << "[" << i << "] = " << a << ", expected " << e;
    if (++reported == 10) return;
  }
}

void run_folder(const std::string& folder) {
  ASSERT_TRUE(fs::is_directory(testdata_root())) << install_hint();
  const fs::path dir = testdata_root() / folder;
  ASSERT_TRUE(fs::is_directory(dir)) << dir << " is missing from libonnx-testdata";
  const Graph graph = load_onnx(dir / "model.onnx");
  const FloatExecutor executor(graph);
  std::vector<fs::path> sets;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind("test_data_set_", 0) == 0) {
      sets.push_back(entry.path());
    }
  }
  std::sort(sets.begin(), sets.end());
  ASSERT_FALSE(sets.empty()) << dir << " has no test_data_set_*";
  for (const auto& set : sets) {
    SCOPED_TRACE(set.string());
    std::map<std::string, Tensor> inputs;
    for (std::size_t i = 0; fs::exists(set / ("input_" + std::to_string(i) + ".pb")); ++i) {
      ASSERT_LT(i, graph.inputs.size()) << "more input files than graph inputs";
      inputs[graph.inputs[i].name] =
          load_tensor_proto(set / ("input_" + std::to_string(i) + ".pb"));
    }
    const auto outputs = executor.run(inputs);
    std::size_t checked = 0;
    for (std::size_t i = 0; fs::exists(set / ("output_" + std::to_string(i) + ".pb")); ++i) {
      ASSERT_LT(i, graph.outputs.size()) << "more output files than graph outputs";
      const std::string& name = graph.outputs[i].name;
      expect_close(name, outputs.at(name),
                   load_tensor_proto(set / ("output_" + std::to_string(i) + ".pb")));
      ++checked;
    }
    EXPECT_EQ(checked, graph.outputs.size());
  }
}

std::string folder_name(const testing::TestParamInfo<std::string>& info) { return info.param; }

class OnnxBackendNode : public testing::TestWithParam<std::string> {};
TEST_P(OnnxBackendNode, MatchesReference) { run_folder("node/" + GetParam()); }
INSTANTIATE_TEST_SUITE_P(Official, OnnxBackendNode, testing::ValuesIn(kNodeTests), folder_name);

class OnnxBackendPytorchConverted : public testing::TestWithParam<std::string> {};
TEST_P(OnnxBackendPytorchConverted, MatchesReference) {
  run_folder("pytorch-converted/" + GetParam());
}
INSTANTIATE_TEST_SUITE_P(Official, OnnxBackendPytorchConverted,
                         testing::ValuesIn(kPytorchConvertedTests), folder_name);

class OnnxBackendPytorchOperator : public testing::TestWithParam<std::string> {};
TEST_P(OnnxBackendPytorchOperator, MatchesReference) {
  run_folder("pytorch-operator/" + GetParam());
}
INSTANTIATE_TEST_SUITE_P(Official, OnnxBackendPytorchOperator,
                         testing::ValuesIn(kPytorchOperatorTests), folder_name);

// Excluded folders are refused at load time with a message naming the file.
class OnnxBackendRejected : public testing::TestWithParam<Excluded> {};
TEST_P(OnnxBackendRejected, LoadFailsWithInputError) {
  ASSERT_TRUE(fs::is_directory(testdata_root())) << install_hint();
  const fs::path model = testdata_root() / GetParam().folder / "model.onnx";
  ASSERT_TRUE(fs::exists(model)) << model << " is missing from libonnx-testdata";
  try {
    load_onnx(model);
    ADD_FAILURE() << model << " loaded, but is excluded because: " << GetParam().reason;
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(model.string()));
  }
}
INSTANTIATE_TEST_SUITE_P(Official, OnnxBackendRejected, testing::ValuesIn(kExcluded),
                         [](const testing::TestParamInfo<Excluded>& info) {
                           std::string name = info.param.folder;
                           std::replace(name.begin(), name.end(), '/', '_');
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Every folder whose operators are all registered is either run or excluded with a reason.
TEST(OnnxBackendCoverage, EveryFolderWithSupportedOperatorsIsRunOrExcluded) {
  ASSERT_TRUE(fs::is_directory(testdata_root())) << install_hint();
  std::set<std::string> listed;
  for (const auto& t : kNodeTests) listed.insert("node/" + t);
  for (const auto& t : kPytorchConvertedTests) listed.insert("pytorch-converted/" + t);
  for (const auto& t : kPytorchOperatorTests) listed.insert("pytorch-operator/" + t);
  for (const auto& e : kExcluded) {
    EXPECT_TRUE(listed.insert(e.folder).second) << e.folder << " is both run and excluded";
  }
  const auto& registry = Registry<OnnxOpKind>::instance();
  std::vector<std::string> missing;
  for (const char* group : {"node", "pytorch-converted", "pytorch-operator"}) {
    for (const auto& entry : fs::directory_iterator(testdata_root() / group)) {
      const std::string folder = std::string(group) + "/" + entry.path().filename().string();
      onnx::ModelProto model;
      if (!model.ParseFromString(test::read_file(entry.path() / "model.onnx"))) continue;
      bool supported = model.graph().node_size() > 0;
      for (const auto& node : model.graph().node()) {
        supported = supported && node.domain().empty() && registry.contains(node.op_type());
      }
      if (supported && listed.count(folder) == 0) missing.push_back(folder);
    }
  }
  std::sort(missing.begin(), missing.end());
  EXPECT_TRUE(missing.empty()) << "folders with only supported operators, neither run nor "
                               << "excluded: " << testing::PrintToString(missing);
}

}  // namespace
}  // namespace hawx::models
