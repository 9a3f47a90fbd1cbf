//===- CrashMessage.h - What a crash tells the user -------------*- C++ -*-===//
//
// LLVM prints a message under the stack trace of a crash that sends the
// user to LLVM's bug tracker. A crash of a Tessera tool is a Tessera bug:
// the message says so and names the command that reproduces it.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_CRASHMESSAGE_H
#define TESSERA_PIPELINE_CRASHMESSAGE_H

#include "llvm/ADT/StringRef.h"

namespace mlir::tessera {

/// Sets LLVM's bug report message (process-wide): a Tessera bug, to be
/// reported with the input; `reproducer`, when given, is the command that
/// reproduces the crash alone.
void setCrashMessage(llvm::StringRef reproducer = "");

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_CRASHMESSAGE_H
