//===- ModuleLoaderFuzzer.cpp - libFuzzer target for module loading -------===//
//
// Feeds arbitrary bytes to the module loader (verification, signatures,
// executable checks). Seed it with real modules:
//   tessera compile examples/mlp.mlir -o corpus/mlp.tsm
//   tessera-fuzz-module-loader corpus/ -max_total_time=60
//
//===----------------------------------------------------------------------===//

#include "tessera/runtime/Module.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto module = tessera::rt::Module::loadBytes(data, size, "fuzz");
  if (module.ok())
    for (const auto &signature : (*module)->functions())
      (void)signature.str();
  return 0;
}
