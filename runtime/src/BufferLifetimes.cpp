//===- BufferLifetimes.cpp ------------------------------------------------===//

#include "BufferLifetimes.h"

#include "tessera/schema/InstructionSet.h"

#include <algorithm>

namespace tessera::rt {

namespace {

/// Records instruction `at` as the latest mention of each buffer register
/// it names; every other operand kind is ignored.
struct LastMention {
  std::vector<int64_t> &last;
  unsigned at;

  void mention(uint32_t reg) {
    if (reg < last.size())
      last[reg] = at;
  }
  void bufferDef(uint32_t reg) { mention(reg); }
  void bufferUse(uint32_t reg, const char *, const char *) { mention(reg); }
  void bindings(const flatbuffers::Vector<const schema::BindingRef *> *refs,
                const char *) {
    if (refs)
      for (const schema::BindingRef *ref : *refs)
        mention(ref->buffer());
  }
  void results(
      const flatbuffers::Vector<flatbuffers::Offset<schema::ResultRef>> *refs) {
    if (refs)
      for (const schema::ResultRef *ref : *refs)
        mention(ref->buffer());
  }
  template <typename... Args> void scalarDef(Args &&...) {}
  template <typename... Args> void scalarUse(Args &&...) {}
  template <typename... Args> void scalarUses(Args &&...) {}
  template <typename... Args> void tensorInput(Args &&...) {}
  template <typename... Args> void scalarInput(Args &&...) {}
  template <typename... Args> void inputDim(Args &&...) {}
  template <typename... Args> void constant(Args &&...) {}
  template <typename... Args> void global(Args &&...) {}
  template <typename... Args> void executable(Args &&...) {}
  template <typename... Args> void executables(Args &&...) {}
  template <typename... Args> void immediate(Args &&...) {}
  template <typename... Args> void string(Args &&...) {}
  template <typename... Args> void arithKind(Args &&...) {}
  template <typename... Args> void fillPattern(Args &&...) {}
};

} // namespace

BufferLifetimes::BufferLifetimes(const schema::Function &fn) {
  unsigned count = fn.instructions()->size();
  std::vector<int64_t> last(fn.buffer_register_count(), -1);
  for (unsigned i = 0; i < count; ++i) {
    LastMention visitor{last, i};
    schema::visitInstruction(*fn.instructions()->Get(i), [&](const auto &op) {
      using Info = schema::InstructionInfo<std::decay_t<decltype(op)>>;
      Info::visitOperands(op, visitor);
    });
  }
  // Counting sort of the registers by their last mention.
  begin.assign(count + 1, 0);
  for (int64_t at : last)
    if (at >= 0)
      ++begin[at + 1];
  for (unsigned i = 0; i < count; ++i)
    begin[i + 1] += begin[i];
  registers.resize(begin[count]);
  std::vector<uint32_t> next(begin.begin(), begin.end() - 1);
  for (uint32_t reg = 0; reg < last.size(); ++reg)
    if (last[reg] >= 0)
      registers[next[last[reg]]++] = reg;
}

} // namespace tessera::rt
