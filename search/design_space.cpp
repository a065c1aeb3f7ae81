// SPDX-License-Identifier: MIT
#include "search/design_space.h"

#include <cmath>
#include <limits>
#include <map>

#include "core/errors.h"

namespace hawx::search {

const char* level_name(Level level) { return level == Level::kLayer ? "layer" : "filter"; }

Level level_from_name(const std::string& name) {
  if (name == "layer") return Level::kLayer;
  if (name == "filter") return Level::kFilter;
  throw ConfigError("unknown design-space level '" + name + "'; expected layer or filter");
}

std::string fnv1a_hex(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  static const char* digits = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = digits[h & 15];
  return out;
}

DesignSpace::DesignSpace(Level level, std::vector<SpaceLayer> layers,
                         std::vector<std::string> candidates)
    : level_(level), layers_(std::move(layers)), candidates_(std::move(candidates)) {
  if (candidates_.empty()) throw Error("a design space needs at least one candidate multiplier");
  if (candidates_.size() > std::numeric_limits<std::uint16_t>::max()) {
    throw Error("a design space takes at most 65535 candidates");
  }
  if (layers_.empty()) throw Error("a design space needs at least one compute layer");
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    if (layers_[l].filters < 1) {
      throw Error("design space: layer '" + layers_[l].name + "' has no filters");
    }
    const int units = level_ == Level::kLayer ? 1 : layers_[l].filters;
    for (int u = 0; u < units; ++u) layer_of_gene_.push_back(l);
  }
}

std::optional<std::uint64_t> DesignSpace::size() const {
  std::uint64_t n = 1;
  const std::uint64_t k = choices();
  for (std::size_t g = 0; g < genes(); ++g) {
    if (n > std::numeric_limits<std::uint64_t>::max() / k) return std::nullopt;
    n *= k;
  }
  return n;
}

double DesignSpace::log10_size() const {
  return static_cast<double>(genes()) * std::log10(static_cast<double>(choices()));
}

Point DesignSpace::at(std::uint64_t index) const {
  const auto n = size();
  if (n && index >= *n) {
    throw Error("design space: point " + std::to_string(index) + " of " + std::to_string(*n));
  }
  Point p(genes(), 0);
  const std::uint64_t k = choices();
  for (std::size_t g = genes(); g-- > 0 && index > 0;) {
    p[g] = static_cast<std::uint16_t>(index % k);
    index /= k;
  }
  return p;
}

bool DesignSpace::next(Point& point) const {
  for (std::size_t g = point.size(); g-- > 0;) {
    if (point[g] + 1u < choices()) {
      ++point[g];
      return true;
    }
    point[g] = 0;
  }
  return false;
}

Point DesignSpace::sample(Rng& rng) const {
  Point p(genes());
  for (auto& gene : p) gene = static_cast<std::uint16_t>(rng.below(choices()));
  return p;
}

Point DesignSpace::uniform(std::uint16_t c) const {
  if (c >= choices()) throw Error("design space: candidate " + std::to_string(c) + " out of range");
  return Point(genes(), c);
}

void DesignSpace::check(const Point& point) const {
  if (point.size() != genes()) {
    throw Error("design space: a point of " + std::to_string(point.size()) + " genes; the " +
                level_name(level_) + "-level space has " + std::to_string(genes()));
  }
  for (std::size_t g = 0; g < point.size(); ++g) {
    if (point[g] >= choices()) {
      throw Error("design space: gene " + std::to_string(g) + " is candidate " +
                  std::to_string(point[g]) + "; there are " + std::to_string(choices()));
    }
  }
}

std::vector<std::vector<std::uint16_t>> DesignSpace::filters_of(const Point& point) const {
  check(point);
  std::vector<std::vector<std::uint16_t>> out(layers_.size());
  std::size_t g = 0;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const auto filters = static_cast<std::size_t>(layers_[l].filters);
    if (level_ == Level::kLayer) {
      out[l].assign(filters, point[g++]);
    } else {
      out[l].assign(point.begin() + static_cast<std::ptrdiff_t>(g),
                    point.begin() + static_cast<std::ptrdiff_t>(g + filters));
      g += filters;
    }
  }
  return out;
}

std::size_t DesignSpace::leading_layers_in_common(const Point& a, const Point& b) const {
  check(a);
  check(b);
  std::size_t g = 0;
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const std::size_t units =
        level_ == Level::kLayer ? 1 : static_cast<std::size_t>(layers_[l].filters);
    for (std::size_t u = 0; u < units; ++u, ++g) {
      if (a[g] != b[g]) return l;
    }
  }
  return layers_.size();
}

std::string DesignSpace::key(const Point& point) const {
  std::string out;
  for (std::size_t c = 0; c < candidates_.size(); ++c) out += (c ? "|" : "") + candidates_[c];
  out += "#";
  const auto filters = filters_of(point);
  for (std::size_t l = 0; l < filters.size(); ++l) {
    if (l) out += ";";
    const auto& f = filters[l];
    bool uniform = true;
    for (auto c : f) uniform = uniform && c == f.front();
    if (uniform) {
      out += std::to_string(f.front());
    } else {
      for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + std::to_string(f[i]);
    }
  }
  return out;
}

std::string DesignSpace::hash(const Point& point) const { return fnv1a_hex(key(point)); }

std::string DesignSpace::describe(const Point& point) const {
  const auto filters = filters_of(point);
  std::string out;
  for (std::size_t l = 0; l < filters.size(); ++l) {
    std::map<std::uint16_t, int> count;
    for (auto c : filters[l]) ++count[c];
    if (l) out += ", ";
    if (count.size() == 1) {
      out += candidates_[count.begin()->first];
    } else {
      out += "{";
      bool first = true;
      for (const auto& [c, n] : count) {
        out += (first ? "" : " ") + candidates_[c] + ":" + std::to_string(n);
        first = false;
      }
      out += "}";
    }
  }
  return out;
}

std::string DesignSpace::signature() const {
  std::string out = std::string(level_name(level_)) + " level; candidates ";
  for (std::size_t c = 0; c < candidates_.size(); ++c) out += (c ? "," : "") + candidates_[c];
  out += "; layers ";
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    out += (l ? "," : "") + layers_[l].name + ":" + std::to_string(layers_[l].filters);
  }
  return out;
}

}  // namespace hawx::search
