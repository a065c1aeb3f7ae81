// SPDX-License-Identifier: MIT
#include "tests/rtl/reference_models.h"

#include <cstdlib>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>

namespace hawx::rtl::test {
namespace {

// Operand values: unsigned 0..255 or two's complement -128..127.
int unsigned_value(std::uint8_t raw) { return raw; }
int signed_value(std::uint8_t raw) { return static_cast<std::int8_t>(raw); }

int bit(int x, int i) { return (x >> i) & 1; }

// Index of the most significant set bit of x > 0 (floor(log2 x)).
int leading_one(int x) {
  int k = 0;
  while ((x >> (k + 1)) != 0) ++k;
  return k;
}

// Applies an unsigned approximate multiplier to the magnitudes of two's complement operands and
// gives the result the sign of the exact product (the sign-magnitude wrapper of the signed
// designs; |-128| = 128 is a valid magnitude).
template <class Unsigned>
std::int32_t sign_magnitude(std::uint8_t a, std::uint8_t b, Unsigned core) {
  const int x = signed_value(a);
  const int y = signed_value(b);
  const std::int32_t magnitude = core(std::abs(x), std::abs(y));
  return ((x < 0) != (y < 0)) ? -magnitude : magnitude;
}

// --- Truncation (Schulte and Swartzlander 1993, without correction) ---------------------------
// The partial-product bits a_i b_j of the columns i + j < k, with their weights.
std::int32_t dropped_columns(std::uint8_t a, std::uint8_t b, int k) {
  std::int32_t sum = 0;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 8; ++j) {
      if (i + j < k) sum += (bit(a, i) & bit(b, j)) << (i + j);
    }
  }
  return sum;
}

// --- Broken-array multiplier (Mahdiani et al. 2010) -------------------------------------------
// The array keeps the partial products of rows j >= hbl in columns i + j >= vbl and adds them
// exactly; everything else is gone with its cells.
std::int32_t broken_array(std::uint8_t a, std::uint8_t b, int hbl, int vbl) {
  std::int32_t sum = 0;
  for (int j = hbl; j < 8; ++j) {
    for (int i = 0; i < 8; ++i) {
      if (i + j >= vbl) sum += (bit(a, i) & bit(b, j)) << (i + j);
    }
  }
  return sum;
}

// --- DRUM-k (Hashemi, Bahar and Reda 2015) ----------------------------------------------------
// An operand of more than k significant bits is reduced to the k bits from its leading one with
// the last of them set to 1; value = segment * 2^shift.
struct Segment {
  int value;
  int shift;
};

Segment drum_segment(int x, int k) {
  if (x < (1 << k)) return {x, 0};
  const int shift = leading_one(x) - k + 1;
  return {(x >> shift) | 1, shift};
}

std::int32_t drum(int a, int b, int k) {
  const Segment x = drum_segment(a, k);
  const Segment y = drum_segment(b, k);
  return (x.value * y.value) << (x.shift + y.shift);
}

// --- Static segment multiplier (Narayanamoorthy et al. 2015) ----------------------------------
// The m low bits when the 8 - m high bits are zero, else the m high bits.
Segment ssm_segment(int x, int m) {
  if ((x >> m) == 0) return {x, 0};
  return {x >> (8 - m), 8 - m};
}

std::int32_t ssm(int a, int b, int m) {
  const Segment x = ssm_segment(a, m);
  const Segment y = ssm_segment(b, m);
  return (x.value * y.value) << (x.shift + y.shift);
}

// --- Mitchell (1962) --------------------------------------------------------------------------
// a = 2^k1 (1 + n1 / 2^k1), b = 2^k2 (1 + n2 / 2^k2). With f1 + f2 = s / 2^(k1+k2),
// s = n1 2^k2 + n2 2^k1, Mitchell's antilogarithm gives 2^(k1+k2) (1 + f1 + f2) when
// f1 + f2 < 1 and 2^(k1+k2+1) (f1 + f2) otherwise; both are integers, computed exactly here.
std::int32_t mitchell(int a, int b) {
  if (a == 0 || b == 0) return 0;
  const int k1 = leading_one(a);
  const int k2 = leading_one(b);
  const std::int32_t n1 = a - (1 << k1);
  const std::int32_t n2 = b - (1 << k2);
  const std::int32_t s = (n1 << k2) + (n2 << k1);
  const std::int32_t one = std::int32_t{1} << (k1 + k2);
  return s < one ? one + s : 2 * s;
}

// --- Kulkarni, Gupta and Ercegovac (2011) -----------------------------------------------------
// Recursive: an n-bit product from four n/2-bit products with exact additions, down to the
// under-designed 2x2 block whose only inexact entry is 3 x 3 = 7.
std::int32_t kulkarni(int a, int b, int width) {
  if (width == 2) return (a == 3 && b == 3) ? 7 : a * b;
  const int h = width / 2;
  const int mask = (1 << h) - 1;
  const int al = a & mask;
  const int ah = a >> h;
  const int bl = b & mask;
  const int bh = b >> h;
  return (kulkarni(ah, bh, h) << (2 * h)) + ((kulkarni(ah, bl, h) + kulkarni(al, bh, h)) << h) +
         kulkarni(al, bl, h);
}

// --- Error-tolerant multiplier (Kyaw, Goh and Yeo 2010), 4-bit parts --------------------------
// Both high nibbles zero: the low nibbles are multiplied exactly. Otherwise the high nibbles are
// multiplied exactly into the upper byte and the lower byte is filled with ones from the first
// position, scanning the low nibbles from their MSB, where either operand has a one.
std::int32_t etm4(int a, int b) {
  const int ah = a >> 4;
  const int bh = b >> 4;
  const int al = a & 15;
  const int bl = b & 15;
  if (ah == 0 && bh == 0) return al * bl;
  int low = 0;
  for (int i = 3; i >= 0; --i) {
    if (bit(al | bl, i) != 0) {
      low = (1 << (i + 5)) - 1;  // product bits i + 4 .. 0
      break;
    }
  }
  return ((ah * bh) << 8) + low;
}

// --- RoBA (Zendegani et al. 2017) -------------------------------------------------------------
// The nearest power of two; of two equally near ones the larger.
int nearest_power_of_two(int x) {
  if (x == 0) return 0;
  int best = 1;
  for (int p = 2; p <= 512; p *= 2) {
    if (std::abs(x - p) <= std::abs(x - best)) best = p;
  }
  return best;
}

std::int32_t roba(int a, int b) {
  const std::int32_t ar = nearest_power_of_two(a);
  const std::int32_t br = nearest_power_of_two(b);
  return ar * b + br * a - ar * br;
}

struct Model {
  bool is_signed;
  std::function<std::int32_t(std::uint8_t, std::uint8_t)> product;
};

std::map<std::string, Model> make_models() {
  std::map<std::string, Model> m;
  const auto u = unsigned_value;
  m["mul8u_exact"] = {false, [u](auto a, auto b) { return u(a) * u(b); }};
  m["mul8s_exact"] = {true, [](auto a, auto b) { return signed_value(a) * signed_value(b); }};
  for (int k : {2, 4, 6, 8}) {
    m["mul8u_trunc" + std::to_string(k)] = {
        false, [u, k](auto a, auto b) { return u(a) * u(b) - dropped_columns(a, b, k); }};
  }
  // Baugh-Wooley columns below 4 hold only positive bits a_i b_j (i, j < 7).
  m["mul8s_trunc4"] = {true, [](auto a, auto b) {
                         return signed_value(a) * signed_value(b) - dropped_columns(a, b, 4);
                       }};
  for (auto [h, v] : {std::pair{1, 4}, std::pair{2, 6}, std::pair{2, 8}, std::pair{3, 10}}) {
    m["mul8u_bam_h" + std::to_string(h) + "_v" + std::to_string(v)] = {
        false, [h = h, v = v](auto a, auto b) { return broken_array(a, b, h, v); }};
  }
  for (int k : {3, 4, 6}) {
    m["mul8u_drum" + std::to_string(k)] = {false,
                                           [u, k](auto a, auto b) { return drum(u(a), u(b), k); }};
  }
  m["mul8s_drum4"] = {true, [](auto a, auto b) {
                        return sign_magnitude(a, b, [](int x, int y) { return drum(x, y, 4); });
                      }};
  m["mul8u_mitchell"] = {false, [u](auto a, auto b) { return mitchell(u(a), u(b)); }};
  m["mul8s_mitchell"] = {true, [](auto a, auto b) { return sign_magnitude(a, b, mitchell); }};
  m["mul8u_kulkarni"] = {false, [u](auto a, auto b) { return kulkarni(u(a), u(b), 8); }};
  m["mul8u_etm4"] = {false, [u](auto a, auto b) { return etm4(u(a), u(b)); }};
  m["mul8u_roba"] = {false, [u](auto a, auto b) { return roba(u(a), u(b)); }};
  for (int s : {4, 6}) {
    m["mul8u_ssm" + std::to_string(s)] = {false,
                                          [u, s](auto a, auto b) { return ssm(u(a), u(b), s); }};
  }
  return m;
}

const std::map<std::string, Model>& models() {
  static const std::map<std::string, Model> all = make_models();
  return all;
}

const Model& model(const std::string& design) {
  auto it = models().find(design);
  if (it == models().end()) {
    throw std::invalid_argument("no reference model for multiplier '" + design + "'");
  }
  return it->second;
}

}  // namespace

std::int32_t reference_product(const std::string& design, std::uint8_t a, std::uint8_t b) {
  return model(design).product(a, b);
}

bool reference_is_signed(const std::string& design) { return model(design).is_signed; }

std::vector<std::string> reference_designs() {
  std::vector<std::string> names;
  for (const auto& entry : models()) names.push_back(entry.first);
  return names;
}

}  // namespace hawx::rtl::test
