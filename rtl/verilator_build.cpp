// SPDX-License-Identifier: MIT
#include "rtl/verilator_build.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>

#include <spdlog/spdlog.h>

#include "core/process.h"
#include "rtl/cache.h"

#ifndef HAWX_CXX_COMPILER
#error "HAWX_CXX_COMPILER must be defined by the build"
#endif

namespace hawx::rtl {
namespace fs = std::filesystem;

namespace {

struct Toolchain {
  std::string verilator_version;  // first line of `verilator --version`
  fs::path verilator_root;        // where include/verilated.cpp lives
  std::string compiler = HAWX_CXX_COMPILER;
  std::string compiler_version;
};

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

// Asked once per process: the tools' versions are part of every cache key.
const Toolchain& toolchain() {
  static const Toolchain tools = [] {
    Toolchain t;
    const fs::path scratch = fs::temp_directory_path();
    const fs::path log = scratch / ("hawx-toolchain-" + std::to_string(::getpid()) + ".log");
    ProcessResult v = run_process({"verilator", "--version"}, log);
    if (v.exit_code != 0) {
      fs::remove(log);
      throw Error("Verilator is needed to import RTL but could not be run (" +
                  first_line(v.output) + "); scripts/setup.sh installs it");
    }
    t.verilator_version = first_line(v.output);
    ProcessResult root = run_process({"verilator", "--getenv", "VERILATOR_ROOT"}, log);
    t.verilator_root = first_line(root.output);
    ProcessResult cc = run_process({t.compiler, "--version"}, log);
    t.compiler_version = first_line(cc.output);
    fs::remove(log);
    if (!fs::exists(t.verilator_root / "include" / "verilated.cpp")) {
      throw Error("Verilator's runtime sources are not under '" + t.verilator_root.string() + "'");
    }
    return t;
  }();
  return tools;
}

std::vector<std::string> compile_flags(const Toolchain& t) {
  return {"-std=c++17", "-O2", "-fPIC", "-fvisibility=hidden", "-fvisibility-inlines-hidden", "-w",
          // Each wrapper defines vl_fatal() to throw instead of aborting the host process.
          "-DVL_USER_FATAL", "-I" + (t.verilator_root / "include").string(),
          "-I" + (t.verilator_root / "include" / "vltstd").string()};
}

void check_compiled(const ProcessResult& r, const std::string& what, const fs::path& log) {
  if (r.exit_code != 0) {
    std::string errors = lines_containing(r.output, "error");
    if (errors.empty()) errors = first_line(r.output);
    throw Error("compiling " + what + " failed (full log: " + log.string() + "):\n" + errors);
  }
}

// Verilator's runtime compiled once per toolchain into a static archive of position-independent,
// hidden-visibility objects that every design's shared object links.
fs::path runtime_archive() {
  const Toolchain& t = toolchain();
  const std::string key = ContentHash()
                              .add("verilator-runtime-v2\n")
                              .add(t.verilator_version + "\n" + t.compiler_version + "\n")
                              .hex();
  const fs::path entry = cached_entry("verilator-runtime", key, [&](const fs::path& dir) {
    spdlog::info("compiling the Verilator runtime once for run-time RTL import");
    std::vector<std::string> objects;
    for (const char* source : {"verilated.cpp", "verilated_threads.cpp", "verilated_vpi.cpp"}) {
      const fs::path object = dir / (std::string(source) + ".o");
      std::vector<std::string> argv{t.compiler};
      const auto flags = compile_flags(t);
      argv.insert(argv.end(), flags.begin(), flags.end());
      argv.insert(argv.end(),
                  {"-c", (t.verilator_root / "include" / source).string(), "-o", object.string()});
      check_compiled(run_process(argv, dir / "compile.log"), source, dir / "compile.log");
      objects.push_back(object.string());
    }
    std::vector<std::string> ar{"ar", "rcs", (dir / "libverilated.a").string()};
    ar.insert(ar.end(), objects.begin(), objects.end());
    check_compiled(run_process(ar, dir / "ar.log"), "the Verilator runtime archive",
                   dir / "ar.log");
  });
  return entry / "libverilated.a";
}

// One copy of a shared object in this process per cache entry.
std::mutex g_loaded_mutex;

}  // namespace

std::shared_ptr<LoadedLibrary> build_verilated(const VerilateRequest& request) {
  if (request.sources.empty()) throw InputError("no Verilog source files given");
  for (const auto& source : request.sources) {
    if (!fs::is_regular_file(source)) {
      throw InputError(source.string() + ": no such Verilog file");
    }
  }
  const Toolchain& tools = toolchain();
  ContentHash hash;
  hash.add("verilated-design-v1\n")
      .add(tools.verilator_version + "\n" + tools.compiler_version + "\n")
      .add(request.purpose + "\n" + request.top + "\n");
  for (const auto& flag : request.verilator_flags) hash.add(flag + "\n");
  for (const auto& source : request.sources) hash.add(source.filename().string()).add_file(source);
  const std::string key = hash.hex();

  const fs::path archive = runtime_archive();
  const fs::path entry = cached_entry("verilated", key, [&](const fs::path& dir) {
    const fs::path mdir = dir / "verilated";
    std::vector<std::string> argv{"verilator",   "--cc",         "--prefix",  "Vdut", "--Mdir",
                                  mdir.string(), "--top-module", request.top, "-O3",  "-Wno-fatal"};
    argv.insert(argv.end(), request.verilator_flags.begin(), request.verilator_flags.end());
    for (const auto& s : request.sources) argv.push_back(fs::absolute(s).string());
    const ProcessResult verilated = run_process(argv, dir / "verilator.log");
    if (verilated.exit_code != 0) {
      std::string errors = lines_containing(verilated.output, "%Error");
      if (errors.empty()) errors = first_line(verilated.output);
      throw InputError("Verilator cannot build top module '" + request.top + "' from " +
                       request.sources.front().string() +
                       (request.sources.size() > 1 ? " (and others)" : "") + ":\n" + errors);
    }
    std::ofstream(dir / "wrapper.cpp") << request.wrapper(mdir);
    // What the entry was built from, for a person looking into the cache.
    std::ofstream inputs(dir / "inputs.txt");
    inputs << "top " << request.top << "\npurpose " << request.purpose << "\n";
    for (const auto& flag : request.verilator_flags) inputs << "flag " << flag << "\n";
    for (const auto& source : request.sources)
      inputs << "source " << fs::absolute(source).string() << "\n";

    std::vector<std::string> compile{tools.compiler};
    const auto flags = compile_flags(tools);
    compile.insert(compile.end(), flags.begin(), flags.end());
    compile.insert(compile.end(), {"-I" + mdir.string(), "-shared", "-o", (dir / "dut.so").string(),
                                   (dir / "wrapper.cpp").string()});
    std::vector<std::string> generated;
    for (const auto& f : fs::directory_iterator(mdir)) {
      if (f.path().extension() == ".cpp") generated.push_back(f.path().string());
    }
    std::sort(generated.begin(), generated.end());
    compile.insert(compile.end(), generated.begin(), generated.end());
    compile.insert(compile.end(), {archive.string(), "-pthread", "-latomic"});
    check_compiled(run_process(compile, dir / "compile.log"),
                   "the verilated model of '" + request.top + "'", dir / "compile.log");
  });

  std::lock_guard<std::mutex> lock(g_loaded_mutex);
  void* handle = dlopen((entry / "dut.so").c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw Error("cannot load '" + (entry / "dut.so").string() + "': " + dlerror());
  }
  return std::make_shared<LoadedLibrary>(handle, entry);
}

}  // namespace hawx::rtl
