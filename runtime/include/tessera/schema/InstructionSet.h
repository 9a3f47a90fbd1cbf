//===- InstructionSet.h - The instruction table, as C++ ---------*- C++ -*-===//
//
// Instructions.def made usable: each instruction's mnemonic and a generic
// walk over its operands, which the verifier (checks) and the host-program
// printer (text) implement as visitors. A visitor has one method per operand
// kind of the table:
//
//   scalarDef(reg)  bufferDef(reg)
//   scalarUse(reg, field, keyword)  bufferUse(reg, field, keyword)
//   scalarUses(regs, field, keyword)          regs may be null
//   tensorInput(index)  scalarInput(index)  inputDim(input, dim)
//   constant(index)  global(index)  executable(index)
//   executables(indices, keyword)  immediate(value, keyword)
//   string(text, keyword)  arithKind(kind)  fillPattern(pattern, length)
//   bindings(refs, keyword)  results(refs)     refs may be null
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_SCHEMA_INSTRUCTIONSET_H
#define TESSERA_SCHEMA_INSTRUCTIONSET_H

#include "tessera/schema/module_generated.h"

#include <cstddef>

namespace tessera::schema {

/// The table's entry of instruction type `T`: `mnemonic` and
/// `visitOperands(op, visitor)`.
template <typename T> struct InstructionInfo;

// The operand macros of Instructions.def, defined only while it is read.
#if defined(SCALAR_DEF) || defined(BUFFER_DEF) || defined(SCALAR_USE) ||       \
    defined(BUFFER_USE) || defined(SCALAR_USES) || defined(TENSOR_INPUT) ||    \
    defined(SCALAR_INPUT) || defined(INPUT_DIM) || defined(CONSTANT) ||        \
    defined(GLOBAL) || defined(EXECUTABLE) || defined(EXECUTABLES) ||          \
    defined(IMMEDIATE) || defined(STRING) || defined(ARITH_KIND) ||            \
    defined(FILL_PATTERN) || defined(BINDINGS) || defined(RESULTS)
#error "a macro named like an operand kind of Instructions.def is defined"
#endif
#define SCALAR_DEF(field) visitor.scalarDef(op.field());
#define BUFFER_DEF(field) visitor.bufferDef(op.field());
#define SCALAR_USE(field, keyword)                                             \
  visitor.scalarUse(op.field(), #field, keyword);
#define BUFFER_USE(field, keyword)                                             \
  visitor.bufferUse(op.field(), #field, keyword);
#define SCALAR_USES(field, keyword)                                            \
  visitor.scalarUses(op.field(), #field, keyword);
#define TENSOR_INPUT(field) visitor.tensorInput(op.field());
#define SCALAR_INPUT(field) visitor.scalarInput(op.field());
#define INPUT_DIM(input, dim) visitor.inputDim(op.input(), op.dim());
#define CONSTANT(field) visitor.constant(op.field());
#define GLOBAL(field) visitor.global(op.field());
#define EXECUTABLE(field) visitor.executable(op.field());
#define EXECUTABLES(field, keyword) visitor.executables(op.field(), keyword);
#define IMMEDIATE(field, keyword)                                              \
  visitor.immediate(static_cast<int64_t>(op.field()), keyword);
#define STRING(field, keyword) visitor.string(op.field(), keyword);
#define ARITH_KIND(field) visitor.arithKind(op.field());
#define FILL_PATTERN(pattern, length)                                          \
  visitor.fillPattern(op.pattern(), op.length());
#define BINDINGS(field, keyword) visitor.bindings(op.field(), keyword);
#define RESULTS(field) visitor.results(op.field());
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  template <> struct InstructionInfo<Type> {                                   \
    static constexpr const char *mnemonic = Mnemonic;                          \
    template <typename Visitor>                                                \
    static void visitOperands(const Type &op, Visitor &visitor) {              \
      Operands                                                                 \
    }                                                                          \
  };
#include "tessera/schema/Instructions.def"
#undef SCALAR_DEF
#undef BUFFER_DEF
#undef SCALAR_USE
#undef BUFFER_USE
#undef SCALAR_USES
#undef TENSOR_INPUT
#undef SCALAR_INPUT
#undef INPUT_DIM
#undef CONSTANT
#undef GLOBAL
#undef EXECUTABLE
#undef EXECUTABLES
#undef IMMEDIATE
#undef STRING
#undef ARITH_KIND
#undef FILL_PATTERN
#undef BINDINGS
#undef RESULTS

/// Calls `f(op)` with the typed table of `inst`. False, without calling it,
/// for NONE, a type this table does not list, or a type without its table.
template <typename F> bool visitInstruction(const Instruction &inst, F &&f) {
  switch (inst.op_type()) {
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  case Op::Type:                                                               \
    if (const Type *op = inst.op_as_##Type()) {                                \
      f(*op);                                                                  \
      return true;                                                             \
    }                                                                          \
    return false;
#include "tessera/schema/Instructions.def"
  case Op::NONE:
    break;
  }
  return false;
}

/// The mnemonic of instruction type `type`, or null when the table has
/// none (NONE, unknown); retired types have theirs.
constexpr const char *mnemonic(Op type) {
  switch (type) {
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  case Op::Type:                                                               \
    return Mnemonic;
#include "tessera/schema/Instructions.def"
  case Op::NONE:
    break;
  }
#define TESSERA_RETIRED_INSTRUCTION(Id, Mnemonic, Why)                         \
  if (static_cast<unsigned>(type) == Id)                                       \
    return Mnemonic;
#include "tessera/schema/Instructions.def"
  return nullptr;
}

/// Why retired type `type` is gone, or null when it is not retired.
constexpr const char *retiredBecause(Op type) {
#define TESSERA_RETIRED_INSTRUCTION(Id, Mnemonic, Why)                         \
  if (static_cast<unsigned>(type) == Id)                                       \
    return Why;
#include "tessera/schema/Instructions.def"
  return nullptr;
}

namespace detail {
/// Whether every type id up to Op::MAX is in the table or retired.
constexpr bool tableCoversEveryOp() {
  bool listed[static_cast<size_t>(Op::MAX) + 1] = {};
  listed[0] = true; // NONE
#define TESSERA_INSTRUCTION(Type, Mnemonic, Operands)                          \
  listed[static_cast<size_t>(Op::Type)] = true;
#define TESSERA_RETIRED_INSTRUCTION(Id, Mnemonic, Why)                         \
  if (Id <= static_cast<size_t>(Op::MAX))                                      \
    listed[Id] = true;
#include "tessera/schema/Instructions.def"
  for (bool isListed : listed)
    if (!isListed)
      return false;
  return true;
}
} // namespace detail

static_assert(detail::tableCoversEveryOp(),
              "an instruction of module.fbs is missing from Instructions.def");

} // namespace tessera::schema

#endif // TESSERA_SCHEMA_INSTRUCTIONSET_H
