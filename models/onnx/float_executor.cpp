// SPDX-License-Identifier: MIT
#include "models/onnx/float_executor.h"

#include <set>
#include <unordered_map>

#include "core/errors.h"
#include "models/onnx/op_kernel.h"

namespace hawx::models {

FloatExecutor::FloatExecutor(const Graph& graph) : graph_(graph) {
  const auto& registry = Registry<OnnxOpKind>::instance();
  const std::string file = graph_.file.string();
  std::map<std::string, std::size_t> last_use;
  std::set<std::string> outputs;
  for (const auto& output : graph_.outputs) outputs.insert(output.name);
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    if (!registry.contains(node.op_type)) {
      throw InputError(file + ": node '" + node.name + "' uses operator '" + node.op_type +
                       "', which is not supported");
    }
    const OpKernel& kernel = registry.get(node.op_type);
    try {
      kernel.check(node, graph_);
    } catch (const InputError& e) {
      throw InputError(file + ": " + e.what());
    }
    kernels_.push_back(&kernel);
    for (const auto& input : node.inputs) last_use[input] = i;
    for (const auto& output : node.outputs) last_use.emplace(output, i);  // produced, never used
  }
  release_after_.resize(graph_.nodes.size());
  for (const auto& [value, node] : last_use) {
    if (!value.empty() && outputs.count(value) == 0) release_after_[node].push_back(value);
  }
}

void FloatExecutor::check_inputs(const std::map<std::string, Tensor>& inputs) const {
  const std::string file = graph_.file.string();
  std::set<std::string> declared;
  for (const ValueInfo& info : graph_.inputs) {
    declared.insert(info.name);
    auto it = inputs.find(info.name);
    if (it == inputs.end()) {
      throw InputError(file + ": input '" + info.name + "' (shape " + shape_string(info.shape) +
                       ") is not given");
    }
    const Tensor& t = it->second;
    if (static_cast<std::int64_t>(t.data.size()) != t.elements()) {
      throw InputError(file + ": input '" + info.name + "' holds " + std::to_string(t.data.size()) +
                       " values, but its shape " + shape_string(t.shape) + " needs " +
                       std::to_string(t.elements()));
    }
    bool matches = !info.rank_known || t.shape.size() == info.shape.size();
    for (std::size_t d = 0; matches && info.rank_known && d < info.shape.size(); ++d) {
      matches = info.shape[d] < 0 || info.shape[d] == t.shape[d];
    }
    if (!matches) {
      throw InputError(file + ": input '" + info.name + "' has shape " + shape_string(t.shape) +
                       ", the model expects " + shape_string(info.shape) +
                       " ('?' for a dimension of any size)");
    }
  }
  for (const auto& [name, tensor] : inputs) {
    if (declared.count(name) != 0) continue;
    std::string list;
    for (const auto& n : declared) list += (list.empty() ? "" : ", ") + n;
    throw InputError(file + ": the model has no input '" + name + "'; its inputs: " + list);
  }
}

std::map<std::string, Tensor> FloatExecutor::run(
    const std::map<std::string, Tensor>& inputs) const {
  check_inputs(inputs);
  std::unordered_map<std::string, Tensor> computed;
  auto lookup = [&](const std::string& name) -> const Tensor* {
    if (auto it = computed.find(name); it != computed.end()) return &it->second;
    if (auto it = inputs.find(name); it != inputs.end()) return &it->second;
    if (auto it = graph_.initializers.find(name); it != graph_.initializers.end()) {
      return &it->second;
    }
    return nullptr;
  };

  std::vector<const Tensor*> arguments;
  for (std::size_t i = 0; i < graph_.nodes.size(); ++i) {
    const Node& node = graph_.nodes[i];
    arguments.clear();
    for (const auto& input : node.inputs) {
      const Tensor* t = input.empty() ? nullptr : lookup(input);
      if (!input.empty() && t == nullptr) {
        throw Error("float executor: value '" + input + "' of node '" + node.name +
                    "' is not available (graph not in topological order?)");
      }
      arguments.push_back(t);
    }
    std::vector<Tensor> results;
    try {
      results = kernels_[i]->run(node, arguments);
    } catch (const InputError& e) {
      throw InputError(graph_.file.string() + ": " + e.what());
    }
    if (results.size() != node.outputs.size()) {
      throw Error("float executor: kernel of " + node.op_type + " returned " +
                  std::to_string(results.size()) + " tensors for " +
                  std::to_string(node.outputs.size()) + " outputs");
    }
    for (std::size_t k = 0; k < results.size(); ++k) {
      computed[node.outputs[k]] = std::move(results[k]);
    }
    for (const auto& value : release_after_[i]) computed.erase(value);
  }

  std::map<std::string, Tensor> outputs;
  for (const ValueInfo& info : graph_.outputs) {
    auto it = computed.find(info.name);
    if (it != computed.end()) {
      outputs[info.name] = it->second;
    } else if (const Tensor* t = lookup(info.name)) {
      outputs[info.name] = *t;  // an output that is an input or an initialiser
    } else {
      throw Error("float executor: graph output '" + info.name + "' was not computed");
    }
  }
  return outputs;
}

}  // namespace hawx::models
