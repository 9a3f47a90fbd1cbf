//===- PassCapture.cpp - Records every pass run ---------------------------===//

#include "Pipeline/PassCapture.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <optional>
#include <thread>

namespace mlir::tessera {

struct PassCapture::Pending {
  Pass *pass;
  Operation *op;
  std::thread::id thread;
  /// With captureIR only: hashing every op of the anchor before and after
  /// each pass was a tenth of ResNet-50's compile (SHA-1 and the walks).
  std::optional<OperationFingerPrint> before;
  std::shared_ptr<const CapturedIR> irBefore;
  std::chrono::steady_clock::time_point start;
};

struct PassCapture::Snapshot {
  Operation *op;
  OperationFingerPrint fingerprint;
  std::shared_ptr<const CapturedIR> ir;
};

PassCapture::PassCapture(bool captureIR, Observer observer)
    : captureIR(captureIR), observer(std::move(observer)) {}

PassCapture::~PassCapture() = default;

/// Passes on sibling ops run in parallel: print the anchor alone (local
/// scope) and without verifying (verification would wait on the thread pool
/// this pass occupies and deadlock). Large constants are elided, resource
/// blobs (an imported model's weights) included: a 100 MB model captured
/// after each of 1,000 passes must not print its weights each time.
static OpPrintingFlags getCaptureFlags() {
  return OpPrintingFlags()
      .elideLargeElementsAttrs(16)
      .elideLargeResourceString(64)
      .assumeVerified()
      .useLocalScope();
}

std::shared_ptr<const CapturedIR> PassCapture::capture(Operation *op) {
  std::string text;
  AsmState::LocationMap printedAt;
  {
    llvm::raw_string_ostream os(text);
    AsmState state(op, getCaptureFlags(), &printedAt);
    op->print(os, state);
  }
  std::vector<size_t> lineStarts = {0};
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n' && i + 1 < text.size())
      lineStarts.push_back(i + 1);

  auto ir = std::make_shared<CapturedIR>();
  ir->size = text.size();
  // The printer numbers lines from 1.
  for (const auto &[printed, position] : printedAt) {
    uint32_t irLine = position.first ? position.first - 1 : 0;
    printed->getLoc()->walk([&](Location loc) {
      if (auto file = dyn_cast<FileLineColLoc>(loc))
        ir->sources.push_back({irLine, file.getLine(), file.getColumn()});
      return WalkResult::advance();
    });
  }
  llvm::sort(ir->sources, [](const IRSourceLine &a, const IRSourceLine &b) {
    return std::tie(a.irLine, a.sourceLine, a.sourceColumn) <
           std::tie(b.irLine, b.sourceLine, b.sourceColumn);
  });

  // Pieces: the header, then one per op of the anchor's body.
  std::vector<std::pair<uint32_t, std::string>> cuts = {{0, ""}};
  if (op->getNumRegions() == 1 && op->getRegion(0).hasOneBlock())
    for (Operation &child : op->getRegion(0).front()) {
      auto it = printedAt.find(&child);
      if (it == printedAt.end() || !it->second.first)
        continue;
      uint32_t line = it->second.first - 1;
      if (line <= cuts.back().first || line >= lineStarts.size())
        continue;
      std::string symbol;
      if (auto name =
              child.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
        symbol = name.getValue().str();
      cuts.push_back({line, std::move(symbol)});
    }
  std::lock_guard<std::mutex> lock(mutex);
  for (size_t i = 0; i < cuts.size(); ++i) {
    size_t begin = lineStarts[cuts[i].first];
    size_t end =
        i + 1 < cuts.size() ? lineStarts[cuts[i + 1].first] : text.size();
    std::string_view pieceText(text.data() + begin, end - begin);
    auto found = pool.find(pieceText);
    std::shared_ptr<const std::string> interned;
    if (found != pool.end()) {
      interned = found->second;
    } else {
      interned = std::make_shared<const std::string>(pieceText);
      pool.emplace(std::string_view(*interned), interned);
    }
    ir->pieces.push_back({interned, std::move(cuts[i].second), cuts[i].first});
  }
  return ir;
}

std::shared_ptr<const CapturedIR>
PassCapture::snapshot(Operation *op, const OperationFingerPrint &print) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &snapshot : snapshots)
      if (snapshot->op == op && snapshot->fingerprint == print)
        return snapshot->ir;
  }
  std::shared_ptr<const CapturedIR> ir = capture(op);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = llvm::find_if(snapshots, [&](auto &s) { return s->op == op; });
  if (it != snapshots.end())
    **it = Snapshot{op, print, ir};
  else
    snapshots.push_back(std::make_unique<Snapshot>(Snapshot{op, print, ir}));
  return ir;
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
  std::optional<OperationFingerPrint> before;
  std::shared_ptr<const CapturedIR> irBefore;
  if (captureIR) {
    before.emplace(op);
    irBefore = snapshot(op, *before);
  }
  auto entry = std::make_unique<Pending>(
      Pending{pass, op, std::this_thread::get_id(), before, irBefore,
              std::chrono::steady_clock::now()});
  {
    std::lock_guard<std::mutex> lock(mutex);
    pending.push_back(std::move(entry));
  }
  if (startObserver)
    startObserver(pass, op);
  if (startRecordObserver) {
    PassRecord record;
    describe(pass, op, record);
    record.phase = getPhase();
    if (captureIR)
      record.irBefore = irBefore;
    startRecordObserver(record);
  }
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

void PassCapture::describe(Pass *pass, Operation *op, PassRecord &record) {
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
  describe(pass, op, record);
  record.wallMs =
      std::chrono::duration<double, std::milli>(end - started->start).count();
  record.failed = failed;
  if (captureIR) {
    OperationFingerPrint after(op);
    record.changed = failed || after != *started->before;
    record.irBefore = started->irBefore;
    record.irAfter = record.changed ? snapshot(op, after) : started->irBefore;
  }

  std::lock_guard<std::mutex> lock(mutex);
  record.phase = phase;
  record.index = records.size();
  records.push_back(record);
  if (observer)
    observer(records.back());
}

} // namespace mlir::tessera
