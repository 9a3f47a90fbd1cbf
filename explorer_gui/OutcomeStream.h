//===- OutcomeStream.h - A compile's outcome as a byte stream ---*- C++ -*-===//
//
// The explorer compiles in a child process (CompileInChild.h), which sends
// what it makes to the window as it makes it: the source, each pass as it
// starts and as it ends, with its IR snapshots, and at the end the rest of
// the outcome (diagnostics, dispatches, graph, executables, the module).
// A piece of IR text or a snapshot is sent once and referred to by number
// after, so that shared snapshots stay shared on the reading side. When
// the child crashes, what it sent is what the window shows.
//
// The reader checks every length and number against the bytes it has: a
// damaged stream is an error, never a read out of bounds.
//
//===----------------------------------------------------------------------===//
#ifndef TESSERA_EXPLORER_OUTCOMESTREAM_H
#define TESSERA_EXPLORER_OUTCOMESTREAM_H

#include "ExplorerCompile.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tessera::explorer {

/// Encodes an outcome as messages, on the compiling side.
class OutcomeWriter {
public:
  using Sink = std::function<void(llvm::StringRef bytes)>;
  explicit OutcomeWriter(Sink sink) : sink(std::move(sink)) {}

  /// The text the window shows as the source, and where a crash writes
  /// its reproducer.
  void writeSource(const std::string &source, const std::string &reproducer);
  /// A pass started; `record` holds what is known then (no index, time or
  /// IR after).
  void writeStarted(const mlir::tessera::PassRecord &record);
  void writeRecord(const mlir::tessera::PassRecord &record);
  /// Everything else; the last message.
  void writeEnd(const CompileOutcome &outcome);

private:
  uint32_t snapshotId(const std::shared_ptr<const mlir::tessera::CapturedIR> &);
  void writePassRecord(std::string &out, const mlir::tessera::PassRecord &);
  void send(char kind, const std::string &payload);

  Sink sink;
  llvm::DenseMap<const std::string *, uint32_t> texts;
  llvm::DenseMap<const mlir::tessera::CapturedIR *, uint32_t> snapshots;
  std::vector<std::shared_ptr<const mlir::tessera::CapturedIR>> pinned;
};

/// Decodes messages into an outcome, on the window's side; bytes may come
/// in any chunks.
class OutcomeReader {
public:
  /// Takes the next bytes; false once the stream is damaged (`error` says
  /// how), after which it takes nothing more.
  bool consume(llvm::StringRef bytes);

  /// Each pass record as it arrives.
  std::function<void(const mlir::tessera::PassRecord &)> onRecord;

  CompileOutcome &getOutcome() { return outcome; }
  /// Whether the last message (writeEnd) arrived.
  bool isComplete() const { return complete; }
  /// The passes that started and did not end, oldest first.
  const std::vector<mlir::tessera::PassRecord> &getRunning() const {
    return running;
  }
  const std::string &getError() const { return error; }
  const std::string &getReproducerPath() const { return reproducer; }

private:
  bool decode(char kind, llvm::StringRef payload);

  std::string buffer;
  CompileOutcome outcome;
  std::vector<std::shared_ptr<const std::string>> texts;
  std::vector<std::shared_ptr<const mlir::tessera::CapturedIR>> snapshots;
  std::vector<mlir::tessera::PassRecord> running;
  std::string reproducer, error;
  bool complete = false;
};

} // namespace tessera::explorer

#endif // TESSERA_EXPLORER_OUTCOMESTREAM_H
