// SPDX-License-Identifier: MIT
// Configuration: YAML files plus `-p key.path=value` overrides, read into plain value specs.
//
// Every parameter is declared once, where it is read, with its type, default, unit and
// description (Param<T>). Reading validates: a missing required key, a value of the wrong type or
// out of range, a value outside a fixed set, and (at the end, Document::finish) any key nobody
// read, each throw one ConfigError naming the file, the line, the key path and what was expected:
//
//   configs/q.yaml:7:3: dataset.test_limit: expected an integer >= 0 (images), got 'many'
//
// Values from an override name the override instead of a line. Relative paths are resolved against
// the config file's folder. Everything read, defaults included, is recorded so that the fully
// resolved config can be written next to the results and the declared keys listed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/errors.h"

namespace hawx::config {

// One declared key, for documentation (`hawx-cosim validate --keys`).
struct KeyDoc {
  std::string path;
  std::string type;
  std::string default_text;  // "(required)" when there is no default
  std::string unit;
  std::string constraint;
  std::string description;
};

template <class T>
class Param {
 public:
  explicit Param(std::string key) : key_(std::move(key)) {}
  Param& def(T value) {
    default_ = std::move(value);
    return *this;
  }
  Param& unit(std::string u) {
    unit_ = std::move(u);
    return *this;
  }
  Param& doc(std::string d) {
    doc_ = std::move(d);
    return *this;
  }
  Param& min(double v) {
    min_ = v;
    min_exclusive_ = false;
    return *this;
  }
  // The value must be greater than v (an exclusive minimum, e.g. a rate that cannot be 0).
  Param& above(double v) {
    min_ = v;
    min_exclusive_ = true;
    return *this;
  }
  Param& max(double v) {
    max_ = v;
    return *this;
  }
  Param& one_of(std::vector<std::string> choices) {
    choices_ = std::move(choices);
    return *this;
  }

  const std::string& key() const { return key_; }
  const std::optional<T>& default_value() const { return default_; }
  const std::string& unit_text() const { return unit_; }
  const std::string& doc_text() const { return doc_; }
  const std::optional<double>& min_value() const { return min_; }
  bool min_exclusive() const { return min_exclusive_; }
  const std::optional<double>& max_value() const { return max_; }
  const std::vector<std::string>& choices() const { return choices_; }

 private:
  std::string key_;
  std::optional<T> default_;
  std::string unit_;
  std::string doc_;
  std::optional<double> min_, max_;
  bool min_exclusive_ = false;
  std::vector<std::string> choices_;
};

class Section;

// A parsed config file with its overrides applied, plus the bookkeeping of what was read.
class Document : public std::enable_shared_from_this<Document> {
 public:
  // `overrides` are "key.path=value" strings, applied on top of the file in order.
  static std::shared_ptr<Document> load(const std::filesystem::path& file,
                                        const std::vector<std::string>& overrides = {});
  // The same from text; `name` stands for the file in messages, `base_dir` anchors paths.
  static std::shared_ptr<Document> parse(const std::string& yaml_text, const std::string& name,
                                         const std::filesystem::path& base_dir,
                                         const std::vector<std::string>& overrides = {});

  Section root();
  // Throws ConfigError for the first key (in file order) that no reader consumed.
  void finish() const;

  const std::string& name() const { return name_; }
  const std::filesystem::path& base_dir() const { return base_dir_; }
  // The resolved config: every key that was read, with its final value (defaults included).
  std::string resolved_yaml() const;
  const std::vector<KeyDoc>& declared() const { return declared_; }

  // Implementation interface for Section.
  using Path = std::vector<std::string>;
  std::string where(const Path& path, const YAML::Mark& mark) const;
  [[noreturn]] void fail(const Path& path, const YAML::Mark& mark, const std::string& what) const;
  void consume(const Path& path, bool leaf);
  void declare(const Path& path, KeyDoc doc);
  void record(const Path& path, const YAML::Node& value);
  std::string misspelling_hint(const Path& section, const YAML::Node& map,
                               const std::string& key) const;

 private:
  Document(YAML::Node tree, std::string name, std::filesystem::path base_dir);
  void apply_override(const std::string& text);
  void check_unknown(const YAML::Node& map, const Path& path) const;

  YAML::Node tree_;
  YAML::Node resolved_;
  std::string name_;
  std::filesystem::path base_dir_;
  std::vector<std::pair<Path, std::string>> overrides_;  // path -> the override's text
  std::set<Path> consumed_;                              // every key read
  std::set<Path> leaves_;                                // keys read as values, not sections
  std::vector<KeyDoc> declared_;
  std::vector<Path> declared_paths_;  // every key read, in the order first read
};

// A map in the document at a key path. Cheap to copy.
class Section {
 public:
  Section(std::shared_ptr<Document> doc, YAML::Node node, Document::Path path);

  template <class T>
  T read(const Param<T>& param) const;

  // The map under `key`. An absent key gives an empty section (its keys' defaults apply).
  Section section(const std::string& key, const std::string& description) const;
  // The list of maps under `key` (each item a section, path "key[i]"); absent means empty.
  std::vector<Section> list(const std::string& key, const std::string& description) const;
  // A key that may be left out, with no default: nullopt when absent.
  template <class T>
  std::optional<T> read_optional(const Param<T>& param) const;

  bool has(const std::string& key) const;
  // "dataset.test_limit" for key "test_limit" in section "dataset".
  std::string path_of(const std::string& key) const;
  // A semantic error about `key` of this section, located like any other config error.
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;

 private:
  YAML::Node child(const std::string& key) const;
  Document::Path child_path(const std::string& key) const;
  template <class T>
  void declare(const Param<T>& param, bool optional = false) const;

  std::shared_ptr<Document> doc_;
  YAML::Node node_;
  Document::Path path_;
};

// Conversion of a YAML value to T; specialised for the supported parameter types.
template <class T>
struct Convert;

template <>
struct Convert<bool> {
  static const char* type_name() { return "boolean"; }
  static std::optional<bool> parse(const YAML::Node& n, const Document&);
  static YAML::Node emit(bool v) { return YAML::Node(v); }
  static std::string text(bool v) { return v ? "true" : "false"; }
};
template <>
struct Convert<std::int64_t> {
  static const char* type_name() { return "integer"; }
  static std::optional<std::int64_t> parse(const YAML::Node& n, const Document&);
  static YAML::Node emit(std::int64_t v) { return YAML::Node(v); }
  static std::string text(std::int64_t v) { return std::to_string(v); }
};
template <>
struct Convert<double> {
  static const char* type_name() { return "number"; }
  static std::optional<double> parse(const YAML::Node& n, const Document&);
  static YAML::Node emit(double v) { return YAML::Node(v); }
  static std::string text(double v);
};
template <>
struct Convert<std::string> {
  static const char* type_name() { return "string"; }
  static std::optional<std::string> parse(const YAML::Node& n, const Document&);
  static YAML::Node emit(const std::string& v) { return YAML::Node(v); }
  static std::string text(const std::string& v) { return v; }
};
// Relative paths are anchored at the config file's folder; the resolved config holds them absolute.
template <>
struct Convert<std::filesystem::path> {
  static const char* type_name() { return "path"; }
  static std::optional<std::filesystem::path> parse(const YAML::Node& n, const Document& doc);
  static std::filesystem::path anchor(const std::filesystem::path& p, const Document& doc);
  static YAML::Node emit(const std::filesystem::path& v) { return YAML::Node(v.string()); }
  static std::string text(const std::filesystem::path& v) { return v.string(); }
};
template <>
struct Convert<std::vector<std::string>> {
  static const char* type_name() { return "list of strings"; }
  static std::optional<std::vector<std::string>> parse(const YAML::Node& n, const Document&);
  static YAML::Node emit(const std::vector<std::string>& v);
  static std::string text(const std::vector<std::string>& v);
};

template <>
struct Convert<std::vector<std::filesystem::path>> {
  static const char* type_name() { return "list of paths"; }
  static std::optional<std::vector<std::filesystem::path>> parse(const YAML::Node& n,
                                                                 const Document& doc);
  static YAML::Node emit(const std::vector<std::filesystem::path>& v);
  static std::string text(const std::vector<std::filesystem::path>& v);
};

// "an integer >= 0", "a number in [0, 1]", "a number > 0", "one of: a, b" — the expectation
// stated in errors; `min_exclusive`: the value must exceed min.
std::string describe_expectation(const char* type_name, const std::optional<double>& min,
                                 const std::optional<double>& max,
                                 const std::vector<std::string>& choices, const std::string& unit,
                                 bool min_exclusive = false);
// The scalar text of a node for messages ("a map" / "a list" for collections).
std::string describe_value(const YAML::Node& n);

template <class T>
void Section::declare(const Param<T>& param, bool optional) const {
  KeyDoc d;  // its path is set by Document::declare
  d.type = Convert<T>::type_name();
  d.default_text = param.default_value() ? Convert<T>::text(*param.default_value())
                   : optional            ? "(optional)"
                                         : "(required)";
  d.unit = param.unit_text();
  d.constraint = describe_expectation("", param.min_value(), param.max_value(), param.choices(), "",
                                      param.min_exclusive());
  d.description = param.doc_text();
  doc_->declare(child_path(param.key()), std::move(d));
}

template <class T>
std::optional<T> Section::read_optional(const Param<T>& param) const {
  std::optional<T> value;
  if (has(param.key())) {
    value = read(param);
  } else {
    doc_->consume(child_path(param.key()), true);
  }
  declare(param, true);  // after read(), which declares keys as required
  return value;
}

template <class T>
T Section::read(const Param<T>& param) const {
  declare(param);
  const auto path = child_path(param.key());
  doc_->consume(path, true);
  const YAML::Node value = child(param.key());
  const std::string expected =
      describe_expectation(Convert<T>::type_name(), param.min_value(), param.max_value(),
                           param.choices(), param.unit_text(), param.min_exclusive());
  if (!value) {
    if (!param.default_value()) {
      doc_->fail(path_, node_ ? node_.Mark() : YAML::Mark::null_mark(),
                 path_of(param.key()) + ": missing required key; expected " + expected +
                     doc_->misspelling_hint(path_, node_, param.key()));
    }
    T value_or_default = *param.default_value();
    if constexpr (std::is_same_v<T, std::filesystem::path>) {
      value_or_default = Convert<T>::anchor(value_or_default, *doc_);
    }
    doc_->record(path, Convert<T>::emit(value_or_default));
    return value_or_default;
  }
  std::optional<T> parsed = Convert<T>::parse(value, *doc_);
  bool ok = parsed.has_value();
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    if (ok && param.min_value()) {
      const auto v = static_cast<double>(*parsed);
      if (param.min_exclusive() ? !(v > *param.min_value()) : v < *param.min_value()) ok = false;
    }
    if (ok && param.max_value() && static_cast<double>(*parsed) > *param.max_value()) ok = false;
  }
  if constexpr (std::is_same_v<T, std::string>) {
    if (ok && !param.choices().empty()) {
      bool found = false;
      for (const auto& c : param.choices()) found = found || c == *parsed;
      ok = found;
    }
  }
  if (!ok) {
    doc_->fail(path, value.Mark(),
               path_of(param.key()) + ": expected " + expected + ", got " + describe_value(value));
  }
  doc_->record(path, Convert<T>::emit(*parsed));
  return *parsed;
}

}  // namespace hawx::config
