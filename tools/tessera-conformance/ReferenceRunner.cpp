//===- ReferenceRunner.cpp - Upstream MLIR's reference lowering -----------===//

#include "ReferenceRunner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/TargetSelect.h"

#include "llvm/Support/raw_ostream.h"
#include <cmath>

namespace tessera::conformance {

/// Upstream passes only: what `mlir-opt --pass-pipeline='builtin.module(...)'`
/// would run to execute the program (the pass manager is on the module).
static const char kReferencePipeline[] =
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map}, "
    "buffer-results-to-out-params{modify-public-functions}, "
    "buffer-deallocation-pipeline, convert-linalg-to-loops, "
    "expand-strided-metadata, lower-affine, convert-math-to-libm, "
    "convert-scf-to-cf, convert-to-llvm, reconcile-unrealized-casts";

extern "C" {
static float referenceRsqrtf(float x) { return 1.0f / std::sqrt(x); }
static double referenceRsqrt(double x) { return 1.0 / std::sqrt(x); }
}

struct ReferenceRunner::State {
  mlir::MLIRContext context;
  State() : context(makeRegistry(), mlir::MLIRContext::Threading::DISABLED) {
    context.loadAllAvailableDialects();
  }
  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::registerAllToLLVMIRTranslations(registry);
    return registry;
  }
};

ReferenceRunner::ReferenceRunner() {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    mlir::registerAllPasses();
    return true;
  }();
  (void)initialized;
  state = std::make_unique<State>();
}

ReferenceRunner::~ReferenceRunner() = default;

std::string ReferenceRunner::run(const Program &program,
                                 const std::vector<HostTensor> &inputs,
                                 std::vector<HostTensor> &results) {
  std::string diagnostics;
  llvm::raw_string_ostream diagnosticStream(diagnostics);
  mlir::ScopedDiagnosticHandler handler(
      &state->context, [&](mlir::Diagnostic &diagnostic) {
        diagnosticStream << diagnostic << "\n";
        return mlir::success();
      });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(program.text, &state->context);
  if (!module)
    return "reference: the program does not parse: " + diagnostics;
  mlir::PassManager pm(&state->context);
  if (mlir::failed(mlir::parsePassPipeline(kReferencePipeline, pm)))
    return "reference: bad pipeline";
  if (mlir::failed(pm.run(*module)))
    return "reference: upstream lowering failed: " + diagnostics;

  mlir::ExecutionEngineOptions options;
  auto transformer = mlir::makeOptimizingTransformer(2, 0, nullptr);
  options.transformer = transformer;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  // memrefCopy (memref.copy of strided views) and the f16 conversions.
  llvm::SmallVector<llvm::StringRef> libraries = {TESSERA_MLIR_C_RUNNER_UTILS};
  options.sharedLibPaths = libraries;
  auto engine = mlir::ExecutionEngine::create(*module, options);
  if (!engine) {
    std::string message = llvm::toString(engine.takeError());
    return "reference: JIT failed: " + message + ": " + diagnostics;
  }
  // libm has no rsqrtf, which convert-math-to-libm calls.
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner("rsqrtf")] = {
        llvm::orc::ExecutorAddr::fromPtr(&referenceRsqrtf),
        llvm::JITSymbolFlags::Exported};
    symbols[interner("rsqrt")] = {
        llvm::orc::ExecutorAddr::fromPtr(&referenceRsqrt),
        llvm::JITSymbolFlags::Exported};
    return symbols;
  });

  // Every memref argument (inputs, then the results as out-parameters)
  // expands to allocated, aligned, offset, sizes..., strides...; the packed
  // entry point takes a pointer to each of those scalars.
  results.clear();
  for (const TensorSpec &spec : program.results)
    results.push_back(HostTensor::zeros(spec));
  std::vector<std::vector<int64_t>> scalars;
  auto describe = [&](const HostTensor &tensor) {
    std::vector<int64_t> fields;
    auto pointer = reinterpret_cast<int64_t>(tensor.bytes.data());
    fields.push_back(pointer);
    fields.push_back(pointer);
    fields.push_back(0);
    for (int64_t size : tensor.spec.shape)
      fields.push_back(size);
    std::vector<int64_t> strides(tensor.spec.shape.size(), 1);
    for (int64_t i = int64_t(strides.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * tensor.spec.shape[i + 1];
    fields.insert(fields.end(), strides.begin(), strides.end());
    scalars.push_back(std::move(fields));
  };
  // Copies: bufferization may write into argument buffers in place.
  std::vector<HostTensor> inputCopies = inputs;
  for (const HostTensor &input : inputCopies)
    describe(input);
  for (const HostTensor &result : results)
    describe(result);
  std::vector<void *> arguments;
  for (std::vector<int64_t> &fields : scalars)
    for (int64_t &field : fields)
      arguments.push_back(&field);
  if (llvm::Error error = (*engine)->invokePacked(program.function, arguments))
    return "reference: call failed: " + llvm::toString(std::move(error));
  return "";
}

} // namespace tessera::conformance
