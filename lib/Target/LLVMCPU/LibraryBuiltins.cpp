//===- LibraryBuiltins.cpp - What every executable library defines --------===//

#include "Target/LLVMCPU/LibraryBuiltins.h"

#include "tessera/executable_library.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <cstddef>

namespace mlir::tessera::target {

using llvm::ArrayRef;
using llvm::SmallVector;
using llvm::StringRef;

llvm::Function *emitLibraryQuery(llvm::Module &module, StringRef libraryName,
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
  // Exported as data too: the runtime reads the table without running any
  // of the library's code.
  auto *libraryValue = llvm::ConstantStruct::get(
      libraryType, {b.getInt32(TESSERA_EXECUTABLE_LIBRARY_VERSION_0),
                    b.getInt32(exports.size()),
                    cString(libraryName, "__tessera_library_name"),
                    functionTable, nameTable});
  auto *library =
      new llvm::GlobalVariable(module, libraryType, /*isConstant=*/true,
                               llvm::GlobalValue::ExternalLinkage, libraryValue,
                               TESSERA_EXECUTABLE_LIBRARY_V0_NAME);
  library->setVisibility(llvm::GlobalValue::DefaultVisibility);

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
  return query;
}

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
    auto *function = llvm::cast<llvm::Function>(callee.getCallee());
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
    auto *memmove = llvm::cast<llvm::Function>(
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

void emitRoundingBuiltins(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::IRBuilder<> b(ctx);
  auto *f32 = b.getFloatTy();
  auto define = [&](StringRef name, bool ceil) {
    auto *type = llvm::FunctionType::get(f32, {f32}, false);
    auto *function = llvm::cast<llvm::Function>(
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

} // namespace mlir::tessera::target
