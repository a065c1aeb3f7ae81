// SPDX-License-Identifier: MIT
// `hawx-cosim characterize` end to end: user RTL that is not in the library, the JSON contract,
// library designs, concurrent processes on one cache, and bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

using Result = test::CommandResult;

// Runs a shell command line (tool path substituted for "hawx-cosim") in `dir` with `cache`.
Result shell(const std::string& line, const fs::path& dir, const fs::path& cache) {
  const std::string tool = test::tool_path().string();
  std::string command = line;
  for (std::size_t at = command.find("hawx-cosim"); at != std::string::npos;
       at = command.find("hawx-cosim", at + tool.size())) {
    command.replace(at, 10, tool);
  }
  return test::run_shell("cd " + test::shell_quote(dir.string()) +
                         " && HAWX_CACHE_DIR=" + test::shell_quote(cache.string()) + " sh -c " +
                         test::shell_quote(command));
}

fs::path shared_cache() { return fs::path(HAWX_TEST_CACHE_DIR); }

// A design that is not in the library: ports x, y, prod; a helper cell in the same file; the
// low 3 product bits forced to 1 (a "set-low" approximation whose error is easy to state).
constexpr const char* kDesign = R"(
module lowset_mult (input wire [7:0] x, input wire [7:0] y, output wire [15:0] prod);
  wire [15:0] exact;
  exact_core core (.a(x), .b(y), .p(exact));
  assign prod = {exact[15:3], 3'b111};
endmodule
module exact_core (input wire [7:0] a, input wire [7:0] b, output wire [15:0] p);
  assign p = a * b;
endmodule
)";

TEST(CharacterizeCliTest, UserRtlWithOwnPortsAndHelperModuleEndToEnd) {
  test::TempDir dir;
  test::write_file(dir / "lowset.v", kDesign);
  const Result r = shell(
      "hawx-cosim characterize --rtl lowset.v --top lowset_mult --port-a x --port-b y "
      "--port-p prod --json",
      dir.path(), shared_cache());
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  for (const char* key :
       {"name", "signed", "mae", "mae_pct", "wce", "wce_pct", "ep_pct", "mre_pct", "wcre_pct",
        "mse", "mean_error", "transistors", "area_um2", "energy_fj_per_op", "toggles_per_op"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["name"], "lowset_mult");
  EXPECT_EQ(j["signed"], false);
  // e = (p | 7) - p = 7 - (p & 7): computed here from the definition.
  double mae = 0;
  int wce = 0;
  int wrong = 0;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const int e = 7 - ((a * b) & 7);
      mae += e;
      wce = std::max(wce, e);
      wrong += e != 0;
    }
  }
  EXPECT_DOUBLE_EQ(j["mae"].get<double>(), mae / 65536);
  EXPECT_EQ(j["wce"].get<int>(), wce);
  EXPECT_DOUBLE_EQ(j["ep_pct"].get<double>(), 100.0 * wrong / 65536);
  EXPECT_GT(j["transistors"].get<int>(), 1000);
  EXPECT_GT(j["area_um2"].get<double>(), 0.0);
  EXPECT_GT(j["energy_fj_per_op"].get<double>(), 0.0);
  EXPECT_GT(j["toggles_per_op"].get<double>(), 0.0);
}

TEST(CharacterizeCliTest, ReadableTableWithoutJson) {
  const Result r = shell("hawx-cosim characterize --builtin mul8u_exact --no-hardware",
                         test::source_dir(), shared_cache());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("multiplier"));
  EXPECT_THAT(r.out, HasSubstr("MAE%"));
  EXPECT_THAT(r.out, HasSubstr("mul8u_exact"));
}

TEST(CharacterizeCliTest, TwoProcessesOnOneColdCacheAgree) {
  test::TempDir dir;
  test::TempDir cache;  // cold: both processes build the same design at once
  test::write_file(dir / "lowset.v", kDesign);
  const std::string one =
      "hawx-cosim characterize --rtl lowset.v --top lowset_mult --port-a x --port-b y "
      "--port-p prod --json --no-hardware";
  const Result r = shell("(" + one + " > a.json) & (" + one + " > b.json) & wait; " + one,
                         dir.path(), cache.path());
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string a = test::read_file(dir / "a.json");
  const std::string b = test::read_file(dir / "b.json");
  ASSERT_FALSE(a.empty()) << r.err;
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, r.out);  // a third run from the cache agrees too
  // One complete cache entry for the design, no scratch folders left behind.
  int entries = 0;
  for (const auto& e : fs::directory_iterator(cache / "verilated")) {
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
    if (e.is_directory()) {
      ++entries;
      EXPECT_TRUE(fs::exists(e.path() / "complete"));
    }
  }
  EXPECT_EQ(entries, 1);
}

TEST(CharacterizeCliTest, BadInputExitsThreeWithOneMessage) {
  test::TempDir dir;
  test::write_file(dir / "syntax.v",
                   "module m (input [7:0] a, input [7:0] b, output [15:0] p);\n"
                   "  assign p = a *;\nendmodule\n");
  Result r = shell("hawx-cosim characterize --rtl syntax.v --top m", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("syntax.v:2:"));

  r = shell("hawx-cosim characterize --rtl missing.v --top m", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("missing.v: no such Verilog file"));

  test::write_file(dir / "lowset.v", kDesign);
  r = shell("hawx-cosim characterize --rtl lowset.v --top lowset_mult", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr("has no port 'a'"));
}

TEST(CharacterizeCliTest, UsageErrorsExitTwo) {
  test::TempDir dir;
  Result r = shell("hawx-cosim characterize", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("nothing to characterise"));
  r = shell("hawx-cosim characterize --rtl x.v", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--rtl needs --top"));
  r = shell("hawx-cosim characterize --builtin no_such_mul", dir.path(), shared_cache());
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown multiplier 'no_such_mul'; registered: "));
}

}  // namespace
}  // namespace hawx
