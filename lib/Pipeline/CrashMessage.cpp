//===- CrashMessage.cpp - What a crash tells the user ---------------------===//

#include "Pipeline/CrashMessage.h"

#include "Pipeline/Version.h"

#include "llvm/Support/PrettyStackTrace.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"

#include <mutex>
#include <string>

namespace mlir::tessera {

namespace {

struct CrashText {
  std::string tool = "tessera", commandLine, reproducerCommand;
  /// What LLVM prints: it keeps the pointer, so the text lives as long as
  /// the process and is replaced only whole.
  std::string message;
};

CrashText &crashText() {
  static CrashText *text = new CrashText();
  return *text;
}

void update() {
  CrashText &text = crashText();
  std::string message;
  // On a terminal a progress line may be drawn: start on a line of our own.
  if (llvm::sys::Process::StandardErrIsDisplayed())
    message += "\n";
  message += getVersionLine(text.tool) +
             " crashed. This is a bug in Tessera, not in the input.\n"
             "Please report it to the Tessera developers (an issue in the "
             "project's tracker) and attach: this whole output, the input "
             "files of the command below, and the crash reproducer when the "
             "end of this output names one.\n";
  if (!text.commandLine.empty())
    message += "Command line: " + text.commandLine + "\n";
  if (!text.reproducerCommand.empty())
    message +=
        "This command reproduces it alone:\n  " + text.reproducerCommand + "\n";
  // Set the new text before the old one goes.
  static std::string previous;
  previous = std::move(text.message);
  text.message = std::move(message);
  llvm::setBugReportMsg(text.message.c_str());
}

} // namespace

std::string shellQuote(llvm::StringRef argument) {
  if (!argument.empty() &&
      argument.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
                                 "OPQRSTUVWXYZ0123456789-_=./,:+@%") ==
          llvm::StringRef::npos)
    return argument.str();
  std::string text = "'";
  for (char c : argument)
    text += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return text + "'";
}

void setCrashMessage(llvm::StringRef tool, int argc, char **argv) {
  CrashText &text = crashText();
  text.tool = tool.str();
  text.commandLine.clear();
  for (int i = 0; i < argc; ++i)
    text.commandLine += (i ? " " : "") + shellQuote(argv[i]);
  llvm::EnablePrettyStackTrace();
  update();
}

void setCrashReproducerCommand(llvm::StringRef command) {
  crashText().reproducerCommand = command.str();
  update();
}

void enableCrashStackTrace(const char *argv0) {
  static std::once_flag once;
  std::call_once(once, [&] { llvm::sys::PrintStackTraceOnErrorSignal(argv0); });
}

} // namespace mlir::tessera
