//===- MaterializeExecutables.cpp - Executables to loaded globals ---------===//
//
// After serialization an executable is a list of binaries. Here it becomes
// a global whose initializer is a chain of tries, one per binary in order:
//
//   ^try_i:  %ok = query_support format(F_i) [and the binary's condition]
//            cond_br %ok, ^load_i, ^try_{i+1} (or ^fail after the last)
//   ^load_i: %exe = load format(F_i) data(hal.buffer.constant of the bytes)
//            hal_loader.return %exe
//   ^fail:   hal_loader.fail "no binary of @ex can be loaded ..."
//
// so the runtime loads exactly one binary, the first it can use.
//
//===----------------------------------------------------------------------===//

#include "Dialect/HALLoader/Transforms/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::tessera::hal_loader {

#define GEN_PASS_DEF_MATERIALIZEEXECUTABLESPASS
#include "Dialect/HALLoader/Transforms/Passes.h.inc"

namespace {

/// Emits the binary's condition at the end of `block` and returns its i1.
FailureOr<Value> emitCondition(OpBuilder &builder,
                               hal::ExecutableBinaryOp binary, Value device) {
  Region &condition = binary.getCondition();
  if (!condition.hasOneBlock())
    return binary.emitOpError("condition must be a single block to be "
                              "checked at load");
  IRMapping mapping;
  mapping.map(condition.front().getArgument(0), device);
  for (Operation &op : condition.front()) {
    if (auto ret = dyn_cast<hal::ReturnOp>(op))
      return mapping.lookupOrDefault(ret.getOperand(0));
    builder.clone(op, mapping);
  }
  return binary.emitOpError("condition has no hal.return");
}

LogicalResult materialize(hal::ExecutableOp executable) {
  auto binaries = llvm::to_vector(executable.getOps<hal::ExecutableBinaryOp>());
  if (!executable.getOps<hal::ExecutableVariantOp>().empty())
    return executable.emitOpError(
        "still has variants: serialize it before materializing");
  Location loc = executable.getLoc();
  OpBuilder builder(executable);
  MLIRContext *ctx = executable.getContext();
  auto global = ExecutableGlobalOp::create(builder, loc,
                                           executable.getSymVisibilityAttr(),
                                           executable.getSymNameAttr());
  Region &initializer = global.getInitializer();

  SmallVector<Block *> tryBlocks, loadBlocks;
  for (size_t i = 0; i < binaries.size(); ++i) {
    tryBlocks.push_back(builder.createBlock(&initializer, initializer.end()));
    loadBlocks.push_back(builder.createBlock(&initializer, initializer.end()));
  }
  Block *failBlock = builder.createBlock(&initializer, initializer.end());
  std::string message = ("no binary of @" + executable.getSymName() +
                         " can be loaded on this "
                         "device")
                            .str();
  if (binaries.empty())
    message += ": it has none";
  for (auto [index, binary] : llvm::enumerate(binaries))
    message +=
        (index ? ", @" : ": @") + binary.getSymName().str() + " (" +
        binary.getFormat().str() +
        (binary.getCondition().empty() ? "" : ", if its condition holds") + ")";
  FailOp::create(builder, loc, builder.getStringAttr(message));

  for (auto [index, binary] : llvm::enumerate(binaries)) {
    Location binaryLoc = binary.getLoc();
    builder.setInsertionPointToEnd(tryBlocks[index]);
    Value usable = ExecutableQuerySupportOp::create(
        builder, binaryLoc, builder.getI1Type(), binary.getFormatAttr());
    if (!binary.getCondition().empty()) {
      Value device = hal::DeviceLocalOp::create(builder, binaryLoc,
                                                hal::DeviceType::get(ctx));
      FailureOr<Value> holds = emitCondition(builder, binary, device);
      if (failed(holds))
        return failure();
      usable = arith::AndIOp::create(builder, binaryLoc, usable, *holds);
    }
    Block *next =
        index + 1 < binaries.size() ? tryBlocks[index + 1] : failBlock;
    cf::CondBranchOp::create(builder, binaryLoc, usable, loadBlocks[index],
                             ValueRange(), next, ValueRange());

    builder.setInsertionPointToEnd(loadBlocks[index]);
    Value data = hal::BufferConstantOp::create(
        builder, binaryLoc, hal::BufferType::get(ctx), binary.getSymNameAttr(),
        binary.getData(), builder.getIndexAttr(64), binary.getMimeTypeAttr());
    Value loaded = ExecutableLoadOp::create(
        builder, binaryLoc, hal::ExecutableType::get(ctx),
        binary.getFormatAttr(), data, ValueRange());
    ReturnOp::create(builder, binaryLoc, loaded);
  }
  executable.erase();
  return success();
}

struct MaterializeExecutablesPass
    : public impl::MaterializeExecutablesPassBase<MaterializeExecutablesPass> {
  void runOnOperation() override {
    for (auto executable :
         llvm::make_early_inc_range(getOperation().getOps<hal::ExecutableOp>()))
      if (failed(materialize(executable)))
        return signalPassFailure();
  }
};

} // namespace

} // namespace mlir::tessera::hal_loader
