// SPDX-License-Identifier: MIT
// Test executables' entry point (see sim/entry/sc_entry.h).
#include <gtest/gtest.h>

#include <cstdlib>

#include "sim/entry/sc_entry.h"

int hawx_main(int argc, char* argv[]) {
  testing::InitGoogleTest(&argc, argv);
  setenv("HAWX_CACHE_DIR", HAWX_TEST_CACHE_DIR, 0);  // the environment may still choose another
  return RUN_ALL_TESTS();
}
