// SPDX-License-Identifier: MIT
// Config parsing and validation: every error names the file, the line, the key path and what was
// expected; overrides apply on top of the file and are named in their own errors.
#include "core/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace hawx::config {
namespace {

using ::testing::HasSubstr;

// A small schema in the style of the real specs: a top-level key and one section.
struct Spec {
  std::string name;
  std::int64_t count = 0;
  double ratio = 0.0;
  bool verbose = false;
  std::string mode;
  std::filesystem::path dir;
  std::vector<std::string> tags;
};

Spec read_spec(const std::shared_ptr<Document>& doc) {
  const Section root = doc->root();
  Spec s;
  s.name = root.read(Param<std::string>("name").doc("study name"));
  const Section job = root.section("job", "the job");
  s.count = job.read(Param<std::int64_t>("count").def(10).min(1).max(100).unit("images"));
  s.ratio = job.read(Param<double>("ratio").def(0.5).min(0).max(1));
  s.verbose = job.read(Param<bool>("verbose").def(false));
  s.mode = job.read(Param<std::string>("mode").def("ws").one_of({"ws", "os", "is"}));
  s.dir = job.read(Param<std::filesystem::path>("dir").def("out"));
  s.tags = job.read(Param<std::vector<std::string>>("tags").def({}));
  doc->finish();
  return s;
}

Spec parse(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return read_spec(Document::parse(yaml, "study.yaml", "/base", overrides));
}

// The message of the ConfigError that parsing throws ("" if none is thrown).
std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse(yaml, overrides);
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.exit_code(), kExitConfig);
    return e.what();
  }
  ADD_FAILURE() << "no ConfigError for:\n" << yaml;
  return "";
}

TEST(ConfigTest, ReadsValuesAndAppliesDefaults) {
  const Spec s = parse("name: a\njob:\n  count: 7\n  mode: os\n  tags: [x, y]\n");
  EXPECT_EQ(s.name, "a");
  EXPECT_EQ(s.count, 7);
  EXPECT_DOUBLE_EQ(s.ratio, 0.5);
  EXPECT_FALSE(s.verbose);
  EXPECT_EQ(s.mode, "os");
  EXPECT_EQ(s.dir, std::filesystem::path("/base/out"));
  EXPECT_EQ(s.tags, (std::vector<std::string>{"x", "y"}));
}

TEST(ConfigTest, AbsentOrEmptySectionMeansDefaults) {
  EXPECT_EQ(parse("name: a\n").count, 10);
  EXPECT_EQ(parse("name: a\njob:\n").count, 10);
}

TEST(ConfigTest, UnknownKeyNamesLineKeyPathAndExpectedKeys) {
  const std::string e = error_of("name: a\njob:\n  count: 5\n  cuont: 6\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:4:3"));
  EXPECT_THAT(e, HasSubstr("job.cuont: unknown key"));
  EXPECT_THAT(e, HasSubstr("expected one of: count, ratio, verbose, mode, dir, tags"));
  EXPECT_THAT(e, HasSubstr("did you mean 'count'?"));
}

TEST(ConfigTest, UnknownTopLevelKey) {
  const std::string e = error_of("name: a\nmodel: lenet\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:2:1: model: unknown key"));
  EXPECT_THAT(e, HasSubstr("one of: name, job"));
}

TEST(ConfigTest, WrongTypeNamesLineKeyAndExpectation) {
  std::string e = error_of("name: a\njob:\n  count: many\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:3:10: job.count: expected an integer in [1, 100] (images), "
                           "got 'many'"));
  e = error_of("name: a\njob:\n  count: 2.5\n");
  EXPECT_THAT(e, HasSubstr("job.count: expected an integer"));
  e = error_of("name: a\njob:\n  verbose: yes\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:3:12: job.verbose: expected a boolean, got 'yes'"));
  e = error_of("name: a\njob:\n  ratio: [1]\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:3:10: job.ratio: expected a number in [0, 1], got a list"));
  e = error_of("name: a\njob: 3\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:2:6: job: expected a map of keys (the job), got '3'"));
  e = error_of("name: a\njob:\n  tags: x\n");
  EXPECT_THAT(e, HasSubstr("job.tags: expected a list of strings, got 'x'"));
  e = error_of("name: a\njob:\n  count:\n");
  EXPECT_THAT(e, HasSubstr("job.count: expected an integer in [1, 100] (images), got no value"));
}

TEST(ConfigTest, MissingRequiredKey) {
  const std::string e = error_of("job:\n  count: 3\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:1:1: name: missing required key; expected a string"));
}

TEST(ConfigTest, MissingRequiredKeyPointsAtLikelyMisspelling) {
  const std::string e = error_of("nmae: a\n");
  EXPECT_THAT(e, HasSubstr("name: missing required key"));
  EXPECT_THAT(e, HasSubstr("is 'nmae' at line 1 a misspelling of it?"));
}

TEST(ConfigTest, OutOfRangeValues) {
  EXPECT_THAT(error_of("name: a\njob:\n  count: 0\n"),
              HasSubstr("study.yaml:3:10: job.count: expected an integer in [1, 100] (images), "
                        "got '0'"));
  EXPECT_THAT(error_of("name: a\njob:\n  count: 101\n"), HasSubstr("got '101'"));
  EXPECT_THAT(error_of("name: a\njob:\n  ratio: -0.1\n"),
              HasSubstr("job.ratio: expected a number in [0, 1], got '-0.1'"));
  EXPECT_THAT(error_of("name: a\njob:\n  mode: xs\n"),
              HasSubstr("study.yaml:3:9: job.mode: expected one of: ws, os, is, got 'xs'"));
}

TEST(ConfigTest, YamlSyntaxErrorNamesLine) {
  const std::string e = error_of("name: a\njob:\n  count: [1, 2\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:"));
  EXPECT_THAT(e, HasSubstr("not valid YAML"));
}

TEST(ConfigTest, DuplicateKeyIsAnError) {
  const std::string e = error_of("name: a\njob:\n  count: 3\n  count: 4\n");
  EXPECT_THAT(e, HasSubstr("study.yaml:4: duplicate key 'count' (first given at line 3)"));
}

TEST(ConfigTest, TopLevelMustBeAMap) {
  EXPECT_THAT(error_of("- a\n- b\n"), HasSubstr("expected a map of keys at the top level"));
}

TEST(ConfigTest, OverridesReplaceAndAddValues) {
  const Spec s = parse("name: a\njob:\n  count: 5\n",
                       {"job.count=42", "job.mode=is", "name=b", "job.tags=[p, q]"});
  EXPECT_EQ(s.count, 42);
  EXPECT_EQ(s.mode, "is");
  EXPECT_EQ(s.name, "b");
  EXPECT_EQ(s.tags, (std::vector<std::string>{"p", "q"}));
}

TEST(ConfigTest, OverrideCreatesMissingSection) {
  EXPECT_EQ(parse("name: a\n", {"job.count=9"}).count, 9);
}

TEST(ConfigTest, LaterOverrideWins) {
  EXPECT_EQ(parse("name: a\n", {"job.count=9", "job.count=11"}).count, 11);
}

TEST(ConfigTest, OverrideErrorsNameTheOverride) {
  EXPECT_THAT(error_of("name: a\n", {"job.count=zero"}),
              HasSubstr("override '-p job.count=zero': job.count: expected an integer"));
  EXPECT_THAT(error_of("name: a\n", {"job.cont=3"}),
              HasSubstr("override '-p job.cont=3': job.cont: unknown key"));
  EXPECT_THAT(error_of("name: a\n", {"job.count"}),
              HasSubstr("override '-p job.count': expected key.path=value"));
  EXPECT_THAT(error_of("name: a\n", {"job..count=1"}), HasSubstr("non-empty keys"));
  EXPECT_THAT(error_of("name: a\n", {"name.first=x"}),
              HasSubstr("override '-p name.first=x': name is 'a', not a map of keys or a list"));
}

TEST(ConfigTest, ResolvedConfigHoldsOverridesAndDefaults) {
  auto doc =
      Document::parse("name: a\njob:\n  count: 5\n", "study.yaml", "/base", {"job.ratio=0.25"});
  read_spec(doc);
  const YAML::Node resolved = YAML::Load(doc->resolved_yaml());
  EXPECT_EQ(resolved["name"].as<std::string>(), "a");
  EXPECT_EQ(resolved["job"]["count"].as<int>(), 5);
  EXPECT_DOUBLE_EQ(resolved["job"]["ratio"].as<double>(), 0.25);
  EXPECT_EQ(resolved["job"]["mode"].as<std::string>(), "ws");
  EXPECT_EQ(resolved["job"]["dir"].as<std::string>(), "/base/out");
  EXPECT_FALSE(resolved["job"]["verbose"].as<bool>());
  // The resolved config is itself a valid config that reads back to the same spec.
  const Spec again =
      read_spec(Document::parse(doc->resolved_yaml(), "resolved.yaml", "/elsewhere"));
  EXPECT_EQ(again.count, 5);
  EXPECT_DOUBLE_EQ(again.ratio, 0.25);
  EXPECT_EQ(again.dir, std::filesystem::path("/base/out"));
}

TEST(ConfigTest, DeclaredKeysDescribeTheSchema) {
  auto doc = Document::parse("name: a\n", "study.yaml", "/base");
  read_spec(doc);
  bool found = false;
  for (const auto& k : doc->declared()) {
    if (k.path == "job.count") {
      found = true;
      EXPECT_EQ(k.type, "integer");
      EXPECT_EQ(k.default_text, "10");
      EXPECT_EQ(k.unit, "images");
      EXPECT_EQ(k.constraint, "in [1, 100]");
    }
    if (k.path == "name") {
      EXPECT_EQ(k.default_text, "(required)");
    }
  }
  EXPECT_TRUE(found);
}

// A list of maps with an optional key, as the multiplier list of a study reads it.
struct Item {
  std::string kind;
  std::optional<double> area;
};

std::vector<Item> read_items(const std::shared_ptr<Document>& doc) {
  std::vector<Item> items;
  for (const Section& s : doc->root().list("items", "the items")) {
    Item item;
    item.kind = s.read(Param<std::string>("kind").one_of({"x", "y"}));
    item.area = s.read_optional(Param<double>("area").min(0).unit("um^2"));
    items.push_back(item);
  }
  doc->finish();
  return items;
}

TEST(ConfigTest, ListsOfMapsWithOptionalKeys) {
  auto doc = Document::parse("items:\n  - kind: x\n  - kind: y\n    area: 2.5\n", "s.yaml", "/");
  const auto items = read_items(doc);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].kind, "x");
  EXPECT_FALSE(items[0].area.has_value());
  EXPECT_DOUBLE_EQ(*items[1].area, 2.5);
  const YAML::Node resolved = YAML::Load(doc->resolved_yaml());
  EXPECT_EQ(resolved["items"][1]["area"].as<double>(), 2.5);
  EXPECT_FALSE(resolved["items"][0]["area"]);
  bool documented = false;
  for (const auto& k : doc->declared()) {
    if (k.path == "items[].area") {
      documented = true;
      EXPECT_EQ(k.default_text, "(optional)");
    }
  }
  EXPECT_TRUE(documented);
}

TEST(ConfigTest, ErrorsInsideListItemsNameTheItem) {
  auto error = [](const std::string& yaml, const std::vector<std::string>& overrides = {}) {
    try {
      read_items(Document::parse(yaml, "s.yaml", "/", overrides));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error("items:\n  - kind: x\n  - kind: y\n    aera: 1\n"),
              HasSubstr("s.yaml:4:5: items[1].aera: unknown key; expected one of: kind, area "
                        "(did you mean 'area'?)"));
  EXPECT_THAT(error("items:\n  - kind: z\n"),
              HasSubstr("s.yaml:2:11: items[0].kind: expected one of: x, y, got 'z'"));
  EXPECT_THAT(error("items:\n  - kind: x\n    area: -1\n"),
              HasSubstr("items[0].area: expected a number >= 0 (um^2), got '-1'"));
  EXPECT_THAT(error("items: x\n"), HasSubstr("s.yaml:1:8: items: expected a list (the items)"));
  EXPECT_THAT(error("items:\n  - x\n"), HasSubstr("items[0]: expected a map of keys, got 'x'"));
  EXPECT_THAT(error("items:\n  - kind: x\n", {"items.0.kind=q"}),
              HasSubstr("override '-p items.0.kind=q': items[0].kind: expected one of: x, y"));
  EXPECT_THAT(error("items:\n  - kind: x\n", {"items.3.kind=x"}),
              HasSubstr("'3' is not an item of the list (it has 1)"));
}

TEST(ConfigTest, OverrideSetsAKeyOfAListItem) {
  const auto items = read_items(
      Document::parse("items:\n  - kind: x\n  - kind: x\n", "s.yaml", "/", {"items.1.kind=y"}));
  EXPECT_EQ(items[1].kind, "y");
}

TEST(ConfigTest, LoadNamesMissingFile) {
  try {
    Document::load("/nonexistent/study.yaml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("/nonexistent/study.yaml"));
    EXPECT_THAT(std::string(e.what()), HasSubstr("no such file"));
  }
}

TEST(ConfigTest, LoadAnchorsRelativePathsAtTheConfigFolder) {
  test::TempDir dir;
  test::write_file(dir / "sub/study.yaml", "name: a\njob:\n  dir: ../data\n");
  const Spec s = read_spec(Document::load(dir / "sub/study.yaml"));
  EXPECT_EQ(s.dir, (dir.path() / "data").lexically_normal());
}

}  // namespace
}  // namespace hawx::config
