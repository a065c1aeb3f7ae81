// SPDX-License-Identifier: MIT
// Distributions of operands reduced to a few weighted points, over which the energy predictors
// (energy_predictor.h, simt_energy_predictor.h) average a multiplier's SwitchingEnergyModel: the
// most probable values exactly, the rest by systematic samples. Deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hawx::scoring {

struct Point {
  std::size_t index = 0;  // the value (or the pair, previous * 256 + current)
  double p = 0.0;         // its share of the whole distribution
};

// The `exact` most probable entries of `counts` with their probabilities, and the rest by
// `strata` systematic samples in index order, each carrying an equal share of the remaining mass.
// Empty when every count is zero.
std::vector<Point> reduce(const std::vector<double>& counts, std::size_t exact, std::size_t strata);

// An integer operand as the multiplier sees it: its magnitude in sign-magnitude, its 8-bit pattern
// in two's complement (models/engine/engine.h).
inline unsigned operand_pattern(int value, bool sign_magnitude) {
  return sign_magnitude ? static_cast<unsigned>(value < 0 ? -value : value)
                        : static_cast<unsigned>(static_cast<std::uint8_t>(value));
}

}  // namespace hawx::scoring
