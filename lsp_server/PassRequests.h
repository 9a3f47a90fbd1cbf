//===- PassRequests.h - tessera/passes and tessera/irAfterPass -*- C++ -*-===//
//
// The pass-by-pass view of a document: a compile with the pass capture on,
// kept per document version so that stepping through passes (and diffing
// them) does not compile again. Compiles run on background threads.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_LSP_PASSREQUESTS_H
#define TESSERA_LSP_PASSREQUESTS_H

#include "Pipeline/CompileSession.h"
#include "Pipeline/DispatchMap.h"

#include "llvm/Support/JSON.h"

#include <future>
#include <list>
#include <memory>
#include <mutex>
#include <string>

namespace tessera::lsp {

/// One captured compile of one document version.
struct CapturedCompile {
  std::string uri;
  int64_t version = 0;
  std::string compileTo;
  std::vector<std::string> targets;
  std::vector<mlir::tessera::PassRecord> records;
  std::vector<mlir::tessera::Diagnostic> diagnostics;
  std::vector<mlir::tessera::DispatchInfo> dispatches;
  /// The document text that was compiled.
  std::string source;
};

class PassRequests {
public:
  ~PassRequests();

  /// The capture of (uri, version, compileTo, targets), compiling `text`
  /// when it is not cached. Thread-safe.
  std::shared_ptr<const CapturedCompile>
  get(const std::string &uri, int64_t version, const std::string &text,
      const std::string &file, const std::string &compileTo,
      const std::vector<std::string> &targets);
  void forget(const std::string &uri);

  /// Runs `task` on a background thread (joined on destruction); a crash
  /// in it (on that thread or the compile's large stack) is caught and
  /// `onCrash` runs instead (the request still gets an answer).
  void runInBackground(std::function<void()> task,
                       std::function<void()> onCrash);

  /// `tessera/passes` result for a capture.
  static llvm::json::Value passesToJSON(const CapturedCompile &capture);
  /// `tessera/irAfterPass` result: the IR after pass `index` and, with
  /// `diff`, the unified diff against the IR before it; an error for an
  /// index out of range.
  /// `tessera/dispatches` result: each dispatch, its site and ops (LSP
  /// positions), export and workgroup count.
  static llvm::json::Value dispatchesToJSON(const CapturedCompile &capture);
  static llvm::Expected<llvm::json::Value>
  irAfterPassToJSON(const CapturedCompile &capture, int64_t index, bool diff);

private:
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const CapturedCompile>> cache;
  std::mutex tasksMutex;
  std::list<std::future<void>> tasks;
};

} // namespace tessera::lsp

#endif // TESSERA_LSP_PASSREQUESTS_H
