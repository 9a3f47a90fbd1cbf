//===- SerializeExecutables.cpp - llvm-cpu variants to shared libraries ---===//

#include "Target/LLVMCPU/ExecutableObjects.h"
#include "Target/LLVMCPU/LibraryBuiltins.h"
#include "Target/LLVMCPU/LinkerTool.h"
#include "Target/LLVMCPU/Passes.h"
#include "Target/LLVMCPU/TargetOptions.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/DiagnosticPrinter.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/Utils/SplitModule.h"

#include <thread>

namespace mlir::tessera::target {
#define GEN_PASS_DEF_SERIALIZEEXECUTABLESPASS
#include "Target/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Fewest exports per part when a linked library is compiled in parts.
constexpr size_t kExportsPerPart = 4;

void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                    unsigned optLevel) {
  if (optLevel == 0)
    return;
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder pb(&machine, tuning);
  // The library links no C library: only the memset/memcpy/memmove that
  // emitMemoryBuiltins defines may be formed from loops, not Darwin's
  // memset_pattern* or bzero.
  llvm::TargetLibraryInfoImpl libraryInfo(machine.getTargetTriple());
  for (llvm::LibFunc unavailable :
       {llvm::LibFunc_memset_pattern4, llvm::LibFunc_memset_pattern8,
        llvm::LibFunc_memset_pattern16, llvm::LibFunc_bzero})
    libraryInfo.setUnavailable(unavailable);
  fam.registerPass([&] { return llvm::TargetLibraryAnalysis(libraryInfo); });
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 1   ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager mpm = pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

/// Code generation of an optimized module into an object file. Errors LLVM
/// reports through its context (a CPU feature set the code cannot be
/// generated for, such as floats without SSE) fail the compile: LLVM's
/// default handler would end the process, the Python interpreter or the
/// language server with it.
llvm::Error emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                       std::string &object) {
  llvm::LLVMContext &context = module.getContext();
  std::string errors;
  auto previousHandler = context.getDiagnosticHandlerCallBack();
  void *previousContext = context.getDiagnosticContext();
  context.setDiagnosticHandlerCallBack(
      [](const llvm::DiagnosticInfo *info, void *collected) {
        if (info->getSeverity() != llvm::DS_Error)
          return;
        std::string &text = *static_cast<std::string *>(collected);
        llvm::raw_string_ostream os(text);
        llvm::DiagnosticPrinterRawOStream printer(os);
        os << (text.empty() ? "" : "; ");
        info->print(printer);
      },
      &errors);
  llvm::raw_string_ostream os(object);
  llvm::buffer_ostream bos(os);
  llvm::legacy::PassManager codegen;
  bool cannotEmit = machine.addPassesToEmitFile(
      codegen, bos, nullptr, llvm::CodeGenFileType::ObjectFile);
  if (!cannotEmit)
    codegen.run(module);
  context.setDiagnosticHandlerCallBack(previousHandler, previousContext);
  if (cannotEmit)
    return llvm::createStringError("target machine cannot emit object files");
  if (!errors.empty())
    return llvm::createStringError("LLVM cannot generate code for this "
                                   "target: " +
                                   errors);
  return llvm::Error::success();
}

/// Optimizes and compiles `module` as `partitions` parts, each in its own
/// LLVMContext on its own thread, into one object file per part (in part
/// order: the same input gives the same objects). A linked library's
/// dispatches used to wait for one core: on ResNet-50 this was two thirds
/// of the compile. Locals stay with their users (SplitModule's
/// PreserveLocals), so inlining and the exported names are as in one part.
llvm::Expected<std::vector<std::string>>
compileInParts(llvm::Module &module, const target::LLVMCPUTarget &target,
               unsigned optLevel, unsigned partitions) {
  std::vector<std::string> bitcodes;
  llvm::SplitModule(
      module, partitions,
      [&](std::unique_ptr<llvm::Module> part) {
        std::string bitcode;
        llvm::raw_string_ostream os(bitcode);
        llvm::WriteBitcodeToFile(*part, os);
        bitcodes.push_back(std::move(bitcode));
      },
      /*PreserveLocals=*/true);
  std::vector<std::string> objects(bitcodes.size()), errors(bitcodes.size());
  auto compilePart = [&](size_t index) {
    llvm::LLVMContext context;
    auto part = llvm::parseBitcodeFile(
        llvm::MemoryBufferRef(bitcodes[index], "part"), context);
    if (!part) {
      errors[index] = llvm::toString(part.takeError());
      return;
    }
    auto machine = target::createTargetMachine(target, optLevel);
    if (!machine) {
      errors[index] = llvm::toString(machine.takeError());
      return;
    }
    optimizeModule(**part, **machine, optLevel);
    if (llvm::Error error = emitObject(**part, **machine, objects[index]))
      errors[index] = llvm::toString(std::move(error));
  };
  std::vector<std::thread> threads;
  for (size_t index = 1; index < bitcodes.size(); ++index)
    threads.emplace_back(compilePart, index);
  if (!bitcodes.empty())
    compilePart(0);
  for (std::thread &thread : threads)
    thread.join();
  for (const std::string &error : errors)
    if (!error.empty())
      return llvm::createStringError(error);
  return objects;
}

struct SerializeExecutablesPass
    : public tessera::target::impl::SerializeExecutablesPassBase<
          SerializeExecutablesPass> {
  using Base::Base;
  SerializeExecutablesPass(unsigned optLevel, target::ArtifactSink sink,
                           bool debugInfo)
      : sink(std::move(sink)), debugInfo(debugInfo) {
    this->optLevel = optLevel;
  }

  target::ArtifactSink sink;
  bool debugInfo = false;

  void runOnOperation() override {
    hal::ExecutableOp executable = getOperation();
    SmallVector<hal::ExecutableVariantOp> variants(
        executable.getBlock().getOps<hal::ExecutableVariantOp>());
    for (hal::ExecutableVariantOp variant : variants) {
      if (variant.getTarget().getBackend().getValue() != "llvm-cpu")
        continue;
      if (failed(serialize(executable, variant)))
        return signalPassFailure();
    }
  }

  void publish(hal::ExecutableOp executable, hal::ExecutableVariantOp variant,
               StringRef kind, StringRef bytes) {
    if (sink)
      sink(executable.getSymName(), variant.getSymName(), kind, bytes);
  }

  LogicalResult serialize(hal::ExecutableOp executable,
                          hal::ExecutableVariantOp variant) {
    // Without a module the exports come from the variant's objects alone
    // (hal.dispatch.extern): the library is their link plus the query
    // table, which declares them.
    ModuleOp innerModule = variant.getInnerModule();
    if (!innerModule && !variant.getObjects())
      return variant.emitOpError() << "has no module to serialize";
    hal::ExecutableTargetAttr targetAttr = variant.getTarget();
    target::LLVMCPUTarget target = target::resolveLLVMCPUTarget(
        targetAttr.getConfigString("target_triple").str(),
        targetAttr.getConfigString("cpu").str(),
        targetAttr.getConfigString("cpu_features").str());
    auto machine = target::createTargetMachine(target, optLevel);
    if (!machine)
      return variant.emitOpError() << llvm::toString(machine.takeError());

    llvm::LLVMContext llvmContext;
    std::unique_ptr<llvm::Module> module =
        innerModule ? translateModuleToLLVMIR(innerModule, llvmContext,
                                              executable.getSymName())
                    : std::make_unique<llvm::Module>(executable.getSymName(),
                                                     llvmContext);
    if (!module)
      return variant.emitOpError() << "cannot be translated to LLVM IR";
    llvm::Triple triple(target.triple);
    auto linker = target::LinkerTool::create(triple);
    if (!linker)
      return variant.emitOpError() << llvm::toString(linker.takeError());
    module->setTargetTriple(triple);
    module->setDataLayout((*machine)->createDataLayout());

    // Exports keep their names and default visibility, in ordinal order;
    // everything else becomes internal so that it can be inlined and
    // dropped.
    SmallVector<hal::ExecutableExportOp> exportOps(
        variant.getBlock().getOps<hal::ExecutableExportOp>());
    llvm::sort(exportOps,
               [](hal::ExecutableExportOp a, hal::ExecutableExportOp b) {
                 return a.getOrdinal().ult(b.getOrdinal());
               });
    SmallVector<llvm::Function *> exports;
    for (auto [index, exportOp] : llvm::enumerate(exportOps)) {
      if (exportOp.getOrdinal() != index)
        return exportOp.emitOpError()
               << "ordinals must be dense from 0 to serialize";
      llvm::Function *function = module->getFunction(exportOp.getSymName());
      if (!innerModule && !function) {
        // int export(const environment*, const dispatch_state*,
        //            const workgroup_state*), defined by an object.
        auto *pointer = llvm::PointerType::get(llvmContext, 0);
        function = llvm::Function::Create(
            llvm::FunctionType::get(llvm::Type::getInt32Ty(llvmContext),
                                    {pointer, pointer, pointer}, false),
            llvm::GlobalValue::ExternalLinkage, exportOp.getSymName(), *module);
      }
      if (!function || (innerModule && function->isDeclaration()))
        return exportOp.emitOpError()
               << "has no definition in the translated module";
      function->setLinkage(llvm::GlobalValue::ExternalLinkage);
      function->setVisibility(llvm::GlobalValue::DefaultVisibility);
      function->addFnAttr(llvm::Attribute::NoUnwind);
      exports.push_back(function);
    }
    for (llvm::Function &function : *module)
      if (!function.isDeclaration() && !llvm::is_contained(exports, &function))
        function.setLinkage(llvm::GlobalValue::InternalLinkage);
    SmallVector<llvm::Function *> exported(exports);
    exported.push_back(
        target::emitLibraryQuery(*module, executable.getSymName(), exports));
    target::emitMemoryBuiltins(*module);
    target::emitRoundingBuiltins(*module);
    (*linker)->prepareModule(*module, exported);

    std::string verifyErrors;
    llvm::raw_string_ostream verifyStream(verifyErrors);
    if (llvm::verifyModule(*module, &verifyStream))
      return variant.emitOpError()
             << "produced invalid LLVM IR: " << verifyErrors;

    // In parts on several threads, unless the module is dumped (its .ll,
    // .bc and .o show it whole) or the compile runs on one thread.
    unsigned partitions = 1;
    if (!sink && getContext().isMultithreadingEnabled())
      partitions = std::min<unsigned>(
          llvm::heavyweight_hardware_concurrency().compute_thread_count(),
          exports.size() / kExportsPerPart);
    std::vector<target::LinkInput> inputs;
    if (partitions > 1) {
      auto objects = compileInParts(*module, target, optLevel, partitions);
      if (!objects)
        return variant.emitOpError() << llvm::toString(objects.takeError());
      for (auto [index, object] : llvm::enumerate(*objects))
        inputs.push_back(
            {(executable.getSymName() + "." + std::to_string(index) + ".o")
                 .str(),
             std::move(object)});
    } else {
      optimizeModule(*module, **machine, optLevel);
      if (sink) {
        std::string text;
        llvm::raw_string_ostream os(text);
        module->print(os, nullptr);
        publish(executable, variant, "ll", text);
        std::string bitcode;
        llvm::raw_string_ostream bitcodeStream(bitcode);
        llvm::WriteBitcodeToFile(*module, bitcodeStream);
        publish(executable, variant, "bc", bitcode);
      }
      std::string object;
      if (llvm::Error error = emitObject(*module, **machine, object))
        return variant.emitOpError() << llvm::toString(std::move(error));
      publish(executable, variant, "o", object);
      inputs.push_back(
          {(executable.getSymName() + ".o").str(), std::move(object)});
    }

    // The generated object first, then the extern objects the variant
    // names, in order.
    auto externObjects = target::loadExecutableObjects(variant, **linker);
    if (failed(externObjects))
      return failure();
    llvm::append_range(inputs, *externObjects);
    std::vector<std::string> exportNames;
    for (llvm::Function *function : exported)
      exportNames.push_back(function->getName().str());
    auto library = (*linker)->link(inputs, executable.getSymName(), exportNames,
                                   /*withDebugInfo=*/debugInfo && sink);
    if (!library)
      return variant.emitOpError() << llvm::toString(library.takeError());
    publish(executable, variant, (*linker)->getFileExtension(), library->bytes);
    if (!library->debugInfo.empty())
      publish(executable, variant, (*linker)->getDebugFileExtension(),
              library->debugInfo);

    OpBuilder builder(variant);
    auto bytesType =
        VectorType::get({static_cast<int64_t>(library->bytes.size())},
                        builder.getIntegerType(8));
    auto data = DenseElementsAttr::getFromRawBuffer(
        bytesType,
        ArrayRef<char>(library->bytes.data(), library->bytes.size()));
    auto binary = hal::ExecutableBinaryOp::create(
        builder, variant.getLoc(), variant.getSymVisibilityAttr(),
        variant.getSymNameAttr(), targetAttr.getFormat(), data,
        builder.getStringAttr((*linker)->getMimeType()));
    // The condition stays with the binary: it is checked before loading.
    for (auto condition : variant.getOps<hal::ExecutableConditionOp>())
      binary.getCondition().takeBody(condition.getBody());
    variant.erase();
    return success();
  }
};

} // namespace

std::unique_ptr<Pass> mlir::tessera::target::createSerializeExecutablesPass(
    unsigned optLevel, ArtifactSink sink, bool debugInfo) {
  return std::make_unique<SerializeExecutablesPass>(optLevel, std::move(sink),
                                                    debugInfo);
}
