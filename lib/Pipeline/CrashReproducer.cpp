//===- CrashReproducer.cpp - A reproducer for a crashing compile ----------===//

#include "Pipeline/CrashReproducer.h"
#include "Pipeline/CrashMessage.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassInstrumentation.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <mutex>
#include <vector>

namespace mlir::tessera {

namespace {

/// The reproducers of the phases running now (several compiles may run at
/// once in one process: the explorer, the server's analyses).
std::mutex activeMutex;
std::vector<const CrashReproducer *> &active() {
  static auto *reproducers = new std::vector<const CrashReproducer *>();
  return *reproducers;
}

/// The passes running on this thread, innermost last.
struct RunningPass {
  Pass *pass;
  Operation *op;
  const CrashReproducer *owner;
};
thread_local std::vector<RunningPass> runningPasses;

struct RunningPassTracker : public PassInstrumentation {
  explicit RunningPassTracker(const CrashReproducer *owner) : owner(owner) {}
  void runBeforePass(Pass *pass, Operation *op) override {
    runningPasses.push_back({pass, op, owner});
  }
  void runAfterPass(Pass *pass, Operation *op) override { pop(pass, op); }
  void runAfterPassFailed(Pass *pass, Operation *op) override { pop(pass, op); }
  void pop(Pass *pass, Operation *op) {
    auto it = std::find_if(runningPasses.rbegin(), runningPasses.rend(),
                           [&](const RunningPass &running) {
                             return running.pass == pass && running.op == op;
                           });
    if (it != runningPasses.rend())
      runningPasses.erase(std::next(it).base());
  }
  const CrashReproducer *owner;
};

/// "`canonicalize` on 'func.func' @main".
std::string describe(const RunningPass &running) {
  std::string text = "`" + running.pass->getArgument().str() + "`";
  if (running.pass->getArgument().empty())
    text = "`" + running.pass->getName().str() + "`";
  text += " on '" + running.op->getName().getStringRef().str() + "'";
  if (auto name = running.op->getAttrOfType<StringAttr>(
          SymbolTable::getSymbolAttrName()))
    text += " @" + name.getValue().str();
  return text;
}

} // namespace

std::string getDefaultCrashReproducerPath(llvm::StringRef input) {
  llvm::SmallString<256> model;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, model);
  std::string stem = llvm::sys::path::stem(input).str();
  if (stem.empty() || stem == "-")
    stem = "stdin";
  llvm::sys::path::append(model, "tessera-crash-" + stem + "-%%%%%%.mlir");
  llvm::SmallString<256> path;
  llvm::sys::fs::createUniquePath(model, path, /*MakeAbsolute=*/false);
  return path.str().str();
}

CrashReproducer::CrashReproducer(std::string path) : path(std::move(path)) {
  // Once per process; LLVM runs it on the crashing thread after the stack
  // trace.
  static bool registered =
      (llvm::sys::AddSignalHandler(&CrashReproducer::onCrash, nullptr), true);
  (void)registered;
}

CrashReproducer::~CrashReproducer() { endPhase(); }

void CrashReproducer::beginPhase(llvm::StringRef newPhase, ModuleOp module,
                                 const OpPassManager &pm, bool threads) {
  endPhase();
  phase = newPhase.str();
  multithreaded = threads;
  pipeline.clear();
  llvm::raw_string_ostream os(pipeline);
  pm.printAsTextualPipeline(os);
  before = module.clone();
  std::lock_guard<std::mutex> lock(activeMutex);
  active().push_back(this);
}

void CrashReproducer::endPhase() {
  {
    std::lock_guard<std::mutex> lock(activeMutex);
    llvm::erase(active(), this);
  }
  before = nullptr;
}

std::unique_ptr<PassInstrumentation> CrashReproducer::createInstrumentation() {
  return std::make_unique<RunningPassTracker>(this);
}

bool CrashReproducer::write(std::string &error) const {
  if (!before) {
    error = "no phase is running";
    return false;
  }
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_Text);
  if (ec) {
    error = ec.message();
    return false;
  }
  // What MLIR's reproducers carry, so `--run-reproducer` replays it.
  ModuleOp module = before.get();
  AsmState state(module);
  state.attachResourcePrinter(
      "mlir_reproducer", [&](Operation *, AsmResourceBuilder &builder) {
        builder.buildString("pipeline", pipeline);
        builder.buildBool("disable_threading", !multithreaded);
        builder.buildBool("verify_each", true);
      });
  module->print(os, state);
  os.close();
  if (os.has_error()) {
    error = os.error().message();
    os.clear_error();
    return false;
  }
  return true;
}

void CrashReproducer::onCrash(void *) {
  // In a signal handler, like MLIR's own reproducers: the copy is printed
  // with the allocator the crash may have damaged; it usually works, and
  // the process ends by the signal either way. No lock: the crashing
  // thread may hold it.
  const RunningPass *running =
      runningPasses.empty() ? nullptr : &runningPasses.back();
  for (const CrashReproducer *reproducer : active()) {
    llvm::errs() << "\n";
    if (running && running->owner == reproducer)
      llvm::errs() << "The crash happened in pass " << describe(*running)
                   << " (phase " << reproducer->phase << ").\n";
    std::string error;
    if (reproducer->write(error))
      llvm::errs() << "Crash reproducer (the IR before phase "
                   << reproducer->phase
                   << " and its pass pipeline): " << reproducer->path
                   << "\nReplay it with: tessera-opt "
                   << "--run-reproducer " << shellQuote(reproducer->path)
                   << "\n";
    else
      llvm::errs() << "No crash reproducer: cannot write '" << reproducer->path
                   << "': " << error << "\n";
  }
  llvm::errs().flush();
}

} // namespace mlir::tessera
