//===- RunView.cpp - Running and profiling the compiled module ------------===//

#include "RunView.h"

#include "Npy.h"
#include "Pipeline/OutputFile.h"
#include "TensorText.h"
#include "TimelineView.h"
#include "tessera/runtime/Module.h"
#include "tessera/runtime/Session.h"
#include "tessera/runtime/VulkanDevice.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLineSeries>
#include <QMenu>
#include <QPushButton>
#include <QScatterSeries>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

using tessera::rt::Tensor;
namespace tooling = tessera::rt::tooling;

namespace tessera::explorer {

namespace {

/// The Vulkan devices, found once per process (enumerating loads the
/// driver).
const std::vector<rt::vulkan::DeviceInfo> &vulkanDevices() {
  static const std::vector<rt::vulkan::DeviceInfo> devices = [] {
    auto found = rt::vulkan::Device::enumerate();
    return found ? *found : std::vector<rt::vulkan::DeviceInfo>{};
  }();
  return devices;
}

/// `device`: "cpu", "cpu?workers=N" or "vulkan://N" (Runtime::createDevice);
/// a device that is not the CPU runs beside it.
rt::StatusOr<std::shared_ptr<rt::Module>> loadOn(const std::string &bytes,
                                                 const std::string &name,
                                                 const std::string &device) {
  auto runtime = rt::Runtime::create(device);
  if (!runtime)
    return runtime.status();
  return runtime->loadModule(bytes.data(), bytes.size(), name);
}

struct RunRequest {
  std::shared_ptr<const std::string> module;
  std::string name, function, device, compareWith;
  tooling::InputKind kind;
  uint64_t seed;
  int repetitions;
  bool capture;
  /// Inputs in IREE syntax or @file.npy, one per input, ';' between; empty:
  /// generated.
  std::string typed;
};

std::vector<std::string> splitInputs(const std::string &text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos)
      end = text.size();
    std::string part = text.substr(start, end - start);
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    if (!part.empty())
      parts.push_back(part);
    start = end + 1;
  }
  return parts;
}

std::shared_ptr<RunOutcome> execute(const RunRequest &request) {
  auto outcome = std::make_shared<RunOutcome>();
  outcome->device = request.device;
  auto module = loadOn(*request.module, request.name, request.device);
  if (!module) {
    outcome->error = module.status().message();
    return outcome;
  }
  const rt::FunctionSignature *signature =
      (*module)->findFunction(request.function);
  if (!signature) {
    outcome->error = "no function '" + request.function + "' in the module";
    return outcome;
  }
  std::vector<std::string> typed = splitInputs(request.typed);
  if (!typed.empty() && typed.size() != signature->inputs.size()) {
    outcome->error = "@" + request.function + " takes " +
                     std::to_string(signature->inputs.size()) + " inputs, " +
                     std::to_string(typed.size()) +
                     " typed; its signature is " + signature->str();
    return outcome;
  }
  tooling::TensorParser parser;
  for (size_t i = 0; i < signature->inputs.size(); ++i) {
    const rt::TensorType &type = signature->inputs[i];
    auto input = typed.empty()
                     ? tooling::generateInput(type, request.kind, request.seed)
                     : parser.parse(typed[i], &type);
    if (!input) {
      outcome->error =
          "input " + std::to_string(i) + ": " + input.status().message();
      return outcome;
    }
    outcome->inputs.push_back(std::move(*input));
  }
  rt::Session session(*module);
  auto profile = tooling::profileCalls(session, request.function,
                                       outcome->inputs, request.repetitions);
  if (!profile) {
    outcome->error = profile.status().message();
    return outcome;
  }
  outcome->profile = std::move(*profile);
  if (request.capture) {
    // One more call, captured (apart from the profiled ones: capturing
    // copies every binding and runs device dispatches one by one).
    session.setDispatchCapture([&](rt::DispatchCapture &&capture) {
      outcome->captures.push_back(std::move(capture));
    });
    auto captured = session.call(request.function, outcome->inputs);
    session.setDispatchCapture(nullptr);
    if (!captured) {
      outcome->error = captured.status().message();
      return outcome;
    }
    outcome->loaded = *module;
  }
  if (!request.compareWith.empty()) {
    auto other = loadOn(*request.module, request.name, request.compareWith);
    if (!other) {
      outcome->error = request.compareWith + ": " + other.status().message();
      return outcome;
    }
    rt::Session otherSession(*other);
    auto results = otherSession.call(request.function, outcome->inputs);
    if (!results) {
      outcome->error = request.compareWith + ": " + results.status().message();
      return outcome;
    }
    outcome->otherDevice = request.compareWith;
    outcome->otherResults = std::move(*results);
    for (size_t r = 0; r < outcome->otherResults.size(); ++r) {
      auto difference = tooling::measureDifference(
          outcome->otherResults[r], outcome->profile.results[r], 1e-5);
      outcome->differences.push_back(difference ? *difference
                                                : tooling::TensorDifference{});
    }
  }
  outcome->succeeded = true;
  return outcome;
}

/// What the table sorts by: the number itself, not its text.
constexpr int kSortRole = Qt::UserRole + 1;

/// A number shown with `precision` decimals, every row alike ("4.0" under
/// "2.3", not "4"), that sorts as a number.
QStandardItem *numberItem(double value, int precision = 1) {
  auto *item = new QStandardItem(QString::number(value, 'f', precision));
  item->setData(value, kSortRole);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

QStandardItem *textItem(const QString &text) {
  auto *item = new QStandardItem(text);
  item->setData(text, kSortRole);
  return item;
}

/// A number nobody knows, aligned with the numbers of its column (and
/// sorted below them).
QStandardItem *unknownItem() {
  auto *item = new QStandardItem("—");
  item->setData(-1.0, kSortRole);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

/// Dispatches the chart shows: the largest by total time.
constexpr size_t kChartedDispatches = 16;

} // namespace

RunView::RunView(QWidget *parent) : QWidget(parent) {
  functions = new QComboBox;
  inputKinds = new QComboBox;
  for (auto kind : {tooling::InputKind::Zeros, tooling::InputKind::Ones,
                    tooling::InputKind::Iota, tooling::InputKind::Random})
    inputKinds->addItem(tooling::inputKindName(kind), int(kind));
  inputKinds->setCurrentIndex(3);
  seed = new QSpinBox;
  seed->setRange(0, 1 << 30);
  seed->setPrefix("seed ");
  devices = new QComboBox;
  // Every core by default, as `tessera run` does.
  if (unsigned cores = rt::TaskExecutor::availableCores(); cores > 1)
    devices->addItem(QString("CPU (%1 task workers)").arg(cores),
                     QString("cpu?workers=%1").arg(cores));
  devices->addItem("CPU (inline, one thread)", "cpu");
  for (const rt::vulkan::DeviceInfo &info : vulkanDevices())
    devices->addItem(
        QString("Vulkan: %1").arg(QString::fromStdString(info.name)),
        QString("vulkan://%1").arg(info.index));
  repetitions = new QSpinBox;
  repetitions->setRange(1, 10000);
  repetitions->setValue(10);
  repetitions->setSuffix(" runs");
  runButton = new QPushButton("Run");
  compareButton = new QPushButton("Compare devices");
  compareButton->setToolTip("Run on the chosen device and on the other one "
                            "(CPU or the first Vulkan device) with the same "
                            "inputs, and compare the results");
  typedInputs = new QLineEdit;
  typedInputs->setPlaceholderText(
      "or type inputs: 4x16xf32=1 ; @x.npy  (IREE syntax, ';' between)");
  typedInputs->setClearButtonEnabled(true);
  captureDispatches = new QCheckBox("Capture dispatches");
  captureDispatches->setToolTip(
      "Also run the function once more copying every dispatch's bindings, "
      "so that one dispatch can be run again alone on its inputs");
  replayButton = new QPushButton("Re-run dispatch alone");
  replayButton->setToolTip("Run the dispatch selected in the table alone "
                           "on its captured inputs, the chosen number of "
                           "times");
  replayButton->setEnabled(false);
  // The exports share one button: the rows stay narrow.
  auto *exportButton = new QPushButton("Export");
  auto *exportMenu = new QMenu(exportButton);
  QAction *exportTraceButton =
      exportMenu->addAction("Trace (trace.json, for Perfetto)");
  QAction *exportTableButton =
      exportMenu->addAction("Dispatch table (dispatches.csv)");
  QAction *saveButton = exportMenu->addAction("Results (results.npy)");
  exportButton->setMenu(exportMenu);
  status = new QLabel("Compile to the loader phase to run.");
  status->setWordWrap(true);

  // Two rows of controls, each narrow enough for a 1024 px window: what
  // to run and how, then inputs typed by hand and what to do with a run.
  for (QComboBox *box : {functions, devices}) {
    box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    box->setMinimumContentsLength(10);
  }
  auto *controls = new QHBoxLayout;
  for (QWidget *w : std::initializer_list<QWidget *>{
           new QLabel("Function"), functions, new QLabel("Device"), devices,
           repetitions, runButton})
    controls->addWidget(w);
  controls->addStretch();

  // Results.
  resultChoice = new QComboBox;
  stats = new QLabel;
  comparison = new QLabel;
  comparison->setWordWrap(true);
  output = new QTableWidget;
  output->setEditTriggers(QAbstractItemView::NoEditTriggers);
  auto *results = new QWidget;
  auto *resultsLayout = new QVBoxLayout(results);
  auto *resultBar = new QHBoxLayout;
  resultBar->addWidget(resultChoice);
  slice = new QSpinBox;
  slice->setPrefix("matrix ");
  slice->setToolTip("Higher ranks: which matrix of the last two dimensions "
                    "(the leading indices, row-major)");
  slice->setVisible(false);
  connect(slice, &QSpinBox::valueChanged, this,
          [this] { showResult(resultChoice->currentIndex()); });
  resultBar->addWidget(slice);
  resultBar->addWidget(stats, 1);
  resultsLayout->addLayout(resultBar);
  resultsLayout->addWidget(comparison);
  resultsLayout->addWidget(output, 1);

  // Profile.
  timelineView = new TimelineView;
  tableModel = new QStandardItemModel(this);
  table = new QTableView;
  table->setModel(tableModel);
  tableModel->setSortRole(kSortRole);
  table->setSortingEnabled(true);
  table->setSelectionBehavior(QAbstractItemView::SelectRows);
  table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table->horizontalHeader()->setStretchLastSection(true);
  chart = new QChartView;
  chart->setMinimumHeight(180);
  auto *profileSplit = new QSplitter(Qt::Vertical);
  profileSplit->addWidget(timelineView);
  profileSplit->addWidget(table);

  baselineButton = new QPushButton("Keep as baseline");
  baselineButton->setToolTip("Keep this run: the dispatch table of the runs "
                             "that follow (after an edit, on another "
                             "device) compares with it");
  baselineButton->setEnabled(false);
  auto *second = new QHBoxLayout;
  typedInputs->setMinimumWidth(160);
  for (QWidget *w :
       std::initializer_list<QWidget *>{new QLabel("Inputs"), inputKinds, seed})
    second->addWidget(w);
  second->addWidget(typedInputs, 1);
  second->addWidget(compareButton);
  auto *third = new QHBoxLayout;
  for (QWidget *w : std::initializer_list<QWidget *>{
           captureDispatches, replayButton, baselineButton})
    third->addWidget(w);
  third->addStretch();
  third->addWidget(exportButton);
  connect(baselineButton, &QPushButton::clicked, this,
          [this] { keepAsBaseline(); });
  auto *tabs = new QTabWidget;
  // Memory: what the call held at each dispatch.
  auto *memory = new QWidget;
  auto *memoryLayout = new QVBoxLayout(memory);
  memoryText = new QLabel("Run to see the memory the call holds at each "
                          "dispatch.");
  memoryText->setObjectName("memoryPeak");
  memoryText->setWordWrap(true);
  memoryText->setTextInteractionFlags(Qt::TextSelectableByMouse);
  memoryChart = new QChartView;
  memoryChart->setObjectName("memoryChart");
  memoryLayout->addWidget(memoryText);
  memoryLayout->addWidget(memoryChart, 1);
  tabs->addTab(profileSplit, "Profile");
  // The chart has a tab of its own: beside the table it had no room for
  // its labels.
  tabs->addTab(chart, "Chart");
  tabs->addTab(memory, "Memory");
  tabs->addTab(results, "Results");
  auto *layout = new QVBoxLayout(this);
  layout->addLayout(controls);
  layout->addLayout(second);
  layout->addLayout(third);
  layout->addWidget(status);
  layout->addWidget(tabs, 1);

  replayWatcher = new QFutureWatcher<std::shared_ptr<ReplayOutcome>>(this);
  connect(replayWatcher, &QFutureWatcherBase::finished, this, [this] {
    latestReplay = replayWatcher->result();
    const ReplayOutcome &r = *latestReplay;
    if (!r.succeeded) {
      status->setText("Re-run failed: " + QString::fromStdString(r.error));
    } else {
      double best = *std::min_element(r.replay.microseconds.begin(),
                                      r.replay.microseconds.end());
      double sum = 0;
      for (double us : r.replay.microseconds)
        sum += us;
      status->setText(
          QString("%1 alone: %2 runs, mean %3 us, min %4 us; output %5 the "
                  "full run's")
              .arg(QString::fromStdString(r.exportName))
              .arg(r.replay.microseconds.size())
              .arg(sum / r.replay.microseconds.size(), 0, 'f', 1)
              .arg(best, 0, 'f', 1)
              .arg(r.matchesCall ? "identical to" : "DIFFERENT from"));
    }
    Q_EMIT replayFinished(r.succeeded);
  });
  connect(replayButton, &QPushButton::clicked, this, [this] {
    QModelIndex current = table->currentIndex();
    if (current.isValid())
      replay(tableModel->item(current.row(), 0)->text());
  });
  watcher = new QFutureWatcher<std::shared_ptr<RunOutcome>>(this);
  connect(watcher, &QFutureWatcherBase::finished, this,
          [this] { show(watcher->result()); });
  connect(runButton, &QPushButton::clicked, this, [this] { run(); });
  connect(compareButton, &QPushButton::clicked, this, [this] {
    QString chosen = devices->currentData().toString();
    // The other device: the first Vulkan one from a CPU, the CPU from
    // Vulkan.
    QString other = "cpu";
    if (chosen.startsWith("cpu"))
      for (int i = 0; i < devices->count(); ++i)
        if (devices->itemData(i).toString().startsWith("vulkan://")) {
          other = devices->itemData(i).toString();
          break;
        }
    run(other);
  });
  connect(resultChoice, &QComboBox::currentIndexChanged, this,
          &RunView::showResult);
  connect(timelineView, &TimelineView::exportClicked, this,
          &RunView::exportActivated);
  connect(table, &QTableView::clicked, this, [this](const QModelIndex &index) {
    Q_EMIT exportActivated(
        tableModel->item(index.row(), 0)->data(Qt::DisplayRole).toString());
  });
  connect(exportTraceButton, &QAction::triggered, this, [this] {
    QString error;
    if (!exportTrace("trace.json", &error))
      status->setText(error);
    else
      status->setText("Wrote trace.json (open it in Perfetto)");
  });
  connect(exportTableButton, &QAction::triggered, this, [this] {
    QString error;
    status->setText(
        exportTable("dispatches.csv", &error) ? "Wrote dispatches.csv" : error);
  });
  connect(saveButton, &QAction::triggered, this, [this] {
    QString error;
    status->setText(saveResults("results.npy", &error) ? "Wrote results.npy"
                                                       : error);
  });
  setModule({}, {});
}

RunView::~RunView() {
  watcher->waitForFinished();
  replayWatcher->waitForFinished();
}

bool RunView::replay(const QString &exportName) {
  if (!latest || !latest->loaded || replayWatcher->isRunning())
    return false;
  std::string name = exportName.toStdString();
  auto found = std::find_if(latest->captures.begin(), latest->captures.end(),
                            [&](const rt::DispatchCapture &capture) {
                              return capture.record.exportName == name;
                            });
  if (found == latest->captures.end())
    return false;
  std::shared_ptr<const RunOutcome> run = latest;
  const rt::DispatchCapture *capture = &*found;
  int count = repetitions->value();
  status->setText(QString("Running %1 alone…").arg(exportName));
  replayWatcher->setFuture(QtConcurrent::run([run, capture, count] {
    auto outcome = std::make_shared<ReplayOutcome>();
    outcome->exportName = capture->record.exportName;
    rt::Session session(run->loaded);
    auto replayed = session.replayDispatch(*capture, count);
    if (!replayed) {
      outcome->error = replayed.status().message();
      return outcome;
    }
    outcome->replay = std::move(*replayed);
    outcome->matchesCall = true;
    for (size_t b = 0; b < capture->bindings.size(); ++b)
      if (!capture->bindings[b].readOnly &&
          outcome->replay.bindings[b] != capture->bindings[b].after)
        outcome->matchesCall = false;
    outcome->succeeded = true;
    return outcome;
  }));
  return true;
}

void RunView::setModule(std::string bytes, const QString &name) {
  QString previous = functions->currentText();
  functions->clear();
  module = bytes.empty()
               ? nullptr
               : std::make_shared<const std::string>(std::move(bytes));
  moduleName = name;
  bool runnable = false;
  if (module) {
    auto loaded = rt::Module::readSignatures(module->data(), module->size());
    if (loaded) {
      for (const rt::FunctionSignature &signature : *loaded)
        functions->addItem(QString::fromStdString(signature.name),
                           QString::fromStdString(signature.str()));
      runnable = functions->count() > 0;
      status->setText(
          QString("%1: %2 functions").arg(name).arg(functions->count()));
    } else {
      status->setText("Cannot load the module: " +
                      QString::fromStdString(loaded.status().message()));
    }
  } else {
    status->setText("Compile to the loader phase to run.");
  }
  if (int index = functions->findText(previous); index >= 0)
    functions->setCurrentIndex(index);
  runButton->setEnabled(runnable);
  compareButton->setEnabled(runnable && hasVulkan());
}

bool RunView::isRunning() const { return watcher->isRunning(); }

bool RunView::hasVulkan() const { return !vulkanDevices().empty(); }

void RunView::keepAsBaseline() {
  if (!latest || !latest->succeeded)
    return;
  baseline = latest;
  // Shown again against itself; not a new run.
  QSignalBlocker quiet(this);
  show(latest);
}

bool RunView::run(const QString &compareWith) {
  if (!module || functions->count() == 0 || isRunning())
    return false;
  RunRequest request;
  request.module = module;
  request.name = moduleName.toStdString();
  request.function = functions->currentText().toStdString();
  request.device = devices->currentData().toString().toStdString();
  request.compareWith = compareWith.toStdString();
  request.kind =
      static_cast<tooling::InputKind>(inputKinds->currentData().toInt());
  request.seed = seed->value();
  request.repetitions = repetitions->value();
  request.capture = captureDispatches->isChecked();
  request.typed = typedInputs->text().toStdString();
  status->setText(QString("Running @%1 on %2…")
                      .arg(functions->currentText(), devices->currentText()));
  runButton->setEnabled(false);
  compareButton->setEnabled(false);
  watcher->setFuture(QtConcurrent::run([request] { return execute(request); }));
  return true;
}

void RunView::show(std::shared_ptr<const RunOutcome> outcome) {
  latest = outcome;
  runButton->setEnabled(true);
  compareButton->setEnabled(hasVulkan());
  replayButton->setEnabled(outcome->succeeded && outcome->loaded);
  baselineButton->setEnabled(outcome->succeeded);
  if (!outcome->succeeded) {
    status->setText("Run failed: " + QString::fromStdString(outcome->error));
    Q_EMIT finished(false);
    return;
  }
  const tooling::Profile &profile = outcome->profile;
  double total = 0;
  for (const tooling::ProfiledCall &call : profile.calls)
    total += call.microseconds;
  status->setText(QString("@%1 on %2: %3 calls, %4 us per call")
                      .arg(QString::fromStdString(profile.function),
                           QString::fromStdString(outcome->device))
                      .arg(profile.calls.size())
                      .arg(total / profile.calls.size(), 0, 'f', 1));

  // Timeline: the host's calls, then a lane per device.
  QStringList lanes = {"host @" + QString::fromStdString(profile.function)};
  std::vector<TimelineView::Item> items;
  for (size_t r = 0; r < profile.calls.size(); ++r) {
    const tooling::ProfiledCall &call = profile.calls[r];
    items.push_back({0, call.startMicroseconds, call.microseconds,
                     QString("call %1").arg(r),
                     QString("@%1, repetition %2: %3 us")
                         .arg(QString::fromStdString(profile.function))
                         .arg(r)
                         .arg(call.microseconds, 0, 'f', 1),
                     QString()});
    for (const rt::DispatchRecord &dispatch : call.dispatches) {
      QString device = QString::fromStdString(dispatch.device);
      QString dispatchLane =
          QString::fromStdString(tooling::dispatchLane(dispatch));
      int lane = lanes.indexOf(dispatchLane);
      if (lane < 0) {
        lanes.append(dispatchLane);
        lane = lanes.size() - 1;
      }
      QString name = QString::fromStdString(dispatch.exportName);
      // Each task worker's share on its own lane.
      for (size_t w = 0; w < dispatch.workers.size(); ++w) {
        const rt::DispatchRecord::WorkerShare &share = dispatch.workers[w];
        // Every worker has a lane, an idle one too (as in the trace).
        QString workerLane = QString("%1 worker %2").arg(device).arg(w);
        int at = lanes.indexOf(workerLane);
        if (at < 0) {
          lanes.append(workerLane);
          at = lanes.size() - 1;
        }
        if (share.workgroups == 0)
          continue;
        items.push_back({at, call.startMicroseconds + share.startMicroseconds,
                         share.microseconds, name,
                         QString("%1\nworker %2: %3 workgroups, %4 us")
                             .arg(name)
                             .arg(w)
                             .arg(share.workgroups)
                             .arg(share.microseconds, 0, 'f', 1),
                         name});
      }
      items.push_back(
          {lane, call.startMicroseconds + dispatch.startMicroseconds,
           dispatch.microseconds, name,
           QString("%1\nrepetition %2, workgroups %3x%4x%5\n%6 us, %7 bytes "
                   "bound (%8 GB/s)%9")
               .arg(name)
               .arg(r)
               .arg(dispatch.workgroupCount[0])
               .arg(dispatch.workgroupCount[1])
               .arg(dispatch.workgroupCount[2])
               .arg(dispatch.microseconds, 0, 'f', 1)
               .arg(dispatch.bytes)
               .arg(dispatch.microseconds > 0
                        ? dispatch.bytes / dispatch.microseconds / 1e3
                        : 0.0,
                    0, 'f', 2)
               .arg(dispatch.flops && dispatch.microseconds > 0
                        ? QString(", %1 GFLOP/s")
                              .arg(dispatch.flops / dispatch.microseconds / 1e3,
                                   0, 'f', 1)
                        : QString()),
           name});
    }
  }
  timelineView->setTimeline(lanes, std::move(items));
  showMemory(profile);

  // Table and chart.
  std::vector<tooling::DispatchSummary> rows =
      tooling::summarizeDispatches(profile);
  tableModel->clear();
  QStringList headers = {"Export",    "Device",   "Count",     "Total (us)",
                         "Mean (us)", "Min (us)", "Share (%)", "GFLOP/s"};
  // Against the kept run: its mean per export and the change.
  std::map<std::string, double> baselineMeans;
  if (baseline) {
    for (const tooling::DispatchSummary &row :
         tooling::summarizeDispatches(baseline->profile))
      baselineMeans[row.exportName] = row.meanMicroseconds;
    headers << "Baseline mean (us)"
            << "Change (%)";
  }
  tableModel->setHorizontalHeaderLabels(headers);
  for (const tooling::DispatchSummary &row : rows) {
    QString name = QString::fromStdString(row.exportName);
    QList<QStandardItem *> cells = {
        textItem(name), textItem(QString::fromStdString(row.device)),
        numberItem(row.count, 0), numberItem(row.totalMicroseconds),
        numberItem(row.meanMicroseconds), numberItem(row.minMicroseconds),
        numberItem(100 * row.share),
        // Unknown where the compiler could not count (dynamic shapes).
        row.flops && row.meanMicroseconds > 0
            ? numberItem(row.flops / row.meanMicroseconds / 1e3)
            : unknownItem()};
    if (baseline) {
      auto kept = baselineMeans.find(row.exportName);
      if (kept != baselineMeans.end() && kept->second > 0) {
        cells << numberItem(kept->second)
              << numberItem(100 * (row.meanMicroseconds / kept->second - 1));
      } else {
        cells << unknownItem() << textItem("new");
      }
    }
    tableModel->appendRow(cells);
  }
  table->resizeColumnsToContents();

  // The chart: the dispatches that take the most time, labelled by their
  // number alone (the table names them), so that every label fits.
  std::vector<const tooling::DispatchSummary *> charted;
  for (const tooling::DispatchSummary &row : rows)
    charted.push_back(&row);
  std::stable_sort(charted.begin(), charted.end(), [](auto *a, auto *b) {
    return a->totalMicroseconds > b->totalMicroseconds;
  });
  if (charted.size() > kChartedDispatches)
    charted.resize(kChartedDispatches);
  auto *series = new QBarSeries;
  auto *means = new QBarSet("mean us");
  QStringList categories;
  double largest = 0;
  for (const tooling::DispatchSummary *row : charted) {
    *means << row->meanMicroseconds;
    largest = std::max(largest, row->meanMicroseconds);
    QString name = QString::fromStdString(row->exportName);
    int at = name.indexOf("dispatch_");
    QString number = at >= 0 ? name.mid(at + 9).section('_', 0, 0) : name;
    // Two exports of one dispatch number (other devices) stay apart.
    while (categories.contains(number))
      number += "'";
    categories << number;
  }
  series->append(means);
  auto *newChart = new QChart;
  newChart->addSeries(series);
  newChart->setTitle(
      rows.size() > charted.size()
          ? QString("Mean time of the %1 dispatches with the most total time "
                    "(us), by dispatch number")
                .arg(charted.size())
          : QString("Mean time per dispatch (us), by dispatch number"));
  newChart->legend()->hide();
  auto *axisX = new QBarCategoryAxis;
  axisX->append(categories);
  newChart->addAxis(axisX, Qt::AlignBottom);
  series->attachAxis(axisX);
  auto *axisY = new QValueAxis;
  axisY->setRange(0, largest > 0 ? largest * 1.1 : 1);
  newChart->addAxis(axisY, Qt::AlignLeft);
  series->attachAxis(axisY);
  QChart *old = chart->chart();
  chart->setChart(newChart);
  delete old;

  // Results.
  resultChoice->blockSignals(true);
  resultChoice->clear();
  for (size_t r = 0; r < profile.results.size(); ++r)
    resultChoice->addItem(QString("result %1: %2")
                              .arg(r)
                              .arg(QString::fromStdString(
                                  profile.results[r].tensorType().str())));
  resultChoice->blockSignals(false);
  QStringList compared;
  for (size_t r = 0; r < outcome->differences.size(); ++r) {
    const tooling::TensorDifference &d = outcome->differences[r];
    QString line = QString("result %1 on %2 vs %3: max abs error %4, max rel "
                           "error %5")
                       .arg(r)
                       .arg(QString::fromStdString(outcome->otherDevice),
                            QString::fromStdString(outcome->device))
                       .arg(d.maxAbsolute, 0, 'g', 3)
                       .arg(d.maxRelative, 0, 'g', 3);
    if (d.firstMismatch >= 0)
      line +=
          QString(", first mismatch at element %1 (%2 vs %3)")
              .arg(d.firstMismatch)
              .arg(outcome->otherResults[r].elementAsDouble(d.firstMismatch))
              .arg(profile.results[r].elementAsDouble(d.firstMismatch));
    else
      line += ", all within 1e-5";
    compared << line;
  }
  comparison->setText(compared.join("\n"));
  comparison->setVisible(!compared.isEmpty());
  showResult(0);
  Q_EMIT finished(true);
}

void RunView::showMemory(const tooling::Profile &profile) {
  peak = tooling::peakLiveMemory(profile);
  auto *live = new QLineSeries;
  live->setName("held by the call");
  auto *top = new QScatterSeries;
  top->setName("peak");
  top->setMarkerSize(9);
  // The unit of the peak's size: 672 B reads as such, not as "0.0 MiB".
  auto [unit, scale] = peak.bytes < 1024 ? std::pair("B", 1.0)
                       : peak.bytes < 1024 * 1024
                           ? std::pair("KiB", 1024.0)
                           : std::pair("MiB", 1024.0 * 1024.0);
  size_t count =
      profile.calls.empty() ? 0 : profile.calls.back().dispatches.size();
  if (count) {
    // The last call: the first ones warm the caches and allocators.
    const std::vector<rt::DispatchRecord> &dispatches =
        profile.calls.back().dispatches;
    // Dispatches numbered from 1, as the text says; each amount holds
    // until the next dispatch (a step).
    for (size_t i = 0; i < count; ++i) {
      if (i > 0)
        live->append(double(i + 1), dispatches[i - 1].liveBytes / scale);
      live->append(double(i + 1), dispatches[i].liveBytes / scale);
    }
  }
  double largest = peak.bytes / scale;
  if (peak.dispatch >= 0) {
    top->append(double(peak.dispatch + 1), largest);
    memoryText->setText(
        QString("Peak %1 %2 of host memory held by the call, when it issued "
                "%3 (its dispatch %4 of %5); inputs and the module's "
                "constants not counted.")
            .arg(largest, 0, 'f', scale == 1.0 ? 0 : 1)
            .arg(unit)
            .arg(QString::fromStdString(peak.exportName))
            .arg(peak.dispatch + 1)
            .arg(count));
  } else {
    memoryText->setText("The call ran no dispatch.");
  }
  auto *newChart = new QChart;
  newChart->addSeries(live);
  newChart->addSeries(top);
  newChart->setTitle(
      QString("Host memory held by the call at each dispatch (%1)").arg(unit));
  newChart->legend()->hide();
  auto *axisX = new QValueAxis;
  axisX->setLabelFormat("%d");
  axisX->setTitleText("dispatch");
  axisX->setRange(1, std::max<double>(2, count));
  // Whole dispatches only, about ten ticks.
  axisX->setTickType(QValueAxis::TicksDynamic);
  axisX->setTickAnchor(1);
  axisX->setTickInterval(std::max<double>(1, std::ceil(count / 10.0)));
  auto *axisY = new QValueAxis;
  axisY->setLabelFormat(scale == 1.0 ? "%.0f" : "%.1f");
  axisY->setRange(0, largest > 0 ? largest * 1.1 : 1);
  newChart->addAxis(axisX, Qt::AlignBottom);
  newChart->addAxis(axisY, Qt::AlignLeft);
  for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(live),
                                  static_cast<QAbstractSeries *>(top)}) {
    series->attachAxis(axisX);
    series->attachAxis(axisY);
  }
  QChart *old = memoryChart->chart();
  memoryChart->setChart(newChart);
  delete old;
}

void RunView::showResult(int index) {
  output->clear();
  stats->clear();
  if (!latest || index < 0 ||
      index >= static_cast<int>(latest->profile.results.size()))
    return;
  const Tensor &tensor = latest->profile.results[index];
  const std::vector<int64_t> &shape = tensor.shape();
  // Rows x columns of the table: a vector is one row; higher ranks show
  // one matrix of their last two dimensions at a time.
  int64_t columns = shape.empty() ? 1 : shape.back();
  int64_t rows = shape.size() >= 2 ? shape[shape.size() - 2] : 1;
  int64_t matrices = 1;
  for (size_t d = 0; d + 2 < shape.size(); ++d)
    matrices *= shape[d];
  slice->setVisible(shape.size() > 2);
  {
    QSignalBlocker quiet(slice);
    slice->setRange(0, std::max<int64_t>(0, matrices - 1));
    slice->setSuffix(QString(" of %1").arg(matrices));
  }
  int64_t first = slice->value() * rows * columns;
  constexpr int64_t kMaxRows = 512, kMaxColumns = 256;
  output->setRowCount(std::min(rows, kMaxRows));
  output->setColumnCount(std::min(columns, kMaxColumns));
  for (int64_t r = 0; r < std::min(rows, kMaxRows); ++r)
    for (int64_t c = 0; c < std::min(columns, kMaxColumns); ++c)
      output->setItem(
          r, c,
          new QTableWidgetItem(QString::number(
              tensor.elementAsDouble(first + r * columns + c), 'g', 8)));
  tooling::TensorStats s = tooling::computeStats(tensor);
  stats->setText(QString("min %1  max %2  mean %3  NaN %4  Inf %5")
                     .arg(s.min, 0, 'g', 6)
                     .arg(s.max, 0, 'g', 6)
                     .arg(s.mean, 0, 'g', 6)
                     .arg(s.nanCount)
                     .arg(s.infCount));
}

namespace {
/// The one output helper every tool uses (devices, FIFOs and symlinks
/// included).
bool writeAtomically(const QString &path, const std::string &bytes,
                     QString *error) {
  if (llvm::Error failure =
          mlir::tessera::writeFileAtomically(path.toStdString(), bytes)) {
    *error = QString::fromStdString(llvm::toString(std::move(failure)));
    return false;
  }
  return true;
}
} // namespace

bool RunView::exportTrace(const QString &path, QString *error) const {
  if (!latest || !latest->succeeded) {
    *error = "Nothing has run yet";
    return false;
  }
  return writeAtomically(path, tooling::toChromeTrace(latest->profile), error);
}

bool RunView::exportTable(const QString &path, QString *error) const {
  if (!latest || !latest->succeeded) {
    *error = "Nothing has run yet";
    return false;
  }
  return writeAtomically(
      path, tooling::toCsv(tooling::summarizeDispatches(latest->profile)),
      error);
}

bool RunView::saveResults(const QString &path, QString *error) const {
  if (!latest || !latest->succeeded) {
    *error = "Nothing has run yet";
    return false;
  }
  std::string bytes;
  for (const Tensor &result : latest->profile.results) {
    auto encoded = rt::tooling::encodeNpy(result);
    if (!encoded) {
      *error = QString::fromStdString(encoded.status().message());
      return false;
    }
    bytes += *encoded;
  }
  return writeAtomically(path, bytes, error);
}

} // namespace tessera::explorer
