// SPDX-License-Identifier: MIT
#include "search/engine_accuracy.h"

#include <algorithm>

#include "core/errors.h"

namespace hawx::search {

EngineAccuracy::EngineAccuracy(const models::Engine& engine, const models::Dataset& data,
                               const DesignSpace& space, int threads)
    : engine_(engine), data_(data), space_(space), threads_(threads) {
  if (space_.choices() > engine_.multipliers()) {
    throw Error("the design space has " + std::to_string(space_.choices()) +
                " candidates; the engine " + std::to_string(engine_.multipliers()) +
                " multipliers");
  }
  if (space_.layers().size() != engine_.network().net.compute_layers().size()) {
    throw Error("the design space has " + std::to_string(space_.layers().size()) +
                " layers; the engine's network " +
                std::to_string(engine_.network().net.compute_layers().size()));
  }
}

models::Evaluation EngineAccuracy::evaluate(const Point& point,
                                            std::size_t upcoming_shared_layers) {
  const models::Assignment assignment = space_.assignment(point);
  const std::size_t layers = space_.layers().size();
  bool usable =
      prefix_ && space_.leading_layers_in_common(point, prefix_point_) >= prefix_->layers();
  if (!usable && upcoming_shared_layers > 0 && layers > 1) {
    const std::size_t depth = std::min(upcoming_shared_layers, layers - 1);
    prefix_.reset();  // free the old maps before building the new ones
    prefix_ = std::make_unique<models::Prefix>(engine_.prefix(data_, assignment, depth, threads_));
    prefix_point_ = point;
    ++built_;
    usable = true;
  }
  if (usable) {
    ++uses_;
    skipped_ += prefix_->layers();
    return engine_.evaluate(*prefix_, data_, assignment, threads_);
  }
  return engine_.evaluate(data_, assignment, threads_);
}

}  // namespace hawx::search
