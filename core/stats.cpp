// SPDX-License-Identifier: MIT
#include "core/stats.h"

#include <fstream>
#include <sstream>

#include "core/errors.h"

namespace hawx {

StatsTree& StatsTree::group(const std::string& name) {
  for (auto& [n, g] : groups_) {
    if (n == name) return *g;
  }
  groups_.emplace_back(name, std::make_unique<StatsTree>());
  return *groups_.back().second;
}

void StatsTree::set(const std::string& name, Value value, std::string unit,
                    std::string description) {
  for (auto& f : figures_) {
    if (f.name == name) {
      f = Figure{name, std::move(value), std::move(unit), std::move(description)};
      return;
    }
  }
  figures_.push_back(Figure{name, std::move(value), std::move(unit), std::move(description)});
}

const StatsTree::Value& StatsTree::at(const std::string& path) const {
  const auto slash = path.find('/');
  if (slash == std::string::npos) {
    for (const auto& f : figures_) {
      if (f.name == path) return f.value;
    }
  } else {
    const std::string head = path.substr(0, slash);
    for (const auto& [n, g] : groups_) {
      if (n == head) return g->at(path.substr(slash + 1));
    }
  }
  throw Error("no statistic '" + path + "'");
}

nlohmann::ordered_json StatsTree::to_json() const {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& f : figures_) {
    std::visit([&](const auto& v) { out[f.name] = v; }, f.value);
  }
  for (const auto& [n, g] : groups_) out[n] = g->to_json();
  return out;
}

namespace {
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_file(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  if (!out) throw Error("cannot write '" + file.string() + "'");
}
}  // namespace

void StatsTree::append_csv(std::string& out, const std::string& prefix) const {
  for (const auto& f : figures_) {
    std::string value;
    std::visit(
        [&](const auto& v) {
          std::ostringstream s;
          s << v;
          value = s.str();
        },
        f.value);
    out += csv_field(prefix + f.name) + "," + csv_field(value) + "," + csv_field(f.unit) + "," +
           csv_field(f.description) + "\n";
  }
  for (const auto& [n, g] : groups_) g->append_csv(out, prefix + n + "/");
}

void StatsTree::write_json(const std::filesystem::path& file) const {
  write_file(file, to_json().dump(2) + "\n");
}

void StatsTree::write_csv(const std::filesystem::path& file) const {
  std::string out = "path,value,unit,description\n";
  append_csv(out, "");
  write_file(file, out);
}

}  // namespace hawx
