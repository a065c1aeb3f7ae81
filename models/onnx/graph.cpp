// SPDX-License-Identifier: MIT
#include "models/onnx/graph.h"

#include <variant>

#include "core/errors.h"

namespace hawx::models {
namespace {

static_assert(std::variant_size_v<Attribute> == 6, "type_name() lists every Attribute type");

const char* type_name(const Attribute& value) {
  static const char* const kNames[] = {"an int",         "a float",          "a string",
                                       "a list of ints", "a list of floats", "a tensor"};
  return kNames[value.index()];
}

// The attribute `key` of `node` as T, `fallback` when absent; InputError when it has another type.
template <class T>
T typed_attribute(const Node& node, const std::string& key, const char* wanted, T fallback) {
  auto it = node.attributes.find(key);
  if (it == node.attributes.end()) return fallback;
  if (const T* value = std::get_if<T>(&it->second)) return *value;
  throw InputError("node '" + node.name + "' (" + node.op_type + "): attribute '" + key + "' is " +
                   type_name(it->second) + ", expected " + wanted);
}

}  // namespace

Tensor::Tensor(std::vector<std::int64_t> s) : shape(std::move(s)) {
  data.assign(static_cast<std::size_t>(elements()), 0.0f);
}

std::int64_t Tensor::elements() const {
  std::int64_t n = 1;
  for (std::int64_t d : shape) n *= d;
  return n;
}

std::int64_t Node::attr_int(const std::string& key, std::int64_t fallback) const {
  return typed_attribute<std::int64_t>(*this, key, "an int", fallback);
}

float Node::attr_float(const std::string& key, float fallback) const {
  return typed_attribute<float>(*this, key, "a float", fallback);
}

std::string Node::attr_string(const std::string& key, const std::string& fallback) const {
  return typed_attribute<std::string>(*this, key, "a string", fallback);
}

std::vector<std::int64_t> Node::attr_ints(const std::string& key,
                                          const std::vector<std::int64_t>& fallback) const {
  return typed_attribute<std::vector<std::int64_t>>(*this, key, "a list of ints", fallback);
}

const Node* Graph::producer(const std::string& value) const {
  for (const Node& node : nodes) {
    for (const std::string& output : node.outputs) {
      if (output == value) return &node;
    }
  }
  return nullptr;
}

const Tensor* Graph::constant(const std::string& value) const {
  auto it = initializers.find(value);
  if (it != initializers.end()) return &it->second;
  const Node* node = producer(value);
  if (node == nullptr || node->op_type != "Constant") return nullptr;
  auto attribute = node->attributes.find("value");
  if (attribute == node->attributes.end()) return nullptr;
  return std::get_if<Tensor>(&attribute->second);
}

}  // namespace hawx::models
