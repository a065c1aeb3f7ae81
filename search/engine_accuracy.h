// SPDX-License-Identifier: MIT
// Accuracy of design points by the functional engine, reusing the engine's prefix of the leading
// layers consecutive points share (models::Engine::prefix): the accuracy half of the real
// evaluator (the accelerator's energy, area and cycles are the other half).
//
// Policy: a prefix is kept for the last point it was built under. A point that agrees with it on
// the prefix's layers continues from it; otherwise, when the strategy announces that the next
// point shares k > 0 leading layers with this one (Strategy::upcoming_shared_layers), a prefix of
// min(k, L-1) layers is built under this point and used; otherwise the point runs from the
// images. Results are bit-identical either way (the engine's promise). Memory: one prefix, the
// maps of every image at the prefix's boundary (Prefix::bytes()).
#pragma once

#include <cstddef>
#include <memory>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "search/design_space.h"

namespace hawx::search {

class EngineAccuracy {
 public:
  // `engine`, `data` and `space` outlive this object; the space's candidates are the engine's
  // multipliers in order (the space's genes index them).
  EngineAccuracy(const models::Engine& engine, const models::Dataset& data,
                 const DesignSpace& space, int threads = 2);

  models::Evaluation evaluate(const Point& point, std::size_t upcoming_shared_layers = 0);

  // Statistics.
  std::size_t prefixes_built() const { return built_; }
  std::size_t prefix_uses() const { return uses_; }
  std::size_t layers_skipped() const { return skipped_; }  // compute layers not re-run, in all

 private:
  const models::Engine& engine_;
  const models::Dataset& data_;
  const DesignSpace& space_;
  int threads_;
  std::unique_ptr<models::Prefix> prefix_;
  Point prefix_point_;
  std::size_t built_ = 0, uses_ = 0, skipped_ = 0;
};

}  // namespace hawx::search
