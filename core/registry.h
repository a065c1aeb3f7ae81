// SPDX-License-Identifier: MIT
// Registry of named implementations (datasets, dataflows, strategies, multipliers, ...).
//
// A kind is a tag type naming the slot and the factory its implementations provide:
//
//   struct DatasetKind {
//     static constexpr const char* kName = "dataset";
//     static constexpr const char* kDescription = "test sets the models are evaluated on";
//     using Factory = std::function<Dataset(const DatasetRequest&)>;
//   };
//
// An implementation registers itself from its own .cpp file:
//
//   HAWX_REGISTER(DatasetKind, mnist, "mnist", "MNIST handwritten digits, IDX", &load_mnist);
//
// Such files belong to a CMake OBJECT library, so the linker keeps them even though nothing
// references their symbols. Registries are function-local statics: no static-init-order issues.
// Promises: names are unique per kind (a duplicate is a startup error), lookup of an unknown
// name throws ConfigError listing what is registered, listings are sorted by name.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/errors.h"

namespace hawx {

struct RegistryEntry {
  std::string name;
  std::string description;
};

// Every kind that has at least one registered implementation, for `hawx-cosim list`.
class Catalogue {
 public:
  struct Kind {
    std::string description;
    std::map<std::string, std::string> entries;  // name -> description
  };
  static Catalogue& instance();
  void add(const std::string& kind, const std::string& kind_description, const std::string& name,
           const std::string& description);
  const std::map<std::string, Kind>& kinds() const { return kinds_; }

 private:
  std::map<std::string, Kind> kinds_;
};

template <class KindTag>
class Registry {
 public:
  using Factory = typename KindTag::Factory;

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  // Returns true so that it can initialise a namespace-scope constant (see HAWX_REGISTER).
  bool add(const std::string& name, const std::string& description, Factory factory) {
    if (!factories_.emplace(name, std::move(factory)).second) {
      throw Error(std::string("two implementations of ") + KindTag::kName + " registered as '" +
                  name + "'");
    }
    Catalogue::instance().add(KindTag::kName, KindTag::kDescription, name, description);
    return true;
  }

  bool contains(const std::string& name) const { return factories_.count(name) != 0; }

  const Factory& get(const std::string& name) const {
    auto it = factories_.find(name);
    if (it == factories_.end()) {
      std::string known;
      for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
      throw ConfigError(std::string("unknown ") + KindTag::kName + " '" + name +
                        "'; registered: " + known);
    }
    return it->second;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [name, factory] : factories_) out.push_back(name);
    return out;
  }

 private:
  Registry() = default;
  std::map<std::string, Factory> factories_;
};

}  // namespace hawx

#define HAWX_REGISTRY_CONCAT_(a, b) a##b
#define HAWX_REGISTRY_CONCAT(a, b) HAWX_REGISTRY_CONCAT_(a, b)
// Registers `factory` under `name` for KindTag. `ident` must be unique in the translation unit.
#define HAWX_REGISTER(KindTag, ident, name, description, factory)             \
  namespace {                                                                 \
  [[maybe_unused]] const bool HAWX_REGISTRY_CONCAT(hawx_registered_, ident) = \
      ::hawx::Registry<KindTag>::instance().add(name, description, factory);  \
  }
