// SPDX-License-Identifier: MIT
// The bridge from the engine's network and assignment types to the design space. Kept in its own
// file: a program that uses the search on synthetic spaces does not pull in the engine.
#include "models/engine/engine.h"
#include "models/engine/network.h"
#include "search/design_space.h"

namespace hawx::search {

DesignSpace DesignSpace::of_network(Level level, const models::Network& net,
                                    std::vector<std::string> candidates) {
  std::vector<SpaceLayer> layers;
  for (int i : net.compute_layers()) {
    const auto& l = net.layers[static_cast<std::size_t>(i)];
    layers.push_back({l.name, l.filters()});
  }
  return DesignSpace(level, std::move(layers), std::move(candidates));
}

models::Assignment DesignSpace::assignment(const Point& point) const {
  models::Assignment a;
  a.filters = filters_of(point);
  return a;
}

}  // namespace hawx::search
