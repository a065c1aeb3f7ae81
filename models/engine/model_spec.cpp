// SPDX-License-Identifier: MIT
#include "models/engine/model_spec.h"

namespace hawx::models {

ModelSpec ModelSpec::read(const config::Section& s) {
  using config::Param;
  ModelSpec spec;
  spec.onnx = s.read(Param<std::filesystem::path>("onnx").doc(
      "the trained network (ONNX, float32), relative to the config file"));
  spec.calibration_images = s.read(Param<std::int64_t>("calibration_images")
                                       .def(500)
                                       .min(1)
                                       .unit("images")
                                       .doc("training images that calibrate the int8 activation "
                                            "scales (max magnitude per tensor)"));
  return spec;
}

}  // namespace hawx::models
