// SPDX-License-Identifier: MIT
// The statistics tree: every stage and simulator component reports named figures, with units and
// a one-line description, into one tree. Written as JSON (values only, nested by group, so that
// scripts read stats["dataset"]["test"]["images"]) and as CSV (path, value, unit, description).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace hawx {

class StatsTree {
 public:
  using Value = std::variant<std::int64_t, double, std::string>;

  // The child group `name`, created on first use; groups keep the order they were made in.
  StatsTree& group(const std::string& name);
  // Sets (or replaces) the figure `name` of this group.
  void set(const std::string& name, Value value, std::string unit = "",
           std::string description = "");
  // The figure at a '/'-separated path, e.g. "dataset/test/images"; throws if absent.
  const Value& at(const std::string& path) const;

  nlohmann::ordered_json to_json() const;
  void write_json(const std::filesystem::path& file) const;
  void write_csv(const std::filesystem::path& file) const;

 private:
  struct Figure {
    std::string name;
    Value value;
    std::string unit;
    std::string description;
  };
  void append_csv(std::string& out, const std::string& prefix) const;

  std::vector<Figure> figures_;
  std::vector<std::pair<std::string, std::unique_ptr<StatsTree>>> groups_;
};

}  // namespace hawx
