// SPDX-License-Identifier: MIT
#include "core/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

namespace hawx {
namespace {

struct ShapeKind {
  static constexpr const char* kName = "test-shape";
  static constexpr const char* kDescription = "shapes registered by this test";
  using Factory = std::function<int(int)>;
};

HAWX_REGISTER(ShapeKind, square, "square", "four equal sides", [](int a) { return a * a; })
HAWX_REGISTER(ShapeKind, line, "line", "one dimension", [](int a) { return a; })

TEST(RegistryTest, SelfRegisteredImplementationsAreFoundByName) {
  const auto& registry = Registry<ShapeKind>::instance();
  EXPECT_EQ(registry.get("square")(3), 9);
  EXPECT_EQ(registry.get("line")(3), 3);
  EXPECT_EQ(registry.names(), (std::vector<std::string>{"line", "square"}));
}

TEST(RegistryTest, UnknownNameListsWhatIsRegistered) {
  try {
    Registry<ShapeKind>::instance().get("circle");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(std::string(e.what()),
                testing::HasSubstr("unknown test-shape 'circle'; registered: line, square"));
  }
}

TEST(RegistryTest, DuplicateNameIsRejected) {
  EXPECT_THROW(Registry<ShapeKind>::instance().add("line", "again", [](int a) { return a; }),
               Error);
}

TEST(RegistryTest, CatalogueListsKindsWithDescriptions) {
  const auto& kinds = Catalogue::instance().kinds();
  ASSERT_EQ(kinds.count("test-shape"), 1u);
  const auto& kind = kinds.at("test-shape");
  EXPECT_EQ(kind.description, "shapes registered by this test");
  EXPECT_EQ(kind.entries.at("square"), "four equal sides");
}

}  // namespace
}  // namespace hawx
