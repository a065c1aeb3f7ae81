// SPDX-License-Identifier: MIT
// End-to-end tests of the `hawx-cosim` executable: exit codes, messages, outputs on disk.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <yaml-cpp/yaml.h>
#include <nlohmann/json.hpp>

#include "tests/support/test_support.h"

namespace hawx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

using Result = test::CommandResult;
using test::shell_quote;

// Runs the tool from the repository root (as the README does) with stdin closed.
Result run_tool(const std::vector<std::string>& args) {
  return test::run_tool(args, test::source_dir());
}

// A config file in `dir` whose dataset root is the real fetched data.
fs::path write_config(const test::TempDir& dir, const std::string& body) {
  const fs::path file = dir / "study.yaml";
  test::write_file(file, body);
  return file;
}

TEST(CliTest, HelpListsSubcommands) {
  const Result r = run_tool({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("Usage: hawx-cosim"));
  EXPECT_THAT(r.out, HasSubstr("run"));
  EXPECT_THAT(r.out, HasSubstr("validate"));
  EXPECT_THAT(r.out, HasSubstr("list"));
  EXPECT_THAT(r.out, HasSubstr("--log-level"));
  EXPECT_THAT(r.out, Not(HasSubstr("Copyright")));  // no SystemC banner on stdout
}

TEST(CliTest, EverySubcommandHasHelp) {
  for (const char* sub : {"run", "validate", "list"}) {
    const Result r = run_tool({sub, "--help"});
    EXPECT_EQ(r.code, 0) << sub;
    EXPECT_THAT(r.out, HasSubstr(std::string("hawx-cosim ") + sub)) << sub;
  }
  const Result run = run_tool({"run", "--help"});
  EXPECT_THAT(run.out, HasSubstr("-p,--param"));
  EXPECT_THAT(run.out, HasSubstr("--out"));
}

TEST(CliTest, Version) {
  const Result r = run_tool({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("hawx-cosim 0.1.0 (SystemC 2.3"));
}

TEST(CliTest, MissingSubcommandIsAUsageError) {
  const Result r = run_tool({});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("A subcommand is required"));
}

TEST(CliTest, ListShowsRegisteredDatasets) {
  const Result r = run_tool({"list"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("dataset — "));
  EXPECT_THAT(r.out, HasSubstr("  mnist "));
  EXPECT_THAT(r.out, HasSubstr("  fashion-mnist "));
  EXPECT_THAT(r.out, HasSubstr("  cifar10 "));
}

TEST(CliTest, ListShowsRegisteredStrategies) {
  const Result r = run_tool({"list"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, HasSubstr("strategy — "));
  EXPECT_THAT(r.out, HasSubstr("  exhaustive "));
  EXPECT_THAT(r.out, HasSubstr("  nsga2 "));
  EXPECT_THAT(r.out, HasSubstr("  random "));
}

TEST(CliTest, EveryShippedConfigValidates) {
  int seen = 0;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    ++seen;
    const Result r = run_tool({"validate", entry.path().string()});
    EXPECT_EQ(r.code, 0) << entry.path() << "\n" << r.err;
  }
  EXPECT_GE(seen, 1);
}

TEST(CliTest, UnknownKeyExitsTwoNamingFileLineAndKey) {
  test::TempDir dir;
  const auto file = write_config(dir, "name: t\ndataset:\n  name: mnist\n  test_limt: 5\n");
  const Result r = run_tool({"validate", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("error: " + file.string() +
                               ":4:3: dataset.test_limt: unknown key; expected one of: name, "
                               "root, train_limit, test_limit (did you mean 'test_limit'?)"));
}

TEST(CliTest, WrongTypeAndRangeAndChoiceExitTwo) {
  test::TempDir dir;
  auto file = write_config(dir, "dataset:\n  name: mnist\n  test_limit: lots\n");
  Result r = run_tool({"run", file.string(), "--out", (dir / "out").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":3:15: dataset.test_limit: expected an integer "
                                               ">= 0 (images), got 'lots'"));
  EXPECT_FALSE(fs::exists(dir / "out"));  // nothing ran

  file = write_config(dir, "dataset:\n  name: mnist\n  test_limit: -1\n");
  r = run_tool({"validate", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(":3:15: dataset.test_limit: expected an integer >= 0 (images), "
                               "got '-1'"));

  file = write_config(dir, "dataset:\n  name: imagenet\n");
  r = run_tool({"validate", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(":2:9: dataset.name: expected one of: cifar10, fashion-mnist, "
                               "mnist, got 'imagenet'"));
}

TEST(CliTest, MissingRequiredKeyExitsTwo) {
  test::TempDir dir;
  const auto file = write_config(dir, "name: t\ndataset:\n  nmae: mnist\n");
  const Result r = run_tool({"validate", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":3:3: dataset.name: missing required key"));
  EXPECT_THAT(r.err, HasSubstr("is 'nmae' at line 3 a misspelling of it?"));
}

TEST(CliTest, MultiplierListErrorsExitTwoNamingTheItem) {
  test::TempDir dir;
  const std::string head = "dataset:\n  name: mnist\nmultipliers:\n  - builtin: mul8u_exact\n";
  const struct {
    std::string items;
    std::string expected;
  } cases[] = {
      {"  - builtin: mul8u_nope\n", ":5:14: multipliers[1].builtin: expected one of: "},
      {"  - builtin: mul8u_trunc4\n    rtl: [x.v]\n",
       "multipliers[1].builtin: give either builtin or rtl + top, not both"},
      {"  - rtl: [x.v]\n", ":5:5: multipliers[1].top: missing; a multiplier is either builtin"},
      {"  - builtin: mul8u_trunc4\n    area_um2: 100\n",
       "multipliers[1].energy_fj_per_op: missing; declared hardware figures need both"},
      {"  - builtin: mul8u_trunc4\n    signed: true\n",
       ":6:13: multipliers[1].signed: a library design's signedness is its own"},
      {"  - builtin: mul8u_trunc4\n    prot_a: x\n",
       ":6:5: multipliers[1].prot_a: unknown key; expected one of: builtin, rtl, top, port_a"},
      {"  - builtin: mul8u_trunc4\n    name: mul8u_exact\n",
       "multipliers[1].name: 'mul8u_exact' names two multipliers"},
      {"  - builtin: mul8u_trunc4\n    area_um2: -3\n    energy_fj_per_op: 1\n",
       "multipliers[1].area_um2: expected a number >= 0 (um^2), got '-3'"},
  };
  for (const auto& c : cases) {
    const auto file = write_config(dir, head + c.items);
    const Result r = run_tool({"validate", file.string()});
    EXPECT_EQ(r.code, 2) << c.items;
    EXPECT_THAT(r.err, HasSubstr(c.expected)) << c.items;
  }
}

TEST(CliTest, RunCharacterisesTheConfiguredMultipliers) {
  test::TempDir dir;
  const auto file =
      write_config(dir, "dataset:\n  name: mnist\n  root: " + test::data_dir().string() +
                            "\n  train_limit: 10\n  test_limit: 10\nmultipliers:\n"
                            "  - builtin: mul8u_trunc4\n"
                            "  - builtin: mul8u_exact\n    name: declared\n    area_um2: 500\n"
                            "    energy_fj_per_op: 400\n");
  const Result r = run_tool({"run", file.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stages run: config, dataset, multipliers"));
  const auto stats = nlohmann::json::parse(test::read_file(dir / "out/stats.json"));
  EXPECT_DOUBLE_EQ(stats["multipliers"]["mul8u_trunc4"]["mae"].get<double>(), 12.25);
  EXPECT_EQ(stats["multipliers"]["mul8u_trunc4"]["wce"], 49);
  EXPECT_GT(stats["multipliers"]["mul8u_trunc4"]["transistors"].get<int>(), 0);
  EXPECT_EQ(stats["multipliers"]["declared"]["hardware"], "declared");
  EXPECT_DOUBLE_EQ(stats["multipliers"]["declared"]["area_um2"].get<double>(), 500.0);
  const std::string csv = test::read_file(dir / "out/multipliers.csv");
  EXPECT_THAT(csv, HasSubstr("name,source,top,signed,mae,"));
  EXPECT_THAT(csv, HasSubstr("\nmul8u_trunc4,library,mul8u_trunc4,false,12.25,"));
}

TEST(CliTest, MissingConfigFileAndSyntaxErrorExitTwo) {
  Result r = run_tool({"validate", "configs/no-such-study.yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("configs/no-such-study.yaml': no such file"));

  test::TempDir dir;
  const auto file = write_config(dir, "dataset:\n  name: [mnist\n");
  r = run_tool({"validate", file.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr(file.string() + ":"));
  EXPECT_THAT(r.err, HasSubstr("not valid YAML"));
}

TEST(CliTest, OverridesApplyOnTopOfTheFile) {
  const Result r = run_tool({"validate", "-p", "dataset.test_limit=100", "configs/quickstart.yaml",
                             "-p", "dataset.name=cifar10", "--print"});
  ASSERT_EQ(r.code, 0) << r.err;
  const YAML::Node resolved = YAML::Load(r.out);
  EXPECT_EQ(resolved["dataset"]["test_limit"].as<int>(), 100);
  EXPECT_EQ(resolved["dataset"]["name"].as<std::string>(), "cifar10");
  EXPECT_EQ(resolved["name"].as<std::string>(), "quickstart");
  // Relative paths come out absolute, anchored at the config file's folder.
  EXPECT_EQ(fs::path(resolved["dataset"]["root"].as<std::string>()),
            (test::source_dir() / "data").lexically_normal());
}

TEST(CliTest, BadOverrideExitsTwoNamingIt) {
  Result r = run_tool({"validate", "configs/quickstart.yaml", "-p", "dataset.test_limit=abc"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("override '-p dataset.test_limit=abc': dataset.test_limit: "
                               "expected an integer >= 0 (images), got 'abc'"));
  r = run_tool({"validate", "configs/quickstart.yaml", "-p", "dataset.limit=3"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("override '-p dataset.limit=3': dataset.limit: unknown key"));
}

TEST(CliTest, KeysTableDocumentsEveryKey) {
  const Result r = run_tool({"validate", "configs/quickstart.yaml", "--keys"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string docs = test::read_file(test::source_dir() / "docs/config.md");
  for (const char* key : {"name",
                          "seed",
                          "dataset",
                          "dataset.name",
                          "dataset.root",
                          "dataset.train_limit",
                          "dataset.test_limit",
                          "tech",
                          "multipliers",
                          "multipliers[].builtin",
                          "multipliers[].rtl",
                          "multipliers[].top",
                          "multipliers[].port_a",
                          "multipliers[].port_b",
                          "multipliers[].port_p",
                          "multipliers[].signed",
                          "multipliers[].name",
                          "multipliers[].area_um2",
                          "multipliers[].energy_fj_per_op",
                          "model",
                          "model.onnx",
                          "model.calibration_images"}) {
    const std::string cell = std::string("| `") + key + "` |";
    EXPECT_THAT(r.out, HasSubstr(cell)) << key;
    EXPECT_THAT(docs, HasSubstr(cell)) << "docs/config.md does not document " << key;
  }
}

TEST(CliTest, RunWritesResolvedConfigAndStats) {
  test::TempDir dir;
  // A two-point random search on a 4x4 array keeps the search stages short.
  const Result r = run_tool({"run", "configs/quickstart.yaml", "-p", "dataset.train_limit=1000",
                             "-p", "dataset.test_limit=500", "-p", "search.strategies=[random]",
                             "-p", "search.budget=2", "-p", "systolic.rows=4", "-p",
                             "systolic.cols=4", "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stages run: config, dataset"));
  EXPECT_THAT(r.err, Not(HasSubstr("\r")));  // no progress lines when stderr is not a terminal

  const YAML::Node resolved = YAML::LoadFile((dir / "out/resolved_config.yaml").string());
  EXPECT_EQ(resolved["dataset"]["test_limit"].as<int>(), 500);
  const auto stats = nlohmann::json::parse(test::read_file(dir / "out/stats.json"));
  EXPECT_EQ(stats["dataset"]["train"]["images"], 1000);
  EXPECT_EQ(stats["dataset"]["test"]["images"], 500);
  EXPECT_EQ(stats["dataset"]["test"]["height"], 28);
  // The first 500 MNIST test labels, counted independently of the tool.
  int total = 0;
  for (const auto& [label, count] : stats["dataset"]["test"]["label_counts"].items()) {
    total += count.get<int>();
  }
  EXPECT_EQ(total, 500);
  EXPECT_THAT(test::read_file(dir / "out/stats.csv"), HasSubstr("dataset/test/images,500,images"));
}

TEST(CliTest, DefaultOutputFolderIsNamedAfterTheStudy) {
  test::TempDir dir;
  test::write_file(dir / "configs/mystudy.yaml",
                   "dataset:\n  name: mnist\n  root: " + test::data_dir().string() +
                       "\n  train_limit: 10\n  test_limit: 10\n");
  const std::string command = "cd " + shell_quote(dir.path().string()) + " && " +
                              shell_quote(test::tool_path().string()) +
                              " run configs/mystudy.yaml >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0);
  EXPECT_TRUE(fs::exists(dir / "results/mystudy/stats.json"));
}

TEST(CliTest, BrokenDatasetFileExitsThreeNamingIt) {
  test::TempDir dir;
  const fs::path mnist = dir / "data/mnist";
  fs::create_directories(mnist);
  for (const char* f : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
    fs::copy_file(test::data_dir() / "mnist" / f, mnist / f);
  }
  fs::resize_file(mnist / "t10k-images-idx3-ubyte", 7840016 - 784 * 3);
  const auto file = write_config(dir, "dataset:\n  name: mnist\n  root: data\n");
  const Result r = run_tool({"run", file.string(), "--out", (dir / "out").string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err,
              HasSubstr("error: " + (mnist / "t10k-images-idx3-ubyte").string() + ": truncated"));
}

}  // namespace
}  // namespace hawx
