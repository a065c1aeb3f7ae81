// SPDX-License-Identifier: MIT
#include "models/data/cifar10.h"

#include <fstream>

#include "core/errors.h"

namespace hawx::models {
namespace fs = std::filesystem;

void read_cifar10_batch(const fs::path& file, std::size_t expected_records, Dataset& out) {
  if (!fs::is_regular_file(file)) {
    throw InputError(file.string() + ": no such file (run scripts/fetch_datasets.sh)");
  }
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> bytes(fs::file_size(file));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!in || static_cast<std::size_t>(in.gcount()) != bytes.size()) {
    throw InputError(file.string() + ": read error");
  }
  const std::string what = file.string() + ": ";
  if (bytes.size() % kCifarRecordBytes != 0) {
    throw InputError(what + "size " + std::to_string(bytes.size()) +
                     " bytes is not a whole number of 3073-byte records (truncated?)");
  }
  const std::size_t records = bytes.size() / kCifarRecordBytes;
  if (expected_records != 0 && records != expected_records) {
    throw InputError(what + "holds " + std::to_string(records) + " records, expected " +
                     std::to_string(expected_records));
  }
  constexpr std::size_t kImageBytes = kCifarRecordBytes - 1;
  out.labels.reserve(out.labels.size() + records);
  out.pixels.reserve(out.pixels.size() + records * kImageBytes);
  for (std::size_t r = 0; r < records; ++r) {
    const std::uint8_t* record = bytes.data() + r * kCifarRecordBytes;
    if (record[0] > 9) {
      throw InputError(what + "label " + std::to_string(record[0]) + " of record " +
                       std::to_string(r) + " is out of range; expected 0..9");
    }
    out.labels.push_back(record[0]);
    out.pixels.insert(out.pixels.end(), record + 1, record + kCifarRecordBytes);
  }
}

std::vector<std::string> read_cifar10_class_names(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file.string() + ": no such file (run scripts/fetch_datasets.sh)");
  std::vector<std::string> names;
  for (std::string line; std::getline(in, line);) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty()) names.push_back(line);
  }
  if (names.size() != 10) {
    throw InputError(file.string() + ": expected 10 class names, one per line, found " +
                     std::to_string(names.size()));
  }
  return names;
}

}  // namespace hawx::models
