// SPDX-License-Identifier: MIT
#include "models/engine/network.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/errors.h"

namespace hawx::models {
namespace {

// Builds a Network node by node, keeping track of which value every ONNX name stands for.
class Lowering {
 public:
  Lowering(const Graph& g, const Shape3& input) : g_(g) {
    net_.file = g.file;
    net_.input = input;
    net_.values.push_back(input);
    if (g.inputs.empty()) fail(nullptr, "the graph has no input");
    value_of_[g.inputs.front().name] = 0;
    for (const Node& n : g.nodes) {
      for (const auto& in : n.inputs) ++consumers_[in];
    }
    for (const auto& o : g.outputs) ++consumers_[o.name];
  }

  Network run() {
    for (const Node& n : g_.nodes) lower(n);
    if (net_.layers.empty()) fail(nullptr, "no layers to execute");
    const auto& out = g_.outputs.front().name;
    auto it = value_of_.find(out);
    if (it == value_of_.end() || it->second != net_.layers.back().output) {
      fail(nullptr, "the graph output '" + out + "' is not the result of the last layer");
    }
    return std::move(net_);
  }

 private:
  [[noreturn]] void fail(const Node* n, const std::string& what) const {
    throw InputError(g_.file.string() + ": " +
                     (n ? "node '" + n->name + "' (" + n->op_type + "): " : std::string()) + what);
  }

  int value(const Node& n, std::size_t i) const {
    if (i >= n.inputs.size()) fail(&n, "missing input " + std::to_string(i));
    auto it = value_of_.find(n.inputs[i]);
    if (it == value_of_.end()) fail(&n, "input '" + n.inputs[i] + "' is not a feature map");
    return it->second;
  }

  const Tensor* constant(const Node& n, std::size_t i) const {
    if (i >= n.inputs.size() || n.inputs[i].empty()) return nullptr;
    if (auto it = g_.initializers.find(n.inputs[i]); it != g_.initializers.end()) {
      return &it->second;
    }
    if (auto it = constants_.find(n.inputs[i]); it != constants_.end()) return &it->second;
    return nullptr;
  }

  const Tensor& required_constant(const Node& n, std::size_t i, const char* what) const {
    const Tensor* t = constant(n, i);
    if (t == nullptr) fail(&n, std::string("the ") + what + " must be a constant");
    return *t;
  }

  // The layer that produced value v, if it is the last one and v has a single consumer: the
  // place to fold a BatchNormalization or fuse an activation.
  Layer* fusable(const Node& n, int v, bool conv_only) {
    if (net_.layers.empty() || net_.layers.back().output != v) return nullptr;
    if (consumers_[n.inputs[0]] != 1) return nullptr;
    Layer& l = net_.layers.back();
    if (l.activation != Activation::kNone) return nullptr;
    if (conv_only && l.kind != Layer::Kind::kConv) return nullptr;
    if (l.kind != Layer::Kind::kConv && l.kind != Layer::Kind::kAdd) return nullptr;
    return &l;
  }

  Layer& add_layer(Layer l, const Node& n) {
    l.name = n.name;
    l.output = static_cast<int>(net_.values.size());
    net_.values.push_back(l.out);
    value_of_[n.outputs.at(0)] = l.output;
    net_.layers.push_back(std::move(l));
    return net_.layers.back();
  }

  void alias(const Node& n, int v) { value_of_[n.outputs.at(0)] = v; }

  static int out_size(int in, int k, int stride, int pad_a, int pad_b, int dilation, bool ceil) {
    const int span = dilation * (k - 1) + 1;
    const int num = in + pad_a + pad_b - span;
    return (ceil ? (num + stride - 1) / stride : num / stride) + 1;
  }

  // Pads, strides and kernel of Conv/MaxPool/AveragePool, auto_pad resolved.
  void window(const Node& n, Layer& l, int kh, int kw) {
    l.kernel_h = kh;
    l.kernel_w = kw;
    const auto strides = n.attr_ints("strides", {1, 1});
    const auto dilations = n.attr_ints("dilations", {1, 1});
    auto pads = n.attr_ints("pads", {0, 0, 0, 0});
    if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4) {
      fail(&n, "only 2-D windows are supported");
    }
    l.stride_h = static_cast<int>(strides[0]);
    l.stride_w = static_cast<int>(strides[1]);
    l.dilation_h = static_cast<int>(dilations[0]);
    l.dilation_w = static_cast<int>(dilations[1]);
    const std::string auto_pad = n.attr_string("auto_pad", "NOTSET");
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      const int dims[2] = {l.in.h, l.in.w};
      const int k[2] = {kh, kw};
      const int s[2] = {l.stride_h, l.stride_w};
      const int d[2] = {l.dilation_h, l.dilation_w};
      for (int i = 0; i < 2; ++i) {
        const int out = (dims[i] + s[i] - 1) / s[i];
        const int total = std::max(0, (out - 1) * s[i] + d[i] * (k[i] - 1) + 1 - dims[i]);
        const int small = total / 2;
        pads[i] = auto_pad == "SAME_UPPER" ? small : total - small;
        pads[i + 2] = total - pads[i];
      }
    } else if (auto_pad == "VALID") {
      pads = {0, 0, 0, 0};
    } else if (auto_pad != "NOTSET") {
      fail(&n, "auto_pad '" + auto_pad + "' is not supported");
    }
    l.pad_top = static_cast<int>(pads[0]);
    l.pad_left = static_cast<int>(pads[1]);
    l.pad_bottom = static_cast<int>(pads[2]);
    l.pad_right = static_cast<int>(pads[3]);
    const bool ceil = n.attr_int("ceil_mode", 0) != 0;
    l.out.h = out_size(l.in.h, kh, l.stride_h, l.pad_top, l.pad_bottom, l.dilation_h, ceil);
    l.out.w = out_size(l.in.w, kw, l.stride_w, l.pad_left, l.pad_right, l.dilation_w, ceil);
    if (ceil) {  // a window that starts in the padding is dropped, as ONNX and PyTorch do
      if ((l.out.h - 1) * l.stride_h >= l.in.h + l.pad_top) --l.out.h;
      if ((l.out.w - 1) * l.stride_w >= l.in.w + l.pad_left) --l.out.w;
      // The extra rows/columns a ceil window reaches count as padding.
      l.pad_bottom = std::max(l.pad_bottom, (l.out.h - 1) * l.stride_h + l.dilation_h * (kh - 1) +
                                                1 - l.in.h - l.pad_top);
      l.pad_right = std::max(l.pad_right, (l.out.w - 1) * l.stride_w + l.dilation_w * (kw - 1) + 1 -
                                              l.in.w - l.pad_left);
    }
    if (l.out.h <= 0 || l.out.w <= 0) fail(&n, "the window is larger than the padded input");
  }

  void lower(const Node& n) {
    const std::string& op = n.op_type;
    if (op == "Conv") return conv(n);
    if (op == "Gemm" || op == "MatMul") return fully_connected(n);
    if (op == "BatchNormalization") return batch_norm(n);
    if (op == "Relu" || op == "Clip") return activation(n);
    if (op == "MaxPool" || op == "AveragePool") return pool(n);
    if (op == "GlobalAveragePool") {
      Layer l;
      l.kind = Layer::Kind::kGlobalAvgPool;
      l.input = value(n, 0);
      l.in = net_.values[l.input];
      l.out = {l.in.c, 1, 1};
      add_layer(l, n);
      return;
    }
    if (op == "Add") return add(n);
    if (op == "Flatten" || op == "Reshape" || op == "Identity" || op == "Dropout") {
      return alias(n, value(n, 0));  // CHW order is the flattened order
    }
    if (op == "Constant") {
      const auto it = n.attributes.find("value");
      if (it == n.attributes.end() || !std::holds_alternative<Tensor>(it->second)) {
        fail(&n, "a Constant needs a tensor 'value'");
      }
      constants_[n.outputs.at(0)] = std::get<Tensor>(it->second);
      return;
    }
    fail(&n, "operator '" + op + "' cannot be lowered to accelerator layers");
  }

  void conv(const Node& n) {
    Layer l;
    l.kind = Layer::Kind::kConv;
    l.input = value(n, 0);
    l.in = net_.values[l.input];
    const Tensor& w = required_constant(n, 1, "weight");
    if (w.shape.size() != 4) fail(&n, "only 2-D convolutions are supported");
    l.groups = static_cast<int>(n.attr_int("group", 1));
    l.out.c = static_cast<int>(w.shape[0]);
    if (w.shape[1] * l.groups != l.in.c) {
      fail(&n, "weight shape does not match the " + std::to_string(l.in.c) + " input channels");
    }
    window(n, l, static_cast<int>(w.shape[2]), static_cast<int>(w.shape[3]));
    l.weights = w.data;
    l.bias.assign(static_cast<std::size_t>(l.out.c), 0.0f);
    if (const Tensor* b = constant(n, 2)) l.bias = b->data;
    add_layer(l, n);
  }

  void fully_connected(const Node& n) {
    Layer l;
    l.kind = Layer::Kind::kConv;
    l.fully_connected = true;
    l.input = value(n, 0);
    const Shape3 in = net_.values[l.input];
    l.in = {static_cast<int>(in.elements()), 1, 1};
    const Tensor& b = required_constant(n, 1, "weight matrix");
    if (b.shape.size() != 2) fail(&n, "the weight must be a matrix");
    const bool gemm = n.op_type == "Gemm";
    if (gemm && n.attr_int("transA", 0) != 0) fail(&n, "transA=1 is not supported");
    const bool trans_b = gemm && n.attr_int("transB", 0) != 0;
    const auto k = trans_b ? b.shape[1] : b.shape[0];
    const auto outputs = trans_b ? b.shape[0] : b.shape[1];
    if (k != l.in.c) {
      fail(&n, "the weight expects " + std::to_string(k) + " inputs, the feature map has " +
                   std::to_string(l.in.c));
    }
    l.out = {static_cast<int>(outputs), 1, 1};
    const float alpha = gemm ? n.attr_float("alpha", 1.0f) : 1.0f;
    l.weights.resize(static_cast<std::size_t>(outputs * k));
    for (std::int64_t o = 0; o < outputs; ++o) {
      for (std::int64_t i = 0; i < k; ++i) {
        l.weights[static_cast<std::size_t>(o * k + i)] =
            alpha * b.data[static_cast<std::size_t>(trans_b ? o * k + i : i * outputs + o)];
      }
    }
    l.bias.assign(static_cast<std::size_t>(outputs), 0.0f);
    if (gemm) {
      if (const Tensor* c = constant(n, 2)) add_bias(n, l, *c, n.attr_float("beta", 1.0f));
    }
    add_layer(l, n);
  }

  void add_bias(const Node& n, Layer& l, const Tensor& c, float scale) {
    const auto count = c.elements();
    if (count != 1 && count != l.out.c) fail(&n, "the bias does not broadcast to the outputs");
    for (int o = 0; o < l.out.c; ++o) {
      l.bias[static_cast<std::size_t>(o)] += scale * c.data[count == 1 ? 0 : o];
    }
  }

  void batch_norm(const Node& n) {
    const int v = value(n, 0);
    Layer* l = fusable(n, v, true);
    if (l == nullptr) fail(&n, "a BatchNormalization must directly follow a convolution");
    const Tensor& scale = required_constant(n, 1, "scale");
    const Tensor& shift = required_constant(n, 2, "bias");
    const Tensor& mean = required_constant(n, 3, "mean");
    const Tensor& var = required_constant(n, 4, "variance");
    const float eps = n.attr_float("epsilon", 1e-5f);
    const std::size_t per_filter = l->weights.size() / static_cast<std::size_t>(l->out.c);
    for (int o = 0; o < l->out.c; ++o) {
      const float k = scale.data[o] / std::sqrt(var.data[o] + eps);
      for (std::size_t i = 0; i < per_filter; ++i) l->weights[o * per_filter + i] *= k;
      l->bias[o] = (l->bias[o] - mean.data[o]) * k + shift.data[o];
    }
    alias(n, v);
  }

  void activation(const Node& n) {
    const int v = value(n, 0);
    Activation a = Activation::kRelu;
    float lo = 0.0f;
    float hi = 0.0f;
    if (n.op_type == "Clip") {
      a = Activation::kClip;
      lo = n.attr_float("min", std::numeric_limits<float>::lowest());
      hi = n.attr_float("max", std::numeric_limits<float>::max());
      if (const Tensor* t = constant(n, 1)) lo = t->data.at(0);
      if (const Tensor* t = constant(n, 2)) hi = t->data.at(0);
    }
    if (Layer* l = fusable(n, v, false)) {
      l->activation = a;
      l->clip_min = lo;
      l->clip_max = hi;
      return alias(n, v);
    }
    Layer l;
    l.kind = Layer::Kind::kActivation;
    l.input = v;
    l.in = l.out = net_.values[v];
    l.activation = a;
    l.clip_min = lo;
    l.clip_max = hi;
    add_layer(l, n);
  }

  void pool(const Node& n) {
    Layer l;
    l.kind = n.op_type == "MaxPool" ? Layer::Kind::kMaxPool : Layer::Kind::kAvgPool;
    l.input = value(n, 0);
    l.in = net_.values[l.input];
    const auto kernel = n.attr_ints("kernel_shape", {});
    if (kernel.size() != 2) fail(&n, "only 2-D pooling is supported");
    if (n.attr_int("storage_order", 0) != 0) fail(&n, "storage_order=1 is not supported");
    l.count_include_pad = n.attr_int("count_include_pad", 0) != 0;
    window(n, l, static_cast<int>(kernel[0]), static_cast<int>(kernel[1]));
    l.out.c = l.in.c;
    add_layer(l, n);
  }

  void add(const Node& n) {
    const Tensor* c0 = constant(n, 0);
    const Tensor* c1 = constant(n, 1);
    if (c0 || c1) {  // MatMul + Add: the bias of a fully connected layer
      const int v = value(n, c0 ? 1 : 0);
      Layer* l = fusable(n, v, true);
      if (l == nullptr || !l->fully_connected) {
        fail(&n, "adding a constant is supported only as the bias of a MatMul");
      }
      add_bias(n, *l, c0 ? *c0 : *c1, 1.0f);
      return alias(n, v);
    }
    Layer l;
    l.kind = Layer::Kind::kAdd;
    l.input = value(n, 0);
    l.input2 = value(n, 1);
    l.in = net_.values[l.input];
    if (!(net_.values[l.input2] == l.in)) fail(&n, "the two operands differ in shape");
    l.out = l.in;
    add_layer(l, n);
  }

  const Graph& g_;
  Network net_;
  std::map<std::string, int> value_of_;
  std::map<std::string, int> consumers_;
  std::map<std::string, Tensor> constants_;
};

void conv_float(const Layer& l, const std::vector<float>& in, std::vector<float>& out) {
  const int in_per_group = l.in.c / l.groups;
  const int out_per_group = l.out.c / l.groups;
  for (int oc = 0; oc < l.out.c; ++oc) {
    const int g = oc / out_per_group;
    const float* w = l.weights.data() + static_cast<std::size_t>(oc) * l.taps();
    for (int oy = 0; oy < l.out.h; ++oy) {
      for (int ox = 0; ox < l.out.w; ++ox) {
        float acc = l.bias[oc];
        for (int ic = 0; ic < in_per_group; ++ic) {
          const int c = g * in_per_group + ic;
          for (int ky = 0; ky < l.kernel_h; ++ky) {
            const int y = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
            if (y < 0 || y >= l.in.h) continue;
            for (int kx = 0; kx < l.kernel_w; ++kx) {
              const int x = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
              if (x < 0 || x >= l.in.w) continue;
              acc += w[(ic * l.kernel_h + ky) * l.kernel_w + kx] *
                     in[(static_cast<std::size_t>(c) * l.in.h + y) * l.in.w + x];
            }
          }
        }
        out[(static_cast<std::size_t>(oc) * l.out.h + oy) * l.out.w + ox] = activate(l, acc);
      }
    }
  }
}

void pool_float(const Layer& l, const std::vector<float>& in, std::vector<float>& out) {
  const bool max = l.kind == Layer::Kind::kMaxPool;
  for (int c = 0; c < l.out.c; ++c) {
    for (int oy = 0; oy < l.out.h; ++oy) {
      for (int ox = 0; ox < l.out.w; ++ox) {
        float acc = max ? std::numeric_limits<float>::lowest() : 0.0f;
        int count = 0;
        for (int ky = 0; ky < l.kernel_h; ++ky) {
          const int y = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
          for (int kx = 0; kx < l.kernel_w; ++kx) {
            const int x = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
            const bool inside = y >= 0 && y < l.in.h && x >= 0 && x < l.in.w;
            if (!inside) {
              // Only the explicit pads count for count_include_pad, not the ceil_mode extension.
              const bool explicit_pad = y < l.in.h + l.pad_bottom && x < l.in.w + l.pad_right;
              if (!max && l.count_include_pad && explicit_pad) ++count;
              continue;
            }
            const float v = in[(static_cast<std::size_t>(c) * l.in.h + y) * l.in.w + x];
            acc = max ? std::max(acc, v) : acc + v;
            ++count;
          }
        }
        out[(static_cast<std::size_t>(c) * l.out.h + oy) * l.out.w + ox] =
            max ? acc : acc / static_cast<float>(std::max(count, 1));
      }
    }
  }
}

}  // namespace

float activate(const Layer& l, float x) {
  switch (l.activation) {
    case Activation::kRelu:
      return std::max(x, 0.0f);
    case Activation::kClip:
      return std::min(std::max(x, l.clip_min), l.clip_max);
    case Activation::kNone:
      break;
  }
  return x;
}

std::int64_t Network::macs() const {
  std::int64_t total = 0;
  for (const auto& l : layers) {
    if (l.kind == Layer::Kind::kConv) total += l.macs();
  }
  return total;
}

std::vector<int> Network::compute_layers() const {
  std::vector<int> out;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].kind == Layer::Kind::kConv) out.push_back(static_cast<int>(i));
  }
  return out;
}

Network lower(const Graph& graph, const Shape3& input) { return Lowering(graph, input).run(); }

std::vector<float> forward_float(const Network& net, const float* image,
                                 std::vector<std::vector<float>>* values) {
  std::vector<std::vector<float>> local;
  std::vector<std::vector<float>>& v = values ? *values : local;
  v.assign(net.values.size(), {});
  v[0].assign(image, image + net.input.elements());
  for (const Layer& l : net.layers) {
    std::vector<float>& out = v[static_cast<std::size_t>(l.output)];
    out.assign(static_cast<std::size_t>(l.out.elements()), 0.0f);
    const std::vector<float>& in = v[static_cast<std::size_t>(l.input)];
    switch (l.kind) {
      case Layer::Kind::kConv:
        conv_float(l, in, out);
        break;
      case Layer::Kind::kMaxPool:
      case Layer::Kind::kAvgPool:
        pool_float(l, in, out);
        break;
      case Layer::Kind::kGlobalAvgPool: {
        const int area = l.in.h * l.in.w;
        for (int c = 0; c < l.in.c; ++c) {
          float s = 0.0f;
          for (int i = 0; i < area; ++i) s += in[static_cast<std::size_t>(c) * area + i];
          out[static_cast<std::size_t>(c)] = s / static_cast<float>(area);
        }
        break;
      }
      case Layer::Kind::kAdd: {
        const std::vector<float>& in2 = v[static_cast<std::size_t>(l.input2)];
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = activate(l, in[i] + in2[i]);
        break;
      }
      case Layer::Kind::kActivation:
        for (std::size_t i = 0; i < out.size(); ++i) out[i] = activate(l, in[i]);
        break;
    }
  }
  return v[static_cast<std::size_t>(net.layers.back().output)];
}

}  // namespace hawx::models
