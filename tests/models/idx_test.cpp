// SPDX-License-Identifier: MIT
// read_idx and read_idx_dataset on small IDX files written by hand (big-endian headers), plain
// and gzip-compressed, valid and broken in every way the reader promises to detect.
#include "models/data/idx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <set>
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
using testing::Contains;
using testing::HasSubstr;

using hawx::test::input_error_of;

void append_u32(Bytes& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

// An IDX file: 0, 0, type, rank, the dimensions big-endian, then `data` as is.
Bytes idx_file(const std::vector<std::uint32_t>& dims, const Bytes& data,
               std::uint8_t type = 0x08) {
  Bytes out = {0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (auto d : dims) append_u32(out, d);
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

// `n` bytes that differ from one position to the next (not a constant or a simple ramp).
Bytes pattern(std::size_t n, std::uint32_t seed) {
  Bytes out(n);
  std::uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<std::uint8_t>(x >> 24);
  }
  return out;
}

// Somewhat compressible pixels (dark background, noisy strokes) so that deflate emits real
// Huffman-coded blocks rather than stored ones.
Bytes image_like(std::size_t n) {
  Bytes noise = pattern(n, 7);
  Bytes out(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if ((i / 5) % 3 == 0) out[i] = static_cast<std::uint8_t>(noise[i] | 0x80);
  }
  return out;
}

void write_gzip(const fs::path& file, const Bytes& bytes) {
  gzFile out = gzopen(file.c_str(), "wb9");
  ASSERT_NE(out, nullptr) << file;
  const int written = gzwrite(out, bytes.data(), static_cast<unsigned>(bytes.size()));
  EXPECT_EQ(written, static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(out), Z_OK);
}

Bytes read_bytes(const fs::path& file) {
  const std::string s = hawx::test::read_file(file);
  return Bytes(s.begin(), s.end());
}

// 3 images of 2 x 4 and their labels.
const Bytes kPixels = pattern(3 * 2 * 4, 1);
const Bytes kLabels = {2, 0, 1};
const std::vector<std::string> kClasses = {"zero", "one", "two"};

TEST(IdxTest, ReadsPlainImagesAndLabels) {
  TempDir dir;
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
  write_file(dir / "labels", idx_file({3}, kLabels));

  const IdxArray images = read_idx(dir / "images", 3);
  EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{3, 2, 4}));
  EXPECT_EQ(images.data, kPixels);

  const IdxArray labels = read_idx(dir / "labels", 1);
  EXPECT_EQ(labels.dims, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(labels.data, kLabels);
}

TEST(IdxTest, DimensionsAreBigEndian) {
  // 258 = 0x00000102: read little-endian it would be 0x02010000.
  TempDir dir;
  const Bytes data = pattern(258, 2);
  write_file(dir / "labels", idx_file({258}, data));
  const IdxArray labels = read_idx(dir / "labels", 1);
  EXPECT_EQ(labels.dims, (std::vector<std::uint32_t>{258}));
  EXPECT_EQ(labels.data, data);
}

TEST(IdxTest, EmptyArrayIsValid) {
  TempDir dir;
  write_file(dir / "images", idx_file({0, 28, 28}, {}));
  const IdxArray images = read_idx(dir / "images", 3);
  EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{0, 28, 28}));
  EXPECT_TRUE(images.data.empty());
}

TEST(IdxTest, GzipReadsIdenticallyToPlain) {
  TempDir dir;
  const Bytes pixels = image_like(4 * 28 * 28);
  write_file(dir / "images", idx_file({4, 28, 28}, pixels));
  ASSERT_NO_FATAL_FAILURE(write_gzip(dir / "images.gz", idx_file({4, 28, 28}, pixels)));
  ASSERT_NO_FATAL_FAILURE(write_gzip(dir / "labels.gz", idx_file({3}, kLabels)));

  // The .gz really is compressed, so this is not the plain path twice.
  const Bytes gz = read_bytes(dir / "images.gz");
  ASSERT_GE(gz.size(), 2u);
  EXPECT_EQ(gz[0], 0x1f);
  EXPECT_EQ(gz[1], 0x8b);
  EXPECT_LT(gz.size(), fs::file_size(dir / "images"));

  const IdxArray plain = read_idx(dir / "images", 3);
  const IdxArray packed = read_idx(dir / "images.gz", 3);
  EXPECT_EQ(packed.dims, (std::vector<std::uint32_t>{4, 28, 28}));
  EXPECT_EQ(packed.dims, plain.dims);
  EXPECT_EQ(packed.data, pixels);
  EXPECT_EQ(packed.data, plain.data);

  const IdxArray labels = read_idx(dir / "labels.gz", 1);
  EXPECT_EQ(labels.dims, (std::vector<std::uint32_t>{3}));
  EXPECT_EQ(labels.data, kLabels);
}

TEST(IdxTest, GzipLargerThanOneReadChunk) {
  // More than the reader's 1 MiB chunk once decompressed: the chunks must join seamlessly.
  TempDir dir;
  const Bytes pixels = pattern(3 * 700 * 700, 3);  // 1.47 MB
  ASSERT_NO_FATAL_FAILURE(write_gzip(dir / "big.gz", idx_file({3, 700, 700}, pixels)));
  const IdxArray images = read_idx(dir / "big.gz", 3);
  EXPECT_EQ(images.dims, (std::vector<std::uint32_t>{3, 700, 700}));
  EXPECT_TRUE(images.data == pixels);
}

TEST(IdxTest, MissingFile) {
  TempDir dir;
  const fs::path file = dir / "no-such-images";
  const std::string message = input_error_of([&] { read_idx(file, 3); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("no such file"));
}

TEST(IdxTest, DirectoryIsNotAFile) {
  TempDir dir;
  fs::create_directories(dir / "images");
  const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "images").string()));
}

TEST(IdxTest, WrongMagicIsRejected) {
  struct Case {
    const char* what;
    std::size_t byte;
    std::uint8_t value;
    const char* magic;  // as the message shows it
  };
  const Case cases[] = {
      {"type 0x09 (signed byte)", 2, 0x09, "0x00000903"},
      {"type 0x0D (float)", 2, 0x0d, "0x00000d03"},
      {"first byte not zero", 0, 0x01, "0x01000803"},
      {"second byte not zero", 1, 0x08, "0x00080803"},
      {"little-endian style", 3, 0x08, "0x00000808"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    TempDir dir;
    Bytes bytes = idx_file({3, 2, 4}, kPixels);
    bytes[c.byte] = c.value;
    write_file(dir / "images", bytes);
    const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
    EXPECT_THAT(message, HasSubstr((dir / "images").string()));
    EXPECT_THAT(message, HasSubstr("magic"));
    EXPECT_THAT(message, HasSubstr(c.magic));
    EXPECT_THAT(message, HasSubstr("expected 0x00000803"));
  }
}

TEST(IdxTest, WrongRankIsRejected) {
  TempDir dir;
  // A labels file (rank 1) where images (rank 3) are expected, and the other way round.
  write_file(dir / "labels", idx_file({3}, kLabels));
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));

  std::string message = input_error_of([&] { read_idx(dir / "labels", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "labels").string()));
  EXPECT_THAT(message, HasSubstr("3 dimension"));
  EXPECT_THAT(message, HasSubstr("magic 0x00000801"));

  message = input_error_of([&] { read_idx(dir / "images", 1); });
  EXPECT_THAT(message, HasSubstr((dir / "images").string()));
  EXPECT_THAT(message, HasSubstr("1 dimension"));
  EXPECT_THAT(message, HasSubstr("magic 0x00000803"));

  // Same element count, rank 2 instead of 3 (6 x 4 rather than 3 x 2 x 4).
  write_file(dir / "flat", idx_file({6, 4}, kPixels));
  message = input_error_of([&] { read_idx(dir / "flat", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "flat").string()));
  EXPECT_THAT(message, HasSubstr("magic 0x00000802"));
}

TEST(IdxTest, TruncatedBodyIsRejected) {
  for (std::size_t cut : {1u, 8u, 24u}) {
    SCOPED_TRACE("cut " + std::to_string(cut));
    TempDir dir;
    Bytes bytes = idx_file({3, 2, 4}, kPixels);
    bytes.resize(bytes.size() - cut);
    write_file(dir / "images", bytes);
    const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
    EXPECT_THAT(message, HasSubstr((dir / "images").string()));
    EXPECT_THAT(message, HasSubstr("truncated"));
    EXPECT_THAT(message, HasSubstr("promises 24 bytes"));
    EXPECT_THAT(message, HasSubstr("holds " + std::to_string(24 - cut)));
  }
}

TEST(IdxTest, TruncatedHeaderIsRejected) {
  TempDir dir;
  Bytes bytes = idx_file({3, 2, 4}, kPixels);
  bytes.resize(4 + 4 + 3);  // magic, one dimension and part of the second
  write_file(dir / "images", bytes);
  const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "images").string()));
  EXPECT_THAT(message, HasSubstr("truncated IDX header"));
}

TEST(IdxTest, TrailingBytesAreRejected) {
  for (std::size_t extra : {1u, 5u}) {
    SCOPED_TRACE("extra " + std::to_string(extra));
    TempDir dir;
    Bytes bytes = idx_file({3, 2, 4}, kPixels);
    bytes.insert(bytes.end(), extra, 0);
    write_file(dir / "images", bytes);
    const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
    EXPECT_THAT(message, HasSubstr((dir / "images").string()));
    EXPECT_THAT(message, HasSubstr(std::to_string(extra) + " unexpected bytes after the data"));
  }
}

TEST(IdxTest, FileShorterThanFourBytesIsRejected) {
  for (std::size_t size : {0u, 1u, 3u}) {
    SCOPED_TRACE("size " + std::to_string(size));
    TempDir dir;
    write_file(dir / "images", Bytes(size, 0));
    const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
    EXPECT_THAT(message, HasSubstr((dir / "images").string()));
    EXPECT_THAT(message, HasSubstr("too short"));
    EXPECT_THAT(message, HasSubstr("(" + std::to_string(size) + " bytes)"));
  }
}

TEST(IdxTest, DimensionsWhoseProductOverflowsAreRejected) {
  // 2^22 * 2^21 * 2^21 = 2^64, which wraps to 0 in 64-bit arithmetic: an empty body must not
  // pass for an array of 2^64 bytes.
  TempDir dir;
  write_file(dir / "images", idx_file({1u << 22, 1u << 21, 1u << 21}, {}));
  const std::string message = input_error_of([&] { read_idx(dir / "images", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "images").string()));
  EXPECT_THAT(message, HasSubstr("truncated"));
  EXPECT_THAT(message, HasSubstr("4194304 x 2097152 x 2097152"));

  // 0xFFFFFFFF^3 wraps to 0xFFFFFFFF * (2^64 - 2^33 + 1) mod 2^64, also far from the 8 bytes held.
  write_file(dir / "huge", idx_file({0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}, pattern(8, 4)));
  EXPECT_THROW(read_idx(dir / "huge", 3), InputError);
}

TEST(IdxTest, ErrorsAfterDecompressionNameTheGzipFile) {
  TempDir dir;
  Bytes wrong_type = idx_file({3, 2, 4}, kPixels, 0x09);
  Bytes truncated = idx_file({3, 2, 4}, kPixels);
  truncated.pop_back();
  ASSERT_NO_FATAL_FAILURE(write_gzip(dir / "wrong-type.gz", wrong_type));
  ASSERT_NO_FATAL_FAILURE(write_gzip(dir / "truncated.gz", truncated));

  std::string message = input_error_of([&] { read_idx(dir / "wrong-type.gz", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "wrong-type.gz").string()));
  EXPECT_THAT(message, HasSubstr("magic"));

  message = input_error_of([&] { read_idx(dir / "truncated.gz", 3); });
  EXPECT_THAT(message, HasSubstr((dir / "truncated.gz").string()));
  EXPECT_THAT(message, HasSubstr("truncated"));
}

// A valid .gz of an IDX file of 4 images of 28 x 28, as bytes.
Bytes valid_gzip(const TempDir& dir) {
  Bytes gz;
  [&] {
    ASSERT_NO_FATAL_FAILURE(
        write_gzip(dir / "source.gz", idx_file({4, 28, 28}, image_like(4 * 28 * 28))));
    gz = read_bytes(dir / "source.gz");
    ASSERT_NO_THROW(read_idx(dir / "source.gz", 3));
  }();
  return gz;
}

TEST(IdxTest, TruncatedGzipIsRejected) {
  TempDir dir;
  const Bytes gz = valid_gzip(dir);
  ASSERT_GT(gz.size(), 100u);
  const fs::path file = dir / "images.gz";

  // Cut in half: decompression stops early.
  write_file(file, Bytes(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(gz.size() / 2)));
  std::string message = input_error_of([&] { read_idx(file, 3); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("gzip"));

  // Only the 8-byte trailer (CRC-32, length) missing: every data byte decompresses, so only
  // zlib's end-of-stream check can tell.
  write_file(file, Bytes(gz.begin(), gz.end() - 8));
  message = input_error_of([&] { read_idx(file, 3); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("truncated gzip stream"));

  // Every other cut as well. Below two bytes the gzip magic is incomplete and zlib reads the
  // file as plain data, which is then too short for an IDX header.
  for (std::size_t size = 0; size < gz.size(); ++size) {
    SCOPED_TRACE("cut to " + std::to_string(size) + " of " + std::to_string(gz.size()) + " bytes");
    write_file(file, Bytes(gz.begin(), gz.begin() + static_cast<std::ptrdiff_t>(size)));
    message = input_error_of([&] { read_idx(file, 3); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    if (size >= 2) {
      EXPECT_THAT(message, HasSubstr("gzip"));
    }
  }
}

TEST(IdxTest, CorruptedGzipIsRejected) {
  TempDir dir;
  const Bytes gz = valid_gzip(dir);
  ASSERT_GT(gz.size(), 100u);
  const fs::path file = dir / "images.gz";
  constexpr std::size_t kHeader = 10;  // gzopen writes no file name
  constexpr std::size_t kTrailer = 8;

  // Bytes flipped in the middle of the compressed payload.
  Bytes middle = gz;
  for (std::size_t i = gz.size() / 2; i < gz.size() / 2 + 4; ++i) middle[i] ^= 0xff;
  write_file(file, middle);
  std::string message = input_error_of([&] { read_idx(file, 3); });
  EXPECT_THAT(message, HasSubstr(file.string()));
  EXPECT_THAT(message, HasSubstr("gzip"));

  // The stored CRC-32 or length wrong: the data itself decompresses intact.
  for (std::size_t i : {gz.size() - kTrailer, gz.size() - 1}) {
    SCOPED_TRACE("trailer byte " + std::to_string(i));
    Bytes bad = gz;
    bad[i] ^= 0x01;
    write_file(file, bad);
    message = input_error_of([&] { read_idx(file, 3); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    EXPECT_THAT(message, HasSubstr("corrupt gzip stream"));
  }

  // Each single payload byte flipped on its own: whether inflate rejects the deflate data, or
  // decodes something else that then fails the CRC-32, the length or the IDX checks, it is an
  // InputError naming the file.
  std::set<std::string> kinds;
  for (std::size_t i = kHeader; i < gz.size() - kTrailer; ++i) {
    SCOPED_TRACE("payload byte " + std::to_string(i));
    Bytes bad = gz;
    bad[i] ^= 0x5a;
    write_file(file, bad);
    message = input_error_of([&] { read_idx(file, 3); });
    EXPECT_THAT(message, HasSubstr(file.string()));
    kinds.insert(message.substr(file.string().size()));
  }
  // Both ways occur: deflate data that inflate rejects, and data that decodes to something else
  // and fails the CRC-32 (zlib's message names the file again, hence Contains(HasSubstr)).
  EXPECT_THAT(kinds, Contains(HasSubstr("incorrect data check")));
  EXPECT_THAT(kinds, Contains(HasSubstr("invalid")));
}

TEST(IdxTest, ReadIdxDatasetBuildsSingleChannelImages) {
  TempDir dir;
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
  write_file(dir / "labels", idx_file({3}, kLabels));
  const Dataset d = read_idx_dataset(dir / "images", dir / "labels", kClasses);
  EXPECT_EQ(d.channels, 1);
  EXPECT_EQ(d.height, 2);
  EXPECT_EQ(d.width, 4);
  EXPECT_EQ(d.size(), 3u);
  EXPECT_EQ(d.image_bytes(), 8u);
  EXPECT_EQ(d.pixels, kPixels);
  EXPECT_EQ(d.labels, kLabels);
  EXPECT_EQ(d.class_names, kClasses);
  ASSERT_EQ(d.pixels.size(), d.size() * d.image_bytes());
  EXPECT_EQ(Bytes(d.image(2), d.image(2) + 8), Bytes(kPixels.begin() + 16, kPixels.end()));
}

TEST(IdxTest, ReadIdxDatasetAcceptsTheLastClass) {
  TempDir dir;
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
  write_file(dir / "labels", idx_file({3}, {2, 2, 2}));
  const Dataset d = read_idx_dataset(dir / "images", dir / "labels", kClasses);
  EXPECT_EQ(d.labels, (Bytes{2, 2, 2}));
}

TEST(IdxTest, ReadIdxDatasetRejectsCountMismatch) {
  TempDir dir;
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
  write_file(dir / "labels", idx_file({2}, {0, 1}));
  const std::string message =
      input_error_of([&] { read_idx_dataset(dir / "images", dir / "labels", kClasses); });
  EXPECT_THAT(message, HasSubstr((dir / "labels").string() + ": holds 2 labels"));
  EXPECT_THAT(message, HasSubstr((dir / "images").string() + " holds 3 images"));
}

TEST(IdxTest, ReadIdxDatasetRejectsLabelOutOfRange) {
  for (std::uint8_t bad : {3, 10, 255}) {
    SCOPED_TRACE("label " + std::to_string(bad));
    TempDir dir;
    write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
    write_file(dir / "labels", idx_file({3}, {0, bad, 1}));
    const std::string message =
        input_error_of([&] { read_idx_dataset(dir / "images", dir / "labels", kClasses); });
    EXPECT_THAT(message, HasSubstr((dir / "labels").string()));
    EXPECT_THAT(message, HasSubstr("label " + std::to_string(bad) + " of image 1"));
    EXPECT_THAT(message, HasSubstr("out of range"));
    EXPECT_THAT(message, HasSubstr("expected 0..2"));
  }
}

TEST(IdxTest, ReadIdxDatasetNamesTheBrokenFile) {
  TempDir dir;
  Bytes bad_labels = idx_file({3}, kLabels);
  bad_labels[2] = 0x09;
  write_file(dir / "images", idx_file({3, 2, 4}, kPixels));
  write_file(dir / "labels", bad_labels);
  std::string message =
      input_error_of([&] { read_idx_dataset(dir / "images", dir / "labels", kClasses); });
  EXPECT_THAT(message, HasSubstr((dir / "labels").string() + ": "));
  EXPECT_THAT(message, HasSubstr("magic"));

  // The labels file given as images: rank 1 where 3 is expected.
  write_file(dir / "labels", idx_file({3}, kLabels));
  message = input_error_of([&] { read_idx_dataset(dir / "labels", dir / "labels", kClasses); });
  EXPECT_THAT(message, HasSubstr("3 dimension"));
}

}  // namespace
}  // namespace hawx::models
