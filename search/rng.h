// SPDX-License-Identifier: MIT
// The search's random numbers: splitmix64-seeded xoshiro256**, with integer and real draws
// defined here rather than by the standard library's distributions (whose algorithms differ
// between implementations), so a seed gives the same search on every platform.
#pragma once

#include <cstdint>

namespace hawx::search {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);
  std::uint64_t next();
  // Uniform in [0, n), n > 0, without modulo bias.
  std::uint64_t below(std::uint64_t n);
  // Uniform in [0, 1).
  double real();

 private:
  std::uint64_t s_[4];
};

}  // namespace hawx::search
