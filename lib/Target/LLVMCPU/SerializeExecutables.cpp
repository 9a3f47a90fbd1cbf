//===- SerializeExecutables.cpp - llvm-cpu variants to shared libraries ---===//

#include "Target/LLVMCPU/LinkerTool.h"
#include "Target/LLVMCPU/Passes.h"
#include "Target/LLVMCPU/TargetOptions.h"

#include "tessera/executable_library.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace mlir::tessera::target {
#define GEN_PASS_DEF_SERIALIZEEXECUTABLESPASS
#include "Target/LLVMCPU/Passes.h.inc"
} // namespace mlir::tessera::target

using namespace mlir;
using namespace mlir::tessera;

namespace {

/// Emits the executable-library tables and the query function.
void emitLibraryQuery(llvm::Module &module, StringRef libraryName,
                      ArrayRef<llvm::Function *> exports) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *ptrType = llvm::PointerType::get(ctx, 0);
  auto *i32 = b.getInt32Ty();
  auto privateConstant = [&](llvm::Constant *init, StringRef name) {
    return new llvm::GlobalVariable(
        module, init->getType(), /*isConstant=*/true,
        llvm::GlobalValue::PrivateLinkage, init, name);
  };
  auto cString = [&](StringRef text, StringRef name) {
    return privateConstant(llvm::ConstantDataArray::getString(ctx, text), name);
  };
  SmallVector<llvm::Constant *> functions, names;
  for (auto [index, function] : llvm::enumerate(exports)) {
    functions.push_back(function);
    names.push_back(cString(function->getName(),
                            "__tessera_export_name_" + std::to_string(index)));
  }
  auto *arrayType = llvm::ArrayType::get(ptrType, exports.size());
  auto *functionTable = privateConstant(
      llvm::ConstantArray::get(arrayType, functions), "__tessera_exports");
  auto *nameTable = privateConstant(llvm::ConstantArray::get(arrayType, names),
                                    "__tessera_export_names");
  auto *libraryType =
      llvm::StructType::get(ctx, {i32, i32, ptrType, ptrType, ptrType});
  static_assert(offsetof(tessera_executable_library_v0_t, name) == 8,
                "library header layout");
  auto *library = privateConstant(
      llvm::ConstantStruct::get(
          libraryType, {b.getInt32(TESSERA_EXECUTABLE_LIBRARY_VERSION_0),
                        b.getInt32(exports.size()),
                        cString(libraryName, "__tessera_library_name"),
                        functionTable, nameTable}),
      "__tessera_library");

  auto *queryType = llvm::FunctionType::get(ptrType, {i32, ptrType}, false);
  auto *query =
      llvm::Function::Create(queryType, llvm::GlobalValue::ExternalLinkage,
                             TESSERA_EXECUTABLE_LIBRARY_QUERY_NAME, module);
  query->setVisibility(llvm::GlobalValue::DefaultVisibility);
  query->addFnAttr(llvm::Attribute::NoUnwind);
  auto *entry = llvm::BasicBlock::Create(ctx, "entry", query);
  b.SetInsertPoint(entry);
  llvm::Value *supported = b.CreateICmpEQ(
      query->getArg(0), b.getInt32(TESSERA_EXECUTABLE_LIBRARY_VERSION_0));
  b.CreateRet(b.CreateSelect(supported, library,
                             llvm::ConstantPointerNull::get(ptrType)));
}

/// Executables link no C library, yet LLVM turns loops into memset/memcpy
/// calls and lowers large copies to them: define the three in every library
/// (hidden, so they are never exported).
void emitMemoryBuiltins(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *ptrType = llvm::PointerType::get(ctx, 0);
  auto *i64 = b.getInt64Ty();
  auto define = [&](StringRef name, llvm::Type *valueType, bool isCopy,
                    bool backward) {
    if (auto *existing = module.getFunction(name))
      if (!existing->isDeclaration())
        return;
    auto *type = llvm::FunctionType::get(ptrType, {ptrType, valueType, i64},
                                         /*isVarArg=*/false);
    auto callee = module.getOrInsertFunction(name, type);
    auto *function = cast<llvm::Function>(callee.getCallee());
    function->setLinkage(llvm::GlobalValue::ExternalLinkage);
    function->setVisibility(llvm::GlobalValue::HiddenVisibility);
    // Keep LLVM from recognizing the loop below as a call to itself.
    function->addFnAttr("no-builtins");
    function->addFnAttr(llvm::Attribute::NoUnwind);
    llvm::Value *dst = function->getArg(0);
    llvm::Value *src = function->getArg(1);
    llvm::Value *size = function->getArg(2);
    auto *entry = llvm::BasicBlock::Create(ctx, "entry", function);
    auto *loop = llvm::BasicBlock::Create(ctx, "loop", function);
    auto *exit = llvm::BasicBlock::Create(ctx, "exit", function);
    b.SetInsertPoint(entry);
    b.CreateCondBr(b.CreateICmpEQ(size, b.getInt64(0)), exit, loop);
    b.SetInsertPoint(loop);
    llvm::PHINode *i = b.CreatePHI(i64, 2);
    i->addIncoming(b.getInt64(0), entry);
    llvm::Value *index = backward
                             ? b.CreateSub(b.CreateSub(size, i), b.getInt64(1))
                             : static_cast<llvm::Value *>(i);
    llvm::Value *byte =
        isCopy ? b.CreateLoad(b.getInt8Ty(),
                              b.CreateGEP(b.getInt8Ty(), src, index))
               : b.CreateTrunc(src, b.getInt8Ty());
    b.CreateStore(byte, b.CreateGEP(b.getInt8Ty(), dst, index));
    llvm::Value *next = b.CreateAdd(i, b.getInt64(1));
    i->addIncoming(next, loop);
    b.CreateCondBr(b.CreateICmpEQ(next, size), exit, loop);
    b.SetInsertPoint(exit);
    b.CreateRet(dst);
  };
  define("memcpy", ptrType, /*isCopy=*/true, /*backward=*/false);
  define("memset", b.getInt32Ty(), /*isCopy=*/false, /*backward=*/false);
  // memmove: forward when dst <= src, else backward; both are safe for
  // overlapping ranges in that order.
  {
    auto *type = llvm::FunctionType::get(ptrType, {ptrType, ptrType, i64},
                                         /*isVarArg=*/false);
    define("__tessera_copy_backward", ptrType, true, true);
    auto *memmove = cast<llvm::Function>(
        module.getOrInsertFunction("memmove", type).getCallee());
    if (memmove->isDeclaration()) {
      memmove->setVisibility(llvm::GlobalValue::HiddenVisibility);
      memmove->addFnAttr("no-builtins");
      memmove->addFnAttr(llvm::Attribute::NoUnwind);
      auto *entry = llvm::BasicBlock::Create(ctx, "entry", memmove);
      auto *forwardBlock = llvm::BasicBlock::Create(ctx, "forward", memmove);
      auto *backwardBlock = llvm::BasicBlock::Create(ctx, "backward", memmove);
      b.SetInsertPoint(entry);
      b.CreateCondBr(b.CreateICmpULE(memmove->getArg(0), memmove->getArg(1)),
                     forwardBlock, backwardBlock);
      llvm::Value *args[] = {memmove->getArg(0), memmove->getArg(1),
                             memmove->getArg(2)};
      b.SetInsertPoint(forwardBlock);
      b.CreateRet(b.CreateCall(module.getFunction("memcpy"), args));
      b.SetInsertPoint(backwardBlock);
      b.CreateRet(
          b.CreateCall(module.getFunction("__tessera_copy_backward"), args));
    }
  }
}

/// Without SSE4.1 (or the like) LLVM lowers llvm.floor/llvm.ceil to libm
/// calls; define them in the library when the code needs them.
void emitRoundingBuiltins(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *f32 = b.getFloatTy();
  auto define = [&](StringRef name, bool ceil) {
    auto *type = llvm::FunctionType::get(f32, {f32}, false);
    auto *function = cast<llvm::Function>(
        module.getOrInsertFunction(name, type).getCallee());
    if (!function->isDeclaration())
      return;
    function->setLinkage(llvm::GlobalValue::ExternalLinkage);
    function->setVisibility(llvm::GlobalValue::HiddenVisibility);
    function->addFnAttr("no-builtins");
    function->addFnAttr(llvm::Attribute::NoUnwind);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "entry", function));
    llvm::Value *x = function->getArg(0);
    // |x| >= 2^23 (or NaN/inf) is already integral.
    llvm::Value *big =
        b.CreateFCmpUGE(b.CreateUnaryIntrinsic(llvm::Intrinsic::fabs, x),
                        llvm::ConstantFP::get(f32, 8388608.0));
    llvm::Value *truncated =
        b.CreateSIToFP(b.CreateFPToSI(x, b.getInt32Ty()), f32);
    llvm::Value *adjust = ceil
                              ? b.CreateSelect(b.CreateFCmpOLT(truncated, x),
                                               llvm::ConstantFP::get(f32, 1.0),
                                               llvm::ConstantFP::get(f32, 0.0))
                              : b.CreateSelect(b.CreateFCmpOGT(truncated, x),
                                               llvm::ConstantFP::get(f32, -1.0),
                                               llvm::ConstantFP::get(f32, 0.0));
    llvm::Value *rounded = b.CreateFAdd(truncated, adjust);
    // Keep the sign of zero (floor(-0.0) == -0.0).
    rounded = b.CreateCopySign(rounded, x);
    b.CreateRet(b.CreateSelect(big, x, rounded));
  };
  define("floorf", /*ceil=*/false);
  define("ceilf", /*ceil=*/true);
}

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

struct SerializeExecutablesPass
    : public tessera::target::impl::SerializeExecutablesPassBase<
          SerializeExecutablesPass> {
  using Base::Base;
  SerializeExecutablesPass(unsigned optLevel, target::ArtifactSink sink)
      : sink(std::move(sink)) {
    this->optLevel = optLevel;
  }

  target::ArtifactSink sink;

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
    ModuleOp innerModule = variant.getInnerModule();
    if (!innerModule)
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
    std::unique_ptr<llvm::Module> module = translateModuleToLLVMIR(
        innerModule, llvmContext, executable.getSymName());
    if (!module)
      return variant.emitOpError() << "cannot be translated to LLVM IR";
    module->setTargetTriple(llvm::Triple(target.triple));
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
      if (!function || function->isDeclaration())
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
    emitLibraryQuery(*module, executable.getSymName(), exports);
    emitMemoryBuiltins(*module);
    emitRoundingBuiltins(*module);

    std::string verifyErrors;
    llvm::raw_string_ostream verifyStream(verifyErrors);
    if (llvm::verifyModule(*module, &verifyStream))
      return variant.emitOpError()
             << "produced invalid LLVM IR: " << verifyErrors;

    optimizeModule(*module, **machine, optLevel);
    if (sink) {
      std::string text;
      llvm::raw_string_ostream os(text);
      module->print(os, nullptr);
      publish(executable, variant, "ll", text);
    }

    std::string object;
    {
      llvm::raw_string_ostream os(object);
      llvm::buffer_ostream bos(os);
      llvm::legacy::PassManager codegen;
      if ((*machine)->addPassesToEmitFile(codegen, bos, nullptr,
                                          llvm::CodeGenFileType::ObjectFile))
        return variant.emitOpError()
               << "target machine cannot emit object files";
      codegen.run(*module);
    }
    publish(executable, variant, "o", object);

    auto library = target::linkSharedLibrary(target.triple, {object});
    if (!library)
      return variant.emitOpError() << llvm::toString(library.takeError());
    publish(executable, variant, "so", *library);

    OpBuilder builder(variant);
    auto bytesType = VectorType::get({static_cast<int64_t>(library->size())},
                                     builder.getIntegerType(8));
    auto data = DenseElementsAttr::getFromRawBuffer(
        bytesType, ArrayRef<char>(library->data(), library->size()));
    hal::ExecutableBinaryOp::create(
        builder, variant.getLoc(), variant.getSymVisibilityAttr(),
        variant.getSymNameAttr(), targetAttr.getFormat(), data,
        builder.getStringAttr("application/x-elf"));
    variant.erase();
    return success();
  }
};

} // namespace

std::unique_ptr<Pass>
mlir::tessera::target::createSerializeExecutablesPass(unsigned optLevel,
                                                      ArtifactSink sink) {
  return std::make_unique<SerializeExecutablesPass>(optLevel, std::move(sink));
}
