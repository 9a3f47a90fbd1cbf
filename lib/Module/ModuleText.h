//===- ModuleText.h - Strings a module stores -------------------*- C++ -*-===//
//
// Names, locations and messages go into a module escaped where they would
// not print (control characters, invalid UTF-8: a source file's name in a
// legacy encoding, an escape in a string attribute), so that every module
// the compiler writes passes the runtime's check (PrintableText.h).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_MODULE_MODULETEXT_H
#define TESSERA_MODULE_MODULETEXT_H

#include "tessera/runtime/PrintableText.h"

#include "flatbuffers/flatbuffers.h"

#include <string_view>

namespace mlir::tessera::module {

inline flatbuffers::Offset<flatbuffers::String>
createText(flatbuffers::FlatBufferBuilder &fbb, std::string_view text) {
  return fbb.CreateString(::tessera::rt::escapeUnprintable(text));
}

} // namespace mlir::tessera::module

#endif // TESSERA_MODULE_MODULETEXT_H
