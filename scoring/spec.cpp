// SPDX-License-Identifier: MIT
#include "scoring/spec.h"

namespace hawx::scoring {

ScoringSpec ScoringSpec::read(const config::Section& s) {
  using config::Param;
  ScoringSpec spec;
  spec.profile_images = s.read(Param<std::int64_t>("profile_images")
                                   .def(300)
                                   .min(1)
                                   .unit("images")
                                   .doc("representative inputs the exact network is profiled on"));
  spec.gain_images = s.read(Param<std::int64_t>("gain_images")
                                .def(100)
                                .min(1)
                                .unit("images")
                                .doc("of the profiling images, the first ones the propagation "
                                     "gains g_l are measured on (noise injected per layer)"));
  const std::string split = s.read(Param<std::string>("profile_split")
                                       .def("train")
                                       .one_of({"train", "test"})
                                       .doc("where the profiling images come from"));
  spec.profile_split = split == "test" ? models::Split::kTest : models::Split::kTrain;
  spec.noise_ratio = s.read(Param<double>("noise_ratio")
                                .def(0.01)
                                .above(0.0)
                                .max(1.0)
                                .doc("injected noise power / filter output variance when the "
                                     "propagation gains g_l are measured"));
  spec.evaluation_images = s.read(
      Param<std::int64_t>("evaluation_images")
          .def(0)
          .min(0)
          .unit("images")
          .doc("test images the accuracy of each calibration configuration is measured on (0: "
               "the whole test set as dataset.test_limit leaves it)"));
  spec.fit_configurations =
      s.read(Param<std::int64_t>("fit_configurations")
                 .def(12)
                 .min(2)
                 .unit("configurations")
                 .doc("layer-level configurations measured to fit the accuracy predictor"));
  spec.held_out_configurations =
      s.read(Param<std::int64_t>("held_out_configurations")
                 .def(20)
                 .min(0)
                 .unit("configurations")
                 .doc("random layer-level configurations the predictor's error is reported on"));
  return spec;
}

}  // namespace hawx::scoring
