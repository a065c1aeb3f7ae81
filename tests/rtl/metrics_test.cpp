// SPDX-License-Identifier: MIT
#include "rtl/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "rtl/library.h"

namespace hawx::rtl {
namespace {

TEST(MetricsTest, ExactTablesHaveZeroError) {
  for (bool is_signed : {false, true}) {
    const ErrorMetrics m = error_metrics(exact_table(is_signed));
    EXPECT_EQ(m.mae, 0.0);
    EXPECT_EQ(m.wce, 0);
    EXPECT_EQ(m.ep_pct, 0.0);
    EXPECT_EQ(m.mre_pct, 0.0);
    EXPECT_EQ(m.wcre_pct, 0.0);
    EXPECT_EQ(m.mse, 0.0);
    EXPECT_EQ(m.mean_error, 0.0);
  }
}

TEST(MetricsTest, SingleWrongPairByHand) {
  ProductTable t = exact_table(false);
  t.products()[ProductTable::index(3, 5)] = 15 + 4;  // e = +4 on one pair; exact = 15
  const ErrorMetrics m = error_metrics(t);
  EXPECT_DOUBLE_EQ(m.mae, 4.0 / 65536);
  EXPECT_EQ(m.wce, 4);
  EXPECT_DOUBLE_EQ(m.wce_pct, 4.0 / 65536 * 100);
  EXPECT_DOUBLE_EQ(m.ep_pct, 100.0 / 65536);
  EXPECT_DOUBLE_EQ(m.mse, 16.0 / 65536);
  EXPECT_DOUBLE_EQ(m.mean_error, 4.0 / 65536);
  // 255*255 pairs have a non-zero exact product; one of them is off by 4/15.
  EXPECT_DOUBLE_EQ(m.mre_pct, (4.0 / 15) / (255.0 * 255) * 100);
  EXPECT_DOUBLE_EQ(m.wcre_pct, 4.0 / 15 * 100);
}

TEST(MetricsTest, ErrorOnAZeroProductCountsButNotInRelativeError) {
  ProductTable t = exact_table(false);
  t.products()[ProductTable::index(0, 9)] = -7;
  const ErrorMetrics m = error_metrics(t);
  EXPECT_EQ(m.wce, 7);
  EXPECT_EQ(m.mre_pct, 0.0);
  EXPECT_EQ(m.wcre_pct, 0.0);
  EXPECT_DOUBLE_EQ(m.mean_error, -7.0 / 65536);
}

TEST(MetricsTest, SignedOperandsAreTwosComplement) {
  ProductTable t = exact_table(true);
  EXPECT_EQ(t.at(0x80, 0x7F), -128 * 127);
  t.products()[ProductTable::index(0x80, 0x80)] = 0;  // exact 16384
  const ErrorMetrics m = error_metrics(t);
  EXPECT_EQ(m.wce, 16384);
  EXPECT_DOUBLE_EQ(m.wcre_pct, 100.0);
}

// Every metric recomputed here from the table, in long double and another loop order, on a
// randomly perturbed table and on every library design.
void expect_independent_agreement(const ProductTable& t) {
  long double abs_sum = 0, sum = 0, sq = 0, rel = 0, worst_rel = 0;
  long long worst = 0, wrong = 0, nonzero = 0;
  for (std::size_t i = 0; i < kOperandPairs; ++i) {
    const int a = t.is_signed() ? static_cast<std::int8_t>(i >> 8) : static_cast<int>(i >> 8);
    const int b = t.is_signed() ? static_cast<std::int8_t>(i & 0xFF) : static_cast<int>(i & 0xFF);
    const long long e = static_cast<long long>(t.products()[i]) - a * b;
    abs_sum += std::llabs(e);
    sum += e;
    sq += static_cast<long double>(e) * e;
    worst = std::max(worst, std::llabs(e));
    wrong += e != 0;
    if (a * b != 0) {
      const long double r = std::llabs(e) / static_cast<long double>(std::abs(a * b));
      rel += r;
      worst_rel = std::max(worst_rel, r);
      ++nonzero;
    }
  }
  const ErrorMetrics m = error_metrics(t);
  EXPECT_NEAR(m.mae, static_cast<double>(abs_sum / 65536), 1e-9);
  EXPECT_NEAR(m.mae_pct, static_cast<double>(abs_sum / 65536 / 65536 * 100), 1e-12);
  EXPECT_EQ(m.wce, worst);
  EXPECT_NEAR(m.ep_pct, 100.0 * static_cast<double>(wrong) / 65536, 1e-12);
  EXPECT_NEAR(m.mre_pct, static_cast<double>(rel / nonzero * 100), 1e-9);
  EXPECT_NEAR(m.wcre_pct, static_cast<double>(worst_rel * 100), 1e-9);
  EXPECT_NEAR(m.mse, static_cast<double>(sq / 65536), 1e-6);
  EXPECT_NEAR(m.mean_error, static_cast<double>(sum / 65536), 1e-9);
}

TEST(MetricsTest, AgreeWithIndependentComputationOnRandomTables) {
  std::mt19937 random(7);
  for (bool is_signed : {false, true}) {
    ProductTable t = exact_table(is_signed);
    for (auto& p : t.products()) p += static_cast<std::int32_t>(random() % 61) - 30;
    expect_independent_agreement(t);
  }
}

TEST(MetricsTest, AgreeWithIndependentComputationOnEveryLibraryDesign) {
  const auto names = builtin_multiplier_names();
  ASSERT_FALSE(names.empty());
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    expect_independent_agreement(builtin_table(name));
  }
}

}  // namespace
}  // namespace hawx::rtl
