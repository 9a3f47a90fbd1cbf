//===- DispatchNames.h - Names of outlined dispatches -----------*- C++ -*-===//
//
// An executable's and its export's names start with the function's name
// and become symbols of the compiled library (ELF, SPIR-V entry points) and
// text in profiles: characters a symbol or a terminal cannot take become
// '_' (a quoted MLIR name may hold any).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_DIALECT_FLOW_TRANSFORMS_DISPATCHNAMES_H
#define TESSERA_DIALECT_FLOW_TRANSFORMS_DISPATCHNAMES_H

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::tessera::flow {

/// `functionName` with every character but letters, digits, '_', '.' and
/// '$' replaced by '_'.
inline std::string dispatchNamePrefix(llvm::StringRef functionName) {
  std::string prefix = functionName.str();
  for (char &c : prefix)
    if (!llvm::isAlnum(c) && c != '_' && c != '.' && c != '$')
      c = '_';
  return prefix;
}

} // namespace mlir::tessera::flow

#endif // TESSERA_DIALECT_FLOW_TRANSFORMS_DISPATCHNAMES_H
