// SPDX-License-Identifier: MIT
// The int8 engine: per-filter approximate multipliers against a slow reference loop over the
// product tables, determinism across thread counts, and quantised LeNet-5 against float.
#include "models/engine/engine.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "models/data/dataset.h"
#include "models/onnx/float_executor.h"
#include "models/onnx/graph.h"
#include "rtl/library.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

// 2x16x16 images: conv 3x3 (2 -> 8 channels, pad 1, ReLU) -> maxpool 2 -> depthwise conv 3x3 (8
// groups, no pad, ReLU6) -> fully connected (8*6*6 -> 3): every layer kind that multiplies, with
// padding, groups and a signed output. `first` is conv1's activation: kNone gives the depthwise
// layer operands of both signs.
Network small_network(std::mt19937& random, Activation first = Activation::kRelu) {
  std::normal_distribution<float> normal(0.0f, 0.5f);
  Network net;
  net.file = "small";
  net.input = {2, 16, 16};
  net.values = {net.input};
  auto add = [&](Layer l) {
    l.output = static_cast<int>(net.values.size());
    net.values.push_back(l.out);
    for (std::size_t i = 0;
         l.kind == Layer::Kind::kConv && i < static_cast<std::size_t>(l.filters() * l.taps());
         ++i) {
      l.weights.push_back(normal(random));
    }
    for (int f = 0; l.kind == Layer::Kind::kConv && f < l.filters(); ++f) {
      l.bias.push_back(normal(random) * 0.1f);
    }
    net.layers.push_back(l);
  };
  Layer c1;
  c1.name = "conv1";
  c1.in = net.input;
  c1.out = {8, 16, 16};
  c1.kernel_h = c1.kernel_w = 3;
  c1.pad_top = c1.pad_left = c1.pad_bottom = c1.pad_right = 1;
  c1.activation = first;
  add(c1);
  Layer pool;
  pool.kind = Layer::Kind::kMaxPool;
  pool.name = "pool";
  pool.input = 1;
  pool.in = {8, 16, 16};
  pool.out = {8, 8, 8};
  pool.kernel_h = pool.kernel_w = 2;
  pool.stride_h = pool.stride_w = 2;
  add(pool);
  Layer dw;
  dw.name = "depthwise";
  dw.input = 2;
  dw.in = {8, 8, 8};
  dw.out = {8, 6, 6};
  dw.kernel_h = dw.kernel_w = 3;
  dw.groups = 8;
  dw.activation = Activation::kClip;
  dw.clip_min = 0.0f;
  dw.clip_max = 6.0f;
  add(dw);
  Layer fc;
  fc.name = "fc";
  fc.input = 3;
  fc.fully_connected = true;
  fc.in = {288, 1, 1};
  fc.out = {3, 1, 1};
  add(fc);
  return net;
}

Dataset random_images(std::mt19937& random, const Shape3& shape, std::size_t n) {
  Dataset d;
  d.name = "random";
  d.channels = shape.c;
  d.height = shape.h;
  d.width = shape.w;
  d.class_names = {"0", "1", "2"};
  std::uniform_int_distribution<int> pixel(0, 255);
  for (std::size_t i = 0; i < n * static_cast<std::size_t>(shape.elements()); ++i) {
    d.pixels.push_back(static_cast<std::uint8_t>(pixel(random)));
  }
  for (std::size_t i = 0; i < n; ++i) d.labels.push_back(static_cast<std::uint8_t>(i % 3));
  return d;
}

// The documented arithmetic, written out directly: sign-magnitude operands, product tables,
// int32 accumulation from the quantised bias, requantisation after the activation.
std::vector<float> reference_logits(const QuantizedNetwork& q,
                                    const std::vector<rtl::ProductTable>& tables,
                                    const Assignment& assignment, const std::uint8_t* image) {
  const Network& net = q.net;
  std::vector<std::vector<long long>> v(net.values.size());
  for (std::int64_t i = 0; i < net.input.elements(); ++i) v[0].push_back(image[i]);
  std::vector<float> last;
  std::size_t compute = 0;
  auto requantize = [&](double real, float scale) {
    const double r = std::round(real / scale);
    return static_cast<long long>(std::max(-255.0, std::min(255.0, r)));
  };
  for (const Layer& l : net.layers) {
    std::vector<long long>& out = v[static_cast<std::size_t>(l.output)];
    const std::vector<long long>& in = v[static_cast<std::size_t>(l.input)];
    out.assign(static_cast<std::size_t>(l.out.elements()), 0);
    last.assign(out.size(), 0.0f);
    if (l.kind == Layer::Kind::kMaxPool) {
      for (int c = 0; c < l.out.c; ++c) {
        for (int y = 0; y < l.out.h; ++y) {
          for (int x = 0; x < l.out.w; ++x) {
            long long m = -1000;
            for (int ky = 0; ky < 2; ++ky) {
              for (int kx = 0; kx < 2; ++kx) {
                m = std::max(m, in[(c * l.in.h + 2 * y + ky) * l.in.w + 2 * x + kx]);
              }
            }
            out[(c * l.out.h + y) * l.out.w + x] = m;
          }
        }
      }
      continue;
    }
    const std::size_t index = static_cast<std::size_t>(&l - net.layers.data());
    const auto& qc = q.conv[index];
    const auto& choice = assignment.filters[compute++];
    const int per_group = l.in.c / l.groups;
    for (int f = 0; f < l.out.c; ++f) {
      const rtl::ProductTable& t = tables[choice[static_cast<std::size_t>(f)]];
      const int g = f / (l.out.c / l.groups);
      for (int y = 0; y < l.out.h; ++y) {
        for (int x = 0; x < l.out.w; ++x) {
          long long acc = qc.bias[static_cast<std::size_t>(f)];
          for (int ic = 0; ic < per_group; ++ic) {
            for (int ky = 0; ky < l.kernel_h; ++ky) {
              for (int kx = 0; kx < l.kernel_w; ++kx) {
                const int iy = y * l.stride_h - l.pad_top + ky;
                const int ix = x * l.stride_w - l.pad_left + kx;
                const bool inside = iy >= 0 && iy < l.in.h && ix >= 0 && ix < l.in.w;
                const long long a =
                    inside ? in[((g * per_group + ic) * l.in.h + iy) * l.in.w + ix] : 0;
                const long long w =
                    qc.weights[((static_cast<std::size_t>(f) * per_group + ic) * l.kernel_h + ky) *
                                   l.kernel_w +
                               kx];
                const long long magnitude = t.at(static_cast<std::uint8_t>(std::llabs(a)),
                                                 static_cast<std::uint8_t>(std::llabs(w)));
                acc += ((a < 0) != (w < 0)) ? -magnitude : magnitude;
              }
            }
          }
          double real = static_cast<double>(static_cast<float>(acc) *
                                            (q.value_scale[l.input] * qc.weight_scale[f]));
          if (l.activation == Activation::kRelu) real = std::max(real, 0.0);
          if (l.activation == Activation::kClip) {
            real = std::min(std::max(real, static_cast<double>(l.clip_min)),
                            static_cast<double>(l.clip_max));
          }
          const std::size_t o = (static_cast<std::size_t>(f) * l.out.h + y) * l.out.w + x;
          last[o] = static_cast<float>(real);
          out[o] = requantize(real, q.value_scale[l.output]);
        }
      }
    }
  }
  return last;
}

std::vector<rtl::ProductTable> tables(const std::vector<std::string>& names) {
  std::vector<rtl::ProductTable> out;
  for (const auto& n : names) out.push_back(rtl::builtin_table(n));
  return out;
}

TEST(EngineTest, PerFilterAssignmentMatchesTheSlowReference) {
  for (const Activation first : {Activation::kRelu, Activation::kNone}) {
    SCOPED_TRACE(first == Activation::kNone ? "operands of both signs" : "operands >= 0");
    std::mt19937 random(11);
    const Network net = small_network(random, first);
    const Dataset images = random_images(random, net.input, 40);
    const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, images, 20);
    const auto multipliers =
        tables({"mul8u_exact", "mul8u_trunc8", "mul8u_drum4", "mul8u_mitchell", "mul8u_etm4"});
    const Engine engine(q, multipliers);
    // Every filter of every layer gets some multiplier, all five in use.
    Assignment mixed = Assignment::uniform(net, 0);
    std::uint16_t next = 0;
    for (auto& layer : mixed.filters) {
      for (auto& m : layer) m = next++ % multipliers.size();
    }
    bool differs_from_exact = false;
    for (std::size_t i = 0; i < images.size(); ++i) {
      const auto got = engine.logits(images.image(i), mixed);
      const auto want = reference_logits(q, multipliers, mixed, images.image(i));
      ASSERT_EQ(got, want) << "image " << i;
      differs_from_exact |= got != engine.logits(images.image(i), Assignment::uniform(net, 0));
    }
    EXPECT_TRUE(differs_from_exact);  // the approximate multipliers really were used
  }
}

// The AVX-512 table lookups against the portable path: the same logits, bit for bit, for both
// operand formats and a per-filter mix of multipliers.
TEST(EngineTest, VectorAndPortablePathsAreBitIdentical) {
  for (const bool is_signed : {false, true}) {
    for (const Activation first : {Activation::kRelu, Activation::kNone}) {
      SCOPED_TRACE(is_signed ? "two's complement" : "sign-magnitude");
      SCOPED_TRACE(first == Activation::kNone ? "operands of both signs" : "operands >= 0");
      std::mt19937 random(17);
      const Network net = small_network(random, first);
      const Dataset images = random_images(random, net.input, 64);
      const QuantizedNetwork q =
          quantize(net, is_signed ? OperandFormat::kTwosComplement : OperandFormat::kSignMagnitude,
                   images, 32);
      const auto multipliers =
          is_signed ? tables({"mul8s_exact", "mul8s_trunc4", "mul8s_drum4", "mul8s_mitchell"})
                    : tables({"mul8u_exact", "mul8u_trunc4", "mul8u_drum4", "mul8u_roba"});
      const Engine fast(q, multipliers);
      EngineOptions portable_only;
      portable_only.portable = true;
      const Engine portable(q, multipliers, portable_only);
      EXPECT_FALSE(portable.vector_tables());
      if (__builtin_cpu_supports("avx512bw")) {
        EXPECT_TRUE(fast.vector_tables());
      }
      // Per-filter mixes in which every multiplier, the exact one (VNNI against scalar) included,
      // meets every layer; and uniform assignments.
      std::vector<Assignment> assignments;
      for (std::uint16_t start = 0; start < multipliers.size(); ++start) {
        Assignment mixed = Assignment::uniform(net, 0);
        std::uint16_t next = start;
        for (auto& layer : mixed.filters) {
          for (auto& m : layer) m = next++ % multipliers.size();
        }
        assignments.push_back(mixed);
        assignments.push_back(Assignment::uniform(net, start));
      }
      std::vector<const std::uint8_t*> all;
      for (std::size_t i = 0; i < images.size(); ++i) all.push_back(images.image(i));
      for (const Assignment& a : assignments) {
        EXPECT_EQ(fast.logits(all.data(), all.size(), a),
                  portable.logits(all.data(), all.size(), a));
      }
      // And the slow reference agrees with the fast path in sign-magnitude.
      if (!is_signed) {
        EXPECT_EQ(fast.logits(images.image(3), assignments[0]),
                  reference_logits(q, multipliers, assignments[0], images.image(3)));
      }
    }
  }
}

// An unsigned table made to reach every lookup kind of the error-byte path (approximate
// filters on operands >= 0 whose rows' errors span at most 255): rows with a constant error (w a
// multiple of 16: no lookup), rows that repeat every 16 operands (one vpermb), every 128 (one
// vpermt2b) and rows that do not repeat (two and a blend). A row's error byte is 0 for one
// operand in 16 and near its span for the rest, so that a group of taps whose spans added up
// to more than 255 would overflow its byte sums, and 16-bit sums flushed too late would
// overflow. `wide`: spans up to 255, so that most groups are one tap; otherwise spans up to 31,
// so that groups have 8 taps and more.
rtl::ProductTable error_lookup_kinds_table(bool wide) {
  rtl::ProductTable t(false);
  for (unsigned w = 0; w < 256; ++w) {
    const unsigned span = !wide       ? 1 + (w * 37) % 31
                          : w % 8 < 6 ? 128 + (w * 37) % 128
                                      : 1 + (w / 8) % 4;
    for (unsigned a = 0; a < 256; ++a) {
      unsigned e = 0;
      if (w % 16 == 0) {
        e = w / 16;
      } else if (w % 4 == 1) {
        e = (a & 15) == 0 ? 0 : (a & 2) ? span : span - span / 8;
      } else if (w % 4 == 2) {
        e = (a & 79) == 0 ? 0 : (a & 64) ? span : span - span / 8;
      } else {
        e = (a & 143) == 0 ? 0 : (a & 128) ? span : span - span / 8;
      }
      t.products()[rtl::ProductTable::index(static_cast<std::uint8_t>(a),
                                            static_cast<std::uint8_t>(w))] =
          static_cast<std::int32_t>(a * w + e);
    }
  }
  return t;
}

TEST(EngineTest, ErrorBytePathMatchesTheReferenceForEveryLookupKind) {
  std::mt19937 random(23);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  // 64x8x8 images: conv 3x3 (64 -> 8, 576 taps, pad 1, ReLU) -> conv 3x3 (8 -> 8, pad 1, ReLU)
  // -> fully connected (512 -> 3). Both convolutions have >= 8 filters on operands >= 0; the
  // first's filters 0-3 have only positive weights (more than 256 groups of one sign).
  Network net;
  net.file = "error-kinds";
  net.input = {64, 8, 8};
  net.values = {net.input};
  auto add = [&](Layer l) {
    l.output = static_cast<int>(net.values.size());
    net.values.push_back(l.out);
    for (int i = 0; i < l.filters() * l.taps(); ++i) l.weights.push_back(normal(random));
    for (int f = 0; f < l.filters(); ++f) l.bias.push_back(normal(random) * 0.1f);
    net.layers.push_back(l);
  };
  for (int i = 0; i < 2; ++i) {
    Layer c;
    c.name = "conv" + std::to_string(i + 1);
    c.input = i;
    c.in = i == 0 ? net.input : Shape3{8, 8, 8};
    c.out = {8, 8, 8};
    c.kernel_h = c.kernel_w = 3;
    c.pad_top = c.pad_left = c.pad_bottom = c.pad_right = 1;
    c.activation = Activation::kRelu;
    add(c);
  }
  Layer fc;
  fc.name = "fc";
  fc.input = 2;
  fc.fully_connected = true;
  fc.in = {512, 1, 1};
  fc.out = {3, 1, 1};
  add(fc);
  for (int k = 0; k < 4 * net.layers[0].taps(); ++k) {
    net.layers[0].weights[static_cast<std::size_t>(k)] =
        std::fabs(net.layers[0].weights[static_cast<std::size_t>(k)]);
  }
  const Dataset images = random_images(random, net.input, 64);
  const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, images, 32);
  const std::vector<rtl::ProductTable> multipliers = {rtl::builtin_table("mul8u_exact"),
                                                      error_lookup_kinds_table(true),
                                                      error_lookup_kinds_table(false)};
  const Engine fast(q, multipliers);
  EngineOptions portable_only;
  portable_only.portable = true;
  const Engine portable(q, multipliers, portable_only);
  Assignment mixed = Assignment::uniform(net, 0);
  std::uint16_t next = 0;
  for (auto& layer : mixed.filters) {
    for (auto& m : layer) m = next++ % 3;
  }
  std::vector<const std::uint8_t*> all;
  for (std::size_t i = 0; i < images.size(); ++i) all.push_back(images.image(i));
  for (const Assignment& a : {Assignment::uniform(net, 1), Assignment::uniform(net, 2), mixed}) {
    const auto got = fast.logits(all.data(), all.size(), a);
    EXPECT_EQ(got, portable.logits(all.data(), all.size(), a));
    for (std::size_t i = 0; i < 8; ++i) {
      ASSERT_EQ(got[i], reference_logits(q, multipliers, a, images.image(i))) << "image " << i;
    }
    EXPECT_NE(got, fast.logits(all.data(), all.size(), Assignment::uniform(net, 0)));
  }
}

TEST(EngineTest, DeterministicAcrossThreadCounts) {
  std::mt19937 random(5);
  const Network net = small_network(random);
  const Dataset images = random_images(random, net.input, 300);
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, images, 50),
                      tables({"mul8u_exact", "mul8u_drum4"}));
  const Assignment a = Assignment::per_layer(net, {1, 0, 1});
  const Evaluation one = engine.evaluate(images, a, 1);
  const Evaluation two = engine.evaluate(images, a, 2);
  const Evaluation three = engine.evaluate(images, a, 3);
  EXPECT_EQ(one.correct, two.correct);
  EXPECT_EQ(one.correct, three.correct);
  EXPECT_EQ(one.class_correct, two.class_correct);
  EXPECT_EQ(one.images, 300u);
}

// Continuing from a prefix gives what a whole evaluation gives, image by image, for every
// boundary of a network with residual adds (so the prefix holds more than one live map), and
// assignments that differ only after the boundary.
TEST(EngineTest, PrefixContinuesBitIdenticallyOnResNet18) {
  const auto file = test::source_dir() / "models/zoo/resnet18.onnx";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  Dataset test = load_dataset("cifar10", {test::data_dir(), Split::kTest});
  test.truncate(64);
  const Network net = lower(load_onnx(file), {test.channels, test.height, test.width});
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, test, 32),
                      tables({"mul8u_exact", "mul8u_trunc6", "mul8u_drum4"}));
  const std::size_t layers = net.compute_layers().size();
  std::mt19937 random(11);
  std::uniform_int_distribution<int> pick(0, 2);
  Assignment leading = Assignment::uniform(net, 0);
  for (auto& layer : leading.filters) {
    for (auto& m : layer) m = static_cast<std::uint16_t>(pick(random));
  }
  bool some_prefix_had_two_maps = false;
  for (std::size_t boundary : {std::size_t{0}, std::size_t{2}, layers - 1}) {
    const Prefix prefix = engine.prefix(test, leading, boundary, 2);
    EXPECT_EQ(prefix.layers(), boundary);
    EXPECT_GT(prefix.bytes(), 0u);
    // More than the boundary layer's input map: a residual add's other operand is kept too.
    const Layer& next = net.layers[static_cast<std::size_t>(net.compute_layers()[boundary])];
    some_prefix_had_two_maps |= prefix.bytes() > test.size() * sizeof(std::int16_t) *
                                                     static_cast<std::size_t>(next.in.elements());
    for (int variant = 0; variant < 2; ++variant) {
      Assignment later = leading;
      for (std::size_t c = boundary; c < layers; ++c) {
        for (auto& m : later.filters[c]) m = static_cast<std::uint16_t>(pick(random));
      }
      const Evaluation whole = engine.evaluate(test, later, 2);
      const Evaluation resumed = engine.evaluate(prefix, test, later, 2);
      EXPECT_EQ(resumed.predicted, whole.predicted) << "boundary " << boundary;
      EXPECT_EQ(resumed.class_correct, whole.class_correct);
      EXPECT_EQ(resumed.correct, whole.correct);
    }
  }
  EXPECT_TRUE(some_prefix_had_two_maps);
}

TEST(EngineTest, PrefixRejectsAssignmentsThatDisagreeWithIt) {
  std::mt19937 random(13);
  const Network net = small_network(random);
  const Dataset images = random_images(random, net.input, 40);
  const Dataset others = random_images(random, net.input, 40);
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, images, 20),
                      tables({"mul8u_exact", "mul8u_drum4"}));
  const Assignment a = Assignment::per_layer(net, {1, 0, 0});
  EXPECT_THROW(engine.prefix(images, a, 3), Error);  // covers every compute layer
  const Prefix prefix = engine.prefix(images, a, 2);
  EXPECT_EQ(engine.evaluate(prefix, images, Assignment::per_layer(net, {1, 0, 1})).predicted,
            engine.evaluate(images, Assignment::per_layer(net, {1, 0, 1})).predicted);
  try {
    engine.evaluate(prefix, images, Assignment::per_layer(net, {1, 1, 0}));
    ADD_FAILURE() << "a changed covered layer was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'depthwise'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(engine.evaluate(prefix, others, a), Error);
  Probe noisy;
  noisy.noise_layer = 1;
  noisy.noise_std = 0.1;
  EXPECT_THROW(engine.evaluate(prefix, images, a, 2, {}, noisy), Error);
  noisy.noise_layer = 2;
  EXPECT_NO_THROW(engine.evaluate(prefix, images, a, 2, {}, noisy));
}

TEST(EngineTest, RejectsMismatchedSignednessAndAssignments) {
  std::mt19937 random(3);
  const Network net = small_network(random);
  const Dataset images = random_images(random, net.input, 10);
  const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, images, 10);
  EXPECT_THROW(Engine(q, tables({"mul8s_exact"})), Error);
  const Engine engine(q, tables({"mul8u_exact"}));
  EXPECT_THROW(engine.logits(images.image(0), Assignment::uniform(net, 1)), Error);
  Assignment short_one = Assignment::uniform(net, 0);
  short_one.filters.pop_back();
  EXPECT_THROW(engine.logits(images.image(0), short_one), Error);
  // The zero-filled histogram type is comparable: needed by the tests above.
  static_assert(std::is_same_v<OperandHistogram, std::array<std::uint64_t, 256>>);
}

TEST(EngineTest, OperandHistogramsCountWhatTheMultipliersSee) {
  std::mt19937 random(9);
  const Network net = small_network(random);
  const Dataset images = random_images(random, net.input, 70);
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, images, 20),
                      tables({"mul8u_exact"}));
  Probe probe;
  probe.operand_histograms = true;
  const Evaluation e = engine.evaluate(images, Assignment::uniform(net, 0), 2, {}, probe);
  ASSERT_EQ(e.operand_histograms.size(), 3u);
  // Layer 1 sees the pixels themselves (scale 1/255) and the zero padding: count them here.
  OperandHistogram expected{};
  for (std::size_t i = 0; i < images.size(); ++i) {
    for (int c = 0; c < 2; ++c) {
      for (int y = 0; y < 16; ++y) {
        for (int x = 0; x < 16; ++x) {
          for (int ky = -1; ky <= 1; ++ky) {
            for (int kx = -1; kx <= 1; ++kx) {
              const bool inside = y + ky >= 0 && y + ky < 16 && x + kx >= 0 && x + kx < 16;
              ++expected[inside ? images.image(i)[(c * 16 + y + ky) * 16 + x + kx] : 0];
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(e.operand_histograms[0], expected);
  // Every layer: one count per tap of every filter group and output position.
  for (std::size_t l = 0; l < 3; ++l) {
    const Layer& layer = net.layers[static_cast<std::size_t>(net.compute_layers()[l])];
    std::uint64_t total = 0;
    for (auto count : e.operand_histograms[l]) total += count;
    EXPECT_EQ(total, images.size() * static_cast<std::uint64_t>(layer.in.c) * layer.kernel_h *
                         layer.kernel_w * layer.out.h * layer.out.w)
        << layer.name;
  }
  // The same counts on one thread.
  EXPECT_EQ(engine.evaluate(images, Assignment::uniform(net, 0), 1, {}, probe).operand_histograms,
            e.operand_histograms);
}

// The scoring stage's probes: per-filter accumulator moments equal those of trace_layer's
// accumulators; one transition per tap between neighbouring positions; the logits as logits()
// gives them; offsets and signal-shaped noise change the outputs, and a wrong count is an Error.
TEST(EngineTest, ScoringProbesAgreeWithTracesAndLogits) {
  std::mt19937 random(21);
  const Network net = small_network(random, Activation::kNone);
  const Dataset images = random_images(random, net.input, 30);
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, images, 20),
                      tables({"mul8u_exact", "mul8u_drum4"}));
  const Assignment a = Assignment::per_layer(net, {1, 0, 1});
  Probe probe;
  probe.operand_histograms = true;
  probe.filter_statistics = true;
  probe.operand_transitions = true;
  probe.logits = true;
  const Evaluation e = engine.evaluate(images, a, 2, {}, probe);
  const auto computes = net.compute_layers();
  for (std::size_t l = 0; l < computes.size(); ++l) {
    const Layer& layer = net.layers[static_cast<std::size_t>(computes[l])];
    const std::size_t filters = static_cast<std::size_t>(layer.filters());
    const std::size_t positions = static_cast<std::size_t>(layer.out.h) * layer.out.w;
    std::vector<double> sum(filters, 0.0), sum2(filters, 0.0);
    for (std::size_t i = 0; i < images.size(); ++i) {
      const LayerTrace t = engine.trace_layer(images.image(i), a, l);
      for (std::size_t f = 0; f < filters; ++f) {
        for (std::size_t p = 0; p < positions; ++p) {
          const double x = t.accumulators[f * positions + p];
          sum[f] += x;
          sum2[f] += x * x;
        }
      }
    }
    ASSERT_EQ(e.filter_statistics[l].size(), filters);
    for (std::size_t f = 0; f < filters; ++f) {
      const double n = static_cast<double>(images.size() * positions);
      EXPECT_EQ(e.filter_statistics[l][f].count, images.size() * positions);
      EXPECT_NEAR(e.filter_statistics[l][f].mean, sum[f] / n, 1e-9 * (1 + std::abs(sum[f] / n)));
      const double variance = sum2[f] / n - (sum[f] / n) * (sum[f] / n);
      EXPECT_NEAR(e.filter_statistics[l][f].variance, variance, 1e-6 * (1 + variance));
    }
    // Transitions: taps x (positions - 1) per image and group; negatives within the counts.
    std::uint64_t transitions = 0, operands = 0, negatives = 0;
    for (auto c : e.operand_transitions[l]) transitions += c;
    for (auto c : e.operand_histograms[l]) operands += c;
    for (auto c : e.negative_histograms[l]) negatives += c;
    EXPECT_EQ(transitions, images.size() * static_cast<std::uint64_t>(layer.taps()) *
                               static_cast<std::uint64_t>(layer.groups) * (positions - 1))
        << layer.name;
    EXPECT_LE(negatives, operands);
  }
  // The first layer has no ReLU before its successor: the second layer sees negative operands.
  std::uint64_t negative = 0;
  for (auto c : e.negative_histograms[1]) negative += c;
  EXPECT_GT(negative, 0u);
  const std::uint8_t* first = images.image(0);
  EXPECT_EQ(e.logits.size(), images.size());
  EXPECT_EQ(e.logits[0], engine.logits(&first, 1, a).front());

  Probe offsets;
  offsets.noise_layer = 1;
  offsets.noise_offset_per_filter.assign(
      static_cast<std::size_t>(net.layers[static_cast<std::size_t>(computes[1])].filters()), 0.5);
  EXPECT_NE(engine.logits(&first, 1, a, &offsets, 0), engine.logits(&first, 1, a));
  Probe shaped;
  shaped.noise_layer = 1;
  shaped.noise_std_per_filter = offsets.noise_offset_per_filter;
  shaped.noise_centre_per_filter.assign(offsets.noise_offset_per_filter.size(), 0.0);
  EXPECT_NE(engine.logits(&first, 1, a, &shaped, 0), engine.logits(&first, 1, a));
  EXPECT_EQ(engine.logits(&first, 1, a, &shaped, 0), engine.logits(&first, 1, a, &shaped, 0));
  offsets.noise_offset_per_filter.pop_back();
  EXPECT_THROW(engine.logits(&first, 1, a, &offsets, 0), Error);
  shaped.noise_centre_per_filter.pop_back();
  EXPECT_THROW(engine.logits(&first, 1, a, &shaped, 0), Error);
  Probe stds;
  stds.noise_layer = 1;
  stds.noise_std_per_filter = {0.1};
  EXPECT_THROW(engine.logits(&first, 1, a, &stds, 0), Error);
}

TEST(EngineTest, NoiseInjectionIsSeededAndReachesTheOutputs) {
  std::mt19937 random(13);
  const Network net = small_network(random);
  const Dataset images = random_images(random, net.input, 200);
  const Engine engine(quantize(net, OperandFormat::kSignMagnitude, images, 50),
                      tables({"mul8u_exact"}));
  const Assignment exact = Assignment::uniform(net, 0);
  const Evaluation clean = engine.evaluate(images, exact, 2);
  Probe zero;
  zero.noise_layer = 1;
  zero.noise_std = 0.0;
  EXPECT_EQ(engine.evaluate(images, exact, 2, {}, zero).class_correct, clean.class_correct);

  Probe noisy;
  noisy.noise_layer = 1;
  noisy.noise_std = 0.5;
  const std::uint8_t* first = images.image(0);
  const auto quiet_logits = engine.logits(&first, 1, exact);
  const auto noisy_logits = engine.logits(&first, 1, exact, &noisy, 0);
  const auto again = engine.logits(&first, 1, exact, &noisy, 0);
  EXPECT_NE(quiet_logits, noisy_logits);
  EXPECT_EQ(noisy_logits, again);  // same image number, same noise
  EXPECT_NE(noisy_logits, engine.logits(&first, 1, exact, &noisy, 1));  // another image's noise
  // Thread count does not change the noisy result either.
  const Evaluation one = engine.evaluate(images, exact, 1, {}, noisy);
  const Evaluation two = engine.evaluate(images, exact, 2, {}, noisy);
  EXPECT_EQ(one.class_correct, two.class_correct);
}

// The zoo's LeNet-5 on the real MNIST test set: int8 with exact multipliers within 0.5 pp of the
// float model (the float reference path, not the lowered network), for both operand formats.
// A zoo model on the first `images` images of its real test set: int8 with exact multipliers
// within 0.5 pp of the float model (the float reference path, not the lowered network), for
// both operand formats.
void expect_int8_near_float(const std::string& model, const std::string& dataset,
                            std::size_t images, double float_floor) {
  const auto file = test::source_dir() / "models/zoo" / model;
  ASSERT_TRUE(std::filesystem::exists(file)) << file << " is missing (scripts/train_models.py)";
  const Graph graph = load_onnx(file);
  Dataset test = load_dataset(dataset, {test::data_dir(), Split::kTest});
  test.truncate(images);
  const Dataset train = load_dataset(dataset, {test::data_dir(), Split::kTrain});

  const FloatExecutor reference(graph);
  std::size_t float_correct = 0;
  const std::string input = graph.inputs.front().name;
  for (std::size_t i = 0; i < test.size(); ++i) {
    Tensor x({1, test.channels, test.height, test.width});
    for (std::size_t k = 0; k < test.image_bytes(); ++k) x.data[k] = test.image(i)[k] / 255.0f;
    const Tensor z = reference.run({{input, x}}).begin()->second;
    const auto best = std::max_element(z.data.begin(), z.data.end()) - z.data.begin();
    float_correct += best == test.labels[i];
  }
  const double float_accuracy = static_cast<double>(float_correct) / test.size();
  EXPECT_GT(float_accuracy, float_floor);

  const Network net = lower(graph, {test.channels, test.height, test.width});
  for (const auto& [format, exact] : {std::pair{OperandFormat::kSignMagnitude, "mul8u_exact"},
                                      std::pair{OperandFormat::kTwosComplement, "mul8s_exact"}}) {
    const Engine engine(quantize(net, format, train, 500), tables({exact}));
    const Evaluation e = engine.evaluate(test, Assignment::uniform(net, 0), 2);
    std::printf("%s on %zu %s test images: float %.2f%%, int8 (%s) %.2f%%\n", model.c_str(),
                test.size(), dataset.c_str(), 100 * float_accuracy, exact, 100 * e.accuracy());
    EXPECT_NEAR(e.accuracy(), float_accuracy, 0.005) << exact;
  }
}

TEST(EngineTest, QuantisedLeNet5StaysWithinHalfAPointOfFloat) {
  expect_int8_near_float("lenet5.onnx", "mnist", 10000, 0.97);
}

TEST(EngineTest, QuantisedVgg11StaysWithinHalfAPointOfFloat) {
  expect_int8_near_float("vgg11.onnx", "cifar10", 10000, 0.85);
}

// The float reference path is slow on ResNet-18's 35 M MACs per image: 2,000 images.
TEST(EngineTest, QuantisedResNet18StaysWithinHalfAPointOfFloat) {
  expect_int8_near_float("resnet18.onnx", "cifar10", 2000, 0.85);
}

// Signed operands in sign-magnitude: the MBConv blocks' linear projections and residual sums feed
// the next 1x1 expansion with values of both signs.
TEST(EngineTest, QuantisedEfficientNetLite0StaysWithinHalfAPointOfFloat) {
  expect_int8_near_float("efficientnet_lite0.onnx", "cifar10", 2000, 0.80);
}

}  // namespace
}  // namespace hawx::models
