// SPDX-License-Identifier: MIT
// Int8 inference with approximate multipliers: the quantised network and the engine that runs it
// with a multiplier assigned to every filter.
//
// Quantisation (post-training, calibrated on training images):
// - weights per output channel (filter), activations per tensor, both symmetric, scales from the
//   maximum magnitude seen (weights: exact; activations: over the calibration images);
// - the operand format follows the multipliers' signedness:
//   kSignMagnitude (unsigned multipliers): every operand is a sign and an 8-bit magnitude
//     0..255; the multiplier sees the two magnitudes and the sign is applied to its product,
//     as sign-magnitude accelerators use unsigned approximate multipliers. Images enter as their
//     pixel values exactly (scale 1/255).
//   kTwosComplement (signed multipliers): int8 x int8, values -127..127.
// - int32 accumulation with the bias quantised to the accumulator's scale; requantisation to the
//   next tensor's scale (round half away from zero, saturating) after the activation.
//
// The engine: every multiplication of every convolution and fully connected layer is a lookup
// in the product table of the multiplier assigned to that filter (an exact multiplier takes the
// integer multiply, which gives the same result). Assignments are data: one engine evaluates any
// number of them. Deterministic: the same image and assignment give the same outputs, whatever
// the thread count.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/data/dataset.h"
#include "models/engine/network.h"
#include "rtl/multiplier.h"

namespace hawx::models {

enum class OperandFormat { kSignMagnitude, kTwosComplement };

struct QuantizedNetwork {
  Network net;
  OperandFormat format = OperandFormat::kSignMagnitude;
  int levels = 255;                // largest operand magnitude: 255 or 127
  std::vector<float> value_scale;  // real value = integer * scale, per network value
  std::vector<bool> value_signed;  // may hold negative values (else all >= 0)
  struct Conv {
    std::vector<std::int16_t> weights;  // as Layer::weights, integers in [-levels, levels]
    std::vector<float> weight_scale;    // per filter
    std::vector<std::int32_t> bias;     // per filter, in accumulator units
  };
  std::vector<Conv> conv;  // per layer (empty for layers that do not multiply)
};

// Calibrates on the first `images` images of `calibration` (the network's input shape must match
// the dataset's images: InputError otherwise).
QuantizedNetwork quantize(const Network& net, OperandFormat format, const Dataset& calibration,
                          std::size_t images);

// A multiplier per filter of every compute layer: index into the engine's multiplier list.
struct Assignment {
  std::vector<std::vector<std::uint16_t>> filters;  // [compute layer][filter]

  static Assignment uniform(const Network& net, std::uint16_t multiplier);
  // One multiplier per compute layer.
  static Assignment per_layer(const Network& net, const std::vector<std::uint16_t>& multipliers);
};

// What an evaluation observes or changes besides computing the outputs (the scoring stage's
// hooks). All are deterministic: histograms and moments are integer sums, noise is seeded per
// image.
struct Probe {
  // Per compute layer: how often each operand value reaches the multipliers' activation input,
  // as the multiplier sees it (magnitude 0..255 in sign-magnitude, the raw 8-bit pattern in two's
  // complement), padding zeros included, over all images and taps; in sign-magnitude also how
  // many of each magnitude came from negative activations.
  bool operand_histograms = false;
  // Per compute layer: how often each pair (previous, current) of operand values (as above)
  // follows one another at one tap between neighbouring output positions of one image (positions
  // in row-major order): the stream a weight-stationary PE sees. Index previous * 256 + current.
  bool operand_transitions = false;
  // The logits of every image (dequantised), in Evaluation::logits.
  bool logits = false;
  // Per compute layer and filter: count, mean and variance of its int32 accumulators (bias
  // included, before requantisation) over all images and output positions.
  bool filter_statistics = false;
  // Gaussian noise of standard deviation noise_std (real units) added to every pre-activation
  // output of compute layer noise_layer, where a multiplier's error would enter; -1: none. When
  // noise_std_per_filter is not empty it gives the standard deviation of each filter instead
  // (one entry per filter of the noise layer; Error otherwise).
  int noise_layer = -1;
  double noise_std = 0.0;
  std::vector<double> noise_std_per_filter;
  std::uint64_t noise_seed = 1;
  // When not empty (one entry per filter of the noise layer): instead of noise, this constant
  // (real units) is added to every pre-activation output of the filter, in every image: an
  // offset, as a multiplier's mean error is.
  std::vector<double> noise_offset_per_filter;
  // When not empty (one entry per filter of the noise layer): noise shaped like the signal
  // instead of independent per output: one draw eps ~ N(0, std) per image and filter, and every
  // pre-activation output y of the filter becomes y + eps (y - centre), centre being this entry
  // (real units): an error that follows the image's content, as a filter computed slightly wrong
  // gives.
  std::vector<double> noise_centre_per_filter;
};

using OperandHistogram = std::array<std::uint64_t, 256>;

// A filter's accumulated outputs over the probed images (Probe::filter_statistics).
struct FilterMoments {
  std::uint64_t count = 0;
  double mean = 0.0;      // accumulator units
  double variance = 0.0;  // accumulator units squared (population variance)
};

struct Evaluation {
  std::size_t images = 0;
  std::size_t correct = 0;
  std::vector<std::int16_t> predicted;  // per image: the class with the largest logit
  std::vector<std::size_t> class_total;
  std::vector<std::size_t> class_correct;
  std::vector<OperandHistogram> operand_histograms;  // per compute layer, when probed
  // Sign-magnitude: of operand_histograms[l][v], how many were negative activations.
  std::vector<OperandHistogram> negative_histograms;
  std::vector<std::vector<FilterMoments>> filter_statistics;    // [compute layer][filter]
  std::vector<std::vector<std::uint64_t>> operand_transitions;  // [compute layer][65,536]
  std::vector<std::vector<float>> logits;                       // [image], when probed
  double accuracy() const { return images ? static_cast<double>(correct) / images : 0.0; }
};

// The integer outputs of a network's leading layers for every image of a dataset, computed once
// under the leading part of an assignment. Evaluating an assignment that agrees with it on those
// layers starts from here instead of from the images: a layer-level search that varies only
// later layers pays for the shared front once. Made by Engine::prefix; holds every value a later
// layer reads (the last feature map, plus any a residual add still needs).
class Prefix {
 public:
  // The compute layers it covers: [0, layers()); later assignments must agree on these.
  std::size_t layers() const { return compute_; }
  std::size_t images() const { return images_; }
  std::size_t bytes() const;

 private:
  friend class Engine;
  std::size_t compute_ = 0;                          // compute layers covered
  std::size_t next_layer_ = 0;                       // the network layer the rest starts at
  std::vector<std::vector<std::uint16_t>> leading_;  // the assignment of the covered layers
  std::vector<int> live_;                            // values later layers read
  std::vector<std::vector<std::int16_t>> maps_;      // per live value: the maps of all images
  std::size_t images_ = 0;
  const Dataset* data_ = nullptr;
};

// One compute layer of one image in integers, as the engine computes it under an assignment: for
// checking an accelerator model against the engine (Engine::trace_layer). All maps CHW.
struct LayerTrace {
  int layer = 0;                           // the network layer (Network::layers index)
  std::vector<std::int16_t> input;         // the layer's integer input map
  std::vector<std::int32_t> accumulators;  // int32 sums, bias included, before requantisation
  std::vector<std::int16_t> output;        // the requantised output map
};

struct EngineOptions {
  // Use only the portable code paths (no AVX-512 table lookups or VNNI dot products), e.g. to
  // check that the vector paths give bit-identical results. By default the best path this CPU
  // supports is chosen.
  bool portable = false;
};

class Engine {
 public:
  // Every multiplier must have the signedness the network's operand format needs.
  Engine(QuantizedNetwork network, std::vector<rtl::ProductTable> multipliers,
         EngineOptions options = {});

  const QuantizedNetwork& network() const { return q_; }
  std::size_t multipliers() const { return tables_.size(); }
  // Whether approximate products use the AVX-512 register-resident table lookups.
  bool vector_tables() const { return vector_tables_; }

  // The logits of one image (uint8 pixels, CHW) under an assignment, dequantised.
  std::vector<float> logits(const std::uint8_t* image, const Assignment& assignment) const;
  // The same for `count` images at once (each image's result is the same as alone; batches make
  // the inner loops long enough to vectorise, fully connected layers included).
  // `first_image` numbers the images for the probe's noise seeds; `histograms` (per compute
  // layer) receives operand counts when the probe asks for them.
  std::vector<std::vector<float>> logits(const std::uint8_t* const* images, std::size_t count,
                                         const Assignment& assignment, const Probe* probe = nullptr,
                                         std::size_t first_image = 0,
                                         std::vector<OperandHistogram>* histograms = nullptr) const;

  // Compute layer `compute_layer` of one image under `assignment` (every earlier layer run as
  // logits() runs it): its input, accumulators and output. Error for a layer out of range.
  LayerTrace trace_layer(const std::uint8_t* image, const Assignment& assignment,
                         std::size_t compute_layer) const;

  // Top-1 accuracy over the dataset, on `threads` threads; `progress` is called with the number
  // of images finished so far (from one thread at a time).
  Evaluation evaluate(const Dataset& data, const Assignment& assignment, int threads = 2,
                      const std::function<void(std::size_t)>& progress = {},
                      const Probe& probe = {}) const;

  // Runs the first `compute_layers` compute layers (and everything before the next one) on every
  // image of `data` under `assignment`'s choices for those layers, and keeps what later layers
  // need. compute_layers must be below the number of compute layers.
  Prefix prefix(const Dataset& data, const Assignment& assignment, std::size_t compute_layers,
                int threads = 2, const std::function<void(std::size_t)>& progress = {}) const;
  // evaluate() continued from a prefix of the same dataset: the same result as evaluate(data,
  // assignment, ...), bit for bit, as long as `assignment` agrees with the prefix's on the layers
  // it covers (Error otherwise). The probe's noise layer must come after the prefix; operand
  // histograms count only the layers run here (the covered ones stay zero).
  Evaluation evaluate(const Prefix& from, const Dataset& data, const Assignment& assignment,
                      int threads = 2, const std::function<void(std::size_t)>& progress = {},
                      const Probe& probe = {}) const;

 private:
  using Maps = std::vector<std::vector<std::int16_t>>;  // per network value: maps of a batch
  // The integer input maps of `count` images.
  void load_images(const std::uint8_t* const* images, std::size_t count, Maps& v) const;
  // Runs network layers [from, to) on a batch; `compute` is the compute-layer number of the
  // first compute layer among them. `real` receives the last layer's real outputs when it runs.
  // What a probe gathers on one thread (engine.cpp), summed over threads at the end.
  struct ProbeTotals;
  ProbeTotals start_totals(const Probe& probe, std::size_t layers) const;
  void run(Maps& v, std::size_t count, std::size_t from, std::size_t to, std::size_t compute,
           const Assignment& assignment, const Probe* probe, std::size_t first_image,
           ProbeTotals* totals, std::vector<float>* real) const;
  // Calls work(first, count, thread) for batches of images on `threads` threads, each batch taken
  // by whichever thread is free, and reports progress.
  void for_batches(std::size_t n, int threads,
                   const std::function<void(std::size_t, std::size_t, int)>& work,
                   const std::function<void(std::size_t)>& progress) const;
  Evaluation evaluate_from(const Prefix* from, const Dataset& data, const Assignment& assignment,
                           int threads, const std::function<void(std::size_t)>& progress,
                           const Probe& probe) const;

  void check(const Assignment& a) const;
  // Runs one convolution on the integer feature maps of `count` images (each map contiguous).
  // `acc_out`, when given, receives the int32 accumulators (laid out as `out`).
  // `noise_std`: per filter, or null for none; `noise_offset`: per filter, a constant added to
  // every output (null: none); `noise_centre`: per filter, signal-shaped noise (Probe) with
  // noise_std; `totals`: what the probe gathers for this layer (null: nothing).
  struct LayerTotals;
  void conv(int layer, const std::vector<std::uint16_t>& choice, std::size_t count,
            const std::int16_t* in, std::int16_t* out, float* real_out, const double* noise_std,
            const double* noise_offset, const double* noise_centre, std::uint64_t noise_seed,
            std::size_t first_image, LayerTotals* totals, std::int32_t* acc_out = nullptr) const;

  // Parameters.
  QuantizedNetwork q_;
  std::vector<rtl::ProductTable> multipliers_;
  std::vector<bool> exact_;
  // rows_[m][w * 256 + a] = product of operand a (activation) and w (weight) under multiplier m,
  // indexed by magnitudes (sign-magnitude) or by raw int8 patterns (two's complement).
  std::vector<std::vector<std::int32_t>> tables_;
  // The same as 16-bit patterns (products of an 8x8 multiplier fit), for the vector path.
  std::vector<std::vector<std::uint16_t>> tables16_;
  // Per weight row, the products' low bytes (256) then high bytes (256), for the byte lookups.
  std::vector<std::vector<std::uint8_t>> tables8_;
  // Unsigned multipliers, per weight magnitude w (row): the error of each product against the
  // exact a * w, less the row's smallest error, as a byte (256 per row) where the row's errors
  // span at most 255 (error_fits_); error_min_ is that smallest error. A filter whose rows all
  // fit computes exact byte dot products plus one byte lookup per product instead of two.
  std::vector<std::vector<std::uint8_t>> errors8_;
  std::vector<std::vector<std::int32_t>> error_min_;
  std::vector<std::vector<char>> error_fits_;
  // Per fitting row: its span (largest error byte) and how the vector kernel looks it up
  // (ErrorLookup in engine.cpp: no lookup for a constant row, one vpermb for a row that repeats
  // every 64 operands, one vpermt2b every 128, two and a blend otherwise).
  std::vector<std::vector<std::uint8_t>> error_span_;
  std::vector<std::vector<std::uint8_t>> error_lookup_;
  bool vector_tables_ = false;
  bool byte_tables_ = false;  // AVX-512 VBMI byte lookups
  // AVX-512 VNNI dot products for exact filters; their weights in pairs of taps, per layer.
  bool vnni_ = false;
  std::vector<std::vector<std::int32_t>> pairs_;
  // The same in quads of taps for the byte dot products (vpdpbusd), per layer.
  struct QuadWeights {
    std::vector<std::int32_t> high, low;          // [filter][quad], four int8 per word
    std::vector<std::int32_t> offset_correction;  // per filter (two's complement)
  };
  std::vector<QuadWeights> quads_;
  // Per layer, the table kernels' order of each filter's taps (positive weights first): the
  // table row and the operand row offset of each, and how many are positive.
  struct TapPlan {
    std::vector<std::uint16_t> row;     // [filter][j]
    std::vector<std::uint32_t> offset;  // [filter][j], in patch elements
    std::vector<int> positives;         // per filter
  };
  std::vector<TapPlan> plans_;
};

}  // namespace hawx::models
