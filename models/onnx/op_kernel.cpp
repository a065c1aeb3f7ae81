// SPDX-License-Identifier: MIT
#include "models/onnx/op_kernel.h"

#include <algorithm>

namespace hawx::models {

InputError node_error(const Node& node, const std::string& what) {
  return InputError("node '" + node.name + "' (" + node.op_type + "): " + what);
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string out = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    out += (i ? ", " : "") + (shape[i] < 0 ? std::string("?") : std::to_string(shape[i]));
  }
  return out + "]";
}

void check_arity(const Node& node, std::size_t min_inputs, std::size_t max_inputs) {
  const std::size_t n = node.inputs.size();
  if (n < min_inputs || n > max_inputs) {
    throw node_error(node,
                     "has " + std::to_string(n) + (n == 1 ? " input" : " inputs") + ", expected " +
                         (min_inputs == max_inputs
                              ? std::to_string(min_inputs)
                              : std::to_string(min_inputs) + " to " + std::to_string(max_inputs)));
  }
  for (std::size_t i = 0; i < min_inputs; ++i) {
    if (node.inputs[i].empty()) {
      throw node_error(node, "required input " + std::to_string(i) + " is omitted");
    }
  }
  if (node.outputs.size() != 1) {
    throw node_error(node, "has " + std::to_string(node.outputs.size()) +
                               " outputs; only its first output is supported (no optional "
                               "outputs such as MaxPool's Indices or BatchNormalization's "
                               "training statistics)");
  }
}

void check_attributes_known(const Node& node, std::initializer_list<const char*> known) {
  for (const auto& [key, value] : node.attributes) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list;
    for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    throw node_error(node, "attribute '" + key + "' is not supported (" + node.op_type +
                               " supports " + (list.empty() ? "no attributes" : list) + ")");
  }
}

void check_int_in(const Node& node, const std::string& key,
                  std::initializer_list<std::int64_t> allowed) {
  if (!node.has_attr(key)) return;
  const std::int64_t value = node.attr_int(key, 0);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  std::string list;
  for (std::int64_t a : allowed) list += (list.empty() ? "" : " or ") + std::to_string(a);
  throw node_error(node, "attribute '" + key + "' = " + std::to_string(value) +
                             " is not supported (supported: " + list + ")");
}

const Tensor& required_input(const Node& node, const std::vector<const Tensor*>& inputs,
                             std::size_t index) {
  if (index >= inputs.size() || inputs[index] == nullptr) {
    throw node_error(node, "required input " + std::to_string(index) + " is missing");
  }
  return *inputs[index];
}

void expect_rank(const Node& node, const Tensor& tensor, const char* what, std::size_t rank) {
  if (tensor.shape.size() != rank) {
    throw node_error(node, std::string(what) + " has shape " + shape_string(tensor.shape) +
                               ", expected " + std::to_string(rank) + " dimensions");
  }
}

std::vector<std::int64_t> broadcast_shapes(const Node& node, const std::vector<std::int64_t>& a,
                                           const std::vector<std::int64_t>& b) {
  const std::size_t rank = std::max(a.size(), b.size());
  std::vector<std::int64_t> out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    const std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw node_error(
          node, "shapes " + shape_string(a) + " and " + shape_string(b) + " do not broadcast");
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<std::int64_t> broadcast_strides(const std::vector<std::int64_t>& shape,
                                            const std::vector<std::int64_t>& out) {
  std::vector<std::int64_t> strides(out.size(), 0);
  std::int64_t stride = 1;
  for (std::size_t i = shape.size(); i-- > 0;) {
    const std::size_t o = i + (out.size() - shape.size());
    strides[o] = shape[i] == 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

void check_window_attributes(const Node& node, bool kernel_required) {
  auto check_list = [&](const char* key, std::size_t length, std::int64_t min_value) {
    if (!node.has_attr(key)) return;
    const auto values = node.attr_ints(key, {});
    if (values.size() != length) {
      throw node_error(node,
                       "attribute '" + std::string(key) + "' has " + std::to_string(values.size()) +
                           (values.size() == 1 ? " value" : " values") + ", expected " +
                           std::to_string(length) + "; only 2-D (NCHW) windows are supported");
    }
    for (std::int64_t v : values) {
      if (v < min_value) {
        throw node_error(node, "attribute '" + std::string(key) + "' holds " + std::to_string(v) +
                                   ", expected values >= " + std::to_string(min_value));
      }
    }
  };
  if (kernel_required && !node.has_attr("kernel_shape")) {
    throw node_error(node, "attribute 'kernel_shape' is required");
  }
  check_list("kernel_shape", 2, 1);
  check_list("strides", 2, 1);
  check_list("dilations", 2, 1);
  check_list("pads", 4, 0);
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER" &&
      auto_pad != "VALID") {
    throw node_error(node, "attribute 'auto_pad' = '" + auto_pad +
                               "' is not supported (supported: NOTSET, SAME_UPPER, SAME_LOWER, "
                               "VALID)");
  }
  const auto pads = node.attr_ints("pads", {0, 0, 0, 0});
  const bool padded = std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p != 0; });
  if (auto_pad != "NOTSET" && padded) {
    throw node_error(node,
                     "attribute 'pads' cannot be combined with auto_pad = '" + auto_pad + "'");
  }
}

void resolve_windows(const Node& node, std::int64_t in_h, std::int64_t in_w, std::int64_t kernel_h,
                     std::int64_t kernel_w, bool ceil_mode, WindowAxis& h, WindowAxis& w) {
  const auto strides = node.attr_ints("strides", {1, 1});
  const auto dilations = node.attr_ints("dilations", {1, 1});
  const auto pads = node.attr_ints("pads", {0, 0, 0, 0});
  const std::string auto_pad = node.attr_string("auto_pad", "NOTSET");
  const std::int64_t inputs[2] = {in_h, in_w};
  const std::int64_t kernels[2] = {kernel_h, kernel_w};
  WindowAxis* axes[2] = {&h, &w};
  for (int i = 0; i < 2; ++i) {
    WindowAxis& a = *axes[i];
    a.kernel = kernels[i];
    a.stride = strides[i];
    a.dilation = dilations[i];
    const std::int64_t in = inputs[i];
    const std::int64_t extent = (a.kernel - 1) * a.dilation + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      a.output = (in + a.stride - 1) / a.stride;
      const std::int64_t total = std::max<std::int64_t>(0, (a.output - 1) * a.stride + extent - in);
      const std::int64_t small = total / 2;
      a.pad_begin = auto_pad == "SAME_UPPER" ? small : total - small;
      a.pad_end = total - a.pad_begin;
    } else {
      a.pad_begin = auto_pad == "VALID" ? 0 : pads[i];
      a.pad_end = auto_pad == "VALID" ? 0 : pads[i + 2];
      const std::int64_t span = in + a.pad_begin + a.pad_end - extent;
      if (span < 0) {
        a.output = 0;
      } else if (ceil_mode) {
        a.output = (span + a.stride - 1) / a.stride + 1;
        // The last window must start inside the input or its begin padding.
        if ((a.output - 1) * a.stride >= in + a.pad_begin) --a.output;
      } else {
        a.output = span / a.stride + 1;
      }
    }
    if (a.output <= 0) {
      throw node_error(node, "a " + std::to_string(kernel_h) + "x" + std::to_string(kernel_w) +
                                 " window does not fit an input of " + std::to_string(in_h) + "x" +
                                 std::to_string(in_w) + " with the given pads and dilations");
    }
  }
}

}  // namespace hawx::models
