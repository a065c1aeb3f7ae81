// SPDX-License-Identifier: MIT
// read_cifar10_batch and read_cifar10_class_names on small synthetic batch files of 3073-byte
// records (label, then the red, green and blue 32 x 32 planes).
#include "models/data/cifar10.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/errors.h"
#include "tests/support/test_support.h"

namespace hawx::models {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;
using hawx::test::TempDir;
using hawx::test::write_file;
using testing::HasSubstr;

constexpr std::size_t kPlane = 32 * 32;

using hawx::test::input_error_of;

// Pixel `p` of channel `c` (0 red, 1 green, 2 blue) of the synthetic image number `image`:
// different per channel, per position and per image.
std::uint8_t pixel(std::size_t image, std::size_t c, std::size_t p) {
  return static_cast<std::uint8_t>(c * 85 + p * 7 + p / 32 + image * 29);
}

Bytes record(std::uint8_t label, std::size_t image) {
  Bytes out = {label};
  for (std::size_t c = 0; c < 3; ++c) {
    for (std::size_t p = 0; p < kPlane; ++p) out.push_back(pixel(image, c, p));
  }
  return out;
}

// A batch of one record per label; image numbers start at `first_image`.
Bytes batch(const Bytes& labels, std::size_t first_image = 0) {
  Bytes out;
  for (std::size_t r = 0; r < labels.size(); ++r) {
    const Bytes one = record(labels[r], first_image + r);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

Dataset cifar_shaped() {
  Dataset d;
  d.channels = 3;
  d.height = 32;
  d.width = 32;
  return d;
}

TEST(Cifar10Test, RecordLayoutConstants) {
  EXPECT_EQ(kCifarRecordBytes, 3073u);
  EXPECT_EQ(kCifarBatchRecords, 10000u);
  EXPECT_EQ(record(0, 0).size(), kCifarRecordBytes);
}

TEST(Cifar10Test, ReadsLabelsAndPlanesInOrder) {
  TempDir dir;
  write_file(dir / "batch.bin", batch({6, 9, 0}));
  Dataset d = cifar_shaped();
  read_cifar10_batch(dir / "batch.bin", 3, d);

  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d.labels, (Bytes{6, 9, 0}));
  ASSERT_EQ(d.image_bytes(), 3 * kPlane);
  ASSERT_EQ(d.pixels.size(), 3 * 3 * kPlane);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("image " + std::to_string(i));
    const std::uint8_t* image = d.image(i);
    // The red plane first, then green, then blue, each row-major, label byte dropped.
    EXPECT_EQ(image[0], pixel(i, 0, 0));
    EXPECT_EQ(image[1], pixel(i, 0, 1));
    EXPECT_EQ(image[32], pixel(i, 0, 32));
    EXPECT_EQ(image[kPlane - 1], pixel(i, 0, kPlane - 1));
    EXPECT_EQ(image[kPlane], pixel(i, 1, 0));
    EXPECT_EQ(image[2 * kPlane], pixel(i, 2, 0));
    EXPECT_EQ(image[3 * kPlane - 1], pixel(i, 2, kPlane - 1));
    const Bytes whole = record(d.labels[i], i);
    EXPECT_TRUE(Bytes(image, image + 3 * kPlane) == Bytes(whole.begin() + 1, whole.end()));
  }
}

TEST(Cifar10Test, BatchesAppend) {
  // The training set is five batches read into one dataset.
  TempDir dir;
  write_file(dir / "a.bin", batch({1, 2, 3}, 0));
  write_file(dir / "b.bin", batch({4, 5}, 3));
  Dataset d = cifar_shaped();
  read_cifar10_batch(dir / "a.bin", 3, d);
  read_cifar10_batch(dir / "b.bin", 2, d);
  EXPECT_EQ(d.labels, (Bytes{1, 2, 3, 4, 5}));
  const Bytes all = batch({1, 2, 3, 4, 5}, 0);
  ASSERT_EQ(d.pixels.size(), 5 * 3 * kPlane);
  for (std::size_t i = 0; i < 5; ++i) {
    const auto from = all.begin() + static_cast<std::ptrdiff_t>(i * kCifarRecordBytes + 1);
    EXPECT_TRUE(Bytes(d.image(i), d.image(i) + 3 * kPlane) ==
                Bytes(from, from + static_cast<std::ptrdiff_t>(3 * kPlane)))
        << "image " << i;
  }
}

TEST(Cifar10Test, ZeroExpectedRecordsAcceptsAnyCount) {
  TempDir dir;
  write_file(dir / "batch.bin", batch({7, 8, 9, 0, 1}));
  Dataset d = cifar_shaped();
  read_cifar10_batch(dir / "batch.bin", 0, d);
  EXPECT_EQ(d.labels, (Bytes{7, 8, 9, 0, 1}));
  EXPECT_EQ(d.pixels.size(), 5 * 3 * kPlane);
}

TEST(Cifar10Test, AllTenLabelsAreAccepted) {
  TempDir dir;
  const Bytes labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  write_file(dir / "batch.bin", batch(labels));
  Dataset d = cifar_shaped();
  read_cifar10_batch(dir / "batch.bin", 10, d);
  EXPECT_EQ(d.labels, labels);
}

TEST(Cifar10Test, PartialRecordIsRejected) {
  for (std::size_t extra : {std::size_t{1}, std::size_t{100}, kCifarRecordBytes - 1}) {
    SCOPED_TRACE("extra " + std::to_string(extra));
    TempDir dir;
    Bytes bytes = batch({1, 2, 3});
    bytes.resize(bytes.size() + extra, 0);
    write_file(dir / "batch.bin", bytes);
    Dataset d = cifar_shaped();
    const std::string message =
        input_error_of([&] { read_cifar10_batch(dir / "batch.bin", 3, d); });
    EXPECT_THAT(message, HasSubstr((dir / "batch.bin").string()));
    EXPECT_THAT(message, HasSubstr("3073"));
    EXPECT_THAT(message, HasSubstr("truncated"));
    EXPECT_THAT(message, HasSubstr("size " + std::to_string(bytes.size())));
  }
}

TEST(Cifar10Test, ShortLastRecordIsRejected) {
  TempDir dir;
  Bytes bytes = batch({1, 2, 3});
  bytes.resize(bytes.size() - 100);
  write_file(dir / "batch.bin", bytes);
  Dataset d = cifar_shaped();
  // Also when any count is accepted.
  const std::string message = input_error_of([&] { read_cifar10_batch(dir / "batch.bin", 0, d); });
  EXPECT_THAT(message, HasSubstr((dir / "batch.bin").string()));
  EXPECT_THAT(message, HasSubstr("3073"));
}

TEST(Cifar10Test, WrongRecordCountIsRejected) {
  struct Case {
    std::size_t records;
    std::size_t expected;
  };
  for (const Case c : {Case{2, 3}, Case{4, 3}, Case{0, 3}, Case{1, 10000}}) {
    SCOPED_TRACE(std::to_string(c.records) + " records, " + std::to_string(c.expected) +
                 " expected");
    TempDir dir;
    write_file(dir / "batch.bin", batch(Bytes(c.records, 4)));
    Dataset d = cifar_shaped();
    const std::string message =
        input_error_of([&] { read_cifar10_batch(dir / "batch.bin", c.expected, d); });
    EXPECT_THAT(message, HasSubstr((dir / "batch.bin").string()));
    EXPECT_THAT(message, HasSubstr("holds " + std::to_string(c.records) + " records, expected " +
                                   std::to_string(c.expected)));
  }
}

TEST(Cifar10Test, LabelOutOfRangeIsRejected) {
  for (std::uint8_t bad : {10, 11, 255}) {
    SCOPED_TRACE("label " + std::to_string(bad));
    TempDir dir;
    write_file(dir / "batch.bin", batch({0, 9, bad}));
    Dataset d = cifar_shaped();
    const std::string message =
        input_error_of([&] { read_cifar10_batch(dir / "batch.bin", 3, d); });
    EXPECT_THAT(message, HasSubstr((dir / "batch.bin").string()));
    EXPECT_THAT(message, HasSubstr("label " + std::to_string(bad) + " of record 2"));
    EXPECT_THAT(message, HasSubstr("out of range"));
  }
}

TEST(Cifar10Test, MissingFile) {
  TempDir dir;
  Dataset d = cifar_shaped();
  const fs::path file = dir / "data_batch_9.bin";
  const std::string message = input_error_of([&] { read_cifar10_batch(file, 3, d); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("no such file"));
  EXPECT_EQ(d.size(), 0u);
}

const char* const kNames[] = {"airplane", "automobile", "bird",  "cat",  "deer",
                              "dog",      "frog",       "horse", "ship", "truck"};

std::string name_lines(std::size_t n, const char* eol = "\n") {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += std::string(kNames[i % 10]) + eol;
  return out;
}

TEST(Cifar10Test, ClassNamesTenLines) {
  TempDir dir;
  const std::vector<std::string> expected(std::begin(kNames), std::end(kNames));
  // As shipped: ten names and a blank line at the end.
  write_file(dir / "batches.meta.txt", name_lines(10) + "\n");
  EXPECT_EQ(read_cifar10_class_names(dir / "batches.meta.txt"), expected);
  // Windows line ends, trailing spaces and no final newline.
  write_file(dir / "crlf.txt", name_lines(9, " \r\n") + "truck");
  EXPECT_EQ(read_cifar10_class_names(dir / "crlf.txt"), expected);
}

TEST(Cifar10Test, ClassNamesWrongCountIsRejected) {
  for (std::size_t n : {9u, 11u, 0u}) {
    SCOPED_TRACE(std::to_string(n) + " names");
    TempDir dir;
    write_file(dir / "batches.meta.txt", name_lines(n));
    const std::string message =
        input_error_of([&] { read_cifar10_class_names(dir / "batches.meta.txt"); });
    EXPECT_THAT(message, HasSubstr((dir / "batches.meta.txt").string()));
    EXPECT_THAT(message, HasSubstr("expected 10 class names"));
    EXPECT_THAT(message, HasSubstr("found " + std::to_string(n)));
  }
}

TEST(Cifar10Test, ClassNamesBlankLinesDoNotCount) {
  // Nine names padded to ten lines with a blank one is still nine names.
  TempDir dir;
  write_file(dir / "batches.meta.txt", "airplane\n\n" + name_lines(9).substr(9));
  const std::string message =
      input_error_of([&] { read_cifar10_class_names(dir / "batches.meta.txt"); });
  EXPECT_THAT(message, HasSubstr("found 9"));
}

TEST(Cifar10Test, ClassNamesMissingFile) {
  TempDir dir;
  const fs::path file = dir / "batches.meta.txt";
  const std::string message = input_error_of([&] { read_cifar10_class_names(file); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("no such file"));
}

}  // namespace
}  // namespace hawx::models
