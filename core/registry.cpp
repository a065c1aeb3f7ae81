// SPDX-License-Identifier: MIT
#include "core/registry.h"

namespace hawx {

Catalogue& Catalogue::instance() {
  static Catalogue catalogue;
  return catalogue;
}

void Catalogue::add(const std::string& kind, const std::string& kind_description,
                    const std::string& name, const std::string& description) {
  Kind& k = kinds_[kind];
  k.description = kind_description;
  k.entries[name] = description;
}

}  // namespace hawx
