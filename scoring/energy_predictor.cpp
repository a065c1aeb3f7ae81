// SPDX-License-Identifier: MIT
#include "scoring/energy_predictor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "core/errors.h"
#include "scoring/operand_points.h"
#include "sim/systolic/mapper.h"
#include "sim/systolic/timing.h"

namespace hawx::scoring {
namespace {

unsigned popcount8(unsigned x) { return static_cast<unsigned>(__builtin_popcount(x & 0xFFu)); }

// Standard normal quantiles at (i + 0.5) / n (Acklam's rational approximation is more than
// enough here: the points only need to represent the distribution).
double normal_quantile(double p) {
  // Bisection on erfc: simple and exact to double precision for the few points used.
  double lo = -10.0, hi = 10.0;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (0.5 * std::erfc(-mid / std::sqrt(2.0)) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

constexpr std::size_t kNormalPoints = 32;

const std::vector<double>& normal_points() {
  static const std::vector<double> z = [] {
    std::vector<double> v(kNormalPoints);
    for (std::size_t i = 0; i < kNormalPoints; ++i) {
      v[i] = normal_quantile((static_cast<double>(i) + 0.5) / static_cast<double>(kNormalPoints));
    }
    return v;
  }();
  return z;
}

std::int32_t to_int32(double x) {
  return static_cast<std::int32_t>(std::llround(std::clamp(x, -2147483648.0, 2147483647.0)));
}

// Expected bit toggles of a ws PE's partial-sum register over one fold: T Gaussian sums of mean
// mu and standard deviation sigma, consecutive ones correlated rho, after and before a 0.
double psum_toggles(double mu, double sigma, std::int64_t steps, double rho) {
  const auto& z = normal_points();
  const double orthogonal = std::sqrt(std::max(0.0, 1.0 - rho * rho));
  double ends = 0.0, pairs = 0.0;
  for (std::size_t i = 0; i < kNormalPoints; ++i) {
    const std::int32_t s = to_int32(mu + sigma * z[i]);
    ends += __builtin_popcount(static_cast<std::uint32_t>(s));
    // A second, decorrelated set of points: the same quantiles in another order.
    const double z2 = rho * z[i] + orthogonal * z[(i * 13 + 5) % kNormalPoints];
    const std::int32_t t = to_int32(mu + sigma * z2);
    pairs += __builtin_popcount(static_cast<std::uint32_t>(s) ^ static_cast<std::uint32_t>(t));
  }
  ends /= static_cast<double>(kNormalPoints);
  pairs /= static_cast<double>(kNormalPoints);
  return 2.0 * ends + static_cast<double>(std::max<std::int64_t>(0, steps - 1)) * pairs;
}

}  // namespace

// One layer's operand statistics, reduced for the expectations, and one multiplier's expected
// energies on them (per weight pattern, computed on first use).
struct SystolicEnergyPredictor::LayerModel {
  std::vector<Point> activations;  // P(a), a as the multiplier sees it
  std::vector<Point> transitions;  // P(a' -> a), a' != a (index a' * 256 + a), of all pairs
  double stream_toggles = 0.0;     // E popcount(a' ^ a) along the stream
  double independent_toggles = 0.0;
  double zero_toggles = 0.0;  // E popcount(a)
  // Partial sums: the activations' mean and variance (signed integer values) and the stream's
  // lag-one correlation.
  double mean = 0.0, variance = 0.0, rho = 0.0;
  const rtl::SwitchingEnergyModel* energy = nullptr;
  mutable std::vector<double> stream, independent, zero;    // per weight pattern; NaN: not yet
  mutable std::unordered_map<std::uint32_t, double> latch;  // (held b << 8 | w)

  double stream_energy(unsigned w) const {
    if (std::isnan(stream[w])) {
      double e = 0.0;
      for (const Point& t : transitions) {
        e += t.p * energy->energy_fj(
                       static_cast<std::uint8_t>(t.index >> 8), static_cast<std::uint8_t>(w),
                       static_cast<std::uint8_t>(t.index & 0xFF), static_cast<std::uint8_t>(w));
      }
      stream[w] = e;
    }
    return stream[w];
  }
  double independent_energy(unsigned w) const {
    if (std::isnan(independent[w])) {
      double e = 0.0;
      for (const Point& a : activations) {
        for (const Point& b : activations) {
          e += a.p * b.p *
               energy->energy_fj(static_cast<std::uint8_t>(a.index), static_cast<std::uint8_t>(w),
                                 static_cast<std::uint8_t>(b.index), static_cast<std::uint8_t>(w));
        }
      }
      independent[w] = e;
    }
    return independent[w];
  }
  double zero_energy(unsigned w) const {
    if (std::isnan(zero[w])) {
      double e = 0.0;
      for (const Point& a : activations) {
        e += a.p * energy->energy_fj(0, static_cast<std::uint8_t>(w),
                                     static_cast<std::uint8_t>(a.index),
                                     static_cast<std::uint8_t>(w));
      }
      zero[w] = e;
    }
    return zero[w];
  }
  double latch_energy(unsigned held, unsigned w) const {
    const std::uint32_t key = (held << 8) | w;
    const auto it = latch.find(key);
    if (it != latch.end()) return it->second;
    double e = 0.0;
    for (const Point& a : activations) {
      e += a.p *
           energy->energy_fj(static_cast<std::uint8_t>(a.index), static_cast<std::uint8_t>(held),
                             static_cast<std::uint8_t>(a.index), static_cast<std::uint8_t>(w));
    }
    latch.emplace(key, e);
    return e;
  }
};

SystolicEnergyPredictor::SystolicEnergyPredictor(const models::QuantizedNetwork& network,
                                                 const Profile& profile, systolic::ArraySpec spec,
                                                 std::vector<systolic::PeMultiplier> multipliers,
                                                 rtl::TechSpec tech)
    : network_(network),
      profile_(profile),
      spec_(std::move(spec)),
      multipliers_(std::move(multipliers)),
      tech_(std::move(tech)) {
  if (spec_.dataflow != systolic::Dataflow::kWeightStationary) {
    throw ConfigError(std::string("the energy predictor models the ws dataflow; '") +
                      systolic::dataflow_name(spec_.dataflow) +
                      "' is not modelled yet (simulate it instead)");
  }
  if (!spec_.memory.ideal) {
    throw ConfigError(
        "the energy predictor models ideal memory (systolic.memory.ideal: true); DRAM stalls "
        "are not modelled yet (simulate them instead)");
  }
  systolic::validate_array(spec_.shape);
  if (multipliers_.empty()) throw ConfigError("the energy predictor needs the multipliers");
  for (const LayerProfile& l : profile_.layers) {
    if (l.transitions.size() != 65536) {
      throw Error("the profile of layer '" + l.name + "' has no operand transitions");
    }
  }
}

SystolicEnergyPredictor::~SystolicEnergyPredictor() = default;

const SystolicEnergyPredictor::LayerModel& SystolicEnergyPredictor::model(std::size_t layer,
                                                                          std::size_t m) const {
  auto& slot = models_[{layer, m}];
  if (slot) return *slot;
  auto lm = std::make_unique<LayerModel>();
  const LayerProfile& lp = profile_.layers[layer];
  const bool sign_magnitude = profile_.sign_magnitude;
  std::vector<double> counts(256);
  for (std::size_t v = 0; v < 256; ++v) counts[v] = static_cast<double>(lp.operands[v]);
  lm->activations = reduce(counts, 48, 16);
  std::vector<double> moved(65536, 0.0);
  double all = 0.0;
  for (std::size_t i = 0; i < 65536; ++i) {
    all += static_cast<double>(lp.transitions[i]);
    if ((i >> 8) != (i & 0xFF)) moved[i] = static_cast<double>(lp.transitions[i]);
  }
  double moved_total = std::accumulate(moved.begin(), moved.end(), 0.0);
  lm->transitions = reduce(moved, 2048, 512);
  const double moved_share = all > 0.0 ? moved_total / all : 0.0;
  for (Point& t : lm->transitions) t.p *= moved_share;  // of all pairs: equal ones cost nothing
  for (const Point& t : lm->transitions) {
    lm->stream_toggles += t.p * popcount8(static_cast<unsigned>((t.index >> 8) ^ (t.index & 0xFF)));
  }
  for (const Point& a : lm->activations) {
    lm->zero_toggles += a.p * popcount8(static_cast<unsigned>(a.index));
    for (const Point& b : lm->activations) {
      lm->independent_toggles += a.p * b.p * popcount8(static_cast<unsigned>(a.index ^ b.index));
    }
  }
  // Signed moments of the activations and the stream's lag-one correlation (over magnitudes or
  // patterns as the multiplier sees them; exact sums over the histograms).
  double total = 0.0, mean = 0.0, square = 0.0;
  for (std::size_t v = 0; v < 256; ++v) {
    const double c = static_cast<double>(lp.operands[v]);
    const double x =
        sign_magnitude ? static_cast<double>(v) : static_cast<double>(static_cast<std::int8_t>(v));
    const double neg = sign_magnitude ? static_cast<double>(lp.negatives[v]) : 0.0;
    total += c;
    mean += x * (c - 2.0 * neg);
    square += x * x * c;
  }
  if (total > 0.0) {
    lm->mean = mean / total;
    lm->variance = std::max(0.0, square / total - lm->mean * lm->mean);
  }
  double s1 = 0.0, s2 = 0.0, s11 = 0.0, s22 = 0.0, s12 = 0.0;
  for (std::size_t i = 0; i < 65536 && all > 0.0; ++i) {
    if (lp.transitions[i] == 0) continue;
    const double p = static_cast<double>(lp.transitions[i]) / all;
    const double a = static_cast<double>(i >> 8), b = static_cast<double>(i & 0xFF);
    s1 += p * a, s2 += p * b, s11 += p * a * a, s22 += p * b * b, s12 += p * a * b;
  }
  const double v1 = s11 - s1 * s1, v2 = s22 - s2 * s2;
  lm->rho =
      v1 > 0.0 && v2 > 0.0 ? std::clamp((s12 - s1 * s2) / std::sqrt(v1 * v2), -1.0, 1.0) : 0.0;
  lm->energy = &multipliers_[m].energy;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  lm->stream.assign(256, nan);
  lm->independent.assign(256, nan);
  lm->zero.assign(256, nan);
  slot = std::move(lm);
  return *slot;
}

EnergyPrediction SystolicEnergyPredictor::predict(const models::Assignment& assignment,
                                                  const std::vector<std::uint16_t>& carried) const {
  const auto start = std::chrono::steady_clock::now();
  const models::Network& net = network_.net;
  const std::vector<int> computes = net.compute_layers();
  if (assignment.filters.size() != computes.size()) {
    throw Error("an assignment of " + std::to_string(assignment.filters.size()) +
                " layers; the network has " + std::to_string(computes.size()));
  }
  const bool sign_magnitude = network_.format == models::OperandFormat::kSignMagnitude;
  const std::int64_t rows = spec_.shape.rows, cols = spec_.shape.cols;
  // Column types, as simulate_gemm() resolves the map.
  std::vector<std::string> names;
  for (const auto& m : multipliers_) names.push_back(m.name);
  std::vector<std::uint16_t> column_multiplier(static_cast<std::size_t>(cols), 0);
  if (spec_.multi_unit && !spec_.multiplier_map.empty()) {
    throw ConfigError("multi-unit PEs carry every multiplier; multiplier_map must be empty");
  }
  if (!spec_.multiplier_map.empty()) {
    if (spec_.multiplier_map.size() != column_multiplier.size()) {
      throw ConfigError("multiplier_map has " + std::to_string(spec_.multiplier_map.size()) +
                        " entries; the array has " + std::to_string(cols) + " columns");
    }
    for (std::size_t j = 0; j < column_multiplier.size(); ++j) {
      const auto it = std::find(names.begin(), names.end(), spec_.multiplier_map[j]);
      if (it == names.end()) {
        throw ConfigError("multiplier_map[" + std::to_string(j) + "] names '" +
                          spec_.multiplier_map[j] + "', which is not one of the multipliers");
      }
      column_multiplier[j] = static_cast<std::uint16_t>(it - names.begin());
    }
  }
  const std::size_t units = spec_.multi_unit ? multipliers_.size() : 1;
  // Multi-unit PEs: the types they carry (clocked registers, leakage); the others never work.
  std::vector<std::size_t> present;
  for (std::size_t m = 0; m < multipliers_.size(); ++m) {
    const bool listed =
        carried.empty() || std::find(carried.begin(), carried.end(), m) != carried.end();
    if (listed) present.push_back(m);
  }
  if (spec_.multi_unit && !carried.empty()) {
    for (const auto& layer : assignment.filters) {
      for (const std::uint16_t m : layer) {
        if (std::find(carried.begin(), carried.end(), m) == carried.end()) {
          throw ConfigError("the assignment uses multiplier " + std::to_string(m) +
                            ", which the multi-unit PEs do not carry");
        }
      }
    }
  }
  auto operand = [&](int v) { return operand_pattern(v, sign_magnitude); };

  EnergyPrediction out;
  for (std::size_t c = 0; c < computes.size(); ++c) {
    const models::Layer& l = net.layers[static_cast<std::size_t>(computes[c])];
    const auto& weights = network_.conv[static_cast<std::size_t>(computes[c])].weights;
    const LayerProfile& lp = profile_.layers[c];
    PredictedLayer pl;
    pl.name = l.name;
    const std::int64_t k_taps = l.taps();
    const std::int64_t per_group = l.filters() / l.groups;
    const std::int64_t steps = static_cast<std::int64_t>(l.out.h) * l.out.w;  // T = M
    for (int g = 0; g < l.groups; ++g) {
      systolic::Gemm gemm;
      gemm.m = steps;
      gemm.k = k_taps;
      gemm.n = per_group;
      systolic::ArrayRun run;
      run.timing = systolic::time_gemm(gemm, spec_.shape, spec_.dataflow);
      std::vector<std::uint16_t> fm(static_cast<std::size_t>(per_group));
      for (std::int64_t n = 0; n < per_group; ++n) {
        fm[static_cast<std::size_t>(n)] =
            assignment.filters[c].at(static_cast<std::size_t>(g * per_group + n));
        if (fm[static_cast<std::size_t>(n)] >= multipliers_.size()) {
          throw ConfigError("filter " + std::to_string(g * per_group + n) + " of layer '" + l.name +
                            "' is assigned multiplier " +
                            std::to_string(fm[static_cast<std::size_t>(n)]) + "; there are " +
                            std::to_string(multipliers_.size()));
        }
      }
      run.mapping =
          spec_.multi_unit
              ? systolic::map_filters_to_columns(
                    column_multiplier, std::vector<std::uint16_t>(fm.size(), 0), {"any multiplier"})
              : systolic::map_filters_to_columns(column_multiplier, fm, names);
      run.row_folds = run.timing.row_folds;
      run.col_folds = run.mapping.col_folds;
      run.folds = run.row_folds * run.col_folds;
      run.cycles_per_fold = run.timing.cycles_per_fold;
      run.compute_cycles = run.folds * run.cycles_per_fold - 1;
      run.extra_cycles = run.compute_cycles - run.timing.compute_cycles;
      // Per PE and unit: the weight pattern held and whether it has worked yet (its activation
      // input is then a draw from the layer's operands, else 0).
      struct Held {
        unsigned b = 0;
        bool active = false;
      };
      std::vector<Held> held(static_cast<std::size_t>(rows * cols) * units);
      double energy = 0.0, a_toggles = 0.0, b_toggles = 0.0, psum = 0.0;
      std::uint64_t operations = 0, ifmap_reads = 0, filter_reads = 0, ofmap = 0;
      for (std::int64_t fold = 0; fold < run.folds; ++fold) {
        const std::int64_t col_fold = fold / run.row_folds;
        const std::int64_t row_fold = fold % run.row_folds;
        const std::int64_t rows_used = std::min(rows, k_taps - row_fold * rows);
        std::int64_t items = 0;
        for (std::int64_t j = 0; j < cols; ++j) {
          const std::int64_t f = run.mapping.filter_at(col_fold, j);
          if (f < 0) continue;
          ++items;
          const std::size_t unit = spec_.multi_unit ? fm[static_cast<std::size_t>(f)] : 0;
          const std::size_t mul = spec_.multi_unit ? fm[static_cast<std::size_t>(f)]
                                                   : column_multiplier[static_cast<std::size_t>(j)];
          const LayerModel& lm = model(c, mul);
          const std::size_t filter = static_cast<std::size_t>(g * per_group + f);
          const std::int16_t* w = weights.data() + filter * static_cast<std::size_t>(k_taps);
          double all_w2 = 0.0;
          for (std::int64_t k = 0; k < k_taps; ++k) all_w2 += static_cast<double>(w[k]) * w[k];
          // Inter-tap correlation: the profiled output variance over the independent-tap one.
          const double independent = lm.variance * all_w2;
          const double ratio = independent > 0.0 ? lp.outputs[filter].variance / independent : 0.0;
          double sum_w = 0.0, sum_w2 = 0.0, last_row_psum = 0.0;
          for (std::int64_t i = 0; i < rows_used; ++i) {
            const int wv = w[row_fold * rows + i];
            const unsigned b = operand(wv);
            Held& h = held[static_cast<std::size_t>(i * cols + j) * units + unit];
            b_toggles += popcount8(h.b ^ b);
            if (!h.active) {
              energy += lm.energy->energy_fj(0, static_cast<std::uint8_t>(h.b), 0,
                                             static_cast<std::uint8_t>(b));
              energy += lm.zero_energy(b);
              a_toggles += lm.zero_toggles;
            } else {
              energy += lm.latch_energy(h.b, b);
              energy += lm.independent_energy(b);
              a_toggles += lm.independent_toggles;
            }
            if (steps > 1) {
              energy += static_cast<double>(steps - 1) * lm.stream_energy(b);
              a_toggles += static_cast<double>(steps - 1) * lm.stream_toggles;
            }
            operations += static_cast<std::uint64_t>(steps);
            h.b = b;
            h.active = true;
            sum_w += wv;
            sum_w2 += static_cast<double>(wv) * wv;
            last_row_psum = psum_toggles(lm.mean * sum_w, std::sqrt(ratio * lm.variance * sum_w2),
                                         steps, lm.rho);
            psum += last_row_psum;
          }
          // Idle rows below pass the column's finished sums down.
          psum += static_cast<double>(rows - rows_used) * last_row_psum;
        }
        ifmap_reads += static_cast<std::uint64_t>(rows_used * steps);
        filter_reads += static_cast<std::uint64_t>(rows_used * items);
        if (rows_used >= 1) ofmap += static_cast<std::uint64_t>(items * steps);
      }
      run.total.operations = operations;
      run.total.energy_fj = energy;
      run.total.a_toggles = static_cast<std::uint64_t>(std::llround(a_toggles));
      run.total.b_toggles = static_cast<std::uint64_t>(std::llround(b_toggles));
      run.total.psum_toggles = static_cast<std::uint64_t>(std::llround(psum));
      run.ifmap_reads = ifmap_reads;
      run.filter_reads = filter_reads;
      run.ofmap_reads = ofmap;
      run.ofmap_writes = ofmap;
      run.register_bits = systolic::clocked_register_bits(rows * cols);
      run.pe_count = rows * cols;
      run.clock_mhz = spec_.clock_mhz;
      for (std::int64_t j = 0; j < cols; ++j) {
        if (spec_.multi_unit) {
          for (const std::size_t mul : present) {
            run.multiplier_area_um2 += static_cast<double>(rows) * multipliers_[mul].area_um2;
          }
        } else {
          run.multiplier_area_um2 +=
              static_cast<double>(rows) *
              multipliers_[column_multiplier[static_cast<std::size_t>(j)]].area_um2;
        }
      }
      pl.energy += systolic::energy_of(run, tech_);
      pl.cycles += run.total_cycles() + (g > 0 ? 1 : 0);
      pl.groups.push_back(std::move(run));
    }
    out.total += pl.energy;
    out.cycles += pl.cycles;
    out.layers.push_back(std::move(pl));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

systolic::AreaBreakdown predict_area(const systolic::ArraySpec& spec,
                                     const std::vector<systolic::PeMultiplier>& multipliers,
                                     const rtl::TechSpec& tech,
                                     const models::Assignment& assignment) {
  if (!spec.multi_unit) return systolic::area_of(spec, multipliers, tech);
  std::vector<bool> used(multipliers.size(), false);
  used.at(0) = true;
  for (const auto& layer : assignment.filters) {
    for (auto m : layer) used.at(m) = true;
  }
  std::vector<systolic::PeMultiplier> needed;
  for (std::size_t m = 0; m < multipliers.size(); ++m) {
    if (used[m]) needed.push_back(multipliers[m]);
  }
  return systolic::area_of(spec, needed, tech);
}

}  // namespace hawx::scoring
