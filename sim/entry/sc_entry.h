// SPDX-License-Identifier: MIT
// libsystemc ships a main() that enters sc_main() through sc_elab_and_sim(). Every
// executable of this project links the hawx_sc_entry object library instead: its main() silences
// the SystemC banner and enters the same way, and its sc_main() hands over
// to the executable's own entry point below (the tool's CLI in app/, GoogleTest in tests/).
// Nothing else in the project defines main() or sc_main().
#pragma once

// Defined exactly once per executable. Returns the process exit code.
int hawx_main(int argc, char* argv[]);
