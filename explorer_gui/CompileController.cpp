//===- CompileController.cpp - Compiles off the UI thread -----------------===//

#include "CompileController.h"
#include "CompileInChild.h"

#include <QMetaObject>
#include <QPointer>

#include <csignal>

namespace tessera::explorer {

CompileController::CompileController(QObject *parent) : QObject(parent) {}

CompileController::~CompileController() {
  cancel();
  for (QThread *thread : threads) {
    thread->wait();
    delete thread;
  }
}

void CompileController::start(const CompileRequest &request) {
  cancel();
  uint64_t id = ++generation;
  auto flag = std::make_shared<Running>();
  current = flag;
  running = true;
  Q_EMIT started();
  QPointer<CompileController> self(this);
  QThread *thread = QThread::create([this, self, request, flag, id] {
    int passes = 0;
    auto progress = [&](const mlir::tessera::PassRecord &record) {
      ++passes;
      QString phase = QString::fromStdString(record.phase);
      QString pass = QString::fromStdString(record.passName);
      int count = passes;
      QMetaObject::invokeMethod(
          this,
          [this, self, id, count, phase, pass, record] {
            if (!self || id != generation)
              return;
            Q_EMIT progressed(count, phase, pass);
            Q_EMIT passRecorded(record);
          },
          Qt::QueuedConnection);
    };
    auto outcome = std::make_shared<const CompileOutcome>(
        compileInChildProcess(request, &flag->pid, &flag->cancelled, progress));
    QMetaObject::invokeMethod(
        this,
        [this, self, id, outcome] {
          if (!self || id != generation)
            return;
          running = false;
          Q_EMIT finished(outcome);
        },
        Qt::QueuedConnection);
  });
  threads.push_back(thread);
  thread->start();
  // Reap threads that are done.
  for (auto it = threads.begin(); it != threads.end();) {
    if ((*it)->isFinished()) {
      delete *it;
      it = threads.erase(it);
    } else {
      ++it;
    }
  }
}

void CompileController::cancel() {
  if (!current)
    return;
  current->cancelled.store(true);
  if (int pid = current->pid.load())
    ::kill(pid, SIGKILL);
}

} // namespace tessera::explorer
