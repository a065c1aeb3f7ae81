// SPDX-License-Identifier: MIT
#include "search/search_spec.h"

#include <algorithm>
#include <cmath>

#include "core/registry.h"

namespace hawx::search {

SearchSpec SearchSpec::read(const config::Section& s) {
  using config::Param;
  SearchSpec spec;
  spec.level = level_from_name(
      s.read(Param<std::string>("level")
                 .def("layer")
                 .one_of({"layer", "filter"})
                 .doc("layer: one multiplier per compute layer; filter: one per filter of every "
                      "Conv/Gemm layer")));
  spec.strategies =
      s.read(Param<std::vector<std::string>>("strategies")
                 .def({"nsga2", "random"})
                 .doc("registered strategies (hawx-cosim list) run one after another, each with "
                      "the same budget"));
  const auto& registry = Registry<StrategyKind>::instance();
  if (spec.strategies.empty()) s.fail("strategies", "expected at least one strategy");
  for (const auto& name : spec.strategies) {
    if (!registry.contains(name)) {
      std::string known;
      for (const auto& n : registry.names()) known += (known.empty() ? "" : ", ") + n;
      s.fail("strategies", "unknown strategy '" + name + "'; registered: " + known);
    }
    if (std::count(spec.strategies.begin(), spec.strategies.end(), name) > 1) {
      s.fail("strategies", "strategy '" + name + "' is listed twice");
    }
  }
  StrategyOptions& o = spec.options;
  o.budget = static_cast<std::uint64_t>(
      s.read(Param<std::int64_t>("budget")
                 .def(100)
                 .min(1)
                 .unit("evaluations")
                 .doc("points each strategy may evaluate (exhaustive needs the whole space)")));
  o.seed = static_cast<std::uint64_t>(s.read(
      Param<std::int64_t>("seed").def(1).min(0).doc("seed of the strategies' random choices")));
  const auto objectives =
      s.read(Param<std::vector<std::string>>("objectives")
                 .def({"accuracy", "energy"})
                 .doc("what the front trades off: accuracy (maximised), energy, area, cycles "
                      "(minimised); 1 to 4 of them"));
  o.objectives.clear();
  for (const auto& name : objectives) {
    Objective x{};
    try {
      x = objective_from_name(name);
    } catch (const ConfigError& e) {
      s.fail("objectives", e.what());
    }
    if (std::find(o.objectives.begin(), o.objectives.end(), x) != o.objectives.end()) {
      s.fail("objectives", "objective '" + name + "' is listed twice");
    }
    o.objectives.push_back(x);
  }
  if (o.objectives.empty() || o.objectives.size() > kMaxObjectives) {
    s.fail("objectives", "expected 1 to " + std::to_string(kMaxObjectives) + " objectives");
  }
  const config::Section r =
      s.section("reference", "hypervolume reference point, per objective, natural units");
  auto ref = [&](const char* key, const char* unit, const char* doc) {
    const auto v = r.read_optional(Param<double>(key).unit(unit).doc(doc));
    return v ? *v : std::nan("");
  };
  spec.reference.accuracy = ref("accuracy", "fraction", "worst accuracy that counts (default 0)");
  spec.reference.energy =
      ref("energy", "fJ", "largest energy per inference that counts (default: exact x margin)");
  spec.reference.area = ref("area", "um^2", "largest area that counts (default: exact x margin)");
  spec.reference.cycles =
      ref("cycles", "cycles", "most cycles per inference that count (default: exact x margin)");
  spec.reference_margin = s.read(
      Param<double>("reference_margin")
          .def(0.1)
          .min(0)
          .doc("reference of a minimised objective left out of `reference`: the exact design's "
               "value x (1 + margin)"));
  const config::Section n = s.section("nsga2", "parameters of the nsga2 strategy");
  o.population = static_cast<std::size_t>(
      n.read(Param<std::int64_t>("population").def(20).min(2).doc("individuals per generation")));
  o.crossover = crossover_from_name(n.read(Param<std::string>("crossover")
                                               .def("uniform")
                                               .one_of({"uniform", "one_point", "two_point"})
                                               .doc("how two parents' genes are mixed")));
  o.crossover_probability = n.read(Param<double>("crossover_probability")
                                       .def(0.9)
                                       .min(0)
                                       .max(1)
                                       .doc("chance that a pair of parents is crossed"));
  o.mutation_probability = n.read(Param<double>("mutation_probability")
                                      .def(0)
                                      .min(0)
                                      .max(1)
                                      .doc("chance per gene of a new candidate; 0: 1 / genes"));
  const config::Section h = s.section("hawx", "parameters of the hawx strategy");
  o.hawx_stop_gain =
      h.read(Param<double>("stop_gain")
                 .def(0)
                 .min(0)
                 .max(1)
                 .doc("stop once no point of the predicted front is predicted to add "
                      "this share of the measured front's hypervolume (0: spend "
                      "the budget)"));
  spec.accelerator = s.read(Param<std::string>("accelerator")
                                .def("")
                                .doc("systolic or simt: whose energy, area and cycles the search "
                                     "weighs; empty: the one accelerator section the study has"));
  if (!spec.accelerator.empty() && spec.accelerator != "systolic" && spec.accelerator != "simt") {
    s.fail("accelerator",
           "expected systolic or simt (or nothing: the one the study describes), "
           "got '" +
               spec.accelerator + "'");
  }
  spec.simulate = s.read(Param<std::string>("costs")
                             .def("simulate")
                             .one_of({"simulate", "predict"})
                             .doc("simulate: every evaluation runs the accelerator's SystemC "
                                  "model on one test image; predict: the predictors of "
                                  "docs/scoring.md, without simulating")) == "simulate";
  spec.verify = s.read(Param<bool>("verify").def(true).doc(
      "after the searches, simulate every front member whose costs were only predicted"));
  return spec;
}

Metrics SearchSpec::reference_for(const Metrics& exact) const {
  auto pick = [&](double given, double value) {
    return std::isnan(given) ? value * (1.0 + reference_margin) : given;
  };
  return Metrics(std::isnan(reference.accuracy) ? 0.0 : reference.accuracy,
                 pick(reference.energy, exact.energy), pick(reference.area, exact.area),
                 pick(reference.cycles, exact.cycles));
}

}  // namespace hawx::search
