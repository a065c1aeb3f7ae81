// SPDX-License-Identifier: MIT
// app::Accelerator on LeNet-5: measure() against what `hawx-cosim simulate` prints for the same
// hardware and assignment (systolic multi-unit array, SIMT core; layer-level and per-filter),
// the area against the set of multiplier types an assignment uses, predict() against measure(),
// and the errors of a study it cannot choose for or an assignment it cannot run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "app/accelerator.h"
#include "core/errors.h"
#include "tests/support/test_support.h"

namespace hawx::app {
namespace {

using ::testing::HasSubstr;

// LeNet-5 and its candidates (exact, mul8u_drum4, mul8u_trunc4) with the given accelerator
// section(s), paths absolute so that the file can live in a scratch folder.
std::string lenet5_config(const std::string& sections) {
  const std::string source = test::source_dir().string();
  return "name: accelerator_test\n"
         "dataset:\n  name: mnist\n  root: " +
         test::data_dir().string() + "\nmodel:\n  onnx: " + source +
         "/models/zoo/lenet5.onnx\n  calibration_images: 100\n"
         "multipliers:\n  - builtin: mul8u_drum4\n  - builtin: mul8u_trunc4\n" +
         sections;
}

const std::string kSystolic =
    "systolic:\n  rows: 16\n  cols: 16\n  dataflow: ws\n  multi_unit: true\n"
    "  memory:\n    ideal: true\n  image: 0\n";
const std::string kSimt =
    "simt:\n  compute_units: 2\n  units: [exact, mul8u_drum4, mul8u_trunc4]\n  image: 0\n";
const std::string kSimtPerUse = "simt:\n  compute_units: 2\n  image: 0\n";

class AcceleratorTest : public ::testing::Test {
 public:
  struct Setup {
    test::TempDir dir;
    std::filesystem::path systolic_file, simt_file, per_use_file;
    Study systolic, simt, per_use;
    Candidates candidates;
    LoadedModel model;
    scoring::Profile profile;
  };

 protected:
  static void SetUpTestSuite() {
    auto s = std::make_unique<Setup>();
    s->systolic_file = s->dir / "systolic.yaml";
    s->simt_file = s->dir / "simt.yaml";
    s->per_use_file = s->dir / "per_use.yaml";
    test::write_file(s->systolic_file, lenet5_config(kSystolic));
    test::write_file(s->simt_file, lenet5_config(kSimt));
    test::write_file(s->per_use_file, lenet5_config(kSimtPerUse));
    s->systolic = load_study(s->systolic_file, {});
    s->simt = load_study(s->simt_file, {});
    s->per_use = load_study(s->per_use_file, {});
    s->candidates = candidates(s->systolic);
    s->model = load_model(s->systolic, s->candidates);
    // The profile of the one image measure() simulates.
    models::Dataset image = s->model.test;
    image.truncate(1);
    s->profile = scoring::profile(*s->model.engine, image);
    setup_ = std::move(s);
  }
  static void TearDownTestSuite() { setup_.reset(); }
  static std::unique_ptr<Setup> setup_;
};
std::unique_ptr<AcceleratorTest::Setup> AcceleratorTest::setup_;

// simulate's totals for a config and assignment options.
struct Printed {
  double energy_fj = 0.0, area_um2 = 0.0;
  std::int64_t cycles = 0;
};
Printed simulate(const std::filesystem::path& config, const std::string& section,
                 const std::vector<std::string>& options) {
  test::TempDir out;
  std::vector<std::string> args = {"simulate", config.string(), "--out", out.path().string()};
  args.insert(args.end(), options.begin(), options.end());
  const test::CommandResult r = test::run_tool(args);
  EXPECT_EQ(r.code, 0) << r.err;
  const auto stats = nlohmann::json::parse(test::read_file(out / "simulate_stats.json"));
  const auto& total = stats[section]["total"];
  return {total["energy_fj"].get<double>(), total["area_um2"].get<double>(),
          total["cycles"].get<std::int64_t>()};
}

void expect_equal(const AcceleratorCost& c, const Printed& p) {
  EXPECT_NEAR(c.energy_fj, p.energy_fj, 1e-9 * p.energy_fj);
  EXPECT_NEAR(c.area_um2, p.area_um2, 1e-9 * p.area_um2);
  EXPECT_EQ(c.cycles, p.cycles);
  double energy = 0.0;
  std::int64_t cycles = 0;
  for (std::size_t l = 0; l < c.layer_cycles.size(); ++l) {
    energy += c.layer_energy_fj[l];
    cycles += c.layer_cycles[l];
  }
  EXPECT_EQ(c.layer_cycles.size(), 5u);
  EXPECT_NEAR(energy, c.energy_fj, 1e-9 * energy);
  EXPECT_EQ(cycles, c.cycles);
}

const std::vector<std::uint16_t> kLayers = {0, 1, 2, 0, 1};  // every type: what simulate carries
const char* kLayerNames = "exact,mul8u_drum4,mul8u_trunc4,exact,mul8u_drum4";

TEST_F(AcceleratorTest, SystolicMeasureIsWhatSimulatePrints) {
  const Setup& s = *setup_;
  const Accelerator a(s.systolic, s.candidates, s.model, &s.profile);
  EXPECT_EQ(a.kind(), "systolic");
  EXPECT_THAT(a.describe(), HasSubstr("systolic 16x16 ws, multi-unit PEs"));
  const AcceleratorCost c = a.measure(models::Assignment::per_layer(s.model.net(), kLayers));
  expect_equal(c, simulate(s.systolic_file, "systolic", {"--layers", kLayerNames}));
  EXPECT_EQ(c.types, (std::vector<std::string>{"exact", "mul8u_drum4", "mul8u_trunc4"}));
}

TEST_F(AcceleratorTest, SimtMeasureIsWhatSimulatePrints) {
  const Setup& s = *setup_;
  const Accelerator a(s.simt, s.candidates, s.model, &s.profile);
  EXPECT_EQ(a.kind(), "simt");
  expect_equal(a.measure(models::Assignment::per_layer(s.model.net(), kLayers)),
               simulate(s.simt_file, "simt", {"--layers", kLayerNames}));
  // Per filter: filter f of every layer selects unit f mod 3, as --filter-units gives it.
  models::Assignment per_filter = models::Assignment::uniform(s.model.net(), 0);
  for (auto& layer : per_filter.filters) {
    for (std::size_t f = 0; f < layer.size(); ++f) layer[f] = static_cast<std::uint16_t>(f % 3);
  }
  expect_equal(a.measure(per_filter),
               simulate(s.simt_file, "simt", {"--filter-units", "exact,mul8u_drum4,mul8u_trunc4"}));
}

TEST_F(AcceleratorTest, AreaGrowsWithTheTypesAnAssignmentUses) {
  const Setup& s = *setup_;
  const auto& net = s.model.net();
  const models::Assignment one = models::Assignment::uniform(net, 1);
  const models::Assignment two = models::Assignment::per_layer(net, {1, 1, 2, 1, 2});
  const models::Assignment three = models::Assignment::per_layer(net, kLayers);
  for (const Study* study : {&s.systolic, &s.per_use}) {
    const Accelerator a(*study, s.candidates, s.model, &s.profile);
    SCOPED_TRACE(a.describe());
    const AcceleratorCost c1 = a.measure(one), c2 = a.measure(two), c3 = a.measure(three);
    EXPECT_EQ(c1.types, std::vector<std::string>{"mul8u_drum4"});  // exact only when used
    EXPECT_EQ(c2.types, (std::vector<std::string>{"mul8u_drum4", "mul8u_trunc4"}));
    EXPECT_LT(c1.area_um2, c2.area_um2);
    EXPECT_LT(c2.area_um2, c3.area_um2);
    EXPECT_NEAR(a.predict(two).area_um2, c2.area_um2, 1e-9 * c2.area_um2);
  }
  // simt.units fixes what the PEs carry, whatever the assignment uses.
  const Accelerator fixed(s.simt, s.candidates, s.model, &s.profile);
  EXPECT_DOUBLE_EQ(fixed.predict(one).area_um2, fixed.predict(three).area_um2);
}

// Random layer-level and per-filter assignments: predicted energy within 5 % of the simulated
// one (the profile is of the simulated image), cycles and area exact.
TEST_F(AcceleratorTest, PredictWithinFivePercentOfMeasure) {
  const Setup& s = *setup_;
  const auto& net = s.model.net();
  std::mt19937 random(7);
  for (const Study* study : {&s.systolic, &s.simt}) {
    const Accelerator a(*study, s.candidates, s.model, &s.profile);
    for (int trial = 0; trial < 3; ++trial) {
      models::Assignment assignment = models::Assignment::uniform(net, 0);
      for (auto& layer : assignment.filters) {
        const auto choice = static_cast<std::uint16_t>(random() % 3);
        for (auto& f : layer) f = trial == 2 ? static_cast<std::uint16_t>(random() % 3) : choice;
      }
      const AcceleratorCost m = a.measure(assignment), p = a.predict(assignment);
      const double error = (p.energy_fj - m.energy_fj) / m.energy_fj;
      std::printf(
          "  %-8s trial %d: energy %+.2f %%, multipliers %+.2f %%; measure %.3f s, "
          "predict %.3f s\n",
          a.kind().c_str(), trial, 100 * error,
          100 * (p.multiplier_energy_fj - m.multiplier_energy_fj) / m.multiplier_energy_fj,
          m.seconds, p.seconds);
      EXPECT_LT(std::abs(error), 0.05) << a.describe();
      EXPECT_EQ(p.cycles, m.cycles) << a.describe();
      EXPECT_EQ(p.layer_cycles, m.layer_cycles) << a.describe();
      EXPECT_NEAR(p.area_um2, m.area_um2, 1e-9 * m.area_um2) << a.describe();
    }
  }
}

TEST_F(AcceleratorTest, ErrorsNameWhatIsMissing) {
  const Setup& s = *setup_;
  const auto both_file = s.dir / "both.yaml";
  test::write_file(both_file, lenet5_config(kSystolic + kSimt));
  const Study both = load_study(both_file, {});
  EXPECT_THAT(
      test::message_of<ConfigError>([&] { Accelerator(both, s.candidates, s.model, &s.profile); }),
      HasSubstr("both a systolic: and a simt: section"));
  EXPECT_EQ(Accelerator(both, s.candidates, s.model, &s.profile, "simt").kind(), "simt");
  EXPECT_THAT(test::message_of<ConfigError>(
                  [&] { Accelerator(s.simt, s.candidates, s.model, &s.profile, "systolic"); }),
              HasSubstr("no systolic: section"));
  // No profile: measure works, predict says what it needs.
  const Accelerator bare(s.simt, s.candidates, s.model, nullptr);
  const auto exact = models::Assignment::uniform(s.model.net(), 0);
  EXPECT_THAT(test::message_of<ConfigError>([&] { bare.predict(exact); }),
              HasSubstr("needs a profile"));
  // A type simt.units does not list, an index that is no candidate.
  const Study two_units = load_study(s.simt_file, {"simt.units=[exact, mul8u_drum4]"});
  const Accelerator limited(two_units, s.candidates, s.model, &s.profile);
  EXPECT_THAT(test::message_of<ConfigError>(
                  [&] { limited.measure(models::Assignment::uniform(s.model.net(), 2)); }),
              HasSubstr("uses 'mul8u_trunc4', a unit type the SIMT core's PEs do not carry"));
  EXPECT_THAT(test::message_of<ConfigError>(
                  [&] { limited.predict(models::Assignment::uniform(s.model.net(), 3)); }),
              HasSubstr("the study has 3 candidates"));
  // The systolic predictor's limits pass through: DRAM stalls are simulated only.
  const Study dram = load_study(s.systolic_file, {"systolic.memory.ideal=false"});
  const Accelerator stalls(dram, s.candidates, s.model, &s.profile);
  EXPECT_THAT(test::message_of<ConfigError>([&] { stalls.predict(exact); }),
              HasSubstr("ideal memory"));
}

}  // namespace
}  // namespace hawx::app
