//===- ModuleLoaderFuzzer.cpp - libFuzzer target for module loading -------===//
//
// Two modes, one binary:
//
// - bytes (the default): arbitrary bytes to the module loader
//   (verification, signatures, ELF checks);
// - semantic (TESSERA_FUZZ_SEMANTIC=1): the inputs stay valid modules; the
//   mutator changes host-program integers (sizes, dims, offsets, workgroup
//   counts) in range, and every function of each module runs to completion
//   on inputs of its signature. The runtime is built with guard pages after
//   every buffer, so a kernel that goes past its binding faults here instead
//   of corrupting memory silently.
//
// Seed it with real modules:
//   tessera compile examples/mlp.mlir -o corpus/mlp.tsm
//   tessera-fuzz-module-loader corpus/ -max_total_time=60
//   TESSERA_FUZZ_SEMANTIC=1 tessera-fuzz-module-loader corpus/ ...
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Module.h"
#include "tessera/runtime/Session.h"
#include "tessera/schema/module_generated.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

namespace {

bool semanticMode() {
  static const bool semantic = [] {
    const char *value = std::getenv("TESSERA_FUZZ_SEMANTIC");
    return value && *value && std::strcmp(value, "0") != 0;
  }();
  return semantic;
}

/// Every ConstantScalar of the module's functions and initializer whose
/// value is stored in the buffer (a default 0 is not, and cannot change).
std::vector<tessera::schema::ConstantScalar *>
mutableConstants(tessera::schema::Module *module) {
  using namespace tessera::schema;
  std::vector<ConstantScalar *> constants;
  auto collect = [&](Function *function) {
    if (!function || !function->mutable_instructions())
      return;
    auto *instructions = function->mutable_instructions();
    for (unsigned i = 0; i < instructions->size(); ++i) {
      Instruction *inst = instructions->GetMutableObject(i);
      if (inst->op_type() == Op::ConstantScalar) {
        auto *constant = static_cast<ConstantScalar *>(inst->mutable_op());
        if (constant->value() != 0)
          constants.push_back(constant);
      }
    }
  };
  if (auto *functions = module->mutable_functions())
    for (unsigned i = 0; i < functions->size(); ++i)
      collect(functions->GetMutableObject(i));
  collect(module->mutable_initializer());
  return constants;
}

/// A new value near `value`: the changes a damaged or crafted module makes
/// (off by one, halved, doubled, zero, negative, huge).
int64_t mutateValue(int64_t value, std::mt19937_64 &random) {
  // Wrapping arithmetic: the values may already be extreme.
  uint64_t v = static_cast<uint64_t>(value);
  switch (random() % 10) {
  case 0:
    return static_cast<int64_t>(v + 1);
  case 1:
    return static_cast<int64_t>(v - 1);
  case 2:
    return value / 2;
  case 3:
    return static_cast<int64_t>(v * 2);
  case 4:
    return 0;
  case 5:
    return static_cast<int64_t>(0 - v);
  case 6:
    return 100000;
  case 7:
    return static_cast<int64_t>(v + 64);
  case 8:
    return int64_t(1) << (random() % 63);
  default: {
    uint64_t magnitude = value < 0 ? 0 - v : v;
    uint64_t range =
        magnitude > (UINT64_MAX - 2) / 2 ? UINT64_MAX : 2 * magnitude + 2;
    return static_cast<int64_t>(random() % range);
  }
  }
}

/// Runs every function on zero inputs (dynamic dims 3).
void runEveryFunction(const std::shared_ptr<tessera::rt::Module> &module) {
  using namespace tessera::rt;
  Session session(module);
  for (const FunctionSignature &signature : module->functions()) {
    std::vector<Tensor> inputs;
    bool ok = true;
    for (const TensorType &type : signature.inputs) {
      if (type.scalar) {
        uint64_t zero = 0;
        auto value = Tensor::scalarValue(type.elementType, &zero);
        ok = ok && value.ok();
        if (value.ok())
          inputs.push_back(std::move(*value));
        continue;
      }
      std::vector<int64_t> shape = type.shape;
      for (int64_t &dim : shape)
        if (dim < 0)
          dim = 3;
      auto tensor = Tensor::allocate(type.elementType, shape);
      ok = ok && tensor.ok();
      if (tensor.ok())
        inputs.push_back(std::move(*tensor));
    }
    if (ok)
      (void)session.call(signature.name, inputs);
  }
}

} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  if (!semanticMode())
    return LLVMFuzzerMutate(data, size, maxSize);
  // The bytes are copied to aligned memory to verify them; valid modules
  // then change in place (FlatBuffers' mutable API keeps the layout).
  std::vector<uint8_t> copy(data, data + size);
  if (!tessera::rt::verifyModule(copy.data(), copy.size()).ok())
    return size;
  auto constants = mutableConstants(tessera::schema::GetMutableModule(data));
  if (constants.empty())
    return size;
  std::mt19937_64 random(seed);
  unsigned changes = 1 + random() % 2;
  for (unsigned i = 0; i < changes; ++i) {
    tessera::schema::ConstantScalar *constant =
        constants[random() % constants.size()];
    constant->mutate_value(mutateValue(constant->value(), random));
  }
  return size;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto module = tessera::rt::Module::loadBytes(data, size, "fuzz");
  if (!module.ok())
    return 0;
  for (const auto &signature : (*module)->functions())
    (void)signature.str();
  if (semanticMode())
    runEveryFunction(*module);
  return 0;
}
