# SPDX-License-Identifier: MIT
# Compiler settings for project code. Generated code (Verilator models) does not link this.
add_library(hawx_warnings INTERFACE)
target_compile_options(hawx_warnings INTERFACE -Wall -Wextra -Werror)

# Project headers are included by their path from the repository root: "core/config.h".
add_library(hawx_includes INTERFACE)
target_include_directories(hawx_includes INTERFACE ${PROJECT_SOURCE_DIR})
