// SPDX-License-Identifier: MIT
// The per-layer kernels of the SIMT core: a convolution (fully connected layers are 1x1
// convolutions on a 1x1 map; grouped and depthwise convolutions included) generated from one
// template as a program of the ISA in isa.h, the NDRange it is launched over, and the global
// memory image it reads (the layout a host runtime would write before the launch).
//
// Mapping, as an OpenCL kernel runs on FGPU: one work-item per output (pixel m, filter n), a 2-D
// NDRange x = pixels, y = filters; work-groups of wm x wn work-items (wm a power of two up to the
// work-group size, covering a layer's pixels where it can; wn = size / wm filters), flattened
// into wavefronts (local id = ly * wm + lx). So a large map runs 64 pixels of one filter per
// wavefront, and a fully connected layer (one pixel) 64 filters per wavefront: per-filter units
// then differ within a wavefront, which the `mul` unit-select register carries per work-item.
//
// Global memory (byte addresses, every buffer aligned to 256 bytes):
//   input    channels x Hp x Wp halfwords: the layer's input map zero-padded (Hp = H + pads)
//   weights  Kpad x Npad halfwords, tap-major (weight of tap k, filter n at k * Npad + n), so the
//            work-items of a wavefront read consecutive (or, for one filter, the same) addresses;
//            zero beyond K taps and N filters
//   pixels   per pixel m (M words): the byte address of its window's origin in the input
//   filters  per filter n (Npad x 4 words): byte offset of its group's first channel, its unit
//            index, its bias (int32, accumulator units), the byte address of its output row
// The unit: when every filter of the layer selects the same unit, the muls carry it as an
// immediate (the layer's choice, compiled in); otherwise each work-item loads its filter's unit
// from the table into the register the muls name (a filter's choice, at run time).
//   output   N x M words: the int32 sums, bias included (the engine's accumulators)
// Weights are staged into local memory per work-group (Kpad x wn halfwords, a barrier before
// use) when they fit the compute unit's local memory; otherwise each tap's weight is loaded from
// global memory. Taps run channel by channel (unrolled over up to 8 channels when a channel has
// few taps), loads grouped four at a time ahead of their multiplies.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/engine/network.h"
#include "sim/simt/isa.h"

namespace hawx::simt {

struct LayerShape {
  int channels = 1, height = 1, width = 1;  // input map
  int kernel_h = 1, kernel_w = 1;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;
  int filters = 1;

  int padded_h() const { return height + pad_top + pad_bottom; }
  int padded_w() const { return width + pad_left + pad_right; }
  int out_h() const { return (padded_h() - dilation_h * (kernel_h - 1) - 1) / stride_h + 1; }
  int out_w() const { return (padded_w() - dilation_w * (kernel_w - 1) - 1) / stride_w + 1; }
  std::int64_t pixels() const { return std::int64_t{out_h()} * out_w(); }
  int taps() const { return channels / groups * kernel_h * kernel_w; }
  std::int64_t macs() const { return pixels() * filters * taps(); }
  // InputError unless the shape is a convolution the kernel can run.
  void check() const;
};

// The shape of a compute layer of the engine's network.
LayerShape shape_of(const models::Layer& layer);

struct KernelOptions {
  int workgroup_size = 128;             // work-items, a multiple of the wavefront size
  std::int64_t local_memory_bytes = 0;  // of a compute unit
  // >= 0: every filter selects this unit, and the kernel's muls name it (`u#N`, a layer's
  // choice); -1: each work-item loads its filter's unit into a register (`u=r11`, per filter).
  int uniform_unit = -1;
};

struct KernelLaunch {
  Program program;
  // NDRange and work-groups.
  std::int64_t global_x = 0, global_y = 0;  // padded to whole work-groups
  int group_x = 0, group_y = 0;             // wm x wn
  int workgroup_size() const { return group_x * group_y; }
  std::int64_t groups_x() const { return global_x / group_x; }
  std::int64_t workgroups() const { return groups_x() * (global_y / group_y); }
  // Geometry.
  std::int64_t m = 0, n = 0, k = 0;  // pixels, filters, taps per filter
  std::int64_t k_pad = 0, n_pad = 0;
  bool local_weights = false;
  std::int64_t local_bytes_per_group = 0;  // 0 without staging
  // Global memory layout.
  std::uint32_t input_address = 0, weight_address = 0, pixel_address = 0, filter_address = 0,
                output_address = 0;
  std::uint32_t memory_bytes = 0;
};

KernelLaunch generate_kernel(const LayerShape& shape, const KernelOptions& options);

// The global memory image of a launch: the padded input (channels x H x W values), the weights
// (the engine's layout, filters x taps), biases (per filter, or empty for zeros), the units
// (per filter) and the descriptor tables; the output region zero.
std::vector<std::uint8_t> memory_image(const KernelLaunch& launch, const LayerShape& shape,
                                       const std::int16_t* input,
                                       const std::vector<std::int16_t>& weights,
                                       const std::vector<std::int32_t>& bias,
                                       const std::vector<std::uint16_t>& filter_unit);

}  // namespace hawx::simt
