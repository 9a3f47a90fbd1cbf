//===- MainWindow.h - The explorer's window ---------------------*- C++ -*-===//
//
// Ties the views together: the source, the pass tree, the IR after the
// chosen pass and its diff, the executables, the diagnostics; compiles
// through CompileController (never on the UI thread) and keeps the views
// linked (IR line <-> source lines, export -> source ops).
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_MAINWINDOW_H
#define TESSERA_EXPLORER_MAINWINDOW_H

#include "CompileController.h"
#include "OpHistory.h"
#include "Pipeline/IRDiff.h"

#include <QMainWindow>

#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QDockWidget;
class QFileSystemWatcher;
class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QPushButton;
class QTabWidget;
class QTimer;
class QTreeView;

namespace tessera::explorer {

class CompareView;
class DiagnosticsList;
class DiffView;
class DispatchGraphView;
class ExecutablesView;
class IRView;
class PassFilterModel;
class PassTreeModel;
class RunView;

class MainWindow : public QMainWindow {
  Q_OBJECT
public:
  explicit MainWindow(QWidget *parent = nullptr);
  ~MainWindow() override;

  /// Opens `file` and compiles it.
  void openFile(const QString &file);
  void compile();
  void setRequestTemplate(const CompileRequest &request);
  CompileRequest currentRequest() const;

  /// The tab to show: "passes" (IR), "diff", "executables", "graph",
  /// "compare", "run".
  void showView(const QString &name);
  /// Selects pass record `index` (shows its IR and diff).
  bool selectPass(int index);
  int currentPass() const { return currentRecord; }
  /// Restricts the IR views to top-level op `@symbol` ("" for everything).
  void restrictTo(const QString &symbol);
  void stepPass(int direction);
  /// Keeps the compile shown as the left side of the comparison; the
  /// compiles that follow (other options, an edited file) are the right.
  void pinForComparison();
  /// Shows dispatch `index` everywhere: its export in the executables
  /// view, its source ops, its executable's IR (at the current pass, or
  /// the last one that has it), its node in the graph.
  void showDispatch(int index);
  /// Selects the next pass after the current one that changed the
  /// restricted function or executable; false when there is none.
  bool nextPassChangingSelection();
  /// Follows the ops made from source line `line` (1-based): marks the
  /// passes that changed them in the pass tree; 0 stops following.
  /// Choosing a source line (or an IR line, by its op's location) does it.
  void followSourceLine(unsigned line);
  const std::vector<int> &followedPasses() const { return followed; }
  unsigned followedLine() const { return following; }
  /// Selects the next (+1) or previous (-1) followed pass (F9, Shift+F9).
  bool stepFollowed(int direction);
  /// Limits the IR and diff views to the function or executable that holds
  /// the followed op at the current pass (Ctrl+F9); false when none does.
  bool restrictToFollowedOp();

  /// The window's size, its docks and splitter as the user left them
  /// (QSettings); saved again on close once restored. Screenshots and
  /// tests keep the defaults.
  void restoreLayout();
  void saveLayout() const;
  void setRemembersLayout(bool remember) { remembersLayout = remember; }

  std::shared_ptr<const CompileOutcome> outcome() const { return latest; }
  PassTreeModel *passModel() const { return passes; }
  PassFilterModel *passFilter() const { return filter; }
  QTreeView *passTree() const { return passView; }
  IRView *irView() const { return ir; }
  IRView *sourceView() const { return source; }
  DiffView *diffView() const { return diff; }
  ExecutablesView *executablesView() const { return executables; }
  DispatchGraphView *graphView() const { return graph; }
  CompareView *compareView() const { return compare; }
  RunView *runView() const { return runner; }
  DiagnosticsList *diagnosticsList() const { return diagnostics; }
  QComboBox *restrictBox() const { return restrictCombo; }
  QCheckBox *hideUnchangedBox() const { return hideUnchanged; }
  QFrame *crashBannerWidget() const { return crashBanner; }
  QPushButton *lastGoodPassButton() const { return lastGoodButton; }
  QLineEdit *passFilterEdit() const { return passFilterLine; }

Q_SIGNALS:
  /// A compile's outcome is shown.
  void compileShown();

protected:
  void dragEnterEvent(QDragEnterEvent *event) override;
  void dropEvent(QDropEvent *event) override;
  void closeEvent(QCloseEvent *event) override;
  void showEvent(QShowEvent *event) override;

private:
  void buildActions();
  void showOutcome(std::shared_ptr<const CompileOutcome> outcome);
  /// The passes of a first compile of a file, shown as they come.
  void showPassAsItComes(const mlir::tessera::PassRecord &record);
  void showLiveRecords();
  /// Colours the dispatch graph by the run view's last profile.
  void showProfileInGraph();
  /// Shows the current pass and restriction in the IR and diff views.
  void refreshViews();
  void showCurrentIR();
  /// Shows or hides the banner of a crashed compile.
  void showCrash();
  void showCurrentDiff();
  void linkIRToSource();
  /// Highlights the source ops of `dispatch`.
  void linkDispatchToSource(const mlir::tessera::DispatchInfo &dispatch);
  void linkSourceToIR();
  void findInIR(bool backwards);
  void rememberRecent(const QString &file);
  void updateRecentMenu();
  std::vector<int> visiblePassOrder() const;

  CompileController *controller;
  CompileRequest request;
  QString file;
  std::shared_ptr<const CompileOutcome> latest;
  OpHistory history;
  std::vector<int> followed;
  unsigned following = 0, pendingFollow = 0;
  QTimer *followTimer;
  /// The compile under way, while it is shown as it goes.
  std::shared_ptr<CompileOutcome> live;
  QTimer *liveTimer;
  int currentRecord = -1;
  QString restrictSymbol;
  /// The displayed IR's first line in the whole snapshot (restricted views
  /// show one piece).
  int irLineOffset = 0;
  bool diffStale = true;
  std::vector<mlir::tessera::DiffLine> currentDiff;

  PassTreeModel *passes;
  PassFilterModel *filter;
  QTreeView *passView;
  QLineEdit *passFilterLine, *searchLine;
  QCheckBox *hideUnchanged, *sideBySide, *watch, *linkExecutables;
  QComboBox *restrictCombo, *targetCombo, *tripleCombo, *phaseCombo, *optCombo;
  QTabWidget *tabs;
  QSplitter *split;
  QDockWidget *passDock;
  bool remembersLayout = false;
  /// The layout came from the settings, or was sized for the window once.
  bool layoutRestored = false, sizedOnce = false;
  IRView *ir, *source;
  QLabel *irHeader, *statusText;
  DiffView *diff;
  ExecutablesView *executables;
  DispatchGraphView *graph;
  CompareView *compare;
  RunView *runner;
  DiagnosticsList *diagnostics;
  QProgressBar *progress;
  QFrame *crashBanner;
  QLabel *crashLabel;
  QPushButton *lastGoodButton;
  QAction *compileAction, *cancelAction;
  QMenu *recentMenu;
  QFileSystemWatcher *watcher;
  QTimer *recompileTimer;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_MAINWINDOW_H
