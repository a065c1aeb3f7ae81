// SPDX-License-Identifier: MIT
// Profiling: the exact quantised network run on representative inputs, recording what the hawx
// scores need (DESIGN.md, "The hawx score"; docs/scoring.md):
// - per compute layer, the histogram of the activation operands as the multipliers see them
//   (256 bins; in sign-magnitude also how many of each magnitude were negative), and of the pairs
//   of operands that follow one another at a tap (for the energy predictor);
// - per filter, the mean and variance of its accumulated int32 output (the signal the error of a
//   multiplier is compared with);
// - per compute layer, two propagation gains: Gaussian noise whose power is a known fraction r of
//   each filter's output variance is added at the layer's pre-activation outputs, and the gain is
//   the noise-to-signal ratio it causes at the logits divided by r (so that gain x the NSR of a
//   layer's outputs predicts the NSR at the logits). g_l (white): independent noise at every
//   output; g_l^bias: one draw per filter added to all its outputs (a constant offset, as a
//   multiplier's mean error is), averaged over a few draws; g_l^signal: noise shaped like the
//   signal, every output of a filter moved by eps (y - mean y) with one eps ~ N(0, r) per image
//   and filter (an error that follows the image's content, as a filter whose weights are slightly
//   wrong makes, and as the part of a multiplier's error that grows with the activation does).
//   The logits' NSR counts only the changes that can change a prediction (logit_nsr()).
//
// Promises: deterministic (seeded noise, integer histogram sums), whatever the thread count; every
// vector is indexed by compute layer (Network::compute_layers() order).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/stats.h"
#include "models/data/dataset.h"
#include "models/engine/engine.h"

namespace hawx::scoring {

struct ProfileOptions {
  std::size_t images = 300;       // the first `images` of the profiling set (0: all)
  double noise_ratio = 0.01;      // r: injected noise power / filter output variance
  std::uint64_t seed = 1;         // of the injected noise
  std::size_t gain_images = 100;  // the first of those the gains are measured on (0: all)
  int bias_draws = 1;             // constant-offset draws averaged for g_l^bias
  int threads = 2;
};

struct LayerProfile {
  std::string name;  // the layer's ONNX node
  int filters = 0;
  int taps = 0;                          // multiplications per filter per output position
  std::int64_t uses = 0;                 // output positions per image: each weight's uses per image
  models::OperandHistogram operands{};   // as the multiplier sees them
  models::OperandHistogram negatives{};  // sign-magnitude: how many of operands[v] were negative
  // Operand pairs (previous, current) at one tap between neighbouring output positions
  // (Probe::operand_transitions): the stream of a weight-stationary PE; 65,536 entries.
  std::vector<std::uint64_t> transitions;
  std::vector<models::FilterMoments> outputs;  // per filter, accumulator units
  double gain = 0.0;                           // g_l, white noise
  double bias_gain = 0.0;                      // g_l^bias, constant offsets
  double signal_gain = 0.0;                    // g_l^signal, signal-shaped noise
  double logit_nsr = 0.0;                      // measured at the logits for noise_ratio (white)
  // P(a): the operand distribution (operands / total).
  std::vector<double> distribution() const;
};

struct Profile {
  std::size_t images = 0;
  double noise_ratio = 0.0;
  bool sign_magnitude = true;
  std::vector<LayerProfile> layers;
  double seconds = 0.0;  // time the profiling took
};

// Profiles the engine's network on `data` (its first options.images images) under the exact
// assignment: the engine's multiplier 0 must be the exact one (as app::candidates() puts it).
Profile profile(const models::Engine& engine, const models::Dataset& data,
                const ProfileOptions& options = {});

// The logits of every image of `data` under `assignment` (and the probe's noise, images numbered
// from 0), on `threads` threads; the same whatever the thread count.
std::vector<std::vector<float>> logits_of(const models::Engine& engine, const models::Dataset& data,
                                          const models::Assignment& assignment,
                                          const models::Probe* probe = nullptr, int threads = 2);

// The noise-to-signal ratio between two sets of logits (per image, same sizes), counting only
// changes that can change a prediction: on logits centred per image (c(z) = z - the mean of z's
// entries; adding a constant to every logit changes nothing), and without the change's component
// along c(z) itself (a change of scale changes nothing either):
//   d_i = c(z_noisy,i) - c(z_i) - alpha_i c(z_i),  alpha_i = <c(z_noisy,i) - c(z_i), c(z_i)> /
//   |c(z_i)|^2 NSR = sum_i |d_i|^2 / sum_i |c(z_i) - mean over images of c(z)|^2
double logit_nsr(const std::vector<std::vector<float>>& clean,
                 const std::vector<std::vector<float>>& noisy);

void report_stats(const Profile& profile, StatsTree& out);

}  // namespace hawx::scoring
