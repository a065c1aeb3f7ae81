// SPDX-License-Identifier: MIT
// The SIMT core's instruction set: a small RISC-like ISA in the spirit of FGPU's (Al Kadi et al.),
// at assembly level (instructions are structs, not bit-encoded; immediates are 32-bit).
//
// Every work-item has 32 32-bit registers; r0 reads as 0 and ignores writes. A wavefront starts
// with r1 = global id x, r2 = global id y, r3 = local id (flattened: y * work-group width + x),
// r4 = local id y; every other register is 0. Memory is byte-addressed: global memory (through
// the shared cache and the DRAM) and each compute unit's local memory, shared by a work-group.
//
//   class    instructions                        semantics (per active work-item)
//   alu      add rd, ra, rb   sub rd, ra, rb     rd = ra +/- rb (wrapping)
//            addi rd, ra, imm                    rd = ra + imm
//            muli rd, ra, imm                    rd = ra * imm (the ALU's 32-bit integer multiply,
//                                                for addresses; never a DNN product)
//            slli/srli rd, ra, imm               shifts; andi rd, ra, imm: bitwise and
//            li rd, imm                          rd = imm
//   mul      mul rd, ra, rb, u#N | u=rc          rd = product of activation ra and weight rb
//                                                through multiplier unit N (an immediate) or the
//                                                unit whose index register rc holds; operands as
//                                                the engine feeds them: sign-magnitude for
//                                                unsigned units (|ra| x |rb|, sign applied to the
//                                                product), int8 patterns for signed units
//   gload    lh rd, imm(ra)   lw rd, imm(ra)     global load of a sign-extended halfword / word
//   gstore   sw rb, imm(ra)                      global store of a word
//   lload    llh rd, imm(ra)                     local-memory load of a halfword
//   lstore   lsh rb, imm(ra)                     local-memory store of a halfword
//   branch   beq/bne/blt/bge ra, rb, label       branch if ra ==, !=, <, >= rb (signed)
//   barrier  barrier                             wait for every wavefront of the work-group
//   ret      ret                                 the work-item ends
//
// Divergence: a forward branch that only some active work-items take splits the wavefront; the
// others run on until they reach the branch target, where the two halves reconverge (an
// if-then without else, the only shape the kernel generator emits). Backward branches (loops)
// must be uniform across the active work-items; a divergent one is an Error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace hawx::simt {

enum class Op : std::uint8_t {
  kAdd,
  kSub,
  kAddi,
  kMuli,
  kSlli,
  kSrli,
  kAndi,
  kLi,
  kMul,
  kLh,
  kLw,
  kSw,
  kLlh,
  kLsh,
  kBeq,
  kBne,
  kBlt,
  kBge,
  kBarrier,
  kRet,
};

// What an instruction occupies and how long its result takes (per-class latencies).
enum class OpClass : std::uint8_t {
  kAlu,
  kMul,
  kGlobalLoad,
  kGlobalStore,
  kLocalLoad,
  kLocalStore,
  kBranch,
  kBarrier,
  kRet,
};
inline constexpr int kOpClasses = 9;
const char* op_class_name(OpClass c);

inline constexpr int kRegisters = 32;

struct Instruction {
  Op op = Op::kRet;
  std::uint8_t rd = 0;     // destination
  std::uint8_t ra = 0;     // first source (base address for memory instructions)
  std::uint8_t rb = 0;     // second source (store data for stores)
  std::uint8_t rc = 0;     // mul: the unit-select register when unit < 0
  std::int32_t imm = 0;    // immediate, memory offset, or branch target (instruction index)
  std::int32_t unit = -1;  // mul: unit index, or -1 for the register rc
  std::string comment;     // shown by to_text()
};

OpClass op_class(Op op);
const char* op_name(Op op);
// Registers an instruction reads (0..2 entries, r0 left out) and whether it writes rd.
int sources(const Instruction& i, std::uint8_t out[3]);
bool writes_rd(const Instruction& i);

struct Program {
  std::string name;
  std::vector<Instruction> code;
  std::vector<std::string> labels;  // per instruction: a label to print before it, or empty
};

// Assembly text of a program, one instruction per line with its index, labels and comments.
std::string to_text(const Program& program);

// Builds a program with forward labels.
class Assembler {
 public:
  explicit Assembler(std::string name) { program_.name = std::move(name); }
  int label(const std::string& name);  // a new label, not yet placed
  void place(int label);               // at the next instruction
  void emit(Instruction i, const std::string& comment = {});
  void alu(Op op, int rd, int ra, int rb, const std::string& comment = {});
  void alu_imm(Op op, int rd, int ra, std::int32_t imm, const std::string& comment = {});
  void li(int rd, std::int32_t imm, const std::string& comment = {});
  void mul(int rd, int ra, int rb, int unit_register, const std::string& comment = {});
  void mul_unit(int rd, int ra, int rb, int unit, const std::string& comment = {});
  void load(Op op, int rd, int base, std::int32_t offset, const std::string& comment = {});
  void store(Op op, int value, int base, std::int32_t offset, const std::string& comment = {});
  void branch(Op op, int ra, int rb, int label, const std::string& comment = {});
  void barrier(const std::string& comment = {});
  void ret(const std::string& comment = {});
  // Resolves the labels; Error for a label used but never placed.
  Program finish();

 private:
  Program program_;
  std::vector<std::string> label_names_;
  std::vector<int> label_at_;                // instruction index, or -1
  std::vector<std::pair<int, int>> fixups_;  // (instruction, label)
};

}  // namespace hawx::simt
