// SPDX-License-Identifier: MIT
// A design space: which candidate multiplier (exact or one of k approximate ones) each unit of a
// network uses. A unit is a whole compute layer (layer level: k+1 choices per layer, (k+1)^L
// points) or one filter of a compute layer (filter level: (k+1)^F points).
//
// A point is a vector of genes, one candidate index per unit (index 0 is the exact multiplier,
// as in the engine's multiplier list). Points are plain values: copied, compared and hashed
// without touching an engine.
//
// Promises:
// - Enumeration order (at(), next()) is mixed-radix with the LAST unit varying fastest, so
//   consecutive points share their leading layers for as long as possible: an evaluator that keeps
//   the engine's prefix (models::Engine::prefix) of the unchanged leading layers pays for it once
//   per block (see leading_layers_in_common()).
// - key() is a canonical text of the per-filter assignment the point stands for, including the
//   candidate names: a layer-level point and the filter-level point that assigns the same
//   multiplier to every filter have the same key, so their evaluations are shared. hash() is a
//   64-bit FNV-1a of the key, as 16 hex digits.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "search/rng.h"

namespace hawx::models {
struct Network;
struct Assignment;
}  // namespace hawx::models

namespace hawx::search {

using Point = std::vector<std::uint16_t>;

enum class Level { kLayer, kFilter };
const char* level_name(Level level);             // "layer", "filter"
Level level_from_name(const std::string& name);  // ConfigError otherwise

// A compute layer as the space sees it.
struct SpaceLayer {
  std::string name;
  int filters = 0;
};

class DesignSpace {
 public:
  // candidates[0] is the exact multiplier; at least one candidate and one layer, every layer
  // with at least one filter (Error otherwise).
  DesignSpace(Level level, std::vector<SpaceLayer> layers, std::vector<std::string> candidates);
  // The compute layers of a network (models::Network::compute_layers) with their filter counts.
  static DesignSpace of_network(Level level, const models::Network& net,
                                std::vector<std::string> candidates);

  Level level() const { return level_; }
  const std::vector<SpaceLayer>& layers() const { return layers_; }
  const std::vector<std::string>& candidates() const { return candidates_; }
  // Genes per point: layers (layer level) or filters of all layers (filter level).
  std::size_t genes() const { return layer_of_gene_.size(); }
  // The compute layer a gene belongs to.
  std::size_t layer_of_gene(std::size_t gene) const { return layer_of_gene_[gene]; }
  std::size_t choices() const { return candidates_.size(); }

  // Number of points: exact when it fits 64 bits, nullopt otherwise.
  std::optional<std::uint64_t> size() const;
  double log10_size() const;

  // The point at `index` (< size()) in enumeration order; the first point (all exact) after
  // `next` wraps around. next() returns false when `point` was the last one.
  Point at(std::uint64_t index) const;
  bool next(Point& point) const;
  // Every gene drawn uniformly from the candidates.
  Point sample(Rng& rng) const;
  // Every unit using candidate `c`.
  Point uniform(std::uint16_t c) const;

  // Error naming what is wrong when `point` does not belong to this space.
  void check(const Point& point) const;
  // The candidate of every filter: [compute layer][filter].
  std::vector<std::vector<std::uint16_t>> filters_of(const Point& point) const;
  // The same as the engine's assignment type.
  models::Assignment assignment(const Point& point) const;
  // Leading compute layers on which a and b assign every filter the same candidate.
  std::size_t leading_layers_in_common(const Point& a, const Point& b) const;

  std::string key(const Point& point) const;
  std::string hash(const Point& point) const;
  // A readable text of a point: per layer the candidate name, or (filter level, mixed layers)
  // the count of filters per candidate.
  std::string describe(const Point& point) const;
  // Identifies the space itself (level, layers, filters, candidates), for the results store.
  std::string signature() const;

 private:
  Level level_;
  std::vector<SpaceLayer> layers_;
  std::vector<std::string> candidates_;
  std::vector<std::size_t> layer_of_gene_;
};

// FNV-1a, 64 bits, of `text`, as 16 lower-case hex digits.
std::string fnv1a_hex(const std::string& text);

}  // namespace hawx::search
