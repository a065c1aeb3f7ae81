// SPDX-License-Identifier: MIT
// `hawx-cosim eval` and the accuracy stage of `run`, end to end on LeNet-5 and MNIST.
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
using test::run_tool;

// A study of LeNet-5 on the first `test_images` MNIST test images.
fs::path study(const test::TempDir& dir, const std::string& multipliers, int test_images = 2000,
               const std::string& onnx = "") {
  const std::string model =
      onnx.empty() ? (test::source_dir() / "models/zoo/lenet5.onnx").string() : onnx;
  const fs::path file = dir / "study.yaml";
  test::write_file(
      file, "name: lenet\ndataset:\n  name: mnist\n  root: " + test::data_dir().string() +
                "\n  test_limit: " + std::to_string(test_images) + "\nmodel:\n  onnx: " + model +
                "\n  calibration_images: 200\n" + multipliers);
  return file;
}

TEST(EvalCliTest, AccuracyPerClassAndResultsFile) {
  test::TempDir dir;
  const auto file = study(dir, "multipliers:\n  - builtin: mul8u_trunc8\n");
  const Result r = run_tool(
      {"eval", file.string(), "--multiplier", "mul8u_trunc8", "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("5 layers that multiply, 416520 MACs per image"));
  EXPECT_THAT(r.out, HasSubstr("accuracy "));
  EXPECT_THAT(r.out, HasSubstr("per class:"));
  const auto j = nlohmann::json::parse(test::read_file(dir / "out/eval.json"));
  EXPECT_EQ(j["images"], 2000);
  EXPECT_GT(j["accuracy"].get<double>(), 0.95);
  EXPECT_EQ(j["per_class"].size(), 10u);
  EXPECT_EQ(j["assignment"][0], "mul8u_trunc8");
}

TEST(EvalCliTest, PerLayerAssignment) {
  test::TempDir dir;
  const auto file = study(dir, "multipliers:\n  - builtin: mul8u_drum4\n", 500);
  Result r = run_tool({"eval", file.string(), "--layers", "mul8u_drum4,exact,exact,exact,exact",
                       "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("mul8u_drum4"));
  r = run_tool({"eval", file.string(), "--layers", "exact,exact"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--layers names 2 multipliers; the network has 5 layers"));
  r = run_tool({"eval", file.string(), "--multiplier", "mul8u_nope"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no multiplier 'mul8u_nope' in the study; known: exact, "
                               "mul8u_drum4"));
}

TEST(EvalCliTest, StudyProblemsAreReported) {
  test::TempDir dir;
  test::write_file(dir / "nomodel.yaml", "dataset:\n  name: mnist\n");
  Result r = run_tool({"eval", (dir / "nomodel.yaml").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("no model: section"));

  const auto mixed =
      study(dir, "multipliers:\n  - builtin: mul8u_trunc4\n  - builtin: mul8s_trunc4\n");
  r = run_tool({"eval", mixed.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("'mul8s_trunc4' differs in signedness from 'mul8u_trunc4'"));

  test::write_file(dir / "broken.onnx", "this is not a protobuf");
  r = run_tool({"eval", study(dir, "", 100, (dir / "broken.onnx").string()).string()});
  EXPECT_EQ(r.code, 3);
  EXPECT_THAT(r.err, HasSubstr((dir / "broken.onnx").string()));

  // A model for other images: CIFAR-10 has 3x32x32 images, LeNet-5 expects 1x28x28.
  test::write_file(
      dir / "cifar.yaml",
      "dataset:\n  name: cifar10\n  root: " + test::data_dir().string() +
          "\nmodel:\n  onnx: " + (test::source_dir() / "models/zoo/lenet5.onnx").string() + "\n");
  r = run_tool({"eval", (dir / "cifar.yaml").string()});
  EXPECT_NE(r.code, 0);
  EXPECT_THAT(r.err, HasSubstr("lenet5.onnx"));
}

TEST(EvalCliTest, RunReportsAccuracyPerCandidate) {
  test::TempDir dir;
  const auto file = study(dir, "multipliers:\n  - builtin: mul8u_trunc8\n", 500);
  const Result r = run_tool({"run", file.string(), "--out", (dir / "out").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("stages run: config, dataset, multipliers, accuracy"));
  const auto stats = nlohmann::json::parse(test::read_file(dir / "out/stats.json"));
  EXPECT_GT(stats["accuracy"]["exact"]["top1"].get<double>(), 0.95);
  EXPECT_GT(stats["accuracy"]["mul8u_trunc8"]["top1"].get<double>(), 0.90);
  EXPECT_THAT(test::read_file(dir / "out/accuracy.csv"),
              HasSubstr("multiplier,top1,images\nexact,"));
}

}  // namespace
}  // namespace hawx
