// SPDX-License-Identifier: MIT
// Gemm (alpha * A' * B' + beta * C, C broadcast to the output) and MatMul (numpy matmul: 1-D
// operands promoted, batch dimensions broadcast).
#include <cstdint>
#include <vector>

#include "models/onnx/op_kernel.h"

namespace hawx::models {
namespace {

// out[m][n] += sum_k a[m][k] * b[k][n], all row-major and contiguous.
void multiply_add(const float* a, const float* b, float* out, std::int64_t rows, std::int64_t depth,
                  std::int64_t cols) {
  for (std::int64_t m = 0; m < rows; ++m) {
    float* out_row = out + m * cols;
    for (std::int64_t k = 0; k < depth; ++k) {
      const float factor = a[m * depth + k];
      const float* b_row = b + k * cols;
      for (std::int64_t n = 0; n < cols; ++n) out_row[n] += factor * b_row[n];
    }
  }
}

std::vector<float> transposed(const Tensor& t) {
  const std::int64_t rows = t.shape[0], cols = t.shape[1];
  std::vector<float> out(t.data.size());
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) out[c * rows + r] = t.data[r * cols + c];
  }
  return out;
}

void check_gemm(const Node& node, const Graph&) {
  check_arity(node, 2, 3);
  check_attributes_known(node, {"alpha", "beta", "broadcast", "transA", "transB"});
  check_int_in(node, "transA", {0, 1});
  check_int_in(node, "transB", {0, 1});
  check_int_in(node, "broadcast", {0, 1});  // opset < 7; numpy broadcasting covers both values
  node.attr_float("alpha", 1.0f);
  node.attr_float("beta", 1.0f);
}

std::vector<Tensor> run_gemm(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& a = required_input(node, inputs, 0);
  const Tensor& b = required_input(node, inputs, 1);
  const Tensor* c = inputs.size() > 2 ? inputs[2] : nullptr;
  expect_rank(node, a, "A", 2);
  expect_rank(node, b, "B", 2);
  const bool trans_a = node.attr_int("transA", 0) != 0;
  const bool trans_b = node.attr_int("transB", 0) != 0;
  const float alpha = node.attr_float("alpha", 1.0f);
  const float beta = node.attr_float("beta", 1.0f);
  const std::int64_t rows = trans_a ? a.shape[1] : a.shape[0];
  const std::int64_t depth = trans_a ? a.shape[0] : a.shape[1];
  const std::int64_t depth_b = trans_b ? b.shape[1] : b.shape[0];
  const std::int64_t cols = trans_b ? b.shape[0] : b.shape[1];
  if (depth != depth_b) {
    throw node_error(node, "A " + shape_string(a.shape) + " and B " + shape_string(b.shape) +
                               " do not multiply with transA = " + std::to_string(trans_a) +
                               ", transB = " + std::to_string(trans_b));
  }
  const std::vector<float> a_data = trans_a ? transposed(a) : a.data;
  const std::vector<float> b_data = trans_b ? transposed(b) : b.data;
  Tensor y({rows, cols});
  multiply_add(a_data.data(), b_data.data(), y.data.data(), rows, depth, cols);
  for (float& v : y.data) v *= alpha;
  if (c != nullptr && beta != 0.0f) {
    // C broadcasts one way only: to [rows, cols].
    const std::vector<std::int64_t> out_shape{rows, cols};
    if (c->shape.size() > 2 || broadcast_shapes(node, c->shape, out_shape) != out_shape) {
      throw node_error(node, "C has shape " + shape_string(c->shape) +
                                 ", which does not broadcast to " + shape_string(out_shape));
    }
    const auto strides = broadcast_strides(c->shape, out_shape);
    for (std::int64_t m = 0; m < rows; ++m) {
      for (std::int64_t n = 0; n < cols; ++n) {
        y.data[m * cols + n] += beta * c->data[m * strides[0] + n * strides[1]];
      }
    }
  }
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(y));
  return outputs;
}

void check_matmul(const Node& node, const Graph&) {
  check_arity(node, 2, 2);
  check_attributes_known(node, {});
}

std::vector<Tensor> run_matmul(const Node& node, const std::vector<const Tensor*>& inputs) {
  const Tensor& a = required_input(node, inputs, 0);
  const Tensor& b = required_input(node, inputs, 1);
  if (a.shape.empty() || b.shape.empty()) throw node_error(node, "operands must not be scalars");
  // 1-D operands: a vector becomes a 1-row (A) or 1-column (B) matrix, and that axis is dropped
  // from the result.
  std::vector<std::int64_t> a_shape = a.shape, b_shape = b.shape;
  if (a_shape.size() == 1) a_shape.insert(a_shape.begin(), 1);
  if (b_shape.size() == 1) b_shape.push_back(1);
  const std::int64_t rows = a_shape[a_shape.size() - 2], depth = a_shape.back();
  const std::int64_t depth_b = b_shape[b_shape.size() - 2], cols = b_shape.back();
  if (depth != depth_b) {
    throw node_error(node, "shapes " + shape_string(a.shape) + " and " + shape_string(b.shape) +
                               " do not multiply");
  }
  const std::vector<std::int64_t> a_batch(a_shape.begin(), a_shape.end() - 2);
  const std::vector<std::int64_t> b_batch(b_shape.begin(), b_shape.end() - 2);
  const std::vector<std::int64_t> batch = broadcast_shapes(node, a_batch, b_batch);
  const auto a_strides = broadcast_strides(a_batch, batch);
  const auto b_strides = broadcast_strides(b_batch, batch);
  std::int64_t batches = 1;
  for (std::int64_t d : batch) batches *= d;

  std::vector<std::int64_t> out_shape = batch;
  if (a.shape.size() > 1) out_shape.push_back(rows);
  if (b.shape.size() > 1) out_shape.push_back(cols);
  Tensor y(out_shape);
  std::vector<std::int64_t> index(batch.size(), 0);
  for (std::int64_t i = 0; i < batches; ++i) {
    std::int64_t a_offset = 0, b_offset = 0;
    for (std::size_t d = 0; d < batch.size(); ++d) {
      a_offset += index[d] * a_strides[d];
      b_offset += index[d] * b_strides[d];
    }
    multiply_add(a.data.data() + a_offset * rows * depth, b.data.data() + b_offset * depth * cols,
                 y.data.data() + i * rows * cols, rows, depth, cols);
    for (std::size_t d = batch.size(); d-- > 0;) {
      if (++index[d] < batch[d]) break;
      index[d] = 0;
    }
  }
  std::vector<Tensor> outputs;
  outputs.push_back(std::move(y));
  return outputs;
}

}  // namespace

HAWX_REGISTER(OnnxOpKind, gemm, "Gemm", "alpha * A' * B' + beta * C: transA, transB, C broadcast",
              (OpKernel{&check_gemm, &run_gemm}))
HAWX_REGISTER(OnnxOpKind, matmul, "MatMul", "matrix product, numpy rules (batch broadcasting)",
              (OpKernel{&check_matmul, &run_matmul}))

}  // namespace hawx::models
