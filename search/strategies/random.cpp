// SPDX-License-Identifier: MIT
// `random`: distinct points drawn uniformly from the space (a seeded shuffle when the space is
// small next to the budget, rejection of repeats otherwise) until the budget or the space is
// used up.
#include <algorithm>
#include <numeric>
#include <set>

#include "search/strategy.h"

namespace hawx::search {
namespace {

class RandomSearch final : public Strategy {
 public:
  explicit RandomSearch(const StrategyContext& c)
      : space_(c.space), budget_(c.options.budget), rng_(c.options.seed), size_(space_.size()) {
    const auto& size = size_;
    // A small space: a prefix of a shuffled enumeration, so no draw is wasted on repeats.
    if (size && *size <= std::max<std::uint64_t>(4 * budget_, 1024) && *size <= (1u << 24)) {
      order_.resize(*size);
      std::iota(order_.begin(), order_.end(), std::uint64_t{0});
      for (std::size_t i = order_.size(); i > 1; --i) {
        std::swap(order_[i - 1], order_[rng_.below(i)]);
      }
      order_.resize(std::min<std::uint64_t>(*size, budget_));
      shuffled_ = true;
    }
  }

  std::optional<Point> propose() override {
    if (done()) return std::nullopt;
    ++proposed_;
    if (shuffled_) return space_.at(order_[proposed_ - 1]);
    for (;;) {
      Point p = space_.sample(rng_);
      if (seen_.insert(p).second) return p;
    }
  }
  void report(const Point&, const Outcome&) override {}
  bool done() const override {
    return proposed_ >= budget_ || (shuffled_ && proposed_ >= order_.size()) ||
           (size_ && proposed_ >= *size_);
  }

 private:
  const DesignSpace& space_;
  std::uint64_t budget_;
  Rng rng_;
  std::optional<std::uint64_t> size_;
  bool shuffled_ = false;
  std::vector<std::uint64_t> order_;
  std::set<Point> seen_;
  std::uint64_t proposed_ = 0;
};

}  // namespace
}  // namespace hawx::search

HAWX_REGISTER(hawx::search::StrategyKind, random, "random",
              "distinct points drawn uniformly (seeded); the baseline",
              [](const hawx::search::StrategyContext& c) {
                return std::unique_ptr<hawx::search::Strategy>(new hawx::search::RandomSearch(c));
              })
