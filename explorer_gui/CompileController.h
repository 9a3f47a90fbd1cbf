//===- CompileController.h - Compiles off the UI thread ---------*- C++ -*-===//
//
// Runs each compile in a child process (CompileInChild.h), waited on by a
// worker thread, and posts its progress and outcome back to the UI thread:
// a compile that crashes ends its child, never the window. A new compile
// or cancel() kills the running child; only the newest compile's outcome
// is reported.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_COMPILECONTROLLER_H
#define TESSERA_EXPLORER_COMPILECONTROLLER_H

#include "ExplorerCompile.h"

#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

namespace tessera::explorer {

class CompileController : public QObject {
  Q_OBJECT
public:
  explicit CompileController(QObject *parent = nullptr);
  ~CompileController() override;

  void start(const CompileRequest &request);
  void cancel();
  bool isRunning() const { return running; }

Q_SIGNALS:
  void started();
  /// A pass finished: how many so far, its phase and name.
  void progressed(int passes, const QString &phase, const QString &pass);
  /// The same pass's record, to show the compile as it goes.
  void passRecorded(const mlir::tessera::PassRecord &record);
  void finished(std::shared_ptr<const CompileOutcome> outcome);

private:
  uint64_t generation = 0;
  bool running = false;
  /// The running compile's: set by cancel(), and its child's process id.
  struct Running {
    std::atomic<bool> cancelled{false};
    std::atomic<int> pid{0};
  };
  std::shared_ptr<Running> current;
  std::vector<QThread *> threads;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_COMPILECONTROLLER_H
