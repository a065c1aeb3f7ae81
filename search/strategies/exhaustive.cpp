// SPDX-License-Identifier: MIT
// `exhaustive`: every point of the space, in the space's enumeration order (the last layer
// varying fastest), so consecutive points share their leading layers and an evaluator reuses the
// engine's prefix of them. Refuses a space larger than the budget: a truncated exhaustive search
// would be a poor and misleading baseline.
#include <string>

#include "search/strategy.h"

namespace hawx::search {
namespace {

class Exhaustive final : public Strategy {
 public:
  explicit Exhaustive(const StrategyContext& c) : space_(c.space) {
    const auto size = space_.size();
    if (!size || *size > c.options.budget) {
      throw ConfigError(
          "exhaustive search over the " + std::string(level_name(space_.level())) +
          "-level space needs " +
          (size ? std::to_string(*size) : "10^" + std::to_string(space_.log10_size())) +
          " evaluations; the budget is " + std::to_string(c.options.budget));
    }
    next_ = space_.uniform(0);
  }

  std::optional<Point> propose() override {
    if (finished_) return std::nullopt;
    Point p = next_;
    finished_ = !space_.next(next_);
    return p;
  }
  void report(const Point&, const Outcome&) override {}
  bool done() const override { return finished_; }
  std::size_t upcoming_shared_layers() const override {
    if (finished_) return 0;
    // next_ has been advanced already; the point before it is the last one proposed.
    Point last = next_;
    for (std::size_t g = last.size(); g-- > 0;) {
      if (last[g] > 0) {
        --last[g];
        break;
      }
      last[g] = static_cast<std::uint16_t>(space_.choices() - 1);
    }
    return space_.leading_layers_in_common(last, next_);
  }

 private:
  const DesignSpace& space_;
  Point next_;
  bool finished_ = false;
};

}  // namespace
}  // namespace hawx::search

HAWX_REGISTER(hawx::search::StrategyKind, exhaustive, "exhaustive",
              "every point, last layer fastest (reuses the engine's prefix); ground truth",
              [](const hawx::search::StrategyContext& c) {
                return std::unique_ptr<hawx::search::Strategy>(new hawx::search::Exhaustive(c));
              })
