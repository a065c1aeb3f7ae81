// SPDX-License-Identifier: MIT
#include "core/config.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace hawx::config {
namespace fs = std::filesystem;

namespace {

bool is_index(const std::string& component) { return !component.empty() && component[0] == '['; }

// "multipliers[0].top" from {"multipliers", "[0]", "top"}.
std::string join(const Document::Path& path) {
  std::string out;
  for (const auto& part : path) out += (out.empty() || is_index(part) ? "" : ".") + part;
  return out;
}

// Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("cuont").
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

bool close_spelling(const std::string& a, const std::string& b) {
  return edit_distance(a, b) <= std::max<std::size_t>(1, std::min(a.size(), b.size()) / 3);
}

std::string format_number(double v) {
  std::ostringstream s;
  s << v;
  return s.str();
}

// yaml-cpp keeps every pair of a map with repeated keys and returns the first on lookup, so a
// repeated key would silently lose the later value. Reject it with both lines.
void check_duplicates(const YAML::Node& node, const std::string& file) {
  if (node.IsMap()) {
    std::map<std::string, int> seen;
    for (const auto& kv : node) {
      const auto key = kv.first.Scalar();
      const int line = kv.first.Mark().line + 1;
      auto [it, fresh] = seen.emplace(key, line);
      if (!fresh) {
        throw ConfigError(file + ":" + std::to_string(line) + ": duplicate key '" + key +
                          "' (first given at line " + std::to_string(it->second) + ")");
      }
      check_duplicates(kv.second, file);
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) check_duplicates(item, file);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Document

Document::Document(YAML::Node tree, std::string name, fs::path base_dir)
    : tree_(std::move(tree)),
      resolved_(YAML::NodeType::Map),
      name_(std::move(name)),
      base_dir_(std::move(base_dir)) {}

std::shared_ptr<Document> Document::load(const fs::path& file,
                                         const std::vector<std::string>& overrides) {
  std::ifstream in(file);
  if (!in) {
    throw ConfigError("cannot read config file '" + file.string() +
                      "': " + (fs::exists(file) ? "permission denied" : "no such file"));
  }
  std::stringstream text;
  text << in.rdbuf();
  const fs::path base = fs::absolute(file).parent_path();
  return parse(text.str(), file.string(), base, overrides);
}

std::shared_ptr<Document> Document::parse(const std::string& yaml_text, const std::string& name,
                                          const fs::path& base_dir,
                                          const std::vector<std::string>& overrides) {
  YAML::Node tree;
  try {
    tree = YAML::Load(yaml_text);
  } catch (const YAML::ParserException& e) {
    throw ConfigError(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                      std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg);
  }
  if (tree.IsNull()) tree.reset(YAML::Node(YAML::NodeType::Map));  // an empty file: defaults
  if (!tree.IsMap()) {
    throw ConfigError(name + ":" + std::to_string(tree.Mark().line + 1) +
                      ": expected a map of keys at the top level, got " + describe_value(tree));
  }
  check_duplicates(tree, name);
  std::shared_ptr<Document> doc(new Document(tree, name, base_dir));
  for (const auto& o : overrides) doc->apply_override(o);
  return doc;
}

void Document::apply_override(const std::string& text) {
  const std::string shown = "override '-p " + text + "'";
  const auto eq = text.find('=');
  if (eq == std::string::npos) {
    throw ConfigError(shown + ": expected key.path=value");
  }
  Path path;
  std::stringstream keys(text.substr(0, eq));
  for (std::string part; std::getline(keys, part, '.');) path.push_back(part);
  if (path.empty() || std::any_of(path.begin(), path.end(), [](auto& p) { return p.empty(); })) {
    throw ConfigError(shown + ": expected key.path=value with non-empty keys");
  }
  YAML::Node value;
  try {
    value = YAML::Load(text.substr(eq + 1));
  } catch (const YAML::ParserException& e) {
    throw ConfigError(shown + ": the value is not valid YAML: " + e.msg);
  }
  // Walk down, creating maps where the file has none; a scalar in the way is an error.
  YAML::Node node = tree_;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    if (node.IsSequence()) {  // "multipliers.1.top": item 1 of a list
      std::size_t index = 0;
      auto [end, ec] = std::from_chars(path[i].data(), path[i].data() + path[i].size(), index);
      if (ec != std::errc() || end != path[i].data() + path[i].size() || index >= node.size()) {
        throw ConfigError(shown + ": '" + path[i] + "' is not an item of the list (it has " +
                          std::to_string(node.size()) + ")");
      }
      path[i] = "[" + path[i] + "]";
      YAML::Node item;
      item.reset(node[index]);
      node.reset(item);
      continue;
    }
    YAML::Node next = node[path[i]];
    if (!next.IsDefined() || next.IsNull()) {
      node[path[i]] = YAML::Node(YAML::NodeType::Map);
      next.reset(node[path[i]]);
    } else if (!next.IsMap() && !next.IsSequence()) {
      const Path prefix(path.begin(), path.begin() + static_cast<std::ptrdiff_t>(i) + 1);
      throw ConfigError(shown + ": " + join(prefix) + " is " + describe_value(next) +
                        ", not a map of keys or a list");
    }
    node.reset(next);
  }
  node[path.back()] = value;
  overrides_.emplace_back(path, text);
}

Section Document::root() { return Section(shared_from_this(), tree_, {}); }

std::string Document::where(const Path& path, const YAML::Mark& mark) const {
  // The latest override that covers the path (equal or a prefix of it) decides.
  for (auto it = overrides_.rbegin(); it != overrides_.rend(); ++it) {
    const Path& p = it->first;
    if (p.size() <= path.size() && std::equal(p.begin(), p.end(), path.begin())) {
      return "override '-p " + it->second + "'";
    }
  }
  if (mark.is_null()) return name_;
  return name_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void Document::fail(const Path& path, const YAML::Mark& mark, const std::string& what) const {
  throw ConfigError(where(path, mark) + ": " + what);
}

void Document::consume(const Path& path, bool leaf) {
  consumed_.insert(path);
  if (leaf) leaves_.insert(path);
}

void Document::declare(const Path& path, KeyDoc doc) {
  if (std::find(declared_paths_.begin(), declared_paths_.end(), path) == declared_paths_.end()) {
    declared_paths_.push_back(path);
  }
  // Documented once per key, whatever list item it was read in: "multipliers[].top".
  Path generic = path;
  for (auto& part : generic) {
    if (is_index(part)) part = "[]";
  }
  doc.path = join(generic);
  for (auto& d : declared_) {
    if (d.path == doc.path) {
      d = std::move(doc);
      return;
    }
  }
  declared_.push_back(std::move(doc));
}

void Document::record(const Path& path, const YAML::Node& value) {
  // Walk down the resolved tree, making maps for keys and lists for "[i]" components.
  YAML::Node node = resolved_;
  for (std::size_t i = 0; i + 1 < path.size(); ++i) {
    const bool list_next = is_index(path[i + 1]);
    YAML::Node next;
    if (is_index(path[i])) {
      const std::size_t index = std::stoul(path[i].substr(1));
      while (node.size() <= index) node.push_back(YAML::Node(YAML::NodeType::Map));
      next.reset(node[index]);
      if (list_next && !next.IsSequence()) {
        node[index] = YAML::Node(YAML::NodeType::Sequence);
        next.reset(node[index]);
      }
    } else {
      next.reset(node[path[i]]);
      const bool right_kind = list_next ? next.IsSequence() : next.IsMap();
      if (!right_kind) {
        node[path[i]] = YAML::Node(list_next ? YAML::NodeType::Sequence : YAML::NodeType::Map);
        next.reset(node[path[i]]);
      }
    }
    node.reset(next);
  }
  node[path.back()] = value;
}

std::string Document::misspelling_hint(const Path& section, const YAML::Node& map,
                                       const std::string& key) const {
  if (!map || !map.IsMap()) return "";
  for (const auto& kv : map) {
    Path p = section;
    p.push_back(kv.first.Scalar());
    if (!consumed_.count(p) && close_spelling(kv.first.Scalar(), key)) {
      return " (is '" + kv.first.Scalar() + "' at line " +
             std::to_string(kv.first.Mark().line + 1) + " a misspelling of it?)";
    }
  }
  return "";
}

void Document::finish() const { check_unknown(tree_, {}); }

void Document::check_unknown(const YAML::Node& map, const Path& path) const {
  for (const auto& kv : map) {
    Path p = path;
    p.push_back(kv.first.Scalar());
    if (!consumed_.count(p)) {
      std::vector<std::string> known;  // the keys read here, in the order they are declared
      for (const auto& c : declared_paths_) {
        if (c.size() == p.size() && std::equal(path.begin(), path.end(), c.begin())) {
          known.push_back(c.back());
        }
      }
      std::string expected = known.empty() ? "no keys here" : "";
      std::string suggestion;
      for (const auto& k : known) {
        expected += (expected.empty() ? "one of: " : ", ") + k;
        if (suggestion.empty() && close_spelling(k, p.back())) {
          suggestion = " (did you mean '" + k + "'?)";
        }
      }
      fail(p, kv.first.Mark(), join(p) + ": unknown key; expected " + expected + suggestion);
    }
    if (leaves_.count(p)) continue;
    if (kv.second.IsMap()) check_unknown(kv.second, p);
    if (kv.second.IsSequence()) {
      for (std::size_t i = 0; i < kv.second.size(); ++i) {
        Path item = p;
        item.push_back("[" + std::to_string(i) + "]");
        if (kv.second[i].IsMap()) check_unknown(kv.second[i], item);
      }
    }
  }
}

std::string Document::resolved_yaml() const {
  YAML::Emitter out;
  out << resolved_;
  return std::string(out.c_str()) + "\n";
}

// ---------------------------------------------------------------------------------------------
// Section

Section::Section(std::shared_ptr<Document> doc, YAML::Node node, Document::Path path)
    : doc_(std::move(doc)), node_(std::move(node)), path_(std::move(path)) {}

YAML::Node Section::child(const std::string& key) const {
  if (!node_ || !node_.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& map = node_;
  for (const auto& kv : map) {
    if (kv.first.Scalar() == key) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

Document::Path Section::child_path(const std::string& key) const {
  Document::Path p = path_;
  p.push_back(key);
  return p;
}

std::string Section::path_of(const std::string& key) const { return join(child_path(key)); }

bool Section::has(const std::string& key) const { return child(key).IsDefined(); }

Section Section::section(const std::string& key, const std::string& description) const {
  const auto path = child_path(key);
  doc_->consume(path, false);
  KeyDoc d;
  d.type = "map";
  d.description = description;
  doc_->declare(path, std::move(d));
  YAML::Node value = child(key);
  if (value && !value.IsMap() && !value.IsNull()) {
    doc_->fail(path, value.Mark(),
               join(path) + ": expected a map of keys (" + description + "), got " +
                   describe_value(value));
  }
  // "dataset:" with nothing under it means the same as leaving the key out.
  if (value && value.IsNull()) value.reset(YAML::Node(YAML::NodeType::Undefined));
  return Section(doc_, value, path);
}

std::vector<Section> Section::list(const std::string& key, const std::string& description) const {
  const auto path = child_path(key);
  doc_->consume(path, false);
  KeyDoc d;
  d.type = "list of maps";
  d.description = description;
  doc_->declare(path, std::move(d));
  const YAML::Node value = child(key);
  std::vector<Section> items;
  if (!value || value.IsNull()) return items;
  if (!value.IsSequence()) {
    doc_->fail(
        path, value.Mark(),
        join(path) + ": expected a list (" + description + "), got " + describe_value(value));
  }
  for (std::size_t i = 0; i < value.size(); ++i) {
    Document::Path item_path = path;
    item_path.push_back("[" + std::to_string(i) + "]");
    if (!value[i].IsMap()) {
      doc_->fail(item_path, value[i].Mark(),
                 join(item_path) + ": expected a map of keys, got " + describe_value(value[i]));
    }
    items.emplace_back(doc_, value[i], item_path);
  }
  return items;
}

void Section::fail(const std::string& key, const std::string& what) const {
  const YAML::Node value = child(key);
  doc_->fail(child_path(key), value ? value.Mark() : (node_ ? node_.Mark() : YAML::Mark()),
             path_of(key) + ": " + what);
}

// ---------------------------------------------------------------------------------------------
// Conversions

std::optional<bool> Convert<bool>::parse(const YAML::Node& n, const Document&) {
  if (!n.IsScalar()) return std::nullopt;
  if (n.Scalar() == "true") return true;
  if (n.Scalar() == "false") return false;
  return std::nullopt;
}

std::optional<std::int64_t> Convert<std::int64_t>::parse(const YAML::Node& n, const Document&) {
  if (!n.IsScalar()) return std::nullopt;
  const std::string& s = n.Scalar();
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<double> Convert<double>::parse(const YAML::Node& n, const Document&) {
  if (!n.IsScalar() || n.Scalar().empty()) return std::nullopt;
  const std::string& s = n.Scalar();
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string Convert<double>::text(double v) { return format_number(v); }

std::optional<std::string> Convert<std::string>::parse(const YAML::Node& n, const Document&) {
  if (!n.IsScalar()) return std::nullopt;
  return n.Scalar();
}

std::optional<fs::path> Convert<fs::path>::parse(const YAML::Node& n, const Document& doc) {
  if (!n.IsScalar() || n.Scalar().empty()) return std::nullopt;
  return anchor(n.Scalar(), doc);
}

fs::path Convert<fs::path>::anchor(const fs::path& p, const Document& doc) {
  return (p.is_relative() ? doc.base_dir() / p : p).lexically_normal();
}

std::optional<std::vector<std::string>> Convert<std::vector<std::string>>::parse(
    const YAML::Node& n, const Document&) {
  if (!n.IsSequence()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& item : n) {
    if (!item.IsScalar()) return std::nullopt;
    out.push_back(item.Scalar());
  }
  return out;
}

YAML::Node Convert<std::vector<std::string>>::emit(const std::vector<std::string>& v) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const auto& s : v) n.push_back(s);
  return n;
}

std::string Convert<std::vector<std::string>>::text(const std::vector<std::string>& v) {
  std::string out = "[";
  for (const auto& s : v) out += (out.size() > 1 ? ", " : "") + s;
  return out + "]";
}

std::optional<std::vector<fs::path>> Convert<std::vector<fs::path>>::parse(const YAML::Node& n,
                                                                           const Document& doc) {
  if (!n.IsSequence()) return std::nullopt;
  std::vector<fs::path> out;
  for (const auto& item : n) {
    auto p = Convert<fs::path>::parse(item, doc);
    if (!p) return std::nullopt;
    out.push_back(*p);
  }
  return out;
}

YAML::Node Convert<std::vector<fs::path>>::emit(const std::vector<fs::path>& v) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const auto& p : v) n.push_back(p.string());
  return n;
}

std::string Convert<std::vector<fs::path>>::text(const std::vector<fs::path>& v) {
  std::string out = "[";
  for (const auto& p : v) out += (out.size() > 1 ? ", " : "") + p.string();
  return out + "]";
}

std::string describe_expectation(const char* type_name, const std::optional<double>& min,
                                 const std::optional<double>& max,
                                 const std::vector<std::string>& choices, const std::string& unit,
                                 bool min_exclusive) {
  std::string out;
  const std::string type = type_name;
  if (!choices.empty()) {
    out = "one of: ";
    for (std::size_t i = 0; i < choices.size(); ++i) out += (i ? ", " : "") + choices[i];
  } else if (!type.empty()) {
    const bool vowel = std::string("aeiou").find(type[0]) != std::string::npos;
    out = (vowel ? "an " : "a ") + type;
  }
  if (min && max) {
    out += (out.empty() ? "" : " ") + std::string(min_exclusive ? "in (" : "in [") +
           format_number(*min) + ", " + format_number(*max) + "]";
  } else if (min) {
    out +=
        (out.empty() ? "" : " ") + std::string(min_exclusive ? "> " : ">= ") + format_number(*min);
  } else if (max) {
    out += (out.empty() ? "" : " ") + std::string("<= ") + format_number(*max);
  }
  if (!unit.empty()) out += " (" + unit + ")";
  return out;
}

std::string describe_value(const YAML::Node& n) {
  if (n.IsMap()) return "a map";
  if (n.IsSequence()) return "a list";
  if (n.IsNull()) return "no value";
  return "'" + n.Scalar() + "'";
}

}  // namespace hawx::config
