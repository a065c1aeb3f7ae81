// SPDX-License-Identifier: MIT
// One SystemC simulation context per run. SystemC allows one elaboration and one sc_start()
// sequence per context, and a study simulates many layers and accelerators in one process: each
// run makes a FreshContext on the stack, elaborates and simulates in it, and the previous
// context is current again when it goes out of scope.
#pragma once

#include <systemc>

namespace hawx::sim {

class FreshContext {
 public:
  FreshContext() : previous_(sc_core::sc_curr_simcontext) {
    context_ = new sc_core::sc_simcontext;
    sc_core::sc_curr_simcontext = context_;
    sc_core::sc_default_global_context = context_;
  }
  ~FreshContext() {
    sc_core::sc_curr_simcontext = previous_;
    sc_core::sc_default_global_context = previous_;
    delete context_;
  }
  FreshContext(const FreshContext&) = delete;
  FreshContext& operator=(const FreshContext&) = delete;

 private:
  sc_core::sc_simcontext* previous_;
  sc_core::sc_simcontext* context_;
};

}  // namespace hawx::sim
