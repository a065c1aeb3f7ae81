// SPDX-License-Identifier: MIT
// `hawx-cosim simulate CONFIG` on the SIMT core (a config with a simt: section), end to end:
// LeNet-5 on configs/lenet5_simt.yaml with every layer's sums checked against the engine by the
// command, SIMT_REPORT.csv and the stats tree, --dump-kernel, and bad simt: configs (exit 2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using Result = test::CommandResult;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  return lines;
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, ',');) {
    const auto first = f.find_first_not_of(' ');
    fields.push_back(first == std::string::npos ? "" : f.substr(first));
  }
  return fields;
}

std::string simt_config() { return (test::source_dir() / "configs/lenet5_simt.yaml").string(); }

Result simulate(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"simulate"};
  all.insert(all.end(), args.begin(), args.end());
  return test::run_tool(all);
}

TEST(SimulateSimtCliTest, ConfigRunsTheModelOnTheSimtCore) {
  test::TempDir dir;
  const Result r = simulate({simt_config(), "--out", dir.path().string(), "--layers",
                             "exact,mul8u_drum4,mul8u_trunc4,exact,mul8u_drum4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("on a SIMT core: 2 CUs of 8 PEs"));
  EXPECT_THAT(r.out, HasSubstr("units in every PE: exact, mul8u_drum4, mul8u_trunc4"));
  EXPECT_THAT(r.out, HasSubstr("every layer's sums equal the engine's"));
  EXPECT_THAT(r.out, HasSubstr("pJ = multipliers "));
  const std::vector<std::string> report = lines_of(test::read_file(dir / "SIMT_REPORT.csv"));
  ASSERT_EQ(report.size(), 6U);  // header + conv1, conv2, fc1, fc2, fc3
  const std::vector<std::string> header = csv_fields(report[0]);
  ASSERT_EQ(header.size(), 25U);
  EXPECT_EQ(header[4], "Cycles");
  EXPECT_EQ(header[22], "Leakage pJ");
  EXPECT_EQ(header[23], "Total Energy pJ");
  std::int64_t cycles = 0;
  for (std::size_t i = 1; i < report.size(); ++i) {
    SCOPED_TRACE(report[i]);
    const std::vector<std::string> row = csv_fields(report[i]);
    ASSERT_EQ(row.size(), header.size());
    // Issue + the five stall causes are every CU cycle of the layer (2 CUs).
    std::int64_t accounted = 0;
    for (std::size_t c = 5; c < 11; ++c) accounted += std::stoll(row[c]);
    EXPECT_EQ(accounted, 2 * std::stoll(row[4]));
    cycles += std::stoll(row[4]);
    double energy = 0.0;
    for (std::size_t c = 16; c < 23; ++c) {
      // Local memory only where the kernel stages weights there (conv layers, "_lw").
      const bool staged = row[1].size() > 3 && row[1].substr(row[1].size() - 3) == "_lw";
      if (header[c] == "Local Memory pJ" && !staged) {
        EXPECT_EQ(std::stod(row[c]), 0.0);
      } else {
        EXPECT_GT(std::stod(row[c]), 0.0) << header[c];
      }
      energy += std::stod(row[c]);
    }
    EXPECT_NEAR(energy, std::stod(row[23]), 1e-2 + 1e-6 * energy);
  }
  EXPECT_EQ(csv_fields(report[2])[2], "mul8u_drum4");
  const auto stats = nlohmann::json::parse(test::read_file(dir / "simulate_stats.json"));
  const auto& total = stats["simt"]["total"];
  EXPECT_EQ(total["cycles"].get<std::int64_t>(), cycles);
  EXPECT_EQ(total["macs"].get<std::int64_t>(), 416520);
  const auto& conv1 = stats["simt"]["layers"]["/conv1/Conv"];
  EXPECT_GT(conv1["ipc"].get<double>(), 0.0);
  EXPECT_GT(conv1["energy"]["multipliers_fj"].get<double>(), 0.0);
  EXPECT_EQ(conv1["kernel"]["local_weights"].get<std::int64_t>(), 1);
  EXPECT_DOUBLE_EQ(total["time_us"].get<double>(), static_cast<double>(cycles) / 250.0);
  double area = 0.0;
  for (const char* part : {"multiplier_area_um2", "alu_area_um2", "register_file_area_um2",
                           "local_memory_area_um2", "cu_control_area_um2", "cache_area_um2"}) {
    area += total[part].get<double>();
  }
  EXPECT_NEAR(total["area_um2"].get<double>(), area, 1e-6 * area);
}

// Per-filter units from the command line: filter f of every layer selects name f mod 3, so the
// fully connected layers' wavefronts mix the three units; the command checks every layer's sums
// against the engine under the same per-filter assignment.
TEST(SimulateSimtCliTest, PerFilterUnitsFromTheCommandLine) {
  test::TempDir dir;
  Result r = simulate({simt_config(), "--out", dir.path().string(), "--filter-units",
                       "exact,mul8u_drum4,mul8u_trunc4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("/fc1/Gemm    exact/mul8u_drum4/mul8u_trunc4"));
  EXPECT_THAT(r.out, HasSubstr("every layer's sums equal the engine's"));
  r = simulate(
      {simt_config(), "--dump-kernel", "/fc1/Gemm", "--filter-units", "exact,mul8u_drum4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("units exact/mul8u_drum4 per filter (u=r11)"));
  EXPECT_THAT(r.out, HasSubstr("mul r24, r16, r20, u=r11"));
  r = simulate({simt_config(), "--filter-units", "exact", "--multiplier", "exact"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--filter-units assigns every filter; leave out --layers and "
                               "--multiplier"));
  r = simulate({simt_config(), "--filter-units", "exact,mul8u_ssm4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("selects 'mul8u_ssm4', a unit type the SIMT core's PEs do not "
                               "carry"));
}

TEST(SimulateSimtCliTest, DumpKernelPrintsALayersKernel) {
  Result r = simulate({simt_config(), "--dump-kernel", "/conv1/Conv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("; layer /conv1/Conv (compute layer 0): 784 pixels x 6 filters x "
                               "25 taps"));
  EXPECT_THAT(r.out, HasSubstr("barrier"));
  // One unit for the layer (--multiplier, default exact): compiled into the muls.
  EXPECT_THAT(r.out, HasSubstr("units exact (u#0)"));
  EXPECT_THAT(r.out, HasSubstr("mul r24, r16, r20, u#0"));
  EXPECT_THAT(r.out, Not(HasSubstr("my filter's unit")));
  EXPECT_THAT(r.out, Not(HasSubstr("total:")));
  r = simulate({simt_config(), "--dump-kernel", "2", "--multiplier", "mul8u_trunc4"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("; layer /fc1/Gemm (compute layer 2)"));
  EXPECT_THAT(r.out, HasSubstr("mul r24, r16, r20, u#2"));
  r = simulate({simt_config(), "--dump-kernel", "/nope"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--dump-kernel: no compute layer '/nope'"));
}

// Must show 2 through the CLI: zero CUs, a wavefront that is not a multiple of the PEs, and a
// layer selecting a unit type the PEs do not carry: exit 2 and one message naming the key.
TEST(SimulateSimtCliTest, BadSimtConfigsExitTwo) {
  test::TempDir dir;
  const std::string out = (dir / "out").string();
  Result r = simulate({simt_config(), "--out", out, "-p", "simt.compute_units=0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("simt.compute_units: expected an integer in [1, 8] (CUs), got '0'"));
  r = simulate({simt_config(), "--out", out, "-p", "simt.wavefront_size=60"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("simt.wavefront_size: a wavefront of 60 work-items is not a "
                               "multiple of pes_per_cu (8)"));
  r = simulate({simt_config(), "--out", out, "-p", "simt.units=[exact, mul8u_trunc4]",
                "--multiplier", "mul8u_drum4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("layer 0 ('/conv1/Conv') selects 'mul8u_drum4', a unit type the "
                               "SIMT core's PEs do not carry (simt.units: exact, mul8u_trunc4)"));
  r = simulate({simt_config(), "--out", out, "-p", "simt.units=[exact, nope]"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("simt.units: "));
  EXPECT_THAT(r.err, HasSubstr("nope"));
  EXPECT_THAT(r.out, Not(HasSubstr("total:")));
  // Both accelerators in one config: the command asks which.
  r = simulate({simt_config(), "--out", out, "-p", "systolic.rows=4"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("both a systolic: and a simt: section; choose one with "
                               "--accelerator systolic|simt"));
}

// Every simt key `validate --keys` declares has its row, as printed, in docs/config.md.
TEST(SimulateSimtCliTest, SimtKeysAreDocumented) {
  const Result r = test::run_tool({"validate", simt_config(), "--keys"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string docs = test::read_file(test::source_dir() / "docs/config.md");
  int rows = 0;
  for (const std::string& line : lines_of(r.out)) {
    if (line.rfind("| `simt", 0) != 0) continue;
    ++rows;
    EXPECT_THAT(docs, HasSubstr(line)) << "docs/config.md does not document it as the code does";
  }
  EXPECT_GT(rows, 20);
}

}  // namespace
}  // namespace hawx
