//===- RunViewTest.cpp - The explorer's run / profile view ----------------===//
//
// Drives the real widgets under the offscreen platform: the MLP compiled by
// the explorer runs on the CPU (and on Vulkan where a device exists); the
// values shown are checked against the runtime called directly, the
// timeline against the repetitions, the table against the exported trace,
// and a dispatch re-run alone against what it wrote in the full call.
//
//===----------------------------------------------------------------------===//

#include "RunView.h"
#include "ExecutablesView.h"
#include "MainWindow.h"
#include "Npy.h"
#include "TimelineView.h"
#include "tessera/runtime/Module.h"

#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace tessera::explorer;
namespace rt = tessera::rt;

class RunViewTest : public QObject {
  Q_OBJECT

  bool openAndWait(MainWindow &window, const QString &file) {
    QSignalSpy shown(&window, &MainWindow::compileShown);
    window.openFile(file);
    return shown.wait(120000);
  }

  /// The MLP on a 4x16 input of ones, run by the runtime directly.
  std::vector<rt::Tensor> reference(const std::string &moduleBytes) {
    auto module = rt::Module::loadBytes(moduleBytes.data(), moduleBytes.size());
    if (!module)
      return {};
    auto ones = rt::Tensor::allocate(rt::ElementType::F32, {4, 16});
    for (int i = 0; i < 64; ++i)
      ones->mutableData<float>()[i] = 1.0f;
    rt::Session session(*module);
    auto results = session.call("predict", {*ones});
    return results ? *results : std::vector<rt::Tensor>{};
  }

  /// The device `name` exactly ("cpu": inline), else the first whose name
  /// starts with it ("cpu?workers=").
  void chooseDevice(RunView *view, const QString &name) {
    int exact = view->deviceBox()->findData(name);
    if (exact >= 0) {
      view->deviceBox()->setCurrentIndex(exact);
      return;
    }
    for (int i = 0; i < view->deviceBox()->count(); ++i)
      if (view->deviceBox()->itemData(i).toString().startsWith(name)) {
        view->deviceBox()->setCurrentIndex(i);
        return;
      }
  }

  bool runAndWait(RunView *view, const QString &compareWith = QString()) {
    QSignalSpy done(view, &RunView::finished);
    view->run(compareWith);
    return done.wait(120000) && done.front().front().toBool();
  }

private Q_SLOTS:
  void showsTheMemoryTimelineOfACall() {
    MainWindow window;
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    RunView *view = window.runView();
    view->repetitionsBox()->setValue(2);
    QVERIFY(runAndWait(view));
    const auto &calls = view->outcome()->profile.calls;
    QCOMPARE(calls.size(), size_t(2));
    // The peak is the largest working set of the last call's dispatches,
    // and the dispatch that holds it.
    uint64_t largest = 0;
    int at = -1;
    for (size_t i = 0; i < calls.back().dispatches.size(); ++i)
      if (at < 0 || calls.back().dispatches[i].liveBytes > largest) {
        largest = calls.back().dispatches[i].liveBytes;
        at = int(i);
      }
    QVERIFY(largest > 0);
    const rt::tooling::MemoryPeak &peak = view->memoryPeak();
    QCOMPARE(peak.bytes, largest);
    QCOMPARE(peak.dispatch, at);
    QCOMPARE(peak.exportName, calls.back().dispatches[at].exportName);
    QString text = view->findChild<QLabel *>("memoryPeak")->text();
    // Its size in a unit it reads in (mlp's few hundred bytes in B), its
    // dispatch by name and position from 1.
    QVERIFY2(text.contains(QString("Peak %1 B").arg(largest)) &&
                 text.contains(QString("%1 (its dispatch %2 of %3)")
                                   .arg(QString::fromStdString(
                                       calls.back().dispatches[at].exportName))
                                   .arg(at + 1)
                                   .arg(calls.back().dispatches.size())),
             qPrintable(text));
    QCOMPARE(view->memoryChartView()->chart()->series().size(), 2);
  }

  void runsAndProfilesTheMlpOnTheCpu() {
    MainWindow window;
    window.resize(1400, 900);
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    QVERIFY(window.outcome()->succeeded);
    RunView *view = window.runView();
    QCOMPARE(view->functionBox()->count(), 1);
    QCOMPARE(view->functionBox()->currentText(), QString("predict"));
    view->inputKindBox()->setCurrentIndex(
        view->inputKindBox()->findText("ones"));
    chooseDevice(view, "cpu");
    view->repetitionsBox()->setValue(3);
    view->captureBox()->setChecked(true);
    QVERIFY(runAndWait(view));

    // The values shown are the runtime's.
    std::vector<rt::Tensor> expected = reference(window.outcome()->moduleBytes);
    QCOMPARE(expected.size(), size_t(1));
    QTableWidget *table = view->outputTable();
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->columnCount(), 10);
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 10; ++c)
        QCOMPARE(
            table->item(r, c)->text(),
            QString::number(expected[0].elementAsDouble(r * 10 + c), 'g', 8));
    QVERIFY(view->statsLabel()->text().contains("NaN 0  Inf 0"));

    // Timeline: a call per repetition on the host lane, every dispatch of
    // every repetition on the CPU's.
    const auto &items = view->timeline()->items();
    int calls = 0, dispatches = 0;
    for (const TimelineView::Item &item : items)
      (item.exportName.isEmpty() ? calls : dispatches) += 1;
    QCOMPARE(calls, 3);
    QCOMPARE(dispatches, 2 * 3);
    QCOMPARE(view->timeline()->lanes(), QStringList({"host @predict", "cpu"}));
    double before = view->timeline()->scale();
    view->timeline()->zoom(4, 300);
    QVERIFY(view->timeline()->scale() < before / 3.9);

    // The table's totals are the trace's.
    QTemporaryDir dir;
    QString error;
    QVERIFY2(view->exportTrace(dir.filePath("trace.json"), &error),
             qPrintable(error));
    QFile traceFile(dir.filePath("trace.json"));
    QVERIFY(traceFile.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    QJsonDocument trace =
        QJsonDocument::fromJson(traceFile.readAll(), &parseError);
    QVERIFY2(!trace.isNull(), qPrintable(parseError.errorString()));
    double traced = 0;
    int tracedDispatches = 0;
    QSet<QString> names;
    for (const QJsonValue &event : trace.object()["traceEvents"].toArray()) {
      QJsonObject object = event.toObject();
      if (object["cat"].toString() != "dispatch")
        continue;
      ++tracedDispatches;
      traced += object["dur"].toDouble();
      names.insert(object["name"].toString());
      QCOMPARE(object["ph"].toString(), QString("X"));
      QCOMPARE(object["args"].toObject()["workgroups"].toArray().size(), 3);
    }
    QCOMPARE(tracedDispatches, 6);
    QCOMPARE(names, QSet<QString>({"predict_dispatch_0_matmul_4x32",
                                   "predict_dispatch_1_matmul_4x10"}));
    QStandardItemModel *model = view->dispatchModel();
    QCOMPARE(model->rowCount(), 2);
    double tabled = 0;
    for (int r = 0; r < model->rowCount(); ++r) {
      QCOMPARE(model->item(r, 2)->data(Qt::DisplayRole).toInt(), 3);
      tabled += model->item(r, 3)->data(Qt::DisplayRole).toDouble();
    }
    QVERIFY2(std::abs(tabled - traced) <= 0.05 * model->rowCount() + 0.01,
             qPrintable(
                 QString("table %1 us, trace %2 us").arg(tabled).arg(traced)));
    // The chart has a bar per export.
    auto *series = qobject_cast<QBarSeries *>(
        view->chartView()->chart()->series().front());
    QVERIFY(series);
    QCOMPARE(series->barSets().front()->count(), 2);

    // CSV and .npy exports.
    QVERIFY(view->exportTable(dir.filePath("table.csv"), &error));
    QFile csv(dir.filePath("table.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(csv.readAll().count('\n'), 3);
    QVERIFY(view->saveResults(dir.filePath("out.npy"), &error));
    auto saved = rt::tooling::readNpy(dir.filePath("out.npy").toStdString());
    QVERIFY(saved.ok());
    QCOMPARE(std::memcmp(saved->tensor.bytes(), expected[0].bytes(),
                         expected[0].byteSize()),
             0);

    // A dispatch picked in the table shows its export.
    QSignalSpy selected(window.executablesView(),
                        &ExecutablesView::exportSelected);
    QModelIndex first = model->index(0, 0);
    view->dispatchTable()->setCurrentIndex(first);
    Q_EMIT view->dispatchTable()->clicked(first);
    QVERIFY(!selected.isEmpty());
    QVERIFY(selected.back().front().toString().endsWith(
        "::@" + model->item(0, 0)->text()));

    // Re-run alone on its captured inputs: the same output buffer.
    QCOMPARE(view->outcome()->captures.size(), size_t(2));
    QSignalSpy replayed(view, &RunView::replayFinished);
    QVERIFY(view->replay("predict_dispatch_1_matmul_4x10"));
    QVERIFY(replayed.wait(60000));
    QVERIFY(replayed.front().front().toBool());
    QVERIFY(view->replayOutcome()->matchesCall);
    QCOMPARE(view->replayOutcome()->replay.microseconds.size(), size_t(3));
    QVERIFY(view->statusLabel()->text().contains("identical to the full run"));
    QVERIFY(!view->replay("no_such_export"));

    // Kept as a baseline, the next run's table shows the change per export.
    view->keepAsBaseline();
    view->captureBox()->setChecked(false);
    // Typed inputs win over generated ones (zeros here): ones typed give
    // the ones result.
    view->inputKindBox()->setCurrentIndex(
        view->inputKindBox()->findText("zeros"));
    view->typedInputsEdit()->setText("4x16xf32=1");
    QVERIFY(runAndWait(view));
    QCOMPARE(table->item(3, 9)->text(),
             QString::number(expected[0].elementAsDouble(39), 'g', 8));
    QCOMPARE(model->columnCount(), 10);
    QCOMPARE(model->horizontalHeaderItem(9)->text(), QString("Change (%)"));
    QVERIFY(model->item(0, 8)->data(Qt::DisplayRole).toDouble() > 0);
    // The matmul's GFLOP/s, from the flop count its export carries.
    QCOMPARE(model->horizontalHeaderItem(7)->text(), QString("GFLOP/s"));
    QVERIFY(model->item(0, 7)->data(Qt::DisplayRole).toDouble() > 0);
    // A wrong number of typed inputs fails the run with the reason.
    view->typedInputsEdit()->setText("4x16xf32=1; 3.0");
    QVERIFY(!runAndWait(view));
    QVERIFY(view->statusLabel()->text().contains("takes 1 inputs, 2 typed"));
  }

  void showsOneMatrixOfHigherRanksAtATime() {
    MainWindow window;
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/conv.mlir"));
    RunView *view = window.runView();
    view->inputKindBox()->setCurrentIndex(
        view->inputKindBox()->findText("iota"));
    chooseDevice(view, "cpu");
    view->repetitionsBox()->setValue(1);
    QVERIFY(runAndWait(view));
    const rt::Tensor &result = view->outcome()->profile.results[0];
    QCOMPARE(result.shape(), std::vector<int64_t>({1, 32, 32, 32}));
    QVERIFY(!view->sliceBox()->isHidden());
    QCOMPARE(view->sliceBox()->maximum(), 31);
    QCOMPARE(view->outputTable()->rowCount(), 32);
    view->sliceBox()->setValue(5);
    QCOMPARE(
        view->outputTable()->item(2, 3)->text(),
        QString::number(result.elementAsDouble(5 * 1024 + 2 * 32 + 3), 'g', 8));

    // Threaded (task workers): the same values, each worker's share of a
    // dispatch on its own lane.
    rt::Tensor inlineResult = result;
    chooseDevice(view, "cpu?workers=");
    if (!view->deviceBox()->currentData().toString().startsWith("cpu?workers="))
      QSKIP("one core: no threaded CPU device");
    QVERIFY(runAndWait(view));
    const rt::Tensor &threaded = view->outcome()->profile.results[0];
    QCOMPARE(std::memcmp(threaded.bytes(), inlineResult.bytes(),
                         inlineResult.byteSize()),
             0);
    QVERIFY(view->timeline()->lanes().contains("cpu worker 0"));
    QVERIFY(view->timeline()->lanes().contains("cpu worker 1"));
  }

  void runsOnVulkanLikeOnTheCpu() {
    MainWindow window;
    QVERIFY(openAndWait(window, TESSERA_EXAMPLES_DIR "/mlp.mlir"));
    RunView *view = window.runView();
    if (!view->hasVulkan())
      QSKIP("no Vulkan device: the run view lists only the CPU");
    // One module for both devices (its Vulkan variant loads on the device).
    CompileRequest request = window.currentRequest();
    request.targets = {"llvm-cpu", "vulkan-spirv"};
    window.setRequestTemplate(request);
    QSignalSpy shown(&window, &MainWindow::compileShown);
    window.compile();
    QVERIFY(shown.wait(120000));
    QVERIFY(window.outcome()->succeeded);
    view->inputKindBox()->setCurrentIndex(
        view->inputKindBox()->findText("ones"));
    chooseDevice(view, "vulkan://");
    view->repetitionsBox()->setValue(2);
    view->captureBox()->setChecked(true);
    // Runs on Vulkan and compares with the CPU.
    QVERIFY(runAndWait(view, "cpu"));
    const RunOutcome &outcome = *view->outcome();
    QVERIFY(QString::fromStdString(outcome.device).startsWith("vulkan://"));
    QCOMPARE(outcome.differences.size(), size_t(1));
    QCOMPARE(outcome.differences[0].firstMismatch, int64_t(-1));
    for (const auto &call : outcome.profile.calls)
      for (const rt::DispatchRecord &dispatch : call.dispatches)
        QVERIFY(
            QString::fromStdString(dispatch.device).startsWith("vulkan://"));
    QCOMPARE(view->timeline()->lanes().size(), 2);
    QSignalSpy replayed(view, &RunView::replayFinished);
    QVERIFY(view->replay("predict_dispatch_0_matmul_4x32"));
    QVERIFY(replayed.wait(60000));
    QVERIFY(view->replayOutcome()->matchesCall);
  }
};

QTEST_MAIN(RunViewTest)
#include "RunViewTest.moc"
