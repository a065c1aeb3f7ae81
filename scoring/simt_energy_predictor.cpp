// SPDX-License-Identifier: MIT
#include "scoring/simt_energy_predictor.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include <Eigen/Dense>

#include "core/errors.h"
#include "scoring/operand_points.h"

namespace hawx::scoring {
namespace {

// How the activation a unit sees changes from its last operation to this one.
enum class Change : std::uint32_t {
  kZeroToZero,   // both 0: padding, or the unit's first operation (inputs start at 0) on padding
  kToZero,       // an activation, then padding
  kFromZero,     // padding or the first operation, then an activation
  kSame,         // the same input position: a' = a
  kLag,          // d steps of the profiled transitions along the row-major map (d <= kMaxLag)
  kIndependent,  // another channel, or further apart
};

// Beyond this many steps the chain is taken to have forgotten where it started.
constexpr std::int64_t kMaxLag = 48;

// Distances in steps, binned to a few representatives: the chain's correlation fades smoothly,
// and every distinct distance would need expectations of its own.
constexpr std::array<std::int64_t, 8> kLagBins = {1, 2, 3, 5, 8, 12, 20, 32};

// The bin of a distance of d <= kMaxLag steps.
std::size_t lag_bin(std::int64_t d) {
  for (std::size_t i = 0; i + 1 < kLagBins.size(); ++i) {
    if (d <= kLagBins[i] + kLagBins[i] / 4) return i;
  }
  return kLagBins.size() - 1;
}

constexpr std::size_t kChanges = 6;

}  // namespace

struct SimtEnergyPredictor::Schedule {
  simt::LayerRun run;                                // counts of the kernel on zero operands
  std::vector<simt::LayerRun::MulIssue> mul_issues;  // the order its CUs issued the muls
};

// A layer's activations as the expectations need them.
struct SimtEnergyPredictor::LayerOperands {
  std::vector<double> p;           // P(a) of non-padding positions
  std::vector<Point> activations;  // reduced
  std::vector<Point> coarse;       // the same, fewer points (for b' != b)
  // Pairs of independent activations, P(a') P(a), reduced finely and coarsely.
  std::vector<Point> independent, independent_coarse;
  // The profiled transitions as a Markov chain (one step: the next output position of a row)
  // and its powers, on first use: P(a' -> a after d steps) = step^d.
  Eigen::MatrixXd step;
  std::vector<Eigen::MatrixXd> powers;  // powers[d - 1] = step^d
  // P(a') P(a | a', d), reduced finely and coarsely, per d.
  std::map<std::int64_t, std::pair<std::vector<Point>, std::vector<Point>>> lagged;

  const std::vector<Point>& lag(std::int64_t d, bool fine) {
    auto it = lagged.find(d);
    if (it != lagged.end()) return fine ? it->second.first : it->second.second;
    while (static_cast<std::int64_t>(powers.size()) < d) {
      powers.push_back(powers.empty() ? step : Eigen::MatrixXd(powers.back() * step));
    }
    const Eigen::MatrixXd& m = powers[static_cast<std::size_t>(d - 1)];
    std::vector<double> joint(65536);
    for (std::size_t a0 = 0; a0 < 256; ++a0) {
      for (std::size_t a1 = 0; a1 < 256; ++a1) {
        joint[a0 * 256 + a1] =
            p[a0] * m(static_cast<Eigen::Index>(a0), static_cast<Eigen::Index>(a1));
      }
    }
    const auto& both =
        lagged.emplace(d, std::pair{reduce(joint, 128, 32), reduce(joint, 32, 16)}).first->second;
    return fine ? both.first : both.second;
  }
};

// One unit's expected energies on one layer's activations, per (change, b', b).
struct SimtEnergyPredictor::UnitExpectations {
  LayerOperands* operands = nullptr;
  const rtl::SwitchingEnergyModel* model = nullptr;
  std::unordered_map<std::uint64_t, double> known;

  // Held weight (b' = b, most operations): a dense table per (change, lag bin, b), NaN until
  // computed; a change of weight: the map.
  std::vector<double> held = std::vector<double>(kChanges * kLagBins.size() * 256,
                                                 std::numeric_limits<double>::quiet_NaN());

  double energy(Change change, std::size_t bin, unsigned bp, unsigned b) {
    double* slot = nullptr;
    if (bp == b) {
      slot = &held[(static_cast<std::size_t>(change) * kLagBins.size() + bin) * 256 + b];
      if (!std::isnan(*slot)) return *slot;
    }
    const std::uint64_t key = (static_cast<std::uint64_t>(change) << 32) |
                              (static_cast<std::uint64_t>(bin) << 16) | (bp << 8) | b;
    if (slot == nullptr) {
      const auto it = known.find(key);
      if (it != known.end()) return it->second;
    }
    const std::int64_t lag = kLagBins[bin];
    const auto e = [&](unsigned a0, unsigned a1) {
      return model->energy_fj(static_cast<std::uint8_t>(a0), static_cast<std::uint8_t>(bp),
                              static_cast<std::uint8_t>(a1), static_cast<std::uint8_t>(b));
    };
    // A held weight is the common case (one filter's wavefronts at one tap, most of the
    // operations); a change of weight (b' != b) has many more combinations, each rarer, so its
    // expectations take fewer points.
    const bool fine = bp == b;
    const auto& points = fine ? operands->activations : operands->coarse;
    double sum = 0.0;
    switch (change) {
      case Change::kZeroToZero:
        sum = e(0, 0);
        break;
      case Change::kToZero:
        for (const Point& a : points) sum += a.p * e(a.index, 0);
        break;
      case Change::kFromZero:
        for (const Point& a : points) sum += a.p * e(0, a.index);
        break;
      case Change::kSame:
        if (bp != b) {
          for (const Point& a : points) sum += a.p * e(a.index, a.index);
        }
        break;
      case Change::kLag:
        for (const Point& t : operands->lag(lag, fine)) {
          sum += t.p * e(t.index >> 8, t.index & 0xFF);
        }
        break;
      case Change::kIndependent:
        for (const Point& t : fine ? operands->independent : operands->independent_coarse) {
          sum += t.p * e(t.index >> 8, t.index & 0xFF);
        }
        break;
    }
    if (slot != nullptr) {
      *slot = sum;
    } else {
      known.emplace(key, sum);
    }
    return sum;
  }
};

SimtEnergyPredictor::SimtEnergyPredictor(const models::QuantizedNetwork& network,
                                         const Profile& profile, simt::CoreSpec core,
                                         std::vector<simt::SimtUnit> units, rtl::TechSpec tech)
    : network_(network),
      profile_(profile),
      core_(std::move(core)),
      units_(std::move(units)),
      tech_(std::move(tech)) {
  core_.validate();
  if (units_.empty()) throw ConfigError("the SIMT energy predictor needs the unit types");
  const std::size_t layers = network_.net.compute_layers().size();
  if (profile_.layers.size() != layers) {
    throw Error("the profile has " + std::to_string(profile_.layers.size()) +
                " layers; the network has " + std::to_string(layers));
  }
  for (const LayerProfile& l : profile_.layers) {
    if (l.transitions.size() != 65536) {
      throw Error("the profile of layer '" + l.name + "' has no operand transitions");
    }
  }
}

SimtEnergyPredictor::~SimtEnergyPredictor() = default;

const SimtEnergyPredictor::Schedule& SimtEnergyPredictor::schedule(std::size_t layer,
                                                                   bool uniform) const {
  auto& slot = schedules_[{layer, uniform}];
  if (slot) return *slot;
  const models::Layer& l =
      network_.net.layers[static_cast<std::size_t>(network_.net.compute_layers()[layer])];
  simt::LayerOperands o;
  o.shape = simt::shape_of(l);
  const std::vector<std::int16_t> input(
      static_cast<std::size_t>(o.shape.channels) * o.shape.height * o.shape.width, 0);
  o.input = input.data();
  o.weights.assign(static_cast<std::size_t>(o.shape.filters) * o.shape.taps(), 0);
  // Two selects that differ give the per-filter kernel; the unit chosen changes no timing.
  for (int f = 0; f < o.shape.filters; ++f) {
    o.filter_unit.push_back(static_cast<std::uint16_t>(uniform ? 0 : f % 2));
  }
  o.record_mul_issues = true;
  simt::CoreSpec lut = core_;
  lut.data_path = simt::DataPath::kLut;
  auto s = std::make_unique<Schedule>();
  s->run = simt::simulate_layer(lut, {units_.front(), units_.front()}, o);
  s->run.output = {};
  s->run.lanes = {};
  s->mul_issues = std::move(s->run.mul_issues);
  s->run.mul_issues = {};
  slot = std::move(s);
  return *slot;
}

SimtEnergyPredictor::LayerOperands& SimtEnergyPredictor::operands(std::size_t layer) const {
  auto& slot = operands_[layer];
  if (slot) return *slot;
  const models::Layer& l =
      network_.net.layers[static_cast<std::size_t>(network_.net.compute_layers()[layer])];
  const simt::LayerShape s = simt::shape_of(l);
  // The share of (output position, tap) reads that land on padding: zeros the profiled
  // histogram counts, which the replay places exactly.
  std::int64_t padding = 0;
  for (int oy = 0; oy < s.out_h(); ++oy) {
    for (int ky = 0; ky < s.kernel_h; ++ky) {
      const int y = oy * s.stride_h + ky * s.dilation_h;
      const bool row_pad = y < s.pad_top || y >= s.pad_top + s.height;
      for (int ox = 0; ox < s.out_w(); ++ox) {
        for (int kx = 0; kx < s.kernel_w; ++kx) {
          const int x = ox * s.stride_w + kx * s.dilation_w;
          padding += row_pad || x < s.pad_left || x >= s.pad_left + s.width;
        }
      }
    }
  }
  const double pad_share =
      static_cast<double>(padding) / static_cast<double>(s.pixels() * s.kernel_h * s.kernel_w);
  const LayerProfile& lp = profile_.layers[layer];
  std::vector<double> counts(256);
  double total = 0.0;
  for (std::size_t v = 0; v < 256; ++v) total += counts[v] = static_cast<double>(lp.operands[v]);
  counts[0] = std::max(0.0, counts[0] - pad_share * total);
  auto o = std::make_unique<LayerOperands>();
  const double interior = std::accumulate(counts.begin(), counts.end(), 0.0);
  o->p.resize(256);
  for (std::size_t v = 0; v < 256; ++v) o->p[v] = interior > 0.0 ? counts[v] / interior : 0.0;
  o->activations = reduce(counts, 32, 16);
  o->coarse = reduce(counts, 16, 8);
  std::vector<double> pairs(65536);
  for (std::size_t a0 = 0; a0 < 256; ++a0) {
    for (std::size_t a1 = 0; a1 < 256; ++a1) pairs[a0 * 256 + a1] = o->p[a0] * o->p[a1];
  }
  o->independent = reduce(pairs, 128, 32);
  o->independent_coarse = reduce(pairs, 32, 16);
  o->step = Eigen::MatrixXd::Zero(256, 256);
  for (Eigen::Index a0 = 0; a0 < 256; ++a0) {
    double row = 0.0;
    for (Eigen::Index a1 = 0; a1 < 256; ++a1) {
      row += o->step(a0, a1) =
          static_cast<double>(lp.transitions[static_cast<std::size_t>(a0 * 256 + a1)]);
    }
    if (row > 0.0) {
      o->step.row(a0) /= row;
    } else {
      o->step(a0, a0) = 1.0;  // a value never seen: stays (it has no weight in P(a) anyway)
    }
  }
  slot = std::move(o);
  return *slot;
}

SimtEnergyPredictor::UnitExpectations& SimtEnergyPredictor::expectations(std::size_t layer,
                                                                         std::size_t unit) const {
  auto& slot = expectations_[{layer, unit}];
  if (!slot) {
    slot = std::make_unique<UnitExpectations>();
    slot->operands = &operands(layer);
    slot->model = &units_[unit].energy;
  }
  return *slot;
}

SimtEnergyPrediction SimtEnergyPredictor::predict(const models::Assignment& assignment,
                                                  const std::vector<std::uint16_t>& carried) const {
  const auto start = std::chrono::steady_clock::now();
  const models::Network& net = network_.net;
  const std::vector<int> computes = net.compute_layers();
  if (assignment.filters.size() != computes.size()) {
    throw ConfigError("an assignment of " + std::to_string(assignment.filters.size()) +
                      " layers; the network has " + std::to_string(computes.size()));
  }
  std::vector<bool> is_carried(units_.size(), carried.empty());
  double units_area = 0.0;
  for (const std::uint16_t u : carried) {
    if (u >= units_.size()) {
      throw ConfigError("the SIMT core carries unit " + std::to_string(u) + "; there are " +
                        std::to_string(units_.size()) + " unit types");
    }
    is_carried[u] = true;
  }
  for (std::size_t u = 0; u < units_.size(); ++u) {
    if (is_carried[u]) units_area += units_[u].area_um2;
  }
  const bool sign_magnitude = network_.format == models::OperandFormat::kSignMagnitude;
  const int pes = core_.pes_per_cu;
  const int size = core_.wavefront_size;

  SimtEnergyPrediction out;
  for (std::size_t c = 0; c < computes.size(); ++c) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(computes[c])];
    const std::vector<std::uint16_t>& select = assignment.filters[c];
    if (select.size() != static_cast<std::size_t>(l.filters())) {
      throw ConfigError("the assignment gives layer '" + l.name + "' " +
                        std::to_string(select.size()) + " filters; it has " +
                        std::to_string(l.filters()));
    }
    for (std::size_t f = 0; f < select.size(); ++f) {
      if (select[f] >= units_.size() || !is_carried[select[f]]) {
        throw ConfigError("filter " + std::to_string(f) + " of layer '" + l.name +
                          "' selects unit " + std::to_string(select[f]) +
                          ", a type the SIMT core's PEs do not carry");
      }
    }
    const bool uniform =
        std::all_of(select.begin(), select.end(), [&](auto u) { return u == select.front(); });
    const Schedule& sched = schedule(c, uniform);
    const simt::KernelLaunch& k = sched.run.launch;
    const simt::LayerShape s = simt::shape_of(l);
    const auto& weights = network_.conv[static_cast<std::size_t>(computes[c])].weights;
    const std::int64_t ow = s.out_w();
    const std::int64_t taps_per_channel = std::int64_t{s.kernel_h} * s.kernel_w;
    const std::int64_t channels_per_group = s.channels / s.groups;
    const std::int64_t filters_per_group = s.filters / s.groups;
    const std::int64_t per_group = k.workgroup_size() / size;
    std::vector<UnitExpectations*> expect(units_.size(), nullptr);
    for (std::size_t u = 0; u < units_.size(); ++u) {
      if (is_carried[u]) expect[u] = &expectations(c, u);
    }
    // Where each operand comes from, by table rather than by division per operation: per
    // work-item of a work-group its pixel and filter offsets, per pixel its window's origin, per
    // tap its channel (within the group) and offset in the window.
    const std::int64_t group_items = std::int64_t{k.group_x} * k.group_y;
    std::vector<std::int32_t> item_x(static_cast<std::size_t>(group_items)),
        item_y(static_cast<std::size_t>(group_items));
    for (std::int64_t lid = 0; lid < group_items; ++lid) {
      item_x[static_cast<std::size_t>(lid)] = static_cast<std::int32_t>(lid % k.group_x);
      item_y[static_cast<std::size_t>(lid)] = static_cast<std::int32_t>(lid / k.group_x);
    }
    std::vector<std::int32_t> origin_y(static_cast<std::size_t>(k.m)),
        origin_x(static_cast<std::size_t>(k.m));
    for (std::int64_t m = 0; m < k.m; ++m) {
      origin_y[static_cast<std::size_t>(m)] = static_cast<std::int32_t>(m / ow * s.stride_h);
      origin_x[static_cast<std::size_t>(m)] = static_cast<std::int32_t>(m % ow * s.stride_w);
    }
    std::vector<std::int32_t> tap_channel(static_cast<std::size_t>(k.k)),
        tap_y(static_cast<std::size_t>(k.k)), tap_x(static_cast<std::size_t>(k.k));
    for (std::int64_t t = 0; t < k.k; ++t) {
      tap_channel[static_cast<std::size_t>(t)] = static_cast<std::int32_t>(t / taps_per_channel);
      tap_y[static_cast<std::size_t>(t)] =
          static_cast<std::int32_t>(t % taps_per_channel / s.kernel_w * s.dilation_h);
      tap_x[static_cast<std::size_t>(t)] = static_cast<std::int32_t>(t % s.kernel_w * s.dilation_w);
    }
    std::vector<unsigned> patterns(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i) {
      patterns[i] = operand_pattern(weights[i], sign_magnitude);
    }
    // Per wavefront, the muls it has issued (its next tap); per CU, lane and unit, the input
    // position (channel -1: a zero, padding or nothing yet) and weight pattern the unit holds.
    std::vector<std::int64_t> next_tap(static_cast<std::size_t>(k.workgroups() * per_group), 0);
    struct Held {
      std::int32_t channel = -1, y = 0, x = 0;
      unsigned b = 0;
    };
    std::vector<Held> held(static_cast<std::size_t>(core_.compute_units) * pes * units_.size());
    const std::int32_t top = s.pad_top, bottom = s.pad_top + s.height;
    const std::int32_t left = s.pad_left, right = s.pad_left + s.width;
    double energy = 0.0;
    std::uint64_t operations = 0;
    for (const auto& issue : sched.mul_issues) {
      const std::int64_t t =
          next_tap[static_cast<std::size_t>(issue.workgroup * per_group + issue.wavefront)]++;
      const std::int64_t gx = issue.workgroup % k.groups_x(), gy = issue.workgroup / k.groups_x();
      const auto tt = static_cast<std::size_t>(t);
      for (int it = 0; it < size; ++it) {
        if (!((issue.mask >> it) & 1)) continue;
        const auto lid = static_cast<std::size_t>(std::int64_t{issue.wavefront} * size + it);
        const auto m = static_cast<std::size_t>(gx * k.group_x + item_x[lid]);
        const std::int64_t n = gy * k.group_y + item_y[lid];
        const std::size_t unit = select[static_cast<std::size_t>(n)];
        const unsigned b = patterns[static_cast<std::size_t>(n * k.k + t)];
        const std::int32_t y = origin_y[m] + tap_y[tt], x = origin_x[m] + tap_x[tt];
        const bool pad = y < top || y >= bottom || x < left || x >= right;
        const std::int32_t channel =
            pad ? -1
                : static_cast<std::int32_t>(n / filters_per_group * channels_per_group +
                                            tap_channel[tt]);
        const std::size_t lane = static_cast<std::size_t>(issue.cu * pes + it % pes);
        Held& h = held[lane * units_.size() + unit];
        Change change = Change::kIndependent;
        std::size_t bin = 0;
        if (h.channel < 0) {
          change = pad ? Change::kZeroToZero : Change::kFromZero;
        } else if (pad) {
          change = Change::kToZero;
        } else if (h.channel == channel) {
          // Steps of the chain: the Manhattan distance on the channel's map in strides (the
          // profiled chain runs along rows; taken as isotropic, so a vertical neighbour is as
          // close as a horizontal one).
          const std::int64_t distance = std::abs(h.y - y) + std::abs(h.x - x);
          if (distance == 0) {
            change = Change::kSame;
          } else {
            const std::int64_t lag = std::max<std::int64_t>(1, distance / s.stride_w);
            if (lag <= kMaxLag) {
              change = Change::kLag;
              bin = lag_bin(lag);
            }
          }
        }
        energy += expect[unit]->energy(change, bin, h.b, b);
        h = {channel, y, x, b};
        ++operations;
      }
    }
    SimtPredictedLayer pl;
    pl.name = l.name;
    pl.run = sched.run;
    pl.run.total = {};
    pl.run.total.operations = operations;
    pl.run.total.energy_fj = energy;
    pl.run.units_area_per_pe_um2 = units_area;
    pl.run.unit_operations = {};
    pl.run.unit_energy_fj = {};
    pl.energy = simt::energy_of(pl.run, tech_);
    pl.cycles = pl.run.cycles;
    out.total += pl.energy;
    out.cycles += pl.cycles;
    out.layers.push_back(std::move(pl));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

simt::AreaBreakdown predict_simt_area(const simt::CoreSpec& core,
                                      const std::vector<simt::SimtUnit>& units,
                                      const rtl::TechSpec& tech,
                                      const std::vector<std::uint16_t>& carried) {
  if (carried.empty()) return simt::area_of(core, units, tech);
  std::vector<simt::SimtUnit> present;
  for (const std::uint16_t u : carried) present.push_back(units.at(u));
  return simt::area_of(core, present, tech);
}

}  // namespace hawx::scoring
