// SPDX-License-Identifier: MIT
// The SIMT core (sim/simt/core.h): bit-identical to the int8 engine on every layer of LeNet-5
// for a real MNIST image under a per-filter assignment that mixes two approximate units and
// exact; the lut and rtl data paths identical on a small layer; CUs that halve a compute-bound
// layer's cycles; a narrow DRAM whose cycles go to the memory stall cause; a unit type that adds
// area and leaves cycles alone; the kernel text; bad configurations.
#include "sim/simt/core.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>

#include "models/data/dataset.h"
#include "models/engine/engine.h"
#include "models/onnx/graph.h"
#include "rtl/characterize.h"
#include "rtl/library.h"
#include "sim/simt/simt_config.h"
#include "tests/support/characterized.h"
#include "tests/support/test_support.h"

namespace hawx::simt {
namespace {

std::vector<SimtUnit> library(const std::vector<std::string>& names) {
  std::vector<SimtUnit> out;
  for (const auto& n : names) out.push_back(simt_unit(test::characterized_library(n)));
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A random convolution: operands of both signs with some zeros, in sign-magnitude range.
struct RandomLayer {
  LayerShape shape;
  std::vector<std::int16_t> input;
  LayerOperands operands;
};

RandomLayer random_layer(std::mt19937& random, LayerShape shape, std::size_t units,
                         bool is_signed = false) {
  RandomLayer r;
  r.shape = shape;
  const int high = is_signed ? 127 : 255;
  std::uniform_int_distribution<int> value(-high, high);
  std::bernoulli_distribution zero(0.3);
  r.input.resize(static_cast<std::size_t>(shape.channels * shape.height * shape.width));
  for (auto& x : r.input) x = static_cast<std::int16_t>(zero(random) ? 0 : value(random));
  r.operands.shape = shape;
  r.operands.weights.resize(static_cast<std::size_t>(shape.filters * shape.taps()));
  for (auto& x : r.operands.weights) x = static_cast<std::int16_t>(value(random));
  for (int f = 0; f < shape.filters; ++f) {
    r.operands.bias.push_back(value(random) * 100);
    r.operands.filter_unit.push_back(static_cast<std::uint16_t>(f % units));
  }
  r.operands.input = r.input.data();
  return r;
}

// The convolution as a plain loop over the product tables (operands as the engine feeds them).
std::vector<std::int32_t> reference(const LayerOperands& o, const std::vector<SimtUnit>& units) {
  const LayerShape& s = o.shape;
  const int oh = s.out_h(), ow = s.out_w(), cpg = s.channels / s.groups;
  std::vector<std::int32_t> out(static_cast<std::size_t>(s.filters) * oh * ow);
  for (int f = 0; f < s.filters; ++f) {
    const rtl::ProductTable& t = units[o.filter_unit[static_cast<std::size_t>(f)]].table;
    const int c0 = f / (s.filters / s.groups) * cpg;
    for (int y = 0; y < oh; ++y) {
      for (int x = 0; x < ow; ++x) {
        std::int32_t sum = o.bias[static_cast<std::size_t>(f)];
        for (int c = 0; c < cpg; ++c) {
          for (int ky = 0; ky < s.kernel_h; ++ky) {
            for (int kx = 0; kx < s.kernel_w; ++kx) {
              const int iy = y * s.stride_h + ky * s.dilation_h - s.pad_top;
              const int ix = x * s.stride_w + kx * s.dilation_w - s.pad_left;
              const int a = iy < 0 || ix < 0 || iy >= s.height || ix >= s.width
                                ? 0
                                : o.input[((c0 + c) * s.height + iy) * s.width + ix];
              const int w = o.weights[static_cast<std::size_t>(
                  ((f * cpg + c) * s.kernel_h + ky) * s.kernel_w + kx)];
              if (t.is_signed()) {
                sum += t.at(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(w));
                continue;
              }
              const std::int32_t p = t.at(static_cast<std::uint8_t>(std::abs(a)),
                                          static_cast<std::uint8_t>(std::abs(w)));
              sum += ((a < 0) != (w < 0)) ? -p : p;
            }
          }
        }
        out[static_cast<std::size_t>((f * oh + y) * ow + x)] = sum;
      }
    }
  }
  return out;
}

void expect_cycles_accounted(const LayerRun& run) {
  ASSERT_FALSE(run.cu.empty());
  for (std::size_t c = 0; c < run.cu.size(); ++c) {
    EXPECT_EQ(run.cu[c].total(), run.cycles) << "CU " << c;
  }
  EXPECT_EQ(run.all.issue, static_cast<std::int64_t>(run.instructions) * 8);
}

double share(const LayerRun& run, Stall s, int cus) {
  return static_cast<double>(run.all.stall[static_cast<std::size_t>(s)]) /
         (static_cast<double>(run.cycles) * cus);
}

// Must show 1: every layer of LeNet-5 for a real MNIST test image, filters assigned round-robin
// to mul8u_exact, mul8u_drum4 and mul8u_trunc4 (so every fully connected wavefront of 64 filters
// mixes all three units): the core's int32 sums are the engine's accumulators, bit for bit.
TEST(SimtTest, MatchesTheEngineOnEveryLayerOfLenet5) {
  using namespace models;
  Dataset train = load_dataset("mnist", {test::data_dir(), Split::kTrain});
  Dataset test_set = load_dataset("mnist", {test::data_dir(), Split::kTest});
  const Network net = lower(load_onnx(test::source_dir() / "models/zoo/lenet5.onnx"), {1, 28, 28});
  const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, train, 100);
  const std::vector<std::string> names = {"mul8u_exact", "mul8u_drum4", "mul8u_trunc4"};
  std::vector<rtl::ProductTable> tables;
  for (const auto& n : names) tables.push_back(rtl::builtin_table(n));
  const Engine engine(q, tables);
  Assignment assignment = Assignment::uniform(net, 0);
  for (auto& layer : assignment.filters) {
    for (std::size_t f = 0; f < layer.size(); ++f) layer[f] = static_cast<std::uint16_t>(f % 3);
  }
  const auto units = library(names);
  CoreSpec spec;
  spec.compute_units = 2;
  const auto compute = net.compute_layers();
  std::int64_t cycles = 0;
  double seconds = 0.0;
  for (std::size_t c = 0; c < compute.size(); ++c) {
    SCOPED_TRACE("compute layer " + std::to_string(c));
    const Layer& l = net.layers[static_cast<std::size_t>(compute[c])];
    const LayerTrace trace = engine.trace_layer(test_set.image(0), assignment, c);
    LayerOperands o;
    o.shape = shape_of(l);
    o.input = trace.input.data();
    o.weights = q.conv[static_cast<std::size_t>(trace.layer)].weights;
    o.bias = q.conv[static_cast<std::size_t>(trace.layer)].bias;
    o.filter_unit = assignment.filters[c];
    const auto start = std::chrono::steady_clock::now();
    const LayerRun run = simulate_layer(spec, units, o);
    seconds += seconds_since(start);
    EXPECT_EQ(run.output, trace.accumulators);
    EXPECT_EQ(run.macs, static_cast<std::uint64_t>(l.macs()));
    expect_cycles_accounted(run);
    // Every unit type did work and spent switching energy.
    for (std::size_t u = 0; u < units.size(); ++u) {
      EXPECT_GT(run.unit_operations[u], 0U) << names[u];
      EXPECT_GT(run.unit_energy_fj[u], 0.0) << names[u];
    }
    // The assignment matters: with every filter exact, the sums differ somewhere.
    const LayerTrace exact = engine.trace_layer(test_set.image(0), Assignment::uniform(net, 0), c);
    if (c == 0) {
      EXPECT_NE(exact.accumulators, trace.accumulators);
    }
    std::printf("[ lenet5 simt ] layer %zu (%s): %s, %lld cycles, IPC %.3f, %.1f pJ multipliers\n",
                c, l.name.c_str(), run.launch.program.name.c_str(),
                static_cast<long long>(run.cycles), run.ipc(), run.total.energy_fj / 1000);
    cycles += run.cycles;
  }
  std::printf("[ lenet5 simt ] one image on 2 CUs: %lld cycles, %.3f s\n",
              static_cast<long long>(cycles), seconds);
}

// Must show 1: a small layer through the lanes' verilated units (rtl) and through the product
// tables (lut): the same sums, cycles, per-lane activity and switching energy; both equal a
// plain reference loop.
TEST(SimtTest, LutAndRtlDataPathsAgreeOnASmallLayer) {
  std::mt19937 random(5);
  LayerShape shape;
  shape.channels = 3;
  shape.height = shape.width = 9;
  shape.kernel_h = shape.kernel_w = 3;
  shape.pad_top = shape.pad_left = shape.pad_bottom = shape.pad_right = 1;
  shape.filters = 6;
  const auto units = library({"mul8u_exact", "mul8u_drum4", "mul8u_trunc4"});
  const RandomLayer layer = random_layer(random, shape, units.size());
  CoreSpec spec;
  spec.compute_units = 2;
  auto start = std::chrono::steady_clock::now();
  const LayerRun lut = simulate_layer(spec, units, layer.operands);
  const double lut_seconds = seconds_since(start);
  spec.data_path = DataPath::kRtl;
  start = std::chrono::steady_clock::now();
  const LayerRun rtl = simulate_layer(spec, units, layer.operands);
  std::printf("[ simt lut/rtl ] %llu MACs, %lld cycles; lut %.4f s, rtl %.4f s\n",
              static_cast<unsigned long long>(lut.macs), static_cast<long long>(lut.cycles),
              lut_seconds, seconds_since(start));
  EXPECT_EQ(lut.output, reference(layer.operands, units));
  EXPECT_EQ(rtl.output, lut.output);
  EXPECT_EQ(rtl.cycles, lut.cycles);
  EXPECT_EQ(rtl.instructions, lut.instructions);
  EXPECT_EQ(rtl.lanes, lut.lanes);
  EXPECT_EQ(rtl.unit_energy_fj, lut.unit_energy_fj);
  EXPECT_GT(lut.total.energy_fj, 0.0);
  // Signed units: int8 x int8 operands.
  const auto signed_units = library({"mul8s_exact", "mul8s_drum4"});
  const RandomLayer signed_layer = random_layer(random, shape, signed_units.size(), true);
  spec.data_path = DataPath::kLut;
  const LayerRun signed_lut = simulate_layer(spec, signed_units, signed_layer.operands);
  spec.data_path = DataPath::kRtl;
  const LayerRun signed_rtl = simulate_layer(spec, signed_units, signed_layer.operands);
  EXPECT_EQ(signed_lut.output, reference(signed_layer.operands, signed_units));
  EXPECT_EQ(signed_rtl.output, signed_lut.output);
  EXPECT_EQ(signed_rtl.lanes, signed_lut.lanes);
  EXPECT_GT(signed_lut.total.energy_fj, 0.0);
  // A grouped, strided, dilated layer with the weights in global memory (no local memory).
  shape.channels = 4;
  shape.groups = 2;
  shape.stride_h = 2;
  shape.dilation_w = 2;
  shape.pad_top = 0;
  const RandomLayer grouped = random_layer(random, shape, units.size());
  spec.data_path = DataPath::kLut;
  spec.local_memory_kb = 0;
  const LayerRun g = simulate_layer(spec, units, grouped.operands);
  EXPECT_FALSE(g.launch.local_weights);
  EXPECT_EQ(g.output, reference(grouped.operands, units));
  expect_cycles_accounted(g);
}

// A compute-bound layer: 16 channels of 16 x 16, 3 x 3, 32 filters (64 work-groups of 128
// work-items, weights in local memory, every activation reused by nine taps from the cache).
LayerShape compute_bound_shape() {
  LayerShape s;
  s.channels = 16;
  s.height = s.width = 16;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = s.pad_left = s.pad_bottom = s.pad_right = 1;
  s.filters = 32;
  return s;
}

// Must show 1: twice the CUs on a compute-bound layer: the cycles within 10 % of half (the
// tail of the last work-groups and the shared DRAM keep it from exactly half).
TEST(SimtTest, DoublingTheComputeUnitsHalvesAComputeBoundLayer) {
  std::mt19937 random(7);
  const auto units = library({"mul8u_exact", "mul8u_drum4"});
  const RandomLayer layer = random_layer(random, compute_bound_shape(), units.size());
  CoreSpec spec;
  spec.compute_units = 1;
  const LayerRun one = simulate_layer(spec, units, layer.operands);
  spec.compute_units = 2;
  const LayerRun two = simulate_layer(spec, units, layer.operands);
  spec.compute_units = 4;
  const LayerRun four = simulate_layer(spec, units, layer.operands);
  expect_cycles_accounted(one);
  expect_cycles_accounted(two);
  EXPECT_EQ(one.output, reference(layer.operands, units));
  EXPECT_EQ(two.output, one.output);
  EXPECT_EQ(four.output, one.output);
  const double issue_share = static_cast<double>(one.all.issue) / static_cast<double>(one.cycles);
  std::printf(
      "[ simt cus ] 1 CU: %lld cycles (issue %.3f, memory %.3f, dependency %.3f), "
      "2 CUs: %lld (ratio %.4f), 4 CUs: %lld (ratio %.4f)\n",
      static_cast<long long>(one.cycles), issue_share, share(one, Stall::kMemory, 1),
      share(one, Stall::kDependency, 1), static_cast<long long>(two.cycles),
      static_cast<double>(two.cycles) / one.cycles, static_cast<long long>(four.cycles),
      static_cast<double>(four.cycles) / one.cycles);
  // Compute-bound: the one CU issues most of its cycles.
  EXPECT_GT(issue_share, 0.8);
  EXPECT_NEAR(static_cast<double>(two.cycles) / static_cast<double>(one.cycles), 0.5, 0.05);
  EXPECT_NEAR(static_cast<double>(four.cycles) / static_cast<double>(two.cycles), 0.5, 0.05);
}

// Must show 1: the same layer behind a narrow DRAM (1/16 byte per cycle) and a 1 kB cache: most
// CU cycles are memory stalls, more than any other cause and than issue.
TEST(SimtTest, ANarrowDramMakesTheLayerMemoryBound) {
  std::mt19937 random(7);
  const auto units = library({"mul8u_exact", "mul8u_drum4"});
  const RandomLayer layer = random_layer(random, compute_bound_shape(), units.size());
  CoreSpec spec;
  spec.compute_units = 2;
  const LayerRun wide = simulate_layer(spec, units, layer.operands);
  spec.dram.bytes_per_cycle = 1.0 / 16;
  spec.cache.size_kb = 1;
  const LayerRun narrow = simulate_layer(spec, units, layer.operands);
  expect_cycles_accounted(narrow);
  EXPECT_EQ(narrow.output, wide.output);
  const double memory = share(narrow, Stall::kMemory, 2);
  std::printf(
      "[ simt dram ] 8 B/cycle: %lld cycles (memory %.3f); 1/16 B/cycle, 1 kB cache: "
      "%lld cycles (memory %.3f, issue %.3f), %llu DRAM bytes\n",
      static_cast<long long>(wide.cycles), share(wide, Stall::kMemory, 2),
      static_cast<long long>(narrow.cycles), memory,
      static_cast<double>(narrow.all.issue) / (2.0 * narrow.cycles),
      static_cast<unsigned long long>(narrow.dram_read_bytes + narrow.dram_write_bytes));
  EXPECT_GT(memory, 0.5);
  for (int s = 0; s < kStallCauses; ++s) {
    if (static_cast<Stall>(s) != Stall::kMemory) {
      EXPECT_GT(narrow.all.stall[static_cast<std::size_t>(Stall::kMemory)],
                narrow.all.stall[static_cast<std::size_t>(s)])
          << stall_name(static_cast<Stall>(s));
    }
  }
  EXPECT_GT(narrow.all.stall[static_cast<std::size_t>(Stall::kMemory)], narrow.all.issue);
  EXPECT_GT(narrow.cycles, 4 * wide.cycles);
  EXPECT_GT(narrow.cache_misses, wide.cache_misses);
}

// Must show 1: a third unit type in every PE (the filters still select the first two): more
// area, the same cycles, outputs and multiplier energy.
TEST(SimtTest, AnotherUnitTypeAddsAreaNotCycles) {
  std::mt19937 random(3);
  LayerShape shape = compute_bound_shape();
  shape.filters = 8;
  const auto two_units = library({"mul8u_exact", "mul8u_drum4"});
  const auto three_units = library({"mul8u_exact", "mul8u_drum4", "mul8u_trunc4"});
  const RandomLayer layer = random_layer(random, shape, two_units.size());
  CoreSpec spec;
  const LayerRun two = simulate_layer(spec, two_units, layer.operands);
  const LayerRun three = simulate_layer(spec, three_units, layer.operands);
  EXPECT_EQ(three.cycles, two.cycles);
  EXPECT_EQ(three.output, two.output);
  EXPECT_EQ(three.total, two.total);
  const rtl::TechSpec tech =
      rtl::TechSpec::load(test::source_dir() / "configs/tech/generic45.yaml");
  const AreaBreakdown a2 = area_of(spec, two_units, tech);
  const AreaBreakdown a3 = area_of(spec, three_units, tech);
  EXPECT_GT(three_units[2].area_um2, 0.0);
  EXPECT_DOUBLE_EQ(a3.multipliers_um2 - a2.multipliers_um2, 8 * three_units[2].area_um2);
  EXPECT_GT(a3.total_um2(), a2.total_um2());
  // The idle third unit leaks: leakage energy grows by its area in every PE over the cycles.
  const double extra_leakage = energy_of(three, tech).leakage_fj - energy_of(two, tech).leakage_fj;
  EXPECT_NEAR(extra_leakage,
              8 * three_units[2].area_um2 * tech.leakage_nw_per_um2 *
                  static_cast<double>(two.cycles) / spec.clock_mhz,
              1e-6 * extra_leakage);
  EXPECT_GT(extra_leakage, 0.0);
  // Energy by component: all present for a layer that reads DRAM.
  const EnergyBreakdown e = energy_of(two, tech);
  for (const double part : {e.multipliers_fj, e.alu_fj, e.register_file_fj, e.local_memory_fj,
                            e.cache_fj, e.dram_fj, e.leakage_fj}) {
    EXPECT_GT(part, 0.0);
  }
  StatsTree stats;
  report_stats(two, spec, stats, &tech);
  EXPECT_EQ(std::get<std::int64_t>(stats.at("cycles/total")), two.cycles);
  EXPECT_DOUBLE_EQ(std::get<double>(stats.at("energy/total_fj")), e.total_fj());
}

// The kernel generator's text: the staged weights, the barrier, the per-work-item unit select.
TEST(SimtTest, KernelTextShowsTheTemplate) {
  CoreSpec spec;
  const KernelLaunch conv = kernel_for(spec, compute_bound_shape());
  const std::string text = to_text(conv.program);
  EXPECT_TRUE(conv.local_weights);
  EXPECT_NE(text.find("barrier"), std::string::npos) << text;
  EXPECT_NE(text.find("llh r20"), std::string::npos) << text;
  EXPECT_NE(text.find("mul r24, r16, r20, u=r11"), std::string::npos) << text;
  EXPECT_NE(text.find("sw r12, 0(r13)"), std::string::npos) << text;
  EXPECT_EQ(conv.group_x, 128);
  EXPECT_EQ(conv.group_y, 1);
  // A fully connected layer: one pixel, 128 filters per work-group, weights from global memory.
  LayerShape fc;
  fc.channels = 400;
  fc.filters = 120;
  const KernelLaunch f = kernel_for(spec, fc);
  EXPECT_EQ(f.group_x, 1);
  EXPECT_EQ(f.group_y, 128);
  EXPECT_FALSE(f.local_weights);
  EXPECT_EQ(to_text(f.program).find("barrier"), std::string::npos);
  // A layer whose filters all select one unit: the unit compiled into the muls, no unit load.
  const std::string uniform = to_text(kernel_for(spec, fc, 1).program);
  EXPECT_NE(uniform.find("mul r24, r16, r20, u#1"), std::string::npos) << uniform;
  EXPECT_EQ(uniform.find("u=r11"), std::string::npos) << uniform;
  EXPECT_EQ(uniform.find("my filter's unit"), std::string::npos) << uniform;
}

// Must show 2: bad cores and unit selects are ConfigErrors naming the parameter.
TEST(SimtTest, BadConfigsAreClearErrors) {
  std::mt19937 random(1);
  LayerShape shape = compute_bound_shape();
  shape.filters = 4;
  const auto units = library({"mul8u_exact", "mul8u_drum4"});
  RandomLayer layer = random_layer(random, shape, units.size());
  CoreSpec spec;
  spec.compute_units = 0;
  EXPECT_EQ(test::message_of<ConfigError>([&] { simulate_layer(spec, units, layer.operands); }),
            "SIMT core: compute_units: expected 1 to 8 CUs, got 0");
  spec = CoreSpec();
  spec.wavefront_size = 60;
  EXPECT_EQ(test::message_of<ConfigError>([&] { simulate_layer(spec, units, layer.operands); }),
            "SIMT core: wavefront_size: a wavefront of 60 work-items is not a multiple of the 8 "
            "PEs per CU (it issues over wavefront_size / pes_per_cu cycles)");
  spec = CoreSpec();
  layer.operands.filter_unit[3] = 2;
  EXPECT_EQ(test::message_of<ConfigError>([&] { simulate_layer(spec, units, layer.operands); }),
            "SIMT core: filter 3 selects unit 2, a type its PEs do not carry (2 unit types: "
            "mul8u_exact, mul8u_drum4)");

  // An operand the multipliers cannot take, found while the kernel runs inside SystemC: the
  // same InputError reaches the caller.
  layer.operands.filter_unit[3] = 1;
  layer.input[0] = 300;
  const std::string operand =
      test::input_error_of([&] { simulate_layer(spec, units, layer.operands); });
  EXPECT_NE(operand.find("SIMT core: operands 300 x "), std::string::npos) << operand;
  EXPECT_NE(operand.find("do not fit sign and 8-bit magnitude"), std::string::npos) << operand;

  // The same through a study's simt: section: the key path and the line.
  auto read = [](const std::string& yaml) {
    const auto doc = config::Document::parse(yaml, "study.yaml", test::source_dir());
    SimtConfig::read(doc->root().section("simt", "the SIMT core"));
  };
  EXPECT_EQ(test::message_of<ConfigError>([&] { read("simt:\n  compute_units: 0\n"); }),
            "study.yaml:2:18: simt.compute_units: expected an integer in [1, 8] (CUs), got '0'");
  EXPECT_EQ(test::message_of<ConfigError>([&] { read("simt:\n  wavefront_size: 60\n"); }),
            "study.yaml:2:19: simt.wavefront_size: a wavefront of 60 work-items is not a "
            "multiple of pes_per_cu (8)");
  // The SIMT constants of a tech file are checked like every config key.
  const std::string tech = test::message_of<ConfigError>([] {
    rtl::TechSpec::load(test::source_dir() / "configs/tech/generic45.yaml",
                        {"simt.register_fj_per_access=-1"});
  });
  EXPECT_NE(tech.find("simt.register_fj_per_access: expected a number >= 0 (fJ), got '-1'"),
            std::string::npos)
      << tech;
  const std::string size =
      test::message_of<ConfigError>([&] { read("simt:\n  workgroup_size: 96\n"); });
  EXPECT_NE(size.find("simt.workgroup_size: expected a power of two"), std::string::npos) << size;
}

}  // namespace
}  // namespace hawx::simt
