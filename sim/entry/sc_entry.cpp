// SPDX-License-Identifier: MIT
#include "sim/entry/sc_entry.h"

#include <cstdlib>
#include <systemc>

// This main() takes precedence over the one in libsystemc. It does what that one does — enter
// through sc_elab_and_sim(), which sets up sc_argv() and SystemC's error reporting — but first
// silences the copyright banner sc_elab_and_sim() prints to stdout, which would corrupt the
// tool's machine-readable output. SC_COPYRIGHT_MESSAGE set in the environment still wins.
int main(int argc, char* argv[]) {
  setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) { return hawx_main(argc, argv); }
