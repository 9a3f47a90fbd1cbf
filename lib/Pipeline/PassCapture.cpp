//===- PassCapture.cpp - Records every pass run ---------------------------===//

#include "Pipeline/PassCapture.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <thread>

namespace mlir::tessera {

struct PassCapture::Pending {
  Pass *pass;
  Operation *op;
  std::thread::id thread;
  OperationFingerPrint before;
  std::chrono::steady_clock::time_point start;
};

struct PassCapture::Snapshot {
  Operation *op;
  OperationFingerPrint fingerprint;
  std::shared_ptr<const std::string> text;
};

PassCapture::PassCapture(bool captureIR, Observer observer)
    : captureIR(captureIR), observer(std::move(observer)) {}

PassCapture::~PassCapture() = default;

std::string PassCapture::printIR(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // Passes on sibling ops run in parallel: print the anchor alone (local
  // scope) and without verifying (verification would wait on the thread
  // pool this pass occupies and deadlock).
  op->print(os, OpPrintingFlags()
                    .elideLargeElementsAttrs(16)
                    .assumeVerified()
                    .useLocalScope());
  return text;
}

void PassCapture::setPhase(std::string newPhase) {
  std::lock_guard<std::mutex> lock(mutex);
  phase = std::move(newPhase);
}

std::string PassCapture::getPhase() {
  std::lock_guard<std::mutex> lock(mutex);
  return phase;
}

std::string PassCapture::getRunningPass() {
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = pending.rbegin(); it != pending.rend(); ++it)
    if ((*it)->thread == std::this_thread::get_id())
      return (*it)->pass->getArgument().str();
  return "";
}

std::vector<PassRecord> PassCapture::takeRecords() {
  std::lock_guard<std::mutex> lock(mutex);
  return std::move(records);
}

/// Adaptors only group nested pipelines; the passes inside are recorded.
static bool isAdaptor(Pass *pass) { return pass->getArgument().empty(); }

void PassCapture::runBeforePass(Pass *pass, Operation *op) {
  if (isAdaptor(pass))
    return;
  auto entry = std::make_unique<Pending>(
      Pending{pass, op, std::this_thread::get_id(), OperationFingerPrint(op),
              std::chrono::steady_clock::now()});
  std::lock_guard<std::mutex> lock(mutex);
  pending.push_back(std::move(entry));
}

void PassCapture::runAfterPass(Pass *pass, Operation *op) {
  finish(pass, op, /*failed=*/false);
}

void PassCapture::runAfterPassFailed(Pass *pass, Operation *op) {
  finish(pass, op, /*failed=*/true);
}

static std::string describeNesting(Operation *op, unsigned &depth) {
  SmallVector<std::string> parts;
  for (Operation *it = op; it; it = it->getParentOp()) {
    std::string part = it->getName().getStringRef().str();
    if (auto name =
            it->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
      part += " @" + name.getValue().str();
    parts.push_back(part);
  }
  depth = parts.size() - 1;
  std::string result;
  for (auto it = parts.rbegin(); it != parts.rend(); ++it) {
    if (!result.empty())
      result += "/";
    result += *it;
  }
  return result;
}

void PassCapture::finish(Pass *pass, Operation *op, bool failed) {
  if (isAdaptor(pass))
    return;
  auto end = std::chrono::steady_clock::now();
  std::unique_ptr<Pending> started;
  {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = llvm::find_if(pending, [&](const std::unique_ptr<Pending> &p) {
      return p->pass == pass && p->op == op &&
             p->thread == std::this_thread::get_id();
    });
    if (it == pending.end())
      return;
    started = std::move(*it);
    pending.erase(it);
  }

  PassRecord record;
  record.passName = pass->getName().str();
  {
    std::string argument;
    llvm::raw_string_ostream os(argument);
    pass->printAsTextualPipeline(os);
    record.passArgument = argument;
  }
  record.anchorOpName = op->getName().getStringRef().str();
  if (auto name =
          op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
    record.anchorSymbol = name.getValue().str();
  record.nesting = describeNesting(op, record.depth);
  record.wallMs =
      std::chrono::duration<double, std::milli>(end - started->start).count();
  record.failed = failed;
  record.changed = failed || OperationFingerPrint(op) != started->before;

  OperationFingerPrint after(op);
  std::shared_ptr<const std::string> previous;
  if (captureIR) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (auto &snapshot : snapshots)
        if (snapshot->op == op && snapshot->fingerprint == after)
          previous = snapshot->text;
    }
    if (previous) {
      record.irAfter = previous;
    } else {
      record.irAfter = std::make_shared<const std::string>(printIR(op));
    }
  }

  std::lock_guard<std::mutex> lock(mutex);
  if (captureIR && !previous) {
    auto it = llvm::find_if(snapshots, [&](auto &s) { return s->op == op; });
    if (it != snapshots.end())
      **it = Snapshot{op, after, record.irAfter};
    else
      snapshots.push_back(
          std::make_unique<Snapshot>(Snapshot{op, after, record.irAfter}));
  }
  record.phase = phase;
  record.index = records.size();
  records.push_back(record);
  if (observer)
    observer(records.back());
}

} // namespace mlir::tessera
