// SPDX-License-Identifier: MIT
// The built-in multiplier library (rtl/lib/*.v): every design, as verilated at build time, against
// an independent C++ model of its published algorithm on all 65,536 operand pairs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "rtl/library.h"
#include "rtl/multiplier.h"
#include "tests/rtl/reference_models.h"

namespace hawx::rtl {
namespace {

using test::reference_designs;
using test::reference_is_signed;
using test::reference_product;

// Each design's table, swept once from its verilated model.
const ProductTable& rtl_table(const std::string& name) {
  static std::map<std::string, ProductTable> tables;
  auto it = tables.find(name);
  if (it == tables.end()) it = tables.emplace(name, builtin_table(name)).first;
  return it->second;
}

bool is_exact_design(const std::string& name) {
  const std::string suffix = "_exact";
  return name.size() >= suffix.size() &&
         name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The k of a truncated design mul8u_trunc<k> / mul8s_trunc<k>, or 0.
int truncation_columns(const std::string& name) {
  for (const char* prefix : {"mul8u_trunc", "mul8s_trunc"}) {
    const std::string p = prefix;
    if (name.compare(0, p.size(), p) == 0) return std::stoi(name.substr(p.size()));
  }
  return 0;
}

std::vector<std::string> library() { return builtin_multiplier_names(); }

TEST(LibraryTest, HasAtLeastTenDesignsOfWhichThreeSigned) {
  const auto names = library();
  EXPECT_GE(names.size(), 10u);
  const auto is_signed = [](const std::string& n) { return builtin_multiplier(n).is_signed; };
  EXPECT_GE(std::count_if(names.begin(), names.end(), is_signed), 3);
}

TEST(LibraryTest, EveryDesignHasAReferenceModel) {
  const auto models = reference_designs();
  for (const auto& name : library()) {
    EXPECT_NE(std::find(models.begin(), models.end(), name), models.end())
        << "no reference model for library design " << name;
  }
}

TEST(LibraryTest, EveryReferenceModelHasADesign) {
  const auto names = library();
  for (const auto& model : reference_designs()) {
    EXPECT_NE(std::find(names.begin(), names.end(), model), names.end())
        << "reference model " << model << " has no design in rtl/lib/designs.cmake";
  }
}

TEST(LibraryTest, SignednessMatchesTheReference) {
  for (const auto& name : library()) {
    const BuiltinMultiplier& m = builtin_multiplier(name);
    EXPECT_EQ(m.is_signed, reference_is_signed(name)) << name;
    // The naming convention of the library, too.
    EXPECT_EQ(m.is_signed, name.compare(0, 5, "mul8s") == 0) << name;
    EXPECT_EQ(rtl_table(name).is_signed(), m.is_signed) << name;
  }
}

TEST(LibraryTest, EntriesAreComplete) {
  for (const auto& name : library()) {
    const BuiltinMultiplier& m = builtin_multiplier(name);
    EXPECT_EQ(m.name, name);
    EXPECT_FALSE(m.description.empty()) << name;
    EXPECT_NE(m.verilog.find("module " + name), std::string::npos) << name;
    EXPECT_EQ(m.verilog.rfind("// SPDX-License-Identifier: MIT", 0), 0u) << name;
  }
}

TEST(LibraryTest, ReferenceModelRejectsUnknownDesign) {
  EXPECT_THROW(reference_product("mul8u_no_such_design", 1, 2), std::invalid_argument);
  EXPECT_THROW(reference_is_signed("mul8u_no_such_design"), std::invalid_argument);
}

TEST(LibraryTest, RtlEqualsReferenceOnAllPairs) {
  for (const auto& name : library()) {
    const ProductTable& table = rtl_table(name);
    std::ostringstream first;
    int mismatches = 0;
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        const auto ra = static_cast<std::uint8_t>(a);
        const auto rb = static_cast<std::uint8_t>(b);
        const std::int32_t got = table.at(ra, rb);
        const std::int32_t expected = reference_product(name, ra, rb);
        if (got != expected && ++mismatches <= 5) {
          first << "\n  a=" << table.operand(ra) << " (0x" << std::hex << a << ") b=" << std::dec
                << table.operand(rb) << " (0x" << std::hex << b << std::dec << "): got " << got
                << ", expected " << expected;
        }
      }
    }
    EXPECT_EQ(mismatches, 0) << name << ": " << mismatches
                             << " of 65536 pairs differ; first:" << first.str();
  }
}

TEST(LibraryTest, ExactDesignsEqualTheExactTable) {
  int exact_designs = 0;
  for (const auto& name : library()) {
    if (!is_exact_design(name)) continue;
    ++exact_designs;
    const ProductTable& table = rtl_table(name);
    EXPECT_EQ(table.products(), exact_table(table.is_signed()).products()) << name;
  }
  EXPECT_EQ(exact_designs, 2);  // mul8u_exact and mul8s_exact
}

TEST(LibraryTest, ApproximateDesignsDifferFromExact) {
  for (const auto& name : library()) {
    if (is_exact_design(name)) continue;
    const ProductTable& table = rtl_table(name);
    EXPECT_NE(table.products(), exact_table(table.is_signed()).products())
        << name << " is exact although it is not named so";
  }
}

// Truncation with k columns dropped: e = -(sum over i + j < k of a_i b_j 2^(i+j)), computed here
// row by row as the sum over j < k of b_j 2^j (a mod 2^(k-j)); hence, over uniformly distributed
// operand bits, MAE = 1/4 sum_{w<k} (w+1) 2^w and WCE = sum_{w<k} (w+1) 2^w (k <= 8).
TEST(LibraryTest, TruncationErrorHasTheClosedForm) {
  int truncated = 0;
  for (const auto& name : library()) {
    const int k = truncation_columns(name);
    if (k == 0) continue;
    ++truncated;
    ASSERT_LE(k, 8) << name;
    const ProductTable& table = rtl_table(name);
    int mismatches = 0;
    double abs_sum = 0;
    std::int32_t worst = 0;
    for (unsigned a = 0; a < 256; ++a) {
      for (unsigned b = 0; b < 256; ++b) {
        std::int32_t dropped = 0;
        for (int j = 0; j < k; ++j) {
          if ((b >> j) & 1u) dropped += static_cast<std::int32_t>(a & ((1u << (k - j)) - 1)) << j;
        }
        const std::int32_t e =
            table.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
        if (e != -dropped && ++mismatches <= 5) {
          ADD_FAILURE() << name << " a=0x" << std::hex << a << " b=0x" << b << std::dec
                        << ": error " << e << ", closed form " << -dropped;
        }
        abs_sum += std::abs(e);
        worst = std::max(worst, std::abs(e));
      }
    }
    EXPECT_EQ(mismatches, 0) << name;
    std::int32_t wce = 0;
    for (int w = 0; w < k; ++w) wce += (w + 1) << w;
    EXPECT_EQ(worst, wce) << name;
    EXPECT_DOUBLE_EQ(abs_sum / kOperandPairs, wce / 4.0) << name;
  }
  EXPECT_GE(truncated, 4);
}

// Properties the design comments promise, checked on the RTL.
TEST(LibraryTest, DocumentedErrorProperties) {
  const auto names = library();
  const auto has = [&](const std::string& n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  // Never overestimate: truncation, broken arrays, Mitchell, Kulkarni, SSM.
  for (const auto& name : names) {
    const bool underestimates = truncation_columns(name) != 0 || name.rfind("mul8u_bam_", 0) == 0 ||
                                name == "mul8u_mitchell" || name == "mul8u_kulkarni" ||
                                name.rfind("mul8u_ssm", 0) == 0;
    if (!underestimates) continue;
    const ProductTable& table = rtl_table(name);
    bool ok = true;
    for (unsigned a = 0; a < 256 && ok; ++a) {
      for (unsigned b = 0; b < 256 && ok; ++b) {
        ok = table.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) <= 0;
      }
    }
    EXPECT_TRUE(ok) << name << " overestimates somewhere";
  }
  // DRUM-k is exact when both operands have at most k significant bits.
  for (int k : {3, 4, 6}) {
    const std::string name = "mul8u_drum" + std::to_string(k);
    if (!has(name)) continue;
    const ProductTable& table = rtl_table(name);
    for (unsigned a = 0; a < (1u << k); ++a) {
      for (unsigned b = 0; b < (1u << k); ++b) {
        ASSERT_EQ(table.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)), 0)
            << name << " a=" << a << " b=" << b;
      }
    }
  }
  // Mitchell's relative error is at most 1/9 (11.1%), attained at a = b = 3 * 2^j.
  if (has("mul8u_mitchell")) {
    const ProductTable& table = rtl_table("mul8u_mitchell");
    EXPECT_EQ(table.at(3, 3), 8);
    EXPECT_EQ(table.at(192, 192), 32768);
    for (unsigned a = 1; a < 256; ++a) {
      for (unsigned b = 1; b < 256; ++b) {
        const auto e = table.error(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b));
        ASSERT_LE(9 * static_cast<std::int64_t>(-e), static_cast<std::int64_t>(a * b))
            << "a=" << a << " b=" << b;
      }
    }
  }
  // The signed sign-magnitude designs handle -128 (magnitude 128) and are odd functions.
  for (const char* name : {"mul8s_drum4", "mul8s_mitchell"}) {
    if (!has(name)) continue;
    const ProductTable& table = rtl_table(name);
    EXPECT_EQ(table.at(0x80, 0x80), reference_product(name, 0x80, 0x80)) << name;
    EXPECT_GT(table.at(0x80, 0x80), 0) << name;
    for (int x = -127; x <= 127; ++x) {
      for (int y = -127; y <= 127; ++y) {
        const auto rx = static_cast<std::uint8_t>(x);
        const auto ry = static_cast<std::uint8_t>(y);
        const auto nx = static_cast<std::uint8_t>(-x);
        ASSERT_EQ(table.at(nx, ry), -table.at(rx, ry)) << name << " x=" << x << " y=" << y;
      }
    }
  }
}

}  // namespace
}  // namespace hawx::rtl
