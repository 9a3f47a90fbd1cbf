//===- CompileSession.cpp - The compilation API of every tool -------------===//

#include "Pipeline/CompileSession.h"

#include "Import/ONNX/ImportONNX.h"
#include "Pipeline/CrashReproducer.h"
#include "Pipeline/GroupLocalThreadPool.h"
#include "Pipeline/InputFile.h"
#include "Pipeline/InputLimits.h"
#include "Pipeline/LargeStack.h"

#include "Module/ModuleBuilder.h"
#include "Pipeline/Pipelines.h"
#include "Pipeline/Registration.h"
#include "Target/ExecutableObjectFiles.h"
#include "Target/LLVMCPU/TargetOptions.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/Threading.h"

#include <chrono>
#include <mutex>

namespace mlir::tessera {

const char *Diagnostic::severityName(Severity severity) {
  switch (severity) {
  case Severity::Error:
    return "error";
  case Severity::Warning:
    return "warning";
  case Severity::Note:
    return "note";
  case Severity::Remark:
    return "remark";
  }
  return "error";
}

std::string Diagnostic::format() const {
  std::string text;
  // A whole-file problem (missing, unreadable) has no line.
  if (!file.empty() && line == 0)
    text = file + ": ";
  else if (!file.empty())
    text =
        file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": ";
  text += std::string(severityName(severity)) + ": ";
  text += message;
  for (const Diagnostic &note : notes)
    text += "\n" + note.format();
  return text;
}

/// The first file position inside `loc` (through names, call sites, fusions).
static std::optional<FileLineColLoc> findFileLocation(Location loc) {
  std::optional<FileLineColLoc> found;
  loc->walk([&](Location nested) {
    if (auto fileLoc = dyn_cast<FileLineColLoc>(nested)) {
      found = fileLoc;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return found;
}

static Diagnostic convert(mlir::Diagnostic &diag, const std::string &phase,
                          const std::string &pass) {
  Diagnostic result;
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    result.severity = Diagnostic::Severity::Error;
    break;
  case DiagnosticSeverity::Warning:
    result.severity = Diagnostic::Severity::Warning;
    break;
  case DiagnosticSeverity::Note:
    result.severity = Diagnostic::Severity::Note;
    break;
  case DiagnosticSeverity::Remark:
    result.severity = Diagnostic::Severity::Remark;
    break;
  }
  if (auto fileLoc = findFileLocation(diag.getLocation())) {
    result.file = fileLoc->getFilename().str();
    result.line = fileLoc->getLine();
    result.column = fileLoc->getColumn();
  }
  result.message = diag.str();
  result.phase = phase;
  result.pass = pass;
  for (mlir::Diagnostic &note : diag.getNotes())
    result.notes.push_back(convert(note, phase, pass));
  return result;
}

CompileSession::CompileSession() {
  DialectRegistry registry;
  registerAllDialects(registry);
  threadPool = std::make_unique<GroupLocalThreadPool>(
      llvm::hardware_concurrency().compute_thread_count());
  context =
      std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
  context->setThreadPool(*threadPool);
  context->loadAllAvailableDialects();
  // An error on a large op would print all of it in generic form; the
  // location says where it is.
  context->printOpOnDiagnostic(false);
  context->getDiagEngine().registerHandler(
      [this](mlir::Diagnostic &diag) { report(diag); });
}

CompileSession::~CompileSession() = default;

void CompileSession::report(mlir::Diagnostic &diag) {
  // Diagnostics arrive from pass threads too.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  diagnostics.push_back(
      convert(diag, activeCapture ? activeCapture->getPhase() : "",
              activeCapture ? activeCapture->getRunningPass() : ""));
}

bool CompileSession::hasErrors() const {
  return llvm::any_of(diagnostics, [](const Diagnostic &d) {
    return d.severity == Diagnostic::Severity::Error;
  });
}

LogicalResult CompileSession::loadFile(llvm::StringRef path) {
  auto buffer = readInputFile(path, /*allowStdin=*/true);
  if (!buffer) {
    Diagnostic diag;
    diag.file = path.str();
    diag.line = 1;
    diag.column = 1;
    std::string message = llvm::toString(buffer.takeError());
    llvm::StringRef reason(message);
    reason.consume_front(path.str() + ": ");
    diag.message = "cannot read input file: " + reason.str();
    diagnostics.push_back(diag);
    return failure();
  }
  if (isONNXPath(path))
    return importModel((*buffer)->getBuffer(), path);
  auto mgr = std::make_unique<llvm::SourceMgr>();
  mgr->AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  return parse(std::move(mgr));
}

LogicalResult CompileSession::importModel(llvm::StringRef bytes,
                                          llvm::StringRef name) {
  // A model, not text: imported, then compiled like a parsed program.
  LogicalResult result = failure();
  runOnLargeStack([&] {
    module = importONNXModel(context.get(), bytes, name);
    result = success(static_cast<bool>(module));
  });
  // Diagnostics name the file; there are no lines to show.
  auto mgr = std::make_unique<llvm::SourceMgr>();
  mgr->AddNewSourceBuffer(llvm::MemoryBuffer::getMemBuffer("", name),
                          llvm::SMLoc());
  sourceMgr = std::move(mgr);
  return result;
}

LogicalResult CompileSession::loadBuffer(llvm::StringRef text,
                                         llvm::StringRef name) {
  if (isONNXPath(name))
    return importModel(text, name);
  auto mgr = std::make_unique<llvm::SourceMgr>();
  mgr->AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(text, name),
                          llvm::SMLoc());
  return parse(std::move(mgr));
}

LogicalResult CompileSession::parse(std::unique_ptr<llvm::SourceMgr> mgr) {
  // The bytecode reader walks what it read, recursively, before anything
  // can check its depth: give it a stack for the deepest IR the bytes
  // could hold (a level takes at least 7 bytes and ~100 bytes of stack;
  // a 10 MB file gets 640 MB of address space, touched only as used).
  llvm::StringRef text =
      mgr->getMemoryBuffer(mgr->getMainFileID())->getBuffer();
  uint64_t stack =
      isBytecode(text) ? kLargeStackBytes + 64 * text.size() : kLargeStackBytes;
  LogicalResult result = failure();
  runOnLargeStack([&] { result = parseOnLargeStack(std::move(mgr)); }, stack);
  return result;
}

LogicalResult
CompileSession::parseOnLargeStack(std::unique_ptr<llvm::SourceMgr> mgr) {
  sourceMgr = std::move(mgr);
  const llvm::MemoryBuffer *buffer =
      sourceMgr->getMemoryBuffer(sourceMgr->getMainFileID());
  llvm::StringRef text = buffer->getBuffer();
  bool bytecode = isBytecode(text);
  auto refuse = [&](Location loc, llvm::StringRef what) {
    emitError(loc) << what << "; the input is refused";
    return failure();
  };
  if (bytecode) {
    // No lines: the byte offset says where.
    if (auto violation = findBytecodeLimitViolation(text))
      return refuse(FileLineColLoc::get(context.get(),
                                        buffer->getBufferIdentifier(), 0, 0),
                    violation->message + " (at byte " +
                        std::to_string(violation->offset) + ")");
  } else if (auto violation = findInputLimitViolation(text)) {
    auto [line, column] = sourceMgr->getLineAndColumn(
        llvm::SMLoc::getFromPointer(text.data() + violation->offset));
    return refuse(FileLineColLoc::get(context.get(),
                                      buffer->getBufferIdentifier(), line,
                                      column),
                  violation->message);
  }
  // The parser's own message for an op of an unknown dialect in generic form
  // does not name the op; parse such ops as unregistered and report them here.
  // Bytecode is read without recursion; it is checked for depth before
  // anything (the verifier included) walks it.
  context->allowUnregisteredDialects(true);
  llvm::scope_exit disallow([&] { context->allowUnregisteredDialects(false); });
  module = parseSourceFile<ModuleOp>(
      *sourceMgr, ParserConfig(context.get(), /*verifyAfterParse=*/!bytecode));
  if (!module)
    return failure();
  if (bytecode) {
    if (Operation *deep = findExcessiveNesting(module.get())) {
      // At the op's position when the bytecode kept one, else the file's.
      Location where = FusedLoc::get(
          context.get(),
          {deep->getLoc(),
           FileLineColLoc::get(context.get(), buffer->getBufferIdentifier(), 0,
                               0)});
      (void)refuse(where, "nesting deeper than " +
                              std::to_string(kMaxNestingDepth) + " levels");
      eraseWithoutRecursion(module.release());
      return failure();
    }
    if (failed(verify(*module))) {
      module = nullptr;
      return failure();
    }
  }
  disallow.release();
  context->allowUnregisteredDialects(false);
  bool unknown = false;
  module->walk([&](Operation *op) {
    if (op->isRegistered())
      return;
    unknown = true;
    op->emitError() << "unknown operation '" << op->getName()
                    << "': no dialect '" << op->getName().getDialectNamespace()
                    << "' is registered";
  });
  if (unknown) {
    module = nullptr;
    return failure();
  }
  return success();
}

LogicalResult CompileSession::compile(const CompileOptions &requested,
                                      PassCapture::Observer observer) {
  LogicalResult result = failure();
  runOnLargeStack(
      [&] { result = compileOnLargeStack(requested, std::move(observer)); });
  return result;
}

LogicalResult
CompileSession::compileOnLargeStack(const CompileOptions &requested,
                                    PassCapture::Observer observer) {
  if (!module)
    return failure();
  CompileOptions options = requested;
  if (!isKnownExecutionModel(options.executionModel))
    return emitError(module->getLoc())
           << "unknown execution model '" << options.executionModel
           << "' (available: inline-dynamic)";
  target::LLVMCPUTarget resolved = target::resolveLLVMCPUTarget(
      options.targetTriple, options.cpu, options.cpuFeatures);
  options.targetTriple = resolved.triple;
  options.cpu = resolved.cpu;
  options.cpuFeatures = resolved.features;

  std::mutex artifactMutex;
  target::ArtifactSink sink;
  if (options.keepArtifacts)
    sink = [&](StringRef executable, StringRef variant, StringRef kind,
               StringRef bytes) {
      std::lock_guard<std::mutex> lock(artifactMutex);
      artifacts.push_back(
          {executable.str(), variant.str(), kind.str(), bytes.str()});
    };

  auto capture = std::make_unique<PassCapture>(options.captureIR,
                                               [&](const PassRecord &record) {
                                                 if (observer)
                                                   observer(record);
                                               });
  PassCapture *capturePtr = capture.get();
  activeCapture = capturePtr;
  context->disableMultithreading(!options.multithreaded);
  // Cancelling skips every pass still to run (a phase's pipeline then
  // finishes at once), instead of waiting for the phase to end.
  if (options.cancel)
    context->registerActionHandler(
        [cancel = options.cancel](function_ref<void()> transform,
                                  const tracing::Action &action) {
          if (isa<PassExecutionAction>(action) && cancel->load())
            return;
          transform();
        });
  llvm::scope_exit unregister([&] {
    if (options.cancel)
      context->registerActionHandler(nullptr);
  });
  PassManager pm(context.get(), ModuleOp::getOperationName());
  pm.addInstrumentation(std::move(capture));
  Phase runningPhase = Phase::Input;
  if (options.passStarted)
    capturePtr->setStartObserver([&](Pass *pass, Operation *) {
      llvm::StringRef argument = pass->getArgument();
      options.passStarted(runningPhase,
                          argument.empty() ? pass->getName() : argument);
    });
  if (options.passBegan)
    capturePtr->setStartRecordObserver(options.passBegan);
  std::optional<CrashReproducer> reproducer;
  if (!options.crashReproducer.empty()) {
    reproducer.emplace(options.crashReproducer);
    pm.addInstrumentation(reproducer->createInstrumentation());
  }

  moduleBytes.clear();
  bool buildModule = options.buildModule && options.compileTo == Phase::Loader;
  std::optional<module::ModuleBuilder> moduleBuilder;
  if (buildModule)
    moduleBuilder.emplace(llvm::sys::path::stem(
        sourceMgr->getMemoryBuffer(1)->getBufferIdentifier()));

  LogicalResult result = success();
  cancelled = false;
  objectFiles.clear();
  for (Phase phase : getAllPhases()) {
    if (static_cast<int>(phase) > static_cast<int>(options.compileTo))
      break;
    if (options.cancel && options.cancel->load()) {
      cancelled = true;
      result = failure();
      break;
    }
    // Export tables need the layouts, which serialization replaces by
    // binaries.
    if (buildModule && phase == Phase::Serialize &&
        failed(result = moduleBuilder->addExecutables(*module)))
      break;
    pm.clear();
    buildPhasePipeline(pm, phase, options, sink);
    capturePtr->setPhase(getPhaseName(phase).str());
    runningPhase = phase;
    if (reproducer)
      reproducer->beginPhase(getPhaseName(phase), *module, pm,
                             context->isMultithreadingEnabled());
    auto start = std::chrono::steady_clock::now();
    result = pm.run(*module);
    if (reproducer)
      reproducer->endPhase();
    phaseTimes.emplace_back(phase, std::chrono::duration<double, std::milli>(
                                       std::chrono::steady_clock::now() - start)
                                       .count());
    if (failed(result))
      break;
    if (options.cancel && options.cancel->load())
      continue; // Stopped at the loop's top, before anything reads it.
    if (phase == Phase::Flow)
      objectFiles = target::listExecutableObjectFiles(*module);
    if (options.afterPhase)
      options.afterPhase(phase, *module);
  }
  // Passes skipped by a cancel leave a module that is not what the phases
  // make: never build from it.
  if (options.cancel && options.cancel->load() && succeeded(result)) {
    cancelled = true;
    result = failure();
  }
  if (buildModule && succeeded(result) &&
      succeeded(result = moduleBuilder->addHostPrograms(*module)))
    moduleBytes = moduleBuilder->finish();
  records = capturePtr->takeRecords();
  activeCapture = nullptr;
  return result;
}

} // namespace mlir::tessera
