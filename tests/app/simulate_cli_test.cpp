// SPDX-License-Identifier: MIT
// `hawx-cosim simulate --topology ...`, end to end: SCALE-Sim's reference cycle counts, the
// COMPUTE_REPORT.csv it writes, and the exit codes of bad options (2) and bad topology files (3).
// And `hawx-cosim simulate CONFIG`: a study's model on the SystemC array.
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

using Result = test::CommandResult;

std::string lenet_conv1() {
  return (test::source_dir() / "configs/topologies/lenet5_conv1.csv").string();
}

// The fields of a COMPUTE_REPORT.csv line (", " separators, a trailing comma).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) {
    const auto first = f.find_first_not_of(' ');
    fields.push_back(first == std::string::npos ? "" : f.substr(first));
  }
  return fields;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

Result simulate(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"simulate"};
  all.insert(all.end(), args.begin(), args.end());
  return test::run_tool(all);
}

TEST(SimulateCliTest, ReferenceCyclesOfLeNetConv1On8x8) {
  for (const auto& [dataflow, cycles] :
       {std::pair{"ws", "3223"}, std::pair{"os", "3821"}, std::pair{"is", "10975"}}) {
    const Result r = simulate(
        {"--topology", lenet_conv1(), "--rows", "8", "--cols", "8", "--dataflow", dataflow});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("1 layer; array 8x8, dataflow " + std::string(dataflow)));
    EXPECT_THAT(r.out, HasSubstr("784 x 25 x 6"));
    EXPECT_THAT(r.out, HasSubstr("total: " + std::string(cycles) + " cycles, 117600 MACs"));
    EXPECT_EQ(r.err, "");
  }
}

TEST(SimulateCliTest, WritesScaleSimComputeReport) {
  test::TempDir dir;
  const fs::path csv = dir / "out/COMPUTE_REPORT.csv";
  const Result r = simulate({"--topology", lenet_conv1(), "--rows", "8", "--cols", "8",
                             "--dataflow", "ws", "--csv", csv.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("compute report: " + csv.string()));
  const std::string report = test::read_file(csv);
  EXPECT_THAT(report,
              ::testing::StartsWith("LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping "
                                    "Efficiency %, Compute Util %,\n0, 3223, 0, 57.01210052745889, "
                                    "58.59375, "));
}

TEST(SimulateCliTest, ResNet18Topology) {
  const Result r =
      simulate({"--topology", (test::source_dir() / "configs/topologies/resnet18.csv").string(),
                "--rows", "32", "--cols", "32", "--dataflow", "ws"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("21 layers; array 32x32, dataflow ws"));
  EXPECT_THAT(r.out, HasSubstr("Conv5_2b"));
  EXPECT_THAT(r.out, HasSubstr("1 x 512 x 1000"));
}

TEST(SimulateCliTest, HelpNamesTheOptions) {
  const Result r = test::run_tool({"simulate", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("hawx-cosim simulate"));
  for (const char* option : {"--topology", "--rows", "--cols", "--dataflow", "--csv"}) {
    EXPECT_THAT(r.out, HasSubstr(option));
  }
  EXPECT_THAT(test::run_tool({"--help"}).out, HasSubstr("simulate"));
}

TEST(SimulateCliTest, BadOptionsExitTwo) {
  const std::string topo = lenet_conv1();
  Result r = simulate({"--topology", topo, "--rows", "0", "--cols", "8", "--dataflow", "ws"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --rows must be between 1 and 65536; got 0"));
  r = simulate({"--topology", topo, "--rows", "8", "--cols", "100000", "--dataflow", "ws"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: --cols must be between 1 and 65536; got 100000"));
  r = simulate({"--topology", topo, "--rows", "8", "--cols", "8", "--dataflow", "rs"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("error: --dataflow: unknown dataflow 'rs'; expected one of: ws, os, is"));
  r = simulate({"--topology", topo, "--rows", "8", "--dataflow", "ws"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--topology needs --rows, --cols and --dataflow; missing: --cols"));
  r = simulate({"--topology", topo, "--rows", "eight", "--cols", "8", "--dataflow", "ws"});
  EXPECT_EQ(r.code, 2);
  r = simulate({"--topology", topo, "--rows", "8", "--cols", "8", "--dataflow", "ws", "-p",
                "systolic.rows=4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("-p overrides a config's values; --topology runs without a config"));
  EXPECT_THAT(r.out, Not(HasSubstr("total:")));
  r = simulate({});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing to simulate: give --topology FILE"));
  // Options are checked before the file is read: a bad option wins over a bad file.
  r = simulate({"--topology", "/no/such.csv", "--rows", "0", "--cols", "8", "--dataflow", "ws"});
  EXPECT_EQ(r.code, 2);
}

TEST(SimulateCliTest, ConfigWithoutASystolicSectionExitsTwo) {
  const Result r = simulate({(test::source_dir() / "configs/vgg11_cifar10.yaml").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no systolic: section"));
  EXPECT_THAT(r.out, Not(HasSubstr("total:")));
}

// The config-driven mode: LeNet-5 on the SystemC array of configs/lenet5_systolic.yaml, every
// layer's sums checked against the engine by the command itself; stalls from its DRAM.
TEST(SimulateCliTest, ConfigRunsTheModelOnTheArray) {
  test::TempDir dir;
  const std::string config = (test::source_dir() / "configs/lenet5_systolic.yaml").string();
  const Result r = simulate({config, "--out", dir.path().string(), "--layers",
                             "exact,mul8u_drum4,mul8u_drum4,exact,exact"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("every layer's sums equal the engine's"));
  EXPECT_THAT(r.out, HasSubstr("pJ = multipliers"));
  EXPECT_THAT(r.out, HasSubstr("/conv1/Conv"));
  // SCALE-Sim's six columns, then energy by component and area, units in the names.
  const std::vector<std::string> report = lines_of(test::read_file(dir / "COMPUTE_REPORT.csv"));
  ASSERT_EQ(report.size(), 6U);  // header + conv1, conv2, fc1, fc2, fc3
  const std::vector<std::string> header = csv_fields(report[0]);
  EXPECT_EQ(header,
            (std::vector<std::string>{
                "LayerID", "Total Cycles", "Stall Cycles", "Overall Util %", "Mapping Efficiency %",
                "Compute Util %", "Multiplier Energy pJ", "Accumulator Energy pJ",
                "Register Energy pJ", "SRAM Energy pJ", "DRAM Energy pJ", "Leakage Energy pJ",
                "Total Energy pJ", "PE Area um2", "SRAM Area um2"}));
  for (std::size_t i = 1; i < report.size(); ++i) {
    SCOPED_TRACE(report[i]);
    const std::vector<std::string> row = csv_fields(report[i]);
    ASSERT_EQ(row.size(), header.size());
    double sum = 0.0;
    for (std::size_t c = 6; c < 12; ++c) {
      const double energy = std::stod(row[c]);
      EXPECT_GT(energy, 0.0) << header[c];
      sum += energy;
    }
    EXPECT_NEAR(sum, std::stod(row[12]), 1e-9 * sum);
    EXPECT_GT(std::stod(row[13]), 0.0);
    // 3 x 64 kB at generic45's default 5670 um^2 per kB.
    EXPECT_DOUBLE_EQ(std::stod(row[14]), 3 * 64 * 5670.0);
  }
  // conv2's extra column fold halves its mapping efficiency: 150 taps x 16 filters in 10 x 2
  // folds of 16 x 16 instead of 10 x 1 (the homogeneous timing model's 93.75).
  EXPECT_EQ(csv_fields(report[2])[4], "46.875");
  const auto stats = nlohmann::json::parse(test::read_file(dir / "simulate_stats.json"));
  const auto& conv1 = stats["systolic"]["layers"]["/conv1/Conv"];
  EXPECT_EQ(conv1["cycles"]["compute"].get<std::int64_t>(), 1659);
  EXPECT_GT(conv1["cycles"]["stall"].get<std::int64_t>(), 0);
  EXPECT_GT(conv1["energy"]["dram_fj"].get<double>(), 0.0);
  EXPECT_GT(conv1["energy"]["registers_fj"].get<double>(), 0.0);
  EXPECT_GT(conv1["activity"]["psum_toggles"].get<std::int64_t>(), 0);
  EXPECT_THAT(r.out, HasSubstr(" + registers "));
  EXPECT_GT(stats["systolic"]["total"]["pe_area_um2"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(stats["systolic"]["total"]["sram_area_um2"].get<double>(), 3 * 64 * 5670.0);
  EXPECT_DOUBLE_EQ(stats["systolic"]["total"]["area_um2"].get<double>(),
                   stats["systolic"]["total"]["pe_area_um2"].get<double>() + 3 * 64 * 5670.0);
  EXPECT_THAT(r.out, Not(HasSubstr("SRAM not included")));
  // Run time and power at the default clock, 1000 MHz.
  const auto& total = stats["systolic"]["total"];
  EXPECT_THAT(r.out, HasSubstr(" us at 1000 MHz; average power "));
  EXPECT_EQ(total["clock_mhz"].get<double>(), 1000.0);
  EXPECT_DOUBLE_EQ(total["time_us"].get<double>(),
                   static_cast<double>(total["cycles"].get<std::int64_t>()) / 1000.0);
  EXPECT_DOUBLE_EQ(total["average_power_mw"].get<double>(),
                   total["energy_fj"].get<double>() * 1e-6 / total["time_us"].get<double>());
  EXPECT_GT(conv1["average_power_mw"].get<double>(), 0.0);
  // conv2's 16 filters on DRUM-4 have 8 columns of their type: one extra column fold.
  EXPECT_EQ(stats["systolic"]["layers"]["/conv2/Conv"]["folds"]["extra_col"].get<std::int64_t>(),
            1);

  const Result bad = simulate(
      {config, "--out", dir.path().string(), "-p", "systolic.multiplier_map=[exact, nope]"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("no multiplier 'nope' in the study"));
  const Result both =
      simulate({config, "--out", dir.path().string(), "-p", "systolic.multi_unit=true"});
  EXPECT_EQ(both.code, 2);
  EXPECT_THAT(both.err,
              HasSubstr("multi_unit PEs carry every multiplier; leave multiplier_map out"));
}

// Bad systolic: sections through the YAML and its overrides: exit 2, naming the key (with the
// file's line for a value in the file), or the layer and the SRAM that cannot hold its folds.
TEST(SimulateCliTest, BadSystolicConfigsExitTwo) {
  test::TempDir dir;
  const fs::path source = test::source_dir() / "configs/lenet5_systolic.yaml";
  const std::string config = source.string();
  const std::string out = (dir / "out").string();
  Result r = simulate({config, "--out", out, "-p", "systolic.rows=0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("systolic.rows: expected an integer in [1, 65536] (PEs), got '0'"));
  r = simulate({config, "--out", out, "-p", "systolic.dataflow=rs"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("systolic.dataflow: expected one of: ws, os, is, got 'rs'"));
  r = simulate({config, "--out", out, "-p", "systolic.memory.filter_sram_kb=0.01"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: layer '/conv1/Conv': the filter SRAM (0.010000 kB"));
  EXPECT_THAT(r.err, HasSubstr("cannot hold one fold's filter tile of"));
  EXPECT_THAT(r.out, Not(HasSubstr("total:")));
  // A DRAM without bandwidth is a schema error, with the file's line.
  std::string text = test::read_file(source);
  const std::string key = "dram_bytes_per_cycle: 16";
  ASSERT_NE(text.find(key), std::string::npos);
  const auto line =
      1 +
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(text.find(key)), '\n');
  text.replace(text.find(key), key.size(), "dram_bytes_per_cycle: 0");
  text.replace(text.find("../data"), 7, (test::source_dir() / "data").string());
  text.replace(text.find("../models"), 9, (test::source_dir() / "models").string());
  const fs::path copy = dir / "no_bandwidth.yaml";
  test::write_file(copy, text);
  r = simulate({copy.string(), "--out", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(copy.string() + ":" + std::to_string(line) + ":"));
  EXPECT_THAT(r.err, HasSubstr("systolic.memory.dram_bytes_per_cycle: expected a number > 0 "
                               "(bytes/cycle), got '0'"));
}

// In the rtl data path, systolic.vcd gives one VCD per layer, <stem>_<layer>.vcd.
TEST(SimulateCliTest, RtlWritesAVcdPerLayer) {
  test::TempDir dir;
  const std::string config = (test::source_dir() / "configs/lenet5_systolic.yaml").string();
  const Result r =
      simulate({config, "--out", (dir / "out").string(), "-p", "systolic.data_path=rtl", "-p",
                "systolic.memory.ideal=true", "-p", "systolic.vcd=" + (dir / "pe.vcd").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* layer : {"conv1_Conv", "conv2_Conv", "fc1_Gemm", "fc2_Gemm", "fc3_Gemm"}) {
    const fs::path vcd = dir / ("pe_" + std::string(layer) + ".vcd");
    ASSERT_TRUE(fs::exists(vcd)) << vcd;
    EXPECT_THAT(test::read_file(vcd), HasSubstr("mul_a"));
  }
  EXPECT_FALSE(fs::exists(dir / "pe.vcd"));
}

// systolic.clock_mhz sets the run time and so the average power; the cycles do not change.
TEST(SimulateCliTest, ClockSetsRunTimeAndPower) {
  test::TempDir dir;
  const std::string config = (test::source_dir() / "configs/lenet5_systolic.yaml").string();
  const Result r = simulate({config, "--out", dir.path().string(), "-p", "systolic.clock_mhz=250",
                             "-p", "systolic.memory.ideal=true"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" us at 250 MHz; average power "));
  const auto stats = nlohmann::json::parse(test::read_file(dir / "simulate_stats.json"));
  const auto& total = stats["systolic"]["total"];
  EXPECT_DOUBLE_EQ(total["time_us"].get<double>(),
                   static_cast<double>(total["cycles"].get<std::int64_t>()) / 250.0);
  EXPECT_DOUBLE_EQ(total["average_power_mw"].get<double>(),
                   total["energy_fj"].get<double>() * 1e-6 / total["time_us"].get<double>());

  const Result zero =
      simulate({config, "--out", dir.path().string(), "-p", "systolic.clock_mhz=0"});
  EXPECT_EQ(zero.code, 2);
  EXPECT_THAT(zero.err,
              HasSubstr("systolic.clock_mhz: expected a number in (0, 1e+06] (MHz), got '0'"));
}

// Every systolic key `validate --keys` declares has its row, as printed, in docs/config.md.
TEST(SimulateCliTest, SystolicKeysAreDocumented) {
  const Result r = test::run_tool(
      {"validate", (test::source_dir() / "configs/lenet5_systolic.yaml").string(), "--keys"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string docs = test::read_file(test::source_dir() / "docs/config.md");
  int rows = 0;
  for (const std::string& line : lines_of(r.out)) {
    if (line.rfind("| `systolic", 0) != 0) continue;
    ++rows;
    EXPECT_THAT(docs, HasSubstr(line)) << "docs/config.md does not document it as the code does";
  }
  EXPECT_GT(rows, 10);
}

TEST(SimulateCliTest, BadTopologyExitsThree) {
  test::TempDir dir;
  Result r = simulate({"--topology", (dir / "none.csv").string(), "--rows", "8", "--cols", "8",
                       "--dataflow", "ws"});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("error: " + (dir / "none.csv").string() + ": no such file"));

  const fs::path bad = dir / "bad.csv";
  test::write_file(
      bad,
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, "
      "Channels, Num Filter, Strides,\nConv1,32,32,5,5,1,6,1,\nConv2,3,3,5,5,6,16,1,\n");
  r = simulate({"--topology", bad.string(), "--rows", "8", "--cols", "8", "--dataflow", "os",
                "--csv", (dir / "out.csv").string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("error: " + bad.string() +
                               ":3: layer 'Conv2': Filter Height 5 is larger than IFMAP Height 3"));
  EXPECT_FALSE(fs::exists(dir / "out.csv"));
}

}  // namespace
}  // namespace hawx
