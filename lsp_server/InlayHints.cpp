//===- InlayHints.cpp - Dispatch hints beside the source ------------------===//

#include "InlayHints.h"

#include "MLIRDocument.h"
#include "SourceText.h"

#include "llvm/Support/FormatVariadic.h"

#include <set>

namespace tessera::lsp {

llvm::json::Value
dispatchInlayHints(const MLIRDocument &document,
                   llvm::ArrayRef<mlir::tessera::DispatchInfo> dispatches) {
  llvm::json::Array hints;
  std::set<int> hinted;
  auto hint = [&](unsigned oneBasedLine, std::string label) {
    int line = static_cast<int>(oneBasedLine) - 1;
    if (line < 0 || !hinted.insert(line).second)
      return;
    llvm::StringRef text = getLine(document.getText(), line);
    hints.push_back(llvm::json::Object{
        {"position", llvm::json::Object{{"line", line},
                                        {"character", byteToUtf16Column(
                                                          text, text.size())}}},
        {"label", std::move(label)},
        {"paddingLeft", true}});
  };
  for (const mlir::tessera::DispatchInfo &dispatch : dispatches) {
    std::string label = "dispatch " + dispatch.name;
    if (dispatch.workgroups)
      label +=
          llvm::formatv(" ({0}x{1}x{2} workgroups)", (*dispatch.workgroups)[0],
                        (*dispatch.workgroups)[1], (*dispatch.workgroups)[2])
              .str();
    hint(dispatch.site.line, label);
    for (const auto &op : dispatch.ops)
      hint(op.line, "in " + dispatch.name);
  }
  return hints;
}

} // namespace tessera::lsp
