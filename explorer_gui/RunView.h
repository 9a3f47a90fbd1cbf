//===- RunView.h - Running and profiling the compiled module ----*- C++ -*-===//
//
// Runs a function of the compile's module on the CPU or a Vulkan device,
// on a worker thread: inputs made up (zeros, ones, iota, seeded random),
// the results as tables with their statistics, saved to .npy; N profiled
// repetitions as a timeline, a sortable dispatch table and a chart of
// per-dispatch times, exported as Chrome trace JSON or CSV; the results of
// two devices compared. The runtime and its profiling API (tooling/Profile)
// do the work, as for `tessera run --profile`.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_RUNVIEW_H
#define TESSERA_EXPLORER_RUNVIEW_H

#include "InputGenerator.h"
#include "Profile.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>
#include <string>

class QChartView;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QStandardItemModel;
class QTableView;
class QTableWidget;

namespace tessera::explorer {

class TimelineView;

/// One run as the view shows it.
struct RunOutcome {
  bool succeeded = false;
  std::string error;
  /// "cpu" or "vulkan://N".
  std::string device;
  std::vector<tessera::rt::Tensor> inputs;
  tessera::rt::tooling::Profile profile;
  /// With a comparison: the other device and how its results differ.
  std::string otherDevice;
  std::vector<tessera::rt::Tensor> otherResults;
  std::vector<tessera::rt::tooling::TensorDifference> differences;
  /// With capture on: every dispatch of one more call, its bindings before
  /// and after, and the module they ran in (to run them again alone).
  std::vector<tessera::rt::DispatchCapture> captures;
  std::shared_ptr<tessera::rt::Module> loaded;
};

/// One dispatch run alone on its captured inputs.
struct ReplayOutcome {
  bool succeeded = false;
  std::string error;
  std::string exportName;
  tessera::rt::DispatchReplay replay;
  /// Whether every binding it wrote equals what the full call wrote.
  bool matchesCall = false;
};

class RunView : public QWidget {
  Q_OBJECT
public:
  explicit RunView(QWidget *parent = nullptr);
  ~RunView() override;

  /// The module to run: a complete compile's bytes (empty: nothing to run).
  void setModule(std::string bytes, const QString &name);

  QComboBox *functionBox() const { return functions; }
  QComboBox *inputKindBox() const { return inputKinds; }
  QComboBox *deviceBox() const { return devices; }
  QSpinBox *seedBox() const { return seed; }
  QSpinBox *repetitionsBox() const { return repetitions; }
  QComboBox *resultBox() const { return resultChoice; }
  /// Which matrix of a result of rank > 2 the table shows.
  QSpinBox *sliceBox() const { return slice; }
  QTableWidget *outputTable() const { return output; }
  QLabel *statsLabel() const { return stats; }
  QLabel *statusLabel() const { return status; }
  TimelineView *timeline() const { return timelineView; }
  QTableView *dispatchTable() const { return table; }
  QStandardItemModel *dispatchModel() const { return tableModel; }
  QChartView *chartView() const { return chart; }
  /// The memory timeline of the last call: the host memory the call held
  /// at each dispatch (DispatchRecord::liveBytes), its peak and where.
  QChartView *memoryChartView() const { return memoryChart; }
  const tessera::rt::tooling::MemoryPeak &memoryPeak() const { return peak; }

  /// Starts a run with the chosen function, inputs, device and
  /// repetitions (on a worker thread); `finished` tells when it is shown.
  /// With `compareWith`, the same inputs also run there once. False (and
  /// no `finished`) when nothing can run: no module, or a run under way.
  bool run(const QString &compareWith = QString());
  bool isRunning() const;
  /// Whether a Vulkan device is listed (comparing devices needs one).
  bool hasVulkan() const;
  std::shared_ptr<const RunOutcome> outcome() const { return latest; }
  QCheckBox *captureBox() const { return captureDispatches; }
  /// Inputs typed in IREE syntax or as @file.npy, ';' between (empty:
  /// generated).
  QLineEdit *typedInputsEdit() const { return typedInputs; }
  /// Keeps the last run: the table then shows each export's mean time in
  /// it and the change.
  void keepAsBaseline();
  std::shared_ptr<const RunOutcome> baselineRun() const { return baseline; }
  /// Runs the captured dispatch of `exportName` alone, the chosen number of
  /// repetitions, on a worker thread; `replayFinished` tells when done.
  /// False when the last run captured no such dispatch.
  bool replay(const QString &exportName);
  std::shared_ptr<const ReplayOutcome> replayOutcome() const {
    return latestReplay;
  }

  bool exportTrace(const QString &path, QString *error) const;
  bool exportTable(const QString &path, QString *error) const;
  /// The results as .npy (several arrays appended in one file).
  bool saveResults(const QString &path, QString *error) const;

Q_SIGNALS:
  void finished(bool succeeded);
  void replayFinished(bool succeeded);
  /// A dispatch was picked (timeline or table): its export.
  void exportActivated(const QString &exportName);

private:
  void show(std::shared_ptr<const RunOutcome> outcome);
  void showResult(int index);

  std::shared_ptr<const std::string> module;
  QString moduleName;
  std::shared_ptr<const RunOutcome> latest;
  std::shared_ptr<const ReplayOutcome> latestReplay;
  std::shared_ptr<const RunOutcome> baseline;
  QLineEdit *typedInputs;
  QPushButton *baselineButton;
  QFutureWatcher<std::shared_ptr<RunOutcome>> *watcher;
  QFutureWatcher<std::shared_ptr<ReplayOutcome>> *replayWatcher;
  QCheckBox *captureDispatches;
  QPushButton *replayButton;

  QComboBox *functions, *inputKinds, *devices, *resultChoice;
  QSpinBox *seed, *repetitions, *slice;
  QPushButton *runButton, *compareButton;
  QLabel *status, *stats, *comparison;
  QTableWidget *output;
  TimelineView *timelineView;
  QStandardItemModel *tableModel;
  QTableView *table;
  QChartView *chart;
  QChartView *memoryChart;
  QLabel *memoryText;
  tessera::rt::tooling::MemoryPeak peak;
  /// Draws the last call's memory timeline.
  void showMemory(const tessera::rt::tooling::Profile &profile);
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_RUNVIEW_H
