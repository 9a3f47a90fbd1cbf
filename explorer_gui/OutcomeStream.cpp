//===- OutcomeStream.cpp - A compile's outcome as a byte stream -----------===//

#include "OutcomeStream.h"

#include <array>
#include <cstring>

using namespace mlir::tessera;

namespace tessera::explorer {

namespace {

// A message: its kind (one byte), its payload's length (varint), the
// payload.
constexpr char kText = 'X', kSnapshot = 'I', kSource = 'S', kStarted = 'B',
               kRecord = 'R', kEnd = 'E';
/// No message is larger (a module of a few hundred MB is).
constexpr uint64_t kMaxMessageBytes = uint64_t(1) << 34;

void putVarint(std::string &out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(char(value | 0x80));
    value >>= 7;
  }
  out.push_back(char(value));
}
void putSigned(std::string &out, int64_t value) {
  putVarint(out, (uint64_t(value) << 1) ^ uint64_t(value >> 63));
}
void putDouble(std::string &out, double value) {
  char bytes[8];
  std::memcpy(bytes, &value, 8);
  out.append(bytes, 8);
}
void putString(std::string &out, llvm::StringRef value) {
  putVarint(out, value.size());
  out.append(value.data(), value.size());
}

/// Reads what put* wrote; every read past the end (or a count larger than
/// the bytes left could hold) makes it not ok and returns zeros.
struct Cursor {
  llvm::StringRef data;
  size_t at = 0;
  bool ok = true;

  uint64_t varint() {
    uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      if (at >= data.size())
        return fail();
      uint8_t byte = data[at++];
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return value;
    }
    return fail();
  }
  int64_t signedInt() {
    uint64_t value = varint();
    return int64_t(value >> 1) ^ -int64_t(value & 1);
  }
  uint32_t u32() {
    uint64_t value = varint();
    return value > UINT32_MAX ? fail() : uint32_t(value);
  }
  bool flag() { return varint() != 0; }
  double real() {
    if (data.size() - at < 8)
      return fail();
    double value;
    std::memcpy(&value, data.data() + at, 8);
    at += 8;
    return value;
  }
  std::string string() {
    uint64_t size = varint();
    if (!ok || size > data.size() - at)
      return (fail(), std::string());
    std::string value(data.data() + at, size);
    at += size;
    return value;
  }
  /// A count of elements of at least one byte each.
  size_t count() {
    uint64_t value = varint();
    return value > data.size() - at ? fail() : size_t(value);
  }
  uint64_t fail() {
    ok = false;
    at = data.size();
    return 0;
  }
};

void putPosition(std::string &out, const SourcePosition &position) {
  putString(out, position.file);
  putVarint(out, position.line);
  putVarint(out, position.column);
}
SourcePosition getPosition(Cursor &in) {
  SourcePosition position;
  position.file = in.string();
  position.line = in.u32();
  position.column = in.u32();
  return position;
}

void putStrings(std::string &out, const std::vector<std::string> &values) {
  putVarint(out, values.size());
  for (const std::string &value : values)
    putString(out, value);
}
std::vector<std::string> getStrings(Cursor &in) {
  std::vector<std::string> values(in.count());
  for (std::string &value : values)
    value = in.string();
  return values;
}

void putDiagnostic(std::string &out, const Diagnostic &diag) {
  putVarint(out, unsigned(diag.severity));
  putString(out, diag.file);
  putVarint(out, diag.line);
  putVarint(out, diag.column);
  putString(out, diag.message);
  putString(out, diag.phase);
  putString(out, diag.pass);
  putVarint(out, diag.notes.size());
  for (const Diagnostic &note : diag.notes)
    putDiagnostic(out, note);
}
Diagnostic getDiagnostic(Cursor &in, unsigned depth = 0) {
  Diagnostic diag;
  uint64_t severity = in.varint();
  if (severity > unsigned(Diagnostic::Severity::Remark))
    in.fail();
  else
    diag.severity = Diagnostic::Severity(severity);
  diag.file = in.string();
  diag.line = in.u32();
  diag.column = in.u32();
  diag.message = in.string();
  diag.phase = in.string();
  diag.pass = in.string();
  size_t notes = in.count();
  // Notes of notes are one level in practice; a deeper nest is damage.
  if (notes && depth >= 8)
    in.fail();
  for (size_t i = 0; i < notes && in.ok; ++i)
    diag.notes.push_back(getDiagnostic(in, depth + 1));
  return diag;
}

void putDispatch(std::string &out, const DispatchInfo &dispatch) {
  putString(out, dispatch.name);
  putPosition(out, dispatch.site);
  putVarint(out, dispatch.ops.size());
  for (const SourcePosition &op : dispatch.ops)
    putPosition(out, op);
  putStrings(out, dispatch.opNames);
  putVarint(out, dispatch.computeOps.size());
  for (unsigned op : dispatch.computeOps)
    putVarint(out, op);
  putString(out, dispatch.exportRef);
  putVarint(out, dispatch.workgroups.has_value());
  if (dispatch.workgroups)
    for (int64_t count : *dispatch.workgroups)
      putSigned(out, count);
}
DispatchInfo getDispatch(Cursor &in) {
  DispatchInfo dispatch;
  dispatch.name = in.string();
  dispatch.site = getPosition(in);
  dispatch.ops.resize(in.count());
  for (SourcePosition &op : dispatch.ops)
    op = getPosition(in);
  dispatch.opNames = getStrings(in);
  dispatch.computeOps.resize(in.count());
  for (unsigned &op : dispatch.computeOps) {
    op = in.u32();
    if (op >= dispatch.ops.size())
      in.fail();
  }
  dispatch.exportRef = in.string();
  if (in.flag()) {
    std::array<int64_t, 3> counts;
    for (int64_t &count : counts)
      count = in.signedInt();
    dispatch.workgroups = counts;
  }
  return dispatch;
}

void putGraph(std::string &out, const DispatchGraph &graph) {
  putVarint(out, graph.nodes.size());
  for (const DispatchGraph::Node &node : graph.nodes) {
    putVarint(out, unsigned(node.kind));
    putString(out, node.function);
    putVarint(out, node.position);
    putSigned(out, node.dispatch);
    putVarint(out, node.constants);
    putSigned(out, node.constantBytes);
  }
  putVarint(out, graph.edges.size());
  for (const DispatchGraph::Edge &edge : graph.edges) {
    putVarint(out, edge.from);
    putVarint(out, edge.to);
    putString(out, edge.type);
    putVarint(out, edge.bytes.has_value());
    if (edge.bytes)
      putSigned(out, *edge.bytes);
    putStrings(out, edge.via);
  }
}
DispatchGraph getGraph(Cursor &in, size_t dispatches) {
  DispatchGraph graph;
  graph.nodes.resize(in.count());
  for (DispatchGraph::Node &node : graph.nodes) {
    uint64_t kind = in.varint();
    if (kind > unsigned(DispatchGraph::Node::Kind::Output))
      in.fail();
    node.kind = DispatchGraph::Node::Kind(kind);
    node.function = in.string();
    node.position = in.u32();
    int64_t dispatch = in.signedInt();
    if (dispatch < -1 || dispatch >= int64_t(dispatches))
      in.fail();
    node.dispatch = in.ok ? int(dispatch) : -1;
    node.constants = in.u32();
    node.constantBytes = in.signedInt();
  }
  graph.edges.resize(in.count());
  for (DispatchGraph::Edge &edge : graph.edges) {
    edge.from = in.u32();
    edge.to = in.u32();
    if (edge.from >= graph.nodes.size() || edge.to >= graph.nodes.size())
      in.fail();
    edge.type = in.string();
    if (in.flag())
      edge.bytes = in.signedInt();
    edge.via = getStrings(in);
  }
  return graph;
}

void putExecutable(std::string &out, const ExecutableSummary &executable) {
  putString(out, executable.name);
  putVarint(out, executable.variants.size());
  for (const VariantSummary &variant : executable.variants) {
    putString(out, variant.name);
    putString(out, variant.backend);
    putString(out, variant.format);
    putString(out, variant.target);
    putString(out, variant.condition);
    putVarint(out, variant.exports.size());
    for (const ExportSummary &entry : variant.exports) {
      putString(out, entry.name);
      putSigned(out, entry.ordinal);
      putString(out, entry.layout);
      putVarint(out, entry.pushConstants);
      putStrings(out, entry.bindings);
      putString(out, entry.text);
    }
    putString(out, variant.binaryFormat);
    putString(out, variant.binary);
  }
}
ExecutableSummary getExecutable(Cursor &in) {
  ExecutableSummary executable;
  executable.name = in.string();
  executable.variants.resize(in.count());
  for (VariantSummary &variant : executable.variants) {
    variant.name = in.string();
    variant.backend = in.string();
    variant.format = in.string();
    variant.target = in.string();
    variant.condition = in.string();
    variant.exports.resize(in.count());
    for (ExportSummary &entry : variant.exports) {
      entry.name = in.string();
      entry.ordinal = in.signedInt();
      entry.layout = in.string();
      entry.pushConstants = in.u32();
      entry.bindings = getStrings(in);
      entry.text = in.string();
    }
    variant.binaryFormat = in.string();
    variant.binary = in.string();
  }
  return executable;
}

} // namespace

//===----------------------------------------------------------------------===//
// OutcomeWriter
//===----------------------------------------------------------------------===//

void OutcomeWriter::send(char kind, const std::string &payload) {
  std::string header(1, kind);
  putVarint(header, payload.size());
  sink(header);
  sink(payload);
}

uint32_t
OutcomeWriter::snapshotId(const std::shared_ptr<const CapturedIR> &snapshot) {
  if (!snapshot)
    return 0;
  auto found = snapshots.find(snapshot.get());
  if (found != snapshots.end())
    return found->second;
  std::string out;
  putVarint(out, snapshot->size);
  putVarint(out, snapshot->pieces.size());
  for (const CapturedIR::Piece &piece : snapshot->pieces) {
    auto [text, inserted] = texts.try_emplace(piece.text.get(), 0);
    if (inserted) {
      text->second = texts.size();
      send(kText, *piece.text);
    }
    putVarint(out, text->second);
    putString(out, piece.symbol);
    putVarint(out, piece.firstLine);
  }
  putVarint(out, snapshot->sources.size());
  for (const IRSourceLine &line : snapshot->sources) {
    putVarint(out, line.irLine);
    putVarint(out, line.sourceLine);
    putVarint(out, line.sourceColumn);
  }
  send(kSnapshot, out);
  // Kept alive, so that its address names it for good.
  pinned.push_back(snapshot);
  uint32_t id = snapshots.size() + 1;
  snapshots[snapshot.get()] = id;
  return id;
}

void OutcomeWriter::writePassRecord(std::string &out,
                                    const PassRecord &record) {
  putVarint(out, record.index);
  putString(out, record.phase);
  putString(out, record.passName);
  putString(out, record.passArgument);
  putString(out, record.anchorOpName);
  putString(out, record.anchorSymbol);
  putString(out, record.nesting);
  putVarint(out, record.depth);
  putDouble(out, record.wallMs);
  putVarint(out, record.changed);
  putVarint(out, record.failed);
  putVarint(out, snapshotId(record.irBefore));
  putVarint(out, snapshotId(record.irAfter));
}

void OutcomeWriter::writeSource(const std::string &source,
                                const std::string &reproducer) {
  std::string out;
  putString(out, source);
  putString(out, reproducer);
  send(kSource, out);
}

void OutcomeWriter::writeStarted(const PassRecord &record) {
  std::string out;
  writePassRecord(out, record);
  send(kStarted, out);
}

void OutcomeWriter::writeRecord(const PassRecord &record) {
  std::string out;
  writePassRecord(out, record);
  send(kRecord, out);
}

void OutcomeWriter::writeEnd(const CompileOutcome &outcome) {
  std::string out;
  putVarint(out, outcome.succeeded);
  putVarint(out, outcome.cancelled);
  putDouble(out, outcome.wallMs);
  putVarint(out, outcome.diagnostics.size());
  for (const Diagnostic &diag : outcome.diagnostics)
    putDiagnostic(out, diag);
  putVarint(out, outcome.dispatches.size());
  for (const DispatchInfo &dispatch : outcome.dispatches)
    putDispatch(out, dispatch);
  putGraph(out, outcome.graph);
  putVarint(out, outcome.executables.size());
  for (const ExecutableSummary &executable : outcome.executables)
    putExecutable(out, executable);
  putVarint(out, outcome.llvmIR.size());
  for (const KeptLLVMIR &kept : outcome.llvmIR) {
    putString(out, kept.executable);
    putString(out, kept.variant);
    putString(out, kept.text);
  }
  putString(out, outcome.moduleBytes);
  send(kEnd, out);
}

//===----------------------------------------------------------------------===//
// OutcomeReader
//===----------------------------------------------------------------------===//

bool OutcomeReader::consume(llvm::StringRef bytes) {
  if (!error.empty())
    return false;
  buffer.append(bytes.data(), bytes.size());
  size_t used = 0;
  while (used < buffer.size()) {
    Cursor header{llvm::StringRef(buffer).drop_front(used)};
    char kind = header.data[0];
    header.at = 1;
    uint64_t size = header.varint();
    if (!header.ok) {
      // An incomplete length, unless ten bytes did not end it.
      if (header.data.size() > 11)
        error = "a message length that does not end";
      break;
    }
    if (size > kMaxMessageBytes) {
      error = "a message of " + std::to_string(size) + " bytes";
      break;
    }
    if (header.data.size() - header.at < size)
      break; // The rest of the message has not come yet.
    if (complete) {
      error = "a message after the end";
      break;
    }
    if (!decode(kind, header.data.substr(header.at, size))) {
      if (error.empty())
        error = std::string("a damaged '") + kind + "' message";
      break;
    }
    used += header.at + size;
  }
  buffer.erase(0, used);
  if (!error.empty())
    buffer.clear();
  return error.empty();
}

bool OutcomeReader::decode(char kind, llvm::StringRef payload) {
  Cursor in{payload};
  auto getSnapshot = [&]() -> std::shared_ptr<const CapturedIR> {
    uint64_t id = in.varint();
    if (id > snapshots.size())
      return (in.fail(), nullptr);
    return id ? snapshots[id - 1] : nullptr;
  };
  auto getRecord = [&] {
    PassRecord record;
    record.index = in.u32();
    record.phase = in.string();
    record.passName = in.string();
    record.passArgument = in.string();
    record.anchorOpName = in.string();
    record.anchorSymbol = in.string();
    record.nesting = in.string();
    record.depth = in.u32();
    record.wallMs = in.real();
    record.changed = in.flag();
    record.failed = in.flag();
    record.irBefore = getSnapshot();
    record.irAfter = getSnapshot();
    return record;
  };
  switch (kind) {
  case kText:
    texts.push_back(std::make_shared<const std::string>(payload.str()));
    return true;
  case kSnapshot: {
    auto snapshot = std::make_shared<CapturedIR>();
    snapshot->size = in.varint();
    snapshot->pieces.resize(in.count());
    for (CapturedIR::Piece &piece : snapshot->pieces) {
      uint64_t text = in.varint();
      if (text == 0 || text > texts.size())
        return false;
      piece.text = texts[text - 1];
      piece.symbol = in.string();
      piece.firstLine = in.u32();
    }
    snapshot->sources.resize(in.count());
    for (IRSourceLine &line : snapshot->sources) {
      line.irLine = in.u32();
      line.sourceLine = in.u32();
      line.sourceColumn = in.u32();
    }
    if (!in.ok)
      return false;
    snapshots.push_back(std::move(snapshot));
    return true;
  }
  case kSource:
    outcome.sourceRead = true;
    outcome.source = in.string();
    reproducer = in.string();
    return in.ok;
  case kStarted: {
    PassRecord record = getRecord();
    if (!in.ok)
      return false;
    running.push_back(std::move(record));
    return true;
  }
  case kRecord: {
    PassRecord record = getRecord();
    if (!in.ok || record.index != outcome.records.size())
      return false;
    // The run it ends: the same pass on the same anchor, newest first.
    for (auto it = running.rbegin(); it != running.rend(); ++it)
      if (it->passArgument == record.passArgument &&
          it->nesting == record.nesting) {
        running.erase(std::next(it).base());
        break;
      }
    outcome.records.push_back(std::move(record));
    if (onRecord)
      onRecord(outcome.records.back());
    return true;
  }
  case kEnd: {
    outcome.succeeded = in.flag();
    outcome.cancelled = in.flag();
    outcome.wallMs = in.real();
    size_t count = in.count();
    for (size_t i = 0; i < count && in.ok; ++i)
      outcome.diagnostics.push_back(getDiagnostic(in));
    count = in.count();
    for (size_t i = 0; i < count && in.ok; ++i)
      outcome.dispatches.push_back(getDispatch(in));
    outcome.graph = getGraph(in, outcome.dispatches.size());
    count = in.count();
    for (size_t i = 0; i < count && in.ok; ++i)
      outcome.executables.push_back(getExecutable(in));
    count = in.count();
    for (size_t i = 0; i < count && in.ok; ++i) {
      KeptLLVMIR kept;
      kept.executable = in.string();
      kept.variant = in.string();
      kept.text = in.string();
      outcome.llvmIR.push_back(std::move(kept));
    }
    outcome.moduleBytes = in.string();
    if (!in.ok || in.at != payload.size())
      return false;
    complete = true;
    running.clear();
    return true;
  }
  default:
    error =
        std::string("an unknown message kind ") + std::to_string(uint8_t(kind));
    return false;
  }
}

} // namespace tessera::explorer
