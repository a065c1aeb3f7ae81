# SPDX-License-Identifier: MIT
# Every third-party dependency, all from Debian's packages (scripts/setup.sh installs them).
# Found in one place so that a missing package fails the configure step with its package name.

macro(hawx_require_package name debian_package)
  find_package(${name} ${ARGN})
  if(NOT ${name}_FOUND)
    message(FATAL_ERROR "${name} not found: install Debian's ${debian_package} (scripts/setup.sh does)")
  endif()
endmacro()

find_package(PkgConfig REQUIRED)
# Debian ships no CMake config for SystemC, only systemc.pc.
pkg_check_modules(SYSTEMC REQUIRED IMPORTED_TARGET systemc>=2.3.3)
add_library(hawx::systemc ALIAS PkgConfig::SYSTEMC)

hawx_require_package(verilator libverilator/verilator HINTS /usr/share/verilator)
find_program(YOSYS_EXECUTABLE yosys REQUIRED)
hawx_require_package(Eigen3 libeigen3-dev 3.3 NO_MODULE)
hawx_require_package(yaml-cpp libyaml-cpp-dev)
hawx_require_package(GTest libgtest-dev)
hawx_require_package(CLI11 libcli11-dev)
hawx_require_package(SQLite3 libsqlite3-dev)
hawx_require_package(nlohmann_json nlohmann-json3-dev)
hawx_require_package(fmt libfmt-dev)
hawx_require_package(spdlog libspdlog-dev)
hawx_require_package(Protobuf libprotobuf-dev)
hawx_require_package(ONNX libonnx-dev)
hawx_require_package(MPI libopenmpi-dev COMPONENTS CXX)
hawx_require_package(ZLIB zlib1g-dev)
