// SPDX-License-Identifier: MIT
// MNIST and Fashion-MNIST: the same IDX layout, 60,000 training and 10,000 test images of 28x28.
#include <string>

#include "core/errors.h"
#include "models/data/idx.h"

namespace hawx::models {
namespace {

struct IdxLayout {
  const char* folder;
  const char* suffix;  // "" for plain files, ".gz" for gzip-compressed ones
  std::vector<std::string> classes;
};

Dataset load_idx_layout(const char* name, const IdxLayout& layout, const DatasetRequest& request) {
  const bool train = request.split == Split::kTrain;
  const auto dir = request.root / layout.folder;
  const std::string prefix = train ? "train" : "t10k";
  const auto images = dir / (prefix + "-images-idx3-ubyte" + layout.suffix);
  Dataset d = read_idx_dataset(images, dir / (prefix + "-labels-idx1-ubyte" + layout.suffix),
                               layout.classes);
  const std::size_t expected = train ? 60000 : 10000;
  if (d.size() != expected || d.height != 28 || d.width != 28) {
    throw InputError(images.string() + ": holds " + std::to_string(d.size()) + " images of " +
                     std::to_string(d.height) + "x" + std::to_string(d.width) + ", expected " +
                     std::to_string(expected) + " of 28x28 for the " + name + " " +
                     to_string(request.split) + " set");
  }
  d.name = name;
  d.split = request.split;
  return d;
}

Dataset load_mnist(const DatasetRequest& request) {
  static const IdxLayout layout{"mnist", "", {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}};
  return load_idx_layout("mnist", layout, request);
}

Dataset load_fashion_mnist(const DatasetRequest& request) {
  static const IdxLayout layout{"fashion-mnist",
                                ".gz",
                                {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal",
                                 "Shirt", "Sneaker", "Bag", "Ankle boot"}};
  return load_idx_layout("fashion-mnist", layout, request);
}

}  // namespace

HAWX_REGISTER(DatasetKind, mnist, "mnist",
              "MNIST digits (IDX): 60,000 train / 10,000 test, 1x28x28, 10 classes", &load_mnist)
HAWX_REGISTER(DatasetKind, fashion_mnist, "fashion-mnist",
              "Fashion-MNIST (gzipped IDX): 60,000 train / 10,000 test, 1x28x28, 10 classes",
              &load_fashion_mnist)

}  // namespace hawx::models
