// SPDX-License-Identifier: MIT
// The SystemC systolic array (sim/systolic/array.h): the lut and rtl data paths against each
// other and against a plain reference loop, the array against the int8 engine on LeNet-5's
// first layer with a real MNIST image, the stationary weight's activity, the mapper's cost of a
// heterogeneous multiplier_map, and bad configurations.
#include "sim/systolic/array.h"

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
#include "sim/systolic/conv.h"
#include "sim/systolic/im2col.h"
#include "tests/support/characterized.h"
#include "tests/support/test_support.h"

namespace hawx::systolic {
namespace {

std::vector<PeMultiplier> library(const std::vector<std::string>& names) {
  std::vector<PeMultiplier> out;
  for (const auto& n : names) out.push_back(pe_multiplier(test::characterized_library(n)));
  return out;
}

// A 3x3 convolution, pad 1, of a random 2 x 8 x 8 input with `filters` random filters; operands
// of both signs with some zeros, in the range of the multipliers' format.
GemmOperands random_conv(std::mt19937& random, bool is_signed, std::int64_t filters,
                         std::vector<std::uint16_t> assignment) {
  ConvWindow w;
  w.channels = 2;
  w.height = w.width = 8;
  w.kernel_h = w.kernel_w = 3;
  w.pad_top = w.pad_left = w.pad_bottom = w.pad_right = 1;
  const int high = is_signed ? 127 : 255;
  std::uniform_int_distribution<int> value(-high, high);
  std::bernoulli_distribution zero(0.3);
  std::vector<std::int16_t> input(2 * 8 * 8);
  for (auto& x : input) x = static_cast<std::int16_t>(zero(random) ? 0 : value(random));
  GemmOperands o;
  o.gemm = w.gemm(filters);
  o.ifmap = im2col(w, input.data());
  o.weights.resize(static_cast<std::size_t>(filters * o.gemm.k));
  for (auto& x : o.weights) x = static_cast<std::int16_t>(value(random));
  for (std::int64_t f = 0; f < filters; ++f) o.bias.push_back(value(random) * 100);
  o.filter_multiplier = std::move(assignment);
  return o;
}

// The GEMM as a plain loop over the product tables (operands as the engine feeds them).
std::vector<std::int32_t> reference(const GemmOperands& o,
                                    const std::vector<PeMultiplier>& multipliers) {
  std::vector<std::int32_t> out(static_cast<std::size_t>(o.gemm.n * o.gemm.m));
  for (std::int64_t f = 0; f < o.gemm.n; ++f) {
    const rtl::ProductTable& table = multipliers[o.filter_multiplier[f]].table;
    for (std::int64_t t = 0; t < o.gemm.m; ++t) {
      std::int32_t sum = o.bias[static_cast<std::size_t>(f)];
      for (std::int64_t k = 0; k < o.gemm.k; ++k) {
        const int x = o.ifmap[static_cast<std::size_t>(t * o.gemm.k + k)];
        const int w = o.weights[static_cast<std::size_t>(f * o.gemm.k + k)];
        if (table.is_signed()) {
          sum += table.at(static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(w));
        } else {
          const std::int32_t p = table.at(static_cast<std::uint8_t>(std::abs(x)),
                                          static_cast<std::uint8_t>(std::abs(w)));
          sum += ((x < 0) != (w < 0)) ? -p : p;
        }
      }
      out[static_cast<std::size_t>(f * o.gemm.m + t)] = sum;
    }
  }
  return out;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void expect_same_run(const ArrayRun& lut, const ArrayRun& rtl) {
  EXPECT_EQ(lut.ofmap, rtl.ofmap);
  EXPECT_EQ(lut.compute_cycles, rtl.compute_cycles);
  EXPECT_EQ(lut.folds, rtl.folds);
  ASSERT_EQ(lut.pes.size(), rtl.pes.size());
  for (std::size_t i = 0; i < lut.pes.size(); ++i) {
    EXPECT_EQ(lut.pes[i].operations, rtl.pes[i].operations) << "PE " << i;
    EXPECT_EQ(lut.pes[i].a_toggles, rtl.pes[i].a_toggles) << "PE " << i;
    EXPECT_EQ(lut.pes[i].b_toggles, rtl.pes[i].b_toggles) << "PE " << i;
    EXPECT_EQ(lut.pes[i].stationary_toggles_latch, rtl.pes[i].stationary_toggles_latch)
        << "PE " << i;
    EXPECT_EQ(lut.pes[i].stationary_toggles_in_fold, rtl.pes[i].stationary_toggles_in_fold)
        << "PE " << i;
    EXPECT_EQ(lut.pes[i].energy_fj, rtl.pes[i].energy_fj) << "PE " << i;
    EXPECT_EQ(lut.pes[i].psum_toggles, rtl.pes[i].psum_toggles) << "PE " << i;
  }
  EXPECT_EQ(lut.total, rtl.total);
  EXPECT_EQ(lut.register_bits, rtl.register_bits);
  // Register energy, toggles and clock, from the same counts.
  hawx::rtl::TechSpec tech;
  const EnergyBreakdown lut_energy = energy_of(lut, tech);
  const EnergyBreakdown rtl_energy = energy_of(rtl, tech);
  EXPECT_EQ(lut_energy.register_toggles_fj, rtl_energy.register_toggles_fj);
  EXPECT_EQ(lut_energy.register_clock_fj, rtl_energy.register_clock_fj);
  EXPECT_GT(lut_energy.registers_fj(), 0.0);
  EXPECT_EQ(lut.ifmap_reads, rtl.ifmap_reads);
  EXPECT_EQ(lut.filter_reads, rtl.filter_reads);
  EXPECT_EQ(lut.ofmap_reads, rtl.ofmap_reads);
  EXPECT_EQ(lut.ofmap_writes, rtl.ofmap_writes);
}

// (a) and (c): a small layer on a 4x4 array with two multiplier types, both data paths, for
// unsigned (sign-magnitude) and signed multipliers, in every dataflow.
TEST(SystolicScTest, LutAndRtlDataPathsAgreeOnASmallLayer) {
  for (const auto& info : dataflows()) {
    const Dataflow dataflow = info.dataflow;
    for (const bool is_signed : {false, true}) {
      const bool ws = dataflow == Dataflow::kWeightStationary;
      const bool os = dataflow == Dataflow::kOutputStationary;
      const bool is = dataflow == Dataflow::kInputStationary;
      SCOPED_TRACE(std::string(dataflow_name(dataflow)) + (is_signed ? ", signed" : ", unsigned"));
      const std::string exact = is_signed ? "mul8s_exact" : "mul8u_exact";
      const std::string drum = is_signed ? "mul8s_drum4" : "mul8u_drum4";
      const auto multipliers = library({exact, drum});
      std::mt19937 random(is_signed ? 11 : 7);
      // is: every filter passes every column, so one multiplier for the layer (DRUM-4, on the
      // two DRUM-4 columns: twice the column folds of a homogeneous array).
      const GemmOperands o = random_conv(
          random, is_signed, 4,
          !is ? std::vector<std::uint16_t>{0, 1, 1, 0} : std::vector<std::uint16_t>{1, 1, 1, 1});
      ArraySpec spec;
      spec.shape = {4, 4};
      spec.dataflow = dataflow;
      spec.multiplier_map = {exact, drum, exact, drum};

      auto start = std::chrono::steady_clock::now();
      const ArrayRun lut = simulate_gemm(spec, multipliers, o);
      const double lut_seconds = seconds_since(start);
      test::TempDir dir;
      spec.data_path = DataPath::kRtl;
      spec.vcd = dir / "pe.vcd";
      spec.vcd_row = 1;
      spec.vcd_col = 2;
      start = std::chrono::steady_clock::now();
      const ArrayRun rtl = simulate_gemm(spec, multipliers, o);
      const double rtl_seconds = seconds_since(start);
      std::printf(
          "[ small layer ] %s GEMM %lld x %lld x %lld on 4x4: %lld cycles; lut %.4f s, "
          "rtl %.4f s\n",
          dataflow_name(dataflow), static_cast<long long>(o.gemm.m),
          static_cast<long long>(o.gemm.k), static_cast<long long>(o.gemm.n),
          static_cast<long long>(lut.compute_cycles), lut_seconds, rtl_seconds);

      EXPECT_EQ(lut.ofmap, reference(o, multipliers));
      expect_same_run(lut, rtl);
      if (!is) {
        // Ideal memory, a map that fits the assignment: the timing model's cycles exactly.
        EXPECT_EQ(lut.compute_cycles, lut.timing.compute_cycles);
        EXPECT_EQ(lut.extra_cycles, 0);
      } else {
        EXPECT_EQ(lut.mapping.ideal_col_folds, 16);
        EXPECT_EQ(lut.col_folds, 32);
        EXPECT_EQ(lut.compute_cycles, lut.folds * lut.cycles_per_fold - 1);
        EXPECT_EQ(lut.extra_cycles, 16 * lut.row_folds * lut.cycles_per_fold);
      }
      EXPECT_EQ(lut.total.operations, static_cast<std::uint64_t>(o.gemm.macs()));
      EXPECT_GT(lut.total.energy_fj, 0.0);
      EXPECT_GT(lut.total.psum_toggles, 0u);
      EXPECT_EQ(lut.register_bits, 16 * 48);
      // (c) The stationary operand (ws: the weight, b; is: the activation, a) changes only at
      // the fold's latch, never within it, as the RTL model's ports show. os has none: both
      // inputs stream.
      EXPECT_EQ(rtl.total.stationary_toggles_in_fold, 0u);
      if (os) {
        EXPECT_EQ(rtl.total.stationary_toggles_latch, 0u);
        EXPECT_GT(rtl.total.a_toggles, 0u);
        EXPECT_GT(rtl.total.b_toggles, 0u);
      } else {
        EXPECT_GT(rtl.total.stationary_toggles_latch, 0u);
        EXPECT_EQ(rtl.total.stationary_toggles_latch,
                  ws ? rtl.total.b_toggles : rtl.total.a_toggles);
        EXPECT_GT(ws ? rtl.total.a_toggles : rtl.total.b_toggles, 0u);
      }
      const std::string vcd = test::read_file(dir / "pe.vcd");
      EXPECT_NE(vcd.find("mul_a"), std::string::npos);
      EXPECT_NE(vcd.find("mul_b"), std::string::npos);
    }
  }
}

// (c) With every activation the same, a PE's inputs change only when a fold latches a new
// weight (and when the first activation arrives): all the energy is spent at those edges, none
// in the stream of a fold.
TEST(SystolicScTest, HeldOperandsSpendNoEnergyWithinAFold) {
  const auto multipliers = library({"mul8u_exact"});
  std::mt19937 random(3);
  GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 0});
  std::fill(o.ifmap.begin(), o.ifmap.end(), 37);
  ArraySpec spec;
  spec.shape = {4, 4};
  const ArrayRun run = simulate_gemm(spec, multipliers, o);
  EXPECT_EQ(run.total.stationary_toggles_in_fold, 0u);
  // a changes once per PE (0 -> 37) over the whole layer.
  EXPECT_EQ(run.total.a_toggles, 16u * static_cast<unsigned>(__builtin_popcount(37)));
  // The energy is that of the latch transitions alone: recomputed from the model, fold by fold.
  double expected = 0.0;
  std::vector<std::uint8_t> a(16, 0), b(16, 0);
  std::vector<double> per_pe(16, 0.0);
  for (std::int64_t fold = 0; fold < run.folds; ++fold) {
    const std::int64_t row_fold = fold % run.row_folds;
    for (std::int64_t i = 0; i < 4 && row_fold * 4 + i < o.gemm.k; ++i) {
      for (std::int64_t j = 0; j < 4; ++j) {
        const std::size_t pe = static_cast<std::size_t>(i * 4 + j);
        const int w = o.weights[static_cast<std::size_t>(j * o.gemm.k + row_fold * 4 + i)];
        const auto new_b = static_cast<std::uint8_t>(std::abs(w));
        // The latch, then (first fold only) the activation's arrival; PE (0, 0) takes both at
        // once.
        if (pe == 0 && a[pe] != 37) {
          per_pe[pe] += multipliers[0].energy.energy_fj(a[pe], b[pe], 37, new_b);
          a[pe] = 37;
        } else if (b[pe] != new_b) {
          per_pe[pe] += multipliers[0].energy.energy_fj(a[pe], b[pe], a[pe], new_b);
        }
        b[pe] = new_b;
        if (a[pe] != 37) {
          per_pe[pe] += multipliers[0].energy.energy_fj(a[pe], b[pe], 37, b[pe]);
          a[pe] = 37;
        }
      }
    }
  }
  for (double e : per_pe) expected += e;
  EXPECT_DOUBLE_EQ(run.total.energy_fj, expected);
}

// A stationary operand register that never changes spends no toggle energy: with every weight
// equal (ws) or every ifmap value equal (is), the stationary input changes once per PE, when the
// first fold latches it, however many folds follow; with zero weights it never changes and
// the register toggle energy is that of the streamed operand alone.
TEST(SystolicScTest, AStationaryRegisterThatNeverChangesSpendsNoToggleEnergy) {
  const auto multipliers = library({"mul8u_exact"});
  rtl::TechSpec tech;
  tech.register_fj_per_bit_toggle = 2.0;
  tech.register_fj_per_bit_per_cycle = 0.0;
  for (const Dataflow dataflow : {Dataflow::kWeightStationary, Dataflow::kInputStationary}) {
    SCOPED_TRACE(dataflow_name(dataflow));
    const bool ws = dataflow == Dataflow::kWeightStationary;
    std::mt19937 random(13);
    GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 0});
    std::fill(ws ? o.weights.begin() : o.ifmap.begin(), ws ? o.weights.end() : o.ifmap.end(), 5);
    ArraySpec spec;
    spec.shape = {4, 4};
    spec.dataflow = dataflow;
    const ArrayRun run = simulate_gemm(spec, multipliers, o);
    ASSERT_GT(run.folds, 4);
    // Every PE holds an operand in some fold: 0 -> 5 once each, 2 bits.
    const std::uint64_t stationary = ws ? run.total.b_toggles : run.total.a_toggles;
    EXPECT_EQ(stationary, 16u * 2u);
    EXPECT_EQ(run.total.stationary_toggles_latch, 16u * 2u);
    const EnergyBreakdown e = energy_of(run, tech);
    EXPECT_EQ(e.register_clock_fj, 0.0);
    EXPECT_DOUBLE_EQ(e.register_toggles_fj,
                     2.0 * static_cast<double>(run.total.a_toggles + run.total.b_toggles +
                                               run.total.psum_toggles));
  }
  // Zero weights: the stationary register never changes, and neither do the partial sums.
  std::mt19937 random(17);
  GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 0});
  std::fill(o.weights.begin(), o.weights.end(), 0);
  ArraySpec spec;
  spec.shape = {4, 4};
  const ArrayRun run = simulate_gemm(spec, multipliers, o);
  EXPECT_EQ(run.total.b_toggles, 0u);
  EXPECT_EQ(run.total.psum_toggles, 0u);
  EXPECT_GT(run.total.a_toggles, 0u);
  EXPECT_DOUBLE_EQ(energy_of(run, tech).register_toggles_fj,
                   2.0 * static_cast<double>(run.total.a_toggles));
}

// (d) Four filters of one type: a homogeneous 4-column array holds them in one column fold; a
// map with only two columns of that type needs two, and reports the extra cycles.
TEST(SystolicScTest, AHeterogeneousMapThatDoesNotFitCostsExtraFolds) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  std::mt19937 random(5);
  const GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 0});
  ArraySpec spec;
  spec.shape = {4, 4};
  spec.multiplier_map = {"mul8u_exact", "mul8u_exact", "mul8u_exact", "mul8u_exact"};
  const ArrayRun homogeneous = simulate_gemm(spec, multipliers, o);
  spec.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
  const ArrayRun mixed = simulate_gemm(spec, multipliers, o);

  EXPECT_EQ(homogeneous.col_folds, 1);
  EXPECT_EQ(homogeneous.compute_cycles, homogeneous.timing.compute_cycles);
  EXPECT_EQ(mixed.col_folds, 2);
  EXPECT_EQ(mixed.mapping.extra_col_folds(), 1);
  EXPECT_GT(mixed.compute_cycles, homogeneous.compute_cycles);
  EXPECT_EQ(mixed.extra_cycles, mixed.row_folds * mixed.cycles_per_fold);
  EXPECT_EQ(mixed.compute_cycles, 2 * mixed.row_folds * mixed.cycles_per_fold - 1);
  // The same multipliers compute the same outputs, wherever the filters sit.
  EXPECT_EQ(mixed.ofmap, homogeneous.ofmap);
  // Placement: the exact columns 0 and 2 hold filters 0, 1, then 2, 3.
  EXPECT_EQ(mixed.mapping.filter_at(0, 0), 0);
  EXPECT_EQ(mixed.mapping.filter_at(0, 2), 1);
  EXPECT_EQ(mixed.mapping.filter_at(1, 0), 2);
  EXPECT_EQ(mixed.mapping.filter_at(1, 2), 3);
  EXPECT_EQ(mixed.mapping.filter_at(0, 1), -1);
  // The same figures in the statistics tree.
  StatsTree stats;
  report_stats(mixed, stats.group("systolic"));
  EXPECT_EQ(std::get<std::int64_t>(stats.at("systolic/folds/extra_col")), 1);
  EXPECT_EQ(std::get<std::int64_t>(stats.at("systolic/cycles/compute")), mixed.compute_cycles);
  EXPECT_EQ(std::get<std::int64_t>(stats.at("systolic/cycles/extra")), mixed.extra_cycles);
  EXPECT_EQ(std::get<double>(stats.at("systolic/energy/multipliers_fj")), mixed.total.energy_fj);
}

// The DRAM stall model: a narrow DRAM makes folds wait for their tiles; both data paths count
// the same stalls, and the outputs do not change.
TEST(SystolicScTest, ANarrowDramStallsTheFolds) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  for (const auto& info : dataflows()) {
    SCOPED_TRACE(info.name);
    const bool is = info.dataflow == Dataflow::kInputStationary;
    std::mt19937 random(13);
    const GemmOperands o = random_conv(
        random, false, 4,
        is ? std::vector<std::uint16_t>{1, 1, 1, 1} : std::vector<std::uint16_t>{0, 1, 1, 0});
    ArraySpec spec;
    spec.shape = {4, 4};
    spec.dataflow = info.dataflow;
    spec.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
    const ArrayRun ideal = simulate_gemm(spec, multipliers, o);
    EXPECT_EQ(ideal.stall_cycles, 0);
    spec.memory.ideal = false;
    spec.memory.dram_bytes_per_cycle = 1.0;
    spec.memory.dram_latency_cycles = 50;
    const ArrayRun narrow = simulate_gemm(spec, multipliers, o);
    spec.memory.dram_bytes_per_cycle = 64.0;
    spec.memory.dram_latency_cycles = 0;
    const ArrayRun wide = simulate_gemm(spec, multipliers, o);
    spec.memory.dram_bytes_per_cycle = 1.0;
    spec.memory.dram_latency_cycles = 50;
    spec.data_path = DataPath::kRtl;
    const ArrayRun narrow_rtl = simulate_gemm(spec, multipliers, o);
    std::printf(
        "[ dram ] %s: compute %lld cycles; stalls: 1 B/cycle + 50 %lld, 64 B/cycle %lld; "
        "%llu bytes read, %llu written\n",
        info.name, static_cast<long long>(ideal.compute_cycles),
        static_cast<long long>(narrow.stall_cycles), static_cast<long long>(wide.stall_cycles),
        static_cast<unsigned long long>(narrow.dram_read_bytes),
        static_cast<unsigned long long>(narrow.dram_write_bytes));
    EXPECT_GT(narrow.stall_cycles, wide.stall_cycles);
    EXPECT_GT(wide.stall_cycles, 0);  // the first fold's tiles are always fetched first
    EXPECT_EQ(narrow.compute_cycles, ideal.compute_cycles);
    EXPECT_EQ(narrow.total_cycles(), narrow.compute_cycles + narrow.stall_cycles);
    EXPECT_EQ(narrow.ofmap, ideal.ofmap);
    EXPECT_EQ(narrow.total, ideal.total);
    expect_same_run(narrow, narrow_rtl);
    EXPECT_EQ(narrow.stall_cycles, narrow_rtl.stall_cycles);
    EXPECT_EQ(narrow.dram_read_bytes, narrow_rtl.dram_read_bytes);
    // Every output leaves once; every operand arrives at least once.
    EXPECT_EQ(narrow.dram_write_bytes, static_cast<std::uint64_t>(o.gemm.m * o.gemm.n));
    EXPECT_GE(narrow.dram_read_bytes,
              static_cast<std::uint64_t>(o.gemm.m * o.gemm.k + o.gemm.k * o.gemm.n));
    // Energy by component with generic45's constants (its defaults: Horowitz 2014, 45 nm).
    const rtl::TechSpec tech =
        rtl::TechSpec::load(test::source_dir() / "configs" / "tech" / "generic45.yaml");
    const EnergyBreakdown e = energy_of(narrow, tech);
    EXPECT_EQ(e.multipliers_fj, narrow.total.energy_fj);
    EXPECT_DOUBLE_EQ(e.accumulators_fj, static_cast<double>(o.gemm.macs()) * 100.0);
    EXPECT_DOUBLE_EQ(e.dram_fj,
                     static_cast<double>(narrow.dram_read_bytes + narrow.dram_write_bytes) * 1.6e5);
    EXPECT_DOUBLE_EQ(e.sram_fj,
                     (static_cast<double>(narrow.ifmap_reads + narrow.filter_reads) +
                      4.0 * static_cast<double>(narrow.ofmap_reads + narrow.ofmap_writes)) *
                         1250.0);
    EXPECT_EQ(energy_of(ideal, tech).dram_fj, 0.0);
    // Registers at the defaults (3 fJ per bit toggle, 1 fJ per bit per cycle): 16 PEs of 8 + 8
    // + 32 bits, clocked during the stalls too.
    EXPECT_DOUBLE_EQ(e.register_toggles_fj,
                     static_cast<double>(narrow.total.a_toggles + narrow.total.b_toggles +
                                         narrow.total.psum_toggles) *
                         3.0);
    EXPECT_DOUBLE_EQ(e.register_clock_fj,
                     16.0 * 48.0 * static_cast<double>(narrow.total_cycles()) * 1.0);
    const AreaBreakdown area = area_of(spec, multipliers, tech);
    // Leakage: the PEs' logic over the stalled run's time (at the default 1000 MHz).
    EXPECT_NEAR(e.leakage_fj,
                area.pe_um2() * tech.leakage_nw_per_um2 *
                    static_cast<double>(narrow.total_cycles()) / 1000.0,
                1e-9 * e.leakage_fj);
    EXPECT_DOUBLE_EQ(e.total_fj(), e.multipliers_fj + e.accumulators_fj + e.registers_fj() +
                                       e.sram_fj + e.dram_fj + e.leakage_fj);
    EXPECT_DOUBLE_EQ(area.multipliers_um2,
                     2 * 4 * (multipliers[0].area_um2 + multipliers[1].area_um2));
    EXPECT_GT(multipliers[1].area_um2, 0.0);
    EXPECT_DOUBLE_EQ(area.accumulators_um2, 16 * 137.0);
    // Three 64 kB SRAMs at the default 5670 um^2 per kB, in the total.
    EXPECT_DOUBLE_EQ(area.sram_um2, 3 * 64 * 5670.0);
    EXPECT_DOUBLE_EQ(area.total_um2(), area.pe_um2() + area.sram_um2);
  }
}

// The clock sets the SystemC period, so the VCD's times scale with it; the cycles do not change.
TEST(SystolicScTest, ClockSetsThePeriodAndTheVcdTime) {
  const auto multipliers = library({"mul8u_exact"});
  std::mt19937 random(5);
  const GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 0});
  test::TempDir dir;
  ArraySpec spec;
  spec.shape = {4, 4};
  spec.data_path = DataPath::kRtl;
  // The last time stamp of a VCD, in its unit (ps).
  const auto last_time = [](const std::string& vcd) {
    const auto at = vcd.rfind("\n#");
    return std::stoll(vcd.substr(at + 2, vcd.find('\n', at + 1) - at - 2));
  };
  spec.vcd = dir / "fast.vcd";
  const ArrayRun fast = simulate_gemm(spec, multipliers, o);
  spec.clock_mhz = 250;
  spec.vcd = dir / "slow.vcd";
  const ArrayRun slow = simulate_gemm(spec, multipliers, o);
  EXPECT_EQ(fast.compute_cycles, slow.compute_cycles);
  EXPECT_EQ(fast.ofmap, slow.ofmap);
  const std::string fast_vcd = test::read_file(dir / "fast.vcd");
  const std::string slow_vcd = test::read_file(dir / "slow.vcd");
  EXPECT_NE(fast_vcd.find("\n#1000\n"), std::string::npos);  // 1 ns period
  EXPECT_NE(slow_vcd.find("\n#4000\n"), std::string::npos);  // 4 ns period
  EXPECT_EQ(slow_vcd.find("\n#1000\n"), std::string::npos);
  EXPECT_EQ(last_time(slow_vcd), 4 * last_time(fast_vcd));
  spec.clock_mhz = 0;
  EXPECT_THROW(simulate_gemm(spec, multipliers, o), ConfigError);
}

// Multi-unit PEs: every PE carries both multipliers and selects the filter's; no extra folds
// where a per-column map needs one, at the area of both units in every PE, whose idle units leak.
// Both data paths agree, and the outputs are those of the same per-filter assignment.
TEST(SystolicScTest, MultiUnitPesNeedNoExtraFolds) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  const rtl::TechSpec tech =
      rtl::TechSpec::load(test::source_dir() / "configs" / "tech" / "generic45.yaml");
  for (const Dataflow dataflow : {Dataflow::kWeightStationary, Dataflow::kOutputStationary}) {
    SCOPED_TRACE(dataflow_name(dataflow));
    std::mt19937 random(17);
    const GemmOperands o = random_conv(random, false, 4, {0, 0, 0, 1});
    ArraySpec mapped;
    mapped.shape = {4, 4};
    mapped.dataflow = dataflow;
    mapped.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
    const ArrayRun per_column = simulate_gemm(mapped, multipliers, o);
    ArraySpec multi = mapped;
    multi.multiplier_map.clear();
    multi.multi_unit = true;
    const ArrayRun lut = simulate_gemm(multi, multipliers, o);
    multi.data_path = DataPath::kRtl;
    const ArrayRun rtl = simulate_gemm(multi, multipliers, o);

    EXPECT_EQ(per_column.col_folds, 2);  // three exact filters, two exact columns
    EXPECT_EQ(lut.col_folds, 1);
    EXPECT_EQ(lut.extra_cycles, 0);
    EXPECT_LT(lut.compute_cycles, per_column.compute_cycles);
    EXPECT_EQ(lut.ofmap, reference(o, multipliers));
    EXPECT_EQ(lut.ofmap, per_column.ofmap);
    expect_same_run(lut, rtl);
    EXPECT_EQ(lut.total.operations, per_column.total.operations);
    EXPECT_DOUBLE_EQ(area_of(multi, multipliers, tech).multipliers_um2,
                     16 * (multipliers[0].area_um2 + multipliers[1].area_um2));
    EXPECT_GT(area_of(multi, multipliers, tech).total_um2(),
              area_of(mapped, multipliers, tech).total_um2());
    // Leakage: every unit, active or idle, and every accumulator, over the run's time.
    const auto leakage_per_cycle = [&](const ArrayRun& r) {
      return energy_of(r, tech).leakage_fj / static_cast<double>(r.total_cycles());
    };
    const double multi_area = area_of(multi, multipliers, tech).pe_um2();
    EXPECT_NEAR(energy_of(lut, tech).leakage_fj,
                multi_area * tech.leakage_nw_per_um2 * static_cast<double>(lut.total_cycles()) /
                    multi.clock_mhz,
                1e-9 * energy_of(lut, tech).leakage_fj);
    EXPECT_GT(energy_of(lut, tech).leakage_fj, 0.0);
    EXPECT_DOUBLE_EQ(energy_of(lut, tech).leakage_fj, energy_of(rtl, tech).leakage_fj);
    // Per cycle, the multi-unit array leaks in proportion to its larger PE area.
    EXPECT_NEAR(leakage_per_cycle(lut) / leakage_per_cycle(per_column),
                multi_area / area_of(mapped, multipliers, tech).pe_um2(), 1e-9);
    EXPECT_GT(leakage_per_cycle(lut), leakage_per_cycle(per_column));
  }
}

// is streams every filter through every column, so a column map cannot mix multipliers in a
// layer (an error), while multi-unit PEs can: the stationary activation enters every unit at the
// latch edge and each streamed weight the unit of its filter. Same sums as the per-filter
// reference, no extra folds, no stationary toggles within a fold, lut = rtl.
TEST(SystolicScTest, MultiUnitPesMixFiltersInInputStationary) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  std::mt19937 random(23);
  const GemmOperands o = random_conv(random, false, 4, {0, 1, 0, 1});
  ArraySpec mapped;
  mapped.shape = {4, 4};
  mapped.dataflow = Dataflow::kInputStationary;
  mapped.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
  try {
    simulate_gemm(mapped, multipliers, o);
    ADD_FAILURE() << "a column map cannot mix a layer's filters in is";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("a layer's filters need one multiplier"),
              std::string::npos)
        << e.what();
  }
  ArraySpec multi = mapped;
  multi.multiplier_map.clear();
  multi.multi_unit = true;
  const ArrayRun lut = simulate_gemm(multi, multipliers, o);
  multi.data_path = DataPath::kRtl;
  const ArrayRun rtl = simulate_gemm(multi, multipliers, o);
  EXPECT_EQ(lut.ofmap, reference(o, multipliers));
  expect_same_run(lut, rtl);
  EXPECT_EQ(lut.extra_cycles, 0);
  EXPECT_EQ(lut.col_folds, lut.timing.col_folds);
  EXPECT_EQ(lut.total.stationary_toggles_in_fold, 0U);
  EXPECT_GT(lut.total.stationary_toggles_latch, 0U);
  // Both units of a PE see the stationary activation, so both switch; the drum4 unit's weight
  // input only for the drum4 filters' steps.
  EXPECT_GT(lut.total.energy_fj, 0.0);
  // The same array with every filter exact: other sums, the same schedule.
  GemmOperands all_exact = o;
  std::fill(all_exact.filter_multiplier.begin(), all_exact.filter_multiplier.end(), 0);
  multi.data_path = DataPath::kLut;
  const ArrayRun exact_only = simulate_gemm(multi, multipliers, all_exact);
  EXPECT_EQ(exact_only.ofmap, reference(all_exact, multipliers));
  EXPECT_NE(exact_only.ofmap, lut.ofmap);
  EXPECT_EQ(exact_only.compute_cycles, lut.compute_cycles);
}

// Grouped convolutions (2 groups, and depthwise): one GEMM per group, the sums those of a direct
// loop over the product tables, the groups' cycles added up; lut = rtl.
TEST(SystolicScTest, GroupedConvolutionsRunGroupByGroup) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  std::mt19937 random(19);
  std::uniform_int_distribution<int> value(-255, 255);
  for (const int groups : {2, 4}) {
    SCOPED_TRACE(std::to_string(groups) + " groups");
    ConvOperands c;
    c.window.channels = 4;
    c.window.height = c.window.width = 6;
    c.window.kernel_h = c.window.kernel_w = 3;
    c.window.pad_top = c.window.pad_left = c.window.pad_bottom = c.window.pad_right = 1;
    c.groups = groups;
    c.filters = 4;
    std::vector<std::int16_t> input(4 * 6 * 6);
    for (auto& x : input) x = static_cast<std::int16_t>(value(random));
    c.input = input.data();
    const int per_group_channels = 4 / groups;
    c.weights.resize(static_cast<std::size_t>(4 * per_group_channels * 9));
    for (auto& w : c.weights) w = static_cast<std::int16_t>(value(random));
    c.bias = {100, -200, 300, -400};
    c.filter_multiplier = {0, 1, 1, 0};
    // Direct convolution, sign-magnitude through the tables.
    std::vector<std::int32_t> expected(4 * 36);
    for (int f = 0; f < 4; ++f) {
      const int g = f / (4 / groups);
      const rtl::ProductTable& table = multipliers[c.filter_multiplier[f]].table;
      for (int oy = 0; oy < 6; ++oy) {
        for (int ox = 0; ox < 6; ++ox) {
          std::int32_t sum = c.bias[static_cast<std::size_t>(f)];
          for (int ic = 0; ic < per_group_channels; ++ic) {
            for (int ky = 0; ky < 3; ++ky) {
              for (int kx = 0; kx < 3; ++kx) {
                const int y = oy + ky - 1;
                const int x = ox + kx - 1;
                if (y < 0 || y >= 6 || x < 0 || x >= 6) continue;
                const int a = input[static_cast<std::size_t>(
                    ((g * per_group_channels + ic) * 6 + y) * 6 + x)];
                const int w = c.weights[static_cast<std::size_t>(
                    ((f * per_group_channels + ic) * 3 + ky) * 3 + kx)];
                const std::int32_t p = table.at(static_cast<std::uint8_t>(std::abs(a)),
                                                static_cast<std::uint8_t>(std::abs(w)));
                sum += ((a < 0) != (w < 0)) ? -p : p;
              }
            }
          }
          expected[static_cast<std::size_t>(f * 36 + oy * 6 + ox)] = sum;
        }
      }
    }
    ArraySpec spec;
    spec.shape = {4, 4};
    spec.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
    const ConvRun lut = simulate_conv(spec, multipliers, c);
    spec.data_path = DataPath::kRtl;
    const ConvRun rtl = simulate_conv(spec, multipliers, c);
    EXPECT_EQ(lut.ofmap, expected);
    EXPECT_EQ(rtl.ofmap, expected);
    EXPECT_EQ(lut.total, rtl.total);
    ASSERT_EQ(lut.groups.size(), static_cast<std::size_t>(groups));
    std::int64_t cycles = 0;
    for (const ArrayRun& g : lut.groups) cycles += g.compute_cycles + 1;
    EXPECT_EQ(lut.compute_cycles, cycles - 1);
    EXPECT_EQ(lut.compute_cycles, rtl.compute_cycles);
    EXPECT_EQ(lut.total.operations, static_cast<std::uint64_t>(4 * 36 * per_group_channels * 9));
  }
  ConvOperands bad;
  bad.window.channels = 3;
  bad.groups = 2;
  EXPECT_THROW(simulate_conv(ArraySpec{}, multipliers, bad), InputError);
}

// (e) Arrays and maps that cannot be built.
TEST(SystolicScTest, BadConfigsAreClearErrors) {
  const auto multipliers = library({"mul8u_exact", "mul8u_drum4"});
  std::mt19937 random(9);
  const GemmOperands o = random_conv(random, false, 4, {0, 1, 0, 1});
  ArraySpec good;
  good.shape = {4, 4};
  good.multiplier_map = {"mul8u_exact", "mul8u_drum4", "mul8u_exact", "mul8u_drum4"};
  auto error = [&](ArraySpec spec, const std::vector<PeMultiplier>& m = {},
                   const GemmOperands* ops = nullptr) {
    return test::message_of<Error>(
        [&] { simulate_gemm(spec, m.empty() ? multipliers : m, ops ? *ops : o); });
  };
  ArraySpec s = good;
  s.shape.rows = 0;
  EXPECT_NE(error(s).find("rows must be between 1 and"), std::string::npos);
  s = good;
  s.multiplier_map[1] = "mul8u_nope";
  EXPECT_NE(error(s).find("multiplier_map[1] names 'mul8u_nope', which is not one of the "
                          "multipliers: mul8u_exact, mul8u_drum4"),
            std::string::npos);
  s = good;
  s.multiplier_map.pop_back();
  EXPECT_NE(error(s).find("multiplier_map has 3 entries; the array has 4 columns"),
            std::string::npos);
  s = good;
  s.multiplier_map = {"mul8u_exact", "mul8u_exact", "mul8u_exact", "mul8u_exact"};
  EXPECT_NE(error(s).find("filter 1 is assigned multiplier 'mul8u_drum4', but no column"),
            std::string::npos);
  s = good;
  s.dataflow = Dataflow::kInputStationary;
  EXPECT_NE(error(s).find("the is dataflow streams every filter through every column, so a "
                          "layer's filters need one multiplier; filter 0 has 'mul8u_exact', "
                          "filter 1 'mul8u_drum4'"),
            std::string::npos);
  s = good;
  s.multiplier_map = {"mul8u_exact", "mul8s_exact", "mul8u_exact", "mul8s_exact"};
  EXPECT_NE(error(s, library({"mul8u_exact", "mul8s_exact"})).find("differ in signedness"),
            std::string::npos);
  PeMultiplier unknown = pe_multiplier(test::characterized_library("mul8u_exact"));
  unknown.name = "my_multiplier";
  unknown.sc_model.clear();  // its SystemC model: the one named like it, which does not exist
  s = good;
  s.multiplier_map.clear();
  s.data_path = DataPath::kRtl;
  EXPECT_NE(error(s, {unknown}).find("no verilated SystemC model of multiplier 'my_multiplier'"),
            std::string::npos);
  GemmOperands wide = o;
  wide.ifmap[5] = 300;
  EXPECT_THROW(simulate_gemm(good, multipliers, wide), InputError);
  GemmOperands short_bias = o;
  short_bias.bias.pop_back();
  EXPECT_THROW(simulate_gemm(good, multipliers, short_bias), InputError);
  EXPECT_THROW(parse_data_path("verilog"), ConfigError);
  s = good;
  s.multi_unit = true;
  EXPECT_NE(error(s).find("multi-unit PEs carry every multiplier; multiplier_map must be empty"),
            std::string::npos);
  s = good;
  s.memory.ideal = false;
  s.memory.filter_sram_kb = 0.01;  // 5 bytes per half; a ws fold's filter tile is 16
  EXPECT_NE(error(s).find("the filter SRAM (0.010000 kB, double-buffered: 5 bytes per fold) "
                          "cannot hold one fold's filter tile of 16 bytes"),
            std::string::npos);
}

// A compute layer of the engine's network as the array's GEMM, its input taken from the
// engine's trace (a fully connected layer is a 1x1 convolution on a 1x1 map).
GemmOperands layer_operands(const models::QuantizedNetwork& q, const models::LayerTrace& trace,
                            const std::vector<std::uint16_t>& assignment) {
  const models::Layer& l = q.net.layers[static_cast<std::size_t>(trace.layer)];
  const ConvWindow w = window_of(l);
  GemmOperands o;
  o.gemm = w.gemm(l.filters());
  o.ifmap = im2col(w, trace.input.data());
  const auto& qc = q.conv[static_cast<std::size_t>(trace.layer)];
  o.weights = qc.weights;
  o.bias = qc.bias;
  o.filter_multiplier = assignment;
  return o;
}

// (b) LeNet-5's first layer for a real MNIST test image, with a per-filter assignment of two
// multipliers: the array's int32 sums are the engine's accumulators, bit for bit, in both data
// paths; and on an 8x8 array with a map that fits, the cycles are SCALE-Sim's 3223.
TEST(SystolicScTest, MatchesTheEngineOnLenet5Conv1) {
  using namespace models;
  const auto file = test::source_dir() / "models/zoo/lenet5.onnx";
  ASSERT_TRUE(std::filesystem::exists(file)) << file;
  Dataset train = load_dataset("mnist", {test::data_dir(), Split::kTrain});
  Dataset test_set = load_dataset("mnist", {test::data_dir(), Split::kTest});
  const Network net = lower(load_onnx(file), {1, 28, 28});
  const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, train, 100);
  const std::vector<std::string> names = {"mul8u_exact", "mul8u_drum4"};
  std::vector<rtl::ProductTable> tables;
  for (const auto& n : names) tables.push_back(rtl::builtin_table(n));
  const Engine engine(q, tables);
  Assignment assignment = Assignment::uniform(net, 0);
  const int layer_index = net.compute_layers().front();
  const Layer& l = net.layers[static_cast<std::size_t>(layer_index)];
  for (std::size_t f = 0; f < assignment.filters[0].size(); ++f) {
    assignment.filters[0][f] = static_cast<std::uint16_t>(f % 2);
  }
  const LayerTrace trace = engine.trace_layer(test_set.image(0), assignment, 0);

  ASSERT_EQ(l.groups, 1);
  const GemmOperands o = layer_operands(q, trace, assignment.filters[0]);

  ArraySpec spec;
  spec.shape = {8, 8};
  spec.multiplier_map = {names[0], names[1], names[0], names[1],
                         names[0], names[1], names[0], names[1]};
  const auto multipliers = library(names);
  auto start = std::chrono::steady_clock::now();
  const ArrayRun lut = simulate_gemm(spec, multipliers, o);
  const double lut_seconds = seconds_since(start);
  spec.data_path = DataPath::kRtl;
  start = std::chrono::steady_clock::now();
  const ArrayRun rtl = simulate_gemm(spec, multipliers, o);
  const double rtl_seconds = seconds_since(start);
  std::printf(
      "[ lenet5 conv1 ] GEMM %lld x %lld x %lld on 8x8: %lld cycles, %.1f pJ; "
      "lut %.4f s, rtl %.4f s\n",
      static_cast<long long>(o.gemm.m), static_cast<long long>(o.gemm.k),
      static_cast<long long>(o.gemm.n), static_cast<long long>(lut.compute_cycles),
      lut.total.energy_fj / 1000, lut_seconds, rtl_seconds);

  EXPECT_EQ(lut.ofmap, trace.accumulators);
  expect_same_run(lut, rtl);
  EXPECT_EQ(o.gemm.m, 784);
  EXPECT_EQ(o.gemm.k, 25);
  EXPECT_EQ(lut.compute_cycles, 3223);  // SCALE-Sim v2, ws, 8x8 (issue 5)
  // The assignment really mixes: the approximate filters differ from exact ones somewhere.
  Assignment exact = Assignment::uniform(net, 0);
  EXPECT_NE(engine.trace_layer(test_set.image(0), exact, 0).accumulators, trace.accumulators);

  // is: one multiplier for the layer (DRUM-4 here) on a homogeneous array: SCALE-Sim's 10975.
  Assignment drum = Assignment::uniform(net, 0);
  drum.filters[0].assign(drum.filters[0].size(), 1);
  const LayerTrace drum_trace = engine.trace_layer(test_set.image(0), drum, 0);
  GemmOperands is_operands = layer_operands(q, drum_trace, drum.filters[0]);
  spec.dataflow = Dataflow::kInputStationary;
  spec.multiplier_map.assign(8, names[1]);
  for (const DataPath path : {DataPath::kLut, DataPath::kRtl}) {
    spec.data_path = path;
    start = std::chrono::steady_clock::now();
    const ArrayRun is_run = simulate_gemm(spec, multipliers, is_operands);
    std::printf("[ lenet5 conv1 ] is on 8x8, %s: %lld cycles, %.1f pJ, %.4f s\n",
                data_path_name(path), static_cast<long long>(is_run.compute_cycles),
                is_run.total.energy_fj / 1000, seconds_since(start));
    EXPECT_EQ(is_run.ofmap, drum_trace.accumulators);
    EXPECT_EQ(is_run.compute_cycles, 10975);  // SCALE-Sim v2, is, 8x8 (issue 5)
  }
  // os: columns hold filters as in ws; the mixed assignment and map of the ws run.
  spec.dataflow = Dataflow::kOutputStationary;
  spec.multiplier_map = {names[0], names[1], names[0], names[1],
                         names[0], names[1], names[0], names[1]};
  for (const DataPath path : {DataPath::kLut, DataPath::kRtl}) {
    spec.data_path = path;
    start = std::chrono::steady_clock::now();
    const ArrayRun os_run = simulate_gemm(spec, multipliers, o);
    std::printf("[ lenet5 conv1 ] os on 8x8, %s: %lld cycles, %.1f pJ, %.4f s\n",
                data_path_name(path), static_cast<long long>(os_run.compute_cycles),
                os_run.total.energy_fj / 1000, seconds_since(start));
    EXPECT_EQ(os_run.ofmap, trace.accumulators);
    EXPECT_EQ(os_run.compute_cycles, 3821);  // SCALE-Sim v2, os, 8x8 (issue 5)
  }
}

// (b), the whole network: every compute layer of LeNet-5 (two convolutions, three fully
// connected layers) on a 16x16 array with alternating exact and DRUM-4 columns, each filter
// assigned one of them, for a real MNIST test image: every layer's int32 sums are the engine's.
// Each layer's input is the engine's (so a mismatch points at the layer that has it).
TEST(SystolicScTest, MatchesTheEngineOnEveryLayerOfLenet5) {
  using namespace models;
  Dataset train = load_dataset("mnist", {test::data_dir(), Split::kTrain});
  Dataset test_set = load_dataset("mnist", {test::data_dir(), Split::kTest});
  const Network net = lower(load_onnx(test::source_dir() / "models/zoo/lenet5.onnx"), {1, 28, 28});
  const QuantizedNetwork q = quantize(net, OperandFormat::kSignMagnitude, train, 100);
  const std::vector<std::string> names = {"mul8u_exact", "mul8u_drum4"};
  std::vector<rtl::ProductTable> tables;
  for (const auto& n : names) tables.push_back(rtl::builtin_table(n));
  const Engine engine(q, tables);
  Assignment assignment = Assignment::uniform(net, 0);
  for (auto& layer : assignment.filters) {
    for (std::size_t f = 0; f < layer.size(); ++f)
      layer[f] = static_cast<std::uint16_t>(f % 3 == 1);
  }
  ArraySpec spec;
  spec.shape = {16, 16};
  for (int j = 0; j < 16; ++j)
    spec.multiplier_map.push_back(names[static_cast<std::size_t>(j % 2)]);
  const auto multipliers = library(names);

  std::int64_t cycles = 0;
  double energy_fj = 0.0;
  double lut_seconds = 0.0;
  double rtl_seconds = 0.0;
  for (std::size_t c = 0; c < assignment.filters.size(); ++c) {
    const LayerTrace trace = engine.trace_layer(test_set.image(1), assignment, c);
    const GemmOperands o = layer_operands(q, trace, assignment.filters[c]);
    spec.data_path = DataPath::kLut;
    auto start = std::chrono::steady_clock::now();
    const ArrayRun lut = simulate_gemm(spec, multipliers, o);
    lut_seconds += seconds_since(start);
    spec.data_path = DataPath::kRtl;
    start = std::chrono::steady_clock::now();
    const ArrayRun rtl = simulate_gemm(spec, multipliers, o);
    rtl_seconds += seconds_since(start);
    SCOPED_TRACE("compute layer " + std::to_string(c));
    EXPECT_EQ(lut.ofmap, trace.accumulators);
    expect_same_run(lut, rtl);
    std::printf(
        "[ lenet5 ] layer %zu: GEMM %lld x %lld x %lld, %lld folds (%lld extra column), "
        "%lld cycles, %.1f pJ\n",
        c, static_cast<long long>(o.gemm.m), static_cast<long long>(o.gemm.k),
        static_cast<long long>(o.gemm.n), static_cast<long long>(lut.folds),
        static_cast<long long>(lut.mapping.extra_col_folds()),
        static_cast<long long>(lut.compute_cycles), lut.total.energy_fj / 1000);
    cycles += lut.compute_cycles + 1;
    energy_fj += lut.total.energy_fj;
  }
  std::printf(
      "[ lenet5 ] one image on 16x16: %lld cycles, %.1f pJ of multiplier switching; "
      "lut %.4f s, rtl %.4f s\n",
      static_cast<long long>(cycles), energy_fj / 1000, lut_seconds, rtl_seconds);
}

}  // namespace
}  // namespace hawx::systolic
