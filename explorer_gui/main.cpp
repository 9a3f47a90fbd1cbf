//===- main.cpp - tessera-explorer ----------------------------------------===//
//
// tessera-explorer [FILE] [--target=B] [--target-triple=T] [--compile-to=P]
//                  [--link-executables=false]
//                  [--screenshot=PNG
//                  [--view=passes|diff|executables|graph|compare|run]
//                   [--pass=N|NAME] [--restrict=SYMBOL] [--export=NAME]
//                   [--dispatch=N|NAME] [--profile] [--size=WxH]
//                   [--compare=KEY=VALUE,... (triple, link, opt, to)]]
//
//===----------------------------------------------------------------------===//

#include "CompareView.h"
#include "DispatchGraphView.h"
#include "ExecutablesView.h"
#include "MainWindow.h"
#include "RunView.h"

#include "Pipeline/CrashMessage.h"
#include "Pipeline/Options.h"
#include "Pipeline/Version.h"

#include <QApplication>
#include <QComboBox>
#include <QCommandLineParser>
#include <QFileInfo>
#include <QImageWriter>
#include <QPlainTextEdit>
#include <QSaveFile>
#include <QTabWidget>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace tessera::explorer;

/// The first pass whose argument starts with `name`, or a 1-based number.
static int findPass(const CompileOutcome &outcome, const QString &name) {
  bool isNumber = false;
  int number = name.toInt(&isNumber);
  if (isNumber)
    return number - 1;
  for (const auto &record : outcome.records)
    if (QString::fromStdString(record.passArgument).startsWith(name) &&
        (record.changed || name.isEmpty()))
      return record.index;
  return -1;
}

/// A 0-based dispatch index, or the first dispatch whose name or export
/// contains `name`.
static int findDispatch(const CompileOutcome &outcome, const QString &name) {
  bool isNumber = false;
  int number = name.toInt(&isNumber);
  if (isNumber)
    return number >= 0 && number < int(outcome.dispatches.size()) ? number : -1;
  for (size_t i = 0; i < outcome.dispatches.size(); ++i)
    if (QString::fromStdString(outcome.dispatches[i].name).contains(name) ||
        QString::fromStdString(outcome.dispatches[i].exportRef).contains(name))
      return i;
  return -1;
}

/// --help (and --version) print and exit: they must work where no display
/// is, so they get a QCoreApplication, which opens none.
static bool asksOnlyForText(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    QByteArray arg(argv[i]);
    if (arg == "--")
      return false;
    if (arg == "-h" || arg == "--help" || arg == "-help" ||
        arg == "--help-all" || arg == "-v" || arg == "--version")
      return true;
  }
  return false;
}

/// --screenshot renders without a window.
static bool asksForScreenshot(int argc, char **argv) {
  for (int i = 1; i < argc; ++i)
    if (QByteArray(argv[i]).startsWith("--screenshot"))
      return true;
  return false;
}

int main(int argc, char **argv) {
  // Before QApplication, which needs a display.
  if (mlir::tessera::isVersionRequest(argc, argv)) {
    std::printf("%s\n",
                mlir::tessera::getVersionLine("tessera-explorer").c_str());
    return 0;
  }
  mlir::tessera::enableCrashStackTrace(argv[0]);
  mlir::tessera::setCrashMessage("tessera-explorer", argc, argv);
  std::unique_ptr<QCoreApplication> app;
  if (asksOnlyForText(argc, argv)) {
    app = std::make_unique<QCoreApplication>(argc, argv);
  } else {
#if defined(__linux__)
    // Qt would abort (and dump core) without one. A screenshot needs none.
    bool noDisplay = qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") &&
                     qEnvironmentVariableIsEmpty("DISPLAY") &&
                     qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
    if (noDisplay && asksForScreenshot(argc, argv)) {
      qputenv("QT_QPA_PLATFORM", "offscreen");
      noDisplay = false;
    }
    if (noDisplay) {
      std::fprintf(stderr, "tessera-explorer: error: no display (DISPLAY and "
                           "WAYLAND_DISPLAY are not set); run it in a desktop "
                           "session or under xvfb-run (--screenshot=PNG "
                           "needs none)\n");
      return 2;
    }
#endif
    app = std::make_unique<QApplication>(argc, argv);
  }
  QCoreApplication::setApplicationName("tessera-explorer");
  QCoreApplication::setOrganizationName("Tessera");

  QCommandLineParser parser;
  parser.setApplicationDescription(
      "Steps through the passes of a Tessera compile, shows its dispatch "
      "graph and linked executables,\nand runs and profiles dispatches.\n\n"
      "Examples:\n"
      "  tessera-explorer examples/mlp.mlir\n"
      "  tessera-explorer examples/mlp.mlir --view=executables "
      "--screenshot=mlp.png");
  parser.addHelpOption();
  parser.addPositionalArgument("file",
                               "The .mlir program or .onnx model to open.");
  QCommandLineOption target("target", "Target backend.", "backend", "llvm-cpu");
  QCommandLineOption triple("target-triple", "llvm-cpu target triple.",
                            "triple", "host");
  QCommandLineOption compileTo("compile-to", "Last phase to run.", "phase",
                               "loader");
  QCommandLineOption link("link-executables",
                          "Link the executables of a target (true/false).",
                          "bool", "true");
  QCommandLineOption screenshot(
      "screenshot", "Load, compile, save the window as PNG and exit.", "png");
  QCommandLineOption view("view",
                          "passes, diff, executables, graph, compare or run.",
                          "view", "passes");
  QCommandLineOption pass("pass",
                          "Pass to show: 1-based number, or the first pass "
                          "whose argument starts with NAME and that changed "
                          "the IR.",
                          "pass");
  QCommandLineOption restrict("restrict", "Show only top-level op @SYMBOL.",
                              "symbol");
  QCommandLineOption exportName("export", "Export to select (executables).",
                                "name");
  QCommandLineOption dispatch(
      "dispatch",
      "Dispatch to select everywhere: 0-based index, or the first whose "
      "name or export contains NAME.",
      "dispatch");
  QCommandLineOption compareWith(
      "compare",
      "Compile, pin it, compile again with these changes and compare: "
      "triple=T,link=false,opt=N,to=PHASE (screenshots).",
      "changes");
  QCommandLineOption profile(
      "profile",
      "Screenshots: run and profile the module first (random inputs, 10 "
      "calls, the CPU), as --view=run does; the graph shows its hotspots.");
  QCommandLineOption size("size", "Window size for screenshots (WxH).", "size",
                          "1500x900");
  for (const auto &option :
       {target, triple, compileTo, link, screenshot, view, pass, restrict,
        exportName, dispatch, compareWith, profile, size})
    parser.addOption(option);
  parser.process(*app);
  // Every value is checked before anything runs: a typo is an error that
  // lists the valid values, never a silent default.
  auto refuse = [](const QString &option, const QString &value,
                   const QStringList &valid) {
    std::fprintf(
        stderr, "tessera-explorer: error: unknown --%s '%s' (valid: %s)\n",
        qPrintable(option), qPrintable(value), qPrintable(valid.join(", ")));
    return 2;
  };
  const QStringList views = {"passes", "diff",    "executables",
                             "graph",  "compare", "run"};
  if (!views.contains(parser.value(view)))
    return refuse("view", parser.value(view), views);
  QStringList phases;
  for (mlir::tessera::Phase phase : mlir::tessera::getAllPhases())
    phases << QString::fromStdString(mlir::tessera::getPhaseName(phase).str());
  if (!phases.contains(parser.value(compileTo)))
    return refuse("compile-to", parser.value(compileTo), phases);
  const QStringList backends = {"llvm-cpu", "vulkan-spirv"};
  for (const QString &backend : parser.value(target).split(','))
    if (!backends.contains(backend.trimmed()))
      return refuse("target", backend, backends);
  if (parser.value(link) != "true" && parser.value(link) != "false")
    return refuse("link-executables", parser.value(link), {"true", "false"});
  int width = 0, height = 0;
  {
    QStringList dims = parser.value(size).split('x');
    bool wide = false, high = false;
    if (dims.size() == 2) {
      width = dims[0].toInt(&wide);
      height = dims[1].toInt(&high);
    }
    if (!wide || !high || width <= 0 || height <= 0 || width > 16384 ||
        height > 16384) {
      std::fprintf(stderr,
                   "tessera-explorer: error: --size='%s' is not WIDTHxHEIGHT "
                   "in pixels (e.g. 1280x800)\n",
                   qPrintable(parser.value(size)));
      return 2;
    }
  }
  // Where the picture goes is checked before the compile, not after it.
  if (parser.isSet(screenshot)) {
    QFileInfo shot(parser.value(screenshot));
    QByteArray suffix = shot.suffix().toLower().toLatin1();
    QList<QByteArray> formats = QImageWriter::supportedImageFormats();
    if (!suffix.isEmpty() && !formats.contains(suffix)) {
      std::fprintf(stderr,
                   "tessera-explorer: error: --screenshot='%s': no image "
                   "format '%s' (use .png or .jpg)\n",
                   qPrintable(shot.filePath()), suffix.constData());
      return 2;
    }
    QFileInfo folder(shot.absolutePath());
    if (!folder.isDir() || !folder.isWritable()) {
      std::fprintf(stderr,
                   "tessera-explorer: error: --screenshot='%s': cannot write "
                   "into '%s'\n",
                   qPrintable(shot.filePath()), qPrintable(folder.filePath()));
      return 2;
    }
  }

  CompileRequest request;
  request.targets = {parser.value(target).toStdString()};
  request.targetTriple = parser.value(triple).toStdString();
  request.compileTo = parser.value(compileTo).toStdString();
  request.linkExecutables = parser.value(link) != "false";

  MainWindow window;
  window.setRequestTemplate(request);
  QStringList files = parser.positionalArguments();

  // Read by the slots below while app->exec() runs: they must outlive the
  // block that sets them up.
  QString output;
  bool comparing = false;
  if (parser.isSet(screenshot)) {
    if (files.isEmpty()) {
      std::fprintf(stderr, "tessera-explorer: --screenshot needs a file\n");
      return 2;
    }
    window.resize(width, height);
    QSize smallest = window.minimumSizeHint();
    if (width < smallest.width() || height < smallest.height())
      std::fprintf(stderr,
                   "tessera-explorer: warning: the window is at least %dx%d: "
                   "the picture is that large\n",
                   std::max(width, smallest.width()),
                   std::max(height, smallest.height()));
    output = parser.value(screenshot);
    // With --compare, the first compile is pinned and the second shown.
    comparing = parser.isSet(compareWith);
    QObject::connect(&window, &MainWindow::compileShown, &window, [&] {
      if (comparing) {
        comparing = false;
        CompileRequest changed = request;
        for (const QString &change : parser.value(compareWith).split(',')) {
          QString key = change.section('=', 0, 0),
                  value = change.section('=', 1);
          if (key == "triple")
            changed.targetTriple = value.toStdString();
          else if (key == "link")
            changed.linkExecutables = value != "false";
          else if (key == "opt" &&
                   QStringList({"0", "1", "2", "3"}).contains(value))
            changed.optLevel = value.toUInt();
          else if (key == "to" && phases.contains(value))
            changed.compileTo = value.toStdString();
          else {
            std::fprintf(stderr,
                         "tessera-explorer: error: --compare: '%s' is not "
                         "triple=T, link=true|false, opt=0-3 or to=PHASE\n",
                         qPrintable(change));
            QApplication::exit(2);
            return;
          }
        }
        window.pinForComparison();
        window.setRequestTemplate(changed);
        window.compile();
        return;
      }
      window.showView(parser.value(view));
      if (parser.isSet(restrict)) {
        if (window.restrictBox()->findData(parser.value(restrict)) < 0) {
          std::fprintf(stderr,
                       "tessera-explorer: no top-level op @%s to restrict "
                       "to\n",
                       qPrintable(parser.value(restrict)));
          QApplication::exit(2);
          return;
        }
        window.restrictTo(parser.value(restrict));
      }
      // A diff without a pass: the first pass that changed the IR.
      if (parser.value(view) == "diff" && !parser.isSet(pass))
        for (const auto &record : window.outcome()->records)
          if (record.changed) {
            window.selectPass(record.index);
            break;
          }
      if (parser.isSet(pass)) {
        int index = findPass(*window.outcome(), parser.value(pass));
        if (!window.selectPass(index)) {
          std::fprintf(stderr, "tessera-explorer: no pass '%s'\n",
                       qPrintable(parser.value(pass)));
          QApplication::exit(2);
          return;
        }
      }
      if (parser.isSet(dispatch)) {
        int index = findDispatch(*window.outcome(), parser.value(dispatch));
        if (index < 0) {
          std::fprintf(stderr, "tessera-explorer: no dispatch '%s'\n",
                       qPrintable(parser.value(dispatch)));
          QApplication::exit(2);
          return;
        }
        window.showDispatch(index);
      }
      if (parser.value(view) == "compare" && !parser.isSet(pass))
        window.compareView()->selectNextDifference(true);
      if (parser.value(view) == "executables") {
        window.executablesView()->tabs()->setCurrentWidget(
            window.executablesView()->disassembly());
        if (!parser.isSet(exportName))
          window.executablesView()->selectFirstExport();
        else if (!window.executablesView()->selectExport(
                     "@" + parser.value(exportName))) {
          std::fprintf(stderr, "tessera-explorer: no export '%s'\n",
                       qPrintable(parser.value(exportName)));
          QApplication::exit(2);
          return;
        }
      }
      // Let layouts and the lazy highlighter settle, then grab.
      auto grabAndExit = [&] {
        QTimer::singleShot(200, &window, [&] {
          // Whole or not at all: a temporary file renamed when written.
          QSaveFile file(output);
          QByteArray format = QFileInfo(output).suffix().toUpper().toLatin1();
          bool saved = file.open(QIODevice::WriteOnly) &&
                       window.grab().save(&file, format.isEmpty()
                                                     ? "PNG"
                                                     : format.constData()) &&
                       file.commit();
          if (!saved)
            std::fprintf(stderr, "tessera-explorer: cannot write '%s'\n",
                         qPrintable(output));
          QApplication::exit(saved ? (window.outcome()->succeeded ? 0 : 1) : 2);
        });
      };
      if (parser.value(view) == "run" || parser.isSet(profile)) {
        // The profile of a run (random inputs, 10 repetitions, the CPU);
        // without a module (a compile that failed) the window as it is.
        QObject::connect(window.runView(), &RunView::finished, &window,
                         grabAndExit);
        if (window.runView()->run())
          return;
      }
      grabAndExit();
    });
  }
  // A screenshot shows the defaults; a window opens as it was left.
  if (!parser.isSet(screenshot)) {
    window.restoreLayout();
    window.setRemembersLayout(true);
  }
  window.show();
  if (!files.isEmpty())
    window.openFile(files.front());
  return app->exec();
}
