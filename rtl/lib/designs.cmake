# SPDX-License-Identifier: MIT
# The library: one line per design in this folder (see rtl/CMakeLists.txt).
hawx_add_library_multiplier(NAME mul8u_exact
  DESCRIPTION "exact unsigned 8x8 array multiplier (reference)")
hawx_add_library_multiplier(NAME mul8s_exact SIGNED
  DESCRIPTION "exact signed 8x8 multiplier, Baugh-Wooley (reference)")
