//===- VerifiedModule.h - Module bytes read without loading -----*- C++ -*-===//
//
// What the tools that describe a module file (ModuleInfo, HostProgramText)
// read first: the bytes verified (as loading would, nothing mapped or run),
// then an aligned copy to walk, since FlatBuffers reads unaligned input.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_VERIFIEDMODULE_H
#define TESSERA_TOOLING_VERIFIEDMODULE_H

#include "tessera/runtime/Module.h"
#include "tessera/schema/module_generated.h"

#include <memory>
#include <vector>

namespace tessera::rt::tooling {

struct VerifiedModule {
  /// The aligned copy `module` points into.
  std::shared_ptr<Buffer> bytes;
  const schema::Module *module = nullptr;
  std::vector<FunctionSignature> signatures;
};

/// Fails with the verifier's message.
StatusOr<VerifiedModule> readVerifiedModule(const void *data, size_t size);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_VERIFIEDMODULE_H
