// SPDX-License-Identifier: MIT
#include "sim/simt/kernel.h"

#include <algorithm>
#include <cstring>

#include "core/errors.h"

namespace hawx::simt {
namespace {

// Registers of the template (r1..r4 hold the work-item's ids at launch).
constexpr int kGidX = 1, kGidY = 2, kLid = 3, kLidY = 4;
constexpr int kT0 = 5, kT1 = 6, kT2 = 7, kT3 = 8;
constexpr int kIn = 9, kW = 10, kUnit = 11, kAcc = 12, kOut = 13, kCount = 14, kBound = 15;
constexpr int kAct = 16, kWgt = 20, kProd = 24;  // four each
constexpr int kBatch = 4;                        // loads in flight ahead of their multiplies

constexpr std::uint32_t kAlign = 256;

std::uint32_t align(std::uint64_t x) {
  return static_cast<std::uint32_t>((x + kAlign - 1) / kAlign * kAlign);
}

int log2_exact(std::int64_t x) {
  int l = 0;
  while ((std::int64_t{1} << l) < x) ++l;
  return l;
}

std::int32_t imm32(std::int64_t x, const char* what) {
  if (x > INT32_MAX || x < INT32_MIN) {
    throw InputError(std::string("layer too large for the SIMT core's 32-bit addresses (") + what +
                     ")");
  }
  return static_cast<std::int32_t>(x);
}

}  // namespace

void LayerShape::check() const {
  auto positive = [](int v, const char* what) {
    if (v < 1) throw InputError(std::string("SIMT layer: ") + what + " must be >= 1");
  };
  positive(channels, "channels");
  positive(height, "height");
  positive(width, "width");
  positive(kernel_h, "kernel_h");
  positive(kernel_w, "kernel_w");
  positive(stride_h, "stride_h");
  positive(stride_w, "stride_w");
  positive(dilation_h, "dilation_h");
  positive(dilation_w, "dilation_w");
  positive(groups, "groups");
  positive(filters, "filters");
  if (pad_top < 0 || pad_left < 0 || pad_bottom < 0 || pad_right < 0) {
    throw InputError("SIMT layer: negative padding");
  }
  if (channels % groups != 0 || filters % groups != 0) {
    throw InputError("SIMT layer: groups (" + std::to_string(groups) + ") must divide channels (" +
                     std::to_string(channels) + ") and filters (" + std::to_string(filters) + ")");
  }
  if (padded_h() < dilation_h * (kernel_h - 1) + 1 ||
      padded_w() < dilation_w * (kernel_w - 1) + 1) {
    throw InputError("SIMT layer: the kernel is larger than the padded input");
  }
}

LayerShape shape_of(const models::Layer& l) {
  LayerShape s;
  s.channels = l.in.c;
  s.height = l.in.h;
  s.width = l.in.w;
  s.kernel_h = l.kernel_h;
  s.kernel_w = l.kernel_w;
  s.stride_h = l.stride_h;
  s.stride_w = l.stride_w;
  s.pad_top = l.pad_top;
  s.pad_left = l.pad_left;
  s.pad_bottom = l.pad_bottom;
  s.pad_right = l.pad_right;
  s.dilation_h = l.dilation_h;
  s.dilation_w = l.dilation_w;
  s.groups = l.groups;
  s.filters = l.filters();
  s.check();
  if (s.out_h() != l.out.h || s.out_w() != l.out.w) {
    throw InputError("SIMT layer '" + l.name + "': output " + std::to_string(s.out_h()) + "x" +
                     std::to_string(s.out_w()) + " from its window, the network says " +
                     std::to_string(l.out.h) + "x" + std::to_string(l.out.w));
  }
  return s;
}

KernelLaunch generate_kernel(const LayerShape& s, const KernelOptions& options) {
  s.check();
  KernelLaunch k;
  k.m = s.pixels();
  k.n = s.filters;
  k.k = s.taps();
  const int wg = options.workgroup_size;
  std::int64_t wm = 1;
  while (wm < k.m && wm < wg) wm *= 2;
  const std::int64_t wn = wg / wm;
  k.group_x = static_cast<int>(wm);
  k.group_y = static_cast<int>(wn);
  k.global_x = (k.m + wm - 1) / wm * wm;
  k.global_y = (k.n + wn - 1) / wn * wn;
  k.n_pad = k.global_y;
  const std::int64_t k_staged = (k.k + wm - 1) / wm * wm;
  // Staging pays where the work-group's pixels share the weights (wm > 1) and they fit.
  k.local_weights = wm > 1 && k_staged * wn * 2 <= options.local_memory_bytes;
  k.k_pad = k.local_weights ? k_staged : k.k;
  k.local_bytes_per_group = k.local_weights ? k_staged * wn * 2 : 0;

  const std::int64_t hp = s.padded_h(), wp = s.padded_w();
  const std::int64_t cpg = s.channels / s.groups;
  const std::int64_t taps_per_channel = std::int64_t{s.kernel_h} * s.kernel_w;
  std::uint64_t at = 0;
  k.input_address = align(at);
  at = k.input_address + std::uint64_t(s.channels) * hp * wp * 2;
  k.weight_address = align(at);
  at = k.weight_address + std::uint64_t(k.k_pad) * k.n_pad * 2;
  k.pixel_address = align(at);
  at = k.pixel_address + std::uint64_t(k.m) * 4;
  k.filter_address = align(at);
  at = k.filter_address + std::uint64_t(k.n_pad) * 16;
  k.output_address = align(at);
  at = k.output_address + std::uint64_t(k.n) * k.m * 4;
  if (at > UINT32_MAX / 2) {
    throw InputError("SIMT layer needs " + std::to_string(at) +
                     " bytes of global memory, more than the core's 2 GB address space");
  }
  k.memory_bytes = align(at);

  Assembler a("conv_" + std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" +
              std::to_string(s.width) + "_k" + std::to_string(s.kernel_h) + "x" +
              std::to_string(s.kernel_w) + "_f" + std::to_string(s.filters) +
              (s.groups > 1 ? "_g" + std::to_string(s.groups) : "") +
              (k.local_weights ? "_lw" : "_gw"));
  const int done = a.label("done");
  const int loop = a.label("taps");
  const std::int64_t wstride = k.local_weights ? wn : k.n_pad;  // halfwords between taps

  if (k.local_weights) {
    // Each work-item copies elements i = it * wg + lid of the Kpad x wn tile: tap i / wn of
    // filter n0 + i % wn, to local address 2 i.
    const std::int64_t iterations = k.k_pad / wm;
    int copies = 1;
    for (int c : {4, 2}) {
      if (iterations % c == 0) {
        copies = c;
        break;
      }
    }
    const int copy = a.label("stage");
    a.alu_imm(Op::kSrli, kT0, kLid, log2_exact(wn), "tap of my first element: lid / wn");
    a.alu_imm(Op::kAndi, kT1, kLid, imm32(wn - 1, "wn"), "filter within the group: lid % wn");
    a.alu_imm(Op::kMuli, kT2, kT0, imm32(k.n_pad * 2, "weights"), "tap row offset");
    a.alu(Op::kSub, kT3, kGidY, kLidY, "n0: the group's first filter");
    a.alu(Op::kAdd, kT3, kT3, kT1);
    a.alu_imm(Op::kSlli, kT3, kT3, 1);
    a.alu(Op::kAdd, kT2, kT2, kT3);
    a.alu_imm(Op::kAddi, kT2, kT2, imm32(k.weight_address, "weights"), "global source");
    a.alu_imm(Op::kSlli, kT3, kLid, 1, "local destination: 2 lid");
    a.li(kCount, imm32(iterations / copies, "staging"), "staging iterations");
    a.place(copy);
    for (int c = 0; c < copies; ++c) {
      a.load(Op::kLh, kAct + c, kT2, imm32(c * wm * k.n_pad * 2, "weights"));
    }
    for (int c = 0; c < copies; ++c) a.store(Op::kLsh, kAct + c, kT3, imm32(c * wg * 2, "local"));
    a.alu_imm(Op::kAddi, kT2, kT2, imm32(copies * wm * k.n_pad * 2, "weights"));
    a.alu_imm(Op::kAddi, kT3, kT3, imm32(copies * wg * 2, "local"));
    a.alu_imm(Op::kAddi, kCount, kCount, -1);
    a.branch(Op::kBne, kCount, 0, copy);
    a.barrier("the group's weights are in local memory");
  }
  a.li(kBound, imm32(k.m, "pixels"), "pixels M");
  a.branch(Op::kBge, kGidX, kBound, done, "beyond the map: nothing to compute");
  a.li(kBound, imm32(k.n, "filters"), "filters N");
  a.branch(Op::kBge, kGidY, kBound, done, "beyond the filters");
  a.alu_imm(Op::kSlli, kT0, kGidX, 2);
  a.load(Op::kLw, kIn, kT0, imm32(k.pixel_address, "pixels"), "my window's origin");
  a.alu_imm(Op::kSlli, kT1, kGidY, 4);
  a.load(Op::kLw, kT2, kT1, imm32(k.filter_address, "filters"), "my group's first channel");
  a.alu(Op::kAdd, kIn, kIn, kT2);
  if (options.uniform_unit < 0) {
    a.load(Op::kLw, kUnit, kT1, imm32(k.filter_address + 4, "filters"), "my filter's unit");
  }
  a.load(Op::kLw, kAcc, kT1, imm32(k.filter_address + 8, "filters"), "sum starts at the bias");
  a.load(Op::kLw, kOut, kT1, imm32(k.filter_address + 12, "filters"), "my output row");
  a.alu(Op::kAdd, kOut, kOut, kT0, "my output");
  if (k.local_weights) {
    a.alu_imm(Op::kSlli, kW, kLidY, 1, "my filter's weights in local memory");
  } else {
    a.alu_imm(Op::kSlli, kW, kGidY, 1);
    a.alu_imm(Op::kAddi, kW, kW, imm32(k.weight_address, "weights"),
              "my filter's weights in global memory");
  }
  int unroll = 1;
  for (int u : {8, 4, 2}) {
    if (cpg % u == 0 && u * taps_per_channel <= 16) {
      unroll = u;
      break;
    }
  }
  const std::int64_t taps = unroll * taps_per_channel;
  a.li(kCount, imm32(cpg / unroll, "channels"),
       std::to_string(unroll) + (unroll == 1 ? " channel" : " channels") + " per iteration");
  a.place(loop);
  const Op weight_load = k.local_weights ? Op::kLlh : Op::kLh;
  for (std::int64_t first = 0; first < taps; first += kBatch) {
    const int batch = static_cast<int>(std::min<std::int64_t>(kBatch, taps - first));
    for (int b = 0; b < batch; ++b) {
      const std::int64_t t = first + b;
      const std::int64_t c = t / taps_per_channel;
      const std::int64_t ky = t % taps_per_channel / s.kernel_w;
      const std::int64_t kx = t % s.kernel_w;
      const std::int64_t offset = (c * hp * wp + ky * s.dilation_h * wp + kx * s.dilation_w) * 2;
      a.load(Op::kLh, kAct + b, kIn, imm32(offset, "input"),
             "activation c+" + std::to_string(c) + " (" + std::to_string(ky) + "," +
                 std::to_string(kx) + ")");
    }
    for (int b = 0; b < batch; ++b) {
      a.load(weight_load, kWgt + b, kW, imm32((first + b) * wstride * 2, "weights"), "weight");
    }
    for (int b = 0; b < batch; ++b) {
      if (options.uniform_unit < 0) {
        a.mul(kProd + b, kAct + b, kWgt + b, kUnit);
      } else {
        a.mul_unit(kProd + b, kAct + b, kWgt + b, options.uniform_unit);
      }
    }
    for (int b = 0; b < batch; ++b) a.alu(Op::kAdd, kAcc, kAcc, kProd + b);
  }
  a.alu_imm(Op::kAddi, kIn, kIn, imm32(unroll * hp * wp * 2, "input"), "next channels");
  a.alu_imm(Op::kAddi, kW, kW, imm32(taps * wstride * 2, "weights"));
  a.alu_imm(Op::kAddi, kCount, kCount, -1);
  a.branch(Op::kBne, kCount, 0, loop);
  a.store(Op::kSw, kAcc, kOut, 0, "the int32 sum");
  a.place(done);
  a.ret();
  k.program = a.finish();
  return k;
}

std::vector<std::uint8_t> memory_image(const KernelLaunch& k, const LayerShape& s,
                                       const std::int16_t* input,
                                       const std::vector<std::int16_t>& weights,
                                       const std::vector<std::int32_t>& bias,
                                       const std::vector<std::uint16_t>& filter_unit) {
  if (weights.size() != static_cast<std::size_t>(k.n * k.k)) {
    throw InputError("SIMT layer: " + std::to_string(weights.size()) + " weights, expected " +
                     std::to_string(k.n * k.k) + " (filters x taps)");
  }
  if (!bias.empty() && bias.size() != static_cast<std::size_t>(k.n)) {
    throw InputError("SIMT layer: " + std::to_string(bias.size()) + " biases for " +
                     std::to_string(k.n) + " filters");
  }
  if (filter_unit.size() != static_cast<std::size_t>(k.n)) {
    throw InputError("SIMT layer: " + std::to_string(filter_unit.size()) + " unit selects for " +
                     std::to_string(k.n) + " filters");
  }
  std::vector<std::uint8_t> mem(k.memory_bytes, 0);
  auto put16 = [&](std::uint64_t address, std::int16_t v) { std::memcpy(&mem[address], &v, 2); };
  auto put32 = [&](std::uint64_t address, std::int32_t v) { std::memcpy(&mem[address], &v, 4); };
  const std::int64_t hp = s.padded_h(), wp = s.padded_w();
  for (std::int64_t c = 0; c < s.channels; ++c) {
    for (std::int64_t y = 0; y < s.height; ++y) {
      for (std::int64_t x = 0; x < s.width; ++x) {
        put16(k.input_address + ((c * hp + y + s.pad_top) * wp + x + s.pad_left) * 2,
              input[(c * s.height + y) * s.width + x]);
      }
    }
  }
  for (std::int64_t n = 0; n < k.n; ++n) {
    for (std::int64_t t = 0; t < k.k; ++t) {
      put16(k.weight_address + (t * k.n_pad + n) * 2,
            weights[static_cast<std::size_t>(n * k.k + t)]);
    }
  }
  const int ow = s.out_w();
  for (std::int64_t m = 0; m < k.m; ++m) {
    const std::int64_t oy = m / ow, ox = m % ow;
    put32(
        k.pixel_address + m * 4,
        static_cast<std::int32_t>(k.input_address + (oy * s.stride_h * wp + ox * s.stride_w) * 2));
  }
  const std::int64_t per_group = s.filters / s.groups;
  const std::int64_t cpg = s.channels / s.groups;
  for (std::int64_t n = 0; n < k.n; ++n) {
    const std::uint64_t e = k.filter_address + static_cast<std::uint64_t>(n) * 16;
    put32(e, static_cast<std::int32_t>(n / per_group * cpg * hp * wp * 2));
    put32(e + 4, filter_unit[static_cast<std::size_t>(n)]);
    put32(e + 8, bias.empty() ? 0 : bias[static_cast<std::size_t>(n)]);
    put32(e + 12, static_cast<std::int32_t>(k.output_address + n * k.m * 4));
  }
  return mem;
}

}  // namespace hawx::simt
