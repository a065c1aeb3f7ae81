// SPDX-License-Identifier: MIT
// Run-time verilation: Verilog sources -> Verilator's C++ -> one shared object, together with a
// caller-written C++ wrapper that exports plain C functions -> loaded with dlopen().
//
// Promises:
// - Cached on disk (see rtl/cache.h) under a hash of everything that goes in: the sources'
//   contents, the top module, the flags, the tool versions and `purpose`, which stands for the
//   wrapper (it is generated after verilation, so its text cannot be part of the key). A second
//   request with the same inputs loads the cached object without running any tool. Each entry
//   lists what it was built from in inputs.txt.
// - Safe when several processes build the same thing at once: one builds under a lock, in a
//   scratch folder renamed into place when complete; the others wait and then load it.
// - A Verilog file that does not verilate is an InputError carrying Verilator's own messages
//   (file:line:col); a compiler failure in the wrapper is an Error (a bug of ours).
// - Every symbol but the wrapper's exports is hidden, so two loaded designs never share state
//   and nothing clashes with the Verilator runtime linked into the host program.
#pragma once

#include <dlfcn.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/errors.h"

// Put this on each extern "C" function a wrapper exports.
#define HAWX_EXPORT __attribute__((visibility("default")))

namespace hawx::rtl {

struct VerilateRequest {
  std::vector<std::filesystem::path> sources;
  std::string top;
  // Added to the project's defaults (-Wno-fatal and the optimisation level come first). The model
  // class is always named Vdut: the wrapper includes "Vdut.h" (and "Vdut___024root.h" with
  // --public-flat-rw for internal signals).
  std::vector<std::string> verilator_flags;
  // Returns the wrapper's C++ text. The wrapper must define Verilator's
  //   void vl_fatal(const char* file, int line, const char* hier, const char* message);
  // (the runtime is built with VL_USER_FATAL so that a failing model cannot abort the host). Called
  // after Verilator has run, with the folder holding its output, so that a wrapper may be generated
  // from the model's headers.
  std::function<std::string(const std::filesystem::path& verilated_dir)> wrapper;
  // Identifies the wrapper generator in the cache key ("sweep-v1", "toggles-v1", ...): bump the
  // version whenever the generator's output changes for the same model.
  std::string purpose;
};

class LoadedLibrary {
 public:
  LoadedLibrary(void* handle, std::filesystem::path directory)
      : handle_(handle), directory_(std::move(directory)) {}
  ~LoadedLibrary() {
    if (handle_ != nullptr) dlclose(handle_);
  }
  LoadedLibrary(const LoadedLibrary&) = delete;
  LoadedLibrary& operator=(const LoadedLibrary&) = delete;

  // The exported function `name`; Error if the wrapper does not export it.
  template <class Signature>
  Signature* function(const char* name) const {
    void* symbol = dlsym(handle_, name);
    if (symbol == nullptr) {
      throw Error("'" + directory_.string() + "' does not export " + name);
    }
    return reinterpret_cast<Signature*>(symbol);
  }
  // The cache folder of this build (Verilator's output is in its "verilated" sub-folder).
  const std::filesystem::path& directory() const { return directory_; }

 private:
  void* handle_;
  std::filesystem::path directory_;
};

// Builds (or finds in the cache) and loads. Throws InputError for a design that does not verilate.
std::shared_ptr<LoadedLibrary> build_verilated(const VerilateRequest& request);

}  // namespace hawx::rtl
