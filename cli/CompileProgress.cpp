//===- CompileProgress.cpp - The progress line of one compile -------------===//

#include "CompileProgress.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/raw_ostream.h"

#include <csignal>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace mlir::tessera;

namespace tessera::cli {

std::string formatProgressLine(Phase phase, Phase last, llvm::StringRef pass,
                               double seconds, unsigned columns) {
  std::string line = llvm::formatv("[{0} {1}/{2}] ", getPhaseName(phase),
                                   int(phase) + 1, int(last) + 1)
                         .str();
  std::string time = llvm::formatv("  {0:f1} s", seconds).str();
  pass = pass.take_until([](char c) { return c == '{' || c == ' '; });
  // The pass name gives way first; the line never wraps.
  size_t room = columns > line.size() + time.size() + 1
                    ? columns - 1 - line.size() - time.size()
                    : 0;
  line += pass.take_front(room).str();
  line += time;
  if (columns && line.size() >= columns)
    line.resize(columns - 1);
  return line;
}

ProgressLine::ProgressLine(Phase last) : last(last) {
  // Ctrl-C still ends the process by the signal, without a half line left
  // behind. LLVM calls this instead of dying, after restoring the default
  // handlers: erase (write(2) is safe in a signal handler), then die.
  llvm::sys::SetInterruptFunction([] {
    static const char erase[] = "\r\x1b[K";
    (void)!::write(2, erase, sizeof(erase) - 1);
    ::raise(SIGINT);
  });
  ticker = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex);
    while (!stopping) {
      wake.wait_for(lock, std::chrono::milliseconds(250));
      if (!stopping && started)
        draw();
    }
  });
}

ProgressLine::~ProgressLine() { close(); }

void ProgressLine::passStarted(Phase newPhase, llvm::StringRef newPass) {
  std::lock_guard<std::mutex> lock(mutex);
  if (stopping)
    return;
  bool phaseChanged = !started || newPhase != phase;
  started = true;
  phase = newPhase;
  pass = newPass.str();
  if (phaseChanged || Clock::now() - lastDraw >= std::chrono::milliseconds(100))
    draw();
}

void ProgressLine::close() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (stopping)
      return;
    stopping = true;
    llvm::sys::SetInterruptFunction(nullptr);
    if (drawn) {
      llvm::errs() << "\r\x1b[K";
      llvm::errs().flush();
      drawn = false;
    }
  }
  wake.notify_all();
  ticker.join();
}

void ProgressLine::draw() {
  struct winsize size = {};
  unsigned columns =
      ioctl(2, TIOCGWINSZ, &size) == 0 && size.ws_col ? size.ws_col : 80;
  lastDraw = Clock::now();
  double seconds = std::chrono::duration<double>(lastDraw - start).count();
  llvm::errs() << "\r\x1b[K"
               << formatProgressLine(phase, last, pass, seconds, columns);
  llvm::errs().flush();
  drawn = true;
}

} // namespace tessera::cli
