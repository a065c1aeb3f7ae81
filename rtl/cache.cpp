// SPDX-License-Identifier: MIT
#include "rtl/cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "core/errors.h"

namespace hawx::rtl {
namespace fs = std::filesystem;

fs::path cache_root() {
  if (const char* dir = std::getenv("HAWX_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    return fs::path(xdg) / "hawx-cosim";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".cache" / "hawx-cosim";
  }
  return fs::temp_directory_path() / "hawx-cosim-cache";
}

// ---------------------------------------------------------------------------------------------
// SHA-256 (FIPS 180-4).

namespace {
constexpr unsigned kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline unsigned rotr(unsigned x, int n) { return (x >> n) | (x << (32 - n)); }
}  // namespace

ContentHash::ContentHash()
    : state_{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
             0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19} {}

void ContentHash::block(const unsigned char* p) {
  unsigned w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = (unsigned{p[4 * i]} << 24) | (unsigned{p[4 * i + 1]} << 16) |
           (unsigned{p[4 * i + 2]} << 8) | unsigned{p[4 * i + 3]};
  }
  for (int i = 16; i < 64; ++i) {
    const unsigned s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const unsigned s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  unsigned v[8];
  std::memcpy(v, state_, sizeof v);
  for (int i = 0; i < 64; ++i) {
    const unsigned s1 = rotr(v[4], 6) ^ rotr(v[4], 11) ^ rotr(v[4], 25);
    const unsigned ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    const unsigned t1 = v[7] + s1 + ch + kRound[i] + w[i];
    const unsigned s0 = rotr(v[0], 2) ^ rotr(v[0], 13) ^ rotr(v[0], 22);
    const unsigned maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    const unsigned t2 = s0 + maj;
    v[7] = v[6];
    v[6] = v[5];
    v[5] = v[4];
    v[4] = v[3] + t1;
    v[3] = v[2];
    v[2] = v[1];
    v[1] = v[0];
    v[0] = t1 + t2;
  }
  for (int i = 0; i < 8; ++i) state_[i] += v[i];
}

ContentHash& ContentHash::add(std::string_view bytes) {
  length_ += bytes.size();
  for (char c : bytes) {
    buffer_[buffered_++] = static_cast<unsigned char>(c);
    if (buffered_ == 64) {
      block(buffer_);
      buffered_ = 0;
    }
  }
  return *this;
}

ContentHash& ContentHash::add_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string() + ": no such file or not readable");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  add(std::to_string(content.size()) + ":");
  return add(content);
}

std::string ContentHash::hex() {
  const unsigned long long bits = length_ * 8;
  const unsigned char pad = 0x80;
  add(std::string_view(reinterpret_cast<const char*>(&pad), 1));
  while (buffered_ != 56) add(std::string_view("\0", 1));
  unsigned char tail[8];
  for (int i = 0; i < 8; ++i) tail[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
  add(std::string_view(reinterpret_cast<const char*>(tail), 8));
  char out[65];
  for (int i = 0; i < 8; ++i) std::snprintf(out + 8 * i, 9, "%08x", state_[i]);
  return std::string(out, 64);
}

// ---------------------------------------------------------------------------------------------
// Entries

namespace {

// An exclusive flock() on a file, released on destruction (or when the process dies).
class FileLock {
 public:
  explicit FileLock(const fs::path& file) : fd_(::open(file.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw Error("cannot lock '" + file.string() + "': " + std::strerror(errno));
    }
  }
  ~FileLock() {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

 private:
  int fd_;
};

bool complete(const fs::path& entry) { return fs::exists(entry / "complete"); }

}  // namespace

fs::path cached_entry(const std::string& kind, const std::string& key,
                      const std::function<void(const fs::path&)>& build) {
  const fs::path dir = cache_root() / kind;
  const fs::path entry = dir / key;
  if (complete(entry)) return entry;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error("cannot create cache folder '" + dir.string() + "': " + ec.message());

  FileLock lock(dir / (key + ".lock"));
  if (complete(entry)) return entry;  // another process built it while we waited
  fs::remove_all(entry, ec);          // leftovers of a build that was killed

  std::random_device random;
  const fs::path scratch =
      dir / (key + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(random()));
  fs::create_directories(scratch);
  try {
    build(scratch);
    std::ofstream(scratch / "complete") << key << "\n";
    fs::rename(scratch, entry);
  } catch (...) {
    fs::remove_all(scratch, ec);
    throw;
  }
  return entry;
}

}  // namespace hawx::rtl
