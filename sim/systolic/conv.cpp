// SPDX-License-Identifier: MIT
#include "sim/systolic/conv.h"

#include <string>

#include "core/errors.h"

namespace hawx::systolic {

ConvRun simulate_conv(const ArraySpec& spec, const std::vector<PeMultiplier>& multipliers,
                      const ConvOperands& conv) {
  const int groups = conv.groups;
  if (groups < 1 || conv.window.channels % groups != 0 || conv.filters % groups != 0) {
    throw InputError(std::to_string(groups) + " groups do not divide the " +
                     std::to_string(conv.window.channels) + " channels and " +
                     std::to_string(conv.filters) + " filters");
  }
  ConvWindow window = conv.window;
  window.channels /= groups;
  const int per_group = conv.filters / groups;
  const Gemm gemm = window.gemm(per_group);
  const auto taps = static_cast<std::size_t>(gemm.k);
  const auto pixels = static_cast<std::size_t>(gemm.m);
  const auto filters = static_cast<std::size_t>(conv.filters);
  if (conv.weights.size() != filters * taps || conv.filter_multiplier.size() != filters ||
      (!conv.bias.empty() && conv.bias.size() != filters) || conv.input == nullptr) {
    throw InputError("the convolution's weights, bias or assignment do not match its " +
                     std::to_string(conv.filters) + " filters of " + std::to_string(taps) +
                     " taps");
  }
  const std::size_t map = static_cast<std::size_t>(window.channels) * window.height * window.width;
  ConvRun run;
  run.ofmap.resize(filters * pixels);
  run.compute_cycles = -1;
  for (int g = 0; g < groups; ++g) {
    const auto first = static_cast<std::size_t>(g * per_group);
    const auto last = first + static_cast<std::size_t>(per_group);
    GemmOperands o;
    o.gemm = gemm;
    o.ifmap = im2col(window, conv.input + static_cast<std::size_t>(g) * map);
    o.weights.assign(conv.weights.begin() + static_cast<std::ptrdiff_t>(first * taps),
                     conv.weights.begin() + static_cast<std::ptrdiff_t>(last * taps));
    if (!conv.bias.empty()) {
      o.bias.assign(conv.bias.begin() + static_cast<std::ptrdiff_t>(first),
                    conv.bias.begin() + static_cast<std::ptrdiff_t>(last));
    }
    o.filter_multiplier.assign(conv.filter_multiplier.begin() + static_cast<std::ptrdiff_t>(first),
                               conv.filter_multiplier.begin() + static_cast<std::ptrdiff_t>(last));
    ArrayRun r = simulate_gemm(spec, multipliers, o);
    std::copy(r.ofmap.begin(), r.ofmap.end(),
              run.ofmap.begin() + static_cast<std::ptrdiff_t>(first * pixels));
    run.folds += r.folds;
    run.extra_col_folds += r.mapping.extra_col_folds();
    run.compute_cycles += r.compute_cycles + 1;
    run.stall_cycles += r.stall_cycles;
    run.total.operations += r.total.operations;
    run.total.a_toggles += r.total.a_toggles;
    run.total.b_toggles += r.total.b_toggles;
    run.total.stationary_toggles_latch += r.total.stationary_toggles_latch;
    run.total.stationary_toggles_in_fold += r.total.stationary_toggles_in_fold;
    run.total.energy_fj += r.total.energy_fj;
    run.total.psum_toggles += r.total.psum_toggles;
    run.groups.push_back(std::move(r));
  }
  return run;
}

}  // namespace hawx::systolic
