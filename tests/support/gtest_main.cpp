// SPDX-License-Identifier: MIT
// Test executables' entry point (see sim/entry/sc_entry.h).
#include <gtest/gtest.h>

#include "sim/entry/sc_entry.h"

int hawx_main(int argc, char* argv[]) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
