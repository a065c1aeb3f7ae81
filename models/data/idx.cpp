// SPDX-License-Identifier: MIT
#include "models/data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <memory>

#include "core/errors.h"

namespace hawx::models {
namespace fs = std::filesystem;

namespace {

// The whole (decompressed) content of a plain or gzip file: zlib reads both transparently.
std::vector<std::uint8_t> read_maybe_gzip(const fs::path& file) {
  if (!fs::is_regular_file(file)) {
    throw InputError(file.string() + ": no such file (run scripts/fetch_datasets.sh)");
  }
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(file.c_str(), "rb"), gzclose);
  if (!in) throw InputError(file.string() + ": cannot open");
  std::vector<std::uint8_t> out;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t used = out.size();
    out.resize(used + kChunk);
    const int n = gzread(in.get(), out.data() + used, kChunk);
    if (n < 0) {
      int code = 0;
      // zlib's message starts with the file name; keep only its reason.
      std::string reason = gzerror(in.get(), &code);
      const std::string prefix = file.string() + ": ";
      if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
      throw InputError(file.string() + ": corrupt gzip stream (" + reason + ")");
    }
    out.resize(used + static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  // A gzip stream cut short can end without an error from gzread; zlib flags it on close.
  int code = 0;
  gzerror(in.get(), &code);
  if (code != Z_OK && code != Z_STREAM_END) {
    throw InputError(file.string() + ": corrupt or truncated gzip stream");
  }
  return out;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

IdxArray read_idx(const fs::path& file, std::size_t expected_dims) {
  std::vector<std::uint8_t> bytes = read_maybe_gzip(file);
  const std::string what = file.string() + ": ";
  if (bytes.size() < 4) {
    throw InputError(what + "too short for an IDX header (" + std::to_string(bytes.size()) +
                     " bytes)");
  }
  if (bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] != expected_dims) {
    char magic[16];
    std::snprintf(magic, sizeof magic, "0x%02x%02x%02x%02x", bytes[0], bytes[1], bytes[2],
                  bytes[3]);
    char wanted[16];
    std::snprintf(wanted, sizeof wanted, "0x000008%02x", static_cast<unsigned>(expected_dims));
    throw InputError(what + "not an IDX file of unsigned bytes with " +
                     std::to_string(expected_dims) + " dimension(s): magic " + magic +
                     ", expected " + wanted);
  }
  const std::size_t header = 4 + 4 * expected_dims;
  if (bytes.size() < header) throw InputError(what + "truncated IDX header");
  IdxArray out;
  // The product of up to 255 uint32 dimensions can exceed size_t: a wrapped product would accept
  // a body that is far too short (2^22 x 2^21 x 2^21 wraps to 0), so overflow means "truncated".
  std::size_t count = 1;
  bool overflow = false;
  std::string shape;
  for (std::size_t d = 0; d < expected_dims; ++d) {
    const std::uint32_t dim = big_endian_u32(bytes.data() + 4 + 4 * d);
    out.dims.push_back(dim);
    shape += (d == 0 ? "" : " x ") + std::to_string(dim);
    if (dim != 0 && count > std::numeric_limits<std::size_t>::max() / dim) overflow = true;
    count *= dim;
  }
  if (std::find(out.dims.begin(), out.dims.end(), 0u) != out.dims.end()) {
    count = 0;
    overflow = false;
  }
  const std::size_t body = bytes.size() - header;
  if (overflow) {
    throw InputError(what + "truncated: the header promises " + shape +
                     " bytes of data, more than can be addressed; the file holds " +
                     std::to_string(body));
  }
  if (body < count) {
    throw InputError(what + "truncated: the header promises " + std::to_string(count) +
                     " bytes of data, the file holds " + std::to_string(body));
  }
  if (body > count) {
    throw InputError(what + std::to_string(body - count) +
                     " unexpected bytes after the data the header describes");
  }
  out.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
  return out;
}

Dataset read_idx_dataset(const fs::path& images, const fs::path& labels,
                         std::vector<std::string> class_names) {
  IdxArray image_array = read_idx(images, 3);
  IdxArray label_array = read_idx(labels, 1);
  if (image_array.dims[0] != label_array.dims[0]) {
    throw InputError(labels.string() + ": holds " + std::to_string(label_array.dims[0]) +
                     " labels but " + images.string() + " holds " +
                     std::to_string(image_array.dims[0]) + " images");
  }
  for (std::size_t i = 0; i < label_array.data.size(); ++i) {
    if (label_array.data[i] >= class_names.size()) {
      throw InputError(labels.string() + ": label " + std::to_string(label_array.data[i]) +
                       " of image " + std::to_string(i) + " is out of range; expected 0.." +
                       std::to_string(class_names.size() - 1));
    }
  }
  Dataset d;
  d.channels = 1;
  d.height = static_cast<int>(image_array.dims[1]);
  d.width = static_cast<int>(image_array.dims[2]);
  d.class_names = std::move(class_names);
  d.pixels = std::move(image_array.data);
  d.labels = std::move(label_array.data);
  return d;
}

}  // namespace hawx::models
