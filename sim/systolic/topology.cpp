// SPDX-License-Identifier: MIT
#include "sim/systolic/topology.h"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/errors.h"

namespace hawx::systolic {
namespace {

namespace fs = std::filesystem;

constexpr const char* kColumns[] = {"Layer name",   "IFMAP Height", "IFMAP Width", "Filter Height",
                                    "Filter Width", "Channels",     "Num Filter",  "Strides"};
constexpr std::size_t kFields = sizeof(kColumns) / sizeof(kColumns[0]);
// Utilisation figures are computed in doubles; below 2^53 every MAC count is exact.
constexpr std::int64_t kMaxMacs = std::int64_t{1} << 53;

std::string columns_text() {
  std::string text;
  for (const char* c : kColumns) text += (text.empty() ? "" : ", ") + std::string(c);
  return text;
}

std::string trim(const std::string& s) {
  std::size_t begin = 0;
  std::size_t end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

// The comma-separated fields of a line, trimmed; SCALE-Sim's trailing comma dropped.
std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(trim(field));
  if (!line.empty() && line.back() == ',') fields.emplace_back();  // getline drops the last one
  if (fields.size() > 1 && fields.back().empty()) fields.pop_back();
  return fields;
}

bool parse_integer(const std::string& text, std::int64_t& value) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(int line, const std::string& what) const {
    throw InputError(source_ + ":" + std::to_string(line) + ": " + what);
  }

  void header(int line, const std::vector<std::string>& fields) const {
    std::int64_t number = 0;
    if (fields.size() >= 2 && parse_integer(fields[1], number)) {
      fail(line, "expected the header line (" + columns_text() +
                     ") before the layers; found a layer (SCALE-Sim skips the first line, so it "
                     "would be lost)");
    }
    if (fields.size() == 4) {
      fail(line,
           "this looks like SCALE-Sim's GEMM topology (Layer name, M, N, K); only the "
           "convolution format is read: " +
               columns_text());
    }
  }

  void layer(int line, const std::vector<std::string>& fields, std::vector<TopologyLayer>& out) {
    if (fields.size() != kFields) {
      std::string what = "expected " + std::to_string(kFields) + " fields (" + columns_text() +
                         ", then an optional trailing comma); found " +
                         std::to_string(fields.size());
      if (fields.size() == kFields + 1) {
        what +=
            ": a ninth column (SCALE-Sim v2's sparsity ratio, older files' column stride or "
            "target) is not supported";
      }
      fail(line, what);
    }
    TopologyLayer layer;
    layer.line = line;
    layer.name = fields[0];
    if (layer.name.empty()) fail(line, "the layer name (first field) is empty");
    std::int64_t values[kFields] = {};
    for (std::size_t i = 1; i < kFields; ++i) {
      if (!parse_integer(fields[i], values[i])) {
        fail(line,
             std::string(kColumns[i]) + " is '" + fields[i] + "'; expected a positive integer");
      }
      if (values[i] < 1) {
        fail(line, std::string(kColumns[i]) + " is " + fields[i] + "; expected a positive integer");
      }
    }
    ConvShape& s = layer.shape;
    s.ifmap_height = values[1];
    s.ifmap_width = values[2];
    s.filter_height = values[3];
    s.filter_width = values[4];
    s.channels = values[5];
    s.filters = values[6];
    s.stride_height = values[7];
    s.stride_width = values[7];
    if (s.filter_height > s.ifmap_height) {
      fail(line, "layer '" + layer.name + "': Filter Height " + fields[3] +
                     " is larger than IFMAP Height " + fields[1]);
    }
    if (s.filter_width > s.ifmap_width) {
      fail(line, "layer '" + layer.name + "': Filter Width " + fields[4] +
                     " is larger than IFMAP Width " + fields[2]);
    }
    try {
      if (layer.gemm().macs() >= kMaxMacs)
        throw std::overflow_error("the MAC count is 2^53 or more");
    } catch (const std::exception& e) {
      fail(line, "layer '" + layer.name + "' is too large: " + e.what());
    }

    if (layer.name.find("DP") == std::string::npos) {
      out.push_back(std::move(layer));
      return;
    }
    // SCALE-Sim's depthwise convention: one single-channel layer per channel.
    const std::int64_t channels = s.channels;
    for (std::int64_t c = 0; c < channels; ++c) {
      TopologyLayer single = layer;
      single.name = layer.name + "Channel_" + std::to_string(c);
      single.shape.channels = 1;
      out.push_back(std::move(single));
    }
  }

 private:
  std::string source_;
};

}  // namespace

Topology parse_topology(const std::string& text, const std::string& source) {
  Parser parser(source);
  Topology topology;
  topology.source = source;
  std::stringstream in(text);
  bool seen_header = false;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (trim(line).empty()) continue;
    const std::vector<std::string> fields = split_fields(trim(line));
    if (!seen_header) {
      parser.header(line_number, fields);
      seen_header = true;
      continue;
    }
    parser.layer(line_number, fields, topology.layers);
  }
  if (!seen_header) {
    throw InputError(source + ": empty; expected SCALE-Sim's header line (" + columns_text() +
                     ") and one line per layer");
  }
  if (topology.layers.empty()) throw InputError(source + ": no layers after the header line");
  return topology;
}

Topology read_topology(const fs::path& file) {
  std::error_code ec;
  if (!fs::exists(file, ec)) throw InputError(file.string() + ": no such file");
  if (fs::is_directory(file, ec))
    throw InputError(file.string() + ": a folder, not a topology file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  return parse_topology(text.str(), file.string());
}

}  // namespace hawx::systolic
