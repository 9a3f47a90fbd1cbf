//===- MainWindow.cpp - The explorer's window -----------------------------===//

#include "MainWindow.h"

#include "CompareView.h"
#include "DiagnosticsList.h"
#include "DiffView.h"
#include "DispatchGraphView.h"
#include "ExecutablesView.h"
#include "IRView.h"
#include "PassFilterModel.h"
#include "PassTreeModel.h"
#include "RunView.h"

#include "Pipeline/CrashMessage.h"
#include "Profile.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {
constexpr int kMaxRecent = 8;
/// Larger files are shown from what the compile read (the worker's limits
/// apply), not read by the window.
constexpr qint64 kMaxShownSourceBytes = 256 << 20;

/// Whether a nested record's anchor is (inside) top-level op `@symbol`.
bool nestingNames(const PassRecord &record, const QString &symbol) {
  QString nesting = QString::fromStdString(record.nesting);
  QString marker = " @" + symbol;
  return nesting.contains(marker + "/") || nesting.endsWith(marker);
}
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent) {
  setWindowTitle("Tessera Explorer");
  setAcceptDrops(true);
  resize(1500, 900);
  controller = new CompileController(this);
  watcher = new QFileSystemWatcher(this);
  recompileTimer = new QTimer(this);
  recompileTimer->setSingleShot(true);
  recompileTimer->setInterval(300);

  // Passes (left dock).
  auto *passPanel = new QWidget(this);
  auto *passLayout = new QVBoxLayout(passPanel);
  passLayout->setContentsMargins(4, 4, 4, 4);
  passFilterLine = new QLineEdit(passPanel);
  passFilterLine->setObjectName("passFilter");
  passFilterLine->setPlaceholderText("Filter passes by name");
  passFilterLine->setClearButtonEnabled(true);
  hideUnchanged = new QCheckBox("Hide unchanged passes", passPanel);
  hideUnchanged->setObjectName("hideUnchanged");
  passes = new PassTreeModel(this);
  filter = new PassFilterModel(this);
  filter->setSourceModel(passes);
  passView = new QTreeView(passPanel);
  passView->setObjectName("passTree");
  passView->setModel(filter);
  passView->setUniformRowHeights(true);
  // Long pass names keep their start and end ("Tile…Workgroups").
  passView->setTextElideMode(Qt::ElideMiddle);
  passView->setIndentation(12);
  passView->header()->setStretchLastSection(false);
  passView->header()->setSectionResizeMode(PassTreeModel::PassColumn,
                                           QHeaderView::Stretch);
  passView->header()->setSectionResizeMode(PassTreeModel::TimeColumn,
                                           QHeaderView::ResizeToContents);
  passView->header()->setSectionResizeMode(PassTreeModel::ChangedColumn,
                                           QHeaderView::ResizeToContents);
  passLayout->addWidget(passFilterLine);
  passLayout->addWidget(hideUnchanged);
  passLayout->addWidget(passView, 1);
  passDock = new QDockWidget("Passes", this);
  passDock->setObjectName("passDock");
  passDock->setWidget(passPanel);
  passDock->setFeatures(QDockWidget::DockWidgetMovable |
                        QDockWidget::DockWidgetFloatable |
                        QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::LeftDockWidgetArea, passDock);

  // Source | views.
  split = new QSplitter(Qt::Horizontal, this);
  split->setObjectName("sourceSplit");
  auto *sourcePanel = new QWidget(split);
  auto *sourceLayout = new QVBoxLayout(sourcePanel);
  sourceLayout->setContentsMargins(0, 0, 0, 0);
  auto *sourceTitle = new QLabel("Source", sourcePanel);
  sourceTitle->setObjectName("sourceTitle");
  sourceTitle->setContentsMargins(4, 2, 4, 2);
  source = new IRView(sourcePanel);
  source->setObjectName("sourceView");
  sourceLayout->addWidget(sourceTitle);
  sourceLayout->addWidget(source, 1);
  split->addWidget(sourcePanel);

  auto *viewPanel = new QWidget(split);
  auto *viewLayout = new QVBoxLayout(viewPanel);
  viewLayout->setContentsMargins(0, 0, 0, 0);
  auto *bar = new QHBoxLayout();
  bar->setContentsMargins(4, 2, 4, 2);
  bar->addWidget(new QLabel("Show:", viewPanel));
  restrictCombo = new QComboBox(viewPanel);
  restrictCombo->setObjectName("restrictTo");
  restrictCombo->setMinimumContentsLength(16);
  restrictCombo->setSizeAdjustPolicy(
      QComboBox::AdjustToMinimumContentsLengthWithIcon);
  bar->addWidget(restrictCombo);
  sideBySide = new QCheckBox("Side by side", viewPanel);
  sideBySide->setObjectName("sideBySide");
  bar->addWidget(sideBySide);
  bar->addStretch(1);
  searchLine = new QLineEdit(viewPanel);
  searchLine->setObjectName("searchIR");
  searchLine->setPlaceholderText("Search IR (Enter, Shift+Enter)");
  searchLine->setClearButtonEnabled(true);
  searchLine->setMinimumWidth(160);
  bar->addWidget(searchLine);
  viewLayout->addLayout(bar);
  // Shown after a compile crashed: which pass, the reproducer, the way
  // back to the last pass that ended.
  crashBanner = new QFrame(viewPanel);
  crashBanner->setObjectName("crashBanner");
  crashBanner->setStyleSheet("#crashBanner { background: #ffebe9; border: 1px "
                             "solid #cf222e; border-radius: 3px; }");
  auto *crashLayout = new QHBoxLayout(crashBanner);
  crashLayout->setContentsMargins(6, 4, 6, 4);
  crashLabel = new QLabel(crashBanner);
  crashLabel->setObjectName("crashText");
  crashLabel->setWordWrap(true);
  crashLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  crashLayout->addWidget(crashLabel, 1);
  lastGoodButton = new QPushButton("Last good pass", crashBanner);
  lastGoodButton->setObjectName("lastGoodPass");
  lastGoodButton->setToolTip("The last pass that ended before the crash");
  crashLayout->addWidget(lastGoodButton);
  auto *crashOutputButton = new QPushButton("Crash output…", crashBanner);
  crashOutputButton->setObjectName("crashOutput");
  crashLayout->addWidget(crashOutputButton);
  crashBanner->hide();
  viewLayout->addWidget(crashBanner);
  connect(lastGoodButton, &QPushButton::clicked, this, [this] {
    if (latest && latest->crashedRecord > 0)
      selectPass(latest->crashedRecord - 1);
  });
  connect(crashOutputButton, &QPushButton::clicked, this, [this] {
    if (!latest)
      return;
    // The stack trace is long: a dialog that shows it, in a fixed font,
    // at a size that reads.
    QDialog dialog(this);
    dialog.setWindowTitle("The compile crashed");
    dialog.resize(std::min(1000, width() - 80), std::min(700, height() - 80));
    auto *layout = new QVBoxLayout(&dialog);
    auto *what =
        new QLabel(QString::fromStdString(
                       "The compile of " + latest->request.file + " ended by " +
                       latest->crashDescription + ". What it wrote on stderr:"),
                   &dialog);
    what->setWordWrap(true);
    auto *text = new QPlainTextEdit(QString::fromStdString(latest->crashOutput),
                                    &dialog);
    text->setObjectName("crashOutputText");
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(what);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
    dialog.exec();
  });

  irHeader = new QLabel(viewPanel);
  irHeader->setObjectName("irHeader");
  irHeader->setContentsMargins(4, 0, 4, 2);
  irHeader->setTextInteractionFlags(Qt::TextSelectableByMouse);
  irHeader->setWordWrap(true);
  viewLayout->addWidget(irHeader);
  tabs = new QTabWidget(viewPanel);
  tabs->setObjectName("views");
  ir = new IRView(tabs);
  ir->setObjectName("irView");
  tabs->addTab(ir, "IR");
  tabs->setTabToolTip(0, "The IR after the chosen pass");
  diff = new DiffView(tabs);
  diff->setObjectName("diffView");
  tabs->addTab(diff, "Diff");
  tabs->setTabToolTip(1, "The chosen pass's diff with the IR before it");
  executables = new ExecutablesView(tabs);
  executables->setObjectName("executablesView");
  tabs->addTab(executables, "Executables");
  graph = new DispatchGraphView(tabs);
  graph->setObjectName("dispatchGraph");
  tabs->addTab(graph, "Graph");
  tabs->setTabToolTip(3, "The program as its dispatches");
  compare = new CompareView(tabs);
  compare->setObjectName("compareView");
  tabs->addTab(compare, "Compare");
  runner = new RunView(tabs);
  runner->setObjectName("runView");
  tabs->addTab(runner, "Run");
  tabs->setTabToolTip(5, "Run and profile a function of the module");
  // A profile colours the dispatch graph by where the time went.
  connect(runner, &RunView::finished, this, [this](bool succeeded) {
    if (succeeded)
      showProfileInGraph();
  });
  // A dispatch picked in a profile shows its export and source ops.
  connect(runner, &RunView::exportActivated, this,
          [this](const QString &exportName) {
            if (!latest)
              return;
            for (size_t i = 0; i < latest->dispatches.size(); ++i) {
              QString ref =
                  QString::fromStdString(latest->dispatches[i].exportRef);
              if (ref.endsWith("::@" + exportName)) {
                showDispatch(i);
                return;
              }
            }
          });
  viewLayout->addWidget(tabs, 1);
  split->addWidget(viewPanel);
  split->setStretchFactor(0, 2);
  split->setStretchFactor(1, 3);
  split->setSizes({440, 660});
  setCentralWidget(split);

  // Diagnostics (bottom dock).
  diagnostics = new DiagnosticsList(this);
  auto *diagnosticsDock = new QDockWidget("Diagnostics", this);
  diagnosticsDock->setObjectName("diagnosticsDock");
  diagnosticsDock->setWidget(diagnostics);
  diagnosticsDock->setFeatures(QDockWidget::DockWidgetMovable |
                               QDockWidget::DockWidgetFloatable |
                               QDockWidget::DockWidgetClosable);
  addDockWidget(Qt::BottomDockWidgetArea, diagnosticsDock);
  resizeDocks({passDock}, {320}, Qt::Horizontal);
  resizeDocks({diagnosticsDock}, {100}, Qt::Vertical);

  statusText = new QLabel(this);
  statusText->setObjectName("status");
  // A long status is cut, never a reason for a wider window.
  statusText->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  progress = new QProgressBar(this);
  progress->setMaximumWidth(160);
  progress->setRange(0, 0);
  progress->hide();
  statusBar()->addWidget(statusText, 1);
  statusBar()->addPermanentWidget(progress);

  buildActions();
  QMenu *viewMenu = menuBar()->addMenu("&View");
  viewMenu->addAction(passDock->toggleViewAction());
  viewMenu->addAction(diagnosticsDock->toggleViewAction());
  QAction *sourceToggle = viewMenu->addAction("Source");
  sourceToggle->setCheckable(true);
  sourceToggle->setChecked(true);
  connect(sourceToggle, &QAction::toggled, sourcePanel, &QWidget::setVisible);

  connect(controller, &CompileController::started, this, [this] {
    progress->show();
    compileAction->setEnabled(false);
    cancelAction->setEnabled(true);
    statusText->setText("Compiling " + QFileInfo(file).fileName() + "…");
  });
  connect(controller, &CompileController::progressed, this,
          [this](int count, const QString &phase, const QString &pass) {
            statusText->setText(
                QStringLiteral("Compiling %1: %2 / %3 (%4 "
                               "passes)")
                    .arg(QFileInfo(file).fileName(), phase, pass)
                    .arg(count));
          });
  connect(controller, &CompileController::finished, this,
          &MainWindow::showOutcome);
  connect(controller, &CompileController::passRecorded, this,
          &MainWindow::showPassAsItComes);
  liveTimer = new QTimer(this);
  liveTimer->setSingleShot(true);
  liveTimer->setInterval(250);
  connect(liveTimer, &QTimer::timeout, this, &MainWindow::showLiveRecords);
  connect(passView->selectionModel(), &QItemSelectionModel::currentChanged,
          this, [this](const QModelIndex &current) {
            int record = current.data(PassTreeModel::RecordIndexRole).toInt();
            if (current.isValid() && record >= 0 && record != currentRecord)
              selectPass(record);
          });
  connect(hideUnchanged, &QCheckBox::toggled, this, [this](bool hide) {
    filter->setHideUnchanged(hide);
    passView->expandAll();
  });
  connect(passFilterLine, &QLineEdit::textChanged, this,
          [this](const QString &text) {
            filter->setNameFilter(text);
            passView->expandAll();
          });
  connect(restrictCombo, &QComboBox::currentIndexChanged, this, [this] {
    QString symbol = restrictCombo->currentData().toString();
    if (symbol != restrictSymbol)
      restrictTo(symbol);
  });
  connect(sideBySide, &QCheckBox::toggled, diff, &DiffView::setSideBySide);
  connect(tabs, &QTabWidget::currentChanged, this, [this] {
    if (tabs->currentWidget() == diff && diffStale)
      showCurrentDiff();
  });
  connect(searchLine, &QLineEdit::returnPressed, this, [this] {
    findInIR(QApplication::keyboardModifiers() & Qt::ShiftModifier);
  });
  connect(ir, &IRView::cursorPositionChanged, this,
          &MainWindow::linkIRToSource);
  connect(source, &IRView::cursorPositionChanged, this,
          &MainWindow::linkSourceToIR);
  // The op under the cursor is followed through the passes (after a pause:
  // a large compile has thousands of snapshots to look at).
  followTimer = new QTimer(this);
  followTimer->setSingleShot(true);
  followTimer->setInterval(200);
  connect(followTimer, &QTimer::timeout, this,
          [this] { followSourceLine(pendingFollow); });
  connect(source, &IRView::cursorPositionChanged, this, [this] {
    pendingFollow = source->cursorLine() + 1;
    followTimer->start();
  });
  connect(diagnostics, &DiagnosticsList::locationActivated, this,
          [this](const QString &, int line, int column) {
            source->goToLine(line - 1, column - 1);
            source->setFocus();
          });
  connect(executables, &ExecutablesView::exportSelected, this,
          [this](const QString &ref) {
            if (!latest)
              return;
            for (const auto &[index, dispatch] :
                 llvm::enumerate(latest->dispatches))
              if (QString::fromStdString(dispatch.exportRef) == ref) {
                linkDispatchToSource(dispatch);
                graph->selectDispatch(index);
              }
          });
  connect(graph, &DispatchGraphView::dispatchSelected, this,
          &MainWindow::showDispatch);
  connect(compare, &CompareView::rightRecordSelected, this, [this](int record) {
    if (record >= 0 && record != currentRecord)
      selectPass(record);
  });
  connect(graph, &DispatchGraphView::dispatchActivated, this,
          [this](int) { showView("passes"); });
  connect(watcher, &QFileSystemWatcher::fileChanged, this,
          [this](const QString &path) {
            // Editors replace files on save: watch the new one.
            if (!watcher->files().contains(path) && QFileInfo::exists(path))
              watcher->addPath(path);
            if (watch->isChecked())
              recompileTimer->start();
          });
  connect(recompileTimer, &QTimer::timeout, this, &MainWindow::compile);
  updateRecentMenu();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions() {
  QMenu *fileMenu = menuBar()->addMenu("&File");
  QAction *open = fileMenu->addAction("&Open…", this, [this] {
    QString chosen = QFileDialog::getOpenFileName(
        this, "Open MLIR file", QFileInfo(file).absolutePath(),
        "MLIR and ONNX (*.mlir *.mlirbc *.onnx);;All files (*)");
    if (!chosen.isEmpty())
      openFile(chosen);
  });
  open->setShortcut(QKeySequence::Open);
  recentMenu = fileMenu->addMenu("Open &Recent");
  fileMenu->addSeparator();
  fileMenu->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

  QMenu *compileMenu = menuBar()->addMenu("&Compile");
  compileAction = compileMenu->addAction("&Compile", QKeySequence(Qt::Key_F5),
                                         this, &MainWindow::compile);
  cancelAction = compileMenu->addAction("C&ancel", QKeySequence(Qt::Key_Escape),
                                        controller, &CompileController::cancel);
  cancelAction->setEnabled(false);
  compileMenu->addSeparator();
  compileMenu->addAction("&Pin for comparison",
                         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P), this,
                         &MainWindow::pinForComparison);

  QMenu *goMenu = menuBar()->addMenu("&Go");
  goMenu->addAction("&Next pass", QKeySequence(Qt::Key_F8), this,
                    [this] { stepPass(+1); });
  goMenu->addAction("&Previous pass", QKeySequence(Qt::SHIFT | Qt::Key_F8),
                    this, [this] { stepPass(-1); });
  goMenu->addAction("Next pass that &changed the selection",
                    QKeySequence(Qt::CTRL | Qt::Key_F8), this,
                    [this] { nextPassChangingSelection(); });
  goMenu->addAction("Next &difference from the pinned compile",
                    QKeySequence(Qt::ALT | Qt::Key_F8), this, [this] {
                      showView("compare");
                      compare->selectNextDifference(false);
                    });
  goMenu->addAction("Next pass that changed the &followed op",
                    QKeySequence(Qt::Key_F9), this,
                    [this] { stepFollowed(+1); });
  goMenu->addAction("Previous pass that changed the followed op",
                    QKeySequence(Qt::SHIFT | Qt::Key_F9), this,
                    [this] { stepFollowed(-1); });
  goMenu->addAction("Show only the followed op's function",
                    QKeySequence(Qt::CTRL | Qt::Key_F9), this,
                    [this] { restrictToFollowedOp(); });
  goMenu->addAction("&Find in IR", QKeySequence::Find, this, [this] {
    searchLine->setFocus();
    searchLine->selectAll();
  });

  QToolBar *toolbar = addToolBar("Compile");
  toolbar->setObjectName("compileToolbar");
  toolbar->addAction(open);
  toolbar->addSeparator();
  toolbar->addWidget(new QLabel(" Target ", toolbar));
  targetCombo = new QComboBox(toolbar);
  targetCombo->setObjectName("target");
  targetCombo->addItems({"llvm-cpu", "vulkan-spirv", "llvm-cpu,vulkan-spirv"});
  toolbar->addWidget(targetCombo);
  toolbar->addWidget(new QLabel(" Triple ", toolbar));
  tripleCombo = new QComboBox(toolbar);
  tripleCombo->setObjectName("triple");
  tripleCombo->setEditable(true);
  tripleCombo->addItems({"host", "x86_64-unknown-linux-gnu",
                         "aarch64-unknown-linux-gnu", "x86_64-pc-windows-msvc",
                         "arm64-apple-macosx13.0", "wasm32-unknown-unknown"});
  toolbar->addWidget(tripleCombo);
  toolbar->addWidget(new QLabel(" Up to ", toolbar));
  phaseCombo = new QComboBox(toolbar);
  phaseCombo->setObjectName("compileTo");
  for (Phase phase : getAllPhases())
    phaseCombo->addItem(QString::fromStdString(getPhaseName(phase).str()));
  phaseCombo->setCurrentText("loader");
  toolbar->addWidget(phaseCombo);
  optCombo = new QComboBox(toolbar);
  optCombo->setObjectName("optLevel");
  optCombo->addItems({"-O0", "-O1", "-O2", "-O3"});
  optCombo->setCurrentIndex(2);
  toolbar->addWidget(optCombo);
  linkExecutables = new QCheckBox("Link executables", toolbar);
  linkExecutables->setObjectName("linkExecutables");
  linkExecutables->setChecked(true);
  toolbar->addWidget(linkExecutables);
  toolbar->addSeparator();
  toolbar->addAction(compileAction);
  toolbar->addAction(cancelAction);
  watch = new QCheckBox("Recompile on change", toolbar);
  watch->setObjectName("watch");
  watch->setChecked(true);
  toolbar->addWidget(watch);
}

void MainWindow::showProfileInGraph() {
  auto run = runner->outcome();
  if (!latest || !run)
    return;
  std::vector<DispatchGraphView::Hotspot> hotspots;
  for (const rt::tooling::DispatchSummary &row :
       rt::tooling::summarizeDispatches(run->profile)) {
    QString suffix = "::@" + QString::fromStdString(row.exportName);
    for (size_t i = 0; i < latest->dispatches.size(); ++i)
      if (QString::fromStdString(latest->dispatches[i].exportRef)
              .endsWith(suffix))
        hotspots.push_back({int(i), QString::fromStdString(row.exportName),
                            row.share, row.meanMicroseconds});
  }
  graph->setHotspots(std::move(hotspots));
}

void MainWindow::restoreLayout() {
  QSettings settings("Tessera", "Explorer");
  restoreGeometry(settings.value("window/geometry").toByteArray());
  layoutRestored =
      restoreState(settings.value("window/state").toByteArray()) &&
      split->restoreState(settings.value("window/sourceSplit").toByteArray());
}

void MainWindow::showEvent(QShowEvent *event) {
  QMainWindow::showEvent(event);
  if (layoutRestored || sizedOnce)
    return;
  sizedOnce = true;
  // Panels in proportion to the window: the passes a quarter, the source
  // two fifths of the rest (what the IR views leave it).
  int passes = std::clamp(width() / 4, 220, 380);
  resizeDocks({passDock}, {passes}, Qt::Horizontal);
  int rest = std::max(0, width() - passes);
  split->setSizes({rest * 2 / 5, rest - rest * 2 / 5});
}

void MainWindow::saveLayout() const {
  QSettings settings("Tessera", "Explorer");
  settings.setValue("window/geometry", saveGeometry());
  settings.setValue("window/state", saveState());
  settings.setValue("window/sourceSplit", split->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event) {
  if (remembersLayout)
    saveLayout();
  QMainWindow::closeEvent(event);
}

void MainWindow::setRequestTemplate(const CompileRequest &templ) {
  request = templ;
  if (!templ.targets.empty()) {
    QStringList targets;
    for (const std::string &target : templ.targets)
      targets << QString::fromStdString(target);
    targetCombo->setCurrentText(targets.join(','));
  }
  tripleCombo->setCurrentText(QString::fromStdString(templ.targetTriple));
  phaseCombo->setCurrentText(QString::fromStdString(templ.compileTo));
  linkExecutables->setChecked(templ.linkExecutables);
  optCombo->setCurrentIndex(std::min(templ.optLevel, 3u));
}

CompileRequest MainWindow::currentRequest() const {
  CompileRequest result = request;
  result.file = file.toStdString();
  result.targets.clear();
  for (const QString &target : targetCombo->currentText().split(','))
    result.targets.push_back(target.trimmed().toStdString());
  result.targetTriple = tripleCombo->currentText().trimmed().toStdString();
  result.compileTo = phaseCombo->currentText().toStdString();
  result.linkExecutables = linkExecutables->isChecked();
  result.optLevel = optCombo->currentIndex();
  return result;
}

void MainWindow::openFile(const QString &path) {
  if (!watcher->files().isEmpty())
    watcher->removePaths(watcher->files());
  file = QFileInfo(path).absoluteFilePath();
  setWindowTitle(QFileInfo(file).fileName() + " — Tessera Explorer");
  // Shown until the compile tells what it read: a regular file of text,
  // read here at once. A FIFO, a device or a file too large to show is
  // left to the worker (which refuses it with a message), and so is
  // bytecode, which the worker prints as text.
  source->setText(QString());
  QFileInfo info(file);
  QFile input(file);
  if (info.isFile() && info.size() <= kMaxShownSourceBytes &&
      input.open(QIODevice::ReadOnly)) {
    QByteArray bytes = input.readAll();
    if (!bytes.startsWith(QByteArray("ML\xefR", 4)))
      source->setText(QString::fromUtf8(bytes));
  }
  if (QFileInfo::exists(file))
    watcher->addPath(file);
  rememberRecent(file);
  compile();
}

void MainWindow::compile() {
  if (file.isEmpty())
    return;
  CompileRequest next = currentRequest();
  // A file shown for the first time is shown as its compile goes (a large
  // model's passes take seconds); a recompile keeps the last outcome on
  // screen until the new one is whole.
  live.reset();
  if (!latest || latest->request.file != next.file) {
    live = std::make_shared<CompileOutcome>();
    live->request = next;
    live->inProgress = true;
  }
  liveTimer->stop();
  controller->start(next);
}

void MainWindow::showPassAsItComes(const PassRecord &record) {
  if (!live || record.index != live->records.size())
    return;
  live->records.push_back(record);
  // The first pass at once, then a few times a second.
  if (live->records.size() == 1)
    showLiveRecords();
  else if (!liveTimer->isActive())
    liveTimer->start();
}

void MainWindow::showLiveRecords() {
  if (!live)
    return;
  bool first = latest != live;
  int shown = currentRecord;
  latest = live;
  if (first) {
    // Nothing of the file shown before stays: its graph, executables,
    // module and diagnostics wait for this compile's.
    diagnostics->setDiagnostics({});
    executables->setOutcome(live);
    graph->setOutcome(live);
    runner->setModule({}, QFileInfo(file).fileName());
  }
  passes->setRecords(&live->records);
  passView->expandAll();
  if (first || shown < 0)
    shown = 0;
  currentRecord = -1;
  selectPass(shown);
}

void MainWindow::showOutcome(std::shared_ptr<const CompileOutcome> next) {
  live.reset();
  liveTimer->stop();
  progress->hide();
  compileAction->setEnabled(true);
  cancelAction->setEnabled(false);
  // A recompile cancelled: the last whole compile of the file stays.
  if (next->cancelled && latest && !latest->inProgress &&
      latest->request.file == next->request.file) {
    statusText->setText(
        QStringLiteral("%1: compile cancelled after %2 passes; shown: the "
                       "last compile")
            .arg(QFileInfo(file).fileName())
            .arg(next->records.size()));
    Q_EMIT compileShown();
    return;
  }
  // Keep the place: the same pass (by position) and restriction.
  int previousRecord = currentRecord;
  QString previousRestriction = restrictSymbol;
  latest = std::move(next);
  currentRecord = -1;
  currentDiff.clear();
  // A worker that could not start, or died before it read the file, has
  // no source to tell: the text shown stays.
  if (latest->sourceRead)
    source->setText(latest->source);
  passes->setRecords(&latest->records);
  passView->expandAll();
  diagnostics->setDiagnostics(latest->diagnostics);
  executables->setOutcome(latest);
  graph->setOutcome(latest);
  runner->setModule(
      latest->moduleBytes,
      QFileInfo(QString::fromStdString(latest->request.file)).fileName());
  if (compare->hasLeft())
    compare->setRight(latest);

  // Functions and executables to restrict to, in order of appearance.
  restrictCombo->blockSignals(true);
  restrictCombo->clear();
  restrictCombo->addItem("whole anchor", QString());
  std::set<std::string> seen;
  for (const PassRecord &record : latest->records) {
    if (record.depth != 0 || !record.irAfter)
      continue;
    for (const auto *snapshot : {record.irBefore.get(), record.irAfter.get()})
      if (snapshot)
        for (const CapturedIR::Piece &piece : snapshot->pieces)
          if (!piece.symbol.empty() && seen.insert(piece.symbol).second)
            restrictCombo->addItem("@" + QString::fromStdString(piece.symbol),
                                   QString::fromStdString(piece.symbol));
  }
  int restored = restrictCombo->findData(previousRestriction);
  restrictCombo->setCurrentIndex(restored < 0 ? 0 : restored);
  restrictSymbol = restrictCombo->currentData().toString();
  compare->restrictTo(restrictSymbol);
  restrictCombo->blockSignals(false);

  showCrash();
  // The followed op, through the new compile's passes.
  if (following > 0)
    followSourceLine(following);

  int errors = 0;
  for (const Diagnostic &diag : latest->diagnostics)
    errors += diag.severity == Diagnostic::Severity::Error;
  if (latest->crashed)
    statusText->setText(
        QStringLiteral("%1: the compile crashed (%2) after %3 passes; the "
                       "window goes on")
            .arg(QFileInfo(file).fileName(),
                 QString::fromStdString(latest->crashDescription))
            .arg(latest->records.size() - (latest->crashedRecord >= 0)));
  else
    statusText->setText(
        QStringLiteral("%1: %2 in %3 ms, %4 passes, %5 dispatches, %6 "
                       "executables%7")
            .arg(QFileInfo(file).fileName(),
                 latest->cancelled   ? QStringLiteral("cancelled")
                 : latest->succeeded ? QStringLiteral("compiled")
                                     : QStringLiteral("failed"))
            .arg(latest->wallMs, 0, 'f', 0)
            .arg(latest->records.size())
            .arg(latest->dispatches.size())
            .arg(latest->executables.size())
            .arg(errors ? QStringLiteral(", %1 error(s)").arg(errors)
                        : QString()));

  if (!latest->records.empty()) {
    int record =
        previousRecord >= 0 && previousRecord < int(latest->records.size())
            ? previousRecord
            : 0;
    // A crash shows where it happened.
    if (latest->crashedRecord >= 0)
      record = latest->crashedRecord;
    selectPass(record);
  } else {
    ir->setText(QString());
    irHeader->setText(errors ? "No passes ran: see the diagnostics."
                             : QString());
    diff->setDiff({}, "", "");
  }
  Q_EMIT compileShown();
}

bool MainWindow::selectPass(int index) {
  if (!latest || index < 0 || index >= int(latest->records.size()))
    return false;
  currentRecord = index;
  compare->selectRightRecord(index);
  QModelIndex proxy = filter->mapFromSource(passes->indexOfRecord(index));
  if (proxy.isValid() && passView->currentIndex() != proxy) {
    passView->setCurrentIndex(proxy);
    passView->scrollTo(proxy);
  }
  refreshViews();
  return true;
}

void MainWindow::refreshViews() {
  showCurrentIR();
  // The diff is computed when its tab is shown.
  diffStale = true;
  if (tabs->currentWidget() == diff)
    showCurrentDiff();
}

void MainWindow::restrictTo(const QString &symbol) {
  restrictSymbol = symbol;
  int item = restrictCombo->findData(symbol);
  if (item >= 0 && restrictCombo->currentIndex() != item) {
    restrictCombo->blockSignals(true);
    restrictCombo->setCurrentIndex(item);
    restrictCombo->blockSignals(false);
  }
  compare->restrictTo(symbol);
  refreshViews();
}

void MainWindow::showCrash() {
  if (!latest->crashed) {
    crashBanner->hide();
    return;
  }
  QString where = QStringLiteral("in a pass it did not name");
  if (latest->crashedRecord >= 0) {
    const PassRecord &record = latest->records[latest->crashedRecord];
    where = QStringLiteral("in pass <b>#%1 %2</b> on <code>%3</code>")
                .arg(record.index + 1)
                .arg(QString::fromStdString(record.passName).toHtmlEscaped(),
                     QString::fromStdString(record.nesting).toHtmlEscaped());
  } else if (latest->records.empty()) {
    where = QStringLiteral("before its first pass ended");
  }
  QString reproducer =
      latest->reproducerPath.empty()
          ? QStringLiteral("No reproducer was written.")
          : QStringLiteral("Reproducer: <code>%1</code> (<code>tessera-opt "
                           "--run-reproducer</code> replays it).")
                .arg(QString::fromStdString(shellQuote(latest->reproducerPath))
                         .toHtmlEscaped());
  crashLabel->setText(
      QStringLiteral("<b>The compile crashed</b> %1 (%2).%3 %4")
          .arg(where,
               QString::fromStdString(latest->crashDescription).toHtmlEscaped(),
               latest->crashedRecord >= 0
                   ? QStringLiteral(" Shown: the IR that pass was given.")
                   : QString(),
               reproducer));
  lastGoodButton->setEnabled(latest->crashedRecord > 0);
  crashBanner->show();
}

void MainWindow::showCurrentIR() {
  if (!latest || currentRecord < 0)
    return;
  const PassRecord &record = latest->records[currentRecord];
  bool crashedHere = currentRecord == latest->crashedRecord;
  // The pass a crash stopped has no IR after: show what it was given.
  const CapturedIR *shown =
      crashedHere ? record.irBefore.get() : record.irAfter.get();
  irLineOffset = 0;
  std::string text;
  if (!shown) {
    text = "// no IR captured";
  } else if (restrictSymbol.isEmpty()) {
    text = shown->str();
  } else if (record.depth == 0) {
    const CapturedIR::Piece *piece =
        shown->findPiece(restrictSymbol.toStdString());
    if (piece) {
      text = *piece->text;
      irLineOffset = piece->firstLine;
    } else {
      text = "// @" + restrictSymbol.toStdString() +
             " does not exist after this pass";
    }
  } else if (nestingNames(record, restrictSymbol)) {
    text = shown->str();
  } else {
    text = "// this pass ran on " + record.nesting + ", not in @" +
           restrictSymbol.toStdString();
  }
  if (!text.empty() && text.back() == '\n')
    text.pop_back();
  ir->setText(std::move(text));
  irHeader->setText(
      QStringLiteral("<b>#%1 %2</b> on <code>%3</code> — %4 ms, %5")
          .arg(record.index + 1)
          .arg(QString::fromStdString(record.passName).toHtmlEscaped(),
               QString::fromStdString(record.nesting).toHtmlEscaped())
          .arg(record.wallMs, 0, 'f', 2)
          .arg(crashedHere     ? QStringLiteral("<b>crashed</b>; the IR it was "
                                                    "given")
               : record.failed ? QStringLiteral("<b>failed</b>")
               : record.changed ? QStringLiteral("changed the IR")
                                : QStringLiteral("no change")));
  linkSourceToIR();
}

void MainWindow::showCurrentDiff() {
  diffStale = false;
  currentDiff.clear();
  if (!latest || currentRecord < 0) {
    diff->setDiff(currentDiff, "", "");
    return;
  }
  const PassRecord &record = latest->records[currentRecord];
  QString afterName = "after " + QString::fromStdString(record.passName);
  if (!record.irBefore || !record.irAfter) {
    diff->setDiff(currentDiff, "before", afterName);
    return;
  }
  if (restrictSymbol.isEmpty()) {
    currentDiff = diffSnapshots(*record.irBefore, *record.irAfter);
  } else if (record.depth == 0) {
    std::string symbol = restrictSymbol.toStdString();
    const CapturedIR::Piece *before = record.irBefore->findPiece(symbol);
    const CapturedIR::Piece *after = record.irAfter->findPiece(symbol);
    static const std::string empty;
    currentDiff =
        diffLines(before ? *before->text : empty, after ? *after->text : empty);
  } else if (nestingNames(record, restrictSymbol)) {
    currentDiff = diffSnapshots(*record.irBefore, *record.irAfter);
  }
  diff->setDiff(currentDiff, "before", afterName);
}

std::vector<int> MainWindow::visiblePassOrder() const {
  std::vector<int> order;
  // Depth-first in display order.
  std::function<void(const QModelIndex &)> visit = [&](const QModelIndex &at) {
    for (int row = 0; row < filter->rowCount(at); ++row) {
      QModelIndex child = filter->index(row, 0, at);
      int record = child.data(PassTreeModel::RecordIndexRole).toInt();
      if (record >= 0)
        order.push_back(record);
      visit(child);
    }
  };
  visit(QModelIndex());
  return order;
}

void MainWindow::stepPass(int direction) {
  std::vector<int> order = visiblePassOrder();
  if (order.empty())
    return;
  auto at = std::find(order.begin(), order.end(), currentRecord);
  int position = at == order.end() ? -1 : int(at - order.begin());
  int next = std::clamp(position + direction, 0, int(order.size()) - 1);
  selectPass(order[next]);
}

bool MainWindow::nextPassChangingSelection() {
  if (!latest)
    return false;
  std::vector<int> order = visiblePassOrder();
  auto at = std::find(order.begin(), order.end(), currentRecord);
  if (at == order.end())
    at = order.begin();
  else
    ++at;
  std::string symbol = restrictSymbol.toStdString();
  for (; at != order.end(); ++at) {
    const PassRecord &record = latest->records[*at];
    bool changed;
    if (symbol.empty())
      changed = record.changed;
    else if (record.depth == 0)
      changed =
          record.irBefore && record.irAfter &&
          CapturedIR::pieceChanged(*record.irBefore, *record.irAfter, symbol);
    else
      changed = record.changed && nestingNames(record, restrictSymbol);
    if (changed)
      return selectPass(*at);
  }
  statusText->setText("No later pass changed " + (symbol.empty()
                                                      ? QStringLiteral("the IR")
                                                      : "@" + restrictSymbol));
  return false;
}

void MainWindow::pinForComparison() {
  if (!latest)
    return;
  compare->setLeft(latest);
  compare->setRight(latest);
  showView("compare");
  statusText->setText("Pinned " + QFileInfo(file).fileName() +
                      ": change options or edit the file and compile to "
                      "compare against it.");
}

void MainWindow::showDispatch(int index) {
  if (!latest || index < 0 || index >= int(latest->dispatches.size()))
    return;
  const DispatchInfo &dispatch = latest->dispatches[index];
  graph->selectDispatch(index);
  QString ref = QString::fromStdString(dispatch.exportRef);
  // The export's selection highlights the source ops; without exports
  // (an early --compile-to) do it here.
  if (ref.isEmpty() || !executables->selectExport(ref))
    linkDispatchToSource(dispatch);
  // Its own executable, or after linking the one holding its export: at
  // the current pass, or else the last top-level pass that has its own
  // (the executable's source, as IREE dumps it).
  std::vector<std::string> symbols{dispatch.name};
  if (!ref.isEmpty())
    symbols.push_back(ref.section("::", 0, 0).mid(1).toStdString());
  auto has = [&](int record, const std::string &symbol) {
    const PassRecord &at = latest->records[record];
    return at.depth == 0 && at.irAfter && at.irAfter->findPiece(symbol);
  };
  int record = -1;
  std::string symbol;
  for (const std::string &candidate : symbols)
    if (record < 0 && currentRecord >= 0 && has(currentRecord, candidate))
      record = currentRecord, symbol = candidate;
  for (const std::string &candidate : symbols)
    for (int r = int(latest->records.size()) - 1; record < 0 && r >= 0; --r)
      if (has(r, candidate))
        record = r, symbol = candidate;
  if (record < 0)
    return;
  restrictTo(QString::fromStdString(symbol));
  if (record != currentRecord)
    selectPass(record);
}

void MainWindow::linkDispatchToSource(const DispatchInfo &dispatch) {
  std::vector<int> lines;
  for (const SourcePosition &op : dispatch.ops)
    lines.push_back(op.line - 1);
  // Show the op the dispatch was formed around, not the constants
  // feeding it.
  int focus = dispatch.site.line > 0 ? int(dispatch.site.line) - 1
              : dispatch.computeOps.empty()
                  ? -1
                  : int(dispatch.ops[dispatch.computeOps.front()].line) - 1;
  source->setLinkedLines(lines, focus);
}

void MainWindow::linkIRToSource() {
  if (!latest || currentRecord < 0)
    return;
  const PassRecord &record = latest->records[currentRecord];
  if (!record.irAfter)
    return;
  const std::vector<IRSourceLine> &sources = record.irAfter->sources;
  uint32_t line = ir->selectedLines().first + irLineOffset;
  // The op printed on this line, or the nearest op above (a line inside a
  // region or a multi-line op belongs to it).
  auto after = std::upper_bound(sources.begin(), sources.end(), line,
                                [](uint32_t value, const IRSourceLine &entry) {
                                  return value < entry.irLine;
                                });
  std::vector<int> lines;
  if (after != sources.begin()) {
    uint32_t opLine = std::prev(after)->irLine;
    for (auto it = std::prev(after);; --it) {
      if (it->irLine != opLine)
        break;
      if (it->sourceLine > 0)
        lines.push_back(it->sourceLine - 1);
      if (it == sources.begin())
        break;
    }
  }
  source->setLinkedLines(lines);
  // Follow the op on this IR line (by its first source position).
  if (!lines.empty() && ir->hasFocus()) {
    pendingFollow = *std::min_element(lines.begin(), lines.end()) + 1;
    followTimer->start();
  }
}

void MainWindow::followSourceLine(unsigned line) {
  following = line;
  followed.clear();
  if (latest && line > 0)
    followed = history.passesChanging(latest->records, line);
  passes->setMarkedRecords(followed);
  if (line == 0 || !latest)
    return;
  QString text = source->lineText(line - 1).trimmed();
  if (text.size() > 48)
    text = text.left(47) + "…";
  statusText->setText(
      followed.empty()
          ? QStringLiteral("Line %1 (%2): no pass changed its ops")
                .arg(line)
                .arg(text)
          : QStringLiteral("Line %1 (%2): %3 passes changed its ops, marked "
                           "in the pass tree (F9 / Shift+F9 step through "
                           "them)")
                .arg(line)
                .arg(text)
                .arg(followed.size()));
}

bool MainWindow::restrictToFollowedOp() {
  if (!latest || currentRecord < 0 || following == 0)
    return false;
  const PassRecord &record = latest->records[currentRecord];
  std::string symbol;
  if (record.depth > 0) {
    // A nested pass: the top-level op it ran in ("builtin.module/
    // hal.executable @x/...").
    QString nesting = QString::fromStdString(record.nesting);
    symbol = nesting.section('/', 1, 1).section(" @", 1).toStdString();
  } else if (const CapturedIR *shown = record.irAfter ? record.irAfter.get()
                                                      : record.irBefore.get()) {
    for (const IRSourceLine &entry : shown->sources) {
      if (entry.sourceLine != following)
        continue;
      for (const CapturedIR::Piece &piece : shown->pieces)
        if (piece.firstLine <= entry.irLine && !piece.symbol.empty())
          symbol = piece.symbol;
      break;
    }
  }
  if (symbol.empty())
    return false;
  restrictTo(QString::fromStdString(symbol));
  return true;
}

bool MainWindow::stepFollowed(int direction) {
  if (followed.empty())
    return false;
  if (direction > 0) {
    auto next =
        std::upper_bound(followed.begin(), followed.end(), currentRecord);
    return next != followed.end() && selectPass(*next);
  }
  auto previous =
      std::lower_bound(followed.begin(), followed.end(), currentRecord);
  return previous != followed.begin() && selectPass(*std::prev(previous));
}

void MainWindow::linkSourceToIR() {
  if (!latest || currentRecord < 0)
    return;
  const PassRecord &record = latest->records[currentRecord];
  if (!record.irAfter)
    return;
  auto [first, last] = source->selectedLines();
  int shown = ir->lineCount();
  std::vector<int> lines;
  for (const IRSourceLine &entry : record.irAfter->sources) {
    int sourceLine = int(entry.sourceLine) - 1;
    int irLine = int(entry.irLine) - irLineOffset;
    if (sourceLine >= first && sourceLine <= last && irLine >= 0 &&
        irLine < shown)
      lines.push_back(irLine);
  }
  ir->setLinkedLines(lines);
}

void MainWindow::findInIR(bool backwards) {
  QString needle = searchLine->text();
  if (needle.isEmpty())
    return;
  IRView *view = tabs->currentWidget() != diff ? ir
                 : diff->isSideBySide()        ? diff->rightView()
                                               : diff->unifiedView();
  if (!view->find(needle, backwards))
    statusText->setText("Not found: " + needle);
}

void MainWindow::showView(const QString &name) {
  if (name == "diff")
    tabs->setCurrentWidget(diff);
  else if (name == "executables")
    tabs->setCurrentWidget(executables);
  else if (name == "graph")
    tabs->setCurrentWidget(graph);
  else if (name == "compare")
    tabs->setCurrentWidget(compare);
  else if (name == "run")
    tabs->setCurrentWidget(runner);
  else
    tabs->setCurrentWidget(ir);
}

void MainWindow::rememberRecent(const QString &path) {
  QSettings settings("Tessera", "Explorer");
  QStringList recent = settings.value("recentFiles").toStringList();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecent)
    recent.removeLast();
  settings.setValue("recentFiles", recent);
  updateRecentMenu();
}

void MainWindow::updateRecentMenu() {
  recentMenu->clear();
  QSettings settings("Tessera", "Explorer");
  for (const QString &path : settings.value("recentFiles").toStringList())
    recentMenu->addAction(path, this, [this, path] { openFile(path); });
  recentMenu->setEnabled(!recentMenu->isEmpty());
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event) {
  if (event->mimeData()->hasUrls())
    event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event) {
  for (const QUrl &url : event->mimeData()->urls())
    if (url.isLocalFile()) {
      openFile(url.toLocalFile());
      event->acceptProposedAction();
      return;
    }
}

} // namespace tessera::explorer
