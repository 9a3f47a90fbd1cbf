//===- ExplorerTest.cpp - The explorer's real widgets under QTest ---------===//
//
// Runs under QT_QPA_PLATFORM=offscreen: opens examples, waits for the
// compile on the worker thread, and drives the window as a user would.
//
//===----------------------------------------------------------------------===//

#include "CompareView.h"
#include "DiagnosticsList.h"
#include "DiffView.h"
#include "DispatchGraphItems.h"
#include "DispatchGraphView.h"
#include "ExecutablesView.h"
#include "GraphLayout.h"
#include "GraphOverview.h"
#include "IRView.h"
#include "MainWindow.h"
#include "OutcomeStream.h"
#include "PassAlignment.h"
#include "PassFilterModel.h"
#include "PassTreeModel.h"
#include "RunView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QGraphicsView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>
#include <QThread>
#include <QTreeView>
#include <QTreeWidget>

#include "spirv-tools/libspirv.hpp"

#include <random>
#include <set>

using namespace tessera::explorer;
using mlir::tessera::PassRecord;

namespace {

int countLeaves(QAbstractItemModel *model, const QModelIndex &parent = {}) {
  int count = 0;
  for (int row = 0; row < model->rowCount(parent); ++row) {
    QModelIndex child = model->index(row, 0, parent);
    if (child.data(PassTreeModel::RecordIndexRole).toInt() >= 0)
      ++count;
    count += countLeaves(model, child);
  }
  return count;
}

QModelIndex findRow(QAbstractItemModel *model, const QString &text,
                    const QModelIndex &parent = {}) {
  for (int row = 0; row < model->rowCount(parent); ++row) {
    QModelIndex child = model->index(row, 0, parent);
    if (child.data().toString() == text)
      return child;
    if (QModelIndex found = findRow(model, text, child); found.isValid())
      return found;
  }
  return {};
}

int firstRecord(const CompileOutcome &outcome, const std::string &argument) {
  for (const PassRecord &record : outcome.records)
    if (record.passArgument.rfind(argument, 0) == 0)
      return record.index;
  return -1;
}

/// A program of `count` matmuls, each reading the previous result and,
/// every third one, also a result from further back (a residual path):
/// matmuls do not fuse with each other, so each is its own dispatch.
QString residualChain(int count) {
  QString text = "func.func @chain(%x: tensor<8x8xf32>, %w: "
                 "tensor<8x8xf32>) -> tensor<8x8xf32> {\n"
                 "  %zero = arith.constant 0.0 : f32\n"
                 "  %e = tensor.empty() : tensor<8x8xf32>\n"
                 "  %f = linalg.fill ins(%zero : f32) outs(%e : "
                 "tensor<8x8xf32>) -> tensor<8x8xf32>\n"
                 "  %v0 = linalg.matmul ins(%x, %w : tensor<8x8xf32>, "
                 "tensor<8x8xf32>) outs(%f : tensor<8x8xf32>) -> "
                 "tensor<8x8xf32>\n";
  for (int i = 1; i < count; ++i) {
    QString other =
        i % 3 == 0 ? QStringLiteral("%v%1").arg(i - 3) : QStringLiteral("%w");
    text += QStringLiteral("  %v%1 = linalg.matmul ins(%v%2, %3 : "
                           "tensor<8x8xf32>, tensor<8x8xf32>) outs(%f : "
                           "tensor<8x8xf32>) -> tensor<8x8xf32>\n")
                .arg(i)
                .arg(i - 1)
                .arg(other);
  }
  text += QStringLiteral("  return %v%1 : tensor<8x8xf32>\n}\n").arg(count - 1);
  return text;
}

/// No two nodes of a layer overlap, and every edge runs downwards from
/// its source's bottom to its target's top.
void checkLayout(const GraphLayout &layout,
                 const std::vector<LayoutSize> &sizes,
                 const std::vector<LayoutEdge> &edges) {
  for (size_t a = 0; a < sizes.size(); ++a)
    for (size_t b = a + 1; b < sizes.size(); ++b) {
      if (layout.layers[a] != layout.layers[b])
        continue;
      double apart = std::abs(layout.centers[a].x - layout.centers[b].x);
      QVERIFY2(
          apart + 1e-6 >= (sizes[a].width + sizes[b].width) / 2,
          qPrintable(QStringLiteral("nodes %1 and %2 overlap").arg(a).arg(b)));
    }
  for (size_t e = 0; e < edges.size(); ++e) {
    const auto &route = layout.routes[e];
    unsigned from = edges[e].from, to = edges[e].to;
    QVERIFY(route.size() >= 2);
    QCOMPARE(route.front().x, layout.centers[from].x);
    QCOMPARE(route.front().y, layout.centers[from].y + sizes[from].height / 2);
    QCOMPARE(route.back().x, layout.centers[to].x);
    QCOMPARE(route.back().y, layout.centers[to].y - sizes[to].height / 2);
    QVERIFY(layout.layers[to] > layout.layers[from]);
    for (size_t i = 1; i < route.size(); ++i)
      QVERIFY(route[i].y >= route[i - 1].y);
    // One point pair per layer crossed in between.
    QCOMPARE(route.size(),
             size_t(2 + 2 * (layout.layers[to] - layout.layers[from] - 1)));
  }
}

} // namespace

class ExplorerTest : public QObject {
  Q_OBJECT

  /// Opens `file` in `window` and waits until its compile is shown.
  bool openAndWait(MainWindow &window, const QString &file) {
    QSignalSpy shown(&window, &MainWindow::compileShown);
    window.openFile(file);
    return shown.wait(120000);
  }

private Q_SLOTS:
  void passTreeFollowsThePipeline() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    auto outcome = window.outcome();
    QVERIFY(outcome->succeeded);
    QVERIFY(outcome->records.size() > 20);

    // One row per captured pass, grouped under the phases in order.
    PassTreeModel *model = window.passModel();
    QCOMPARE(countLeaves(model), int(outcome->records.size()));
    QStringList phases;
    for (int row = 0; row < model->rowCount(); ++row)
      phases << model->index(row, 0).data().toString();
    QCOMPARE(phases,
             QStringList({"input", "global-opt", "flow", "hal", "codegen",
                          "link", "host", "serialize", "loader"}));
    // Codegen is nested per executable and variant, as the pass manager
    // ran it.
    QModelIndex codegen = model->index(4, 0);
    QCOMPARE(model->rowCount(codegen), 2);
    QVERIFY(model->index(0, 0, codegen)
                .data()
                .toString()
                .startsWith("hal.executable @predict_dispatch_"));

    // Changed markers match the records.
    int form = firstRecord(*outcome, "tessera-flow-form-dispatches");
    int verify = firstRecord(*outcome, "tessera-verify-input-legality");
    QModelIndex formRow = model->indexOfRecord(form);
    QVERIFY(formRow.data().toString().contains("FormDispatches"));
    QCOMPARE(
        formRow.siblingAtColumn(PassTreeModel::ChangedColumn).data().toString(),
        QString("●"));
    QCOMPARE(model->indexOfRecord(verify)
                 .siblingAtColumn(PassTreeModel::ChangedColumn)
                 .data()
                 .toString(),
             QString());

    // Hide unchanged: exactly the changed passes remain.
    int changed = 0;
    for (const PassRecord &record : outcome->records)
      changed += record.changed;
    window.hideUnchangedBox()->setChecked(true);
    QCOMPARE(countLeaves(window.passFilter()), changed);
    QVERIFY(changed < int(outcome->records.size()));
    window.hideUnchangedBox()->setChecked(false);

    // Filter by name.
    QTest::keyClicks(window.passFilterEdit(), "Canonicalizer");
    int canonicalizers = 0;
    for (const PassRecord &record : outcome->records)
      canonicalizers += record.passName == "Canonicalizer";
    QCOMPARE(countLeaves(window.passFilter()), canonicalizers);
    window.passFilterEdit()->clear();
    QCOMPARE(countLeaves(window.passFilter()), int(outcome->records.size()));
  }

  void steppingShowsIRAndDiff() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    auto outcome = window.outcome();
    int form = firstRecord(*outcome, "tessera-flow-form-dispatches");
    QVERIFY(form > 0);

    // Clicking the pass in the tree shows the IR after it.
    QModelIndex row = window.passFilter()->mapFromSource(
        window.passModel()->indexOfRecord(form));
    window.passTree()->setCurrentIndex(row);
    QCOMPARE(window.currentPass(), form);
    QString text = window.irView()->toPlainText();
    QVERIFY(text.contains("flow.executable private @predict_dispatch_0"));
    QVERIFY(text.contains("flow.dispatch @predict_dispatch_0"));

    // The diff against the IR before it: dispatch regions appear, the
    // linalg ops leave the function.
    window.showView("diff");
    DiffView *diff = window.diffView();
    QVERIFY(diff->addedLines() > 0);
    QVERIFY(diff->removedLines() > 0);
    QStringList lines = diff->unifiedView()->toPlainText().split('\n');
    const auto &marks = diff->unifiedView()->getLineMarks();
    QCOMPARE(int(marks.size()), lines.size());
    int addedExecutable = -1, removedMatmul = -1;
    for (int i = 0; i < lines.size(); ++i) {
      if (lines[i].startsWith("+ ") &&
          lines[i].contains("flow.executable private @predict_dispatch_0"))
        addedExecutable = i;
      if (lines[i].startsWith("- ") && lines[i].contains("linalg.matmul"))
        removedMatmul = i;
    }
    QVERIFY(addedExecutable >= 0 && removedMatmul >= 0);
    QCOMPARE(marks[addedExecutable], uint8_t(IRView::AddedMark));
    QCOMPARE(marks[removedMatmul], uint8_t(IRView::RemovedMark));
    // Side by side aligns both sides row for row.
    window.findChild<QCheckBox *>("sideBySide")->setChecked(true);
    QVERIFY(diff->isSideBySide());
    QCOMPARE(diff->leftView()->lineCount(), diff->rightView()->lineCount());

    // Keyboard stepping: F8 and Shift+F8.
    window.showView("passes");
    QTest::keyClick(&window, Qt::Key_F8);
    QCOMPARE(window.currentPass(), form + 1);
    QTest::keyClick(&window, Qt::Key_F8, Qt::ShiftModifier);
    QCOMPARE(window.currentPass(), form);

    // An unchanged pass diffs to nothing.
    int verify = firstRecord(*outcome, "tessera-verify-input-legality");
    window.selectPass(verify);
    window.showView("diff");
    QCOMPARE(diff->addedLines() + diff->removedLines(), 0);
  }

  void restrictingToAFunction() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    auto outcome = window.outcome();
    int form = firstRecord(*outcome, "tessera-flow-form-dispatches");
    window.selectPass(form);

    QComboBox *restrict = window.restrictBox();
    int item = restrict->findData(QString("predict_dispatch_1"));
    QVERIFY(item > 0);
    restrict->setCurrentIndex(item);
    QString text = window.irView()->toPlainText();
    QVERIFY(text.trimmed().startsWith(
        "flow.executable private @predict_dispatch_1"));
    QVERIFY(!text.contains("@predict_dispatch_0"));
    QVERIFY(!text.contains("func.func @predict("));

    // From the first pass, "next pass that changed @predict" stops at each
    // pass that changed the function, never at one that did not.
    window.restrictTo("predict");
    window.selectPass(0);
    std::vector<int> visited;
    while (window.nextPassChangingSelection())
      visited.push_back(window.currentPass());
    QVERIFY(!visited.empty());
    for (int index : visited) {
      const PassRecord &record = outcome->records[index];
      // Nested passes on the function itself (the host phase's cleanups).
      if (record.depth > 0) {
        QCOMPARE(record.anchorSymbol, std::string("predict"));
        QVERIFY(record.changed);
        continue;
      }
      QVERIFY(mlir::tessera::CapturedIR::pieceChanged(
          *record.irBefore, *record.irAfter, "predict"));
    }
    QVERIFY(std::find(visited.begin(), visited.end(), form) != visited.end());
  }

  void searchFindsTextInTheIR() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    window.selectPass(
        firstRecord(*window.outcome(), "tessera-flow-form-dispatches"));
    auto *search = window.findChild<QLineEdit *>("searchIR");
    QTest::keyClicks(search, "flow.dispatch @predict_dispatch_1");
    QTest::keyClick(search, Qt::Key_Return);
    IRView *ir = window.irView();
    QVERIFY(ir->lineText(ir->cursorLine())
                .contains("flow.dispatch @predict_dispatch_1"));
    QVERIFY(ir->cursorColumn() > 0);
    // Enter again wraps around to the same, only, match.
    int line = ir->cursorLine();
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(ir->cursorLine(), line);
    QVERIFY(!ir->find("no such text anywhere"));
  }

  void aMissingFileIsADiagnostic() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, "/nonexistent/missing.mlir"));
    QVERIFY(!window.outcome()->succeeded);
    QCOMPARE(window.diagnosticsList()->topLevelItemCount(), 1);
    QVERIFY(window.diagnosticsList()->topLevelItem(0)->text(2).contains(
        "cannot read input file"));
    QCOMPARE(window.passModel()->rowCount(), 0);
  }

  // An ONNX model opens like a program: imported, its program shown as the
  // source (weights elided), every pass captured from the TOSA lowering on.
  void anOnnxModelOpens() {
    QString model = TESSERA_ONNX_MODELS_DIR "/mlp_dynamic.onnx";
    if (!QFileInfo::exists(model))
      QSKIP("no exported ONNX model (the ONNX tests make it)");
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, model));
    auto outcome = window.outcome();
    QVERIFY(outcome->succeeded);
    QVERIFY(outcome->source.find("func.func @main") != std::string::npos);
    QVERIFY(outcome->source.find("dense_resource<") != std::string::npos);
    QVERIFY(outcome->source.size() < 64 * 1024);
    QVERIFY(firstRecord(*outcome, "tessera-flow-lower-tosa") >= 0);
    QVERIFY(firstRecord(*outcome, "tessera-flow-form-dispatches") >= 0);
  }

  // Legal MLIR the compiler does not take (linalg on memrefs): a located
  // diagnostic, no crash (it used to take the window down).
  void memrefInputIsALocatedDiagnostic() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window,
                        TESSERA_LIT_DIR "/tessera/Inputs/memref/copy.mlir"));
    QVERIFY(!window.outcome()->succeeded);
    bool found = false;
    for (int i = 0; i < window.diagnosticsList()->topLevelItemCount(); ++i)
      found |= window.diagnosticsList()->topLevelItem(i)->text(2).contains(
          "'linalg.copy' operates on memrefs");
    QVERIFY(found);
    QVERIFY(window.isVisible());
  }

  void executablesShowDisassembly() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    window.showView("executables");
    ExecutablesView *view = window.executablesView();
    QTreeWidget *tree = view->tree();
    QCOMPARE(tree->topLevelItemCount(), 1);
    QCOMPARE(tree->topLevelItem(0)->text(0), QString("@linked_llvm_cpu"));
    QTreeWidgetItem *variant = tree->topLevelItem(0)->child(0);
    QCOMPARE(variant->childCount(), 2);
    QTreeWidgetItem *exportItem = variant->child(1);
    QCOMPARE(exportItem->text(1), QString("1"));
    QString exportName = exportItem->text(0).mid(1);
    QVERIFY(exportName.startsWith("predict_dispatch_1"));

    QSignalSpy selected(view, &ExecutablesView::exportSelected);
    tree->setCurrentItem(exportItem);
    QCOMPARE(selected.count(), 1);
    // The disassembly names the export's symbol and shows instructions.
    QString disassembly = view->disassembly()->toPlainText();
    QVERIFY(disassembly.startsWith(exportName + ":"));
    QVERIFY(disassembly.contains("ret"));
    QVERIFY(disassembly.count('\n') > 20);
    QVERIFY(disassembly.contains("%r")); // AT&T registers
    QVERIFY(view->findChild<QComboBox *>()->isEnabled());
    view->setIntelSyntax(true);
    QString intel = view->disassembly()->toPlainText();
    QVERIFY(intel != disassembly);
    QVERIFY(!intel.contains("%r"));
    // Export details: ordinal, bindings, count region.
    QString details = view->details()->toPlainText();
    QVERIFY(details.contains("ordinal 1"));
    QVERIFY(details.contains("set 0 binding 0 storage_buffer"));
    QVERIFY(details.contains("hal.return"));
    // The binary's symbols include the export.
    bool listed = false;
    for (int row = 0; row < view->symbols()->rowCount(); ++row)
      listed |= view->symbols()->item(row, 0)->text() == exportName;
    QVERIFY(listed);
    // Its source ops are marked in the source view.
    const auto &marks = window.sourceView()->getLineMarks();
    int linked =
        std::count(marks.begin(), marks.end(), uint8_t(IRView::LinkedMark));
    QVERIFY(linked > 0);
  }

  void executablesShowSpirvDisassembly() {
    // A Vulkan variant as the SPIR-V target will produce it: the binary is
    // a SPIR-V module whose entry point is the export.
    spvtools::SpirvTools tools(SPV_ENV_VULKAN_1_1);
    std::vector<uint32_t> words;
    QVERIFY(tools.Assemble(R"(
               OpCapability Shader
               OpMemoryModel Logical GLSL450
               OpEntryPoint GLCompute %main "fill_ones"
               OpExecutionMode %main LocalSize 32 1 1
               OpName %main "main"
       %void = OpTypeVoid
         %fn = OpTypeFunction %void
       %main = OpFunction %void None %fn
      %entry = OpLabel
               OpReturn
               OpFunctionEnd
)",
                           &words));
    auto outcome = std::make_shared<CompileOutcome>();
    mlir::tessera::ExecutableSummary executable;
    executable.name = "@shader";
    mlir::tessera::VariantSummary variant;
    variant.name = "@vulkan_spirv_fb";
    variant.format = "vulkan-spirv-fb";
    variant.binary.assign(reinterpret_cast<const char *>(words.data()),
                          words.size() * 4);
    mlir::tessera::ExportSummary exported;
    exported.name = "fill_ones";
    variant.exports.push_back(exported);
    executable.variants.push_back(variant);
    outcome->executables.push_back(executable);

    ExecutablesView view;
    view.setOutcome(outcome);
    view.selectFirstExport();
    view.tabs()->setCurrentWidget(view.disassembly());
    QString text = view.disassembly()->toPlainText();
    QVERIFY2(text.contains("OpEntryPoint GLCompute %main \"fill_ones\""),
             qPrintable(text));
    QVERIFY(text.contains("OpExecutionMode %main LocalSize 32 1 1"));
    QVERIFY(text.contains("%main = OpFunction %void None"));
    QVERIFY(text.contains("OpFunctionEnd"));
    // No AT&T/Intel choice outside x86.
    QVERIFY(!view.findChild<QComboBox *>()->isEnabled());
    // The symbol table lists the entry point.
    bool listed = false;
    for (int row = 0; row < view.symbols()->rowCount(); ++row)
      listed |= view.symbols()->item(row, 0)->text() == "fill_ones";
    QVERIFY(listed);
  }

  void unlinkedBuildListsOneExecutablePerDispatch() {
    MainWindow window;
    CompileRequest request;
    request.linkExecutables = false;
    window.setRequestTemplate(request);
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    QCOMPARE(window.executablesView()->tree()->topLevelItemCount(), 2);
  }

  void sourceAndIRAreLinked() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    auto outcome = window.outcome();
    window.selectPass(firstRecord(*outcome, "tessera-flow-form-dispatches"));
    // Put the IR cursor on the dispatched matmul: the source marks line 17
    // (examples/mlp.mlir's first linalg.matmul).
    IRView *ir = window.irView();
    QString text = ir->toPlainText();
    int matmulLine = text.left(text.indexOf("linalg.matmul")).count('\n');
    ir->goToLine(matmulLine);
    const auto &sourceMarks = window.sourceView()->getLineMarks();
    QVERIFY(int(sourceMarks.size()) > 16);
    QCOMPARE(sourceMarks[16], uint8_t(IRView::LinkedMark));

    // Selecting that source line marks the IR ops made from it.
    window.sourceView()->goToLine(16);
    const auto &irMarks = ir->getLineMarks();
    QVERIFY(int(irMarks.size()) > matmulLine);
    QCOMPARE(irMarks[matmulLine], uint8_t(IRView::LinkedMark));
  }

  void layeredLayoutOfSmallGraphs() {
    // A chain comes out straight, one node per layer.
    std::vector<LayoutSize> sizes(4, {100, 40});
    std::vector<LayoutEdge> chain{{0, 1}, {1, 2}, {2, 3}};
    GraphLayout layout = layoutLayered(sizes, chain);
    checkLayout(layout, sizes, chain);
    for (unsigned v = 0; v < 4; ++v) {
      QCOMPARE(layout.layers[v], v);
      QCOMPARE(layout.centers[v].x, layout.centers[0].x);
    }
    // A skip edge routes around the node it passes, through a dummy.
    std::vector<LayoutEdge> skip{{0, 1}, {1, 2}, {0, 2}};
    layout = layoutLayered({sizes[0], sizes[1], sizes[2]}, skip);
    checkLayout(layout, {sizes[0], sizes[1], sizes[2]}, skip);
    QCOMPARE(layout.routes[2].size(), size_t(4));
    QVERIFY(std::abs(layout.routes[2][1].x - layout.centers[1].x) >= 50);
    // Two crossed pairs get untangled.
    std::vector<LayoutEdge> crossed{{0, 3}, {1, 2}, {0, 2}};
    layout = layoutLayered(sizes, crossed);
    checkLayout(layout, sizes, crossed);
    QCOMPARE(layout.crossings, 0u);
    // A source sits just above its first reader.
    std::vector<LayoutEdge> late{{0, 1}, {1, 2}, {3, 2}};
    layout = layoutLayered(sizes, late);
    QCOMPARE(layout.layers[3], 1u);
    // A cycle (never in a dispatch graph) still lays out, and ends.
    std::vector<LayoutEdge> cycle{{0, 1}, {1, 2}, {2, 0}};
    layout = layoutLayered({sizes[0], sizes[1], sizes[2]}, cycle);
    QCOMPARE(layout.routes.size(), size_t(3));
    QCOMPARE(layoutLayered({}, {}).centers.size(), size_t(0));
  }

  void layeredLayoutOfAFewHundredNodes() {
    // A random DAG shaped like a network: mostly a chain, with skips.
    std::mt19937 random(7);
    const unsigned count = 400;
    std::vector<LayoutSize> sizes;
    std::vector<LayoutEdge> edges;
    for (unsigned v = 0; v < count; ++v) {
      sizes.push_back({80.0 + random() % 200, 30.0 + random() % 80});
      if (v > 0)
        edges.push_back({v - 1, v});
      if (v > 4 && random() % 4 == 0)
        edges.push_back({unsigned(v - 2 - random() % 3), v});
    }
    GraphLayout layout = layoutLayered(sizes, edges);
    checkLayout(layout, sizes, edges);
    QVERIFY(layout.width > 0 && layout.height > 0);
    // Readable: the main chain stays near one column (the layout is not
    // wider than a few nodes side by side).
    QVERIFY2(layout.width < 6 * 300, qPrintable(QString::number(layout.width)));
  }

  void dispatchGraphSelectsExportIRAndSource() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    window.showView("graph");
    DispatchGraphView *graph = window.graphView();
    auto outcome = window.outcome();
    // input, two dispatches, result; three tensors between them.
    QCOMPARE(graph->nodeItems().size(), size_t(4));
    QCOMPARE(graph->edgeItems().size(), size_t(3));
    QCOMPARE(outcome->dispatches.size(), size_t(2));
    int node = outcome->graph.nodeOfDispatch(0);
    QVERIFY(node >= 0);
    GraphNodeItem *item = graph->nodeItems()[node];
    QVERIFY(item->titleText().startsWith("predict_dispatch_0_matmul"));
    QVERIFY(item->lineTexts().contains("linalg.matmul  mlp.mlir:17"));
    QVERIFY(item->lineTexts().contains("linalg.generic  mlp.mlir:18"));
    QVERIFY(item->lineTexts().last().contains("workgroups"));
    QStringList labels;
    for (GraphEdgeItem *edge : graph->edgeItems())
      labels << edge->labelText();
    QVERIFY2(labels.contains("4x32xf32 · 512 B"), qPrintable(labels.join('|')));

    // Click the first dispatch: its export, IR and source ops follow.
    graph->view()->centerOn(item);
    QPoint at = graph->view()->mapFromScene(item->scenePos());
    QSignalSpy chosen(graph, &DispatchGraphView::dispatchSelected);
    QTest::mouseClick(graph->view()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(chosen.count(), 1);
    QCOMPARE(chosen.front().front().toInt(), 0);
    QCOMPARE(graph->selectedDispatch(), 0);
    QTreeWidgetItem *current = window.executablesView()->tree()->currentItem();
    QVERIFY(current);
    QVERIFY(QString::fromStdString(outcome->dispatches[0].exportRef)
                .endsWith(current->text(0)));
    QCOMPARE(window.restrictBox()->currentData().toString(),
             QString("predict_dispatch_0"));
    QVERIFY(window.irView()->toPlainText().contains("predict_dispatch_0"));
    QVERIFY(!window.irView()->toPlainText().contains("predict_dispatch_1"));
    const auto &marks = window.sourceView()->getLineMarks();
    QCOMPARE(marks[16], uint8_t(IRView::LinkedMark)); // linalg.matmul
    QCOMPARE(marks[28], uint8_t(IRView::NoMark));     // the second matmul
    // Its edges are highlighted, the others not.
    for (GraphEdgeItem *edge : graph->edgeItems())
      QCOMPARE(edge->isHighlighted(), edge->source() == unsigned(node) ||
                                          edge->target() == unsigned(node));

    // Choosing the other export in the executables view selects its node.
    window.executablesView()->selectExport(
        QString::fromStdString(outcome->dispatches[1].exportRef));
    QCOMPARE(graph->selectedDispatch(), 1);
    // Find by op name, and a double click asks for the IR.
    QVERIFY(graph->find("linalg.matmul"));
    QVERIFY(!graph->find("no.such_op"));
    QSignalSpy activated(graph, &DispatchGraphView::dispatchActivated);
    QTest::mouseDClick(graph->view()->viewport(), Qt::LeftButton, {}, at);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(window.findChild<QTabWidget *>("views")->currentWidget(),
             static_cast<QWidget *>(window.irView()));
  }

  void dispatchGraphOfManyDispatches() {
    QTemporaryDir dir;
    QString path = dir.filePath("chain.mlir");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(residualChain(200).toUtf8());
    file.close();
    MainWindow window;
    CompileRequest request;
    request.compileTo = "flow";
    window.setRequestTemplate(request);
    window.show();
    QVERIFY(openAndWait(window, path));
    auto outcome = window.outcome();
    QCOMPARE(outcome->dispatches.size(), size_t(200));
    DispatchGraphView *graph = window.graphView();
    // 200 dispatches, the input pair and the result; every matmul reads
    // its predecessor, every third also a result from three back.
    QCOMPARE(graph->nodeItems().size(), size_t(203));
    QCOMPARE(graph->edgeItems().size(), outcome->graph.edges.size());
    checkLayout(graph->layout(), graph->laidOutSizes(), graph->laidOutEdges());
    // %w is read by 134 matmuls: each reader but the first gets a copy of
    // the input above it instead of a long edge from the top.
    QCOMPARE(graph->laidOutSizes().size(), size_t(203 + 133));
    for (const LayoutEdge &edge : graph->laidOutEdges())
      QVERIFY(graph->layout().layers[edge.to] -
                  graph->layout().layers[edge.from] <=
              3);
    // Selecting a late dispatch scrolls to it.
    window.showView("graph");
    QVERIFY(graph->selectDispatch(190));
    QRectF visible = graph->view()
                         ->mapToScene(graph->view()->viewport()->rect())
                         .boundingRect();
    int node = outcome->graph.nodeOfDispatch(190);
    QVERIFY(visible.contains(graph->nodeItems()[node]->scenePos()));
  }

  void followOneOpThroughThePasses() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    auto outcome = window.outcome();
    int line = -1;
    for (int i = 0; i < window.sourceView()->lineCount(); ++i)
      if (window.sourceView()->lineText(i).contains("%m1 = linalg.matmul"))
        line = i + 1;
    QVERIFY(line > 0);
    // Choosing the source line follows its op (after a pause).
    window.sourceView()->goToLine(line - 1);
    QTRY_COMPARE(window.followedLine(), unsigned(line));
    const std::vector<int> &followed = window.followedPasses();
    QVERIFY(followed.size() >= 3);
    // Only passes that changed it: each changed the IR, and some passes
    // that changed the IR (the other ops) are not among them.
    int changed = 0;
    for (const PassRecord &record : outcome->records)
      changed += record.changed;
    QVERIFY(int(followed.size()) < changed);
    std::set<std::string> arguments;
    for (int record : followed) {
      QVERIFY(outcome->records[record].changed);
      arguments.insert(outcome->records[record].passArgument);
    }
    // Outlined into a dispatch, then tiled and lowered in its executable
    // (arguments with their options).
    auto ran = [&](const std::string &name) {
      return std::any_of(arguments.begin(), arguments.end(),
                         [&](const std::string &argument) {
                           return argument.rfind(name, 0) == 0;
                         });
    };
    QVERIFY(ran("tessera-flow-form-dispatches"));
    QVERIFY(ran("tessera-codegen-tile-and-distribute-to-workgroups"));
    QVERIFY(ran("tessera-llvmcpu-lower-to-llvm"));
    // The pass tree marks exactly those rows.
    PassTreeModel *model = window.passModel();
    for (const PassRecord &record : outcome->records) {
      bool marked =
          model->indexOfRecord(record.index).data(Qt::BackgroundRole).isValid();
      QCOMPARE(marked, std::count(followed.begin(), followed.end(),
                                  int(record.index)) == 1);
    }
    // F9 and Shift+F9 step through them.
    window.selectPass(0);
    QTest::keyClick(&window, Qt::Key_F9);
    QCOMPARE(window.currentPass(), followed[0]);
    QTest::keyClick(&window, Qt::Key_F9);
    QCOMPARE(window.currentPass(), followed[1]);
    QTest::keyClick(&window, Qt::Key_F9, Qt::ShiftModifier);
    QCOMPARE(window.currentPass(), followed[0]);
    // And the op is in the IR after each of them.
    QVERIFY(window.irView()->toPlainText().contains("linalg.matmul"));

    // After dispatch formation its function is its executable: Ctrl+F9
    // limits the IR and the diff to it.
    int form = -1;
    for (int record : followed)
      if (outcome->records[record].passArgument.rfind(
              "tessera-flow-form-dispatches", 0) == 0)
        form = record;
    QVERIFY(window.selectPass(form));
    QTest::keyClick(&window, Qt::Key_F9, Qt::ControlModifier);
    QString symbol = window.restrictBox()->currentData().toString();
    QVERIFY2(symbol.startsWith("predict_dispatch_"), qPrintable(symbol));
    QString restricted = window.irView()->toPlainText();
    QVERIFY(restricted.contains("linalg.matmul"));
    QVERIFY(!restricted.contains("func.func @predict("));
  }

  void bigDiffsFoldUnchangedLines() {
    std::string before, after;
    for (int i = 0; i < 100; ++i) {
      before += "  %v" + std::to_string(i) + " = op\n";
      after +=
          i == 50 ? "  %v50 = other\n" : "  %v" + std::to_string(i) + " = op\n";
    }
    std::vector<mlir::tessera::DiffLine> lines =
        mlir::tessera::diffLines(before, after);
    DiffView view;
    view.setDiff(lines, "before", "after");
    // 46 unchanged, 3 around the change each side, the change, 46 more.
    QCOMPARE(view.unifiedView()->lineCount(), 1 + 3 + 2 + 3 + 1);
    QCOMPARE(view.foldedRowCount(), 2);
    QCOMPARE(view.unifiedView()->lineText(0),
             QString("  ⋯ 47 unchanged lines"));
    QCOMPARE(view.unifiedView()->getLineMarks()[0],
             uint8_t(IRView::FillerMark));
    view.setSideBySide(true);
    QCOMPARE(view.leftView()->lineCount(), view.rightView()->lineCount());
    QCOMPARE(view.leftView()->lineCount(), 1 + 3 + 1 + 3 + 1);
    // Unfolded: every line.
    view.setSideBySide(false);
    view.setFolding(false);
    QCOMPARE(view.unifiedView()->lineCount(), 101);
    QCOMPARE(view.foldedRowCount(), 0);
  }

  void largeGraphsHaveAnOverviewAndHotspots() {
    QTemporaryDir dir;
    QString path = dir.filePath("chain.mlir");
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write(residualChain(60).toUtf8());
    }
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    window.showView("graph");
    DispatchGraphView *graph = window.graphView();
    // While a new file's first compile runs (its passes shown as they
    // come), nothing of the last file stays in the graph.
    QSignalSpy opened(&window, &MainWindow::compileShown);
    window.openFile(path);
    QTRY_VERIFY(window.outcome()->inProgress);
    QVERIFY(graph->nodeItems().empty());
    QVERIFY(graph->findChild<QLabel *>("graphSummary")
                ->text()
                .startsWith("Compiling"));
    QVERIFY(opened.wait(120000));
    QApplication::processEvents();
    QApplication::processEvents();
    // The graph is much taller than the view: the overview shows all of it
    // and outlines the part shown; a click in it moves the view there.
    GraphOverview *overview = graph->overview();
    QVERIFY(overview->isVisible());
    QRectF scene = graph->scene()->sceneRect();
    QVERIFY(graph->view()->mapFromScene(scene).boundingRect().height() >
            3 * graph->view()->viewport()->height());
    QVERIFY(overview->mapFromScene(scene).boundingRect().height() <=
            overview->viewport()->height() + 2);
    QRectF before = overview->shownArea();
    QVERIFY(before.height() < scene.height() / 2);
    QPoint bottom =
        overview->mapFromScene(QPointF(scene.center().x(), scene.bottom() - 5));
    QTest::mouseClick(overview->viewport(), Qt::LeftButton, {}, bottom);
    QVERIFY(overview->shownArea().center().y() >
            before.center().y() + scene.height() / 2);

    // A profile colours the nodes by their share and lists them, the
    // largest first; choosing one selects its node.
    QVERIFY(!graph->hotspotList()->isVisible());
    RunView *run = window.runView();
    QSignalSpy finished(run, &RunView::finished);
    run->run();
    QVERIFY(finished.wait(120000));
    QTreeWidget *hotspots = graph->hotspotList();
    QVERIFY(hotspots->isVisibleTo(&window));
    QCOMPARE(hotspots->topLevelItemCount(),
             int(window.outcome()->dispatches.size()));
    double previous = 101, total = 0;
    for (int row = 0; row < hotspots->topLevelItemCount(); ++row) {
      double share = hotspots->topLevelItem(row)->text(0).toDouble();
      QVERIFY(share <= previous);
      previous = share;
      total += share;
    }
    // Of the calls' time, the host program's own part not included.
    QVERIFY2(total > 0 && total < 100.5, qPrintable(QString::number(total)));
    int top = hotspots->topLevelItem(0)->data(0, Qt::UserRole).toInt();
    for (GraphNodeItem *node : graph->nodeItems())
      if (node->dispatchIndex() == top)
        QCOMPARE(node->heatValue(), 1.0);
      else if (node->dispatchIndex() >= 0)
        QVERIFY(node->heatValue() >= 0 && node->heatValue() <= 1);
    hotspots->setCurrentItem(hotspots->topLevelItem(1));
    QCOMPARE(graph->selectedDispatch(),
             hotspots->topLevelItem(1)->data(0, Qt::UserRole).toInt());
    // A recompile cancelled (Esc) keeps the last whole compile on screen.
    auto whole = window.outcome();
    QSignalSpy shown(&window, &MainWindow::compileShown);
    window.compile();
    QTest::keyClick(&window, Qt::Key_Escape);
    QVERIFY(shown.wait(120000));
    QCOMPARE(window.outcome(), whole);
    QVERIFY(window.findChild<QLabel *>("status")->text().contains("cancelled"));
    // A new compile forgets the profile.
    window.compile();
    QVERIFY(shown.wait(120000));
    QVERIFY(window.outcome() != whole && window.outcome()->succeeded);
    QVERIFY(!hotspots->isVisibleTo(&window));
  }

  void defaultsAUserExpects() {
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    // Nothing pinned: the Compare tab says so, not that the compiles agree.
    window.showView("compare");
    QVERIFY(!window.compareView()->selectNextDifference(true));
    QString summary =
        window.compareView()->findChild<QLabel *>("compareSummary")->text();
    QVERIFY2(summary.contains("pin a compile first"), qPrintable(summary));
    // The run view runs on every core by default, as `tessera run` does,
    // and its table writes every number of a column alike.
    RunView *run = window.runView();
    if (QThread::idealThreadCount() > 1)
      QVERIFY(run->deviceBox()->currentData().toString().startsWith(
          "cpu?workers="));
    QSignalSpy finished(run, &RunView::finished);
    run->run();
    QVERIFY(finished.wait(120000));
    QStandardItemModel *table = run->dispatchModel();
    QVERIFY(table->rowCount() >= 2);
    for (int column : {3, 4, 5, 6})
      for (int row = 0; row < table->rowCount(); ++row) {
        QString text = table->item(row, column)->text();
        QVERIFY2(text.contains('.') && text.size() - text.indexOf('.') - 1 == 1,
                 qPrintable(text));
      }
  }

  void fitsEverydayScreens() {
    MainWindow window;
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    // Whatever tab is shown, the window is as narrow as a small laptop's
    // screen allows; name the widgets that would not let it be. (The
    // compare tab with its longest text: nothing pinned.)
    window.compareView()->selectNextDifference(true);
    for (const char *view :
         {"passes", "diff", "executables", "graph", "compare", "run"}) {
      window.showView(view);
      QApplication::processEvents();
      QStringList wide;
      for (QWidget *child : window.findChildren<QWidget *>())
        if (child->isVisibleTo(&window) &&
            child->minimumSizeHint().width() > 400)
          wide << QStringLiteral("%1 (%2): %3")
                      .arg(child->metaObject()->className(),
                           child->objectName())
                      .arg(child->minimumSizeHint().width());
      QVERIFY2(window.minimumSizeHint().width() <= 1024,
               qPrintable(QStringLiteral("%1: minimum width %2; %3")
                              .arg(view)
                              .arg(window.minimumSizeHint().width())
                              .arg(wide.join(", "))));
      QCOMPARE(window.width(), 1280);
    }
    window.showView("passes");
    QApplication::processEvents();
    // The source is readable beside the IR.
    QVERIFY2(
        window.sourceView()->width() >= 300,
        qPrintable(QStringLiteral("source %1 px, views %2 px (at least "
                                  "%3), passes %4 px")
                       .arg(window.sourceView()->width())
                       .arg(window.findChild<QTabWidget *>("views")->width())
                       .arg(window.findChild<QTabWidget *>("views")
                                ->minimumSizeHint()
                                .width())
                       .arg(window.passTree()->width())));
    QVERIFY(window.irView()->width() >= 300);
    // Pass names are readable: a nested pass's row shows at least 20
    // characters of its name (elided in the middle, whole in the tooltip).
    QTreeView *tree = window.passTree();
    QModelIndex nested;
    std::function<void(const QModelIndex &)> deepest =
        [&](const QModelIndex &parent) {
          for (int row = 0; row < tree->model()->rowCount(parent); ++row) {
            QModelIndex child = tree->model()->index(row, 0, parent);
            if (child.data(PassTreeModel::RecordIndexRole).toInt() >= 0 &&
                child.data().toString().size() >= 30 &&
                (!nested.isValid() ||
                 window.outcome()
                         ->records[child.data(PassTreeModel::RecordIndexRole)
                                       .toInt()]
                         .depth >
                     window.outcome()
                         ->records[nested.data(PassTreeModel::RecordIndexRole)
                                       .toInt()]
                         .depth))
              nested = child;
            deepest(child);
          }
        };
    deepest({});
    QVERIFY(nested.isValid());
    tree->scrollTo(nested);
    QRect cell = tree->visualRect(nested);
    QString full = nested.data().toString();
    QString visible = tree->fontMetrics().elidedText(
        full, tree->textElideMode(), cell.width() - 8);
    QVERIFY2(visible.size() - 1 >= 20,
             qPrintable(QStringLiteral("'%1' shows as '%2' in %3 px")
                            .arg(full, visible)
                            .arg(cell.width())));
    QCOMPARE(tree->textElideMode(), Qt::ElideMiddle);
    QVERIFY(nested.data(Qt::ToolTipRole)
                .toString()
                .contains(QString::fromStdString(
                    window.outcome()
                        ->records[nested.data(PassTreeModel::RecordIndexRole)
                                      .toInt()]
                        .passName)));

    // Every splitter drags: the one between source and views moves.
    auto *split = window.findChild<QSplitter *>("sourceSplit");
    QVERIFY(split);
    QList<int> before = split->sizes();
    split->setSizes({before[0] - 150, before[1] + 150});
    QApplication::processEvents();
    QCOMPARE(split->sizes()[0], before[0] - 150);
    // And the panels collapse: the source all the way.
    QVERIFY(split->isCollapsible(0));

    // The layout is remembered: a window opened after this one was closed
    // comes back as it was left.
    window.setRemembersLayout(true);
    QList<int> left = split->sizes();
    window.close();
    MainWindow again;
    again.restoreLayout();
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(again.size(), window.size());
    QCOMPARE(again.findChild<QSplitter *>("sourceSplit")->sizes(), left);
  }

  void tokensStartWhereTheFontPutsThem() {
    // Lines the explorer shows, with tokens of every class next to each
    // other and a fallback glyph (…) whose advance differs.
    const QStringList lines = {
        "    %0 = hal.interface.binding.subspan set(0) binding(1) : "
        "memref<4x32xf32>",
        "  hal.executable.export public @main_dispatch_0_matmul_4x32 "
        "ordinal(0) layout(#pipeline_layout)",
        "  %cst = arith.constant dense<[1.5, 2.0e-3]> : tensor<2xf32> // … "
        "[affine_map<(d0) -> (d0)>]",
        "\t%1 = \"tessera.op\"(%arg0) {attr = @sym, flag} : (i32) -> i1"};
    IRView view;
    view.resize(1600, 200);
    view.setText(lines.join('\n'));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QImage image = view.viewport()->grab().toImage();
    const QFontMetricsF metrics(view.font());
    const auto &runs = view.lastPaintedRuns();
    QVERIFY(runs.size() > 20);
    int spacesChecked = 0;
    for (int line = 0; line < lines.size(); ++line) {
      QString shown = QString(lines[line]).replace('\t', "  ");
      int next = 0;
      for (const IRView::PaintedRun &run : runs) {
        if (run.line != line)
          continue;
        // Runs cover the line in order, and each starts where the font
        // says the text before it ends.
        QCOMPARE(run.column, next);
        next = run.column + run.length;
        qreal expected = view.textOrigin() +
                         metrics.horizontalAdvance(shown.left(run.column));
        QVERIFY2(std::abs(run.x - expected) < 0.5,
                 qPrintable(QStringLiteral("line %1 column %2: drawn at %3, "
                                           "the font ends the prefix at %4")
                                .arg(line)
                                .arg(run.column)
                                .arg(run.x)
                                .arg(expected)));
      }
      QCOMPARE(next, int(shown.size()));
      // And the pixels agree: where the font puts a space between two
      // glyphs, nothing is drawn (a token drawn over it would ink it).
      int top = line * view.fontMetrics().lineSpacing();
      for (int column = 1; column + 1 < shown.size(); ++column) {
        if (shown[column] != ' ' || shown[column - 1] == ' ' ||
            shown[column + 1] == ' ')
          continue;
        qreal left =
            view.textOrigin() + metrics.horizontalAdvance(shown.left(column));
        qreal right = view.textOrigin() +
                      metrics.horizontalAdvance(shown.left(column + 1));
        int x = int(std::round((left + right) / 2));
        if (right - left < 3 || x >= image.width())
          continue;
        for (int y = top + 2; y < top + view.fontMetrics().lineSpacing() - 2;
             ++y) {
          QColor pixel = image.pixelColor(x, y);
          QVERIFY2(pixel.lightness() > 200,
                   qPrintable(QStringLiteral("ink in the space at line %1 "
                                             "column %2 (x %3, y %4)")
                                  .arg(line)
                                  .arg(column)
                                  .arg(x)
                                  .arg(y)));
        }
        ++spacesChecked;
      }
    }
    QVERIFY(spacesChecked > 20);
  }

  void compileCrashLeavesTheWindowUp() {
    // The test pass crashes where global-opt starts: after the input
    // phase's passes ended (TestCrashPass.h).
    QTemporaryDir dir;
    QString path = dir.filePath("crash.mlir");
    {
      QFile file(path);
      QVERIFY(file.open(QIODevice::WriteOnly));
      file.write("module attributes {tessera.test_crash = 1 : i64} {\n"
                 "  func.func @f(%a: tensor<4xf32>, %b: tensor<4xf32>) -> "
                 "tensor<4xf32> {\n"
                 "    %e = tensor.empty() : tensor<4xf32>\n"
                 "    %r = linalg.add ins(%a, %b : tensor<4xf32>, "
                 "tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>\n"
                 "    return %r : tensor<4xf32>\n"
                 "  }\n"
                 "}\n");
    }
    QByteArray oldTmp = qgetenv("TMPDIR");
    qputenv("TESSERA_TEST_CRASH_PASS", "1");
    qputenv("TMPDIR", dir.path().toUtf8());
    MainWindow window;
    window.show();
    bool shown = openAndWait(window, path);
    qunsetenv("TESSERA_TEST_CRASH_PASS");
    qputenv("TMPDIR", oldTmp);
    QVERIFY(shown);

    auto outcome = window.outcome();
    QVERIFY(outcome->crashed);
    QVERIFY(!outcome->succeeded && !outcome->cancelled);
    QVERIFY2(outcome->crashDescription.find("signal 11") != std::string::npos,
             outcome->crashDescription.c_str());
    QVERIFY(outcome->crashOutput.find("The crash happened in pass "
                                      "`tessera-test-crash`") !=
            std::string::npos);
    // The passes that ended, then the one it died in, shown with the IR it
    // was given (the mark counted down by the input phase's run).
    QCOMPARE(outcome->crashedRecord, int(outcome->records.size()) - 1);
    QVERIFY(outcome->crashedRecord >= 3);
    const PassRecord &crashed = outcome->records[outcome->crashedRecord];
    QCOMPARE(QString::fromStdString(crashed.passArgument),
             QString("tessera-test-crash"));
    QCOMPARE(QString::fromStdString(crashed.phase), QString("global-opt"));
    QCOMPARE(window.currentPass(), outcome->crashedRecord);
    QString text = window.irView()->toPlainText();
    QVERIFY2(text.contains("tessera.test_crash = 0 : i64"), qPrintable(text));
    QVERIFY(text.contains("linalg.add"));
    QVERIFY(window.findChild<QLabel *>("irHeader")->text().contains("crashed"));
    QVERIFY(window.crashBannerWidget()->isVisibleTo(&window));
    QString banner = window.findChild<QLabel *>("crashText")->text();
    QVERIFY2(banner.contains("TestCrashPass"), qPrintable(banner));
    // The reproducer replays the crashing phase.
    QVERIFY(!outcome->reproducerPath.empty());
    QVERIFY(banner.contains(QString::fromStdString(outcome->reproducerPath)));
    QFile reproducer(QString::fromStdString(outcome->reproducerPath));
    QVERIFY(reproducer.open(QIODevice::ReadOnly));
    QVERIFY(reproducer.readAll().contains("tessera-test-crash"));
    // The pass tree marks it; "last good pass" is one click.
    QModelIndex row = window.passModel()->indexOfRecord(outcome->crashedRecord);
    QVERIFY(row.data(Qt::ToolTipRole).toString().contains("failed"));
    QTest::mouseClick(window.lastGoodPassButton(), Qt::LeftButton);
    QCOMPARE(window.currentPass(), outcome->crashedRecord - 1);
    QCOMPARE(
        QString::fromStdString(outcome->records[window.currentPass()].phase),
        QString("input"));

    // The window goes on: the next compile works and the banner goes.
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    QVERIFY(window.outcome()->succeeded);
    QVERIFY(!window.outcome()->crashed);
    QVERIFY(!window.crashBannerWidget()->isVisibleTo(&window));

    // An LLVM fatal error in a pass: the same.
    qputenv("TESSERA_TEST_CRASH_PASS", "fatal");
    qputenv("TMPDIR", dir.path().toUtf8());
    shown = openAndWait(window, path);
    qunsetenv("TESSERA_TEST_CRASH_PASS");
    qputenv("TMPDIR", oldTmp);
    QVERIFY(shown);
    outcome = window.outcome();
    QVERIFY(outcome->crashed);
    QVERIFY2(outcome->crashOutput.find("a fatal error, for tests") !=
                 std::string::npos,
             outcome->crashOutput.c_str());
    QCOMPARE(QString::fromStdString(
                 outcome->records[outcome->crashedRecord].passArgument),
             QString("tessera-test-crash"));
    QVERIFY(window.crashBannerWidget()->isVisibleTo(&window));
  }

  void outcomeStreamRoundTrips() {
    // A real compile, written as the child writes it and read back in
    // chunks of every size.
    CompileRequest request;
    request.file = TESSERA_EXAMPLES_DIR "/mlp.mlir";
    std::string bytes;
    OutcomeWriter writer([&](llvm::StringRef chunk) { bytes += chunk.str(); });
    CompileHooks hooks;
    hooks.sourceRead = [&](const std::string &source,
                           const std::string &reproducer) {
      writer.writeSource(source, reproducer);
    };
    hooks.passBegan = [&](const PassRecord &record) {
      writer.writeStarted(record);
    };
    hooks.passEnded = [&](const PassRecord &record) {
      writer.writeRecord(record);
    };
    CompileOutcome original = compileForExplorer(request, nullptr, hooks);
    QVERIFY(original.succeeded);
    writer.writeEnd(original);

    std::mt19937 random(7);
    OutcomeReader reader;
    for (size_t at = 0; at < bytes.size();) {
      size_t chunk = std::min<size_t>(bytes.size() - at, 1 + random() % 9000);
      QVERIFY(reader.consume(llvm::StringRef(bytes).substr(at, chunk)));
      at += chunk;
    }
    QVERIFY(reader.isComplete());
    QVERIFY(reader.getRunning().empty());
    const CompileOutcome &copy = reader.getOutcome();
    QCOMPARE(copy.source, original.source);
    QCOMPARE(copy.records.size(), original.records.size());
    for (size_t i = 0; i < copy.records.size(); ++i) {
      const PassRecord &a = original.records[i], &b = copy.records[i];
      QCOMPARE(b.passArgument, a.passArgument);
      QCOMPARE(b.nesting, a.nesting);
      QCOMPARE(b.changed, a.changed);
      QCOMPARE(b.irAfter->str(), a.irAfter->str());
      QCOMPARE(b.irAfter->sources.size(), a.irAfter->sources.size());
      // Shared snapshots stay shared.
      QCOMPARE(b.irBefore == b.irAfter, a.irBefore == a.irAfter);
    }
    QCOMPARE(copy.diagnostics.size(), original.diagnostics.size());
    QCOMPARE(copy.dispatches.size(), original.dispatches.size());
    for (size_t i = 0; i < copy.dispatches.size(); ++i) {
      QCOMPARE(copy.dispatches[i].exportRef, original.dispatches[i].exportRef);
      QCOMPARE(copy.dispatches[i].ops.size(),
               original.dispatches[i].ops.size());
    }
    QCOMPARE(copy.graph.edges.size(), original.graph.edges.size());
    QCOMPARE(copy.executables.size(), original.executables.size());
    QCOMPARE(copy.executables[0].variants[0].binary,
             original.executables[0].variants[0].binary);
    QCOMPARE(copy.llvmIR.size(), original.llvmIR.size());
    QVERIFY(copy.moduleBytes == original.moduleBytes);

    // A damaged stream is refused, never read out of bounds: cut short
    // anywhere, or with bytes changed.
    for (int trial = 0; trial < 300; ++trial) {
      std::string damaged = bytes;
      if (trial % 3 == 0)
        damaged.resize(random() % bytes.size());
      else
        for (int flips = 0; flips < 1 + trial % 5; ++flips)
          damaged[random() % damaged.size()] = char(random());
      OutcomeReader bad;
      bad.consume(damaged);
      if (trial % 3 == 0)
        QVERIFY(!bad.isComplete() || damaged.size() == bytes.size());
    }
  }

  void alignedPassesOfTwoCompiles() {
    CompileRequest request;
    request.file = TESSERA_EXAMPLES_DIR "/mlp.mlir";
    CompileOutcome a = compileForExplorer(request);
    CompileOutcome b = compileForExplorer(request);
    QVERIFY(a.succeeded && b.succeeded);
    // The same compile twice: every pass paired, the same IR after each.
    std::vector<AlignedPass> same = alignPasses(a.records, b.records);
    QCOMPARE(same.size(), a.records.size());
    for (const AlignedPass &row : same) {
      QVERIFY(row.left >= 0 && row.right >= 0);
      QCOMPARE(passAlignmentKey(a.records[row.left]),
               passAlignmentKey(b.records[row.right]));
      QVERIFY2(!row.irDiffers, a.records[row.left].passName.c_str());
    }
    // Unlinked: linking and serializing the linked executable ran on the
    // left only, serializing each dispatch's on the right only; up to
    // linking the nested codegen passes pair up (though they ran in any
    // order) and print the same IR (after it, host functions name other
    // executables).
    auto isAfterLinking = [](const PassRecord &record) {
      return record.phase == "host" || record.phase == "serialize" ||
             record.phase == "loader";
    };
    request.linkExecutables = false;
    CompileOutcome unlinked = compileForExplorer(request);
    std::vector<AlignedPass> rows = alignPasses(a.records, unlinked.records);
    QStringList leftOnly, rightOnly;
    for (const AlignedPass &row : rows) {
      if (row.right < 0)
        leftOnly << QString::fromStdString(a.records[row.left].passName + " " +
                                           a.records[row.left].anchorSymbol);
      else if (row.left < 0)
        rightOnly << QString::fromStdString(
            unlinked.records[row.right].passName + " " +
            unlinked.records[row.right].anchorSymbol);
      else if (!isAfterLinking(a.records[row.left]))
        QVERIFY(!row.irDiffers);
    }
    QCOMPARE(leftOnly,
             QStringList({"LinkExecutablesPass ",
                          "SerializeSPIRVExecutablesPass linked_llvm_cpu",
                          "SerializeExecutablesPass linked_llvm_cpu"}));
    QCOMPARE(rightOnly,
             QStringList({"SerializeSPIRVExecutablesPass predict_dispatch_0",
                          "SerializeExecutablesPass predict_dispatch_0",
                          "SerializeSPIRVExecutablesPass predict_dispatch_1",
                          "SerializeExecutablesPass predict_dispatch_1"}));
  }

  void compareAnotherTargetAndAnEdit() {
    QTemporaryDir dir;
    QString path = dir.filePath("mlp.mlir");
    QVERIFY(QFile::copy(TESSERA_EXAMPLES_DIR "/mlp.mlir", path));
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, path));
    window.pinForComparison();
    CompareView *compare = window.compareView();
    QVERIFY(compare->hasLeft());
    QCOMPARE(window.findChild<QTabWidget *>("views")->currentWidget(),
             static_cast<QWidget *>(compare));
    // Pinned against itself: nothing differs.
    QVERIFY(!compare->selectNextDifference(true));

    // Another triple: the headers say so, the first difference is where
    // the target is materialized, and its diff shows the changed lines.
    CompileRequest aarch64 = window.currentRequest();
    aarch64.targetTriple = "aarch64-unknown-linux-gnu";
    window.setRequestTemplate(aarch64);
    QSignalSpy shown(&window, &MainWindow::compileShown);
    window.compile();
    QVERIFY(shown.wait(120000));
    QVERIFY(compare->rightHeader()->text().contains(
        "<b>aarch64-unknown-linux-gnu</b>"));
    QVERIFY(compare->leftHeader()->text().contains("<b>host</b>"));
    QVERIFY(compare->selectNextDifference(true));
    const AlignedPass &first = compare->rows()[compare->currentRow()];
    auto right = window.outcome();
    QCOMPARE(QString::fromStdString(right->records[first.right].passName),
             QString("MaterializeInterfacesPass"));
    QVERIFY(compare->diffView()->addedLines() > 0);
    QVERIFY(compare->diffView()->removedLines() > 0);
    QVERIFY(
        compare->diffView()->rightView()->toPlainText().contains("aarch64"));
    // The row's pass is the window's pass, and the other way round.
    QCOMPARE(window.currentPass(), first.right);
    window.selectPass(first.right + 1);
    QCOMPARE(compare->rows()[compare->currentRow()].right, first.right + 1);
    // Stepping through differences moves on, and ends.
    int steps = 0;
    while (compare->selectNextDifference(false))
      QVERIFY(++steps < 1000);
    QVERIFY(steps > 0);

    // Before and after an edit: pin, change the file, recompile on save.
    window.setRequestTemplate(window.currentRequest());
    window.pinForComparison();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray text = file.readAll();
    file.close();
    text.replace("%r = arith.maximumf %s, %zero : f32",
                 "%r = arith.minimumf %s, %zero : f32");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
    file.close();
    QVERIFY(shown.wait(120000));
    QVERIFY(compare->rightHeader()->text().contains("source edited"));
    QVERIFY(compare->selectNextDifference(true));
    QVERIFY(compare->diffView()->rightView()->toPlainText().contains(
        "arith.minimumf"));
    QVERIFY(compare->diffView()->leftView()->toPlainText().contains(
        "arith.maximumf"));
  }

  void droppedAndRecentFilesOpen() {
    // Settings in a scratch folder, not the user's.
    QTemporaryDir settingsDir;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       settingsDir.path());
    QSettings("Tessera", "Explorer").clear();
    QString path =
        QFileInfo(TESSERA_EXAMPLES_DIR "/softmax.mlir").absoluteFilePath();
    {
      MainWindow window;
      window.show();
      QMimeData mime;
      mime.setUrls({QUrl::fromLocalFile(path)});
      QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime,
                            Qt::LeftButton, Qt::NoModifier);
      QApplication::sendEvent(&window, &enter);
      QVERIFY(enter.isAccepted());
      QSignalSpy shown(&window, &MainWindow::compileShown);
      QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton,
                      Qt::NoModifier);
      QApplication::sendEvent(&window, &drop);
      QVERIFY(shown.wait(120000));
      QVERIFY(window.windowTitle().startsWith("softmax.mlir"));
      QVERIFY(window.outcome()->succeeded);
    }
    QCOMPARE(
        QSettings("Tessera", "Explorer").value("recentFiles").toStringList(),
        QStringList{path});
    // A new window lists it under File > Open Recent, and opens it.
    MainWindow window;
    window.show();
    QAction *recent = nullptr;
    for (QAction *menu : window.menuBar()->actions())
      if (menu->menu())
        for (QAction *action : menu->menu()->actions())
          if (action->menu() && action->text() == "Open &Recent" &&
              !action->menu()->actions().isEmpty())
            recent = action->menu()->actions().front();
    QVERIFY(recent);
    QCOMPARE(recent->text(), path);
    QSignalSpy shown(&window, &MainWindow::compileShown);
    recent->trigger();
    QVERIFY(shown.wait(120000));
    QVERIFY(window.windowTitle().startsWith("softmax.mlir"));
  }

  void compileErrorsAreListedAndJumpToTheSource() {
    QTemporaryDir dir;
    QString path = dir.filePath("broken.mlir");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
               "  %0 = arith.addf %a, %a : tensor<4xf32>\n"
               "  return %1 : tensor<4xf32>\n"
               "}\n");
    file.close();
    MainWindow window;
    window.show();
    QVERIFY(openAndWait(window, path));
    QVERIFY(!window.outcome()->succeeded);
    DiagnosticsList *list = window.diagnosticsList();
    QVERIFY(list->topLevelItemCount() >= 1);
    QTreeWidgetItem *item = list->topLevelItem(0);
    QCOMPARE(item->text(0), QString("error"));
    QCOMPARE(item->text(1), QString("broken.mlir:3:10"));
    QVERIFY(item->text(2).contains("undeclared SSA value"));
    // Clicking it moves the source cursor there.
    QRect rect = list->visualItemRect(item);
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(window.sourceView()->cursorLine(), 2);
    QCOMPARE(window.sourceView()->cursorColumn(), 9);

    // Fixing the file recompiles it (watch) and clears the error.
    QSignalSpy shown(&window, &MainWindow::compileShown);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {\n"
               "  %0 = arith.addf %a, %a : tensor<4xf32>\n"
               "  return %0 : tensor<4xf32>\n"
               "}\n");
    file.close();
    QVERIFY(shown.wait(120000));
    QVERIFY(window.outcome()->succeeded);
    QCOMPARE(list->topLevelItemCount(), 0);
  }
};

QTEST_MAIN(ExplorerTest)
#include "ExplorerTest.moc"
