// SPDX-License-Identifier: MIT
// `hawx-cosim score CONFIG` end to end on LeNet-5 (configs/lenet5_scoring.yaml, few images): the
// CSV files of every level and the three plots, the stats tree, and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;
using test::run_tool;

std::string config() { return (test::source_dir() / "configs/lenet5_scoring.yaml").string(); }

std::vector<std::string> small(const std::vector<std::string>& more) {
  std::vector<std::string> args = {"score", config(),
                                   "-p",    "dataset.root=" + test::data_dir().string(),
                                   "-p",    "dataset.test_limit=1000",
                                   "-p",    "scoring.profile_images=100",
                                   "-p",    "scoring.fit_configurations=4",
                                   "-p",    "scoring.held_out_configurations=3"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::size_t lines(const fs::path& file) {
  std::istringstream in(test::read_file(file));
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

TEST(ScoreCliTest, WritesEveryLevelAndThePlotData) {
  test::TempDir dir;
  const fs::path out = dir / "out";
  const auto r = run_tool(
      small({"--out", out.string(), "--layers", "exact,mul8u_trunc12,exact,exact,mul8u_drum2"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("profiled lenet5.onnx on 100 train images"));
  EXPECT_THAT(r.out, HasSubstr("accuracy predictor"));
  EXPECT_THAT(r.out, HasSubstr("--layers: hawx(model) "));
  // 5 layers; 3 candidate multipliers; LeNet-5's filters: 6 + 16 + 120 + 84 + 10.
  EXPECT_EQ(lines(out / "operands.csv"), 1 + 5 * 256u);
  EXPECT_EQ(lines(out / "layers.csv"), 1 + 3 * 5u);
  EXPECT_EQ(lines(out / "models.csv"), 1 + 3u);
  EXPECT_EQ(lines(out / "filters.csv"), 1 + 3 * 236u);
  EXPECT_EQ(lines(out / "operations.csv"), 1 + 3 * 5 * 511u);
  EXPECT_EQ(lines(out / "operation_scores.csv"), 1 + 3 * 5 * 64u);
  EXPECT_EQ(lines(out / "accuracy_vs_hawx.csv"), 1 + 4 + 3u);
  const auto stats = nlohmann::json::parse(test::read_file(out / "stats.json"));
  EXPECT_EQ(stats["profile"]["images"], 100);
  EXPECT_GT(stats["scores"]["mul8u_trunc13"]["model"].get<double>(),
            stats["scores"]["mul8u_trunc12"]["model"].get<double>());
  EXPECT_TRUE(stats["accuracy_predictor"].contains("held_out_mae_pp"));
  EXPECT_TRUE(stats["assignment"].contains("predicted_drop_pp"));
  EXPECT_TRUE(fs::exists(out / "stats.csv"));
  EXPECT_TRUE(fs::exists(out / "resolved_config.yaml"));
}

// A study with a systolic: section: predicted energy, cycles and area per image (ideal memory),
// and a note instead when the array has DRAM stalls the predictor does not model.
TEST(ScoreCliTest, PredictsEnergyOnTheStudysArray) {
  test::TempDir dir;
  const fs::path out = dir / "out";
  const std::string systolic = (test::source_dir() / "configs/lenet5_systolic.yaml").string();
  const std::vector<std::string> common = {"score",
                                           systolic,
                                           "-p",
                                           "dataset.root=" + test::data_dir().string(),
                                           "-p",
                                           "scoring.profile_images=100",
                                           "--no-calibration",
                                           "--out",
                                           out.string()};
  auto args = common;
  for (const char* a :
       {"-p", "systolic.memory.ideal=true", "--layers", "exact,mul8u_drum4,exact,exact,exact"}) {
    args.push_back(a);
  }
  auto r = run_tool(args);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("predicted on the 16x16 ws array"));
  // The map holds exact and mul8u_drum4 columns (no mul8u_trunc4): those two, then --layers.
  const std::string csv = test::read_file(out / "energy.csv");
  EXPECT_EQ(lines(out / "energy.csv"), 4u);
  EXPECT_THAT(csv, HasSubstr("\nexact,26900,"));
  EXPECT_THAT(csv, HasSubstr("\nmul8u_drum4,26900,"));
  EXPECT_THAT(csv, HasSubstr("\n--layers,26900,"));
  const auto stats = nlohmann::json::parse(test::read_file(out / "stats.json"));
  EXPECT_LT(stats["energy_predictor"]["mul8u_drum4"]["multipliers_pj"].get<double>(),
            stats["energy_predictor"]["exact"]["multipliers_pj"].get<double>());
  r = run_tool(common);  // the config's own memory: DRAM stalls
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("energy predictor: not run; it does not model DRAM stalls"));
}

// A study with a simt: section: the SIMT energy predictor per image, each unit type everywhere
// and --layers, with the cycles the core takes (exact: they do not depend on the data).
TEST(ScoreCliTest, PredictsEnergyOnTheStudysSimtCore) {
  test::TempDir dir;
  const fs::path out = dir / "out";
  const auto r = run_tool({"score", (test::source_dir() / "configs/lenet5_simt.yaml").string(),
                           "-p", "dataset.root=" + test::data_dir().string(), "-p",
                           "scoring.profile_images=100", "--no-calibration", "--layers",
                           "exact,mul8u_drum4,mul8u_trunc4,exact,exact", "--out", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("predicted on the SIMT core (simt 2 CUs x 8 PEs"));
  EXPECT_EQ(lines(out / "simt_energy.csv"), 5u);  // header, 3 unit types, --layers
  const std::string csv = test::read_file(out / "simt_energy.csv");
  EXPECT_THAT(csv, HasSubstr("\nmul8u_trunc4,171980,"));
  EXPECT_THAT(csv, HasSubstr("\n--layers,171980,"));
  const auto stats = nlohmann::json::parse(test::read_file(out / "stats.json"));
  const auto& e = stats["simt_energy_predictor"];
  EXPECT_LT(e["mul8u_drum4"]["multipliers_pj"].get<double>(),
            e["exact"]["multipliers_pj"].get<double>());
  EXPECT_EQ(e["exact"]["area_um2"].get<double>(), e["mul8u_drum4"]["area_um2"].get<double>());
}

TEST(ScoreCliTest, BadInputIsOneClearError) {
  auto r = run_tool(small({"-p", "scoring.noise_ratio=0"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("scoring.noise_ratio"));
  r = run_tool(small({"-p", "scoring.profile_split=validation"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("scoring.profile_split"));
  r = run_tool(small({"-p", "scoring.profile_imagez=10"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("profile_imagez"));
  r = run_tool(small({"--no-calibration", "--layers", "exact,exact"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--layers names 2 multipliers; the network has 5 layers"));
  r = run_tool(small({"--no-calibration", "--layers", "exact,exact,exact,exact,mul8u_nope"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no multiplier 'mul8u_nope'"));
}

// Every scoring key `validate --keys` declares has its row, as printed, in docs/config.md.
TEST(ScoreCliTest, KeysAreDocumentedAsDeclared) {
  const auto r = run_tool({"validate", config(), "--keys"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string docs = test::read_file(test::source_dir() / "docs/config.md");
  std::istringstream in(r.out);
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("| `scoring", 0) != 0) continue;
    ++rows;
    EXPECT_THAT(docs, HasSubstr(line)) << "docs/config.md does not document it as the code does";
  }
  EXPECT_EQ(rows, 8u);
}

}  // namespace
}  // namespace hawx
