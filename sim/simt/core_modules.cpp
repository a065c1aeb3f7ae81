// SPDX-License-Identifier: MIT
#include "sim/simt/core_modules.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/errors.h"

namespace hawx::simt::sc {
namespace {

unsigned popcount8(std::uint8_t x) { return static_cast<unsigned>(__builtin_popcount(x)); }
int popcount64(std::uint64_t x) { return __builtin_popcountll(x); }

std::uint64_t full_mask(int items) {
  return items >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << items) - 1;
}

}  // namespace

// ---- DRAM -------------------------------------------------------------------------------------

Dram::Dram(const sc_core::sc_module_name& name, const DramSpec& spec)
    : sc_core::sc_module(name),
      bytes_per_cycle_(spec.bytes_per_cycle),
      latency_(spec.latency_cycles) {}

std::int64_t Dram::read(std::int64_t t, std::int64_t bytes) {
  const double start = std::max(static_cast<double>(t), next_free_);
  const double transfer = static_cast<double>(bytes) / bytes_per_cycle_;
  next_free_ = start + transfer;
  read_bytes_ += static_cast<std::uint64_t>(bytes);
  return static_cast<std::int64_t>(std::ceil(start + transfer)) + latency_;
}

void Dram::write(std::int64_t t, std::int64_t bytes) {
  const double start = std::max(static_cast<double>(t), next_free_);
  next_free_ = start + static_cast<double>(bytes) / bytes_per_cycle_;
  write_bytes_ += static_cast<std::uint64_t>(bytes);
}

std::int64_t Dram::drained() const { return static_cast<std::int64_t>(std::ceil(next_free_)); }

// ---- Cache ------------------------------------------------------------------------------------

Cache::Cache(const sc_core::sc_module_name& name, const CacheSpec& spec, Dram& dram)
    : sc_core::sc_module(name),
      ways_(spec.ways),
      line_bytes_(spec.line_bytes),
      hit_latency_(spec.hit_latency),
      dram_(dram) {
  const auto lines = static_cast<std::int64_t>(spec.size_kb * 1024) / spec.line_bytes;
  sets_ = std::max<std::int64_t>(1, lines / spec.ways);
  lines_.resize(static_cast<std::size_t>(sets_ * ways_));
}

std::int64_t Cache::read(std::int64_t line, std::int64_t t) {
  ++accesses_;
  ++clock_;
  Way* set = &lines_[static_cast<std::size_t>((line % sets_) * ways_)];
  Way* victim = set;
  for (int w = 0; w < ways_; ++w) {
    if (set[w].tag == line) {
      ++hits_;
      set[w].used = clock_;
      return std::max(t + hit_latency_, set[w].ready);
    }
    if (set[w].used < victim->used) victim = &set[w];
  }
  ++misses_;
  victim->tag = line;
  victim->used = clock_;
  victim->ready = dram_.read(t + hit_latency_, line_bytes_);
  return victim->ready;
}

void Cache::write(std::int64_t line, std::int64_t t, std::int64_t bytes) {
  ++accesses_;
  ++clock_;
  Way* set = &lines_[static_cast<std::size_t>((line % sets_) * ways_)];
  bool hit = false;
  for (int w = 0; w < ways_; ++w) {
    if (set[w].tag == line) {
      hit = true;
      set[w].used = clock_;
    }
  }
  if (hit) {
    ++hits_;
  } else {
    ++misses_;
  }
  dram_.write(t, bytes);
}

// ---- Compute unit -------------------------------------------------------------------------------

ComputeUnit::ComputeUnit(const sc_core::sc_module_name& name, int index, Shared& shared)
    : sc_core::sc_module(name),
      index_(index),
      shared_(shared),
      spec_(*shared.spec),
      program_(shared.launch->program),
      issue_cycles_(shared.spec->issue_cycles()),
      wavefront_size_(shared.spec->wavefront_size),
      local_per_group_(shared.launch->local_bytes_per_group) {
  for (const Instruction& i : program_.code) {
    Decoded d;
    d.cls = op_class(i.op);
    d.nsources = sources(i, d.regs);
    d.nregs = d.nsources;
    if (writes_rd(i)) d.regs[d.nregs++] = i.rd;
    decoded_.push_back(d);
  }
  groups_.resize(static_cast<std::size_t>(shared.resident_workgroups));
  local_.assign(static_cast<std::size_t>(local_per_group_ * shared.resident_workgroups), 0);
  const std::size_t units = shared.units->size();
  held_.assign(static_cast<std::size_t>(spec_.pes_per_cu) * units, {0, 0});
  if (spec_.data_path == DataPath::kRtl) {
    for (int lane = 0; lane < spec_.pes_per_cu; ++lane) {
      LaneUnits l;
      for (std::size_t u = 0; u < units; ++u) {
        const SimtUnit& unit = (*shared.units)[u];
        const std::string base = "lane" + std::to_string(lane) + "_unit" + std::to_string(u);
        l.a.push_back(std::make_unique<rtl::ScSignal32>((base + "_a").c_str()));
        l.b.push_back(std::make_unique<rtl::ScSignal32>((base + "_b").c_str()));
        l.p.push_back(std::make_unique<rtl::ScSignal32>((base + "_p").c_str()));
        const auto factory =
            rtl::sc_multiplier_factory(unit.sc_model.empty() ? unit.name : unit.sc_model);
        l.modules.push_back(
            factory((base + "_mul").c_str(), *l.a.back(), *l.b.back(), *l.p.back()));
      }
      rtl_lanes_.push_back(std::move(l));
    }
  }
}

void ComputeUnit::dispatch() {
  const KernelLaunch& k = *shared_.launch;
  const int per_group = k.workgroup_size() / wavefront_size_;
  // One work-group per step: the CUs take turns in time order, so work-groups spread over
  // them rather than filling the first CU's slots.
  if (shared_.next_workgroup < k.workgroups()) {
    int slot = -1;
    for (std::size_t s = 0; s < groups_.size(); ++s) {
      if (!groups_[s].used) {
        slot = static_cast<int>(s);
        break;
      }
    }
    if (slot < 0) return;
    const std::int64_t g = shared_.next_workgroup++;
    const std::int64_t gx = g % k.groups_x(), gy = g / k.groups_x();
    groups_[static_cast<std::size_t>(slot)] = {true, per_group, 0};
    for (int w = 0; w < per_group; ++w) {
      Wavefront wf;
      wf.slot = slot;
      wf.workgroup = g;
      wf.index = w;
      wf.mask = full_mask(wavefront_size_);
      wf.fetch_ready = time_;
      wf.regs.assign(static_cast<std::size_t>(kRegisters * wavefront_size_), 0);
      for (int i = 0; i < wavefront_size_; ++i) {
        const std::int64_t lid = std::int64_t{w} * wavefront_size_ + i;
        const std::int64_t lx = lid % k.group_x, ly = lid / k.group_x;
        wf.regs[static_cast<std::size_t>(1 * wavefront_size_ + i)] =
            static_cast<std::int32_t>(gx * k.group_x + lx);
        wf.regs[static_cast<std::size_t>(2 * wavefront_size_ + i)] =
            static_cast<std::int32_t>(gy * k.group_y + ly);
        wf.regs[static_cast<std::size_t>(3 * wavefront_size_ + i)] = static_cast<std::int32_t>(lid);
        wf.regs[static_cast<std::size_t>(4 * wavefront_size_ + i)] = static_cast<std::int32_t>(ly);
      }
      wavefronts_.push_back(std::move(wf));
      ++shared_.run->wavefronts;
    }
  }
}

std::int64_t ComputeUnit::ready_at(const Wavefront& w, Stall& cause) const {
  if (w.at_barrier) {
    cause = Stall::kBarrier;
    return kNever;
  }
  std::int64_t t = w.fetch_ready;
  cause = Stall::kControl;
  const Decoded& d = decoded_[static_cast<std::size_t>(w.pc)];
  for (int r = 0; r < d.nregs; ++r) {
    const std::uint8_t reg = d.regs[r];
    if (w.ready[reg] > t) {
      t = w.ready[reg];
      cause = w.from_memory[reg] ? Stall::kMemory : Stall::kDependency;
    }
  }
  if ((d.cls == OpClass::kGlobalLoad || d.cls == OpClass::kGlobalStore) && port_free_ > t) {
    t = port_free_;
    cause = Stall::kMemory;
  }
  return t;
}

void ComputeUnit::step() {
  dispatch();
  if (wavefronts_.empty()) {
    finished_ = true;
    return;
  }
  const std::size_t n = wavefronts_.size();
  std::int64_t next = kNever;
  bool waiting[kStallCauses] = {};
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t index = (round_robin_ + 1 + k) % n;
    Stall cause = Stall::kIdle;
    const std::int64_t t = ready_at(wavefronts_[index], cause);
    if (t <= time_) {
      round_robin_ = index;
      issue(index);
      return;
    }
    next = std::min(next, t);
    waiting[static_cast<int>(cause)] = true;
  }
  if (next >= kNever) throw Error("internal: SIMT core deadlock (every wavefront at a barrier)");
  // The cause of the gap, in order of precedence: a wavefront waiting for memory, one held at a
  // barrier, one waiting for a result, one waiting for a branch.
  Stall cause = Stall::kControl;
  for (Stall s : {Stall::kMemory, Stall::kBarrier, Stall::kDependency, Stall::kControl}) {
    if (waiting[static_cast<int>(s)]) {
      cause = s;
      break;
    }
  }
  cycles_.stall[static_cast<int>(cause)] += next - time_;
  time_ = next;
}

void ComputeUnit::advance(Wavefront& w, int pc) {
  w.pc = pc;
  while (!w.stack.empty() && w.pc == w.stack.back().first) {
    w.mask |= w.stack.back().second;
    w.stack.pop_back();
  }
}

void ComputeUnit::issue(std::size_t index) {
  Wavefront& w = wavefronts_[index];
  const Instruction& i = program_.code[static_cast<std::size_t>(w.pc)];
  const Decoded& d = decoded_[static_cast<std::size_t>(w.pc)];
  LayerRun& run = *shared_.run;
  const int active = popcount64(w.mask);
  ++run.instructions;
  ++run.class_instructions[static_cast<int>(d.cls)];
  run.lane_ops += static_cast<std::uint64_t>(active);
  run.register_reads += static_cast<std::uint64_t>(active * d.nsources);
  if (d.nregs > d.nsources) run.register_writes += static_cast<std::uint64_t>(active);
  const std::int64_t t0 = time_;
  const std::int64_t done = t0 + issue_cycles_;
  const int size = wavefront_size_;
  std::int32_t* r = w.regs.data();
  auto reg = [&](int reg, int item) -> std::int32_t& {
    return r[static_cast<std::size_t>(reg * size + item)];
  };
  auto set_ready = [&](int latency, bool memory) {
    if (i.rd != 0) {
      w.ready[i.rd] = done + latency;
      w.from_memory[i.rd] = memory;
    }
  };
  int next_pc = w.pc + 1;
  switch (d.cls) {
    case OpClass::kAlu: {
      run.alu_ops += static_cast<std::uint64_t>(active);
      if (i.rd != 0) {
        std::int32_t* out = &reg(i.rd, 0);
        const std::int32_t* a = &reg(i.ra, 0);
        const std::int32_t* b = &reg(i.rb, 0);
        const std::uint64_t m = w.mask;
        for (int it = 0; it < size; ++it) {
          if (!((m >> it) & 1)) continue;
          const auto ua = static_cast<std::uint32_t>(a[it]);
          const auto ub = static_cast<std::uint32_t>(b[it]);
          const auto imm = static_cast<std::uint32_t>(i.imm);
          std::uint32_t v = 0;
          switch (i.op) {
            case Op::kAdd:
              v = ua + ub;
              break;
            case Op::kSub:
              v = ua - ub;
              break;
            case Op::kAddi:
              v = ua + imm;
              break;
            case Op::kMuli:
              v = ua * imm;
              break;
            case Op::kSlli:
              v = ua << (imm & 31);
              break;
            case Op::kSrli:
              v = ua >> (imm & 31);
              break;
            case Op::kAndi:
              v = ua & imm;
              break;
            case Op::kLi:
              v = imm;
              break;
            default:
              break;
          }
          out[it] = static_cast<std::int32_t>(v);
        }
      }
      set_ready(spec_.latency.alu, false);
      break;
    }
    case OpClass::kMul:
      if (shared_.record_mul_issues) {
        run.mul_issues.push_back({w.workgroup, w.index, index_, w.mask});
      }
      execute_mul(w, i);
      set_ready(spec_.latency.mul, false);
      break;
    case OpClass::kGlobalLoad:
    case OpClass::kGlobalStore:
      global_access(w, i, d.cls == OpClass::kGlobalStore);
      break;
    case OpClass::kLocalLoad:
    case OpClass::kLocalStore:
      local_access(w, i, d.cls == OpClass::kLocalStore);
      set_ready(spec_.latency.local_memory, false);
      break;
    case OpClass::kBranch:
      run.alu_ops += static_cast<std::uint64_t>(active);
      branch(w, i);
      w.fetch_ready = done + spec_.latency.branch;
      time_ = done;
      cycles_.issue += issue_cycles_;
      return;
    case OpClass::kBarrier: {
      Group& g = groups_[static_cast<std::size_t>(w.slot)];
      w.at_barrier = true;
      advance(w, next_pc);
      if (++g.arrived == g.live) {
        for (Wavefront& other : wavefronts_) {
          if (other.slot == w.slot) {
            other.at_barrier = false;
            other.fetch_ready = std::max(other.fetch_ready, done);
          }
        }
        g.arrived = 0;
      }
      time_ = done;
      cycles_.issue += issue_cycles_;
      return;
    }
    case OpClass::kRet:
      w.mask = 0;
      while (w.mask == 0 && !w.stack.empty()) {
        next_pc = w.stack.back().first;
        w.mask = w.stack.back().second;
        w.stack.pop_back();
      }
      time_ = done;
      cycles_.issue += issue_cycles_;
      if (w.mask == 0) {
        finish_wavefront(index);
      } else {
        advance(w, next_pc);
      }
      return;
  }
  advance(w, next_pc);
  time_ = done;
  cycles_.issue += issue_cycles_;
}

void ComputeUnit::finish_wavefront(std::size_t index) {
  const int slot = wavefronts_[index].slot;
  wavefronts_.erase(wavefronts_.begin() + static_cast<std::ptrdiff_t>(index));
  if (round_robin_ >= index && round_robin_ > 0) --round_robin_;
  Group& g = groups_[static_cast<std::size_t>(slot)];
  if (--g.live == 0) {
    g.used = false;
    return;
  }
  // Those left may all be at the barrier already.
  if (g.arrived > 0 && g.arrived == g.live) {
    for (Wavefront& other : wavefronts_) {
      if (other.slot == slot) {
        other.at_barrier = false;
        other.fetch_ready = std::max(other.fetch_ready, time_);
      }
    }
    g.arrived = 0;
  }
}

void ComputeUnit::branch(Wavefront& w, const Instruction& i) {
  const int size = wavefront_size_;
  const std::int32_t* a = &w.regs[static_cast<std::size_t>(i.ra * size)];
  const std::int32_t* b = &w.regs[static_cast<std::size_t>(i.rb * size)];
  std::uint64_t taken = 0;
  for (int it = 0; it < size; ++it) {
    if (!((w.mask >> it) & 1)) continue;
    bool c = false;
    switch (i.op) {
      case Op::kBeq:
        c = a[it] == b[it];
        break;
      case Op::kBne:
        c = a[it] != b[it];
        break;
      case Op::kBlt:
        c = a[it] < b[it];
        break;
      case Op::kBge:
        c = a[it] >= b[it];
        break;
      default:
        break;
    }
    if (c) taken |= std::uint64_t{1} << it;
  }
  const std::uint64_t not_taken = w.mask & ~taken;
  if (taken == 0) {
    advance(w, w.pc + 1);
  } else if (not_taken == 0) {
    advance(w, i.imm);
  } else {
    if (i.imm <= w.pc) {
      throw Error("internal: kernel " + program_.name + ": divergent backward branch at " +
                  std::to_string(w.pc));
    }
    w.stack.emplace_back(i.imm, taken);
    w.mask = not_taken;
    advance(w, w.pc + 1);
  }
}

void ComputeUnit::execute_mul(Wavefront& w, const Instruction& i) {
  const int size = wavefront_size_;
  const int pes = spec_.pes_per_cu;
  const std::vector<SimtUnit>& units = *shared_.units;
  const std::size_t unit_count = units.size();
  LayerRun& run = *shared_.run;
  std::int32_t* out = &w.regs[static_cast<std::size_t>(i.rd * size)];
  const std::int32_t* a = &w.regs[static_cast<std::size_t>(i.ra * size)];
  const std::int32_t* b = &w.regs[static_cast<std::size_t>(i.rb * size)];
  const std::int32_t* sel = &w.regs[static_cast<std::size_t>(i.rc * size)];
  const bool rtl = spec_.data_path == DataPath::kRtl;
  // Per pass, the items of the lanes (rtl: products read after the units settle).
  struct Pending {
    int item;
    std::size_t unit;
    bool negate;
  };
  Pending pending[kMaxWavefrontSize];
  for (int pass = 0; pass < size / pes; ++pass) {
    int count = 0;
    for (int lane = 0; lane < pes; ++lane) {
      const int it = pass * pes + lane;
      if (!((w.mask >> it) & 1)) continue;
      const std::int64_t u = i.unit >= 0 ? i.unit : sel[it];
      if (u < 0 || static_cast<std::size_t>(u) >= unit_count) {
        std::string names;
        for (const auto& x : units) names += (names.empty() ? "" : ", ") + x.name;
        throw ConfigError("SIMT core: a mul selects unit " + std::to_string(u) +
                          ", but the PEs carry " + std::to_string(unit_count) + " unit types (" +
                          names + ")");
      }
      const auto unit = static_cast<std::size_t>(u);
      const SimtUnit& m = units[unit];
      const std::int32_t x = a[it], y = b[it];
      std::uint8_t pa, pb;
      bool negate = false;
      if (m.table.is_signed()) {
        if (x < -128 || x > 127 || y < -128 || y > 127) {
          throw InputError("SIMT core: operands " + std::to_string(x) + " x " + std::to_string(y) +
                           " do not fit a signed 8-bit multiplier");
        }
        pa = static_cast<std::uint8_t>(x);
        pb = static_cast<std::uint8_t>(y);
      } else {
        if (x < -255 || x > 255 || y < -255 || y > 255) {
          throw InputError("SIMT core: operands " + std::to_string(x) + " x " + std::to_string(y) +
                           " do not fit sign and 8-bit magnitude");
        }
        pa = static_cast<std::uint8_t>(x < 0 ? -x : x);
        pb = static_cast<std::uint8_t>(y < 0 ? -y : y);
        negate = (x < 0) != (y < 0);
      }
      std::array<std::uint8_t, 2>& held = held_[static_cast<std::size_t>(lane) * unit_count + unit];
      LaneActivity& activity = run.lanes[static_cast<std::size_t>(index_ * pes + lane)];
      const unsigned ta = popcount8(static_cast<std::uint8_t>(pa ^ held[0]));
      const unsigned tb = popcount8(static_cast<std::uint8_t>(pb ^ held[1]));
      const double e = m.energy.energy_fj(held[0], held[1], pa, pb);
      held = {pa, pb};
      ++activity.operations;
      activity.a_toggles += ta;
      activity.b_toggles += tb;
      activity.energy_fj += e;
      ++run.unit_operations[unit];
      run.unit_energy_fj[unit] += e;
      ++run.macs;
      if (rtl) {
        rtl_lanes_[static_cast<std::size_t>(lane)].a[unit]->write(pa);
        rtl_lanes_[static_cast<std::size_t>(lane)].b[unit]->write(pb);
        pending[count++] = {it, unit, negate};
      } else {
        const std::int32_t p = m.table.at(pa, pb);
        out[it] = negate ? -p : p;
      }
    }
    if (rtl && count > 0) {
      // The writes take effect in the update phase; the units evaluate in the next delta and
      // their products in the update after it.
      wait(sc_core::SC_ZERO_TIME);
      wait(sc_core::SC_ZERO_TIME);
      for (int k = 0; k < count; ++k) {
        const Pending& q = pending[k];
        const int lane = q.item % pes;
        const auto raw = static_cast<std::uint16_t>(
            rtl_lanes_[static_cast<std::size_t>(lane)].p[q.unit]->read());
        const std::int32_t p = units[q.unit].table.is_signed()
                                   ? std::int32_t{static_cast<std::int16_t>(raw)}
                                   : std::int32_t{raw};
        out[q.item] = q.negate ? -p : p;
      }
    }
  }
}

void ComputeUnit::global_access(Wavefront& w, const Instruction& i, bool store) {
  const int size = wavefront_size_;
  LayerRun& run = *shared_.run;
  std::vector<std::uint8_t>& memory = *shared_.memory;
  const int bytes = i.op == Op::kLh ? 2 : 4;
  const int line_bytes = spec_.cache.line_bytes;
  std::int64_t lines[kMaxWavefrontSize];
  std::int64_t line_bytes_used[kMaxWavefrontSize];
  int nlines = 0;
  std::int64_t last_address = -1;
  const std::int32_t* base = &w.regs[static_cast<std::size_t>(i.ra * size)];
  std::int32_t* data = &w.regs[static_cast<std::size_t>((store ? i.rb : i.rd) * size)];
  for (int it = 0; it < size; ++it) {
    if (!((w.mask >> it) & 1)) continue;
    const std::int64_t address = static_cast<std::int64_t>(base[it]) + i.imm;
    if (address < 0 || address + bytes > static_cast<std::int64_t>(memory.size()) ||
        address % bytes != 0) {
      throw Error("internal: kernel " + program_.name + ": global access at " +
                  std::to_string(address) + " outside memory or unaligned (instruction " +
                  std::to_string(w.pc) + ")");
    }
    auto* p = &memory[static_cast<std::size_t>(address)];
    if (store) {
      std::memcpy(p, &data[it], 4);
    } else if (bytes == 2) {
      std::int16_t v;
      std::memcpy(&v, p, 2);
      if (i.rd != 0) data[it] = v;
    } else {
      std::int32_t v;
      std::memcpy(&v, p, 4);
      if (i.rd != 0) data[it] = v;
    }
    // Coalescing: the distinct lines, and the distinct words in each (consecutive work-items
    // reading one address, a broadcast, count once).
    const std::int64_t line = address / line_bytes;
    int l = nlines - 1;
    while (l >= 0 && lines[l] != line) --l;
    if (l < 0) {
      l = nlines++;
      lines[l] = line;
      line_bytes_used[l] = 0;
    }
    if (address != last_address) line_bytes_used[l] += bytes;
    last_address = address;
  }
  std::int64_t complete = time_ + issue_cycles_;
  for (int l = 0; l < nlines; ++l) {
    run.cache_bytes +=
        static_cast<std::uint64_t>(std::min<std::int64_t>(line_bytes_used[l], line_bytes));
    if (store) {
      shared_.cache->write(lines[l], time_ + l, line_bytes_used[l]);
    } else {
      complete = std::max(complete, shared_.cache->read(lines[l], time_ + l));
    }
  }
  port_free_ = time_ + std::max(issue_cycles_, nlines);
  if (!store && i.rd != 0) {
    w.ready[i.rd] = complete;
    w.from_memory[i.rd] = true;
  }
}

void ComputeUnit::local_access(Wavefront& w, const Instruction& i, bool store) {
  const int size = wavefront_size_;
  const std::int64_t base = local_per_group_ * w.slot;
  const std::int32_t* address = &w.regs[static_cast<std::size_t>(i.ra * size)];
  std::int32_t* data = &w.regs[static_cast<std::size_t>((store ? i.rb : i.rd) * size)];
  int active = 0;
  for (int it = 0; it < size; ++it) {
    if (!((w.mask >> it) & 1)) continue;
    ++active;
    const std::int64_t a = static_cast<std::int64_t>(address[it]) + i.imm;
    if (a < 0 || a + 2 > local_per_group_ || a % 2 != 0) {
      throw Error("internal: kernel " + program_.name + ": local access at " + std::to_string(a) +
                  " outside the work-group's " + std::to_string(local_per_group_) + " bytes");
    }
    auto* p = &local_[static_cast<std::size_t>(base + a)];
    if (store) {
      const auto v = static_cast<std::int16_t>(data[it]);
      std::memcpy(p, &v, 2);
    } else if (i.rd != 0) {
      std::int16_t v;
      std::memcpy(&v, p, 2);
      data[it] = v;
    }
  }
  shared_.run->local_bytes += static_cast<std::uint64_t>(active) * 2;
}

// ---- Top --------------------------------------------------------------------------------------

SimtTop::SimtTop(const sc_core::sc_module_name& name, const CoreSpec& spec,
                 const std::vector<SimtUnit>& units, const KernelLaunch& launch,
                 std::vector<std::uint8_t> memory, LayerRun& run, bool record_mul_issues)
    : sc_core::sc_module(name),
      spec_(spec),
      period_(std::round(1e6 / spec.clock_mhz), sc_core::SC_PS),
      dram_("dram", spec.dram),
      cache_("cache", spec.cache, dram_),
      memory_(std::move(memory)),
      run_(run) {
  shared_.spec = &spec;
  shared_.launch = &launch;
  shared_.units = &units;
  shared_.memory = &memory_;
  shared_.cache = &cache_;
  shared_.run = &run;
  shared_.record_mul_issues = record_mul_issues;
  const int per_group = launch.workgroup_size() / spec.wavefront_size;
  int resident = spec.wavefronts_per_cu / per_group;
  if (launch.local_bytes_per_group > 0) {
    resident = static_cast<int>(
        std::min<std::int64_t>(resident, spec.local_memory_bytes() / launch.local_bytes_per_group));
  }
  if (resident < 1) {
    throw ConfigError("SIMT core: a work-group of " + std::to_string(launch.workgroup_size()) +
                      " work-items (" + std::to_string(per_group) +
                      " wavefronts) does not fit a CU of " +
                      std::to_string(spec.wavefronts_per_cu) + " resident wavefronts");
  }
  shared_.resident_workgroups = resident;
  run.resident_workgroups = resident;
  run.lanes.assign(static_cast<std::size_t>(spec.compute_units * spec.pes_per_cu), {});
  run.unit_operations.assign(units.size(), 0);
  run.unit_energy_fj.assign(units.size(), 0.0);
  for (int c = 0; c < spec.compute_units; ++c) {
    cus_.push_back(std::make_unique<ComputeUnit>(("cu" + std::to_string(c)).c_str(), c, shared_));
  }
  SC_THREAD(main);
}

void SimtTop::main() {
  try {
    run();
  } catch (...) {
    error_ = std::current_exception();
  }
}

void SimtTop::run() {
  for (;;) {
    ComputeUnit* next = nullptr;
    for (auto& cu : cus_) {
      if (!cu->finished() && (next == nullptr || cu->time() < next->time())) next = cu.get();
    }
    if (next == nullptr) break;
    next->step();
  }
  // The layer ends when every CU is done and the DRAM has written the last outputs; a CU that
  // finished earlier idles, and the wait for the writes is memory time for every CU.
  std::int64_t end = 0;
  for (auto& cu : cus_) end = std::max(end, cu->time());
  const std::int64_t drained = std::max(end, dram_.drained());
  for (auto& cu : cus_) {
    cu->cycles().stall[static_cast<int>(Stall::kIdle)] += end - cu->time();
    cu->cycles().stall[static_cast<int>(Stall::kMemory)] += drained - end;
    run_.cu.push_back(cu->cycles());
  }
  run_.cycles = drained;
  run_.cache_accesses = cache_.accesses();
  run_.cache_hits = cache_.hits();
  run_.cache_misses = cache_.misses();
  run_.dram_read_bytes = dram_.read_bytes();
  run_.dram_write_bytes = dram_.write_bytes();
  wait(period_ * static_cast<double>(drained));
}

}  // namespace hawx::simt::sc
