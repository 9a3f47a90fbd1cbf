//===- CrashMessage.cpp - What a crash tells the user ---------------------===//

#include "Pipeline/CrashMessage.h"

#include "llvm/Support/PrettyStackTrace.h"

#include <string>

namespace mlir::tessera {

void setCrashMessage(llvm::StringRef reproducer) {
  // LLVM keeps the pointer: the text must outlive the process's crashes.
  static std::string message;
  message = "This is a bug in Tessera, not in the input. Please report it "
            "with the input and the stack trace above";
  if (reproducer.empty())
    message += ".\n";
  else
    message += "; this command reproduces it:\n  " + reproducer.str() + "\n";
  llvm::setBugReportMsg(message.c_str());
}

} // namespace mlir::tessera
