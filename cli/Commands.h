//===- Commands.h - tessera subcommands -----------------------*- C++ -*-===//
#ifndef TESSERA_CLI_COMMANDS_H
#define TESSERA_CLI_COMMANDS_H

namespace tessera::cli {

/// Exit codes shared by all subcommands.
/// 1 covers every failure of the work itself: compile errors, bad run
/// inputs, runtime errors, mismatching results.
enum ExitCode { kSuccess = 0, kCompileError = 1, kUsageError = 2 };

int runCompileCommand(int argc, char **argv);
/// `tessera import MODEL.onnx -o FILE`: an ONNX model as MLIR.
int runImportCommand(int argc, char **argv);
int runRunCommand(int argc, char **argv);
/// `tessera bench`: `tessera run`'s loading and inputs, then warm-up calls
/// and timed repetitions reported (and as JSON) instead of the results.
int runBenchCommand(int argc, char **argv);
/// `tessera inspect MODULE [--json]`: a module's functions, executables,
/// exports and constants, without loading it.
int runInspectCommand(int argc, char **argv);
/// `tessera keygen NAME`: an Ed25519 key pair for signed modules.
int runKeygenCommand(int argc, char **argv);

} // namespace tessera::cli

#endif // TESSERA_CLI_COMMANDS_H
