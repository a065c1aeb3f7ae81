// SPDX-License-Identifier: MIT
// The systolic energy predictor against the SystemC array (sim/systolic) on LeNet-5: random
// arrays (shape, column map or multi-unit PEs) and random layer-level assignments; the SystemC
// energy of each layer of the first test images, averaged, against the prediction from a profile
// of the same images. Data-independent counts (cycles, SRAM accesses, MACs) must agree exactly;
// the total energy within 5 %.
// The SIMT energy predictor against the SystemC SIMT core (sim/simt) the same way: random cores
// (compute units, resident wavefronts, work-group size, cache) and random layer-level and
// per-filter assignments; cycles, instructions, register accesses, cache and DRAM bytes and MACs
// exact, the total energy within 5 %.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "app/accelerator.h"
#include "app/model_setup.h"
#include "app/study.h"
#include "core/errors.h"
#include "scoring/energy_predictor.h"
#include "scoring/profile.h"
#include "scoring/simt_energy_predictor.h"
#include "sim/systolic/conv.h"
#include "tests/support/test_support.h"

namespace hawx::scoring {
namespace {

constexpr std::size_t kImages = 3;

class EnergyPredictorTest : public ::testing::Test {
 public:
  struct Setup {
    app::Study study;
    app::Candidates candidates;
    app::LoadedModel model;
    models::Dataset images;
    Profile profile;
    rtl::CharacterizeOptions tech;
    std::vector<systolic::PeMultiplier> multipliers;
    std::vector<simt::SimtUnit> units;  // the same candidates as SIMT unit types
  };

 protected:
  static void SetUpTestSuite() {
    auto s = std::make_unique<Setup>();
    s->study = app::load_study(test::source_dir() / "configs/lenet5_systolic.yaml",
                               {"dataset.root=" + test::data_dir().string()});
    s->candidates = app::candidates(s->study);
    s->model = app::load_model(s->study, s->candidates);
    s->images = s->model.test;
    s->images.truncate(kImages);
    s->profile = profile(*s->model.engine, s->images);
    s->tech = app::characterize_options(s->study.spec.tech, true);
    s->multipliers = app::pe_multipliers(s->study, s->candidates, s->tech);
    s->units = app::simt_units(s->study, s->candidates, s->tech, {0, 1, 2});
    setup_ = std::move(s);
  }
  static void TearDownTestSuite() { setup_.reset(); }
  static std::unique_ptr<Setup> setup_;
};
std::unique_ptr<EnergyPredictorTest::Setup> EnergyPredictorTest::setup_;

struct Simulated {
  systolic::EnergyBreakdown energy;  // mean over the images
  std::int64_t cycles = 0;           // per image (the same for every image)
  std::uint64_t ifmap_reads = 0, filter_reads = 0, ofmap_reads = 0, operations = 0;
};

Simulated simulate(const EnergyPredictorTest::Setup& s, const systolic::ArraySpec& spec,
                   const models::Assignment& a) {
  Simulated out;
  for (std::size_t i = 0; i < kImages; ++i) {
    for (const systolic::ConvRun& r : app::simulate_systolic(s.model, i, a, spec, s.multipliers)) {
      for (const auto& g : r.groups) {
        out.energy += systolic::energy_of(g, s.tech.tech);
        if (i == 0) {
          out.ifmap_reads += g.ifmap_reads;
          out.filter_reads += g.filter_reads;
          out.ofmap_reads += g.ofmap_reads;
          out.operations += g.total.operations;
        }
      }
      if (i == 0) out.cycles += r.total_cycles();
    }
  }
  const double n = static_cast<double>(kImages);
  for (double* x : {&out.energy.multipliers_fj, &out.energy.accumulators_fj,
                    &out.energy.register_toggles_fj, &out.energy.register_clock_fj,
                    &out.energy.sram_fj, &out.energy.dram_fj, &out.energy.leakage_fj}) {
    *x /= n;
  }
  return out;
}

TEST_F(EnergyPredictorTest, WithinFivePercentOfTheSimulatedEnergy) {
  const Setup& s = *setup_;
  const auto& net = s.model.net();
  const std::size_t layers = net.compute_layers().size();
  std::mt19937 random(11);
  const std::vector<std::vector<std::string>> maps = {
      {"exact"}, {"exact", "mul8u_drum4"}, {"mul8u_drum4", "mul8u_trunc4", "exact"}, {}};
  for (int trial = 0; trial < 6; ++trial) {
    systolic::ArraySpec spec;
    const std::int64_t sizes[] = {4, 8, 16, 32};
    spec.shape = {sizes[random() % 4], sizes[random() % 4]};
    const auto& map = maps[static_cast<std::size_t>(trial) % maps.size()];
    spec.multi_unit = map.empty();
    std::vector<std::uint16_t> types;  // what the columns offer
    if (spec.multi_unit) {
      types = {0, 1, 2};
    } else {
      for (std::int64_t j = 0; j < spec.shape.cols; ++j) {
        spec.multiplier_map.push_back(map[static_cast<std::size_t>(j) % map.size()]);
      }
      for (std::size_t t = 0; t < map.size() && t < static_cast<std::size_t>(spec.shape.cols);
           ++t) {
        types.push_back(s.candidates.index(map[t]));
      }
    }
    std::vector<std::uint16_t> choice(layers);
    std::string described;
    for (auto& x : choice) {
      x = types[random() % types.size()];
      described += s.candidates.names[x] + " ";
    }
    const models::Assignment a = models::Assignment::per_layer(net, choice);
    const Simulated sim = simulate(s, spec, a);
    const SystolicEnergyPredictor predictor(s.model.engine->network(), s.profile, spec,
                                            s.multipliers, s.tech.tech);
    const EnergyPrediction p = predictor.predict(a);
    const std::string what = std::to_string(spec.shape.rows) + "x" +
                             std::to_string(spec.shape.cols) +
                             (spec.multi_unit ? " multi-unit" : "") + ", layers: " + described;
    // Data-independent counts: exact.
    EXPECT_EQ(p.cycles, sim.cycles) << what;
    std::uint64_t ifmap = 0, filter = 0, ofmap = 0, ops = 0;
    for (const auto& l : p.layers) {
      for (const auto& g : l.groups) {
        ifmap += g.ifmap_reads, filter += g.filter_reads, ofmap += g.ofmap_reads;
        ops += g.total.operations;
      }
    }
    EXPECT_EQ(ifmap, sim.ifmap_reads) << what;
    EXPECT_EQ(filter, sim.filter_reads) << what;
    EXPECT_EQ(ofmap, sim.ofmap_reads) << what;
    EXPECT_EQ(ops, sim.operations) << what;
    EXPECT_NEAR(p.total.register_clock_fj, sim.energy.register_clock_fj,
                1e-9 * sim.energy.register_clock_fj);
    EXPECT_NEAR(p.total.leakage_fj, sim.energy.leakage_fj, 1e-9 * sim.energy.leakage_fj);
    // Data-dependent parts: the total within 5 %, the multipliers' share reported.
    const double total_error = (p.total.total_fj() - sim.energy.total_fj()) / sim.energy.total_fj();
    const double multiplier_error =
        (p.total.multipliers_fj - sim.energy.multipliers_fj) / sim.energy.multipliers_fj;
    const double toggle_error = (p.total.register_toggles_fj - sim.energy.register_toggles_fj) /
                                sim.energy.register_toggles_fj;
    EXPECT_LT(std::abs(total_error), 0.05) << what;
    EXPECT_LT(std::abs(multiplier_error), 0.25) << what;
    std::printf("  %-60s total %+6.2f %%  multipliers %+6.2f %%  register toggles %+6.2f %%\n",
                what.c_str(), 100 * total_error, 100 * multiplier_error, 100 * toggle_error);
  }
}

TEST_F(EnergyPredictorTest, RejectsWhatItDoesNotModel) {
  const Setup& s = *setup_;
  systolic::ArraySpec os;
  os.dataflow = systolic::Dataflow::kOutputStationary;
  EXPECT_THROW(
      SystolicEnergyPredictor(s.model.engine->network(), s.profile, os, s.multipliers, s.tech.tech),
      ConfigError);
  systolic::ArraySpec dram;
  dram.memory.ideal = false;
  EXPECT_THROW(SystolicEnergyPredictor(s.model.engine->network(), s.profile, dram, s.multipliers,
                                       s.tech.tech),
               ConfigError);
}

struct SimtSimulated {
  simt::EnergyBreakdown energy;  // mean over the images
  std::int64_t cycles = 0;       // per image (the same for every image)
  std::uint64_t instructions = 0, register_accesses = 0, cache_bytes = 0, dram_bytes = 0, macs = 0;
};

TEST_F(EnergyPredictorTest, SimtWithinFivePercentOfTheSimulatedEnergy) {
  const Setup& s = *setup_;
  const auto& net = s.model.net();
  std::mt19937 random(5);
  const std::vector<int> identity = {0, 1, 2};
  double worst = 0.0;
  for (int trial = 0; trial < 6; ++trial) {
    simt::CoreSpec core;  // the defaults: 8 PEs per CU, wavefronts of 64
    core.compute_units = 1 + static_cast<int>(random() % 4);
    core.wavefronts_per_cu = trial % 2 == 0 ? 8 : 4;
    core.workgroup_size = trial % 3 == 0 ? 64 : 128;
    core.cache.size_kb = trial % 2 == 0 ? 16 : 64;
    // Layer-level for the even trials, per filter (every filter its own draw) for the odd ones.
    models::Assignment a = models::Assignment::uniform(net, 0);
    std::string described;
    for (auto& layer : a.filters) {
      const auto choice = static_cast<std::uint16_t>(random() % 3);
      for (auto& f : layer) f = trial % 2 ? static_cast<std::uint16_t>(random() % 3) : choice;
      described += (trial % 2 ? std::string("per-filter") : s.candidates.names[choice]) + " ";
    }
    SimtSimulated sim;
    for (std::size_t i = 0; i < kImages; ++i) {
      for (const auto& r : app::simulate_simt(s.model, i, a, core, s.units, identity)) {
        sim.energy += simt::energy_of(r, s.tech.tech);
        if (i == 0) {
          sim.cycles += r.cycles;
          sim.instructions += r.instructions;
          sim.register_accesses += r.register_reads + r.register_writes;
          sim.cache_bytes += r.cache_bytes;
          sim.dram_bytes += r.dram_read_bytes + r.dram_write_bytes;
          sim.macs += r.macs;
        }
      }
    }
    const double n = static_cast<double>(kImages);
    for (double* x : {&sim.energy.multipliers_fj, &sim.energy.alu_fj, &sim.energy.register_file_fj,
                      &sim.energy.local_memory_fj, &sim.energy.cache_fj, &sim.energy.dram_fj,
                      &sim.energy.leakage_fj}) {
      *x /= n;
    }
    const SimtEnergyPredictor predictor(s.model.engine->network(), s.profile, core, s.units,
                                        s.tech.tech);
    const SimtEnergyPrediction p = predictor.predict(a);
    const std::string what = std::to_string(core.compute_units) + " CUs, " +
                             std::to_string(core.wavefronts_per_cu) + " wavefronts, groups of " +
                             std::to_string(core.workgroup_size) + ", " + described;
    EXPECT_EQ(p.cycles, sim.cycles) << what;
    std::uint64_t instructions = 0, registers = 0, cache = 0, dram = 0, macs = 0;
    for (const auto& l : p.layers) {
      instructions += l.run.instructions;
      registers += l.run.register_reads + l.run.register_writes;
      cache += l.run.cache_bytes;
      dram += l.run.dram_read_bytes + l.run.dram_write_bytes;
      macs += l.run.total.operations;
    }
    EXPECT_EQ(instructions, sim.instructions) << what;
    EXPECT_EQ(registers, sim.register_accesses) << what;
    EXPECT_EQ(cache, sim.cache_bytes) << what;
    EXPECT_EQ(dram, sim.dram_bytes) << what;
    EXPECT_EQ(macs, sim.macs) << what;
    EXPECT_NEAR(p.total.leakage_fj, sim.energy.leakage_fj, 1e-9 * sim.energy.leakage_fj);
    const double total_error = (p.total.total_fj() - sim.energy.total_fj()) / sim.energy.total_fj();
    const double multiplier_error =
        (p.total.multipliers_fj - sim.energy.multipliers_fj) / sim.energy.multipliers_fj;
    worst = std::max(worst, std::abs(total_error));
    EXPECT_LT(std::abs(total_error), 0.05) << what;
    EXPECT_LT(std::abs(multiplier_error), 0.10) << what;
    std::printf("  %-75s total %+7.3f %%  multipliers %+6.2f %%\n", what.c_str(), 100 * total_error,
                100 * multiplier_error);
  }
  std::printf("  largest total error %.3f %%\n", 100 * worst);
}

TEST_F(EnergyPredictorTest, SimtRejectsUnitsThePesDoNotCarry) {
  const Setup& s = *setup_;
  const SimtEnergyPredictor predictor(s.model.engine->network(), s.profile, simt::CoreSpec{},
                                      s.units, s.tech.tech);
  const auto drum = models::Assignment::uniform(s.model.net(), 1);
  EXPECT_THROW(predictor.predict(drum, {0, 2}), ConfigError);
  EXPECT_THROW(predictor.predict(models::Assignment::uniform(s.model.net(), 3)), ConfigError);
  EXPECT_GT(predictor.predict(drum, {1}).total.total_fj(), 0.0);
}

}  // namespace
}  // namespace hawx::scoring
