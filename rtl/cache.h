// SPDX-License-Identifier: MIT
// The on-disk cache of run-time artefacts (verilated designs, synthesis results, product tables):
// $HAWX_CACHE_DIR if set, else $XDG_CACHE_HOME/hawx-cosim, else ~/.cache/hawx-cosim.
// Entries are folders named by a content hash; a complete entry holds a file named "complete".
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace hawx::rtl {

std::filesystem::path cache_root();

// SHA-256 of everything fed in, as 64 hex digits.
class ContentHash {
 public:
  ContentHash();
  ContentHash& add(std::string_view bytes);
  // The file's contents (InputError naming it if unreadable), preceded by its length.
  ContentHash& add_file(const std::filesystem::path& file);
  std::string hex();

 private:
  void block(const unsigned char* p);
  unsigned state_[8];
  unsigned char buffer_[64];
  std::size_t buffered_ = 0;
  unsigned long long length_ = 0;
};

// The cache entry folder `<cache_root>/<kind>/<key>`, created by `build` if it is not complete
// yet. `build` gets an empty scratch folder and fills it; the scratch folder is then renamed into
// place. Concurrent callers with the same key wait on a lock and build once.
std::filesystem::path cached_entry(const std::string& kind, const std::string& key,
                                   const std::function<void(const std::filesystem::path&)>& build);

}  // namespace hawx::rtl
