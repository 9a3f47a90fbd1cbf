//===- ExplorerBench.cpp - Pass switching and diffs on a large program ----===//
//
// tessera-explorer-bench [--lines=20000] [--switches=200] [--dispatches=300]
//                        [--model=resnet50.mlir]
//
// Generates a program of about --lines lines (functions of elementwise
// tensor ops, one dispatch each), opens it in the real explorer window
// (offscreen) and times, in one run:
//   - switching pass: selectPass + a synchronous repaint of the IR view,
//     against a reference that shows the same text in a QPlainTextEdit
//     highlighted by a QSyntaxHighlighter (the plain Qt way);
//   - switching pass in the diff view (diff + both views), against GNU
//     `diff -u` of the same two texts;
//   - the memory of the IR snapshots, against storing each snapshot's text;
//   - comparing with the same program compiled for another triple: pairing
//     the pass lists, and switching rows whose module-level IR differs,
//     against GNU `diff -u` of the two texts;
//   - the dispatch graph of a generated chain of --dispatches matmuls with
//     residual edges: layout and drawing, against the compile to flow;
//   - with --model, opening that model: its first IR on screen and the
//     whole compile shown, against `tessera compile` of the same file.
//
//===----------------------------------------------------------------------===//

#include "CompareView.h"
#include "DiffView.h"
#include "DispatchGraphView.h"
#include "IRView.h"
#include "MLIRSyntax.h"
#include "MainWindow.h"
#include "PassAlignment.h"

#include <QApplication>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QGraphicsView>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSyntaxHighlighter>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <set>

using namespace tessera::explorer;
using mlir::tessera::CapturedIR;
using mlir::tessera::PassRecord;

namespace {

using Clock = std::chrono::steady_clock;

double millisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start)
      .count();
}

struct Stats {
  double median = 0, p95 = 0, max = 0;
};

Stats summarize(std::vector<double> samples) {
  Stats stats;
  if (samples.empty())
    return stats;
  std::sort(samples.begin(), samples.end());
  stats.median = samples[samples.size() / 2];
  stats.p95 = samples[std::min(samples.size() - 1, samples.size() * 95 / 100)];
  stats.max = samples.back();
  return stats;
}

std::string generateProgram(int lines) {
  static const char *ops[] = {"arith.addf", "arith.mulf", "arith.subf",
                              "arith.maximumf"};
  const int perFunction = 396;
  int functions = std::max(1, lines / (perFunction + 3));
  std::string text;
  for (int f = 0; f < functions; ++f) {
    text += "func.func @layer_" + std::to_string(f) +
            "(%x: tensor<256xf32>, %y: tensor<256xf32>) -> tensor<256xf32> "
            "{\n";
    std::string previous = "%x";
    for (int i = 0; i < perFunction; ++i) {
      std::string value = "%v" + std::to_string(i);
      text += "  " + value + " = " + ops[(i + f) % 4] + " " + previous +
              (i % 3 ? ", %y" : ", %x") + " : tensor<256xf32>\n";
      previous = value;
    }
    text += "  return " + previous + " : tensor<256xf32>\n}\n";
  }
  return text;
}

/// `count` matmuls, each reading the previous result and every third also
/// the result three back: each is its own dispatch.
std::string generateResidualChain(int count) {
  std::string type = "tensor<16x16xf32>";
  std::string text = "func.func @chain(%x: " + type + ", %w: " + type +
                     ") -> " + type + " {\n  %zero = arith.constant 0.0 : " +
                     "f32\n  %e = tensor.empty() : " + type +
                     "\n  %f = linalg.fill ins(%zero : f32) outs(%e : " + type +
                     ") -> " + type + "\n";
  for (int i = 0; i < count; ++i) {
    std::string in = i == 0 ? "%x" : "%v" + std::to_string(i - 1);
    std::string other =
        i >= 3 && i % 3 == 0 ? "%v" + std::to_string(i - 3) : std::string("%w");
    text += "  %v" + std::to_string(i) + " = linalg.matmul ins(" + in + ", " +
            other + " : " + type + ", " + type + ") outs(%f : " + type +
            ") -> " + type + "\n";
  }
  return text + "  return %v" + std::to_string(count - 1) + " : " + type +
         "\n}\n";
}

bool writeFile(const QString &path, const std::string &text) {
  QFile file(path);
  return file.open(QIODevice::WriteOnly) &&
         file.write(QByteArray::fromStdString(text)) == qint64(text.size());
}

/// Times GNU diff -u of two texts (files written beforehand).
double timeGnuDiff(const QTemporaryDir &dir, const std::string &a,
                   const std::string &b) {
  QString before = dir.filePath("before.mlir"),
          after = dir.filePath("after.mlir");
  if (!writeFile(before, a) || !writeFile(after, b))
    return -1;
  auto start = Clock::now();
  QProcess process;
  process.setStandardOutputFile(QProcess::nullDevice());
  process.start("diff", {"-u", before, after});
  process.waitForFinished(-1);
  return millisecondsSince(start);
}

/// The reference highlighter: Qt's QSyntaxHighlighter, which formats the
/// whole document whenever it is set.
class ReferenceHighlighter : public QSyntaxHighlighter {
public:
  using QSyntaxHighlighter::QSyntaxHighlighter;

protected:
  void highlightBlock(const QString &text) override {
    for (const SyntaxToken &token : lexMLIRLine(text)) {
      QTextCharFormat format;
      format.setForeground(QColor::fromHsv(int(token.kind) * 30, 200, 160));
      setFormat(token.start, token.length, format);
    }
  }
};

bool waitForCompile(MainWindow &window) {
  QEventLoop loop;
  QObject::connect(&window, &MainWindow::compileShown, &loop,
                   &QEventLoop::quit);
  QTimer::singleShot(600000, &loop, &QEventLoop::quit);
  loop.exec();
  return window.outcome() != nullptr;
}

/// Opens `path` in a fresh window at 1280x800 and times what a user waits
/// for: its first pass's IR on screen, and the whole compile shown; beside
/// it the CLI's compile of the same file (`tessera compile`), in the same
/// run.
int openModel(const QString &path) {
  MainWindow window;
  window.resize(1280, 800);
  window.show();
  QApplication::processEvents();
  double firstIRMs = -1;
  auto start = Clock::now();
  QTimer poll;
  QObject::connect(&poll, &QTimer::timeout, [&] {
    if (firstIRMs < 0 && window.irView()->lineCount() > 1)
      firstIRMs = millisecondsSince(start);
  });
  poll.start(5);
  window.openFile(path);
  if (!waitForCompile(window) || !window.outcome()->succeeded) {
    std::fprintf(stderr, "explorer-bench: the compile of %s failed\n",
                 qPrintable(path));
    return 1;
  }
  double shownMs = millisecondsSince(start);
  if (firstIRMs < 0)
    firstIRMs = shownMs;
  // Following one op (the first convolution, else the first op line)
  // through every pass.
  int followLine = 0;
  for (int i = 0; i < window.sourceView()->lineCount() && !followLine; ++i)
    if (window.sourceView()->lineText(i).contains("linalg.conv_2d"))
      followLine = i + 1;
  auto followStart = Clock::now();
  window.followSourceLine(followLine ? followLine : 1);
  double followMs = millisecondsSince(followStart);
  QTemporaryDir dir;
  QProcess cli;
  cli.setProcessChannelMode(QProcess::ForwardedErrorChannel);
  auto cliStart = Clock::now();
  cli.start(QCoreApplication::applicationDirPath() + "/tessera",
            {"compile", path, "-o", dir.filePath("model.tsm")});
  cli.waitForFinished(-1);
  double cliMs = millisecondsSince(cliStart);
  bool cliOk = cli.exitStatus() == QProcess::NormalExit && cli.exitCode() == 0;
  std::printf("\nopen %s (%zu passes, %zu dispatches) at 1280x800:\n"
              "| measure | ms | `tessera compile` ms | ratio |\n"
              "|---|---|---|---|\n"
              "| open to its first IR shown | %.0f | %s | %.2f |\n"
              "| open to the whole compile shown | %.0f | | %.2f |\n"
              "| follow one op through every pass (%zu changed it) | %.0f | "
              "| |\n",
              qPrintable(QFileInfo(path).fileName()),
              window.outcome()->records.size(),
              window.outcome()->dispatches.size(), firstIRMs,
              cliOk ? qPrintable(QString::number(cliMs, 'f', 0)) : "failed",
              firstIRMs / cliMs, shownMs, shownMs / cliMs,
              window.followedPasses().size(), followMs);
  return cliOk ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
    qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  int lines = 20000, switches = 200, dispatchCount = 300;
  // A model to open as a user would (ResNet-50): after the rest.
  QString modelPath;
  for (int i = 1; i < argc; ++i) {
    QString arg = argv[i];
    if (arg.startsWith("--lines="))
      lines = arg.mid(8).toInt();
    else if (arg.startsWith("--switches="))
      switches = arg.mid(11).toInt();
    else if (arg.startsWith("--dispatches="))
      dispatchCount = arg.mid(13).toInt();
    else if (arg.startsWith("--model="))
      modelPath = arg.mid(8);
  }
  QTemporaryDir dir;
  QString path = dir.filePath("program.mlir");
  if (!writeFile(path, generateProgram(lines)))
    return 2;

  MainWindow window;
  window.resize(1500, 900);
  window.show();
  auto compileStart = Clock::now();
  window.openFile(path);
  if (!waitForCompile(window) || !window.outcome()->succeeded) {
    std::fprintf(stderr, "explorer-bench: the compile failed\n");
    return 1;
  }
  double compileMs = millisecondsSince(compileStart);
  auto outcome = window.outcome();
  const auto &records = outcome->records;

  // Which passes to switch to: every module-level pass (their IR is the
  // whole program) and a random sample of the nested ones.
  std::vector<int> moduleLevel, nested;
  for (const PassRecord &record : records)
    (record.depth == 0 ? moduleLevel : nested).push_back(record.index);
  std::mt19937 random(42);
  std::shuffle(nested.begin(), nested.end(), random);
  std::vector<int> order = moduleLevel;
  for (int index : nested)
    if (int(order.size()) < switches)
      order.push_back(index);
  std::shuffle(order.begin(), order.end(), random);

  // Switching pass in the IR view.
  window.showView("passes");
  std::vector<double> switchModule, switchNested;
  for (int index : order) {
    auto start = Clock::now();
    window.selectPass(index);
    window.irView()->viewport()->repaint();
    (records[index].depth == 0 ? switchModule : switchNested)
        .push_back(millisecondsSince(start));
  }
  // Reference: the same module-level texts in a QPlainTextEdit with a
  // QSyntaxHighlighter.
  QPlainTextEdit reference;
  reference.setReadOnly(true);
  reference.setLineWrapMode(QPlainTextEdit::NoWrap);
  reference.resize(window.irView()->size());
  reference.show();
  ReferenceHighlighter highlighter(reference.document());
  std::vector<double> referenceSwitch;
  size_t largestText = 0;
  for (int index : moduleLevel) {
    std::string text = records[index].irAfter->str();
    largestText = std::max(largestText, text.size());
    auto start = Clock::now();
    reference.setPlainText(QString::fromStdString(text));
    reference.viewport()->repaint();
    referenceSwitch.push_back(millisecondsSince(start));
  }

  // Switching pass in the diff view, on the passes that changed the IR.
  window.showView("diff");
  std::vector<double> diffModule, diffNested, gnuDiff, diffCompute;
  int diffedLines = 0;
  for (int index : order) {
    if (!records[index].changed)
      continue;
    auto start = Clock::now();
    window.selectPass(index);
    window.diffView()->unifiedView()->viewport()->repaint();
    (records[index].depth == 0 ? diffModule : diffNested)
        .push_back(millisecondsSince(start));
    if (records[index].depth != 0)
      continue;
    auto computeStart = Clock::now();
    auto computed = mlir::tessera::diffSnapshots(*records[index].irBefore,
                                                 *records[index].irAfter);
    diffCompute.push_back(millisecondsSince(computeStart));
    diffedLines = std::max(diffedLines, window.diffView()->addedLines() +
                                            window.diffView()->removedLines());
    // Reference: GNU diff on the same texts.
    gnuDiff.push_back(timeGnuDiff(dir, records[index].irBefore->str(),
                                  records[index].irAfter->str()));
  }

  // Memory of the snapshots: distinct piece strings vs one text per
  // snapshot.
  std::set<const std::string *> pieces;
  size_t pieceBytes = 0, naiveBytes = 0;
  std::set<const CapturedIR *> snapshots;
  for (const PassRecord &record : records)
    for (const CapturedIR *ir : {record.irBefore.get(), record.irAfter.get()})
      if (ir && snapshots.insert(ir).second) {
        naiveBytes += ir->size;
        for (const CapturedIR::Piece &piece : ir->pieces)
          if (pieces.insert(piece.text.get()).second)
            pieceBytes += piece.text->size();
      }
  // What storing every record's after-text would cost (no sharing at all).
  size_t perRecordBytes = 0;
  for (const PassRecord &record : records)
    perRecordBytes += record.irAfter ? record.irAfter->size : 0;

  // Compare with the program compiled for another triple: every
  // executable's codegen differs.
  window.pinForComparison();
  auto pinned = outcome;
  CompileRequest other = window.currentRequest();
  other.targetTriple = "aarch64-unknown-linux-gnu";
  window.setRequestTemplate(other);
  window.compile();
  if (!waitForCompile(window) || !window.outcome()->succeeded) {
    std::fprintf(stderr, "explorer-bench: the aarch64 compile failed\n");
    return 1;
  }
  auto second = window.outcome();
  CompareView *compare = window.compareView();
  auto alignStart = Clock::now();
  compare->setRight(second);
  double alignMs = millisecondsSince(alignStart);
  window.showView("compare");
  std::vector<double> compareSwitch, compareGnu;
  size_t differing = 0;
  for (size_t row = 0; row < compare->rows().size(); ++row) {
    const AlignedPass &pair = compare->rows()[row];
    differing += pair.irDiffers;
    if (!pair.irDiffers || pinned->records[pair.left].depth != 0)
      continue;
    auto start = Clock::now();
    compare->selectRightRecord(pair.right);
    compare->diffView()->rightView()->viewport()->repaint();
    compareSwitch.push_back(millisecondsSince(start));
    compareGnu.push_back(
        timeGnuDiff(dir, pinned->records[pair.left].irAfter->str(),
                    second->records[pair.right].irAfter->str()));
  }

  // The dispatch graph of a long residual chain.
  QString chainPath = dir.filePath("chain.mlir");
  if (!writeFile(chainPath, generateResidualChain(dispatchCount)))
    return 2;
  MainWindow graphWindow;
  graphWindow.resize(1500, 900);
  CompileRequest toFlow;
  toFlow.compileTo = "flow";
  graphWindow.setRequestTemplate(toFlow);
  graphWindow.show();
  auto flowStart = Clock::now();
  graphWindow.openFile(chainPath);
  if (!waitForCompile(graphWindow) || !graphWindow.outcome()->succeeded) {
    std::fprintf(stderr, "explorer-bench: the chain compile failed\n");
    return 1;
  }
  double flowMs = millisecondsSince(flowStart);
  graphWindow.showView("graph");
  DispatchGraphView *graph = graphWindow.graphView();
  auto layoutStart = Clock::now();
  GraphLayout layout =
      layoutLayered(graph->laidOutSizes(), graph->laidOutEdges());
  double layoutMs = millisecondsSince(layoutStart);
  auto graphStart = Clock::now();
  graph->setOutcome(graphWindow.outcome());
  graph->fitToWindow();
  graph->view()->viewport()->repaint();
  double graphMs = millisecondsSince(graphStart);
  std::vector<double> graphSelect;
  for (int i = 0; i < 50; ++i) {
    auto start = Clock::now();
    graphWindow.showDispatch((i * 37) % dispatchCount);
    graph->view()->viewport()->repaint();
    graphSelect.push_back(millisecondsSince(start));
  }

  Stats ours = summarize(switchModule), oursNested = summarize(switchNested),
        ref = summarize(referenceSwitch), diffStats = summarize(diffModule),
        diffNestedStats = summarize(diffNested), gnu = summarize(gnuDiff),
        compute = summarize(diffCompute);
  std::printf("program: %d lines, %zu passes captured (%zu on the module), "
              "largest IR %zu KiB, compile + load %.0f ms\n",
              lines, records.size(), moduleLevel.size(), largestText / 1024,
              compileMs);
  std::printf("\n| measure | median ms | p95 ms | max ms | reference median "
              "ms | ratio (median) |\n|---|---|---|---|---|---|\n");
  std::printf("| switch pass, module-level IR (%zu) | %.1f | %.1f | %.1f | "
              "%.1f (QPlainTextEdit + QSyntaxHighlighter) | %.2f |\n",
              switchModule.size(), ours.median, ours.p95, ours.max, ref.median,
              ours.median / ref.median);
  std::printf("| switch pass, nested IR (%zu) | %.1f | %.1f | %.1f | | |\n",
              switchNested.size(), oursNested.median, oursNested.p95,
              oursNested.max);
  std::printf("| switch pass in diff view, module-level (%zu) | %.1f | %.1f | "
              "%.1f | %.1f (GNU diff -u) | %.2f |\n",
              diffModule.size(), diffStats.median, diffStats.p95, diffStats.max,
              gnu.median, diffStats.median / gnu.median);
  std::printf("| of which the line diff, module-level (%zu) | %.1f | %.1f | "
              "%.1f | | |\n",
              diffCompute.size(), compute.median, compute.p95, compute.max);
  std::printf("| switch pass in diff view, nested (%zu) | %.1f | %.1f | %.1f "
              "| | |\n",
              diffNested.size(), diffNestedStats.median, diffNestedStats.p95,
              diffNestedStats.max);
  std::printf("\nsnapshot memory: %.1f MiB in shared pieces vs %.1f MiB as "
              "one text per snapshot (%.2f×) and %.1f MiB as one text per "
              "pass (%.2f×); largest module-level diff %d lines\n",
              pieceBytes / 1048576.0, naiveBytes / 1048576.0,
              double(pieceBytes) / naiveBytes, perRecordBytes / 1048576.0,
              double(pieceBytes) / perRecordBytes, diffedLines);
  Stats compareStats = summarize(compareSwitch),
        compareRef = summarize(compareGnu), select = summarize(graphSelect);
  std::printf("\ncompare with the aarch64 compile: %zu aligned rows, %zu "
              "differ; pairing and marking them %.1f ms\n",
              compare->rows().size(), differing, alignMs);
  std::printf("| switch row, module-level IR differs (%zu) | %.1f | %.1f | "
              "%.1f | %.1f (GNU diff -u) | %.2f |\n",
              compareSwitch.size(), compareStats.median, compareStats.p95,
              compareStats.max, compareRef.median,
              compareStats.median / compareRef.median);
  std::printf("\ndispatch graph: %zu dispatches, %zu nodes laid out, %zu "
              "edges, %zu layers, %u crossings: layout %.1f ms, layout + "
              "items + fit + paint %.1f ms, against the compile to flow "
              "%.0f ms (%.3f×); selecting a dispatch everywhere median "
              "%.1f ms, max %.1f ms\n",
              graphWindow.outcome()->dispatches.size(),
              graph->laidOutSizes().size(), graph->laidOutEdges().size(),
              layout.layers.empty()
                  ? size_t(0)
                  : size_t(*std::max_element(layout.layers.begin(),
                                             layout.layers.end()) +
                           1),
              layout.crossings, layoutMs, graphMs, flowMs, graphMs / flowMs,
              select.median, select.max);

  if (!modelPath.isEmpty())
    return openModel(modelPath);
  return 0;
}
