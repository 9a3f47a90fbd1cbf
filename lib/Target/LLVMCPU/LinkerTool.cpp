//===- LinkerTool.cpp - In-process lld linking ----------------------------===//

#include "Target/LLVMCPU/LinkerTool.h"

#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <mutex>
#include <optional>

namespace mlir::tessera::target {

namespace {

/// Removes a temporary directory and its files on scope exit.
struct TempDir {
  llvm::SmallString<128> path;
  ~TempDir() {
    if (!path.empty())
      llvm::sys::fs::remove_directories(path);
  }
};

/// lld keeps global state: one link at a time per process.
std::mutex &lldMutex() {
  static std::mutex mutex;
  return mutex;
}

bool lldUsable = true;

/// lld's drivers reset every registered command-line option of the process
/// before parsing their own -mllvm flags, which would silently undo the
/// flags a tool was started with (its pass pipeline, say). Hide the named
/// options from them for the duration of a link.
class HiddenCommandLineOptions {
public:
  HiddenCommandLineOptions()
      : saved(std::move(llvm::cl::getRegisteredOptions())) {
    llvm::cl::getRegisteredOptions().clear();
  }
  ~HiddenCommandLineOptions() {
    llvm::cl::getRegisteredOptions() = std::move(saved);
  }

private:
  std::remove_reference_t<decltype(llvm::cl::getRegisteredOptions())> saved;
};

/// Runs lld as a child process: the fallback once the in-process linker
/// cannot run again (a fatal error leaves its global state unusable), so that
/// long-lived processes (server, explorer) keep linking.
/// TESSERA_LLD_OUT_OF_PROCESS=1 forces it (tests).
llvm::Error runExternalLld(llvm::ArrayRef<std::string> arguments,
                           llvm::StringRef logPath, std::string &diagnostics) {
  auto program =
      llvm::sys::findProgramByName(arguments.front(), {TESSERA_LLVM_BINDIR});
  if (!program)
    program = llvm::sys::findProgramByName(arguments.front());
  if (!program)
    return llvm::createStringError(
        "the in-process linker cannot run again after a fatal error and " +
        arguments.front() + " was not found to link out of process");
  std::vector<llvm::StringRef> argv(arguments.begin(), arguments.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath, logPath};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*program, argv, /*Env=*/std::nullopt,
                                     redirects, /*SecondsToWait=*/0,
                                     /*MemoryLimit=*/0, &error);
  if (auto log = llvm::MemoryBuffer::getFile(logPath))
    diagnostics = (*log)->getBuffer().str();
  if (rc != 0)
    return llvm::createStringError("lld failed to link the executable:\n" +
                                   diagnostics + error);
  return llvm::Error::success();
}

bool forcedOutOfProcess() {
  const char *value = std::getenv("TESSERA_LLD_OUT_OF_PROCESS");
  return value && llvm::StringRef(value) == "1";
}

llvm::Expected<std::string> readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   "cannot read " + path.str());
  return (*buffer)->getBuffer().str();
}

} // namespace

LinkerTool::~LinkerTool() = default;

llvm::Expected<std::unique_ptr<LinkerTool>>
LinkerTool::create(const llvm::Triple &triple) {
  bool arch64 = triple.getArch() == llvm::Triple::x86_64 ||
                triple.getArch() == llvm::Triple::aarch64;
  if (triple.isOSBinFormatELF() && arch64)
    return createELFLinkerTool(triple);
  if (triple.isOSBinFormatCOFF() && arch64)
    return createCOFFLinkerTool(triple);
  if (triple.isOSBinFormatMachO() && arch64)
    return createMachOLinkerTool(triple);
  if (triple.isOSBinFormatWasm() && triple.getArch() == llvm::Triple::wasm32)
    return createWasmLinkerTool(triple);
  return llvm::createStringError(
      "no linker for target triple '" + triple.str() +
      "': supported are x86_64 and aarch64 with ELF (Linux, Android), COFF "
      "(Windows) or Mach-O (macOS, iOS), and wasm32");
}

bool LinkerTool::acceptsFormatOf(llvm::Triple::ObjectFormatType format) const {
  return format == triple.getObjectFormat();
}

llvm::Error LinkerTool::checkObject(const LinkInput &object) const {
  llvm::MemoryBufferRef buffer(object.bytes, object.name);
  auto file = llvm::object::ObjectFile::createObjectFile(buffer);
  if (!file)
    return llvm::createStringError(
        "executable object '" + object.name +
        "' is not an object file: " + llvm::toString(file.takeError()));
  llvm::Triple objectTriple = (*file)->makeTriple();
  if (!acceptsFormatOf(objectTriple.getObjectFormat()) ||
      objectTriple.getArch() != triple.getArch())
    return llvm::createStringError(
        "executable object '" + object.name + "' is " +
        llvm::Triple::getObjectFormatTypeName(objectTriple.getObjectFormat())
            .str() +
        " for " + llvm::Triple::getArchTypeName(objectTriple.getArch()).str() +
        ", but the target '" + triple.str() + "' needs " +
        llvm::Triple::getObjectFormatTypeName(triple.getObjectFormat()).str() +
        " for " + llvm::Triple::getArchTypeName(triple.getArch()).str());
  return llvm::Error::success();
}

llvm::Expected<LinkedLibrary>
LinkerTool::link(llvm::ArrayRef<LinkInput> objects, llvm::StringRef libraryName,
                 llvm::ArrayRef<std::string> exportNames,
                 bool withDebugInfo) const {
  TempDir dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("tessera-link", dir.path))
    return llvm::createStringError(ec, "cannot create a temporary directory");
  LinkFiles files;
  for (auto [index, object] : llvm::enumerate(objects)) {
    llvm::SmallString<128> path(dir.path);
    llvm::sys::path::append(path, "input" + std::to_string(index) + ".o");
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      return llvm::createStringError(ec, "cannot write " + path.str());
    os << object.bytes;
    files.objects.push_back(path.str().str());
  }
  llvm::SmallString<128> output(dir.path);
  llvm::sys::path::append(output, libraryName + "." + getFileExtension());
  files.output = output.str().str();
  if (!getDebugFileExtension().empty()) {
    llvm::SmallString<128> debug(dir.path);
    llvm::sys::path::append(debug, libraryName + "." + getDebugFileExtension());
    files.debugInfo = debug.str().str();
  }

  std::vector<std::string> arguments =
      getArguments(files, libraryName, exportNames, withDebugInfo);
  std::vector<const char *> argv;
  for (const std::string &argument : arguments)
    argv.push_back(argument.c_str());

  std::string diagnostics;
  bool outOfProcess;
  {
    std::lock_guard<std::mutex> lock(lldMutex());
    outOfProcess = !lldUsable || forcedOutOfProcess();
  }
  if (outOfProcess) {
    llvm::SmallString<128> logPath(dir.path);
    llvm::sys::path::append(logPath, "lld.log");
    if (llvm::Error error = runExternalLld(arguments, logPath, diagnostics))
      return error;
  } else {
    std::lock_guard<std::mutex> lock(lldMutex());
    llvm::raw_string_ostream errs(diagnostics);
    std::string stdoutText;
    llvm::raw_string_ostream outs(stdoutText);
    HiddenCommandLineOptions hidden;
    lld::Result result = lld::lldMain(argv, outs, errs, {getDriver()});
    if (!result.canRunAgain)
      lldUsable = false;
    if (result.retCode != 0)
      return llvm::createStringError("lld failed to link the executable:\n" +
                                     diagnostics);
  }
  LinkedLibrary library;
  auto bytes = readFile(files.output);
  if (!bytes)
    return bytes.takeError();
  library.bytes = std::move(*bytes);
  if (withDebugInfo && !files.debugInfo.empty() &&
      llvm::sys::fs::exists(files.debugInfo)) {
    auto debug = readFile(files.debugInfo);
    if (!debug)
      return debug.takeError();
    library.debugInfo = std::move(*debug);
  }
  return library;
}

} // namespace mlir::tessera::target
