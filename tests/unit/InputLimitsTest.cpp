//===- InputLimitsTest.cpp - Deep input refused, never a crash ------------===//
//
// The text limits (nesting, operators per expression), the bytecode check
// on IR built here 100,000 levels deep, the large stack and the child
// process the batch driver isolates inputs in.
//
//===----------------------------------------------------------------------===//

#include "Pipeline/InputLimits.h"
#include "Pipeline/ChildProcess.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/LargeStack.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Threading.h"
#include "gtest/gtest.h"

#include <csignal>

using namespace mlir;
using namespace mlir::tessera;

namespace {

std::string repeat(llvm::StringRef text, unsigned count) {
  std::string out;
  for (unsigned i = 0; i < count; ++i)
    out += text;
  return out;
}

TEST(InputLimits, OrdinaryTextPasses) {
  EXPECT_FALSE(findInputLimitViolation(
      "#map = affine_map<(d0, d1)[s0] -> (d0 * 4 + d1 floordiv 2 - s0 mod 3, "
      "-d1)>\n#set = affine_set<(d0) : (d0 - 1 >= 0, -d0 + 10 >= 0)>\n"
      "func.func @f(%a: tensor<?xf32>) -> (tensor<?xf32>) {\n"
      "  %c = arith.constant dense<[" +
      repeat("-1.0e-5, ", 5000) +
      "-2.0]> : tensor<5001xf32>\n"
      "  return %a : tensor<?xf32>\n}\n"));
  // Many ops of a region, each with a minus: a region restarts the count.
  EXPECT_FALSE(findInputLimitViolation(
      "func.func @f() {\n" +
      repeat("  %c-1 = arith.constant -1 : i32\n", 3000) + "  return\n}\n"));
}

TEST(InputLimits, LongExpressionsAreRefusedAtTheOperatorPastTheLimit) {
  std::string prefix = "#map = affine_map<(d0) -> (";
  auto minus =
      findInputLimitViolation(prefix + std::string(10000, '-') + "d0)>");
  ASSERT_TRUE(minus);
  EXPECT_EQ(minus->offset, prefix.size() + kMaxExpressionOperators);
  EXPECT_EQ(minus->message, "an expression of more than 1024 operators");
  EXPECT_TRUE(
      findInputLimitViolation(prefix + repeat("d0 + ", 200000) + "d0)>"));
  EXPECT_TRUE(
      findInputLimitViolation(prefix + repeat("d0 mod ", 2000) + "d0)>"));
  // Through parentheses the count goes on: the tree is that deep.
  EXPECT_TRUE(findInputLimitViolation(prefix +
                                      repeat("d0 + d0 + d0 + d0 + (", 300) +
                                      "d0" + std::string(300, ')') + ")>"));
  // A comma starts the next expression.
  EXPECT_FALSE(findInputLimitViolation(
      "#map = affine_map<(d0) -> (" + repeat(repeat("d0 + ", 600) + "d0, ", 4) +
      "d0)>"));
}

TEST(InputLimits, NestingIsCountedAsBefore) {
  EXPECT_EQ(findExcessiveNesting(std::string(513, '(')), 512u);
  EXPECT_FALSE(findExcessiveNesting(std::string(512, '[')));
  // `->`, `>=` and brackets in strings and comments are no brackets.
  EXPECT_FALSE(
      findExcessiveNesting(repeat("(d0 >= 0) -> \"((((\" //(((\n", 600)));
  auto deep = findInputLimitViolation(repeat("tuple<", 600));
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->message, "nesting deeper than 512 levels");
}

TEST(InputLimits, AliasChainsNestAsDeepAsTheirValues) {
  // Each alias one level deeper than the last: the value of #a999 is 1000
  // arrays deep though no line nests.
  std::string chain = "#a0 = [1]\n";
  for (int i = 1; i < 1000; ++i)
    chain +=
        "#a" + std::to_string(i) + " = [#a" + std::to_string(i - 1) + "]\n";
  auto deep = findInputLimitViolation(chain);
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->message, "nesting deeper than 512 levels");
  // #aK is K + 1 arrays deep: refused at the use of #a511 in the
  // definition of #a512 (513 levels).
  EXPECT_EQ(chain.substr(deep->offset, 6), "#a511]");
  // Many aliases used side by side are not deep.
  std::string wide;
  for (int i = 0; i < 2000; ++i)
    wide += "#m" + std::to_string(i) + " = affine_map<(d0) -> (d0 + " +
            std::to_string(i) + ")>\n";
  wide += "func.func @f() attributes {maps = [";
  for (int i = 0; i < 2000; ++i)
    wide += "#m" + std::to_string(i) + ", ";
  wide += "#m0]} {\n  return\n}\n";
  EXPECT_FALSE(findInputLimitViolation(wide));
}

/// `depth` modules, one inside the other, built without recursion.
OwningOpRef<ModuleOp> nestedModules(MLIRContext &context, unsigned depth) {
  OpBuilder builder(&context);
  Location loc = FileLineColLoc::get(&context, "nested.mlir", 3, 5);
  OwningOpRef<ModuleOp> top = ModuleOp::create(loc);
  ModuleOp current = *top;
  for (unsigned i = 1; i < depth; ++i) {
    builder.setInsertionPointToEnd(current.getBody());
    current = ModuleOp::create(builder, loc);
  }
  return top;
}

TEST(InputLimits, DeepIRIsFoundAndErasedWithoutRecursion) {
  MLIRContext context;
  OwningOpRef<ModuleOp> top = nestedModules(context, 100000);
  Operation *deep = findExcessiveNesting(top->getOperation());
  ASSERT_TRUE(deep);
  unsigned depth = 0;
  for (Operation *op = deep; op->getParentOp(); op = op->getParentOp())
    ++depth;
  EXPECT_EQ(depth, kMaxNestingDepth + 1);
  // On this thread's ordinary stack: the destructors would recurse 100,000
  // levels.
  eraseWithoutRecursion(top.release());
  OwningOpRef<ModuleOp> shallow = nestedModules(context, 100);
  EXPECT_FALSE(findExcessiveNesting(shallow->getOperation()));
}

TEST(InputLimits, DeepBytecodeIsRefusedWithALocatedError) {
  std::string bytes;
  {
    MLIRContext context;
    OwningOpRef<ModuleOp> top = nestedModules(context, 20000);
    llvm::raw_string_ostream os(bytes);
    // The writer recurses: it runs on the large stack.
    runOnLargeStack(
        [&] { ASSERT_TRUE(succeeded(writeBytecodeToFile(*top, os))); });
    eraseWithoutRecursion(top.release());
  }
  ASSERT_TRUE(isBytecode(bytes));
  CompileSession session;
  EXPECT_TRUE(failed(session.loadBuffer(bytes, "deep.mlirbc")));
  ASSERT_EQ(session.getDiagnostics().size(), 1u);
  EXPECT_EQ(session.getDiagnostics()[0].format(),
            "nested.mlir:3:5: error: nesting deeper than 512 levels; the input "
            "is refused");
}

// Bytecode stores nested attributes without recursion in the file; the
// printer would recurse through all 20,000 levels.
TEST(InputLimits, DeepAttributesInBytecodeAreRefused) {
  std::string bytes;
  {
    MLIRContext context;
    Attribute deep = IntegerAttr::get(IntegerType::get(&context, 32), 1);
    for (int i = 0; i < 20000; ++i)
      deep = ArrayAttr::get(&context, {deep});
    OwningOpRef<ModuleOp> module =
        ModuleOp::create(FileLineColLoc::get(&context, "attrs.mlir", 2, 1));
    (*module)->setAttr("deep", deep);
    llvm::raw_string_ostream os(bytes);
    runOnLargeStack(
        [&] { ASSERT_TRUE(succeeded(writeBytecodeToFile(*module, os))); });
  }
  CompileSession session;
  EXPECT_TRUE(failed(session.loadBuffer(bytes, "attrs.mlirbc")));
  ASSERT_EQ(session.getDiagnostics().size(), 1u);
  EXPECT_EQ(session.getDiagnostics()[0].format(),
            "attrs.mlir:2:1: error: nesting deeper than 512 levels; the input "
            "is refused");
}

TEST(LargeStack, RunsOnALargeStackAndInlineThere) {
  EXPECT_FALSE(isOnLargeStack());
  bool inner = false, nested = false;
  runOnLargeStack([&] {
    inner = isOnLargeStack();
    // Already large: inline, on this very thread.
    auto self = llvm::get_threadid();
    runOnLargeStack([&] { nested = llvm::get_threadid() == self; });
  });
  EXPECT_TRUE(inner);
  EXPECT_TRUE(nested);
}

TEST(ChildProcess, ReturnsTheWorkOrHowTheChildEnded) {
  ChildOutcome done =
      runInChildProcess([] { return std::string(1 << 20, 'x'); });
  ASSERT_TRUE(done.output);
  EXPECT_EQ(done.output->size(), 1u << 20);
  ChildOutcome crashed = runInChildProcess([]() -> std::string {
    std::signal(SIGSEGV, SIG_DFL);
    std::raise(SIGSEGV);
    return "never";
  });
  EXPECT_FALSE(crashed.output);
  EXPECT_EQ(crashed.signal, SIGSEGV);
  EXPECT_EQ(crashed.describe().rfind("signal 11", 0), 0u);
}

} // namespace
