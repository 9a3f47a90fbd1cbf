//===- ModuleInfo.h - What a module file holds ------------------*- C++ -*-===//
//
// A module described without loading it (no executable is mapped): its
// functions, executables with their exports, and constants. `tessera
// inspect` prints it, and batch compile reports take their counts and sizes
// from it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_TOOLING_MODULEINFO_H
#define TESSERA_TOOLING_MODULEINFO_H

#include "tessera/runtime/Module.h"

#include <string>
#include <vector>

namespace tessera::rt::tooling {

struct ExportDescription {
  std::string name;
  unsigned ordinal = 0, pushConstants = 0;
  /// Per binding of set 0: whether the export only reads it.
  std::vector<bool> bindingReadOnly;
  /// Of one dispatch; 0 when unknown.
  uint64_t flops = 0;
};

struct ExecutableDescription {
  /// "executable::variant"
  std::string name;
  std::string format;
  uint64_t bytes = 0, hash = 0;
  std::vector<ExportDescription> exports;
};

struct FunctionDescription {
  FunctionSignature signature;
  /// Dispatch instructions in its host program.
  unsigned dispatches = 0;
  unsigned instructions = 0;
};

struct ModuleDescription {
  std::string name;
  uint32_t version = 0;
  uint64_t bytes = 0;
  /// The signer's public key (hex) when the module is signed; not verified.
  std::string signer;
  std::vector<FunctionDescription> functions;
  std::vector<ExecutableDescription> executables;
  /// Each constant's size in bytes, in order.
  std::vector<uint64_t> constantBytes;
  uint64_t constantTotalBytes = 0;

  unsigned dispatchCount() const;
  uint64_t executableBytes() const;
};

/// Verifies `data` as a module and describes it.
StatusOr<ModuleDescription> describeModule(const void *data, size_t size);

/// For people: one section each for functions, executables and constants.
std::string toText(const ModuleDescription &module);
/// The same as one JSON object.
std::string toJson(const ModuleDescription &module);

} // namespace tessera::rt::tooling

#endif // TESSERA_TOOLING_MODULEINFO_H
