// SPDX-License-Identifier: MIT
// What eval and run share once a study has a model: the candidate multipliers (the exact one of
// their signedness first), and the network loaded, lowered, quantised and ready to evaluate.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/study.h"
#include "models/engine/engine.h"
#include "models/onnx/graph.h"
#include "rtl/characterize.h"
#include "sim/systolic/array.h"

namespace hawx::app {

struct Candidates {
  std::vector<std::string> names;  // names[0] == "exact"
  std::vector<rtl::ProductTable> tables;
  bool is_signed = false;

  // Index of a name; ConfigError listing the names otherwise.
  std::uint16_t index(const std::string& name) const;
};

// From characterisations already made (their tables), or, with none, from the study's specs
// (function only). All candidates must share signedness: ConfigError otherwise.
Candidates candidates(const Study& study, const std::vector<rtl::Characterization>& known = {});

struct LoadedModel {
  models::Graph graph;
  models::Dataset test;
  std::unique_ptr<models::Engine> engine;
  const models::Network& net() const { return engine->network().net; }
};

// Loads the model and the test set, calibrates on the training set. ConfigError without a model.
LoadedModel load_model(const Study& study, const Candidates& candidates);

// The systolic array's multiplier types: the candidates with their characterised energy models
// and areas ('exact' is the library's exact design of the candidates' signedness), in the
// candidates' order; products from the candidates' tables (what the engine computes).
std::vector<systolic::PeMultiplier> pe_multipliers(const Study& study, const Candidates& c,
                                                   const rtl::CharacterizeOptions& options);

}  // namespace hawx::app
