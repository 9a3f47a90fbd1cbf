//===- MLIRDocument.cpp - One parsed and verified MLIR document -----------===//

#include "MLIRDocument.h"

#include "CommandNames.h"

#include "Completion.h"
#include "OpDocs.h"
#include "OpSourceText.h"
#include "SourceText.h"

#include "Pipeline/IRDiff.h"
#include "Pipeline/InputLimits.h"
#include "Pipeline/TestCrashPass.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Threading.h"
#include "mlir/IR/Verifier.h"
#include "llvm/Support/ThreadPool.h"

#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Tools/lsp-server-support/SourceMgrUtils.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <mutex>
#include <tuple>

using namespace mlir;

namespace tessera::lsp {

namespace {

llvm::ThreadPoolInterface &analysisThreadPool() {
  static llvm::DefaultThreadPool pool(llvm::hardware_concurrency());
  return pool;
}

/// The `@name` of a symbol in its own definition (after the op name).
llvm::SMRange findSymbolName(const AsmParserState::OperationDefinition &def,
                             StringRef name) {
  StringRef scope(def.loc.End.getPointer(),
                  def.scopeLoc.End.getPointer() - def.loc.End.getPointer());
  std::string needle = ("@" + name).str();
  size_t at = scope.find(needle);
  if (at == StringRef::npos) {
    needle = "@\"" + name.str() + "\"";
    at = scope.find(needle);
  }
  if (at == StringRef::npos)
    return {};
  return llvm::SMRange(
      llvm::SMLoc::getFromPointer(scope.data() + at),
      llvm::SMLoc::getFromPointer(scope.data() + at + needle.size()));
}

lsp::DiagnosticSeverity toSeverity(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return lsp::DiagnosticSeverity::Error;
  case DiagnosticSeverity::Warning:
    return lsp::DiagnosticSeverity::Warning;
  case DiagnosticSeverity::Note:
    return lsp::DiagnosticSeverity::Information;
  case DiagnosticSeverity::Remark:
    return lsp::DiagnosticSeverity::Hint;
  }
  return lsp::DiagnosticSeverity::Error;
}

std::string printHeader(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os, OpPrintingFlags()
                    .skipRegions()
                    .elideLargeElementsAttrs(16)
                    .elideLargeResourceString(64));
  return text;
}

/// The op as written in the chunk, else as printed.
std::string sourceOrPrinted(DocumentChunk &chunk,
                            const AsmParserState::OperationDefinition &def) {
  StringRef buffer =
      chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID())
          ->getBuffer();
  if (std::optional<std::string> text =
          opSourceText(chunk.asmState, def, buffer))
    return *text;
  return printHeader(def.op);
}

std::string printType(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

lsp::SymbolKind symbolKindOf(Operation *op) {
  if (isa<FunctionOpInterface>(op))
    return lsp::SymbolKind::Function;
  StringRef name = op->getName().getStringRef();
  if (name == "hal.executable.export")
    return lsp::SymbolKind::Method;
  if (name == "hal.executable.variant")
    return lsp::SymbolKind::Namespace;
  if (op->hasTrait<OpTrait::SymbolTable>())
    return lsp::SymbolKind::Module;
  return lsp::SymbolKind::Variable;
}

} // namespace

MLIRDocument::MLIRDocument(const DialectRegistry &registry,
                           const lsp::URIForFile &uri, StringRef documentText,
                           int64_t version,
                           std::shared_ptr<MLIRDocument> previous,
                           std::unique_ptr<MLIRContext> prepared)
    : context(prepared ? std::move(prepared) : prepareContext(registry, {})),
      uri(uri), text(documentText.str()), version(version) {
  lineStarts.push_back(0);
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n')
      lineStarts.push_back(i + 1);
  // Split at `// -----` lines, as --split-input-file does.
  StringRef rest = text;
  int line = 0, chunkStartLine = 0;
  size_t chunkStart = 0, offset = 0;
  auto finishChunk = [&](size_t end) {
    auto chunk = std::make_unique<DocumentChunk>();
    chunk->lineOffset = chunkStartLine;
    parseChunk(*chunk, StringRef(text).slice(chunkStart, end));
    chunks.push_back(std::move(chunk));
  };
  while (!rest.empty()) {
    auto [lineText, after] = rest.split('\n');
    size_t lineLength = lineText.size() + (after.data() != rest.end() ? 1 : 0);
    if (lineText.rtrim().starts_with("// -----")) {
      finishChunk(offset);
      chunkStart = offset + lineLength;
      chunkStartLine = line + 1;
    }
    offset += lineLength;
    ++line;
    rest = after.data() == rest.end() ? StringRef() : after;
  }
  finishChunk(text.size());
  if (previous)
    attachFallbacks(previous);
  // Parallel verification reports in any order.
  llvm::stable_sort(diagnostics, [](const auto &a, const auto &b) {
    return a.range.start < b.range.start;
  });
}

std::unique_ptr<MLIRContext>
MLIRDocument::prepareContext(const DialectRegistry &registry,
                             ArrayRef<std::string> dialects) {
  auto context =
      std::make_unique<MLIRContext>(registry, MLIRContext::Threading::DISABLED);
  // One pool for every version's context (a context would make its own).
  context->setThreadPool(analysisThreadPool());
  for (const std::string &name : dialects)
    (void)context->getOrLoadDialect(name);
  return context;
}

std::vector<std::string> MLIRDocument::getLoadedDialects() const {
  std::vector<std::string> names;
  for (Dialect *dialect : context->getLoadedDialects())
    names.push_back(dialect->getNamespace().str());
  return names;
}

StringRef MLIRDocument::chunkText(const DocumentChunk &chunk) const {
  return chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID())
      ->getBuffer();
}

void MLIRDocument::attachFallbacks(
    const std::shared_ptr<MLIRDocument> &previous) {
  // Chunks pair up by position only when there are as many as before.
  if (previous->chunks.size() != chunks.size())
    return;
  for (auto [index, chunk] : llvm::enumerate(chunks)) {
    if (chunk->parsed)
      continue;
    DocumentChunk &before = *previous->chunks[index];
    // Lines of this version against the previous one.
    std::vector<mlir::tessera::DiffLine> diff = mlir::tessera::diffLines(
        previous->chunkText(before), chunkText(*chunk));
    int newLines = 0, oldLines = 0;
    for (const auto &line : diff) {
      newLines = std::max(newLines, line.newLine + 1);
      oldLines = std::max(oldLines, line.oldLine + 1);
    }
    std::vector<int> toPrevious(newLines + 1, -1),
        fromPrevious(oldLines + 1, -1);
    for (const auto &line : diff)
      if (line.kind == mlir::tessera::DiffLine::Same) {
        toPrevious[line.newLine] = line.oldLine;
        fromPrevious[line.oldLine] = line.newLine;
      }
    auto fallback = std::make_unique<ChunkFallback>();
    fallback->chunkIndex = index;
    if (before.parsed) {
      fallback->document = previous;
      fallback->toGood = std::move(toPrevious);
      fallback->fromGood = std::move(fromPrevious);
    } else if (before.fallback) {
      // Compose with the previous version's own fallback.
      const ChunkFallback &older = *before.fallback;
      fallback->document = older.document;
      fallback->chunkIndex = older.chunkIndex;
      fallback->toGood.assign(toPrevious.size(), -1);
      for (size_t line = 0; line < toPrevious.size(); ++line) {
        int previousLine = toPrevious[line];
        if (previousLine >= 0 &&
            previousLine < static_cast<int>(older.toGood.size()))
          fallback->toGood[line] = older.toGood[previousLine];
      }
      fallback->fromGood.assign(older.fromGood.size(), -1);
      for (size_t line = 0; line < older.fromGood.size(); ++line) {
        int previousLine = older.fromGood[line];
        if (previousLine >= 0 &&
            previousLine < static_cast<int>(fromPrevious.size()))
          fallback->fromGood[line] = fromPrevious[previousLine];
      }
    } else {
      continue;
    }
    chunk->fallback = std::move(fallback);
  }
}

std::optional<MLIRDocument::FallbackPosition>
MLIRDocument::fallbackFor(const lsp::Position &position) {
  DocumentChunk *chunk = nullptr;
  for (auto &candidate : chunks)
    if (candidate->lineOffset <= position.line)
      chunk = candidate.get();
  if (!chunk || chunk->parsed || !chunk->fallback)
    return std::nullopt;
  const ChunkFallback &fallback = *chunk->fallback;
  int local = position.line - chunk->lineOffset;
  if (local < 0 || local >= static_cast<int>(fallback.toGood.size()) ||
      fallback.toGood[local] < 0)
    return std::nullopt;
  const DocumentChunk &good = *fallback.document->chunks[fallback.chunkIndex];
  return FallbackPosition{
      fallback.document.get(),
      lsp::Position(good.lineOffset + fallback.toGood[local],
                    position.character),
      chunk};
}

std::optional<lsp::Range>
MLIRDocument::mapFromFallback(const DocumentChunk &chunk,
                              const lsp::Range &range) {
  const ChunkFallback &fallback = *chunk.fallback;
  const DocumentChunk &good = *fallback.document->chunks[fallback.chunkIndex];
  auto map = [&](int line) {
    int local = line - good.lineOffset;
    if (local < 0 || local >= static_cast<int>(fallback.fromGood.size()) ||
        fallback.fromGood[local] < 0)
      return -1;
    return chunk.lineOffset + fallback.fromGood[local];
  };
  int start = map(range.start.line), end = map(range.end.line);
  if (start < 0 || end < 0)
    return std::nullopt;
  return lsp::Range(lsp::Position(start, range.start.character),
                    lsp::Position(end, range.end.character));
}

std::vector<lsp::Location> MLIRDocument::mapLocationsFromFallback(
    const DocumentChunk &chunk, const std::vector<lsp::Location> &locations) {
  std::vector<lsp::Location> result;
  for (const lsp::Location &location : locations)
    if (auto range = mapFromFallback(chunk, location.range))
      result.push_back(lsp::Location{uri, *range});
  return result;
}

MLIRDocument::~MLIRDocument() {
  // The ops refer to the context; drop them while it is alive.
  for (auto &chunk : chunks)
    chunk->body.clear();
}

void MLIRDocument::parseChunk(DocumentChunk &chunk, StringRef chunkText) {
  // The last chunk ends with the document, whose std::string is
  // null-terminated as the lexer needs: parse it in place, without a copy.
  bool atEnd = chunkText.end() == text.data() + text.size();
  chunk.sourceMgr.AddNewSourceBuffer(
      atEnd ? llvm::MemoryBuffer::getMemBuffer(chunkText, uri.file(),
                                               /*RequiresNullTerminator=*/true)
            : llvm::MemoryBuffer::getMemBufferCopy(chunkText, uri.file()),
      llvm::SMLoc());
  std::string category = "parse";
  // Verification runs on several threads; conversions use the SourceMgr's
  // lazily built line table.
  std::mutex handlerMutex;
  ScopedDiagnosticHandler handler(context.get(), [&](Diagnostic &diag) {
    std::lock_guard<std::mutex> lock(handlerMutex);
    lsp::Diagnostic lspDiag;
    lspDiag.source = "tessera";
    lspDiag.category = category;
    lspDiag.severity = toSeverity(diag.getSeverity());
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      chunk.hasErrors = true;
    lspDiag.message = diag.str();
    lspDiag.range =
        toLocation(chunk, diag.getLocation())
            .value_or(lsp::Location{uri, lsp::Range(toPosition(chunk, {}))})
            .range;
    std::vector<lsp::DiagnosticRelatedInformation> related;
    for (Diagnostic &note : diag.getNotes()) {
      auto location = toLocation(chunk, note.getLocation());
      related.emplace_back(location.value_or(lsp::Location{uri, lspDiag.range}),
                           note.str());
    }
    if (!related.empty())
      lspDiag.relatedInformation = std::move(related);
    diagnostics.push_back(std::move(lspDiag));
    return success();
  });

  if (auto violation = mlir::tessera::findInputLimitViolation(chunkText)) {
    // The parser would exhaust the stack.
    auto [line, column] =
        chunk.sourceMgr.getLineAndColumn(llvm::SMLoc::getFromPointer(
            chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID())
                ->getBufferStart() +
            violation->offset));
    mlir::emitError(
        FileLineColLoc::get(context.get(), uri.file(), line, column))
        << violation->message << "; not analysed";
    return;
  }
  ParserConfig config(context.get(), /*verifyAfterParse=*/false);
  if (failed(parseAsmSourceFile(chunk.sourceMgr, &chunk.body, config,
                                &chunk.asmState))) {
    chunk.body.clear();
    chunk.asmState = AsmParserState();
    return;
  }
  chunk.parsed = true;
  for (Operation &op : chunk.body)
    mlir::tessera::crashIfMarkedForTests(&op, "tessera.test_crash_analysis");
  category = "verify";
  // Top-level ops verify independently: in parallel.
  SmallVector<Operation *> topLevel;
  for (Operation &op : chunk.body)
    topLevel.push_back(&op);
  mlir::parallelForEach(context.get(), topLevel,
                        [](Operation *op) { (void)mlir::verify(op); });
}

std::vector<PipelineChunk> MLIRDocument::getCleanChunks() const {
  std::vector<PipelineChunk> result;
  for (const auto &chunk : chunks)
    if (chunk->parsed && !chunk->hasErrors)
      result.push_back(
          {chunk->sourceMgr.getMemoryBuffer(chunk->sourceMgr.getMainFileID())
               ->getBuffer()
               .str(),
           chunk->lineOffset});
  return result;
}

StringRef MLIRDocument::lineText(int line) const {
  if (line < 0 || line >= static_cast<int>(lineStarts.size()))
    return {};
  StringRef rest = StringRef(text).drop_front(lineStarts[line]);
  return rest.take_until([](char c) { return c == '\n'; }).rtrim('\r');
}

lsp::Position MLIRDocument::toPosition(const DocumentChunk &chunk,
                                       llvm::SMLoc loc) const {
  if (!loc.isValid())
    return lsp::Position(chunk.lineOffset, 0);
  auto [line, column] = chunk.sourceMgr.getLineAndColumn(loc);
  int documentLine = chunk.lineOffset + static_cast<int>(line) - 1;
  return lsp::Position(documentLine,
                       byteToUtf16Column(lineText(documentLine), column - 1));
}

lsp::Range MLIRDocument::toRange(const DocumentChunk &chunk,
                                 llvm::SMRange range) const {
  return lsp::Range(toPosition(chunk, range.Start),
                    toPosition(chunk, range.End));
}

std::optional<lsp::Location>
MLIRDocument::toLocation(const DocumentChunk &chunk, Location loc) const {
  std::optional<lsp::Location> result;
  loc->walk([&](Location inner) {
    auto file = dyn_cast<FileLineColLoc>(inner);
    if (!file || file.getFilename() != uri.file())
      return WalkResult::advance();
    auto &sourceMgr = const_cast<llvm::SourceMgr &>(chunk.sourceMgr);
    llvm::SMLoc start = sourceMgr.FindLocForLineAndColumn(
        chunk.sourceMgr.getMainFileID(), file.getLine(), file.getColumn());
    if (!start.isValid())
      return WalkResult::advance();
    result = lsp::Location{
        uri, toRange(chunk, mlir::lsp::convertTokenLocToRange(start))};
    return WalkResult::interrupt();
  });
  return result;
}

std::pair<DocumentChunk *, llvm::SMLoc>
MLIRDocument::locate(const lsp::Position &pos) {
  DocumentChunk *found = nullptr;
  for (auto &chunk : chunks)
    if (chunk->lineOffset <= pos.line)
      found = chunk.get();
  if (!found || pos.character < 0)
    return {nullptr, {}};
  size_t byteColumn = utf16ToByteColumn(lineText(pos.line), pos.character);
  llvm::SMLoc loc = found->sourceMgr.FindLocForLineAndColumn(
      found->sourceMgr.getMainFileID(), pos.line - found->lineOffset + 1,
      byteColumn + 1);
  return {found, loc};
}

void MLIRDocument::buildIndex(DocumentChunk &chunk) {
  chunk.indexed = true;
  auto addTarget = [&](Target target) {
    chunk.targets.push_back(std::move(target));
    return static_cast<unsigned>(chunk.targets.size() - 1);
  };
  const char *base =
      chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID())
          ->getBufferStart();
  auto addToken = [&](llvm::SMRange range, unsigned target) {
    if (range.isValid())
      chunk.index.push_back(
          {static_cast<uint32_t>(range.Start.getPointer() - base),
           static_cast<uint32_t>(range.End.getPointer() - base), target});
  };
  auto addDefinition = [&](const AsmParserState::SMDefinition &definition,
                           unsigned target) {
    addToken(definition.loc, target);
    for (llvm::SMRange use : definition.uses)
      addToken(use, target);
  };
  const AsmParserState &state = chunk.asmState;
  for (const AsmParserState::OperationDefinition &def : state.getOpDefs()) {
    Target op;
    op.kind = Target::Operation;
    op.op = &def;
    addToken(def.loc, addTarget(std::move(op)));
    for (const auto &group : def.resultGroups) {
      Target value;
      value.kind = Target::Value;
      value.definition = &group.definition;
      value.op = &def;
      value.value = def.op->getResult(group.startIndex);
      addDefinition(group.definition, addTarget(std::move(value)));
    }
    auto name =
        def.op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    if (!name)
      continue;
    // The symbol's own `@name` within its definition, then its uses.
    Target symbol;
    symbol.kind = Target::Symbol;
    symbol.op = &def;
    symbol.symbolNameRange = findSymbolName(def, name.getValue());
    unsigned index = addTarget(std::move(symbol));
    addToken(chunk.targets[index].symbolNameRange, index);
    for (llvm::SMRange use : def.symbolUses)
      addToken(use, index);
  }
  for (const AsmParserState::BlockDefinition &def : state.getBlockDefs()) {
    Target block;
    block.kind = Target::Block;
    block.definition = &def.definition;
    block.block = def.block;
    addDefinition(def.definition, addTarget(std::move(block)));
    for (auto [index, argument] : llvm::enumerate(def.arguments)) {
      Target arg;
      arg.kind = Target::BlockArgument;
      arg.definition = &argument;
      arg.block = def.block;
      arg.argument = index;
      arg.value = def.block->getArgument(index);
      addDefinition(argument, addTarget(std::move(arg)));
    }
  }
  for (const auto &alias : state.getAttributeAliasDefs()) {
    Target target;
    target.kind = Target::Alias;
    target.definition = &alias.definition;
    target.attrAlias = &alias;
    addDefinition(alias.definition, addTarget(std::move(target)));
  }
  for (const auto &alias : state.getTypeAliasDefs()) {
    Target target;
    target.kind = Target::Alias;
    target.definition = &alias.definition;
    target.typeAlias = &alias;
    addDefinition(alias.definition, addTarget(std::move(target)));
  }
  llvm::stable_sort(chunk.index, [](const auto &a, const auto &b) {
    return a.start < b.start;
  });
}

std::optional<MLIRDocument::Target>
MLIRDocument::findTarget(DocumentChunk &chunk, llvm::SMLoc loc) {
  if (!loc.isValid() || !chunk.parsed)
    return std::nullopt;
  if (!chunk.indexed)
    buildIndex(chunk);
  const char *base =
      chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID())
          ->getBufferStart();
  uint32_t at = loc.getPointer() - base;
  // The last tokens starting at or before the cursor; tokens do not nest,
  // but a few may share a start.
  auto it = llvm::upper_bound(
      chunk.index, at,
      [](uint32_t offset, const auto &entry) { return offset < entry.start; });
  for (int steps = 0; it != chunk.index.begin() && steps < 4; ++steps) {
    --it;
    if (at < it->end) {
      Target target = chunk.targets[it->target];
      target.range =
          llvm::SMRange(llvm::SMLoc::getFromPointer(base + it->start),
                        llvm::SMLoc::getFromPointer(base + it->end));
      return target;
    }
  }
  return std::nullopt;
}

std::optional<lsp::Hover> MLIRDocument::hover(const lsp::Position &position) {
  if (auto fallback = fallbackFor(position)) {
    std::optional<lsp::Hover> hover =
        fallback->document->hover(fallback->position);
    if (!hover || !hover->range)
      return std::nullopt;
    std::optional<lsp::Range> range =
        mapFromFallback(*fallback->chunk, *hover->range);
    if (!range)
      return std::nullopt;
    hover->range = *range;
    hover->contents.value += "\n\n*(from the last version that parsed)*";
    return hover;
  }
  auto [chunk, loc] = locate(position);
  if (!chunk)
    return std::nullopt;
  std::optional<Target> target = findTarget(*chunk, loc);
  if (!target)
    return std::nullopt;
  lsp::Hover hover(toRange(*chunk, target->range));
  std::string &out = hover.contents.value;
  llvm::raw_string_ostream os(out);
  StringRef token(target->range.Start.getPointer(),
                  target->range.End.getPointer() -
                      target->range.Start.getPointer());
  switch (target->kind) {
  case Target::Operation: {
    Operation *op = target->op->op;
    os << "`" << op->getName() << "`";
    if (!op->getName().isRegistered())
      os << " (unregistered)";
    if (const OpDoc *doc = lookupOpDoc(op->getName().getStringRef())) {
      os << ": " << doc->summary;
      std::string operands, attributes;
      for (const OpArgumentDoc &argument : doc->arguments)
        (argument.isAttribute ? attributes : operands) +=
            std::string((operands.empty() && !argument.isAttribute) ||
                                (attributes.empty() && argument.isAttribute)
                            ? ""
                            : ", ") +
            argument.name + ": " + argument.constraint;
      if (!operands.empty())
        os << "\n\noperands: " << operands;
      if (!attributes.empty())
        os << "\n\nattributes: " << attributes;
    }
    os << "\n\n```mlir\n" << sourceOrPrinted(*chunk, *target->op) << "\n```\n";
    break;
  }
  case Target::Value: {
    Operation *op = target->op->op;
    auto result = cast<OpResult>(target->value);
    os << "```mlir\n"
       << token << " : " << printType(target->value.getType()) << "\n```\n\n"
       << "result #" << result.getResultNumber() << " of `" << op->getName()
       << "`, line " << toPosition(*chunk, target->op->loc.Start).line + 1
       << "; "
       << std::distance(target->value.use_begin(), target->value.use_end())
       << " uses";
    break;
  }
  case Target::BlockArgument:
    os << "```mlir\n"
       << token << " : " << printType(target->value.getType()) << "\n```\n\n"
       << "argument #" << target->argument << " of a block";
    if (Operation *parent = target->block->getParentOp())
      os << " in `" << parent->getName() << "`";
    break;
  case Target::Block: {
    unsigned predecessors =
        std::distance(target->block->pred_begin(), target->block->pred_end());
    os << "block `" << token << "` with " << target->block->getNumArguments()
       << " arguments, " << predecessors << " predecessors";
    break;
  }
  case Target::Symbol: {
    Operation *op = target->op->op;
    os << "```mlir\n"
       << sourceOrPrinted(*chunk, *target->op) << "\n```\n\n`" << op->getName()
       << "` defined at line "
       << toPosition(*chunk, target->op->loc.Start).line + 1;
    break;
  }
  case Target::Alias:
    os << "```mlir\n";
    if (target->attrAlias)
      os << "#" << target->attrAlias->name << " = " << target->attrAlias->value;
    else
      os << "!" << target->typeAlias->name << " = " << target->typeAlias->value;
    os << "\n```";
    break;
  }
  return hover;
}

std::vector<lsp::Location>
MLIRDocument::definition(const lsp::Position &position) {
  if (auto fallback = fallbackFor(position))
    return mapLocationsFromFallback(
        *fallback->chunk, fallback->document->definition(fallback->position));
  auto [chunk, loc] = locate(position);
  if (!chunk)
    return {};
  std::optional<Target> target = findTarget(*chunk, loc);
  if (!target)
    return {};
  llvm::SMRange range;
  switch (target->kind) {
  case Target::Operation:
    range = target->op->loc;
    break;
  case Target::Symbol:
    range = target->symbolNameRange.isValid() ? target->symbolNameRange
                                              : target->op->loc;
    break;
  default:
    range = target->definition->loc;
    break;
  }
  return {lsp::Location{uri, toRange(*chunk, range)}};
}

std::vector<lsp::Location>
MLIRDocument::references(const lsp::Position &position,
                         bool includeDeclaration) {
  if (auto fallback = fallbackFor(position))
    return mapLocationsFromFallback(
        *fallback->chunk,
        fallback->document->references(fallback->position, includeDeclaration));
  // Not a structured binding: `add` captures the chunk, and C++17 lambdas
  // cannot capture bindings (clang refuses; the fuzzer builds with clang).
  DocumentChunk *chunk;
  llvm::SMLoc loc;
  std::tie(chunk, loc) = locate(position);
  if (!chunk)
    return {};
  std::optional<Target> target = findTarget(*chunk, loc);
  if (!target)
    return {};
  std::vector<lsp::Location> locations;
  auto add = [&](llvm::SMRange range) {
    locations.push_back(lsp::Location{uri, toRange(*chunk, range)});
  };
  switch (target->kind) {
  case Target::Operation:
    // An op's references are those of its results (as upstream).
    if (target->op->resultGroups.empty())
      add(target->op->loc);
    for (const auto &group : target->op->resultGroups) {
      if (includeDeclaration)
        add(group.definition.loc);
      for (llvm::SMRange use : group.definition.uses)
        add(use);
    }
    break;
  case Target::Symbol:
    if (includeDeclaration && target->symbolNameRange.isValid())
      add(target->symbolNameRange);
    // The parser records the definition's own name among the uses.
    for (llvm::SMRange use : target->op->symbolUses)
      if (use.Start != target->symbolNameRange.Start)
        add(use);
    break;
  default:
    if (includeDeclaration)
      add(target->definition->loc);
    for (llvm::SMRange use : target->definition->uses)
      add(use);
    break;
  }
  return locations;
}

lsp::CompletionList MLIRDocument::completion(const lsp::Position &position) {
  DocumentChunk *chunk = nullptr;
  for (auto &candidate : chunks)
    if (candidate->lineOffset <= position.line)
      chunk = candidate.get();
  if (!chunk || position.character < 0)
    return {};
  StringRef chunkText =
      chunk->sourceMgr.getMemoryBuffer(chunk->sourceMgr.getMainFileID())
          ->getBuffer();
  // Byte offset of the position within the chunk.
  size_t offset = 0;
  for (int line = chunk->lineOffset; line < position.line; ++line) {
    size_t newline = chunkText.find('\n', offset);
    if (newline == StringRef::npos)
      return {};
    offset = newline + 1;
  }
  offset += utf16ToByteColumn(lineText(position.line), position.character);
  std::vector<std::string> symbols;
  for (Operation &top : chunk->body)
    top.walk([&](Operation *op) {
      if (auto name =
              op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
        symbols.push_back(name.getValue().str());
    });
  return complete(*context, chunkText, offset, symbols);
}

const std::vector<std::string> &MLIRDocument::getSemanticTokenTypes() {
  static const std::vector<std::string> types = {
      "operator", "variable", "parameter", "label",
      "function", "type",     "macro"};
  return types;
}

std::vector<int> MLIRDocument::semanticTokens() {
  enum { Op, Value, Argument, Label, Symbol, TypeAlias, AttrAlias };
  std::vector<int> data;
  int previousLine = 0, previousStart = 0;
  for (auto &chunk : chunks) {
    if (!chunk->parsed)
      continue;
    if (!chunk->indexed)
      buildIndex(*chunk);
    const char *base =
        chunk->sourceMgr.getMemoryBuffer(chunk->sourceMgr.getMainFileID())
            ->getBufferStart();
    for (const DocumentChunk::IndexEntry &indexEntry : chunk->index) {
      struct {
        const char *start, *end;
        uint32_t target;
      } entry{base + indexEntry.start, base + indexEntry.end,
              indexEntry.target};
      const Target &target = chunk->targets[entry.target];
      int type;
      bool definition = false;
      switch (target.kind) {
      case Target::Operation:
        type = Op;
        break;
      case Target::Value:
      case Target::BlockArgument:
      case Target::Block:
      case Target::Alias:
        type = target.kind == Target::Value           ? Value
               : target.kind == Target::BlockArgument ? Argument
               : target.kind == Target::Block         ? Label
               : entry.start[0] == '!'                ? TypeAlias
                                                      : AttrAlias;
        definition = target.definition->loc.Start.getPointer() == entry.start;
        break;
      case Target::Symbol:
        type = Symbol;
        definition = target.symbolNameRange.Start.getPointer() == entry.start;
        break;
      }
      lsp::Position start =
          toPosition(*chunk, llvm::SMLoc::getFromPointer(entry.start));
      lsp::Position end =
          toPosition(*chunk, llvm::SMLoc::getFromPointer(entry.end));
      if (end.line != start.line || end.character <= start.character)
        continue; // Tokens are single-line.
      // The index may list one token twice (a symbol's name is among its
      // uses); LSP wants each once, in order.
      if (!data.empty() && start.line == previousLine &&
          start.character < previousStart + data[data.size() - 3])
        continue;
      data.push_back(start.line - previousLine);
      data.push_back(start.line == previousLine
                         ? start.character - previousStart
                         : start.character);
      data.push_back(end.character - start.character);
      data.push_back(type);
      data.push_back(definition ? 1 : 0);
      previousLine = start.line;
      previousStart = start.character;
    }
  }
  return data;
}

std::vector<MLIRDocument::CodeLens>
MLIRDocument::codeLenses(bool clientCommands) {
  std::vector<CodeLens> lenses;
  for (auto &chunk : chunks) {
    if (!chunk->parsed)
      continue;
    for (Operation &top : chunk->body)
      top.walk([&](FunctionOpInterface function) {
        // Functions of the program, not those inside executables.
        if (function->getParentOfType<FunctionOpInterface>() ||
            (function->getParentOp() &&
             function->getParentOp()->getName().getStringRef() ==
                 "builtin.module" &&
             function->getParentOp()->getParentOp()))
          return;
        const auto *def = chunk->asmState.getOpDef(function);
        if (!def)
          return;
        lsp::Range range = toRange(*chunk, def->loc);
        std::string name = function.getName().str();
        if (!clientCommands) {
          lenses.push_back(
              {range, "Compile", kCompileCommand, {uri.uri().str()}});
          lenses.push_back(
              {range, "Show passes", kShowPassesCommand, {uri.uri().str()}});
          return;
        }
        lenses.push_back(
            {range, "Compile", "tessera.compile", {uri.uri().str()}});
        lenses.push_back(
            {range, "Show passes", "tessera.showPasses", {uri.uri().str()}});
        lenses.push_back(
            {range, "Run", "tessera.run", {uri.uri().str(), name}});
      });
  }
  return lenses;
}

std::vector<std::pair<lsp::Range, std::string>>
MLIRDocument::documentLinks(StringRef root) {
  std::vector<std::pair<lsp::Range, std::string>> links;
  StringRef rest = text;
  size_t base = 0;
  while (true) {
    size_t object = rest.find("#hal.executable.object<{");
    if (object == StringRef::npos)
      break;
    size_t pathKey = rest.find("path", object);
    size_t end = rest.find("}>", object);
    if (pathKey == StringRef::npos || end == StringRef::npos || pathKey > end) {
      rest = rest.drop_front(object + 1);
      base += object + 1;
      continue;
    }
    size_t open = rest.find('"', pathKey);
    size_t close = open == StringRef::npos ? open : rest.find('"', open + 1);
    if (open == StringRef::npos || close == StringRef::npos || close > end) {
      rest = rest.drop_front(object + 1);
      base += object + 1;
      continue;
    }
    StringRef path = rest.slice(open + 1, close);
    llvm::SmallString<256> resolved(path);
    if (!llvm::sys::path::is_absolute(path)) {
      resolved = root.empty() ? llvm::sys::path::parent_path(uri.file()) : root;
      llvm::sys::path::append(resolved, path);
    }
    auto target = lsp::URIForFile::fromFile(resolved);
    if (target) {
      // The range of the quoted path, in document positions.
      size_t startOffset = base + open + 1, endOffset = base + close;
      auto toDocumentPosition = [&](size_t offset) {
        int line =
            std::upper_bound(lineStarts.begin(), lineStarts.end(), offset) -
            lineStarts.begin() - 1;
        return lsp::Position(
            line, byteToUtf16Column(lineText(line), offset - lineStarts[line]));
      };
      links.push_back({lsp::Range(toDocumentPosition(startOffset),
                                  toDocumentPosition(endOffset)),
                       target->uri().str()});
    } else {
      llvm::consumeError(target.takeError());
    }
    rest = rest.drop_front(close + 1);
    base += close + 1;
  }
  return links;
}

std::optional<lsp::SignatureHelp>
MLIRDocument::signatureHelp(const lsp::Position &position) {
  StringRef line = lineText(position.line);
  size_t cursor = utf16ToByteColumn(line, position.character);
  StringRef before = line.take_front(cursor);
  // The last `dialect.op` token before the cursor on this line.
  size_t nameEnd = StringRef::npos, nameStart = 0;
  for (size_t i = before.size(); i > 0; --i) {
    size_t end = i;
    size_t start = end;
    while (start > 0 && (llvm::isAlnum(before[start - 1]) ||
                         before[start - 1] == '_' || before[start - 1] == '.'))
      --start;
    StringRef token = before.slice(start, end);
    if (start < end && token.contains('.') && llvm::isAlpha(token[0]) &&
        (start == 0 || before[start - 1] == ' ' || before[start - 1] == '"') &&
        lookupOpDoc(token)) {
      nameStart = start;
      nameEnd = end;
      break;
    }
    i = start > 0 ? start : 1;
  }
  if (nameEnd == StringRef::npos)
    return std::nullopt;
  const OpDoc *doc = lookupOpDoc(before.slice(nameStart, nameEnd));
  // Operands are separated by top-level commas after the op name.
  int active = 0, depth = 0;
  for (char c : before.drop_front(nameEnd)) {
    if (c == '(' || c == '[' || c == '<' || c == '{')
      ++depth;
    else if ((c == ')' || c == ']' || c == '>' || c == '}') && depth > 0)
      --depth;
    else if (c == ',' && depth == 0)
      ++active;
    else if (c == ':' && depth == 0)
      return std::nullopt; // In the types, past the operands.
  }
  lsp::SignatureInformation signature;
  signature.label = doc->name;
  signature.documentation = doc->summary;
  std::string separator = " ";
  for (const OpArgumentDoc &argument : doc->arguments) {
    if (argument.isAttribute)
      continue;
    lsp::ParameterInformation parameter;
    unsigned start = signature.label.size() + separator.size();
    signature.label += separator + argument.name + ": " + argument.constraint;
    parameter.labelOffsets = {start, signature.label.size()};
    parameter.documentation = argument.constraint;
    signature.parameters.push_back(std::move(parameter));
    separator = ", ";
  }
  if (signature.parameters.empty())
    return std::nullopt;
  lsp::SignatureHelp help;
  help.signatures.push_back(std::move(signature));
  help.activeParameter =
      std::min<int>(active, help.signatures[0].parameters.size() - 1);
  return help;
}

std::optional<std::vector<lsp::Diagnostic>>
MLIRDocument::diagnoseEditedFunction(const DialectRegistry &registry,
                                     StringRef newText) const {
  if (chunks.size() != 1 || !chunks.front()->parsed)
    return std::nullopt;
  // The ops are only read; Block's iteration is not const.
  DocumentChunk &chunk = *chunks.front();
  StringRef oldText = text;
  if (newText.contains("// -----"))
    return std::nullopt;
  // The edited byte range: what the common prefix and suffix leave.
  size_t prefix = 0, limit = std::min(oldText.size(), newText.size());
  while (prefix < limit && oldText[prefix] == newText[prefix])
    ++prefix;
  size_t suffix = 0;
  while (suffix < limit - prefix && oldText[oldText.size() - 1 - suffix] ==
                                        newText[newText.size() - 1 - suffix])
    ++suffix;
  size_t oldEditEnd = oldText.size() - suffix;
  const char *base = chunkText(chunk).data();
  // The top-level function holding the whole edit, and the preamble (the
  // text before the first top-level op, where aliases are defined).
  const AsmParserState::OperationDefinition *edited = nullptr;
  size_t preambleEnd = StringRef::npos;
  for (Operation &op : chunk.body) {
    const auto *def = chunk.asmState.getOpDef(&op);
    if (!def)
      return std::nullopt;
    size_t start = def->scopeLoc.Start.getPointer() - base;
    size_t end = def->scopeLoc.End.getPointer() - base;
    preambleEnd = std::min(preambleEnd, start);
    if (start <= prefix && oldEditEnd <= end) {
      if (!isa<FunctionOpInterface>(op) ||
          !op.hasTrait<OpTrait::IsIsolatedFromAbove>())
        return std::nullopt;
      edited = def;
    }
  }
  if (!edited)
    return std::nullopt;
  for (const auto &alias : chunk.asmState.getAttributeAliasDefs())
    if (static_cast<size_t>(alias.definition.loc.Start.getPointer() - base) >=
        preambleEnd)
      return std::nullopt;
  for (const auto &alias : chunk.asmState.getTypeAliasDefs())
    if (static_cast<size_t>(alias.definition.loc.Start.getPointer() - base) >=
        preambleEnd)
      return std::nullopt;
  // Whole lines: the function from the start of its line (only blanks may
  // precede it there) to the end of its last line.
  size_t opStart = edited->scopeLoc.Start.getPointer() - base;
  size_t lineStart = oldText.rfind('\n', opStart);
  lineStart = lineStart == StringRef::npos ? 0 : lineStart + 1;
  if (!oldText.slice(lineStart, opStart).trim().empty())
    return std::nullopt;
  size_t oldOpEnd = edited->scopeLoc.End.getPointer() - base;
  size_t newOpEnd = oldOpEnd + newText.size() - oldText.size();
  if (newOpEnd > newText.size() || newOpEnd < prefix)
    return std::nullopt;
  size_t preambleLineEnd = oldText.rfind('\n', preambleEnd);
  StringRef preamble = preambleLineEnd == StringRef::npos
                           ? StringRef()
                           : oldText.take_front(preambleLineEnd + 1);
  if (preamble.size() > lineStart)
    return std::nullopt;
  StringRef function = newText.slice(lineStart, newOpEnd);
  int opLine = std::count(oldText.begin(), oldText.begin() + lineStart, '\n');
  int oldLastLine = opLine + std::count(oldText.begin() + lineStart,
                                        oldText.begin() + oldOpEnd, '\n');
  int lineDelta =
      static_cast<int>(std::count(newText.begin(), newText.end(), '\n')) -
      static_cast<int>(std::count(oldText.begin(), oldText.end(), '\n'));
  int preambleLines = std::count(preamble.begin(), preamble.end(), '\n');

  // Parse and verify the function alone.
  // Text beyond the limits goes the long way, which reports it.
  if (mlir::tessera::findInputLimitViolation((preamble + function).str()))
    return std::nullopt;
  MLIRContext scratch(registry, MLIRContext::Threading::DISABLED);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(llvm::MemoryBuffer::getMemBufferCopy(
                                   (preamble + function).str(), uri.file()),
                               llvm::SMLoc());
  std::vector<lsp::Diagnostic> result;
  bool outsideTheFunction = false;
  auto newLine = [&](int documentLine) {
    StringRef rest = newText;
    for (int i = 0; i < documentLine && !rest.empty(); ++i)
      rest = rest.split('\n').second;
    return rest.take_until([](char c) { return c == '\n'; });
  };
  auto convert = [&](Location loc) -> std::optional<lsp::Range> {
    std::optional<lsp::Range> range;
    loc->walk([&](Location inner) {
      auto file = dyn_cast<FileLineColLoc>(inner);
      if (!file || file.getFilename() != uri.file())
        return WalkResult::advance();
      int local = static_cast<int>(file.getLine()) - 1;
      if (local < preambleLines) {
        outsideTheFunction = true;
        return WalkResult::interrupt();
      }
      int documentLine = opLine + local - preambleLines;
      StringRef content = newLine(documentLine);
      size_t column = file.getColumn() > 0 ? file.getColumn() - 1 : 0;
      size_t end = column;
      while (end < content.size() && !llvm::isSpace(content[end]))
        ++end;
      range = lsp::Range(
          lsp::Position(documentLine, byteToUtf16Column(content, column)),
          lsp::Position(documentLine, byteToUtf16Column(content, end)));
      return WalkResult::interrupt();
    });
    return range;
  };
  std::string category = "parse";
  ScopedDiagnosticHandler handler(&scratch, [&](Diagnostic &diag) {
    lsp::Diagnostic lspDiag;
    lspDiag.source = "tessera";
    lspDiag.category = category;
    lspDiag.severity = toSeverity(diag.getSeverity());
    lspDiag.message = diag.str();
    auto range = convert(diag.getLocation());
    if (!range) {
      outsideTheFunction = true;
      return success();
    }
    lspDiag.range = *range;
    std::vector<lsp::DiagnosticRelatedInformation> related;
    for (Diagnostic &note : diag.getNotes())
      if (auto noteRange = convert(note.getLocation()))
        related.emplace_back(lsp::Location{uri, *noteRange}, note.str());
    if (!related.empty())
      lspDiag.relatedInformation = std::move(related);
    result.push_back(std::move(lspDiag));
    return success();
  });
  Block block;
  ParserConfig config(&scratch, /*verifyAfterParse=*/false);
  bool parsed = succeeded(parseAsmSourceFile(sourceMgr, &block, config));
  if (parsed) {
    // Exactly one op: the function (an edit that splits it in two, or
    // merges it with the next, goes the long way).
    if (!llvm::hasSingleElement(block) ||
        !isa<FunctionOpInterface>(block.front()))
      return std::nullopt;
    category = "verify";
    (void)mlir::verify(&block.front());
  }
  block.clear();
  if (outsideTheFunction)
    return std::nullopt;
  // As in the full analysis: a parse error stops the chunk there, and
  // nothing of it is verified.
  if (!parsed)
    return result;
  // The other diagnostics, moved past the edit.
  for (const lsp::Diagnostic &diag : diagnostics) {
    int line = diag.range.start.line;
    if (line >= opLine && line <= oldLastLine)
      continue;
    lsp::Diagnostic moved = diag;
    if (line > oldLastLine) {
      moved.range.start.line += lineDelta;
      moved.range.end.line += lineDelta;
    }
    result.push_back(std::move(moved));
  }
  llvm::stable_sort(result, [](const auto &a, const auto &b) {
    return a.range.start < b.range.start;
  });
  return result;
}

llvm::Expected<std::string> MLIRDocument::format() {
  // Comments (other than the split markers) would be lost.
  for (size_t line = 0; line < lineStarts.size(); ++line) {
    StringRef content = lineText(line);
    if (content.trim().starts_with("// -----"))
      continue;
    bool inString = false;
    for (size_t i = 0; i + 1 < content.size(); ++i) {
      if (content[i] == '"' && (i == 0 || content[i - 1] != '\\'))
        inString = !inString;
      if (!inString && content[i] == '/' && content[i + 1] == '/')
        return llvm::createStringError(
            "line " + std::to_string(line + 1) +
            " has a comment, which reprinting would lose; the document is "
            "not formatted");
    }
  }
  std::string result;
  for (auto [index, chunk] : llvm::enumerate(chunks)) {
    if (!chunk->parsed || chunk->hasErrors)
      return llvm::createStringError(
          "the document has errors; formatting reprints parsed IR");
    if (index > 0)
      result += "\n// -----\n\n";
    bool explicitModule = llvm::hasSingleElement(chunk->body) &&
                          isa<ModuleOp>(chunk->body.front());
    // Print through a module so that aliases are hoisted once.
    OwningOpRef<ModuleOp> wrapper;
    ModuleOp module;
    if (explicitModule) {
      module = cast<ModuleOp>(chunk->body.front());
    } else {
      wrapper = ModuleOp::create(UnknownLoc::get(context.get()));
      for (Operation &op : chunk->body)
        wrapper->getBody()->push_back(op.clone());
      module = *wrapper;
    }
    std::string printed;
    llvm::raw_string_ostream os(printed);
    module->print(os);
    if (explicitModule) {
      result += printed;
      continue;
    }
    // Drop the implicit module's braces and its indentation.
    StringRef rest = printed;
    bool inBody = false;
    while (!rest.empty()) {
      auto [line, after] = rest.split('\n');
      rest = after;
      if (!inBody && line == "module {") {
        inBody = true;
        continue;
      }
      if (inBody && line == "}" && rest.trim().empty())
        break;
      result +=
          (inBody ? line.drop_front(std::min<size_t>(2, line.size())) : line)
              .str() +
          "\n";
    }
  }
  return result;
}

llvm::Expected<std::string> MLIRDocument::toBytecode() {
  if (chunks.size() != 1)
    return llvm::createStringError(
        "a file split with `// -----` has no single bytecode form");
  DocumentChunk &chunk = *chunks.front();
  if (!chunk.parsed || chunk.hasErrors)
    return llvm::createStringError(
        "the document has errors; fix them to convert it to bytecode");
  // Bytecode holds one op: the module, or a module around the ops.
  OwningOpRef<ModuleOp> wrapper;
  Operation *root = nullptr;
  if (llvm::hasSingleElement(chunk.body) && isa<ModuleOp>(chunk.body.front())) {
    root = &chunk.body.front();
  } else {
    wrapper = ModuleOp::create(UnknownLoc::get(context.get()));
    for (Operation &op : chunk.body)
      wrapper->getBody()->push_back(op.clone());
    root = *wrapper;
  }
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (failed(writeBytecodeToFile(root, os)))
    return llvm::createStringError("the bytecode writer failed");
  return bytes;
}

std::vector<MLIRDocument::FoldingRange> MLIRDocument::foldingRanges() {
  std::vector<FoldingRange> result;
  for (auto &chunk : chunks) {
    if (chunks.size() > 1) {
      const llvm::MemoryBuffer *buffer =
          chunk->sourceMgr.getMemoryBuffer(chunk->sourceMgr.getMainFileID());
      int lines =
          std::count(buffer->getBufferStart(), buffer->getBufferEnd(), '\n');
      if (lines > 1)
        result.push_back(
            {chunk->lineOffset, chunk->lineOffset + lines - 1, "region"});
    }
    if (!chunk->parsed)
      continue;
    for (const AsmParserState::OperationDefinition &def :
         chunk->asmState.getOpDefs()) {
      if (def.op->getNumRegions() == 0)
        continue;
      int start = toPosition(*chunk, def.scopeLoc.Start).line;
      int end = toPosition(*chunk, def.scopeLoc.End).line;
      // Keep the closing line visible.
      if (end - 1 > start)
        result.push_back({start, end - 1, ""});
    }
  }
  return result;
}

llvm::Expected<std::vector<lsp::TextEdit>>
MLIRDocument::rename(const lsp::Position &position, StringRef newName) {
  auto [chunk, loc] = locate(position);
  std::optional<Target> target = chunk ? findTarget(*chunk, loc) : std::nullopt;
  if (!target)
    return llvm::createStringError("nothing to rename here");
  char sigil;
  switch (target->kind) {
  case Target::Value:
  case Target::BlockArgument:
    sigil = '%';
    break;
  case Target::Block:
    sigil = '^';
    break;
  case Target::Symbol:
    sigil = '@';
    break;
  default:
    return llvm::createStringError(
        "only SSA values, blocks and symbols can be renamed");
  }
  std::string name = newName.str();
  if (!name.empty() && name[0] == sigil)
    name.erase(0, 1);
  auto isIdentifierChar = [](char c) {
    return llvm::isAlnum(c) || StringRef("_$.-").contains(c);
  };
  bool valid = !name.empty() && llvm::all_of(name, isIdentifierChar) &&
               (sigil == '%' || !llvm::isDigit(name[0]));
  if (!valid)
    return llvm::createStringError("'" + newName.str() +
                                   "' is not a valid name for a " +
                                   std::string(1, sigil) + " identifier");
  // A value of a multi-result group keeps its `#n` suffix at the uses.
  std::vector<lsp::TextEdit> edits;
  for (const lsp::Location &location : references(position, true)) {
    lsp::TextEdit edit;
    edit.range = location.range;
    StringRef old = lineText(location.range.start.line);
    size_t begin = utf16ToByteColumn(old, location.range.start.character);
    size_t end = utf16ToByteColumn(old, location.range.end.character);
    StringRef token = old.slice(begin, end);
    std::string suffix;
    if (size_t hash = token.find('#'); hash != StringRef::npos && sigil == '%')
      suffix = token.drop_front(hash).str();
    edit.newText = std::string(1, sigil) + name + suffix;
    edits.push_back(std::move(edit));
  }
  return edits;
}

std::vector<lsp::DocumentSymbol>
MLIRDocument::chunkSymbols(DocumentChunk &chunk) {
  std::vector<lsp::DocumentSymbol> result;
  if (!chunk.parsed) {
    if (!chunk.fallback)
      return result;
    // The outline of the last good version, where its lines still are.
    const ChunkFallback &fallback = *chunk.fallback;
    std::function<void(const std::vector<lsp::DocumentSymbol> &,
                       std::vector<lsp::DocumentSymbol> &)>
        map = [&](const std::vector<lsp::DocumentSymbol> &from,
                  std::vector<lsp::DocumentSymbol> &into) {
          for (const lsp::DocumentSymbol &symbol : from) {
            auto range = mapFromFallback(chunk, symbol.range);
            auto selection = mapFromFallback(chunk, symbol.selectionRange);
            if (!selection)
              continue;
            lsp::DocumentSymbol mapped(symbol.name, symbol.kind,
                                       range.value_or(*selection), *selection);
            mapped.detail = symbol.detail;
            map(symbol.children, mapped.children);
            into.push_back(std::move(mapped));
          }
        };
    map(fallback.document->chunkSymbols(
            *fallback.document->chunks[fallback.chunkIndex]),
        result);
    return result;
  }
  std::function<void(Operation *, std::vector<lsp::DocumentSymbol> &)> visit =
      [&](Operation *op, std::vector<lsp::DocumentSymbol> &into) {
        const auto *def = chunk.asmState.getOpDef(op);
        auto name =
            op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
        bool isScope = op->hasTrait<OpTrait::SymbolTable>();
        std::vector<lsp::DocumentSymbol> *children = &into;
        if (def && (name || isScope)) {
          llvm::SMRange nameRange =
              name ? findSymbolName(*def, name.getValue()) : llvm::SMRange();
          lsp::DocumentSymbol symbol(
              name ? name.getValue().str() : op->getName().getStringRef().str(),
              symbolKindOf(op), toRange(chunk, def->scopeLoc),
              toRange(chunk, nameRange.isValid() ? nameRange : def->loc));
          symbol.detail = op->getName().getStringRef().str();
          into.push_back(std::move(symbol));
          children = &into.back().children;
        }
        for (Region &region : op->getRegions())
          for (mlir::Block &block : region)
            for (Operation &nested : block)
              visit(&nested, *children);
      };
  for (Operation &op : chunk.body)
    visit(&op, result);
  return result;
}

std::vector<lsp::DocumentSymbol> MLIRDocument::documentSymbols() {
  std::vector<lsp::DocumentSymbol> result;
  for (auto [index, chunkPtr] : llvm::enumerate(chunks)) {
    DocumentChunk &chunk = *chunkPtr;
    std::vector<lsp::DocumentSymbol> symbols = chunkSymbols(chunk);
    if (chunks.size() == 1) {
      result = std::move(symbols);
      break;
    }
    // Split files get one node per chunk, named as upstream names them.
    const llvm::MemoryBuffer *buffer =
        chunk.sourceMgr.getMemoryBuffer(chunk.sourceMgr.getMainFileID());
    lsp::Range range = toRange(
        chunk,
        llvm::SMRange(llvm::SMLoc::getFromPointer(buffer->getBufferStart()),
                      llvm::SMLoc::getFromPointer(buffer->getBufferEnd())));
    result.emplace_back("<file-split-" + std::to_string(index) + ">",
                        lsp::SymbolKind::Namespace, range, range);
    result.back().children = std::move(symbols);
  }
  return result;
}

} // namespace tessera::lsp
