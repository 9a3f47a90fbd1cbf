//===- Server.cpp - The tessera-lsp protocol server -----------------------===//

#include "Server.h"

#include <fstream>
#include <set>

#include "Logging.h"
#include "MLIRDocument.h"

#include "Dialects.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/InputFile.h"
#include "Pipeline/LargeStack.h"
#include "WorkspaceSymbols.h"

#include "Pipeline/OutputFile.h"

#include "SourceText.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

namespace tessera::lsp {

using llvm::json::Value;

namespace {

std::string idKey(const Value &id) {
  std::string key;
  llvm::raw_string_ostream os(key);
  os << id;
  return key;
}

/// A copy that owns its strings: llvm::lsp's toJSON functions reference the
/// strings of the objects they convert, which answers outlive.
Value own(const Value &value) {
  switch (value.kind()) {
  case Value::String:
    return Value(value.getAsString()->str());
  case Value::Array: {
    llvm::json::Array array;
    for (const Value &element : *value.getAsArray())
      array.push_back(own(element));
    return array;
  }
  case Value::Object: {
    llvm::json::Object object;
    for (const auto &[key, element] : *value.getAsObject())
      object[key.str()] = own(element);
    return object;
  }
  default:
    return value;
  }
}

Value toJSONArray(const std::vector<llvm::lsp::Location> &locations) {
  llvm::json::Array array;
  for (const llvm::lsp::Location &location : locations)
    array.push_back(own(toJSON(location)));
  return array;
}

template <typename T>
llvm::Expected<T> parseParams(const Value &params, llvm::StringRef method) {
  T result;
  llvm::json::Path::Root root;
  if (fromJSON(params, result, root))
    return result;
  return llvm::createStringError("invalid params for " + method.str() + ": " +
                                 llvm::toString(root.getError()));
}

/// The textual form of a bytecode file, read as the compiler reads it (on
/// a large stack, deep input refused).
llvm::Expected<std::string> convertFromBytecode(llvm::StringRef path) {
  mlir::tessera::CompileSession session;
  if (mlir::failed(session.loadFile(path))) {
    std::string diagnostics;
    for (const mlir::tessera::Diagnostic &diag : session.getDiagnostics())
      diagnostics += diag.format() + "\n";
    return llvm::createStringError("cannot read " + path.str() + ": " +
                                   diagnostics);
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  mlir::tessera::runOnLargeStack([&] { session.getModule()->print(os); });
  return text;
}

/// A notification's params, or nullopt after logging why not (a
/// notification has no reply to carry the error).
template <typename T>
std::optional<T> parseNotification(const Value &params,
                                   llvm::StringRef method) {
  auto parsed = parseParams<T>(params, method);
  if (!parsed) {
    log(LogLevel::Error, llvm::toString(parsed.takeError()));
    return std::nullopt;
  }
  return std::move(*parsed);
}

} // namespace

Server::Server(Transport &transport, ServerOptions options)
    : transport(transport), options(options) {
  registerServerDialects(registry);
  pipeline = std::make_unique<PipelineDiagnostics>(
      options.pipelineWorker,
      [this](const PipelineJob &job, PipelineDiagnostics::Outcome outcome) {
        // Back on the worker, which owns the published state.
        queue.post([this, uri = job.uri, version = job.version,
                    outcome = std::move(outcome)]() mutable {
          pipelineResults[uri] = {version, std::move(outcome.diagnostics),
                                  std::move(outcome.dispatches)};
          publish(uri);
        });
      });
}

Server::~Server() {
  // Stop the compiles first: their completions post to the queue.
  pipeline.reset();
}

PipelineConfig Server::configFor(llvm::StringRef file) {
  PipelineConfig result;
  {
    std::lock_guard<std::mutex> lock(configMutex);
    result = config;
  }
  // A tessera.json in the document's folder or above refines it.
  llvm::SmallString<256> directory = llvm::sys::path::parent_path(file);
  while (!directory.empty()) {
    llvm::SmallString<256> candidate(directory);
    llvm::sys::path::append(candidate, "tessera.json");
    if (auto buffer = mlir::tessera::readInputFile(candidate)) {
      auto parsed = llvm::json::parse((*buffer)->getBuffer());
      const llvm::json::Object *object =
          parsed ? parsed->getAsObject() : nullptr;
      if (!object) {
        if (!parsed)
          llvm::consumeError(parsed.takeError());
        log(LogLevel::Error, candidate.str().str() + " is not a JSON object");
      } else if (llvm::Error error = applyPipelineConfig(*object, result)) {
        log(LogLevel::Error,
            candidate.str().str() + ": " + llvm::toString(std::move(error)));
      }
      break;
    }
    llvm::StringRef parent = llvm::sys::path::parent_path(directory);
    if (parent == directory)
      break;
    // A prefix of `directory` itself: assigning it would copy the buffer
    // onto itself, which SmallVector forbids (its assertions say so).
    directory.truncate(parent.size());
  }
  return result;
}

int Server::run() {
  std::string message;
  while (transport.read(message)) {
    handle(message);
    if (exitRequested)
      break;
  }
  queue.drain();
  return shutdownRequested ? 0 : 1;
}

void Server::handle(const std::string &text) {
  llvm::Expected<Value> message = llvm::json::parse(text);
  if (!message) {
    log(LogLevel::Error,
        "malformed JSON: " + llvm::toString(message.takeError()));
    transport.replyError(nullptr, ParseError, "malformed JSON message");
    return;
  }
  const llvm::json::Object *object = message->getAsObject();
  std::optional<llvm::StringRef> method =
      object ? object->getString("method") : std::nullopt;
  const Value *id = object ? object->get("id") : nullptr;
  if (!method) {
    // A reply to a request of ours, or nonsense.
    if (!id)
      log(LogLevel::Error, "a message without method or id: " + text);
    return;
  }
  Value params = nullptr;
  if (const Value *p = object->get("params"))
    params = *p;
  if (id)
    handleRequest(*method, *id, params);
  else
    handleNotification(*method, params);
}

void Server::handleRequest(llvm::StringRef method, const Value &id,
                           const Value &params) {
  log(LogLevel::Verbose, "<-- " + method.str() + "(" + idKey(id) + ")");
  if (method == "initialize") {
    initialized = true;
    // The first document's context, with the dialects Tessera's programs
    // use, while the client is still setting up.
    queue.post([this] {
      prepareSpareContext({"builtin", "func", "arith", "tensor", "linalg",
                           "math", "scf", "memref", "flow", "hal"});
    });
    if (const llvm::json::Object *object = params.getAsObject()) {
      if (auto root = object->getString("rootUri")) {
        if (auto parsed = llvm::lsp::URIForFile::fromURI(*root))
          workspaceRoot = parsed->file().str();
        else
          llvm::consumeError(parsed.takeError());
      } else if (auto path = object->getString("rootPath")) {
        workspaceRoot = path->str();
      }
    }
    if (const llvm::json::Object *object = params.getAsObject())
      if (const llvm::json::Object *options =
              object->getObject("initializationOptions")) {
        std::lock_guard<std::mutex> lock(configMutex);
        if (llvm::Error error = applyPipelineConfig(*options, config))
          log(LogLevel::Error,
              "initializationOptions: " + llvm::toString(std::move(error)));
      }
    transport.reply(
        id, llvm::json::Object{
                {"serverInfo", llvm::json::Object{{"name", "tessera-lsp"},
                                                  {"version", "0.1"}}},
                {"capabilities",
                 llvm::json::Object{
                     {"textDocumentSync",
                      llvm::json::Object{{"openClose", true},
                                         {"change", 2}, // incremental
                                         {"save", true}}},
                     {"hoverProvider", true},
                     {"definitionProvider", true},
                     {"referencesProvider", true},
                     {"documentSymbolProvider", true},
                     {"foldingRangeProvider", true},
                     {"codeLensProvider",
                      llvm::json::Object{{"resolveProvider", false}}},
                     {"documentLinkProvider",
                      llvm::json::Object{{"resolveProvider", false}}},
                     {"codeActionProvider", true},
                     {"inlayHintProvider", true},
                     {"workspaceSymbolProvider", true},
                     {"documentFormattingProvider", true},
                     {"signatureHelpProvider",
                      llvm::json::Object{
                          {"triggerCharacters", llvm::json::Array{" ", ","}}}},
                     {"semanticTokensProvider",
                      llvm::json::Object{
                          {"legend",
                           llvm::json::Object{
                               {"tokenTypes",
                                llvm::json::Array(
                                    MLIRDocument::getSemanticTokenTypes())},
                               {"tokenModifiers",
                                llvm::json::Array{"declaration"}}}},
                          {"full", true}}},
                     {"renameProvider", true},
                     {"completionProvider",
                      llvm::json::Object{
                          {"triggerCharacters",
                           llvm::json::Array{".", "%", "^", "!", "#", "@", "(",
                                             ",", "<", ":", "[", " "}}}},
                     {"experimental",
                      llvm::json::Object{
                          {"tesseraRequests",
                           llvm::json::Array{"tessera/passes",
                                             "tessera/irAfterPass",
                                             "tessera/dispatches"}}}},
                 }}});
    return;
  }
  if (!initialized) {
    transport.replyError(id, ServerNotInitialized,
                         "the server is not initialized");
    return;
  }
  if (method == "shutdown") {
    shutdownRequested = true;
    queue.drain();
    transport.reply(id, nullptr);
    return;
  }

  auto positionRequest = [&](std::function<llvm::Expected<Value>(
                                 MLIRDocument &, const llvm::lsp::Position &)>
                                 answer) {
    auto parsed =
        parseParams<llvm::lsp::TextDocumentPositionParams>(params, method);
    if (!parsed) {
      transport.replyError(id, InvalidParams,
                           llvm::toString(parsed.takeError()));
      return;
    }
    llvm::lsp::Position position = parsed->position;
    postDocumentRequest(id, parsed->textDocument.uri.uri().str(),
                        [answer, position](MLIRDocument &document) {
                          return answer(document, position);
                        });
  };

  if (method == "textDocument/hover") {
    positionRequest([](MLIRDocument &document, const llvm::lsp::Position &p) {
      std::optional<llvm::lsp::Hover> hover = document.hover(p);
      return hover ? own(toJSON(*hover)) : Value(nullptr);
    });
    return;
  }
  auto documentRequest =
      [&](std::function<llvm::Expected<Value>(MLIRDocument &)> answer) {
        auto parsed =
            parseParams<llvm::lsp::DocumentSymbolParams>(params, method);
        if (!parsed) {
          transport.replyError(id, InvalidParams,
                               llvm::toString(parsed.takeError()));
          return;
        }
        postDocumentRequest(id, parsed->textDocument.uri.uri().str(),
                            std::move(answer));
      };
  if (method == "textDocument/formatting") {
    documentRequest([](MLIRDocument &document) -> llvm::Expected<Value> {
      auto formatted = document.format();
      if (!formatted)
        // RequestFailed, with the reason for the user.
        return llvm::make_error<llvm::lsp::LSPError>(
            llvm::toString(formatted.takeError()),
            llvm::lsp::ErrorCode::RequestFailed);
      int lines = std::count(document.getText().begin(),
                             document.getText().end(), '\n') +
                  1;
      llvm::lsp::Range whole(llvm::lsp::Position(0, 0),
                             llvm::lsp::Position(lines, 0));
      return Value(llvm::json::Array{llvm::json::Object{
          {"range", own(toJSON(whole))}, {"newText", *formatted}}});
    });
    return;
  }
  if (method == "workspace/symbol") {
    const llvm::json::Object *object = params.getAsObject();
    std::string query =
        object ? object->getString("query").value_or("").str() : "";
    std::string root = workspaceRoot;
    // On the worker: the open documents' analyses are there.
    postWorkerRequest(id, [this, query, root]() -> llvm::Expected<Value> {
      llvm::json::Array symbols;
      std::set<std::string> openFiles;
      // The names belong to outlines and scans that end before the reply
      // is written: the JSON takes copies (a json::Value made from a
      // StringRef only references it).
      auto add = [&](llvm::StringRef name, int kind, const std::string &uri,
                     const llvm::lsp::Range &range, llvm::StringRef container) {
        if (symbols.size() >= 1000 || !fuzzyMatches(name, query))
          return;
        symbols.push_back(llvm::json::Object{
            {"name", name.str()},
            {"kind", kind},
            {"location",
             llvm::json::Object{{"uri", uri}, {"range", own(toJSON(range))}}},
            {"containerName", container.str()}});
      };
      for (auto &entry : analyses) {
        MLIRDocument &document = *entry.second;
        openFiles.insert(document.getURI().file().str());
        std::function<void(const std::vector<llvm::lsp::DocumentSymbol> &,
                           llvm::StringRef)>
            visit = [&](const std::vector<llvm::lsp::DocumentSymbol> &list,
                        llvm::StringRef container) {
              for (const auto &symbol : list) {
                if (!llvm::StringRef(symbol.name).starts_with("<file-split-"))
                  add(symbol.name, static_cast<int>(symbol.kind),
                      entry.getKey().str(), symbol.selectionRange, container);
                visit(symbol.children, symbol.name);
              }
            };
        visit(document.documentSymbols(), "");
      }
      if (!root.empty())
        for (const std::string &file : findMLIRFiles(root)) {
          if (openFiles.count(file))
            continue;
          auto buffer = mlir::tessera::readInputFile(file);
          auto uri = llvm::lsp::URIForFile::fromFile(file);
          if (!buffer || !uri) {
            if (!buffer)
              llvm::consumeError(buffer.takeError());
            if (!uri)
              llvm::consumeError(uri.takeError());
            continue;
          }
          for (const ScannedSymbol &symbol :
               scanSymbols((*buffer)->getBuffer())) {
            llvm::lsp::Position at(symbol.line, symbol.character);
            add(symbol.name,
                symbol.opName == "func.func"
                    ? static_cast<int>(llvm::lsp::SymbolKind::Function)
                    : static_cast<int>(llvm::lsp::SymbolKind::Module),
                uri->uri().str(),
                llvm::lsp::Range(
                    at,
                    llvm::lsp::Position(
                        symbol.line, symbol.character + 1 +
                                         static_cast<int>(symbol.name.size()))),
                symbol.opName);
          }
        }
      return Value(std::move(symbols));
    });
    return;
  }
  if (method == "textDocument/inlayHint") {
    // From the pipeline's last compile of this very version: the dispatch
    // each op went into and, for constant workloads, the workgroup count.
    documentRequest([this](MLIRDocument &document) {
      llvm::json::Array hints;
      auto result = pipelineResults.find(document.getURI().uri());
      if (result == pipelineResults.end() ||
          result->second.version != document.getVersion())
        return Value(std::move(hints));
      std::set<int> hinted;
      auto hint = [&](unsigned oneBasedLine, std::string label) {
        int line = static_cast<int>(oneBasedLine) - 1;
        if (line < 0 || !hinted.insert(line).second)
          return;
        llvm::StringRef text = getLine(document.getText(), line);
        hints.push_back(llvm::json::Object{
            {"position",
             llvm::json::Object{
                 {"line", line},
                 {"character", byteToUtf16Column(text, text.size())}}},
            {"label", std::move(label)},
            {"paddingLeft", true}});
      };
      for (const mlir::tessera::DispatchInfo &dispatch :
           result->second.dispatches) {
        std::string label = "dispatch " + dispatch.name;
        if (dispatch.workgroups)
          label += llvm::formatv(
                       " ({0}x{1}x{2} workgroups)", (*dispatch.workgroups)[0],
                       (*dispatch.workgroups)[1], (*dispatch.workgroups)[2])
                       .str();
        hint(dispatch.site.line, label);
        for (const auto &op : dispatch.ops)
          hint(op.line, "in " + dispatch.name);
      }
      return Value(std::move(hints));
    });
    return;
  }
  if (method == "textDocument/codeLens") {
    documentRequest([](MLIRDocument &document) {
      llvm::json::Array lenses;
      for (const auto &lens : document.codeLenses()) {
        llvm::json::Array arguments;
        for (const std::string &argument : lens.arguments)
          arguments.push_back(argument);
        lenses.push_back(llvm::json::Object{
            {"range", own(toJSON(lens.range))},
            {"command",
             llvm::json::Object{{"title", lens.title},
                                {"command", lens.command},
                                {"arguments", std::move(arguments)}}}});
      }
      return Value(std::move(lenses));
    });
    return;
  }
  if (method == "textDocument/documentLink") {
    std::string root = workspaceRoot;
    documentRequest([root](MLIRDocument &document) {
      llvm::json::Array links;
      for (const auto &[range, target] : document.documentLinks(root))
        links.push_back(llvm::json::Object{{"range", own(toJSON(range))},
                                           {"target", target}});
      return Value(std::move(links));
    });
    return;
  }
  if (method == "textDocument/codeAction") {
    // The "add expected-* checks" action of upstream: one comment per
    // diagnostic, above its line, in the form -verify-diagnostics reads.
    const llvm::json::Object *object = params.getAsObject();
    const llvm::json::Object *context =
        object ? object->getObject("context") : nullptr;
    const llvm::json::Array *diagnostics =
        context ? context->getArray("diagnostics") : nullptr;
    const llvm::json::Object *textDocument =
        object ? object->getObject("textDocument") : nullptr;
    std::optional<llvm::StringRef> uri =
        textDocument ? textDocument->getString("uri") : std::nullopt;
    if (!uri || !diagnostics) {
      transport.reply(id, llvm::json::Array());
      return;
    }
    std::string documentUri = uri->str();
    std::vector<std::pair<int, std::string>> checks;
    for (const Value &diagnostic : *diagnostics) {
      llvm::lsp::Diagnostic parsed;
      llvm::json::Path::Root root;
      if (!fromJSON(diagnostic, parsed, root))
        continue;
      const char *kind =
          parsed.severity == llvm::lsp::DiagnosticSeverity::Warning ? "warning"
          : parsed.severity == llvm::lsp::DiagnosticSeverity::Information
              ? "remark"
              : "error";
      checks.push_back({parsed.range.start.line, std::string("// expected-") +
                                                     kind + " @below {{" +
                                                     parsed.message + "}}"});
    }
    if (checks.empty()) {
      transport.reply(id, llvm::json::Array());
      return;
    }
    postDocumentRequest(
        id, documentUri, [checks, documentUri](MLIRDocument &document) {
          llvm::json::Array edits;
          for (const auto &[line, comment] : checks) {
            llvm::StringRef lineText = getLine(document.getText(), line);
            std::string indent =
                lineText
                    .take_while([](char c) { return c == ' ' || c == '\t'; })
                    .str();
            llvm::lsp::Position at(line, 0);
            edits.push_back(llvm::json::Object{
                {"range", own(toJSON(llvm::lsp::Range(at, at)))},
                {"newText", indent + comment + "\n"}});
          }
          return Value(llvm::json::Array{llvm::json::Object{
              {"title", "Add expected-* diagnostic checks"},
              {"kind", "quickfix"},
              {"edit",
               llvm::json::Object{
                   {"changes",
                    llvm::json::Object{{documentUri, std::move(edits)}}}}}}});
        });
    return;
  }
  if (method == "mlir/convertToBytecode") {
    const llvm::json::Object *object = params.getAsObject();
    std::optional<llvm::StringRef> uri =
        object ? object->getString("uri") : std::nullopt;
    if (!uri) {
      transport.replyError(id, InvalidParams, "convertToBytecode needs uri");
      return;
    }
    postDocumentRequest(
        id, uri->str(), [](MLIRDocument &document) -> llvm::Expected<Value> {
          auto bytes = document.toBytecode();
          if (!bytes)
            return bytes.takeError();
          return Value(
              llvm::json::Object{{"output", llvm::encodeBase64(*bytes)}});
        });
    return;
  }
  if (method == "mlir/convertFromBytecode") {
    const llvm::json::Object *object = params.getAsObject();
    std::optional<llvm::StringRef> uri =
        object ? object->getString("uri") : std::nullopt;
    auto parsedURI = uri ? llvm::lsp::URIForFile::fromURI(*uri)
                         : llvm::Expected<llvm::lsp::URIForFile>(
                               llvm::createStringError("no uri"));
    if (!parsedURI) {
      transport.replyError(id, InvalidParams,
                           llvm::toString(parsedURI.takeError()));
      return;
    }
    auto text = convertFromBytecode(parsedURI->file());
    if (!text)
      transport.replyError(id, InternalError, llvm::toString(text.takeError()));
    else
      transport.reply(id, llvm::json::Object{{"output", *text}});
    return;
  }
  if (method == "$/memoryUsage") {
    std::ifstream status("/proc/self/status");
    std::string line;
    int64_t rss = 0, peak = 0;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0)
        rss = std::stoll(line.substr(6)) * 1024;
      if (line.rfind("VmHWM:", 0) == 0)
        peak = std::stoll(line.substr(6)) * 1024;
    }
    size_t open;
    {
      std::lock_guard<std::mutex> lock(documentsMutex);
      open = documents.size();
    }
    transport.reply(id, llvm::json::Object{{"rssBytes", rss},
                                           {"peakRssBytes", peak},
                                           {"openDocuments", open}});
    return;
  }
  if (method == "textDocument/semanticTokens/full") {
    documentRequest([](MLIRDocument &document) {
      llvm::json::Array data;
      for (int value : document.semanticTokens())
        data.push_back(value);
      return Value(llvm::json::Object{{"data", std::move(data)}});
    });
    return;
  }
  if (method == "textDocument/foldingRange") {
    documentRequest([](MLIRDocument &document) {
      llvm::json::Array ranges;
      for (const auto &range : document.foldingRanges()) {
        llvm::json::Object object{{"startLine", range.startLine},
                                  {"endLine", range.endLine}};
        if (!range.kind.empty())
          object["kind"] = range.kind;
        ranges.push_back(std::move(object));
      }
      return Value(std::move(ranges));
    });
    return;
  }
  if (method == "textDocument/rename") {
    auto parsed =
        parseParams<llvm::lsp::TextDocumentPositionParams>(params, method);
    const llvm::json::Object *object = params.getAsObject();
    std::optional<llvm::StringRef> newName =
        object ? object->getString("newName") : std::nullopt;
    if (!parsed || !newName) {
      if (!parsed)
        llvm::consumeError(parsed.takeError());
      transport.replyError(id, InvalidParams,
                           "rename needs textDocument, position and newName");
      return;
    }
    std::string uri = parsed->textDocument.uri.uri().str();
    llvm::lsp::Position position = parsed->position;
    std::string name = newName->str();
    postDocumentRequest(
        id, uri,
        [uri, position, name](MLIRDocument &document) -> llvm::Expected<Value> {
          auto edits = document.rename(position, name);
          if (!edits)
            return llvm::make_error<llvm::lsp::LSPError>(
                llvm::toString(edits.takeError()),
                llvm::lsp::ErrorCode::InvalidParams);
          llvm::json::Array array;
          for (const llvm::lsp::TextEdit &edit : *edits)
            array.push_back(own(toJSON(edit)));
          return Value(llvm::json::Object{
              {"changes", llvm::json::Object{{uri, std::move(array)}}}});
        });
    return;
  }
  if (method == "textDocument/signatureHelp") {
    positionRequest([](MLIRDocument &document, const llvm::lsp::Position &p) {
      std::optional<llvm::lsp::SignatureHelp> help = document.signatureHelp(p);
      return help ? own(toJSON(*help)) : Value(nullptr);
    });
    return;
  }
  if (method == "textDocument/completion") {
    positionRequest([](MLIRDocument &document, const llvm::lsp::Position &p) {
      return own(toJSON(document.completion(p)));
    });
    return;
  }
  if (method == "textDocument/definition") {
    positionRequest([](MLIRDocument &document, const llvm::lsp::Position &p) {
      return toJSONArray(document.definition(p));
    });
    return;
  }
  if (method == "textDocument/references") {
    auto parsed = parseParams<llvm::lsp::ReferenceParams>(params, method);
    if (!parsed) {
      transport.replyError(id, InvalidParams,
                           llvm::toString(parsed.takeError()));
      return;
    }
    llvm::lsp::Position position = parsed->position;
    bool includeDeclaration = parsed->context.includeDeclaration;
    postDocumentRequest(
        id, parsed->textDocument.uri.uri().str(), [=](MLIRDocument &document) {
          return toJSONArray(document.references(position, includeDeclaration));
        });
    return;
  }
  if (method == "textDocument/documentSymbol") {
    documentRequest([](MLIRDocument &document) {
      llvm::json::Array symbols;
      for (auto &symbol : document.documentSymbols())
        symbols.push_back(own(toJSON(symbol)));
      return Value(std::move(symbols));
    });
    return;
  }
  if (method == "tessera/compile") {
    handleCompileRequest(id, params);
    return;
  }
  if (method == "tessera/passes" || method == "tessera/irAfterPass" ||
      method == "tessera/dispatches") {
    handlePassRequest(method, id, params);
    return;
  }
  transport.replyError(id, MethodNotFound, "no method " + method.str());
}

void Server::handleCompileRequest(const Value &id, const Value &params) {
  const llvm::json::Object *object = params.getAsObject();
  const llvm::json::Object *textDocument =
      object ? object->getObject("textDocument") : nullptr;
  std::optional<llvm::StringRef> uri =
      textDocument ? textDocument->getString("uri") : std::nullopt;
  std::optional<llvm::StringRef> output =
      object ? object->getString("output") : std::nullopt;
  if (!uri || !output) {
    transport.replyError(id, InvalidParams,
                         "tessera/compile needs textDocument.uri and output");
    return;
  }
  auto parsedURI = llvm::lsp::URIForFile::fromURI(*uri);
  if (!parsedURI) {
    transport.replyError(id, InvalidParams,
                         llvm::toString(parsedURI.takeError()));
    return;
  }
  PipelineConfig pipelineConfig = configFor(parsedURI->file());
  if (llvm::Error error = applyPipelineConfig(*object, pipelineConfig)) {
    transport.replyError(id, InvalidParams, llvm::toString(std::move(error)));
    return;
  }
  std::string text;
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    auto it = documents.find(*uri);
    if (it == documents.end()) {
      transport.replyError(id, InvalidParams,
                           "no open document with the uri " + uri->str());
      return;
    }
    text = it->second.text;
  }
  // A relative output goes next to the document.
  llvm::SmallString<256> path(*output);
  if (!llvm::sys::path::is_absolute(path)) {
    path = llvm::sys::path::parent_path(parsedURI->file());
    llvm::sys::path::append(path, *output);
  }
  std::optional<Value> token;
  if (const Value *given = object->get("workDoneToken"))
    token = *given;
  std::string key = beginRequest(id);
  passRequests.runInBackground(
      [this, id, key, token, text, file = parsedURI->file().str(),
       path = path.str().str(), pipelineConfig] {
        auto progress = [&](llvm::json::Object value) {
          if (token)
            transport.notify("$/progress",
                             llvm::json::Object{{"token", *token},
                                                {"value", std::move(value)}});
        };
        progress(llvm::json::Object{
            {"kind", "begin"},
            {"title", "Compiling " + llvm::sys::path::filename(file).str()},
            {"percentage", 0}});
        std::atomic<bool> cancelled{false};
        mlir::tessera::CompileSession session;
        mlir::tessera::CompileOptions options;
        options.targets = pipelineConfig.targets;
        options.buildModule = true;
        options.captureIR = false;
        options.cancel = &cancelled;
        const auto &phases = mlir::tessera::getAllPhases();
        options.afterPhase = [&](mlir::tessera::Phase phase, mlir::ModuleOp) {
          {
            std::lock_guard<std::mutex> lock(requestsMutex);
            if (cancelledRequests.contains(key))
              cancelled = true;
          }
          size_t done = llvm::find(phases, phase) - phases.begin() + 1;
          progress(llvm::json::Object{
              {"kind", "report"},
              {"message", mlir::tessera::getPhaseName(phase).str()},
              {"percentage",
               static_cast<int64_t>(done * 100 / phases.size())}});
        };
        bool ok = mlir::succeeded(session.loadBuffer(text, file)) &&
                  mlir::succeeded(session.compile(options));
        if (finishRequest(key)) {
          progress(
              llvm::json::Object{{"kind", "end"}, {"message", "cancelled"}});
          transport.replyError(id, RequestCancelled,
                               "the request was cancelled");
          return;
        }
        llvm::json::Array diagnostics;
        for (const mlir::tessera::Diagnostic &diag : session.getDiagnostics())
          diagnostics.push_back(llvm::json::Object{{"message", diag.format()},
                                                   {"phase", diag.phase},
                                                   {"pass", diag.pass}});
        if (ok) {
          if (llvm::Error error = mlir::tessera::writeFileAtomically(
                  path, session.getModuleBytes())) {
            ok = false;
            diagnostics.push_back(llvm::json::Object{
                {"message", llvm::toString(std::move(error))}});
          }
        }
        progress(llvm::json::Object{
            {"kind", "end"},
            {"message", ok ? "wrote " + path : std::string("failed")}});
        llvm::json::Object result{{"ok", ok},
                                  {"diagnostics", std::move(diagnostics)}};
        if (ok) {
          result["output"] = path;
          result["bytes"] =
              static_cast<int64_t>(session.getModuleBytes().size());
        }
        transport.reply(id, std::move(result));
      },
      crashReply(id, key));
}

std::function<void()> Server::crashReply(const Value &id,
                                         const std::string &key) {
  return [this, id, key] {
    log(LogLevel::Error, "a compile for a request crashed");
    finishRequest(key);
    transport.replyError(id, InternalError,
                         "the compiler crashed, a Tessera bug; the server goes "
                         "on");
  };
}

std::string Server::beginRequest(const Value &id) {
  std::string key = idKey(id);
  std::lock_guard<std::mutex> lock(requestsMutex);
  pendingRequests.insert(key);
  return key;
}

bool Server::finishRequest(const std::string &key) {
  std::lock_guard<std::mutex> lock(requestsMutex);
  pendingRequests.erase(key);
  return cancelledRequests.erase(key);
}

void Server::handlePassRequest(llvm::StringRef method, const Value &id,
                               const Value &params) {
  const llvm::json::Object *object = params.getAsObject();
  const llvm::json::Object *textDocument =
      object ? object->getObject("textDocument") : nullptr;
  std::optional<llvm::StringRef> uri =
      textDocument ? textDocument->getString("uri") : std::nullopt;
  if (!uri) {
    transport.replyError(id, InvalidParams,
                         method.str() + " needs textDocument.uri");
    return;
  }
  auto parsedURI = llvm::lsp::URIForFile::fromURI(*uri);
  if (!parsedURI) {
    transport.replyError(id, InvalidParams,
                         llvm::toString(parsedURI.takeError()));
    return;
  }
  PipelineConfig pipelineConfig = configFor(parsedURI->file());
  if (llvm::Error error = applyPipelineConfig(*object, pipelineConfig)) {
    transport.replyError(id, InvalidParams, llvm::toString(std::move(error)));
    return;
  }
  int64_t index = object->getInteger("index").value_or(-1);
  bool diff = object->getBoolean("diff").value_or(false);
  bool wantsDispatches = method == "tessera/dispatches";
  if (method == "tessera/irAfterPass" && !object->getInteger("index")) {
    transport.replyError(id, InvalidParams, "tessera/irAfterPass needs index");
    return;
  }
  std::string text;
  int64_t version;
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    auto it = documents.find(*uri);
    if (it == documents.end()) {
      transport.replyError(id, InvalidParams,
                           "no open document with the uri " + uri->str());
      return;
    }
    text = it->second.text;
    version = it->second.version;
  }
  std::string key = beginRequest(id);
  bool wantsPasses = method == "tessera/passes";
  passRequests.runInBackground(
      [this, id, key, uri = uri->str(), file = parsedURI->file().str(), text,
       version, pipelineConfig, index, diff, wantsPasses, wantsDispatches] {
        auto capture =
            passRequests.get(uri, version, text, file, pipelineConfig.compileTo,
                             pipelineConfig.targets);
        if (finishRequest(key)) {
          transport.replyError(id, RequestCancelled,
                               "the request was cancelled");
          return;
        }
        if (wantsPasses) {
          transport.reply(id, PassRequests::passesToJSON(*capture));
          return;
        }
        if (wantsDispatches) {
          transport.reply(id, PassRequests::dispatchesToJSON(*capture));
          return;
        }
        auto result = PassRequests::irAfterPassToJSON(*capture, index, diff);
        if (!result)
          transport.replyError(id, InvalidParams,
                               llvm::toString(result.takeError()));
        else
          transport.reply(id, std::move(*result));
      },
      crashReply(id, key));
}

void Server::handleNotification(llvm::StringRef method, const Value &params) {
  log(LogLevel::Verbose, "<-- " + method.str());
  if (method == "exit") {
    exitRequested = true;
    return;
  }
  if (method == "$/cancelRequest") {
    const llvm::json::Object *object = params.getAsObject();
    const Value *id = object ? object->get("id") : nullptr;
    if (!id)
      return;
    std::lock_guard<std::mutex> lock(requestsMutex);
    std::string key = idKey(*id);
    if (pendingRequests.contains(key))
      cancelledRequests.insert(key);
    return;
  }
  if (!initialized)
    return;
  if (method == "workspace/didChangeConfiguration") {
    const llvm::json::Object *object = params.getAsObject();
    const llvm::json::Object *settings =
        object ? object->getObject("settings") : nullptr;
    if (settings && settings->getObject("tessera"))
      settings = settings->getObject("tessera");
    if (settings) {
      std::lock_guard<std::mutex> lock(configMutex);
      if (llvm::Error error = applyPipelineConfig(*settings, config))
        log(LogLevel::Error,
            "configuration: " + llvm::toString(std::move(error)));
    }
    return;
  }
  if (method == "textDocument/didSave") {
    auto parsed = parseParams<llvm::lsp::TextDocumentIdentifier>(
        params.getAsObject() && params.getAsObject()->get("textDocument")
            ? *params.getAsObject()->get("textDocument")
            : Value(nullptr),
        method);
    if (!parsed) {
      log(LogLevel::Error, llvm::toString(parsed.takeError()));
      return;
    }
    std::string uri = parsed->uri.uri().str();
    queue.expedite("analyze:" + uri);
    queue.post([this, uri] {
      auto it = analyses.find(uri);
      if (it != analyses.end() &&
          configFor(it->second->getURI().file()).trigger ==
              PipelineConfig::Trigger::Save)
        submitPipeline(uri);
    });
    return;
  }
  if (method == "textDocument/didOpen")
    didOpen(params);
  else if (method == "textDocument/didChange")
    didChange(params);
  else if (method == "textDocument/didClose")
    didClose(params);
  else if (method == "initialized" || method.starts_with("$/"))
    return;
  else
    log(LogLevel::Info, "ignored notification " + method.str());
}

void Server::didOpen(const Value &params) {
  auto parsed = parseNotification<llvm::lsp::DidOpenTextDocumentParams>(
      params, "didOpen");
  if (!parsed)
    return;
  std::string uri = parsed->textDocument.uri.uri().str();
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    DocumentText &document = documents[uri];
    document.text = parsed->textDocument.text;
    document.version = parsed->textDocument.version;
  }
  scheduleAnalysis(uri, /*immediately=*/true);
}

void Server::didChange(const Value &params) {
  auto parsed = parseNotification<llvm::lsp::DidChangeTextDocumentParams>(
      params, "didChange");
  if (!parsed)
    return;
  std::string uri = parsed->textDocument.uri.uri().str();
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    auto it = documents.find(uri);
    if (it == documents.end()) {
      log(LogLevel::Error, "didChange for a document that is not open: " + uri);
      return;
    }
    DocumentText &document = it->second;
    if (parsed->textDocument.version <= document.version) {
      log(LogLevel::Error, "didChange of " + uri + " to version " +
                               std::to_string(parsed->textDocument.version) +
                               ", not after the current " +
                               std::to_string(document.version) + "; ignored");
      return;
    }
    // The ranges are read from the JSON itself: llvm::lsp's parse keeps
    // them in ints (line 2^40 wraps to 0) and its apply reads -1 as the
    // start of the line.
    std::string text = document.text;
    const llvm::json::Object *object = params.getAsObject();
    const llvm::json::Array *changes =
        object ? object->getArray("contentChanges") : nullptr;
    if (!changes) {
      log(LogLevel::Error, "didChange of " + uri + " without contentChanges");
      return;
    }
    if (llvm::Error error = applyContentChanges(text, *changes)) {
      log(LogLevel::Error, "an edit of " + uri + " to version " +
                               std::to_string(parsed->textDocument.version) +
                               " does not fit the document (" +
                               llvm::toString(std::move(error)) + "); ignored");
      return;
    }
    document.text = std::move(text);
    document.version = parsed->textDocument.version;
  }
  scheduleAnalysis(uri, /*immediately=*/false);
}

void Server::didClose(const Value &params) {
  auto parsed = parseNotification<llvm::lsp::DidCloseTextDocumentParams>(
      params, "didClose");
  if (!parsed)
    return;
  std::string uri = parsed->textDocument.uri.uri().str();
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    documents.erase(uri);
  }
  pipeline->cancel(uri);
  passRequests.forget(uri);
  // Supersedes a pending analysis; clears the diagnostics.
  queue.post(
      [this, uri] {
        analyses.erase(uri);
        pipelineResults.erase(uri);
        transport.notify(
            "textDocument/publishDiagnostics",
            llvm::json::Object{{"uri", uri},
                               {"diagnostics", llvm::json::Array()}});
      },
      "analyze:" + uri);
}

void Server::scheduleAnalysis(const std::string &uri, bool immediately) {
  std::string text;
  int64_t version;
  std::chrono::milliseconds delay{0};
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    const DocumentText &document = documents[uri];
    text = document.text;
    version = document.version;
    // Adaptive: about as long as the last analysis took, within bounds.
    delay = std::clamp(document.lastAnalysis * 2, options.minDebounce,
                       options.maxDebounce);
  }
  auto notBefore = immediately ? WorkQueue::Clock::time_point()
                               : WorkQueue::Clock::now() + delay;
  queue.post([this, uri, text = std::move(text),
              version]() mutable { analyze(uri, std::move(text), version); },
             "analyze:" + uri, notBefore);
}

void Server::analyze(const std::string &uri, std::string text,
                     int64_t version) {
  auto parsedURI = llvm::lsp::URIForFile::fromURI(uri);
  if (!parsedURI) {
    log(LogLevel::Error,
        "cannot analyse " + uri + ": " + llvm::toString(parsedURI.takeError()));
    return;
  }
  auto start = std::chrono::steady_clock::now();
  std::shared_ptr<MLIRDocument> previous = analyses.lookup(uri);
  std::shared_ptr<MLIRDocument> document;
  // A crash in the analysis (a bug; it runs in the server, which must hold
  // what it found) costs this version: what the crashed analysis held is
  // leaked, the last good analysis keeps serving.
  llvm::CrashRecoveryContext recovery;
  bool survived = recovery.RunSafely([&] {
    // An edit inside one function: its diagnostics first, from that
    // function alone; the full analysis follows and publishes again.
    if (previous)
      if (auto quick = previous->diagnoseEditedFunction(registry, text)) {
        llvm::json::Array list;
        for (const llvm::lsp::Diagnostic &diagnostic : *quick)
          list.push_back(own(toJSON(diagnostic)));
        transport.notify("textDocument/publishDiagnostics",
                         llvm::json::Object{{"uri", uri},
                                            {"version", version},
                                            {"diagnostics", std::move(list)}});
      }
    document = std::make_shared<MLIRDocument>(
        registry, *parsedURI, text, version, previous, std::move(spareContext));
  });
  if (!survived) {
    log(LogLevel::Error, "the analysis of " + uri + " version " +
                             std::to_string(version) + " crashed");
    llvm::lsp::Diagnostic crash;
    crash.severity = llvm::lsp::DiagnosticSeverity::Error;
    crash.source = "tessera";
    crash.category = "analysis";
    crash.message = "the analysis crashed, a Tessera bug; the server goes on "
                    "(`tessera-lsp --check FILE` reproduces it)";
    transport.notify(
        "textDocument/publishDiagnostics",
        llvm::json::Object{{"uri", uri},
                           {"version", version},
                           {"diagnostics", llvm::json::Array{toJSON(crash)}}});
    return;
  }
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  {
    std::lock_guard<std::mutex> lock(documentsMutex);
    auto it = documents.find(uri);
    if (it == documents.end())
      return; // Closed meanwhile.
    it->second.lastAnalysis = elapsed;
  }
  analyses[uri] = document;
  publish(uri);
  // The next version's context, after what is urgent: loading dialects is
  // most of a small file's analysis; a large file's needs no head start
  // and its peak memory no extra context.
  if (document->getText().size() < (1u << 20))
    queue.post([this, dialects = document->getLoadedDialects()] {
      prepareSpareContext(dialects);
    });
  if (configFor(parsedURI->file()).trigger == PipelineConfig::Trigger::Idle)
    submitPipeline(uri);
}

void Server::prepareSpareContext(std::vector<std::string> dialects) {
  if (!spareContext)
    spareContext = MLIRDocument::prepareContext(registry, dialects);
}

void Server::submitPipeline(const std::string &uri) {
  auto it = analyses.find(uri);
  if (it == analyses.end())
    return;
  MLIRDocument &document = *it->second;
  PipelineJob job;
  job.uri = uri;
  job.file = document.getURI().file().str();
  job.version = document.getVersion();
  job.chunks = document.getCleanChunks();
  job.config = configFor(job.file);
  job.documentText = document.getText().str();
  if (job.chunks.empty() || job.config.trigger == PipelineConfig::Trigger::Off)
    return;
  pipeline->submit(std::move(job));
}

void Server::publish(const std::string &uri) {
  auto it = analyses.find(uri);
  if (it == analyses.end())
    return;
  MLIRDocument &document = *it->second;
  llvm::json::Array diagnostics;
  for (const llvm::lsp::Diagnostic &diagnostic : document.getDiagnostics())
    diagnostics.push_back(own(toJSON(diagnostic)));
  auto result = pipelineResults.find(uri);
  if (result != pipelineResults.end() &&
      result->second.version == document.getVersion())
    for (const llvm::lsp::Diagnostic &diagnostic : result->second.diagnostics)
      diagnostics.push_back(own(toJSON(diagnostic)));
  transport.notify("textDocument/publishDiagnostics",
                   llvm::json::Object{{"uri", uri},
                                      {"version", document.getVersion()},
                                      {"diagnostics", std::move(diagnostics)}});
}

void Server::postWorkerRequest(const Value &id,
                               std::function<llvm::Expected<Value>()> answer,
                               const std::string &expediteURI) {
  std::string key = beginRequest(id);
  if (!expediteURI.empty())
    queue.expedite("analyze:" + expediteURI);
  queue.post([this, id, key, answer = std::move(answer)] {
    if (finishRequest(key)) {
      transport.replyError(id, RequestCancelled, "the request was cancelled");
      return;
    }
    llvm::Expected<Value> result = answer();
    if (result) {
      transport.reply(id, std::move(*result));
      return;
    }
    int code = InternalError;
    std::string message;
    llvm::handleAllErrors(
        result.takeError(),
        [&](const llvm::lsp::LSPError &error) {
          code = static_cast<int>(error.code);
          message = error.message;
        },
        [&](const llvm::ErrorInfoBase &error) { message = error.message(); });
    transport.replyError(id, code, message);
  });
}

void Server::postDocumentRequest(
    const Value &id, const std::string &uri,
    std::function<llvm::Expected<Value>(MLIRDocument &)> answer) {
  postWorkerRequest(
      id,
      [this, uri, answer = std::move(answer)]() -> llvm::Expected<Value> {
        auto it = analyses.find(uri);
        if (it == analyses.end())
          return llvm::make_error<llvm::lsp::LSPError>(
              "no open document with the uri " + uri,
              llvm::lsp::ErrorCode::InvalidParams);
        return answer(*it->second);
      },
      uri);
}

} // namespace tessera::lsp
