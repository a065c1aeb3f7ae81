// SPDX-License-Identifier: MIT
#include "models/engine/engine.h"

#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <random>
#include <thread>

#include "core/errors.h"

namespace hawx::models {
namespace {

// Columns (output positions of a batch) per tile: the unit of the patches and of the kernels.
constexpr std::size_t kTile = 64;

// Round half away from zero and saturate to [-levels, levels].
std::int16_t quantize_value(float real, float scale, int levels) {
  const float q = std::round(real / scale);
  return static_cast<std::int16_t>(
      std::clamp(q, static_cast<float>(-levels), static_cast<float>(levels)));
}

float scale_of(float max_magnitude, int levels) {
  return max_magnitude > 0.0f ? max_magnitude / static_cast<float>(levels) : 1.0f;
}

// How the vector kernel looks up one fitting error row (Engine::error_lookup_): the smallest
// lookup that gives the row's byte for every operand. Truncated multipliers' errors, for
// instance, depend only on the operand's low bits, so their rows repeat every 16 operands.
enum ErrorLookup : std::uint8_t {
  kErrorConstant = 0,  // every error byte 0: nothing to look up
  kError64 = 1,        // row[a] == row[a % 64]: one vpermb on the row's first 64 bytes
  kError128 = 2,       // row[a] == row[a % 128]: one vpermt2b on its first 128
  kError256 = 3,       // two vpermt2b and a blend on the operand's bit 7
};

}  // namespace

QuantizedNetwork quantize(const Network& net, OperandFormat format, const Dataset& calibration,
                          std::size_t images) {
  if (calibration.channels != net.input.c || calibration.height != net.input.h ||
      calibration.width != net.input.w) {
    throw InputError(net.file.string() + ": the model expects images of " +
                     std::to_string(net.input.c) + "x" + std::to_string(net.input.h) + "x" +
                     std::to_string(net.input.w) + ", dataset '" + calibration.name + "' has " +
                     std::to_string(calibration.channels) + "x" +
                     std::to_string(calibration.height) + "x" + std::to_string(calibration.width));
  }
  QuantizedNetwork q;
  q.net = net;
  q.format = format;
  q.levels = format == OperandFormat::kSignMagnitude ? 255 : 127;

  // Calibration: the largest magnitude of every value over the calibration images.
  std::vector<float> max_abs(net.values.size(), 0.0f);
  q.value_signed.assign(net.values.size(), false);
  std::vector<float> image(static_cast<std::size_t>(net.input.elements()));
  std::vector<std::vector<float>> values;
  const std::size_t n = std::min(images, calibration.size());
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t* pixels = calibration.image(i);
    for (std::size_t k = 0; k < image.size(); ++k) image[k] = pixels[k] / 255.0f;
    forward_float(net, image.data(), &values);
    for (std::size_t v = 0; v < values.size(); ++v) {
      for (float x : values[v]) {
        max_abs[v] = std::max(max_abs[v], std::fabs(x));
        if (x < 0.0f) q.value_signed[v] = true;
      }
    }
  }
  q.value_scale.resize(net.values.size());
  for (std::size_t v = 0; v < net.values.size(); ++v) {
    q.value_scale[v] = scale_of(max_abs[v], q.levels);
  }
  // Images enter as pixels / 255: exactly their pixel values in sign-magnitude.
  q.value_scale[0] = 1.0f / static_cast<float>(q.levels);
  q.value_signed[0] = false;
  // Max and average pools keep their input's scale: they only select or average.
  for (const Layer& l : net.layers) {
    if (l.kind == Layer::Kind::kMaxPool || l.kind == Layer::Kind::kAvgPool ||
        l.kind == Layer::Kind::kGlobalAvgPool) {
      q.value_scale[l.output] = q.value_scale[l.input];
      q.value_signed[l.output] = q.value_signed[l.input];
    }
  }

  q.conv.resize(net.layers.size());
  for (std::size_t i = 0; i < net.layers.size(); ++i) {
    const Layer& l = net.layers[i];
    if (l.kind != Layer::Kind::kConv) continue;
    QuantizedNetwork::Conv& c = q.conv[i];
    const std::size_t taps = static_cast<std::size_t>(l.taps());
    c.weights.resize(l.weights.size());
    c.weight_scale.resize(static_cast<std::size_t>(l.filters()));
    c.bias.resize(static_cast<std::size_t>(l.filters()));
    for (int f = 0; f < l.filters(); ++f) {
      float m = 0.0f;
      for (std::size_t k = 0; k < taps; ++k) m = std::max(m, std::fabs(l.weights[f * taps + k]));
      const float s = scale_of(m, q.levels);
      c.weight_scale[f] = s;
      for (std::size_t k = 0; k < taps; ++k) {
        c.weights[f * taps + k] = quantize_value(l.weights[f * taps + k], s, q.levels);
      }
      const double acc_scale = static_cast<double>(q.value_scale[l.input]) * s;
      c.bias[f] = static_cast<std::int32_t>(std::llround(l.bias[f] / acc_scale));
    }
  }
  return q;
}

Assignment Assignment::uniform(const Network& net, std::uint16_t multiplier) {
  Assignment a;
  for (int layer : net.compute_layers()) {
    a.filters.emplace_back(static_cast<std::size_t>(net.layers[layer].filters()), multiplier);
  }
  return a;
}

Assignment Assignment::per_layer(const Network& net, const std::vector<std::uint16_t>& m) {
  const auto layers = net.compute_layers();
  if (m.size() != layers.size()) {
    throw Error("a per-layer assignment needs " + std::to_string(layers.size()) +
                " multipliers, got " + std::to_string(m.size()));
  }
  Assignment a;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    a.filters.emplace_back(static_cast<std::size_t>(net.layers[layers[i]].filters()), m[i]);
  }
  return a;
}

Engine::Engine(QuantizedNetwork network, std::vector<rtl::ProductTable> multipliers,
               EngineOptions options)
    : q_(std::move(network)), multipliers_(std::move(multipliers)) {
  vector_tables_ = !options.portable && __builtin_cpu_supports("avx512bw");
  byte_tables_ = vector_tables_ && __builtin_cpu_supports("avx512vbmi");
  vnni_ = !options.portable && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vnni");
  // The exact path's weights in pairs of taps (the second of an odd count is 0).
  pairs_.resize(q_.net.layers.size());
  quads_.resize(q_.net.layers.size());
  plans_.resize(q_.net.layers.size());
  for (std::size_t i = 0; i < q_.net.layers.size(); ++i) {
    const Layer& l = q_.net.layers[i];
    if (l.kind != Layer::Kind::kConv) continue;
    const std::size_t taps = static_cast<std::size_t>(l.taps());
    const std::size_t pairs = (taps + 1) / 2;
    pairs_[i].assign(pairs * static_cast<std::size_t>(l.filters()), 0);
    for (std::size_t f = 0; f < static_cast<std::size_t>(l.filters()); ++f) {
      const std::int16_t* w = q_.conv[i].weights.data() + f * taps;
      for (std::size_t j = 0; j < pairs; ++j) {
        const auto even = static_cast<std::uint16_t>(w[2 * j]);
        const auto odd = static_cast<std::uint16_t>(2 * j + 1 < taps ? w[2 * j + 1] : 0);
        pairs_[i][f * pairs + j] = static_cast<std::int32_t>(
            static_cast<std::uint32_t>(even) | (static_cast<std::uint32_t>(odd) << 16));
      }
    }
    // The byte path's weights in quads of taps (missing taps 0): sign-magnitude weights
    // (-255..255) as 2 * (w >> 1) + (w & 1), both parts int8; two's complement ones as they are,
    // with the correction for operands offset by 128.
    const std::size_t quads = (taps + 3) / 4;
    const std::size_t filters = static_cast<std::size_t>(l.filters());
    QuadWeights& qw = quads_[i];
    qw.high.assign(quads * filters, 0);
    qw.low.assign(quads * filters, 0);
    qw.offset_correction.assign(filters, 0);
    for (std::size_t f = 0; f < filters; ++f) {
      const std::int16_t* w = q_.conv[i].weights.data() + f * taps;
      for (std::size_t k = 0; k < taps; ++k) {
        const int shift = 8 * static_cast<int>(k % 4);
        const bool split = q_.format == OperandFormat::kSignMagnitude;
        const auto high = static_cast<std::uint8_t>(split ? w[k] >> 1 : w[k]);
        const auto low = static_cast<std::uint8_t>(split ? w[k] & 1 : 0);
        auto& h = qw.high[f * quads + k / 4];
        auto& lo = qw.low[f * quads + k / 4];
        h = static_cast<std::int32_t>(static_cast<std::uint32_t>(h) |
                                      (static_cast<std::uint32_t>(high) << shift));
        lo = static_cast<std::int32_t>(static_cast<std::uint32_t>(lo) |
                                       (static_cast<std::uint32_t>(low) << shift));
        if (!split) qw.offset_correction[f] -= 128 * w[k];
      }
    }
    // The table kernels' view of each filter: its taps positive weights first (the sign is then
    // a predictable branch; integer sums do not depend on the order), each with its table row
    // (the weight's magnitude, or its pattern in two's complement) and operand row offset.
    TapPlan& plan = plans_[i];
    plan.row.resize(taps * filters);
    plan.offset.resize(taps * filters);
    plan.positives.resize(filters);
    for (std::size_t f = 0; f < filters; ++f) {
      const std::int16_t* w = q_.conv[i].weights.data() + f * taps;
      const bool sign_magnitude = q_.format == OperandFormat::kSignMagnitude;
      std::size_t slot = f * taps;
      for (const bool negative : {false, true}) {
        for (std::size_t k = 0; k < taps; ++k) {
          if ((sign_magnitude && w[k] < 0) != negative) continue;
          plan.row[slot] = static_cast<std::uint16_t>(
              sign_magnitude ? std::abs(w[k]) : static_cast<std::uint8_t>(w[k]));
          plan.offset[slot] = static_cast<std::uint32_t>(k * kTile);
          ++slot;
        }
        if (!negative) plan.positives[f] = static_cast<int>(slot - f * taps);
      }
    }
  }
  const bool want_signed = q_.format == OperandFormat::kTwosComplement;
  for (const auto& table : multipliers_) {
    if (table.is_signed() != want_signed) {
      throw Error(std::string("the network was quantised for ") +
                  (want_signed ? "signed" : "unsigned") + " multipliers, but a " +
                  (table.is_signed() ? "signed" : "unsigned") + " one was given");
    }
    exact_.push_back(table.products() == rtl::exact_table(want_signed).products());
    std::vector<std::int32_t> rows(65536);
    std::vector<std::uint16_t> rows16(65536);
    std::vector<std::uint8_t> rows8(2 * 65536);
    for (unsigned w = 0; w < 256; ++w) {
      for (unsigned a = 0; a < 256; ++a) {
        rows[w * 256 + a] = table.at(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(w));
        rows16[w * 256 + a] = static_cast<std::uint16_t>(rows[w * 256 + a]);
        rows8[w * 512 + a] = static_cast<std::uint8_t>(rows16[w * 256 + a]);
        rows8[w * 512 + 256 + a] = static_cast<std::uint8_t>(rows16[w * 256 + a] >> 8);
      }
    }
    // 256 rows and a row of zeros (kZeroErrorRow: the padding taps of the error kernel).
    std::vector<std::uint8_t> errors8(want_signed ? 0 : 65536 + 256, 0);
    std::vector<std::int32_t> error_min(want_signed ? 0 : 256);
    std::vector<char> error_fits(want_signed ? 0 : 256, 0);
    std::vector<std::uint8_t> error_span(want_signed ? 0 : 256, 0);
    std::vector<std::uint8_t> error_lookup(want_signed ? 0 : 256, kError256);
    for (unsigned w = 0; !want_signed && w < 256; ++w) {
      std::int32_t low = std::numeric_limits<std::int32_t>::max();
      std::int32_t high = std::numeric_limits<std::int32_t>::min();
      for (unsigned a = 0; a < 256; ++a) {
        const std::int32_t e = rows[w * 256 + a] - static_cast<std::int32_t>(a * w);
        low = std::min(low, e);
        high = std::max(high, e);
      }
      error_min[w] = low;
      error_fits[w] = high - low <= 255;
      for (unsigned a = 0; error_fits[w] && a < 256; ++a) {
        errors8[w * 256 + a] =
            static_cast<std::uint8_t>(rows[w * 256 + a] - static_cast<std::int32_t>(a * w) - low);
      }
      if (!error_fits[w]) continue;
      error_span[w] = static_cast<std::uint8_t>(high - low);
      const std::uint8_t* row = errors8.data() + w * 256;
      auto repeats = [row](unsigned period) {
        for (unsigned a = period; a < 256; ++a) {
          if (row[a] != row[a % period]) return false;
        }
        return true;
      };
      error_lookup[w] = high == low    ? kErrorConstant
                        : repeats(64)  ? kError64
                        : repeats(128) ? kError128
                                       : kError256;
    }
    tables_.push_back(std::move(rows));
    tables16_.push_back(std::move(rows16));
    tables8_.push_back(std::move(rows8));
    errors8_.push_back(std::move(errors8));
    error_min_.push_back(std::move(error_min));
    error_fits_.push_back(std::move(error_fits));
    error_span_.push_back(std::move(error_span));
    error_lookup_.push_back(std::move(error_lookup));
  }
}

void Engine::check(const Assignment& a) const {
  const auto layers = q_.net.compute_layers();
  if (a.filters.size() != layers.size()) {
    throw Error("the assignment covers " + std::to_string(a.filters.size()) +
                " layers; the network has " + std::to_string(layers.size()));
  }
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (a.filters[i].size() != static_cast<std::size_t>(q_.net.layers[layers[i]].filters())) {
      throw Error("the assignment of layer '" + q_.net.layers[layers[i]].name + "' has " +
                  std::to_string(a.filters[i].size()) + " filters, the layer " +
                  std::to_string(q_.net.layers[layers[i]].filters()));
    }
    for (auto m : a.filters[i]) {
      if (m >= tables_.size()) throw Error("the assignment names multiplier " + std::to_string(m));
    }
  }
}

namespace {

// The hot loops, compiled for several instruction sets and chosen at run time by the loader
// (GCC function multiversioning). Integer arithmetic: every version gives the same result.
// The clones name instruction-set features, not CPUs: the resolver tests an "arch=X" clone
// with __builtin_cpu_is(X), which is false on every other AVX-512 CPU (Ice Lake, Sapphire
// Rapids, Zen 4), so those ran the SSE2 default; a feature clone is tested with
// __builtin_cpu_supports.
#define HAWX_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))

// One tile of kTile columns of one filter: acc[t] += sum over taps k of product(w[k], x[k][t]),
// with x's rows `stride` apart. The accumulators stay in registers across the taps.

HAWX_KERNEL void tile_exact(std::int32_t* acc, const std::int16_t* w, int taps,
                            const std::int16_t* x, std::size_t stride) {
  std::int32_t local[kTile];
  for (std::size_t t = 0; t < kTile; ++t) local[t] = acc[t];
  for (int k = 0; k < taps; ++k) {
    const std::int32_t wk = w[k];
    const std::int16_t* row = x + static_cast<std::size_t>(k) * stride;
    for (std::size_t t = 0; t < kTile; ++t) local[t] += wk * row[t];
  }
  for (std::size_t t = 0; t < kTile; ++t) acc[t] = local[t];
}

// Sign-magnitude, non-negative operands: rows[k] is the product-table row of the k-th weight's
// magnitude, negated[k] its sign, offsets[k] where its operands are in x. (The engine passes a
// filter's taps positive weights first: the sign test then is a predictable branch.)
HAWX_KERNEL void tile_rows(std::int32_t* acc, const std::int32_t* const* rows, const bool* negated,
                           int taps, const std::int16_t* x, const std::uint32_t* offsets) {
  std::int32_t local[kTile];
  for (std::size_t t = 0; t < kTile; ++t) local[t] = acc[t];
  for (int k = 0; k < taps; ++k) {
    const std::int32_t* table = rows[k];
    const std::int16_t* row = x + offsets[k];
    if (negated[k]) {
      for (std::size_t t = 0; t < kTile; ++t) local[t] -= table[static_cast<std::uint8_t>(row[t])];
    } else {
      for (std::size_t t = 0; t < kTile; ++t) local[t] += table[static_cast<std::uint8_t>(row[t])];
    }
  }
  for (std::size_t t = 0; t < kTile; ++t) acc[t] = local[t];
}

// Sign-magnitude operands of either sign.
HAWX_KERNEL void tile_rows_signed(std::int32_t* acc, const std::int32_t* const* rows,
                                  const bool* negated, int taps, const std::int16_t* x,
                                  const std::uint32_t* offsets) {
  std::int32_t local[kTile];
  for (std::size_t t = 0; t < kTile; ++t) local[t] = acc[t];
  for (int k = 0; k < taps; ++k) {
    const std::int32_t* table = rows[k];
    const std::int16_t* row = x + offsets[k];
    for (std::size_t t = 0; t < kTile; ++t) {
      const std::int16_t a = row[t];
      const std::int32_t p = table[a < 0 ? -a : a];
      local[t] += ((a < 0) != negated[k]) ? -p : p;
    }
  }
  for (std::size_t t = 0; t < kTile; ++t) acc[t] = local[t];
}

// AVX-512BW: the 256-entry row of 16-bit products of one weight sits in eight registers; each
// operand pattern picks its product with vpermt2w (64 entries at a time) and two mask blends.
// 32 lookups per step instead of 32 loads. Same sums as tile_rows / tile_rows_signed, bit for
// bit: the products are the table's 16-bit patterns, zero-extended (unsigned) or sign-extended
// (signed), and in sign-magnitude the operand's sign flips its product as it does there.
// GCC 12's AVX-512 headers pass _mm256_undefined_*() placeholders that -Wmaybe-uninitialized
// (and -Wuninitialized) report inside the intrinsics; nothing here is uninitialised.
enum class TableFormat {
  kMagnitudes,      // sign-magnitude, operands >= 0: index = operand
  kSignMagnitude,   // sign-magnitude, operands of either sign: index = |operand|, sign applied
  kTwosComplement,  // index = the operand's 8-bit pattern, products sign-extended
};

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
template <TableFormat kFormat>
__attribute__((target("avx512f,avx512bw"))) void tile_rows_avx512(
    std::int32_t* acc, const std::uint16_t* table, const std::uint16_t* row_index, int positives,
    int taps, const std::int16_t* x, const std::uint32_t* offsets) {
  static_assert(kTile == 64, "two halves of 32 lanes");
  constexpr bool kSigned = kFormat == TableFormat::kTwosComplement;
  __m512i a[4];
  for (int i = 0; i < 4; ++i) a[i] = _mm512_loadu_si512(acc + 16 * i);
  const __m512i low_byte = _mm512_set1_epi16(0xFF);
  const __m512i bit6 = _mm512_set1_epi16(0x40);
  const __m512i bit7 = _mm512_set1_epi16(0x80);
  const __m512i zero = _mm512_setzero_si512();
  for (int k = 0; k < taps; ++k) {
    const std::uint16_t* r = table + static_cast<std::size_t>(row_index[k]) * 256;
    __m512i t[8];
    for (int i = 0; i < 8; ++i) t[i] = _mm512_loadu_si512(r + 32 * i);
    const std::int16_t* xr = x + offsets[k];
    for (int h = 0; h < 2; ++h) {
      const __m512i operand = _mm512_loadu_si512(xr + 32 * h);
      const __m512i idx = kFormat == TableFormat::kSignMagnitude
                              ? _mm512_abs_epi16(operand)
                              : _mm512_and_si512(operand, low_byte);
      const __m512i r01 = _mm512_permutex2var_epi16(t[0], idx, t[1]);
      const __m512i r23 = _mm512_permutex2var_epi16(t[2], idx, t[3]);
      const __m512i r45 = _mm512_permutex2var_epi16(t[4], idx, t[5]);
      const __m512i r67 = _mm512_permutex2var_epi16(t[6], idx, t[7]);
      const __mmask32 m6 = _mm512_test_epi16_mask(idx, bit6);
      const __mmask32 m7 = _mm512_test_epi16_mask(idx, bit7);
      const __m512i w = _mm512_mask_blend_epi16(m7, _mm512_mask_blend_epi16(m6, r01, r23),
                                                _mm512_mask_blend_epi16(m6, r45, r67));
      const __m256i w_low = _mm512_castsi512_si256(w);
      const __m256i w_high = _mm512_extracti64x4_epi64(w, 1);
      __m512i p0 = kSigned ? _mm512_cvtepi16_epi32(w_low) : _mm512_cvtepu16_epi32(w_low);
      __m512i p1 = kSigned ? _mm512_cvtepi16_epi32(w_high) : _mm512_cvtepu16_epi32(w_high);
      if (kFormat == TableFormat::kSignMagnitude) {
        // Negative operands flip their products.
        const __mmask32 negative = _mm512_movepi16_mask(operand);
        p0 = _mm512_mask_sub_epi32(p0, static_cast<__mmask16>(negative), zero, p0);
        p1 = _mm512_mask_sub_epi32(p1, static_cast<__mmask16>(negative >> 16), zero, p1);
      }
      if (k >= positives) {
        a[2 * h] = _mm512_sub_epi32(a[2 * h], p0);
        a[2 * h + 1] = _mm512_sub_epi32(a[2 * h + 1], p1);
      } else {
        a[2 * h] = _mm512_add_epi32(a[2 * h], p0);
        a[2 * h + 1] = _mm512_add_epi32(a[2 * h + 1], p1);
      }
    }
  }
  for (int i = 0; i < 4; ++i) _mm512_storeu_si512(acc + 16 * i, a[i]);
}

// AVX-512 VBMI: the same lookups on bytes. A weight's row is split into the low and the high
// bytes of its 256 products (4 registers each); vpermt2b looks up 64 operands in 128 entries at
// once, a blend on the operand's bit 7 picks the half. Operands are the patch's low bytes (the
// magnitude in sign-magnitude with operands >= 0, the pattern in two's complement). Interleaving
// low and high bytes (unpack) rebuilds the 16-bit products, and their even and odd words become
// 32-bit lanes by a mask and a shift, so the columns end up in the order
//   [even][half] lane d: column 16 (d / 4) + 8 half + 2 (d % 4) + odd,
// restored once per tile by a 128-bit transpose. Half the instructions of tile_rows_avx512 per
// lookup; the same sums, bit for bit.
template <bool kSigned>
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void tile_bytes_avx512(
    std::int32_t* acc, const std::uint8_t* table, const std::uint16_t* row_index, int positives,
    int taps, const std::uint8_t* x, const std::uint32_t* offsets) {
  static_assert(kTile == 64, "one register of byte operands");
  // 16-bit sums of the low and high product bytes, even and odd columns apart (word i of an
  // even sum is column 2i); at most 128 taps of |byte| <= 255 each before they are flushed into
  // the 32-bit sums e (even columns) and o (odd), each as two halves of 16 columns pairs.
  const __m512i zero = _mm512_setzero_si512();
  __m512i e0 = zero, e1 = zero, o0 = zero, o1 = zero;
  for (int start = 0; start < taps; start += 128) {
    __m512i le = zero, lo = zero, he = zero, ho = zero;
    const int end = std::min(taps, start + 128);
    for (int k = start; k < end; ++k) {
      const std::uint8_t* r = table + static_cast<std::size_t>(row_index[k]) * 512;
      const __m512i idx = _mm512_loadu_si512(x + offsets[k]);
      const __mmask64 upper = _mm512_movepi8_mask(idx);
      const __m512i l = _mm512_mask_blend_epi8(
          upper, _mm512_permutex2var_epi8(_mm512_loadu_si512(r), idx, _mm512_loadu_si512(r + 64)),
          _mm512_permutex2var_epi8(_mm512_loadu_si512(r + 128), idx, _mm512_loadu_si512(r + 192)));
      const __m512i h = _mm512_mask_blend_epi8(
          upper,
          _mm512_permutex2var_epi8(_mm512_loadu_si512(r + 256), idx, _mm512_loadu_si512(r + 320)),
          _mm512_permutex2var_epi8(_mm512_loadu_si512(r + 384), idx, _mm512_loadu_si512(r + 448)));
      // Unsigned bytes: le sums whole words (odd byte * 256 + even byte, mod 2^16) and the even
      // bytes' sum is recovered at the flush as le - 256 * lo: one instruction fewer per byte
      // vector. The high byte carries the product's sign in two's complement: split exactly.
      const __m512i l_odd = _mm512_srli_epi16(l, 8);
      const __m512i h_even = kSigned ? _mm512_srai_epi16(_mm512_slli_epi16(h, 8), 8) : h;
      const __m512i h_odd = kSigned ? _mm512_srai_epi16(h, 8) : _mm512_srli_epi16(h, 8);
      if (k >= positives) {
        le = _mm512_sub_epi16(le, l);
        lo = _mm512_sub_epi16(lo, l_odd);
        he = _mm512_sub_epi16(he, h_even);
        ho = _mm512_sub_epi16(ho, h_odd);
      } else {
        le = _mm512_add_epi16(le, l);
        lo = _mm512_add_epi16(lo, l_odd);
        he = _mm512_add_epi16(he, h_even);
        ho = _mm512_add_epi16(ho, h_odd);
      }
    }
    // Even-byte sums from whole-word sums: |sum| <= 128 * 255 fits int16, so mod 2^16 is exact.
    le = _mm512_sub_epi16(le, _mm512_slli_epi16(lo, 8));
    if (!kSigned) he = _mm512_sub_epi16(he, _mm512_slli_epi16(ho, 8));
    // Flush: column sum = 256 * high + low, in 32 bits.
    const __m256i le_lo = _mm512_castsi512_si256(le), le_hi = _mm512_extracti64x4_epi64(le, 1);
    const __m256i lo_lo = _mm512_castsi512_si256(lo), lo_hi = _mm512_extracti64x4_epi64(lo, 1);
    const __m256i he_lo = _mm512_castsi512_si256(he), he_hi = _mm512_extracti64x4_epi64(he, 1);
    const __m256i ho_lo = _mm512_castsi512_si256(ho), ho_hi = _mm512_extracti64x4_epi64(ho, 1);
    e0 = _mm512_add_epi32(e0, _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(he_lo), 8),
                                               _mm512_cvtepi16_epi32(le_lo)));
    e1 = _mm512_add_epi32(e1, _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(he_hi), 8),
                                               _mm512_cvtepi16_epi32(le_hi)));
    o0 = _mm512_add_epi32(o0, _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(ho_lo), 8),
                                               _mm512_cvtepi16_epi32(lo_lo)));
    o1 = _mm512_add_epi32(o1, _mm512_add_epi32(_mm512_slli_epi32(_mm512_cvtepi16_epi32(ho_hi), 8),
                                               _mm512_cvtepi16_epi32(lo_hi)));
  }
  // e0 dword j = column 2j, o0 = 2j + 1 (j < 16); e1, o1 the same for columns 32 + ...
  // unpacklo/hi_epi32(e, o): 128-bit lane L holds columns 8L + 0..3 / 8L + 4..7 of the half.
  const __m512i first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
  const __m512i second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  const __m512i halves[2][2] = {{e0, o0}, {e1, o1}};
  for (int v = 0; v < 2; ++v) {
    const __m512i l = _mm512_unpacklo_epi32(halves[v][0], halves[v][1]);
    const __m512i h = _mm512_unpackhi_epi32(halves[v][0], halves[v][1]);
    std::int32_t* out = acc + 32 * v;
    _mm512_storeu_si512(
        out, _mm512_add_epi32(_mm512_loadu_si512(out), _mm512_permutex2var_epi64(l, first, h)));
    _mm512_storeu_si512(out + 16, _mm512_add_epi32(_mm512_loadu_si512(out + 16),
                                                   _mm512_permutex2var_epi64(l, second, h)));
  }
}

// The errors8_ row of zeros after the 256 weights' rows: what padding taps look up.
constexpr std::uint16_t kZeroErrorRow = 256;
// At most this many taps per group of the error kernel (more would save little widening).
constexpr int kMaxGroupTaps = 16;

// A run of an error filter's taps for tile_errors_avx512: `groups` groups of the filter's group
// size, taps of one sign whose rows have one lookup kind (the last group padded with taps of the
// zero row).
struct ErrorRun {
  std::uint16_t groups = 0;
  std::uint8_t lookup = kError256;  // ErrorLookup
  std::uint8_t negative = 0;
};

// The 16-bit sums of tile_errors_avx512 (whole words and odd bytes, see tile_bytes_avx512) and
// the 32-bit sums they are flushed into every 128 groups.
struct ErrorSums {
  __m512i le, lo, e0, e1, o0, o1;
  int pending;
};

__attribute__((target("avx512f,avx512bw"), always_inline)) inline void flush_error_sums(
    ErrorSums& s) {
  // Even-byte sums from whole-word sums: |sum| <= 128 * 255 fits int16, so mod 2^16 is exact.
  const __m512i le = _mm512_sub_epi16(s.le, _mm512_slli_epi16(s.lo, 8));
  s.e0 = _mm512_add_epi32(s.e0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(le)));
  s.e1 = _mm512_add_epi32(s.e1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(le, 1)));
  s.o0 = _mm512_add_epi32(s.o0, _mm512_cvtepi16_epi32(_mm512_castsi512_si256(s.lo)));
  s.o1 = _mm512_add_epi32(s.o1, _mm512_cvtepi16_epi32(_mm512_extracti64x4_epi64(s.lo, 1)));
  s.le = _mm512_setzero_si512();
  s.lo = _mm512_setzero_si512();
  s.pending = 0;
}

// The error bytes of row `row` of `table` (256 bytes) for the 64 operands at x, as kLookup says.
template <int kLookup>
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) inline __m512i error_lookup(
    const std::uint8_t* table, std::uint16_t row, const std::uint8_t* x) {
  const std::uint8_t* r = table + static_cast<std::size_t>(row) * 256;
  const __m512i idx = _mm512_loadu_si512(x);
  if constexpr (kLookup == kError64) {
    return _mm512_permutexvar_epi8(idx, _mm512_loadu_si512(r));
  } else if constexpr (kLookup == kError128) {
    return _mm512_permutex2var_epi8(_mm512_loadu_si512(r), idx, _mm512_loadu_si512(r + 64));
  } else {
    return _mm512_mask_blend_epi8(
        _mm512_movepi8_mask(idx),
        _mm512_permutex2var_epi8(_mm512_loadu_si512(r), idx, _mm512_loadu_si512(r + 64)),
        _mm512_permutex2var_epi8(_mm512_loadu_si512(r + 128), idx, _mm512_loadu_si512(r + 192)));
  }
}

// One run: per group, the byte sum of its `group_taps` error bytes (row k of `table`, 256 bytes,
// looked up with the operands at x + offsets[k] as kLookup says; no byte overflows, the rows'
// spans add up to <= 255), added to or subtracted from the 16-bit sums. The group size is the
// same for every group of a filter, so the inner loop's exit is predicted.
template <int kLookup>
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) inline void error_run(
    ErrorSums& s, const std::uint8_t* table, const std::uint16_t* rows,
    const std::uint32_t* offsets, int groups, int group_taps, bool negative,
    const std::uint8_t* x) {
  for (int g = 0; g < groups; ++g, rows += group_taps, offsets += group_taps) {
    // Two byte sums, even and odd taps, so that the additions are not one chain of latencies.
    __m512i even = _mm512_setzero_si512(), odd_taps = even;
    int k = 0;
    for (; k + 1 < group_taps; k += 2) {
      even = _mm512_add_epi8(even, error_lookup<kLookup>(table, rows[k], x + offsets[k]));
      odd_taps =
          _mm512_add_epi8(odd_taps, error_lookup<kLookup>(table, rows[k + 1], x + offsets[k + 1]));
    }
    if (k < group_taps) {
      even = _mm512_add_epi8(even, error_lookup<kLookup>(table, rows[k], x + offsets[k]));
    }
    const __m512i sum = _mm512_add_epi8(even, odd_taps);
    const __m512i odd = _mm512_srli_epi16(sum, 8);
    if (negative) {
      s.le = _mm512_sub_epi16(s.le, sum);
      s.lo = _mm512_sub_epi16(s.lo, odd);
    } else {
      s.le = _mm512_add_epi16(s.le, sum);
      s.lo = _mm512_add_epi16(s.lo, odd);
    }
    if (++s.pending == 128) flush_error_sums(s);
  }
}

// The error bytes of an error filter (Engine::errors8_ rows, one byte per product, added to the
// exact dot product of tile_exact_bytes) for one tile: acc[c] += sum over taps of +-error byte.
// Taps come in runs (ErrorRun) of groups of `group_taps`, `rows` and `offsets` in that order; a
// group's bytes are summed as bytes (vpaddb), then added to 16-bit sums as in tile_bytes_avx512,
// flushed to 32 bits every 128 groups. Rows that repeat every 64 or 128 operands take one
// permute per 64 products instead of two and a blend. Integer sums in another order than
// tile_rows's: the same result, bit for bit.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void tile_errors_avx512(
    std::int32_t* acc, const std::uint8_t* table, const std::uint16_t* rows,
    const std::uint32_t* offsets, const ErrorRun* runs, int run_count, int group_taps,
    const std::uint8_t* x) {
  static_assert(kTile == 64, "one register of byte operands");
  const __m512i zero = _mm512_setzero_si512();
  ErrorSums s{zero, zero, zero, zero, zero, zero, 0};
  for (int r = 0; r < run_count; ++r) {
    const ErrorRun run = runs[r];
    const bool negative = run.negative != 0;
    if (run.lookup == kError64) {
      error_run<kError64>(s, table, rows, offsets, run.groups, group_taps, negative, x);
    } else if (run.lookup == kError128) {
      error_run<kError128>(s, table, rows, offsets, run.groups, group_taps, negative, x);
    } else {
      error_run<kError256>(s, table, rows, offsets, run.groups, group_taps, negative, x);
    }
    rows += static_cast<std::size_t>(run.groups) * group_taps;
    offsets += static_cast<std::size_t>(run.groups) * group_taps;
  }
  if (s.pending > 0) flush_error_sums(s);
  // Columns back in order, as at the end of tile_bytes_avx512.
  const __m512i first = _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11);
  const __m512i second = _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15);
  const __m512i halves[2][2] = {{s.e0, s.o0}, {s.e1, s.o1}};
  for (int v = 0; v < 2; ++v) {
    const __m512i l = _mm512_unpacklo_epi32(halves[v][0], halves[v][1]);
    const __m512i h = _mm512_unpackhi_epi32(halves[v][0], halves[v][1]);
    std::int32_t* out = acc + 32 * v;
    _mm512_storeu_si512(
        out, _mm512_add_epi32(_mm512_loadu_si512(out), _mm512_permutex2var_epi64(l, first, h)));
    _mm512_storeu_si512(out + 16, _mm512_add_epi32(_mm512_loadu_si512(out + 16),
                                                   _mm512_permutex2var_epi64(l, second, h)));
  }
}

// Regroups a tile's int16 operand rows (kTile columns each, `taps` of them) into the byte
// layout of tile_exact_bytes: 32-bit word q * 64 + c holds the low bytes (xor `offset`) of taps
// 4q..4q+3 of column c; taps past the last are 0. Byte and word unpacks give four registers of
// four columns per 128-bit lane, a 4x4 transpose of lanes puts 16 consecutive columns together.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
__attribute__((target("avx512f,avx512bw"), always_inline)) inline __m512i quad_row(
    const std::int16_t* tile, int k, int taps, __m512i flip) {
  if (k >= taps) return _mm512_setzero_si512();
  const std::int16_t* r = tile + static_cast<std::size_t>(k) * kTile;
  const __m256i low = _mm512_cvtepi16_epi8(_mm512_loadu_si512(r));
  const __m256i high = _mm512_cvtepi16_epi8(_mm512_loadu_si512(r + 32));
  return _mm512_xor_si512(_mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1), flip);
}

__attribute__((target("avx512f,avx512bw"))) void build_quads(const std::int16_t* tile, int taps,
                                                             int quads, std::uint8_t offset,
                                                             std::uint8_t* out) {
  static_assert(kTile == 64, "one register of bytes per row");
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(offset));
  for (int q = 0; q < quads; ++q) {
    const __m512i r0 = quad_row(tile, 4 * q, taps, flip);
    const __m512i r1 = quad_row(tile, 4 * q + 1, taps, flip);
    const __m512i r2 = quad_row(tile, 4 * q + 2, taps, flip);
    const __m512i r3 = quad_row(tile, 4 * q + 3, taps, flip);
    const __m512i a = _mm512_unpacklo_epi8(r0, r1), b = _mm512_unpackhi_epi8(r0, r1);
    const __m512i c = _mm512_unpacklo_epi8(r2, r3), d = _mm512_unpackhi_epi8(r2, r3);
    const __m512i w0 = _mm512_unpacklo_epi16(a, c);  // lane L: columns 16L + 0..3
    const __m512i w1 = _mm512_unpackhi_epi16(a, c);  // 4..7
    const __m512i w2 = _mm512_unpacklo_epi16(b, d);  // 8..11
    const __m512i w3 = _mm512_unpackhi_epi16(b, d);  // 12..15
    const __m512i t0 = _mm512_shuffle_i32x4(w0, w1, 0x44);
    const __m512i t1 = _mm512_shuffle_i32x4(w2, w3, 0x44);
    const __m512i t2 = _mm512_shuffle_i32x4(w0, w1, 0xEE);
    const __m512i t3 = _mm512_shuffle_i32x4(w2, w3, 0xEE);
    std::uint8_t* block = out + static_cast<std::size_t>(q) * 256;
    _mm512_storeu_si512(block, _mm512_shuffle_i32x4(t0, t1, 0x88));
    _mm512_storeu_si512(block + 64, _mm512_shuffle_i32x4(t0, t1, 0xDD));
    _mm512_storeu_si512(block + 128, _mm512_shuffle_i32x4(t2, t3, 0x88));
    _mm512_storeu_si512(block + 192, _mm512_shuffle_i32x4(t2, t3, 0xDD));
  }
}
#pragma GCC diagnostic pop

// One tap's permutation for gather_small: the source index of each of up to 64 positions (two
// halves of 32 lanes), which lanes read the map (the rest are padding, 0) and which exist.
struct GatherIndex {
  std::int16_t lanes[2][32] = {};
  std::uint32_t valid[2] = {0, 0};
  std::uint32_t store[2] = {0, 0};
};
GatherIndex gather_index(const int* source, int positions) {
  GatherIndex g;
  for (int h = 0; h < 2; ++h) {
    for (int i = 0; i < 32 && 32 * h + i < positions; ++i) {
      const int src = source[32 * h + i];
      g.lanes[h][i] = static_cast<std::int16_t>(src >= 0 ? src : 0);
      g.valid[h] |= src >= 0 ? (1u << i) : 0u;
      g.store[h] |= 1u << i;
    }
  }
  return g;
}

// The small-map patch row of one tap for `count` images: row[b * positions + p] =
// map_b[source[p]] (0 where source[p] < 0; `g` made by gather_index once per layer), with maps
// of at most 64 values `stride` apart. The map sits in two registers and vpermt2w picks 32
// positions at a time.
__attribute__((target("avx512f,avx512bw"))) void gather_small(const std::int16_t* map,
                                                              std::size_t stride, std::size_t count,
                                                              std::size_t map_size,
                                                              const GatherIndex& g, int positions,
                                                              std::int16_t* row) {
  const __mmask32 map_low = map_size >= 32 ? ~0u : (1u << map_size) - 1;
  const __mmask32 map_high =
      map_size <= 32 ? 0u : (map_size >= 64 ? ~0u : (1u << (map_size - 32)) - 1);
  const __m512i idx[2] = {_mm512_loadu_si512(g.lanes[0]), _mm512_loadu_si512(g.lanes[1])};
  const __mmask32 valid[2] = {g.valid[0], g.valid[1]};
  const __mmask32 store[2] = {g.store[0], g.store[1]};
  for (std::size_t b = 0; b < count; ++b, map += stride, row += positions) {
    const __m512i low = _mm512_maskz_loadu_epi16(map_low, map);
    const __m512i high = _mm512_maskz_loadu_epi16(map_high, map + 32);
    for (int h = 0; h < 2 && store[h]; ++h) {
      const __m512i r = _mm512_maskz_permutex2var_epi16(valid[h], low, idx[h], high);
      _mm512_mask_storeu_epi16(row + 32 * h, store[h], r);
    }
  }
}

// AVX-512 VNNI on bytes: vpdpbusd multiplies four unsigned 8-bit operands by four signed 8-bit
// weights and adds the four products to a 32-bit lane. `x` holds a tile's operands as bytes,
// four taps per 32-bit word: word q * 64 + c = taps 4q..4q+3 of column c (quads_bytes() below).
// Sign-magnitude (kSplit): operands 0..255, weights w = 2 * high + low with high = w >> 1 and
// low = w & 1 both int8, so sum(x * w) = 2 * sum(x * high) + sum(x * low). Two's complement:
// operands stored as x + 128 (0..255), weights as they are, and `correction` (-128 * sum(w))
// restores sum(x * w). Exact integers either way: the same sums as tile_exact.
template <bool kSplit>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void tile_exact_bytes(
    std::int32_t* acc, const std::int32_t* high, const std::int32_t* low, int quads,
    std::int32_t correction, const std::uint8_t* x) {
  static_assert(kTile == 64, "four registers of 16 columns");
  __m512i h0 = _mm512_setzero_si512(), h1 = h0, h2 = h0, h3 = h0;
  __m512i l0 = h0, l1 = h0, l2 = h0, l3 = h0;
  for (int q = 0; q < quads; ++q) {
    const std::uint8_t* block = x + static_cast<std::size_t>(q) * 256;
    const __m512i x0 = _mm512_loadu_si512(block), x1 = _mm512_loadu_si512(block + 64);
    const __m512i x2 = _mm512_loadu_si512(block + 128), x3 = _mm512_loadu_si512(block + 192);
    const __m512i wh = _mm512_set1_epi32(high[q]);
    h0 = _mm512_dpbusd_epi32(h0, x0, wh);
    h1 = _mm512_dpbusd_epi32(h1, x1, wh);
    h2 = _mm512_dpbusd_epi32(h2, x2, wh);
    h3 = _mm512_dpbusd_epi32(h3, x3, wh);
    if (kSplit) {
      const __m512i wl = _mm512_set1_epi32(low[q]);
      l0 = _mm512_dpbusd_epi32(l0, x0, wl);
      l1 = _mm512_dpbusd_epi32(l1, x1, wl);
      l2 = _mm512_dpbusd_epi32(l2, x2, wl);
      l3 = _mm512_dpbusd_epi32(l3, x3, wl);
    }
  }
  const __m512i fix = _mm512_set1_epi32(correction);
  const __m512i sums[4] = {h0, h1, h2, h3};
  const __m512i lows[4] = {l0, l1, l2, l3};
  for (int v = 0; v < 4; ++v) {
    const __m512i total = kSplit ? _mm512_add_epi32(_mm512_slli_epi32(sums[v], 1), lows[v])
                                 : _mm512_add_epi32(sums[v], fix);
    _mm512_storeu_si512(acc + 16 * v, _mm512_add_epi32(_mm512_loadu_si512(acc + 16 * v), total));
  }
}

// One pair of taps of tile_exact_vnni: rows r0 and r0 + stride, 64 columns.
__attribute__((target("avx512f,avx512bw,avx512vnni"), always_inline)) inline void vnni_pair_step(
    std::int32_t pair, const std::int16_t* r0, std::size_t stride, __m512i& lo_a, __m512i& hi_a,
    __m512i& lo_b, __m512i& hi_b) {
  const __m512i w = _mm512_set1_epi32(pair);
  const std::int16_t* r1 = r0 + stride;
  const __m512i a0 = _mm512_loadu_si512(r0), b0 = _mm512_loadu_si512(r1);
  const __m512i a1 = _mm512_loadu_si512(r0 + 32), b1 = _mm512_loadu_si512(r1 + 32);
  lo_a = _mm512_dpwssd_epi32(lo_a, _mm512_unpacklo_epi16(a0, b0), w);
  hi_a = _mm512_dpwssd_epi32(hi_a, _mm512_unpackhi_epi16(a0, b0), w);
  lo_b = _mm512_dpwssd_epi32(lo_b, _mm512_unpacklo_epi16(a1, b1), w);
  hi_b = _mm512_dpwssd_epi32(hi_b, _mm512_unpackhi_epi16(a1, b1), w);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) void tile_exact_vnni(
    std::int32_t* acc, const std::int32_t* pairs, int pair_count, const std::int16_t* x,
    std::size_t stride) {
  static_assert(kTile == 64, "two halves of 32 lanes");
  // Even and odd pairs in separate accumulators to hide vpdpwssd's latency; named registers (a
  // runtime index into an array of accumulators would put them on the stack).
  __m512i lo0a = _mm512_setzero_si512(), lo0b = lo0a, hi0a = lo0a, hi0b = lo0a;  // pair 2i
  __m512i lo1a = lo0a, lo1b = lo0a, hi1a = lo0a, hi1b = lo0a;                    // pair 2i + 1
  int j = 0;
  for (; j + 1 < pair_count; j += 2) {
    vnni_pair_step(pairs[j], x + static_cast<std::size_t>(2 * j) * stride, stride, lo0a, hi0a, lo0b,
                   hi0b);
    vnni_pair_step(pairs[j + 1], x + static_cast<std::size_t>(2 * j + 2) * stride, stride, lo1a,
                   hi1a, lo1b, hi1b);
  }
  if (j < pair_count) {
    vnni_pair_step(pairs[j], x + static_cast<std::size_t>(2 * j) * stride, stride, lo0a, hi0a, lo0b,
                   hi0b);
  }
  const __m512i lo[2] = {_mm512_add_epi32(lo0a, lo1a), _mm512_add_epi32(lo0b, lo1b)};
  const __m512i hi[2] = {_mm512_add_epi32(hi0a, hi1a), _mm512_add_epi32(hi0b, hi1b)};
  // Columns 0-15 of a half: lo lane 0, hi lane 0, lo lane 1, hi lane 1; 16-31: lanes 2 and 3.
  const __m512i first = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i second =
      _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  for (int h = 0; h < 2; ++h) {
    const __m512i l = lo[h];
    const __m512i u = hi[h];
    std::int32_t* out = acc + 32 * h;
    _mm512_storeu_si512(
        out, _mm512_add_epi32(_mm512_loadu_si512(out), _mm512_permutex2var_epi32(l, first, u)));
    _mm512_storeu_si512(out + 16, _mm512_add_epi32(_mm512_loadu_si512(out + 16),
                                                   _mm512_permutex2var_epi32(l, second, u)));
  }
}
#pragma GCC diagnostic pop

}  // namespace

namespace {

// A filter's accumulators start at its bias (vectorised: a small map's filter is as many
// stores as the arithmetic of its few taps).
HAWX_KERNEL void fill_accumulators(std::int32_t* acc, std::size_t n, std::int32_t value) {
  for (std::size_t i = 0; i < n; ++i) acc[i] = value;
}

// Floor division for any signs (the window arithmetic below meets negative numerators).
int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Requantises `n` contiguous sums: real = activation(acc * to_real), then round half away from
// zero of real / scale, saturated to [-levels, levels] (the documented arithmetic, in a form the
// compiler vectorises: clamping before rounding to an integer bound gives the same integer).
HAWX_KERNEL void requantize_span(const std::int32_t* acc, std::size_t n, float to_real, float low,
                                 float high, float scale, float levels, std::int16_t* out) {
  for (std::size_t p = 0; p < n; ++p) {
    const float real = std::min(std::max(static_cast<float>(acc[p]) * to_real, low), high);
    const float x = std::min(std::max(real / scale, -levels), levels);
    const std::int32_t t = static_cast<std::int32_t>(x);  // toward zero
    const float rest = x - static_cast<float>(t);         // exact
    out[p] = static_cast<std::int16_t>(t + (rest >= 0.5f) - (rest <= -0.5f));
  }
}

// A residual add on real values, requantised: activation(a * sa + b * sb), rounded half away
// from zero at `scale` and saturated, as requantize() does. No multiply-add contraction, so that
// every instruction-set version rounds the same way.
__attribute__((optimize("fp-contract=off"))) HAWX_KERNEL void add_requantize(
    const std::int16_t* a, float sa, const std::int16_t* b, float sb, std::size_t n, float low,
    float high, float scale, float levels, std::int16_t* out, float* real_out) {
  for (std::size_t k = 0; k < n; ++k) {
    const float x = static_cast<float>(a[k]) * sa;
    const float y = static_cast<float>(b[k]) * sb;
    const float real = std::min(std::max(x + y, low), high);
    const float q = std::min(std::max(real / scale, -levels), levels);
    const std::int32_t t = static_cast<std::int32_t>(q);
    const float rest = q - static_cast<float>(t);
    out[k] = static_cast<std::int16_t>(t + (rest >= 0.5f) - (rest <= -0.5f));
  }
  for (std::size_t k = 0; real_out && k < n; ++k) {
    real_out[k] = std::min(
        std::max(static_cast<float>(a[k]) * sa + static_cast<float>(b[k]) * sb, low), high);
  }
}

// A short copy inline: rows of the late, small feature maps are a few elements, where a memmove
// call (what GCC turns a plain copy loop into) costs more than the copy.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void copy_span(
    const std::int16_t* from, int n, std::int16_t* to) {
  if (n > 64) {
    std::copy(from, from + n, to);
    return;
  }
  for (int i = 0; i < n; ++i) to[i] = from[i];
}

// One filter's output map of `n` positions for `count` images: acc image-major (contiguous), out
// and real_out `out_stride` apart per image. Small maps (late layers: 4 or 16 positions) are
// requantised as one span of count x n sums and then placed, so that the vector loop is not a
// scalar tail per image.
void requantize(const std::int32_t* acc, std::size_t count, std::size_t n, std::size_t out_stride,
                float to_real, float low, float high, float scale, float levels, std::int16_t* out,
                float* real_out) {
  if (n < 64 && count > 1) {
    thread_local std::vector<std::int16_t> span;
    if (span.size() < count * n) span.resize(count * n);
    requantize_span(acc, count * n, to_real, low, high, scale, levels, span.data());
    for (std::size_t b = 0; b < count; ++b) {
      copy_span(span.data() + b * n, static_cast<int>(n), out + b * out_stride);
    }
  } else {
    for (std::size_t b = 0; b < count; ++b) {
      requantize_span(acc + b * n, n, to_real, low, high, scale, levels, out + b * out_stride);
    }
  }
  for (std::size_t b = 0; real_out && b < count; ++b, acc += n, real_out += out_stride) {
    for (std::size_t p = 0; p < n; ++p) {
      real_out[p] = std::min(std::max(static_cast<float>(acc[p]) * to_real, low), high);
    }
  }
}

// Every thread keeps its scratch buffers across layers and batches.
template <typename T>
T* scratch(std::vector<T>& buffer, std::size_t size) {
  if (buffer.size() < size) buffer.resize(size);
  return buffer.data();
}

}  // namespace

// Per compute layer, what a probe gathers on one thread: integer sums, so that the totals do not
// depend on which thread ran which batch.
struct Engine::LayerTotals {
  bool histograms = false;
  OperandHistogram histogram{};
  OperandHistogram negatives{};
  std::vector<std::uint64_t> transitions;  // 65,536 when probed
  std::vector<std::uint64_t> count;        // per filter
  std::vector<std::int64_t> sum;           // per filter
  std::vector<unsigned __int128> sum2;     // per filter, exact (int32 squares over many images)
};

struct Engine::ProbeTotals {
  bool histograms = false;
  bool filters = false;
  std::vector<LayerTotals> layers;  // per compute layer
};

void Engine::conv(int index, const std::vector<std::uint16_t>& choice, std::size_t count,
                  const std::int16_t* in, std::int16_t* out, float* real_out,
                  const double* noise_std, const double* noise_offset, const double* noise_centre,
                  std::uint64_t noise_seed, std::size_t first_image, LayerTotals* totals,
                  std::int32_t* acc_out) const {
  const Layer& l = q_.net.layers[static_cast<std::size_t>(index)];
  const QuantizedNetwork::Conv& qc = q_.conv[static_cast<std::size_t>(index)];
  const std::size_t positions = static_cast<std::size_t>(l.out.h) * l.out.w;
  const std::size_t columns = positions * count;
  OperandHistogram* histogram = totals && totals->histograms ? &totals->histogram : nullptr;
  const bool moments =
      totals && !totals->count.empty();  // image-major: column = image * positions + p
  const std::size_t in_size = static_cast<std::size_t>(l.in.elements());
  const std::size_t out_size = static_cast<std::size_t>(l.out.elements());
  const int taps = l.taps();
  const int in_per_group = l.in.c / l.groups;
  const int out_per_group = l.out.c / l.groups;
  const float in_scale = q_.value_scale[l.input];
  const float out_scale = q_.value_scale[l.output];
  const bool sign_magnitude = q_.format == OperandFormat::kSignMagnitude;
  const bool nonnegative = !q_.value_signed[l.input];
  const std::vector<std::int32_t>& layer_pairs = pairs_[static_cast<std::size_t>(index)];
  const std::size_t pair_count = static_cast<std::size_t>(taps + 1) / 2;
  const QuadWeights& layer_quads = quads_[static_cast<std::size_t>(index)];
  const std::size_t quad_count = static_cast<std::size_t>(taps + 3) / 4;
  // Exact filters on one-byte operands (>= 0 in sign-magnitude, or two's complement) take the
  // byte dot products when the group has enough filters to pay for regrouping the operands.
  const bool quad_path = vnni_ && (!sign_magnitude || nonnegative) && out_per_group >= 8;

  // Patches: the operand that tap k of each output column sees (0 in the padding, which a real
  // array multiplies too), stored by tiles of kTile columns: tile t holds rows 0..taps (the last
  // a zero row, for the pairs of an odd tap count) of its columns contiguously, so that the
  // kernels walk one small block instead of rows a whole batch apart (which cost a TLB miss per
  // tap). Columns are padded to whole tiles (computed and ignored).
  const std::size_t padded_columns = (columns + kTile - 1) / kTile * kTile;
  const std::size_t tiles = padded_columns / kTile;
  const std::size_t tile_size = static_cast<std::size_t>(taps + 1) * kTile;
  thread_local std::vector<std::int16_t> patch_buffer;
  thread_local std::vector<std::int16_t> staging_buffer;
  thread_local std::vector<std::int32_t> acc_buffer;
  // The patches are built and used a chunk of images at a time, so that a chunk's tiles stay in
  // the L2 cache between being written and being read by every filter: about 256 kB of patch
  // per chunk, in whole tiles (a chunk's columns are a multiple of kTile except the last's).
  const std::size_t granule = kTile / std::gcd(positions, kTile);  // images per whole tiles
  const std::size_t budget_tiles =
      std::max<std::size_t>(1, (256 * 1024) / (tile_size * sizeof(std::int16_t)));
  const std::size_t chunk_images =
      std::max(granule, budget_tiles * kTile / positions / granule * granule);
  const std::size_t chunk_tiles_max =
      std::min(tiles, (chunk_images * positions + kTile - 1) / kTile);
  std::int16_t* patch = scratch(patch_buffer, chunk_tiles_max * tile_size);
  std::int16_t* staging = scratch(staging_buffer, chunk_tiles_max * kTile);  // one row, placed
  std::int32_t* acc = scratch(acc_buffer, static_cast<std::size_t>(out_per_group) * padded_columns);
  for (std::size_t t = 0; t < chunk_tiles_max; ++t) {
    std::fill_n(patch + t * tile_size + static_cast<std::size_t>(taps) * kTile, kTile, 0);
  }
  std::size_t chunk_tiles = 0;  // tiles of the current chunk
  auto place = [&](int k) {     // the staged row becomes row k of every tile of the chunk
    for (std::size_t t = 0; t < chunk_tiles; ++t) {
      std::memcpy(patch + t * tile_size + static_cast<std::size_t>(k) * kTile, staging + t * kTile,
                  kTile * sizeof(std::int16_t));
    }
  };
  const std::size_t group_slots = static_cast<std::size_t>(out_per_group) * taps;
  // Per table filter of a group, per tap: its product-table row in the form the chosen kernel
  // reads, its sign and where its operands are (thread scratch: set up per call, not allocated).
  thread_local std::vector<const std::int32_t*> rows_buffer;
  thread_local std::vector<std::uint32_t> offsets_buffer;
  thread_local std::vector<char> negated_buffer;
  const std::int32_t** rows = scratch(rows_buffer, group_slots);
  std::uint32_t* offsets = scratch(offsets_buffer, group_slots);
  bool* negated = reinterpret_cast<bool*>(scratch(negated_buffer, group_slots));
  // The byte lookups need operands that are one byte: magnitudes >= 0 or two's complement.
  const bool bytes = byte_tables_ && (!sign_magnitude || nonnegative);
  // Approximate filters of unsigned multipliers whose weights' error rows fit a byte: the exact
  // byte dot products plus one error byte per product (Engine::errors8_), bit-identical to the
  // full lookups: sum s (a|w| + e) = sum a w + sum s (e - min) + sum s min.
  const bool error_path = bytes && quad_path && sign_magnitude;
  thread_local std::vector<char> error_filter_buffer;
  char* error_filter = scratch(error_filter_buffer, static_cast<std::size_t>(out_per_group));
  // Per error filter: its taps that need a lookup in runs of groups (ErrorRun; slots i *
  // error_stride on, padding included), its runs (6 slots: two signs, three lookup kinds) and
  // its group size.
  const std::size_t error_stride = static_cast<std::size_t>(taps) + 6 * (kMaxGroupTaps - 1);
  const std::size_t error_slots =
      error_path ? static_cast<std::size_t>(out_per_group) * error_stride : 0;
  thread_local std::vector<std::uint16_t> error_rows_buffer;
  thread_local std::vector<std::uint32_t> error_offsets_buffer;
  thread_local std::vector<ErrorRun> error_runs_buffer;
  thread_local std::vector<int> error_run_count_buffer;
  thread_local std::vector<int> error_group_taps_buffer;
  std::uint16_t* error_rows = scratch(error_rows_buffer, error_slots);
  std::uint32_t* error_offsets = scratch(error_offsets_buffer, error_slots);
  ErrorRun* error_runs = scratch(error_runs_buffer, static_cast<std::size_t>(out_per_group) * 6);
  int* error_run_count = scratch(error_run_count_buffer, static_cast<std::size_t>(out_per_group));
  int* error_group_taps = scratch(error_group_taps_buffer, static_cast<std::size_t>(out_per_group));
  thread_local std::vector<std::uint8_t> patch8_buffer;
  std::uint8_t* patch8 = bytes ? scratch(patch8_buffer, chunk_tiles_max * tile_size) : nullptr;
  const std::size_t quad_tile_size = quad_count * 256;  // bytes per tile
  thread_local std::vector<std::uint8_t> quad_buffer;
  std::uint8_t* quad_patch =
      quad_path ? scratch(quad_buffer, chunk_tiles_max * quad_tile_size) : nullptr;
  // Small maps (late layers, depthwise convolutions on 4x4 or 2x2): where each tap of each
  // output position reads in the channel's map (-1: padding), so that a patch row is one loop
  // over positions per image instead of a few elements per output row.
  const int window = l.kernel_h * l.kernel_w;
  const bool small_maps = l.out.w < 16;
  const std::size_t map_size = static_cast<std::size_t>(l.in.h) * l.in.w;
  // Maps of at most 64 values with enough positions per image to fill a register's worth (not
  // fully connected layers, whose one position per image is a plain copy).
  const bool permute_gather = vector_tables_ && map_size <= 64 && positions >= 4 && positions <= 64;
  thread_local std::vector<int> source_buffer;
  int* source = scratch(source_buffer, static_cast<std::size_t>(window) * positions);
  thread_local std::vector<GatherIndex> gather_buffer;
  GatherIndex* gathers = scratch(gather_buffer, static_cast<std::size_t>(window));
  if (small_maps) {
    for (int ky = 0; ky < l.kernel_h; ++ky) {
      for (int kx = 0; kx < l.kernel_w; ++kx) {
        int* s = source + static_cast<std::size_t>(ky * l.kernel_w + kx) * positions;
        for (int oy = 0; oy < l.out.h; ++oy) {
          const int y = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
          for (int ox = 0; ox < l.out.w; ++ox) {
            const int x = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
            const bool inside = y >= 0 && y < l.in.h && x >= 0 && x < l.in.w;
            *s++ = inside ? y * l.in.w + x : -1;
          }
        }
      }
    }
    for (int k = 0; permute_gather && k < window; ++k) {
      gathers[k] = gather_index(source + static_cast<std::size_t>(k) * positions,
                                static_cast<int>(positions));
    }
  }
  for (int g = 0; g < l.groups; ++g) {
    // Per filter of the group: its multiplier and the table row each tap uses (two's
    // complement: the row of the weight's pattern, indexed by the operand's pattern, so signs
    // need no handling).
    const std::size_t filters = static_cast<std::size_t>(out_per_group);
    for (std::size_t i = 0; i < filters; ++i) {
      const int f = g * out_per_group + static_cast<int>(i);
      const std::uint16_t m = choice[static_cast<std::size_t>(f)];
      // The error path: every row of the filter fits a byte; its rows' minimum errors (signed
      // as the weights) are a constant of the filter, added with the bias.
      std::int32_t error_constant = 0;
      error_filter[i] = error_path && !exact_[m];
      if (error_filter[i]) {
        const TapPlan& plan = plans_[static_cast<std::size_t>(index)];
        const std::size_t base = static_cast<std::size_t>(f) * static_cast<std::size_t>(taps);
        const int positives = plan.positives[static_cast<std::size_t>(f)];
        for (int j = 0; error_filter[i] && j < taps; ++j) {
          const std::uint16_t row = plan.row[base + static_cast<std::size_t>(j)];
          error_filter[i] = error_fits_[m][row];
          error_constant += (j < positives ? 1 : -1) * error_min_[m][row];
        }
        if (!error_filter[i]) error_constant = 0;
        // The taps with a lookup, positives first, by lookup kind, in groups of as many taps as
        // the filter's widest row allows (spans add up to <= 255); the last group of a run is
        // padded with the zero row. Constant rows need none: their error is in error_constant.
        int widest = 1;
        for (int j = 0; error_filter[i] && j < taps; ++j) {
          widest =
              std::max<int>(widest, error_span_[m][plan.row[base + static_cast<std::size_t>(j)]]);
        }
        const int group_taps = std::min(kMaxGroupTaps, 255 / widest);
        const std::size_t slot = i * error_stride;
        std::size_t n = 0;
        int runs = 0;
        for (int sign = 0; error_filter[i] && sign < 2; ++sign) {
          const int from = sign == 0 ? 0 : positives, to = sign == 0 ? positives : taps;
          for (const std::uint8_t lookup : {kError64, kError128, kError256}) {
            const std::size_t run_start = n;
            for (int j = from; j < to; ++j) {
              const std::uint16_t row = plan.row[base + static_cast<std::size_t>(j)];
              if (error_lookup_[m][row] != lookup) continue;
              error_rows[slot + n] = row;
              error_offsets[slot + n] = plan.offset[base + static_cast<std::size_t>(j)];
              ++n;
            }
            if (n == run_start) continue;
            for (; (n - run_start) % static_cast<std::size_t>(group_taps) != 0; ++n) {
              error_rows[slot + n] = kZeroErrorRow;
              error_offsets[slot + n] = 0;
            }
            error_runs[i * 6 + static_cast<std::size_t>(runs++)] =
                ErrorRun{static_cast<std::uint16_t>((n - run_start) / group_taps), lookup,
                         static_cast<std::uint8_t>(sign)};
          }
        }
        error_run_count[i] = runs;
        error_group_taps[i] = group_taps;
      }
      fill_accumulators(acc + i * padded_columns, padded_columns,
                        qc.bias[static_cast<std::size_t>(f)] + error_constant);
      if (exact_[m]) continue;
      if (vector_tables_) continue;  // the vector kernels read the engine's tap plan
      // The portable kernels: the same order as the plan (positive weights first).
      const TapPlan& plan = plans_[static_cast<std::size_t>(index)];
      const std::size_t base = static_cast<std::size_t>(f) * static_cast<std::size_t>(taps);
      for (int j = 0; j < taps; ++j) {
        const std::size_t slot = i * static_cast<std::size_t>(taps) + static_cast<std::size_t>(j);
        rows[slot] = tables_[m].data() + static_cast<std::size_t>(plan.row[base + j]) * 256;
        negated[slot] = j >= plan.positives[static_cast<std::size_t>(f)];
        offsets[slot] = plan.offset[base + j];
      }
    }
    for (std::size_t b0 = 0; b0 < count; b0 += chunk_images) {
      const std::size_t b1 = std::min(count, b0 + chunk_images);
      const std::size_t col0 = b0 * positions;
      const std::size_t col1 = b1 == count ? padded_columns : b1 * positions;
      chunk_tiles = (col1 - col0) / kTile;
      for (int ic = 0; small_maps && ic < in_per_group; ++ic) {
        const int c = g * in_per_group + ic;
        for (int k = 0; k < window; ++k) {
          std::int16_t* row = staging;
          const int* s = source + static_cast<std::size_t>(k) * positions;
          if (permute_gather) {
            gather_small(in + b0 * in_size + static_cast<std::size_t>(c) * map_size, in_size,
                         b1 - b0, map_size, gathers[k], static_cast<int>(positions), row);
            row += positions * (b1 - b0);
          }
          for (std::size_t b = b0; !permute_gather && b < b1; ++b, row += positions) {
            const std::int16_t* map =
                in + b * in_size + static_cast<std::size_t>(c) * l.in.h * l.in.w;
            for (std::size_t p = 0; p < positions; ++p) row[p] = s[p] >= 0 ? map[s[p]] : 0;
          }
          std::fill(row, staging + chunk_tiles * kTile, 0);
          place(ic * window + k);
        }
      }
      for (int ic = 0; !small_maps && ic < in_per_group; ++ic) {
        const int c = g * in_per_group + ic;
        for (int ky = 0; ky < l.kernel_h; ++ky) {
          for (int kx = 0; kx < l.kernel_w; ++kx) {
            std::int16_t* row = staging;
            // The output columns whose input column is inside the map: [x_begin, x_end).
            const int shift = kx * l.dilation_w - l.pad_left;  // input x = ox * stride + shift
            const int x_begin = std::min(l.out.w, std::max(0, -floor_div(shift, l.stride_w)));
            const int x_end =
                std::max(x_begin, std::min(l.out.w, floor_div(l.in.w - 1 - shift, l.stride_w) + 1));
            // Stride 1 and maps as wide as the input ("same" padding): the valid rows of the
            // patch are one shifted block of the map, then the columns that fell outside it
            // are zeroed.
            const int shift_y = ky * l.dilation_h - l.pad_top;
            const bool block = l.stride_h == 1 && l.stride_w == 1 && l.out.w == l.in.w;
            const int y_begin = std::clamp(-shift_y, 0, l.out.h);
            const int y_end = std::clamp(l.in.h - shift_y, y_begin, l.out.h);
            for (std::size_t b = b0; block && b < b1; ++b) {
              const std::int16_t* map =
                  in + b * in_size + static_cast<std::size_t>(c) * l.in.h * l.in.w;
              const std::size_t w = static_cast<std::size_t>(l.out.w);
              std::fill(row, row + y_begin * w, 0);
              // Output positions [y_begin * w, y_end * w) read map[p + shift_y * w + shift]; only
              // indices inside the map are copied (the rest are border columns, zeroed below).
              const std::ptrdiff_t offset = static_cast<std::ptrdiff_t>(shift_y) * l.in.w + shift;
              const std::ptrdiff_t first = std::max<std::ptrdiff_t>(y_begin * w, -offset);
              const std::ptrdiff_t last = std::min<std::ptrdiff_t>(
                  y_end * w, static_cast<std::ptrdiff_t>(l.in.h) * l.in.w - offset);
              std::fill(row + y_begin * w, row + y_end * w, 0);
              if (last > first) {
                std::memcpy(row + first, map + first + offset,
                            static_cast<std::size_t>(last - first) * sizeof(std::int16_t));
              }
              for (int oy = y_begin; oy < y_end; ++oy) {
                std::int16_t* line = row + static_cast<std::size_t>(oy) * w;
                for (int ox = 0; ox < x_begin; ++ox) line[ox] = 0;
                for (int ox = x_end; ox < l.out.w; ++ox) line[ox] = 0;
              }
              std::fill(row + y_end * w, row + positions, 0);
              row += positions;
            }
            for (std::size_t b = b0; !block && b < b1; ++b) {
              const std::int16_t* map =
                  in + b * in_size + static_cast<std::size_t>(c) * l.in.h * l.in.w;
              for (int oy = 0; oy < l.out.h; ++oy) {
                const int y = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
                if (y < 0 || y >= l.in.h) {
                  std::fill(row, row + l.out.w, 0);
                  row += l.out.w;
                  continue;
                }
                const std::int16_t* source = map + static_cast<std::size_t>(y) * l.in.w + shift;
                int ox = 0;
                for (; ox < x_begin; ++ox) *row++ = 0;
                if (l.stride_w == 1) {
                  copy_span(source + x_begin, x_end - x_begin, row);
                  row += x_end - x_begin;
                  ox = x_end;
                } else {
                  for (; ox < x_end; ++ox) *row++ = source[ox * l.stride_w];
                }
                for (; ox < l.out.w; ++ox) *row++ = 0;
              }
            }
            std::fill(row, staging + chunk_tiles * kTile, 0);
            place((ic * l.kernel_h + ky) * l.kernel_w + kx);
          }
        }
      }
      if (histogram) {
        for (std::size_t col = col0; col < std::min(col1, columns); ++col) {
          const std::int16_t* x = patch + (col - col0) / kTile * tile_size + col % kTile;
          for (int k = 0; k < taps; ++k) {
            const std::int16_t v = x[static_cast<std::size_t>(k) * kTile];
            ++(*histogram)[sign_magnitude ? std::abs(v) : static_cast<std::uint8_t>(v)];
            if (sign_magnitude && v < 0) ++totals->negatives[static_cast<std::size_t>(-v)];
          }
        }
      }
      if (totals && !totals->transitions.empty()) {
        auto seen = [&](std::int16_t v) -> std::size_t {
          return sign_magnitude ? static_cast<std::size_t>(std::abs(v))
                                : static_cast<std::size_t>(static_cast<std::uint8_t>(v));
        };
        for (std::size_t col = col0; col < std::min(col1, columns); ++col) {
          if (col % positions == 0) continue;  // an image's first position follows nothing
          const std::int16_t* x = patch + (col - col0) / kTile * tile_size + col % kTile;
          const std::int16_t* y = patch + (col - 1 - col0) / kTile * tile_size + (col - 1) % kTile;
          for (int k = 0; k < taps; ++k) {
            const std::size_t at = static_cast<std::size_t>(k) * kTile;
            ++totals->transitions[seen(y[at]) * 256 + seen(x[at])];
          }
        }
      }
      // The operands as bytes, once per group, when some filter looks products up.
      const bool any_table =
          std::any_of(choice.begin() + g * out_per_group, choice.begin() + (g + 1) * out_per_group,
                      [&](std::uint16_t m) { return !exact_[m]; });
      if (bytes && any_table) {
        const std::size_t n = chunk_tiles * tile_size;
        for (std::size_t i = 0; i < n; ++i) patch8[i] = static_cast<std::uint8_t>(patch[i]);
      }
      // For the exact byte dot products: four taps per 32-bit word, operands + 128 in two's
      // complement (so that they are unsigned), missing taps of the last quad 0.
      const bool any_exact =
          std::any_of(choice.begin() + g * out_per_group, choice.begin() + (g + 1) * out_per_group,
                      [&](std::uint16_t m) { return exact_[m]; });
      const bool any_error = std::any_of(error_filter, error_filter + filters,
                                         [](char uses_errors) { return uses_errors != 0; });
      if (quad_path && (any_exact || any_error)) {
        const std::uint8_t offset = sign_magnitude ? 0 : 0x80;
        for (std::size_t t = 0; t < chunk_tiles; ++t) {
          build_quads(patch + t * tile_size, taps, static_cast<int>(quad_count), offset,
                      quad_patch + t * quad_tile_size);
        }
      }
      // Tiles outside, filters inside: a tile of the patches (taps x kTile) stays in the L1 cache
      // while every filter of the group uses it.
      for (std::size_t t = col0; t < col1; t += kTile) {
        const std::int16_t* x = patch + (t - col0) / kTile * tile_size;
        const std::uint8_t* x8 = bytes ? patch8 + (t - col0) / kTile * tile_size : nullptr;
        for (std::size_t i = 0; i < filters; ++i) {
          const int f = g * out_per_group + static_cast<int>(i);
          const std::uint16_t m = choice[static_cast<std::size_t>(f)];
          std::int32_t* a = acc + i * padded_columns + t;
          const std::size_t slot = i * static_cast<std::size_t>(taps);
          if (error_filter[i]) {
            const std::size_t at = static_cast<std::size_t>(f) * quad_count;
            const std::uint8_t* xq = quad_patch + (t - col0) / kTile * quad_tile_size;
            tile_exact_bytes<true>(a, layer_quads.high.data() + at, layer_quads.low.data() + at,
                                   static_cast<int>(quad_count), 0, xq);
            const std::size_t at_error = i * error_stride;
            tile_errors_avx512(a, errors8_[m].data(), error_rows + at_error,
                               error_offsets + at_error, error_runs + i * 6, error_run_count[i],
                               error_group_taps[i], x8);
          } else if (exact_[m] && quad_path) {
            const std::size_t at = static_cast<std::size_t>(f) * quad_count;
            const std::uint8_t* xq = quad_patch + (t - col0) / kTile * quad_tile_size;
            if (sign_magnitude) {
              tile_exact_bytes<true>(a, layer_quads.high.data() + at, layer_quads.low.data() + at,
                                     static_cast<int>(quad_count), 0, xq);
            } else {
              tile_exact_bytes<false>(a, layer_quads.high.data() + at, layer_quads.low.data() + at,
                                      static_cast<int>(quad_count),
                                      layer_quads.offset_correction[static_cast<std::size_t>(f)],
                                      xq);
            }
          } else if (exact_[m] && vnni_) {
            tile_exact_vnni(a, layer_pairs.data() + static_cast<std::size_t>(f) * pair_count,
                            static_cast<int>(pair_count), x, kTile);
          } else if (exact_[m]) {
            tile_exact(a, qc.weights.data() + static_cast<std::size_t>(f) * taps, taps, x, kTile);
          } else if (vector_tables_) {
            // The precomputed plan of filter f: table rows, operand offsets, positives first.
            const TapPlan& plan = plans_[static_cast<std::size_t>(index)];
            const std::size_t base = static_cast<std::size_t>(f) * static_cast<std::size_t>(taps);
            const int positives = plan.positives[static_cast<std::size_t>(f)];
            const std::uint16_t* row = plan.row.data() + base;
            const std::uint32_t* offset = plan.offset.data() + base;
            if (bytes && !sign_magnitude) {
              tile_bytes_avx512<true>(a, tables8_[m].data(), row, positives, taps, x8, offset);
            } else if (bytes) {
              tile_bytes_avx512<false>(a, tables8_[m].data(), row, positives, taps, x8, offset);
            } else if (!sign_magnitude) {
              tile_rows_avx512<TableFormat::kTwosComplement>(a, tables16_[m].data(), row, positives,
                                                             taps, x, offset);
            } else if (nonnegative) {
              tile_rows_avx512<TableFormat::kMagnitudes>(a, tables16_[m].data(), row, positives,
                                                         taps, x, offset);
            } else {
              tile_rows_avx512<TableFormat::kSignMagnitude>(a, tables16_[m].data(), row, positives,
                                                            taps, x, offset);
            }
          } else if (sign_magnitude && !nonnegative) {
            tile_rows_signed(a, rows + slot, negated + slot, taps, x, offsets + slot);
          } else {
            tile_rows(a, rows + slot, negated + slot, taps, x, offsets + slot);
          }
        }
      }
    }
    float low = -std::numeric_limits<float>::infinity();
    float high = std::numeric_limits<float>::infinity();
    if (l.activation == Activation::kRelu) low = 0.0f;
    if (l.activation == Activation::kClip) low = l.clip_min, high = l.clip_max;
    for (std::size_t i = 0; i < filters; ++i) {
      const std::size_t f = static_cast<std::size_t>(g * out_per_group) + i;
      const float to_real = in_scale * qc.weight_scale[f];
      const std::int32_t* a = acc + i * padded_columns;
      for (std::size_t b = 0; acc_out && b < count; ++b) {
        std::copy(a + b * positions, a + (b + 1) * positions,
                  acc_out + b * out_size + f * positions);
      }
      if (moments) {
        std::int64_t sum = 0;
        unsigned __int128 sum2 = 0;
        for (std::size_t c = 0; c < columns; ++c) {
          sum += a[c];
          sum2 += static_cast<unsigned __int128>(static_cast<std::int64_t>(a[c]) * a[c]);
        }
        totals->count[f] += columns;
        totals->sum[f] += sum;
        totals->sum2[f] += sum2;
      }
      if (noise_offset != nullptr && noise_offset[f] != 0.0) {
        for (std::size_t b = 0; b < count; ++b) {
          const std::size_t o = b * out_size + f * positions;
          for (std::size_t p = 0; p < positions; ++p) {
            const float pre = static_cast<float>(a[b * positions + p]) * to_real +
                              static_cast<float>(noise_offset[f]);
            const float real = activate(l, pre);
            if (real_out) real_out[o + p] = real;
            out[o + p] = quantize_value(real, out_scale, q_.levels);
          }
        }
        continue;
      }
      if (noise_std == nullptr || noise_std[f] <= 0.0) {
        requantize(a, count, positions, out_size, to_real, low, high, out_scale,
                   static_cast<float>(q_.levels), out + f * positions,
                   real_out ? real_out + f * positions : nullptr);
        continue;
      }
      for (std::size_t b = 0; b < count; ++b) {
        const std::size_t o = b * out_size + f * positions;
        // One noise stream per (image, filter): the same whatever the batch or thread. Made only
        // when noise is asked for: seeding a generator costs more than the image's arithmetic.
        std::mt19937_64 random(noise_seed ^ ((first_image + b) * 0x9E3779B97F4A7C15ull) ^
                               (f * 0xC2B2AE3D27D4EB4Full));
        std::normal_distribution<double> noise(0.0, noise_std[f]);
        const double eps = noise_centre ? noise(random) : 0.0;
        for (std::size_t p = 0; p < positions; ++p) {
          const float y = static_cast<float>(a[b * positions + p]) * to_real;
          const float pre =
              noise_centre
                  ? y + static_cast<float>(eps * (static_cast<double>(y) - noise_centre[f]))
                  : y + static_cast<float>(noise(random));
          const float real = activate(l, pre);
          if (real_out) real_out[o + p] = real;
          out[o + p] = quantize_value(real, out_scale, q_.levels);
        }
      }
    }
  }
}

LayerTrace Engine::trace_layer(const std::uint8_t* image, const Assignment& assignment,
                               std::size_t compute_layer) const {
  check(assignment);
  const std::vector<int> layers = q_.net.compute_layers();
  if (compute_layer >= layers.size()) {
    throw Error("compute layer " + std::to_string(compute_layer) + " asked for; the network has " +
                std::to_string(layers.size()));
  }
  const int index = layers[compute_layer];
  const Layer& l = q_.net.layers[static_cast<std::size_t>(index)];
  Maps v(q_.net.values.size());
  load_images(&image, 1, v);
  run(v, 1, 0, static_cast<std::size_t>(index), 0, assignment, nullptr, 0, nullptr, nullptr);
  LayerTrace trace;
  trace.layer = index;
  trace.input = v[static_cast<std::size_t>(l.input)];
  trace.output.assign(static_cast<std::size_t>(l.out.elements()), 0);
  trace.accumulators.assign(trace.output.size(), 0);
  conv(index, assignment.filters[compute_layer], 1, trace.input.data(), trace.output.data(),
       nullptr, nullptr, nullptr, nullptr, 0, 0, nullptr, trace.accumulators.data());
  return trace;
}

std::vector<float> Engine::logits(const std::uint8_t* image, const Assignment& assignment) const {
  return logits(&image, 1, assignment).front();
}

std::vector<std::vector<float>> Engine::logits(const std::uint8_t* const* images, std::size_t count,
                                               const Assignment& assignment, const Probe* probe,
                                               std::size_t first_image,
                                               std::vector<OperandHistogram>* histograms) const {
  check(assignment);
  Maps v(q_.net.values.size());
  load_images(images, count, v);
  std::vector<float> real;
  ProbeTotals totals;
  if (probe) totals = start_totals(*probe, assignment.filters.size());
  run(v, count, 0, q_.net.layers.size(), 0, assignment, probe, first_image, &totals, &real);
  // Added to the caller's counts, which must have a histogram per compute layer.
  for (std::size_t l = 0; histograms && l < totals.layers.size(); ++l) {
    for (std::size_t k = 0; k < 256; ++k) (*histograms).at(l)[k] += totals.layers[l].histogram[k];
  }
  const std::size_t logits_size = static_cast<std::size_t>(q_.net.layers.back().out.elements());
  std::vector<std::vector<float>> result(count);
  for (std::size_t b = 0; b < count; ++b) {
    result[b].assign(real.begin() + static_cast<std::ptrdiff_t>(b * logits_size),
                     real.begin() + static_cast<std::ptrdiff_t>((b + 1) * logits_size));
  }
  return result;
}

void Engine::load_images(const std::uint8_t* const* images, std::size_t count, Maps& v) const {
  const std::size_t input_size = static_cast<std::size_t>(q_.net.input.elements());
  v[0].resize(input_size * count);
  for (std::size_t b = 0; b < count; ++b) {
    for (std::size_t i = 0; i < input_size; ++i) {
      const std::uint8_t pixel = images[b][i];
      v[0][b * input_size + i] = q_.format == OperandFormat::kSignMagnitude
                                     ? static_cast<std::int16_t>(pixel)
                                     : quantize_value(pixel / 255.0f, q_.value_scale[0], q_.levels);
    }
  }
}

void Engine::run(Maps& v, std::size_t count, std::size_t from, std::size_t to, std::size_t compute,
                 const Assignment& assignment, const Probe* probe, std::size_t first_image,
                 ProbeTotals* totals, std::vector<float>* real_out) const {
  const Network& net = q_.net;
  std::vector<float> unused;
  std::vector<float>& real = real_out ? *real_out : unused;  // the last layer's real output
  for (std::size_t i = from; i < to; ++i) {
    const Layer& l = net.layers[i];
    const bool last = i + 1 == net.layers.size();
    const std::size_t in_size = static_cast<std::size_t>(l.in.elements());
    const std::size_t out_size = static_cast<std::size_t>(l.out.elements());
    std::vector<std::int16_t>& out_all = v[static_cast<std::size_t>(l.output)];
    // Every layer kind writes every output element, so the buffer is not cleared first (a
    // reused map of the right size keeps its old values until they are overwritten).
    out_all.resize(out_size * count);
    const std::vector<std::int16_t>& in_all = v[static_cast<std::size_t>(l.input)];
    if (last) real.assign(out_all.size(), 0.0f);
    if (l.kind == Layer::Kind::kConv) {
      const bool noisy = probe && probe->noise_layer == static_cast<int>(compute);
      std::vector<double> noise_std;
      if (noisy) {
        noise_std = probe->noise_std_per_filter;
        if (noise_std.empty())
          noise_std.assign(static_cast<std::size_t>(l.filters()), probe->noise_std);
        if (noise_std.size() != static_cast<std::size_t>(l.filters())) {
          throw Error("the probe gives " + std::to_string(noise_std.size()) +
                      " noise levels for compute layer " + std::to_string(compute) + " ('" +
                      l.name + "'), which has " + std::to_string(l.filters()) + " filters");
        }
      }
      const std::vector<double>* offset = noisy && !probe->noise_offset_per_filter.empty()
                                              ? &probe->noise_offset_per_filter
                                              : nullptr;
      if (offset && offset->size() != static_cast<std::size_t>(l.filters())) {
        throw Error("the probe gives " + std::to_string(offset->size()) +
                    " offsets for compute layer " + std::to_string(compute) + " ('" + l.name +
                    "'), which has " + std::to_string(l.filters()) + " filters");
      }
      const std::vector<double>* centre = noisy && !probe->noise_centre_per_filter.empty()
                                              ? &probe->noise_centre_per_filter
                                              : nullptr;
      if (centre && centre->size() != static_cast<std::size_t>(l.filters())) {
        throw Error("the probe gives " + std::to_string(centre->size()) +
                    " noise centres for compute layer " + std::to_string(compute) + " ('" + l.name +
                    "'), which has " + std::to_string(l.filters()) + " filters");
      }
      LayerTotals* layer_totals =
          totals && compute < totals->layers.size() ? &totals->layers[compute] : nullptr;
      conv(static_cast<int>(i), assignment.filters[compute], count, in_all.data(), out_all.data(),
           last ? real.data() : nullptr, noisy && !offset ? noise_std.data() : nullptr,
           offset ? offset->data() : nullptr, centre ? centre->data() : nullptr,
           probe ? probe->noise_seed : 0, first_image, layer_totals);
      ++compute;
      continue;
    }
    const float s_in = q_.value_scale[l.input];
    const float s_out = q_.value_scale[l.output];
    for (std::size_t b = 0; b < count; ++b) {
      const std::int16_t* in = in_all.data() + b * in_size;
      std::int16_t* out = out_all.data() + b * out_size;
      float* r_out = last ? real.data() + b * out_size : nullptr;
      switch (l.kind) {
        case Layer::Kind::kConv:
          break;
        case Layer::Kind::kMaxPool:
        case Layer::Kind::kAvgPool: {
          const bool max = l.kind == Layer::Kind::kMaxPool;
          // Every window inside the map (no padding reached): the same cells without the
          // per-cell bounds checks.
          if (l.pad_top == 0 && l.pad_left == 0 &&
              (l.out.h - 1) * l.stride_h + (l.kernel_h - 1) * l.dilation_h < l.in.h &&
              (l.out.w - 1) * l.stride_w + (l.kernel_w - 1) * l.dilation_w < l.in.w) {
            const int cells = l.kernel_h * l.kernel_w;
            for (int c = 0; c < l.out.c; ++c) {
              for (int oy = 0; oy < l.out.h; ++oy) {
                for (int ox = 0; ox < l.out.w; ++ox) {
                  const std::int16_t* window =
                      in + (static_cast<std::size_t>(c) * l.in.h + oy * l.stride_h) * l.in.w +
                      ox * l.stride_w;
                  std::int32_t acc = max ? window[0] : 0;
                  for (int ky = 0; ky < l.kernel_h; ++ky) {
                    const std::int16_t* line =
                        window + static_cast<std::size_t>(ky) * l.dilation_h * l.in.w;
                    for (int kx = 0; kx < l.kernel_w; ++kx) {
                      const std::int32_t val = line[kx * l.dilation_w];
                      acc = max ? std::max(acc, val) : acc + val;
                    }
                  }
                  const std::size_t o = (static_cast<std::size_t>(c) * l.out.h + oy) * l.out.w + ox;
                  const float r = max ? static_cast<float>(acc)
                                      : static_cast<float>(acc) / static_cast<float>(cells);
                  out[o] =
                      max ? static_cast<std::int16_t>(acc) : quantize_value(r, 1.0f, q_.levels);
                  if (r_out) r_out[o] = r * s_in;
                }
              }
            }
            break;
          }
          for (int c = 0; c < l.out.c; ++c) {
            for (int oy = 0; oy < l.out.h; ++oy) {
              for (int ox = 0; ox < l.out.w; ++ox) {
                std::int32_t acc = max ? std::numeric_limits<std::int32_t>::min() : 0;
                int cells = 0;
                for (int ky = 0; ky < l.kernel_h; ++ky) {
                  const int y = oy * l.stride_h - l.pad_top + ky * l.dilation_h;
                  for (int kx = 0; kx < l.kernel_w; ++kx) {
                    const int x = ox * l.stride_w - l.pad_left + kx * l.dilation_w;
                    if (y < 0 || y >= l.in.h || x < 0 || x >= l.in.w) {
                      const bool explicit_pad =
                          y < l.in.h + l.pad_bottom && x < l.in.w + l.pad_right;
                      if (!max && l.count_include_pad && explicit_pad) ++cells;
                      continue;
                    }
                    const std::int32_t val =
                        in[(static_cast<std::size_t>(c) * l.in.h + y) * l.in.w + x];
                    acc = max ? std::max(acc, val) : acc + val;
                    ++cells;
                  }
                }
                const std::size_t o = (static_cast<std::size_t>(c) * l.out.h + oy) * l.out.w + ox;
                const float r =
                    max ? static_cast<float>(acc)
                        : static_cast<float>(acc) / static_cast<float>(std::max(cells, 1));
                out[o] = max ? static_cast<std::int16_t>(acc) : quantize_value(r, 1.0f, q_.levels);
                if (r_out) r_out[o] = r * s_in;
              }
            }
          }
          break;
        }
        case Layer::Kind::kGlobalAvgPool: {
          const int area = l.in.h * l.in.w;
          for (int c = 0; c < l.in.c; ++c) {
            std::int32_t sum = 0;
            for (int k = 0; k < area; ++k) sum += in[static_cast<std::size_t>(c) * area + k];
            const float r = static_cast<float>(sum) / static_cast<float>(area);
            out[static_cast<std::size_t>(c)] = quantize_value(r, 1.0f, q_.levels);
            if (r_out) r_out[static_cast<std::size_t>(c)] = r * s_in;
          }
          break;
        }
        case Layer::Kind::kAdd: {
          const std::int16_t* in2 = v[static_cast<std::size_t>(l.input2)].data() + b * in_size;
          const float s_in2 = q_.value_scale[l.input2];
          float low = -std::numeric_limits<float>::infinity();
          float high = std::numeric_limits<float>::infinity();
          if (l.activation == Activation::kRelu) low = 0.0f;
          if (l.activation == Activation::kClip) low = l.clip_min, high = l.clip_max;
          add_requantize(in, s_in, in2, s_in2, out_size, low, high, s_out,
                         static_cast<float>(q_.levels), out, r_out);
          break;
        }
        case Layer::Kind::kActivation:
          for (std::size_t k = 0; k < out_size; ++k) {
            const float r = activate(l, in[k] * s_in);
            out[k] = quantize_value(r, s_out, q_.levels);
            if (r_out) r_out[k] = r;
          }
          break;
      }
    }
  }
}

Engine::ProbeTotals Engine::start_totals(const Probe& probe, std::size_t layers) const {
  ProbeTotals t;
  t.histograms = probe.operand_histograms;
  t.filters = probe.filter_statistics;
  if (!t.histograms && !t.filters && !probe.operand_transitions) return t;
  t.layers.resize(layers);
  for (auto& l : t.layers) {
    l.histograms = t.histograms;
    if (probe.operand_transitions) l.transitions.assign(65536, 0);
  }
  const std::vector<int> computes = q_.net.compute_layers();
  for (std::size_t l = 0; t.filters && l < layers; ++l) {
    const std::size_t filters =
        static_cast<std::size_t>(q_.net.layers[static_cast<std::size_t>(computes[l])].filters());
    t.layers[l].count.assign(filters, 0);
    t.layers[l].sum.assign(filters, 0);
    t.layers[l].sum2.assign(filters, 0);
  }
  return t;
}

void Engine::for_batches(std::size_t n, int threads,
                         const std::function<void(std::size_t, std::size_t, int)>& work,
                         const std::function<void(std::size_t)>& progress) const {
  // Batches of kBatch images, each taken by whichever thread is free (a thread that shares its
  // core with other work does not hold the rest up). Which thread runs a batch changes no
  // result: images are independent and histograms are integer sums.
  constexpr std::size_t kBatch = 64;
  const std::size_t batches = (n + kBatch - 1) / kBatch;
  std::atomic<std::size_t> next_batch{0};
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  auto worker = [&](int t) {
    for (std::size_t batch = next_batch++; batch < batches; batch = next_batch++) {
      const std::size_t first = batch * kBatch;
      const std::size_t count = std::min(kBatch, n - first);
      work(first, count, t);
      const std::size_t finished = done += count;
      if (progress) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        progress(finished);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
}

std::size_t Prefix::bytes() const {
  std::size_t total = 0;
  for (const auto& m : maps_) total += m.size() * sizeof(std::int16_t);
  return total;
}

Prefix Engine::prefix(const Dataset& data, const Assignment& assignment, std::size_t compute_layers,
                      int threads, const std::function<void(std::size_t)>& progress) const {
  check(assignment);
  const std::vector<int> computes = q_.net.compute_layers();
  if (compute_layers >= computes.size()) {
    throw Error("a prefix covers fewer than the network's " + std::to_string(computes.size()) +
                " compute layers, not " + std::to_string(compute_layers));
  }
  Prefix p;
  p.compute_ = compute_layers;
  p.next_layer_ = static_cast<std::size_t>(computes[compute_layers]);
  p.leading_.assign(assignment.filters.begin(),
                    assignment.filters.begin() + static_cast<std::ptrdiff_t>(compute_layers));
  std::vector<bool> live(q_.net.values.size(), false);
  for (std::size_t i = p.next_layer_; i < q_.net.layers.size(); ++i) {
    const Layer& l = q_.net.layers[i];
    live[static_cast<std::size_t>(l.input)] = true;
    if (l.input2 >= 0) live[static_cast<std::size_t>(l.input2)] = true;
  }
  for (std::size_t v = 0; v < live.size(); ++v) {
    // Values made at or after the boundary are not in the prefix.
    if (!live[v]) continue;
    bool made_later = false;
    for (std::size_t i = p.next_layer_; i < q_.net.layers.size(); ++i) {
      made_later |= q_.net.layers[i].output == static_cast<int>(v);
    }
    if (!made_later) p.live_.push_back(static_cast<int>(v));
  }
  p.images_ = data.size();
  p.data_ = &data;
  p.maps_.resize(p.live_.size());
  for (std::size_t k = 0; k < p.live_.size(); ++k) {
    p.maps_[k].resize(
        static_cast<std::size_t>(q_.net.values[static_cast<std::size_t>(p.live_[k])].elements()) *
        data.size());
  }
  for_batches(
      data.size(), std::max(1, threads),
      [&](std::size_t first, std::size_t count, int) {
        std::vector<const std::uint8_t*> images;
        for (std::size_t i = first; i < first + count; ++i) images.push_back(data.image(i));
        Maps v(q_.net.values.size());
        load_images(images.data(), count, v);
        run(v, count, 0, p.next_layer_, 0, assignment, nullptr, first, nullptr, nullptr);
        for (std::size_t k = 0; k < p.live_.size(); ++k) {
          const std::vector<std::int16_t>& m = v[static_cast<std::size_t>(p.live_[k])];
          std::copy(m.begin(), m.end(),
                    p.maps_[k].begin() + static_cast<std::ptrdiff_t>(first * (m.size() / count)));
        }
      },
      progress);
  return p;
}

Evaluation Engine::evaluate(const Dataset& data, const Assignment& assignment, int threads,
                            const std::function<void(std::size_t)>& progress,
                            const Probe& probe) const {
  return evaluate_from(nullptr, data, assignment, threads, progress, probe);
}

Evaluation Engine::evaluate(const Prefix& from, const Dataset& data, const Assignment& assignment,
                            int threads, const std::function<void(std::size_t)>& progress,
                            const Probe& probe) const {
  return evaluate_from(&from, data, assignment, threads, progress, probe);
}

Evaluation Engine::evaluate_from(const Prefix* from, const Dataset& data,
                                 const Assignment& assignment, int threads,
                                 const std::function<void(std::size_t)>& progress,
                                 const Probe& probe) const {
  check(assignment);
  if (from) {
    if (from->data_ != &data || from->images_ != data.size()) {
      throw Error("the prefix was computed on another dataset");
    }
    for (std::size_t c = 0; c < from->compute_; ++c) {
      if (assignment.filters[c] != from->leading_[c]) {
        throw Error("the assignment differs from the prefix's in compute layer " +
                    std::to_string(c) + " ('" +
                    q_.net.layers[static_cast<std::size_t>(q_.net.compute_layers()[c])].name +
                    "'), which the prefix covers");
      }
    }
    if (probe.noise_layer >= 0 && static_cast<std::size_t>(probe.noise_layer) < from->compute_) {
      throw Error("the probe adds noise to compute layer " + std::to_string(probe.noise_layer) +
                  ", inside the prefix");
    }
  }
  const std::size_t n = data.size();
  std::vector<std::int16_t> predicted(n, -1);
  std::vector<std::vector<float>> logits(probe.logits ? n : 0);
  const int workers = std::max(1, threads);
  const std::size_t layers = assignment.filters.size();
  std::vector<ProbeTotals> totals(static_cast<std::size_t>(workers), start_totals(probe, layers));
  const std::size_t logits_size = static_cast<std::size_t>(q_.net.layers.back().out.elements());
  // Each worker's maps live across its batches: no allocation, page faults or clearing per batch.
  std::vector<Maps> worker_maps(static_cast<std::size_t>(workers), Maps(q_.net.values.size()));
  for_batches(
      n, workers,
      [&](std::size_t first, std::size_t count, int t) {
        Maps& v = worker_maps[static_cast<std::size_t>(t)];
        std::size_t start = 0, compute = 0;
        if (from) {
          for (std::size_t k = 0; k < from->live_.size(); ++k) {
            const std::vector<std::int16_t>& all = from->maps_[k];
            const std::size_t size = all.size() / from->images_;
            v[static_cast<std::size_t>(from->live_[k])].assign(
                all.begin() + static_cast<std::ptrdiff_t>(first * size),
                all.begin() + static_cast<std::ptrdiff_t>((first + count) * size));
          }
          start = from->next_layer_;
          compute = from->compute_;
        } else {
          std::vector<const std::uint8_t*> images;
          for (std::size_t i = first; i < first + count; ++i) images.push_back(data.image(i));
          load_images(images.data(), count, v);
        }
        std::vector<float> z;
        run(v, count, start, q_.net.layers.size(), compute, assignment, &probe, first,
            &totals[static_cast<std::size_t>(t)], &z);
        for (std::size_t i = 0; i < count; ++i) {
          const auto begin = z.begin() + static_cast<std::ptrdiff_t>(i * logits_size);
          predicted[first + i] = static_cast<std::int16_t>(
              std::max_element(begin, begin + static_cast<std::ptrdiff_t>(logits_size)) - begin);
          if (probe.logits) {
            logits[first + i].assign(begin, begin + static_cast<std::ptrdiff_t>(logits_size));
          }
        }
      },
      progress);

  Evaluation e;
  e.images = n;
  if (probe.operand_histograms) {
    e.operand_histograms.assign(layers, OperandHistogram{});
    e.negative_histograms.assign(layers, OperandHistogram{});
    for (const auto& per_thread : totals) {
      for (std::size_t l = 0; l < layers; ++l) {
        for (std::size_t v = 0; v < 256; ++v) {
          e.operand_histograms[l][v] += per_thread.layers[l].histogram[v];
          e.negative_histograms[l][v] += per_thread.layers[l].negatives[v];
        }
      }
    }
  }
  if (probe.operand_transitions) {
    e.operand_transitions.assign(layers, std::vector<std::uint64_t>(65536, 0));
    for (const auto& per_thread : totals) {
      for (std::size_t l = 0; l < layers; ++l) {
        for (std::size_t i = 0; i < 65536; ++i) {
          e.operand_transitions[l][i] += per_thread.layers[l].transitions[i];
        }
      }
    }
  }
  if (probe.filter_statistics) {
    e.filter_statistics.resize(layers);
    for (std::size_t l = 0; l < layers; ++l) {
      const std::size_t filters = totals.front().layers[l].count.size();
      e.filter_statistics[l].resize(filters);
      for (std::size_t f = 0; f < filters; ++f) {
        std::uint64_t count = 0;
        std::int64_t sum = 0;
        unsigned __int128 sum2 = 0;
        for (const auto& per_thread : totals) {
          count += per_thread.layers[l].count[f];
          sum += per_thread.layers[l].sum[f];
          sum2 += per_thread.layers[l].sum2[f];
        }
        FilterMoments& m = e.filter_statistics[l][f];
        m.count = count;
        if (count == 0) continue;
        const long double n = static_cast<long double>(count);
        const long double mean = static_cast<long double>(sum) / n;
        m.mean = static_cast<double>(mean);
        m.variance =
            static_cast<double>(std::max(0.0L, static_cast<long double>(sum2) / n - mean * mean));
      }
    }
  }
  e.class_total.assign(data.class_names.size(), 0);
  e.class_correct.assign(data.class_names.size(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    ++e.class_total[data.labels[i]];
    if (predicted[i] == data.labels[i]) {
      ++e.correct;
      ++e.class_correct[data.labels[i]];
    }
  }
  e.predicted = std::move(predicted);
  e.logits = std::move(logits);
  return e;
}

}  // namespace hawx::models
