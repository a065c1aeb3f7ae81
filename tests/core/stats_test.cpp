// SPDX-License-Identifier: MIT
#include "core/stats.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "tests/support/test_support.h"

namespace hawx {
namespace {

TEST(StatsTest, NestedGroupsWriteAsJsonAndCsv) {
  StatsTree stats;
  stats.group("systolic").set("cycles", std::int64_t{3223}, "cycles", "total cycles");
  stats.group("systolic").set("utilisation", 0.75, "fraction");
  stats.group("run").set("study", std::string("q, \"x\""));
  EXPECT_EQ(std::get<std::int64_t>(stats.at("systolic/cycles")), 3223);
  EXPECT_THROW(stats.at("systolic/missing"), Error);

  test::TempDir dir;
  stats.write_json(dir / "stats.json");
  stats.write_csv(dir / "stats.csv");
  const auto json = nlohmann::json::parse(test::read_file(dir / "stats.json"));
  EXPECT_EQ(json["systolic"]["cycles"], 3223);
  EXPECT_DOUBLE_EQ(json["systolic"]["utilisation"].get<double>(), 0.75);
  EXPECT_EQ(test::read_file(dir / "stats.csv"),
            "path,value,unit,description\n"
            "systolic/cycles,3223,cycles,total cycles\n"
            "systolic/utilisation,0.75,fraction,\n"
            "run/study,\"q, \"\"x\"\"\",,\n");
}

TEST(StatsTest, SettingAFigureAgainReplacesIt) {
  StatsTree stats;
  stats.set("x", std::int64_t{1});
  stats.set("x", std::int64_t{2});
  EXPECT_EQ(stats.to_json().dump(), R"({"x":2})");
}

}  // namespace
}  // namespace hawx
