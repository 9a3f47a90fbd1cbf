//===- PassCapture.h - Records every pass run -----------------*- C++ -*-===//
//
// The one mechanism through which the CLI (--print-ir-after-all, --timing,
// --dump-ir-dir), the language server and the explorer observe a
// compilation: one record per pass run on one anchor op.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_PIPELINE_PASSCAPTURE_H
#define TESSERA_PIPELINE_PASSCAPTURE_H

#include "Pipeline/CapturedIR.h"

#include "mlir/Pass/PassInstrumentation.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mlir {
class OperationFingerPrint;
} // namespace mlir

namespace mlir::tessera {

struct PassRecord {
  /// Position in the run, from 0.
  unsigned index = 0;
  /// The phase the pass ran in ("flow", "codegen", ...).
  std::string phase;
  /// Display name ("Canonicalizer") and command-line argument
  /// ("canonicalize") with its options.
  std::string passName;
  std::string passArgument;
  /// The op the pass ran on ("func.func") and its symbol, if any.
  std::string anchorOpName;
  std::string anchorSymbol;
  /// Nesting of the anchor from the top module, e.g.
  /// "builtin.module/hal.executable @ex/hal.executable.variant @cpu".
  std::string nesting;
  unsigned depth = 0;
  double wallMs = 0;
  /// Whether the pass changed the anchor's IR: known with captureIR only
  /// (false without).
  bool changed = false;
  bool failed = false;
  /// The anchor's IR before and after the pass, large constants elided.
  /// Unchanged runs share the previous snapshot of the same anchor, and
  /// snapshots share their unchanged pieces, so capture stays cheap.
  std::shared_ptr<const CapturedIR> irBefore, irAfter;
};

/// A PassInstrumentation that appends PassRecords; thread-safe (nested pass
/// managers run anchors in parallel).
class PassCapture : public PassInstrumentation {
public:
  using Observer = std::function<void(const PassRecord &)>;
  /// Sees each pass as it starts, on the thread that runs it.
  using StartObserver = std::function<void(Pass *pass, Operation *op)>;

  PassCapture(bool captureIR, Observer observer);
  ~PassCapture() override;

  void setPhase(std::string phase);
  void setStartObserver(StartObserver observer) {
    startObserver = std::move(observer);
  }
  /// Sees each pass as it starts, as a record of what is known then (its
  /// names, anchor, phase and IR before; no index, time or IR after), on
  /// the thread that runs it.
  void setStartRecordObserver(Observer observer) {
    startRecordObserver = std::move(observer);
  }
  /// The argument of the pass running on this thread ("" when none), to
  /// attribute diagnostics.
  std::string getRunningPass();
  std::string getPhase();
  std::vector<PassRecord> takeRecords();

  void runBeforePass(Pass *pass, Operation *op) override;
  void runAfterPass(Pass *pass, Operation *op) override;
  void runAfterPassFailed(Pass *pass, Operation *op) override;

private:
  void finish(Pass *pass, Operation *op, bool failed);
  /// Fills in the names of `pass` and of its anchor `op`.
  static void describe(Pass *pass, Operation *op, PassRecord &record);
  /// The snapshot of `op` with fingerprint `print`: the last one taken of the
  /// op when it still matches, else a new print.
  std::shared_ptr<const CapturedIR> snapshot(Operation *op,
                                             const OperationFingerPrint &print);
  /// Prints `op` into pieces interned in `pool`.
  std::shared_ptr<const CapturedIR> capture(Operation *op);

  struct Pending;
  bool captureIR;
  Observer observer;
  StartObserver startObserver;
  Observer startRecordObserver;
  std::mutex mutex;
  std::string phase;
  std::vector<PassRecord> records;
  std::vector<std::unique_ptr<Pending>> pending;
  struct Snapshot;
  /// The last IR printed per anchor, reused while its fingerprint holds.
  std::vector<std::unique_ptr<Snapshot>> snapshots;
  /// Every piece text printed so far, so equal pieces are one string.
  std::unordered_map<std::string_view, std::shared_ptr<const std::string>> pool;
};

} // namespace mlir::tessera

#endif // TESSERA_PIPELINE_PASSCAPTURE_H
