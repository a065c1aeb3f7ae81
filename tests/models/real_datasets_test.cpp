// SPDX-License-Identifier: MIT
// The registered datasets on the real files fetched by scripts/fetch_datasets.sh (found through
// HAWX_DATA_DIR): shapes, label ranges, facts every copy of MNIST, Fashion-MNIST and CIFAR-10
// shares, and truncated or corrupted copies of those files, which must be InputErrors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/errors.h"
#include "models/data/dataset.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

namespace fs = std::filesystem;
using hawx::test::data_dir;
using hawx::test::TempDir;
using testing::HasSubstr;

using hawx::test::input_error_of;

Dataset load(const std::string& name, Split split, const fs::path& root = data_dir()) {
  return load_dataset(name, DatasetRequest{root, split});
}

// Checks what every loaded dataset promises; returns the number of images per label.
std::vector<std::size_t> check_shape(const Dataset& d, const std::string& name, Split split,
                                     std::size_t images, int channels, int side) {
  EXPECT_EQ(d.name, name);
  EXPECT_EQ(d.split, split);
  EXPECT_EQ(d.size(), images);
  EXPECT_EQ(d.channels, channels);
  EXPECT_EQ(d.height, side);
  EXPECT_EQ(d.width, side);
  EXPECT_EQ(d.class_names.size(), 10u);
  EXPECT_EQ(d.pixels.size(), d.size() * d.image_bytes());
  std::vector<std::size_t> histogram(256, 0);
  for (auto label : d.labels) ++histogram[label];
  for (std::size_t label = 10; label < histogram.size(); ++label) {
    EXPECT_EQ(histogram[label], 0u) << "label " << label;
  }
  histogram.resize(10);
  for (std::size_t label = 0; label < 10; ++label) {
    EXPECT_GT(histogram[label], 0u) << "no image of class " << label;
  }
  return histogram;
}

// Mean of channel `c` over all images, scaled to 0..1 (the usual normalisation constants).
double channel_mean(const Dataset& d, int c) {
  const std::size_t plane = static_cast<std::size_t>(d.height) * static_cast<std::size_t>(d.width);
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::uint8_t* p = d.image(i) + static_cast<std::size_t>(c) * plane;
    for (std::size_t k = 0; k < plane; ++k) sum += p[k];
  }
  return static_cast<double>(sum) / (static_cast<double>(d.size() * plane) * 255.0);
}

std::vector<std::uint8_t> first_labels(const Dataset& d, std::size_t n) {
  return std::vector<std::uint8_t>(d.labels.begin(),
                                   d.labels.begin() + static_cast<std::ptrdiff_t>(n));
}

TEST(RealDatasetsTest, MnistTrain) {
  const Dataset d = load("mnist", Split::kTrain);
  const auto histogram = check_shape(d, "mnist", Split::kTrain, 60000, 1, 28);
  EXPECT_EQ(histogram[1], 6742u);
  EXPECT_EQ(histogram[5], 5421u);  // the rarest digit
  EXPECT_EQ(first_labels(d, 5), (std::vector<std::uint8_t>{5, 0, 4, 1, 9}));
  EXPECT_NEAR(channel_mean(d, 0), 0.1307, 1e-4);
  EXPECT_EQ(d.class_names.front(), "0");
  EXPECT_EQ(d.class_names.back(), "9");
}

TEST(RealDatasetsTest, MnistTest) {
  const Dataset d = load("mnist", Split::kTest);
  const auto histogram = check_shape(d, "mnist", Split::kTest, 10000, 1, 28);
  EXPECT_EQ(first_labels(d, 5), (std::vector<std::uint8_t>{7, 2, 1, 0, 4}));
  EXPECT_EQ(histogram[1], 1135u);
}

TEST(RealDatasetsTest, FashionMnistTrain) {
  const Dataset d = load("fashion-mnist", Split::kTrain);
  const auto histogram = check_shape(d, "fashion-mnist", Split::kTrain, 60000, 1, 28);
  EXPECT_EQ(histogram, std::vector<std::size_t>(10, 6000));
  EXPECT_EQ(d.labels.front(), 9);  // an ankle boot
  EXPECT_NEAR(channel_mean(d, 0), 0.2860, 1e-4);
  EXPECT_EQ(d.class_names.front(), "T-shirt/top");
  EXPECT_EQ(d.class_names.back(), "Ankle boot");
}

TEST(RealDatasetsTest, FashionMnistTest) {
  const Dataset d = load("fashion-mnist", Split::kTest);
  const auto histogram = check_shape(d, "fashion-mnist", Split::kTest, 10000, 1, 28);
  EXPECT_EQ(histogram, std::vector<std::size_t>(10, 1000));
  EXPECT_EQ(first_labels(d, 3), (std::vector<std::uint8_t>{9, 2, 1}));
}

TEST(RealDatasetsTest, Cifar10Train) {
  const Dataset d = load("cifar10", Split::kTrain);
  const auto histogram = check_shape(d, "cifar10", Split::kTrain, 50000, 3, 32);
  EXPECT_EQ(histogram, std::vector<std::size_t>(10, 5000));
  EXPECT_EQ(first_labels(d, 3), (std::vector<std::uint8_t>{6, 9, 9}));  // frog, truck, truck
  // The per-channel means everyone normalises with: red, green, blue in that order.
  EXPECT_NEAR(channel_mean(d, 0), 0.4914, 1e-4);
  EXPECT_NEAR(channel_mean(d, 1), 0.4822, 1e-4);
  EXPECT_NEAR(channel_mean(d, 2), 0.4465, 1e-4);
}

TEST(RealDatasetsTest, Cifar10Test) {
  const Dataset d = load("cifar10", Split::kTest);
  const auto histogram = check_shape(d, "cifar10", Split::kTest, 10000, 3, 32);
  EXPECT_EQ(histogram, std::vector<std::size_t>(10, 1000));
  // cat, ship, ship, airplane, frog
  EXPECT_EQ(first_labels(d, 5), (std::vector<std::uint8_t>{3, 8, 8, 0, 6}));
  EXPECT_EQ(d.class_names,
            (std::vector<std::string>{"airplane", "automobile", "bird", "cat", "deer", "dog",
                                      "frog", "horse", "ship", "truck"}));
}

TEST(RealDatasetsTest, UnknownNameIsConfigError) {
  try {
    load_dataset("mnist-2", DatasetRequest{data_dir(), Split::kTest});
    FAIL() << "no error for an unknown dataset";
  } catch (const ConfigError& e) {
    const std::string message = e.what();
    EXPECT_THAT(message, HasSubstr("unknown dataset 'mnist-2'"));
    const std::string marker = "registered: ";
    const auto at = message.find(marker);
    ASSERT_NE(at, std::string::npos) << message;
    std::vector<std::string> names;
    std::string rest = message.substr(at + marker.size());
    for (std::size_t comma; (comma = rest.find(", ")) != std::string::npos;) {
      names.push_back(rest.substr(0, comma));
      rest = rest.substr(comma + 2);
    }
    names.push_back(rest);
    EXPECT_THAT(names, testing::IsSupersetOf({"cifar10", "fashion-mnist", "mnist"})) << message;
  }
}

TEST(RealDatasetsTest, EmptyRootNamesTheMissingFile) {
  TempDir dir;
  const struct {
    const char* name;
    const char* file;
  } cases[] = {{"mnist", "mnist/t10k-images-idx3-ubyte"},
               {"fashion-mnist", "fashion-mnist/t10k-images-idx3-ubyte.gz"},
               {"cifar10", "cifar-10/batches.meta.txt"}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string message = input_error_of([&] { load(c.name, Split::kTest, dir.path()); });
    EXPECT_THAT(message, HasSubstr((dir / c.file).string()));
    EXPECT_THAT(message, HasSubstr("no such file"));
  }
}

// A copy of the real `folder` under `dir`: a symlink to each real file except `copied`, a real
// copy that the test may damage. Returns the path of the copy ("" when nothing is copied).
fs::path mirror(const TempDir& dir, const std::string& folder, const std::string& copied = "") {
  const fs::path from = data_dir() / folder;
  const fs::path to = dir / folder;
  fs::create_directories(to);
  EXPECT_TRUE(fs::is_directory(from)) << from;
  bool found = copied.empty();
  for (const auto& entry : fs::directory_iterator(from)) {
    const std::string name = entry.path().filename().string();
    if (name == copied) {
      fs::copy_file(entry.path(), to / name);
      found = true;
    } else {
      fs::create_symlink(fs::absolute(entry.path()), to / name);
    }
  }
  EXPECT_TRUE(found) << copied << " is not in " << from;
  return copied.empty() ? fs::path() : to / copied;
}

void cut_bytes(const fs::path& file, std::uintmax_t bytes) {
  fs::resize_file(file, fs::file_size(file) - bytes);
}

TEST(RealDatasetsTest, MirroredFilesLoad) {
  // The mirror itself is sound, so the failures below are due to the damage alone.
  TempDir dir;
  mirror(dir, "mnist", "t10k-images-idx3-ubyte");
  EXPECT_EQ(load("mnist", Split::kTest, dir.path()).size(), 10000u);
}

TEST(RealDatasetsTest, TruncatedMnistImages) {
  for (std::uintmax_t cut : {1u, 100u, 784u}) {
    SCOPED_TRACE("cut " + std::to_string(cut));
    TempDir dir;
    const fs::path file = mirror(dir, "mnist", "t10k-images-idx3-ubyte");
    cut_bytes(file, cut);
    const std::string message = input_error_of([&] { load("mnist", Split::kTest, dir.path()); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    EXPECT_THAT(message, HasSubstr("truncated"));
  }
}

TEST(RealDatasetsTest, TruncatedFashionMnistGzip) {
  // Cut in half, and only the 8-byte gzip trailer missing (every image still decompresses).
  for (bool half : {true, false}) {
    SCOPED_TRACE(half ? "half" : "trailer");
    TempDir dir;
    const fs::path file = mirror(dir, "fashion-mnist", "t10k-images-idx3-ubyte.gz");
    cut_bytes(file, half ? fs::file_size(file) / 2 : 8);
    const std::string message =
        input_error_of([&] { load("fashion-mnist", Split::kTest, dir.path()); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    EXPECT_THAT(message, HasSubstr("gzip"));
  }
}

TEST(RealDatasetsTest, CorruptedFashionMnistGzip) {
  TempDir dir;
  const fs::path file = mirror(dir, "fashion-mnist", "t10k-labels-idx1-ubyte.gz");
  {
    std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
    io.write("\xde\xad\xbe\xef", 4);
  }
  const std::string message =
      input_error_of([&] { load("fashion-mnist", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("gzip"));
}

TEST(RealDatasetsTest, TruncatedCifarBatch) {
  TempDir dir;
  const fs::path file = mirror(dir, "cifar-10", "test_batch.bin");
  cut_bytes(file, 100);
  const std::string message = input_error_of([&] { load("cifar10", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("3073"));
}

TEST(RealDatasetsTest, CifarBatchCutAtRecordBoundary) {
  TempDir dir;
  const fs::path file = mirror(dir, "cifar-10", "test_batch.bin");
  cut_bytes(file, 3073);
  const std::string message = input_error_of([&] { load("cifar10", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("holds 9999 records, expected 10000"));
}

TEST(RealDatasetsTest, CifarTrainMissingBatch) {
  TempDir dir;
  mirror(dir, "cifar-10");
  const fs::path file = dir / "cifar-10" / "data_batch_4.bin";
  fs::remove(file);
  const std::string message = input_error_of([&] { load("cifar10", Split::kTrain, dir.path()); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("no such file"));
}

TEST(RealDatasetsTest, CifarClassNamesComeFromTheMetaFile) {
  TempDir dir;
  const fs::path file = mirror(dir, "cifar-10", "batches.meta.txt");
  hawx::test::write_file(file, std::string("plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\n"
                                           "lorry\n"));
  EXPECT_EQ(load("cifar10", Split::kTest, dir.path()).class_names.back(), "lorry");

  hawx::test::write_file(file, std::string("plane\ncar\nbird\ncat\ndeer\ndog\nfrog\nhorse\n"));
  const std::string message = input_error_of([&] { load("cifar10", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("found 8"));
}

TEST(RealDatasetsTest, MnistLabelsWithWrongMagic) {
  for (std::size_t byte : {0u, 2u, 3u}) {
    SCOPED_TRACE("byte " + std::to_string(byte));
    TempDir dir;
    const fs::path file = mirror(dir, "mnist", "t10k-labels-idx1-ubyte");
    {
      std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
      io.seekp(static_cast<std::streamoff>(byte));
      io.put('\x09');
    }
    const std::string message = input_error_of([&] { load("mnist", Split::kTest, dir.path()); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    EXPECT_THAT(message, HasSubstr("magic"));
  }
}

TEST(RealDatasetsTest, MnistLabelsOfTheOtherSplit) {
  // The training labels next to the test images: 60000 labels for 10000 images.
  TempDir dir;
  fs::create_directories(dir / "mnist");
  fs::create_symlink(fs::absolute(data_dir()) / "mnist" / "t10k-images-idx3-ubyte",
                     dir / "mnist" / "t10k-images-idx3-ubyte");
  fs::create_symlink(fs::absolute(data_dir()) / "mnist" / "train-labels-idx1-ubyte",
                     dir / "mnist" / "t10k-labels-idx1-ubyte");
  const std::string message = input_error_of([&] { load("mnist", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr((dir / "mnist" / "t10k-labels-idx1-ubyte").string()));
  EXPECT_THAT(message, HasSubstr("holds 60000 labels"));
  EXPECT_THAT(message, HasSubstr("10000 images"));
}

TEST(RealDatasetsTest, MnistTrainingFilesAsTheTestSplit) {
  // Consistent files of the wrong size: the loader's own count check.
  TempDir dir;
  fs::create_directories(dir / "mnist");
  fs::create_symlink(fs::absolute(data_dir()) / "mnist" / "train-images-idx3-ubyte",
                     dir / "mnist" / "t10k-images-idx3-ubyte");
  fs::create_symlink(fs::absolute(data_dir()) / "mnist" / "train-labels-idx1-ubyte",
                     dir / "mnist" / "t10k-labels-idx1-ubyte");
  const std::string message = input_error_of([&] { load("mnist", Split::kTest, dir.path()); });
  EXPECT_THAT(message, HasSubstr((dir / "mnist" / "t10k-images-idx3-ubyte").string()));
  EXPECT_THAT(message, HasSubstr("holds 60000 images"));
  EXPECT_THAT(message, HasSubstr("expected 10000"));
}

}  // namespace
}  // namespace hawx::models
