// SPDX-License-Identifier: MIT
// CIFAR-10, binary version: five training batches and one test batch of 10,000 images each.
#include <string>

#include "models/data/cifar10.h"

namespace hawx::models {
namespace {

Dataset load_cifar10(const DatasetRequest& request) {
  const auto dir = request.root / "cifar-10";
  Dataset d;
  d.name = "cifar10";
  d.split = request.split;
  d.channels = 3;
  d.height = 32;
  d.width = 32;
  d.class_names = read_cifar10_class_names(dir / "batches.meta.txt");
  if (request.split == Split::kTrain) {
    for (int b = 1; b <= 5; ++b) {
      read_cifar10_batch(dir / ("data_batch_" + std::to_string(b) + ".bin"), kCifarBatchRecords, d);
    }
  } else {
    read_cifar10_batch(dir / "test_batch.bin", kCifarBatchRecords, d);
  }
  return d;
}

}  // namespace

HAWX_REGISTER(DatasetKind, cifar10, "cifar10",
              "CIFAR-10 (binary batches): 50,000 train / 10,000 test, 3x32x32, 10 classes",
              &load_cifar10)

}  // namespace hawx::models
