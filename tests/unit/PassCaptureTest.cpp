//===- PassCaptureTest.cpp - The recorded pass list of a compilation ------===//

#include "Pipeline/CompileSession.h"

#include "gtest/gtest.h"

#include <set>

using namespace mlir::tessera;

namespace {

std::vector<PassRecord> compileAndCapture(const CompileOptions &options) {
  CompileSession session;
  EXPECT_TRUE(
      mlir::succeeded(session.loadFile(TESSERA_EXAMPLES_DIR "/mlp.mlir")));
  std::vector<PassRecord> streamed;
  EXPECT_TRUE(mlir::succeeded(session.compile(
      options, [&](const PassRecord &record) { streamed.push_back(record); })));
  // The observer sees exactly what is recorded.
  EXPECT_EQ(streamed.size(), session.getPassRecords().size());
  return session.getPassRecords();
}

const PassRecord *findFirst(const std::vector<PassRecord> &records,
                            const std::string &argumentPrefix) {
  for (const PassRecord &record : records)
    if (record.passArgument.rfind(argumentPrefix, 0) == 0)
      return &record;
  return nullptr;
}

TEST(PassCapture, RecordsEveryPassInPhaseOrder) {
  CompileOptions options;
  options.cpu = "generic";
  options.cpuFeatures = "";
  std::vector<PassRecord> records = compileAndCapture(options);
  ASSERT_FALSE(records.empty());

  // Phases appear in pipeline order and indices are dense.
  std::vector<std::string> phaseOrder = {"input", "global-opt", "flow",
                                         "hal",   "codegen",    "link",
                                         "host",  "serialize",  "loader"};
  size_t phasePosition = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].index, i);
    while (phasePosition < phaseOrder.size() &&
           phaseOrder[phasePosition] != records[i].phase)
      ++phasePosition;
    ASSERT_LT(phasePosition, phaseOrder.size())
        << "phase " << records[i].phase << " out of order at " << i;
    ASSERT_TRUE(records[i].irAfter) << records[i].passArgument;
    EXPECT_FALSE(records[i].irAfter->str().empty()) << records[i].passArgument;
    EXPECT_FALSE(records[i].passName.empty());
    EXPECT_GE(records[i].wallMs, 0.0);
  }

  // The first pass only checks the input: it runs on the module and changes
  // nothing.
  EXPECT_EQ(records.front().passArgument, "tessera-verify-input-legality");
  EXPECT_EQ(records.front().anchorOpName, "builtin.module");
  EXPECT_FALSE(records.front().changed);

  const PassRecord *form = findFirst(records, "tessera-flow-form-dispatches");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->phase, "flow");
  EXPECT_TRUE(form->changed);
  EXPECT_NE(form->irAfter->str().find("flow.dispatch"), std::string::npos);

  const PassRecord *materialize =
      findFirst(records, "tessera-hal-materialize-interfaces");
  ASSERT_NE(materialize, nullptr);
  EXPECT_TRUE(materialize->changed);
  EXPECT_NE(materialize->irAfter->str().find("hal.executable.variant"),
            std::string::npos);

  // Codegen passes run once per variant, nested under their executable.
  std::set<std::string> tiledAnchors;
  for (const PassRecord &record : records)
    if (llvm::StringRef(record.passArgument)
            .starts_with("tessera-codegen-tile-and-distribute-to-workgroups")) {
      EXPECT_EQ(record.anchorOpName, "hal.executable.variant");
      EXPECT_EQ(record.depth, 2u);
      EXPECT_NE(record.nesting.find("hal.executable @predict_dispatch_"),
                std::string::npos);
      EXPECT_TRUE(record.changed);
      tiledAnchors.insert(record.nesting);
    }
  EXPECT_EQ(tiledAnchors.size(), 2u);

  const PassRecord *serialize = findFirst(records, "tessera-llvmcpu-serialize");
  ASSERT_NE(serialize, nullptr);
  EXPECT_TRUE(serialize->changed);
  EXPECT_NE(serialize->irAfter->str().find("hal.executable.binary"),
            std::string::npos);
}

TEST(PassCapture, UnchangedPassesShareTheirSnapshot) {
  CompileOptions options;
  options.compileTo = Phase::Flow;
  std::vector<PassRecord> records = compileAndCapture(options);
  // CSE after canonicalize in the flow phase finds nothing new on the
  // already-clean module: its snapshot is the previous one, not a copy.
  for (size_t i = 1; i < records.size(); ++i) {
    if (!records[i].changed &&
        records[i].anchorOpName == records[i - 1].anchorOpName &&
        records[i].nesting == records[i - 1].nesting) {
      EXPECT_EQ(records[i].irAfter.get(), records[i - 1].irAfter.get());
    }
  }
}

TEST(PassCapture, BeforeIsTheAnchorAsThePassFoundIt) {
  CompileOptions options;
  options.compileTo = Phase::Link;
  std::vector<PassRecord> records = compileAndCapture(options);
  ASSERT_FALSE(records.empty());
  // The first pass sees the parsed input.
  ASSERT_TRUE(records.front().irBefore);
  EXPECT_NE(records.front().irBefore->str().find("linalg.matmul"),
            std::string::npos);
  // Two passes in a row on one anchor: the second starts from what the
  // first left; an unchanged pass leaves its input as it was.
  for (size_t i = 1; i < records.size(); ++i) {
    const PassRecord &record = records[i];
    ASSERT_TRUE(record.irBefore && record.irAfter);
    if (!record.changed) {
      EXPECT_EQ(record.irBefore.get(), record.irAfter.get());
    }
    if (records[i - 1].nesting == record.nesting) {
      EXPECT_EQ(records[i - 1].irAfter->str(), record.irBefore->str())
          << record.passArgument;
    }
  }
  // A pass on the module after codegen sees what the nested codegen
  // pipelines did to the variants, not the module as the last module-level
  // pass left it.
  const PassRecord *link = findFirst(records, "tessera-hal-link-executables");
  ASSERT_TRUE(link);
  EXPECT_NE(link->irBefore->str().find("llvm.func"), std::string::npos);
  // The first codegen pass on a variant starts from the variant as the hal
  // phase made it.
  for (const PassRecord &record : records)
    if (record.phase == "codegen" &&
        record.anchorOpName == "hal.executable.variant") {
      EXPECT_NE(record.irBefore->str().find("hal.executable.variant"),
                std::string::npos);
      break;
    }
}

TEST(PassCapture, SnapshotsSharePiecesPerTopLevelOp) {
  CompileOptions options;
  options.compileTo = Phase::HAL;
  std::vector<PassRecord> records = compileAndCapture(options);
  const PassRecord *form = findFirst(records, "tessera-flow-form-dispatches");
  const PassRecord *materialize =
      findFirst(records, "tessera-hal-materialize-interfaces");
  ASSERT_TRUE(form && materialize);
  // One piece per top-level op, named by its symbol, joined back losslessly.
  const CapturedIR &flow = *form->irAfter;
  ASSERT_TRUE(flow.findPiece("predict"));
  ASSERT_TRUE(flow.findPiece("predict_dispatch_0"));
  std::string joined;
  for (const CapturedIR::Piece &piece : flow.pieces)
    joined += *piece.text;
  EXPECT_EQ(joined, flow.str());
  EXPECT_EQ(flow.size, joined.size());
  EXPECT_TRUE(llvm::StringRef(*flow.findPiece("predict")->text)
                  .ltrim()
                  .starts_with("func.func @predict"));

  // Materializing interfaces rewrites the executables and the dispatch
  // sites: every piece changed. The canonicalizer after it leaves the
  // function as it was: that piece is the same string, not a copy.
  EXPECT_TRUE(CapturedIR::pieceChanged(*materialize->irBefore,
                                       *materialize->irAfter, "predict"));
  for (size_t i = materialize->index + 1; i < records.size(); ++i) {
    const PassRecord &record = records[i];
    if (record.depth != 0 ||
        CapturedIR::pieceChanged(*record.irBefore, *record.irAfter, "predict"))
      continue;
    EXPECT_EQ(record.irBefore->findPiece("predict")->text.get(),
              record.irAfter->findPiece("predict")->text.get());
  }
}

TEST(PassCapture, PrintedOpsPointAtTheirSource) {
  CompileOptions options;
  options.compileTo = Phase::Flow;
  std::vector<PassRecord> records = compileAndCapture(options);
  const CapturedIR &input = *records.front().irBefore;
  ASSERT_FALSE(input.sources.empty());
  std::vector<std::string> lines;
  {
    std::string text = input.str();
    size_t start = 0;
    for (size_t end; (end = text.find('\n', start)) != std::string::npos;
         start = end + 1)
      lines.push_back(text.substr(start, end - start));
  }
  // examples/mlp.mlir: the first linalg.matmul is on line 17, column 9.
  bool found = false;
  for (const IRSourceLine &source : input.sources) {
    ASSERT_LT(source.irLine, lines.size());
    if (source.sourceLine == 17) {
      EXPECT_NE(lines[source.irLine].find("linalg.matmul"), std::string::npos)
          << lines[source.irLine];
      EXPECT_EQ(source.sourceColumn, 9u);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(std::is_sorted(input.sources.begin(), input.sources.end(),
                             [](const IRSourceLine &a, const IRSourceLine &b) {
                               return a.irLine < b.irLine;
                             }));
}

TEST(PassCapture, StopsAtTheRequestedPhase) {
  CompileOptions options;
  options.compileTo = Phase::HAL;
  std::vector<PassRecord> records = compileAndCapture(options);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.back().phase, "hal");
  for (const PassRecord &record : records)
    EXPECT_NE(record.phase, "codegen");
}

TEST(PassCapture, CanSkipIRSnapshots) {
  CompileOptions options;
  options.compileTo = Phase::Flow;
  options.captureIR = false;
  std::vector<PassRecord> records = compileAndCapture(options);
  ASSERT_FALSE(records.empty());
  for (const PassRecord &record : records)
    EXPECT_FALSE(record.irAfter);
}

} // namespace

TEST(PassCapture, CancelStopsBetweenPhasesAndAfterPhaseSeesEachPhase) {
  CompileSession session;
  ASSERT_TRUE(
      mlir::succeeded(session.loadFile(TESSERA_EXAMPLES_DIR "/mlp.mlir")));
  std::atomic<bool> cancel{false};
  std::vector<Phase> seen;
  CompileOptions options;
  options.cancel = &cancel;
  // Cancelled after the flow phase: nothing of hal and later runs.
  options.afterPhase = [&](Phase phase, mlir::ModuleOp) {
    seen.push_back(phase);
    if (phase == Phase::Flow)
      cancel = true;
  };
  EXPECT_TRUE(mlir::failed(session.compile(options)));
  EXPECT_TRUE(session.wasCancelled());
  EXPECT_EQ(seen,
            (std::vector<Phase>{Phase::Input, Phase::GlobalOpt, Phase::Flow}));
  for (const PassRecord &record : session.getPassRecords())
    EXPECT_NE(record.phase, "hal") << record.passArgument;
}

// A cancel in the middle of a phase skips that phase's remaining passes:
// the phase never completes (no afterPhase for it), nothing later runs,
// and no module is built from the half-lowered IR.
TEST(PassCapture, CancelSkipsTheRestOfTheRunningPhase) {
  CompileSession session;
  // One thread: with several, another executable's pass may already be
  // running (and change its IR) when the cancel is set; under load that
  // made this test flaky.
  session.getContext().disableMultithreading();
  ASSERT_TRUE(
      mlir::succeeded(session.loadFile(TESSERA_EXAMPLES_DIR "/mlp.mlir")));
  std::atomic<bool> cancel{false};
  std::vector<Phase> seen;
  CompileOptions options;
  options.cancel = &cancel;
  options.buildModule = true;
  // compile() sets the context's threading from the options.
  options.multithreaded = false;
  options.afterPhase = [&](Phase phase, mlir::ModuleOp) {
    seen.push_back(phase);
  };
  // Passes after the cancel do not run: none of them changes the IR.
  unsigned changedAfterCancel = 0;
  auto observer = [&](const PassRecord &record) {
    if (cancel && record.changed)
      ++changedAfterCancel;
    if (record.phase == "codegen")
      cancel = true;
  };
  EXPECT_TRUE(mlir::failed(session.compile(options, observer)));
  EXPECT_TRUE(session.wasCancelled());
  EXPECT_EQ(seen, (std::vector<Phase>{Phase::Input, Phase::GlobalOpt,
                                      Phase::Flow, Phase::HAL}));
  EXPECT_TRUE(session.getModuleBytes().empty());
  EXPECT_EQ(changedAfterCancel, 0u);
  for (const PassRecord &record : session.getPassRecords())
    EXPECT_NE(record.phase, "link") << record.passArgument;
}
