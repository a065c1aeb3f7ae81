// SPDX-License-Identifier: MIT
#include "sim/simt/isa.h"

#include <sstream>

#include "core/errors.h"

namespace hawx::simt {

const char* op_class_name(OpClass c) {
  switch (c) {
    case OpClass::kAlu:
      return "alu";
    case OpClass::kMul:
      return "mul";
    case OpClass::kGlobalLoad:
      return "global_load";
    case OpClass::kGlobalStore:
      return "global_store";
    case OpClass::kLocalLoad:
      return "local_load";
    case OpClass::kLocalStore:
      return "local_store";
    case OpClass::kBranch:
      return "branch";
    case OpClass::kBarrier:
      return "barrier";
    case OpClass::kRet:
      return "ret";
  }
  return "?";
}

OpClass op_class(Op op) {
  switch (op) {
    case Op::kAdd:
    case Op::kSub:
    case Op::kAddi:
    case Op::kMuli:
    case Op::kSlli:
    case Op::kSrli:
    case Op::kAndi:
    case Op::kLi:
      return OpClass::kAlu;
    case Op::kMul:
      return OpClass::kMul;
    case Op::kLh:
    case Op::kLw:
      return OpClass::kGlobalLoad;
    case Op::kSw:
      return OpClass::kGlobalStore;
    case Op::kLlh:
      return OpClass::kLocalLoad;
    case Op::kLsh:
      return OpClass::kLocalStore;
    case Op::kBeq:
    case Op::kBne:
    case Op::kBlt:
    case Op::kBge:
      return OpClass::kBranch;
    case Op::kBarrier:
      return OpClass::kBarrier;
    case Op::kRet:
      return OpClass::kRet;
  }
  return OpClass::kRet;
}

const char* op_name(Op op) {
  switch (op) {
    case Op::kAdd:
      return "add";
    case Op::kSub:
      return "sub";
    case Op::kAddi:
      return "addi";
    case Op::kMuli:
      return "muli";
    case Op::kSlli:
      return "slli";
    case Op::kSrli:
      return "srli";
    case Op::kAndi:
      return "andi";
    case Op::kLi:
      return "li";
    case Op::kMul:
      return "mul";
    case Op::kLh:
      return "lh";
    case Op::kLw:
      return "lw";
    case Op::kSw:
      return "sw";
    case Op::kLlh:
      return "llh";
    case Op::kLsh:
      return "lsh";
    case Op::kBeq:
      return "beq";
    case Op::kBne:
      return "bne";
    case Op::kBlt:
      return "blt";
    case Op::kBge:
      return "bge";
    case Op::kBarrier:
      return "barrier";
    case Op::kRet:
      return "ret";
  }
  return "?";
}

int sources(const Instruction& i, std::uint8_t out[3]) {
  int n = 0;
  auto add = [&](std::uint8_t r) {
    if (r != 0) out[n++] = r;
  };
  switch (i.op) {
    case Op::kAdd:
    case Op::kSub:
      add(i.ra);
      add(i.rb);
      break;
    case Op::kAddi:
    case Op::kMuli:
    case Op::kSlli:
    case Op::kSrli:
    case Op::kAndi:
    case Op::kLh:
    case Op::kLw:
    case Op::kLlh:
      add(i.ra);
      break;
    case Op::kLi:
      break;
    case Op::kMul:
      add(i.ra);
      add(i.rb);
      if (i.unit < 0) add(i.rc);
      break;
    case Op::kSw:
    case Op::kLsh:
    case Op::kBeq:
    case Op::kBne:
    case Op::kBlt:
    case Op::kBge:
      add(i.ra);
      add(i.rb);
      break;
    case Op::kBarrier:
    case Op::kRet:
      break;
  }
  return n;
}

bool writes_rd(const Instruction& i) {
  switch (op_class(i.op)) {
    case OpClass::kAlu:
    case OpClass::kMul:
    case OpClass::kGlobalLoad:
    case OpClass::kLocalLoad:
      return i.rd != 0;
    default:
      return false;
  }
}

std::string to_text(const Program& p) {
  std::ostringstream s;
  s << "; kernel " << p.name << ": " << p.code.size() << " instructions\n";
  for (std::size_t n = 0; n < p.code.size(); ++n) {
    const Instruction& i = p.code[n];
    if (n < p.labels.size() && !p.labels[n].empty()) s << p.labels[n] << ":\n";
    std::ostringstream t;
    t << op_name(i.op);
    auto r = [](int x) { return "r" + std::to_string(x); };
    switch (op_class(i.op)) {
      case OpClass::kAlu:
        if (i.op == Op::kLi) {
          t << " " << r(i.rd) << ", " << i.imm;
        } else if (i.op == Op::kAdd || i.op == Op::kSub) {
          t << " " << r(i.rd) << ", " << r(i.ra) << ", " << r(i.rb);
        } else {
          t << " " << r(i.rd) << ", " << r(i.ra) << ", " << i.imm;
        }
        break;
      case OpClass::kMul:
        t << " " << r(i.rd) << ", " << r(i.ra) << ", " << r(i.rb) << ", "
          << (i.unit < 0 ? "u=" + r(i.rc) : "u#" + std::to_string(i.unit));
        break;
      case OpClass::kGlobalLoad:
      case OpClass::kLocalLoad:
        t << " " << r(i.rd) << ", " << i.imm << "(" << r(i.ra) << ")";
        break;
      case OpClass::kGlobalStore:
      case OpClass::kLocalStore:
        t << " " << r(i.rb) << ", " << i.imm << "(" << r(i.ra) << ")";
        break;
      case OpClass::kBranch: {
        const auto target = static_cast<std::size_t>(i.imm);
        t << " " << r(i.ra) << ", " << r(i.rb) << ", "
          << (target < p.labels.size() && !p.labels[target].empty() ? p.labels[target]
                                                                    : std::to_string(i.imm));
        break;
      }
      case OpClass::kBarrier:
      case OpClass::kRet:
        break;
    }
    std::string text = t.str();
    s << "  " << n << "\t" << text;
    if (!i.comment.empty())
      s << std::string(text.size() < 28 ? 28 - text.size() : 1, ' ') << "; " << i.comment;
    s << "\n";
  }
  return s.str();
}

int Assembler::label(const std::string& name) {
  label_names_.push_back(name);
  label_at_.push_back(-1);
  return static_cast<int>(label_names_.size()) - 1;
}

void Assembler::place(int label) {
  label_at_[static_cast<std::size_t>(label)] = static_cast<int>(program_.code.size());
}

void Assembler::emit(Instruction i, const std::string& comment) {
  if (!comment.empty()) i.comment = comment;
  program_.code.push_back(std::move(i));
}

void Assembler::alu(Op op, int rd, int ra, int rb, const std::string& comment) {
  Instruction i;
  i.op = op;
  i.rd = static_cast<std::uint8_t>(rd);
  i.ra = static_cast<std::uint8_t>(ra);
  i.rb = static_cast<std::uint8_t>(rb);
  emit(i, comment);
}

void Assembler::alu_imm(Op op, int rd, int ra, std::int32_t imm, const std::string& comment) {
  Instruction i;
  i.op = op;
  i.rd = static_cast<std::uint8_t>(rd);
  i.ra = static_cast<std::uint8_t>(ra);
  i.imm = imm;
  emit(i, comment);
}

void Assembler::li(int rd, std::int32_t imm, const std::string& comment) {
  alu_imm(Op::kLi, rd, 0, imm, comment);
}

void Assembler::mul(int rd, int ra, int rb, int unit_register, const std::string& comment) {
  Instruction i;
  i.op = Op::kMul;
  i.rd = static_cast<std::uint8_t>(rd);
  i.ra = static_cast<std::uint8_t>(ra);
  i.rb = static_cast<std::uint8_t>(rb);
  i.rc = static_cast<std::uint8_t>(unit_register);
  i.unit = -1;
  emit(i, comment);
}

void Assembler::mul_unit(int rd, int ra, int rb, int unit, const std::string& comment) {
  Instruction i;
  i.op = Op::kMul;
  i.rd = static_cast<std::uint8_t>(rd);
  i.ra = static_cast<std::uint8_t>(ra);
  i.rb = static_cast<std::uint8_t>(rb);
  i.unit = unit;
  emit(i, comment);
}

void Assembler::load(Op op, int rd, int base, std::int32_t offset, const std::string& comment) {
  alu_imm(op, rd, base, offset, comment);
}

void Assembler::store(Op op, int value, int base, std::int32_t offset, const std::string& comment) {
  Instruction i;
  i.op = op;
  i.ra = static_cast<std::uint8_t>(base);
  i.rb = static_cast<std::uint8_t>(value);
  i.imm = offset;
  emit(i, comment);
}

void Assembler::branch(Op op, int ra, int rb, int label, const std::string& comment) {
  Instruction i;
  i.op = op;
  i.ra = static_cast<std::uint8_t>(ra);
  i.rb = static_cast<std::uint8_t>(rb);
  fixups_.emplace_back(static_cast<int>(program_.code.size()), label);
  emit(i, comment);
}

void Assembler::barrier(const std::string& comment) {
  Instruction i;
  i.op = Op::kBarrier;
  emit(i, comment);
}

void Assembler::ret(const std::string& comment) {
  Instruction i;
  i.op = Op::kRet;
  emit(i, comment);
}

Program Assembler::finish() {
  program_.labels.assign(program_.code.size(), "");
  for (std::size_t l = 0; l < label_names_.size(); ++l) {
    const int at = label_at_[l];
    if (at >= 0 && static_cast<std::size_t>(at) < program_.code.size()) {
      program_.labels[static_cast<std::size_t>(at)] = label_names_[l];
    }
  }
  for (const auto& [at, l] : fixups_) {
    const int target = label_at_[static_cast<std::size_t>(l)];
    if (target < 0) {
      throw Error("internal: kernel " + program_.name + ": label " +
                  label_names_[static_cast<std::size_t>(l)] + " used but never placed");
    }
    program_.code[static_cast<std::size_t>(at)].imm = target;
  }
  return std::move(program_);
}

}  // namespace hawx::simt
