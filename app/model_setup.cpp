// SPDX-License-Identifier: MIT
#include "app/model_setup.h"

#include <spdlog/spdlog.h>

#include "core/errors.h"

namespace hawx::app {

std::uint16_t Candidates::index(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<std::uint16_t>(i);
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  throw ConfigError("no multiplier '" + name + "' in the study; known: " + known);
}

Candidates candidates(const Study& study, const std::vector<rtl::Characterization>& known) {
  Candidates c;
  rtl::CharacterizeOptions function_only;
  function_only.hardware = false;
  const auto& specs = study.spec.multipliers;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const auto& design = specs[i].design;
    if (i > 0 && design.is_signed != c.is_signed) {
      throw ConfigError("multiplier '" + design.name + "' differs in signedness from '" +
                        specs.front().design.name +
                        "'; one network is quantised either for signed or for unsigned "
                        "multipliers");
    }
    c.is_signed = design.is_signed;
    c.names.push_back(design.name);
    c.tables.push_back(i < known.size() ? known[i].table
                                        : rtl::characterize(specs[i], function_only).table);
  }
  c.names.insert(c.names.begin(), "exact");
  c.tables.insert(c.tables.begin(), rtl::exact_table(c.is_signed));
  return c;
}

LoadedModel load_model(const Study& study, const Candidates& candidates) {
  const StudySpec& s = study.spec;
  if (!s.model) throw ConfigError("the study has no model: section (model.onnx)");
  LoadedModel m;
  m.test = models::load_dataset(s.dataset, models::Split::kTest);
  const models::Dataset train = models::load_dataset(s.dataset, models::Split::kTrain);
  m.graph = models::load_onnx(s.model->onnx);
  const models::Network net =
      models::lower(m.graph, {m.test.channels, m.test.height, m.test.width});
  const auto format = candidates.is_signed ? models::OperandFormat::kTwosComplement
                                           : models::OperandFormat::kSignMagnitude;
  spdlog::info("quantising {} ({} MACs per image) on {} training images", s.model->onnx.string(),
               net.macs(), s.model->calibration_images);
  m.engine = std::make_unique<models::Engine>(
      models::quantize(net, format, train, static_cast<std::size_t>(s.model->calibration_images)),
      candidates.tables);
  return m;
}

std::vector<systolic::PeMultiplier> pe_multipliers(const Study& study, const Candidates& c,
                                                   const rtl::CharacterizeOptions& options) {
  std::vector<systolic::PeMultiplier> out;
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    const rtl::MultiplierSpec spec =
        i == 0 ? rtl::MultiplierSpec::library(c.is_signed ? "mul8s_exact" : "mul8u_exact")
               : study.spec.multipliers[i - 1];
    systolic::PeMultiplier m = systolic::pe_multiplier(rtl::characterize(spec, options));
    m.name = c.names[i];
    m.sc_model = spec.builtin.empty() ? spec.design.name : spec.builtin;
    // The engine's table, so that the array computes what the engine computes.
    m.table = c.tables[i];
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace hawx::app
