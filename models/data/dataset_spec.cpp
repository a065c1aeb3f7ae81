// SPDX-License-Identifier: MIT
#include "models/data/dataset_spec.h"

namespace hawx::models {

DatasetSpec DatasetSpec::read(const config::Section& s) {
  using config::Param;
  DatasetSpec spec;
  spec.name = s.read(Param<std::string>("name")
                         .one_of(Registry<DatasetKind>::instance().names())
                         .doc("registered dataset (hawx-cosim list)"));
  spec.root = s.read(Param<std::filesystem::path>("root").def("../data").doc(
      "folder holding the fetched datasets, relative to the config file"));
  spec.train_limit = s.read(Param<std::int64_t>("train_limit")
                                .def(0)
                                .min(0)
                                .unit("images")
                                .doc("use only the first N training images; 0 = all"));
  spec.test_limit = s.read(Param<std::int64_t>("test_limit")
                               .def(0)
                               .min(0)
                               .unit("images")
                               .doc("use only the first N test images; 0 = all"));
  return spec;
}

Dataset load_dataset(const DatasetSpec& spec, Split split) {
  Dataset d = load_dataset(spec.name, DatasetRequest{spec.root, split});
  d.truncate(static_cast<std::size_t>(split == Split::kTrain ? spec.train_limit : spec.test_limit));
  return d;
}

}  // namespace hawx::models
