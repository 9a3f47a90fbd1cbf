//===- Server.cpp - The tessera-lsp protocol layer ------------------------===//

#include "Server.h"

#include "CodeActions.h"
#include "Commands.h"
#include "DocumentAnalyses.h"
#include "DocumentRequest.h"
#include "Logging.h"
#include "MLIRDocument.h"
#include "MemoryUsage.h"
#include "OwnedJSON.h"
#include "WorkspaceSymbols.h"

#include "Pipeline/CompileSession.h"
#include "Pipeline/LargeStack.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Base64.h"
#include "llvm/Support/Path.h"

namespace tessera::lsp {

using llvm::json::Value;

namespace {

/// Whether `position` can be in a document (the JSON reads any int).
bool isValidPosition(const llvm::lsp::Position &position) {
  return position.line >= 0 && position.character >= 0;
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

/// The `uri` member of a params object, or of its `textDocument`.
std::optional<std::string> documentURI(const Value &params) {
  const llvm::json::Object *object = params.getAsObject();
  if (!object)
    return std::nullopt;
  if (const llvm::json::Object *textDocument =
          object->getObject("textDocument"))
    object = textDocument;
  if (auto uri = object->getString("uri"))
    return uri->str();
  return std::nullopt;
}

/// What the server offers; `serverCommands`: executeCommandProvider, left
/// out for a client with its own commands (vscode-languageclient registers
/// every advertised command once per client, and the extension runs a
/// client per workspace folder: a second registration fails).
llvm::json::Object capabilities(bool serverCommands) {
  llvm::json::Object result{
      {"textDocumentSync", llvm::json::Object{{"openClose", true},
                                              {"change", 2}, // incremental
                                              {"save", true}}},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"codeLensProvider", llvm::json::Object{{"resolveProvider", false}}},
      {"documentLinkProvider", llvm::json::Object{{"resolveProvider", false}}},
      {"codeActionProvider", true},
      {"inlayHintProvider", true},
      {"workspaceSymbolProvider", true},
      {"documentFormattingProvider", true},
      {"signatureHelpProvider",
       llvm::json::Object{{"triggerCharacters", llvm::json::Array{" ", ","}}}},
      {"semanticTokensProvider",
       llvm::json::Object{
           {"legend",
            llvm::json::Object{
                {"tokenTypes",
                 llvm::json::Array(MLIRDocument::getSemanticTokenTypes())},
                {"tokenModifiers", llvm::json::Array{"declaration"}}}},
           {"full", true}}},
      {"renameProvider", true},
      {"completionProvider",
       llvm::json::Object{{"triggerCharacters",
                           llvm::json::Array{".", "%", "^", "!", "#", "@", "(",
                                             ",", "<", ":", "[", " "}}}},
      {"experimental",
       llvm::json::Object{
           {"tesseraRequests",
            llvm::json::Array{"tessera/passes", "tessera/irAfterPass",
                              "tessera/dispatches"}}}},
  };
  if (serverCommands)
    result["executeCommandProvider"] = llvm::json::Object{
        {"commands", llvm::json::Array{kCompileCommand, kShowPassesCommand}}};
  return result;
}

} // namespace

template <typename Params>
void Server::bind(llvm::StringRef method,
                  void (Server::*handler)(const Params &, Reply)) {
  requestHandlers[method] = [this, handler, name = method.str()](
                                const Value &params, Reply reply) {
    // Params a handler reads itself.
    if constexpr (std::is_same_v<Params, Value>) {
      (this->*handler)(params, std::move(reply));
    } else {
      Params parsed;
      llvm::json::Path::Root root;
      if (!fromJSON(params, parsed, root))
        return reply.error(InvalidParams, "invalid params for " + name + ": " +
                                              llvm::toString(root.getError()));
      (this->*handler)(parsed, std::move(reply));
    }
  };
}

template <typename Params>
void Server::bind(llvm::StringRef method,
                  void (Server::*handler)(const Params &)) {
  notificationHandlers[method] = [this, handler,
                                  name = method.str()](const Value &params) {
    if constexpr (std::is_same_v<Params, Value>) {
      (this->*handler)(params);
    } else {
      Params parsed;
      llvm::json::Path::Root root;
      if (!fromJSON(params, parsed, root)) {
        // A notification has no reply to carry the error.
        log(LogLevel::Error, "invalid params for " + name + ": " +
                                 llvm::toString(root.getError()));
        return;
      }
      (this->*handler)(parsed);
    }
  };
}

Server::Server(Transport &transport, ServerOptions options)
    : transport(transport), scheduler(transport, settings, options) {
  bind("initialize", &Server::onInitialize);
  bind("shutdown", &Server::onShutdown);
  bind("exit", &Server::onExit);
  bind("$/cancelRequest", &Server::onCancelRequest);
  bind("initialized", &Server::onInitialized);
  bind("workspace/didChangeConfiguration", &Server::onDidChangeConfiguration);

  bind("textDocument/didOpen", &Server::onDidOpen);
  bind("textDocument/didChange", &Server::onDidChange);
  bind("textDocument/didSave", &Server::onDidSave);
  bind("textDocument/didClose", &Server::onDidClose);

  bind("textDocument/hover", &Server::onHover);
  bind("textDocument/definition", &Server::onDefinition);
  bind("textDocument/references", &Server::onReferences);
  bind("textDocument/completion", &Server::onCompletion);
  bind("textDocument/signatureHelp", &Server::onSignatureHelp);
  bind("textDocument/rename", &Server::onRename);
  bind("textDocument/documentSymbol", &Server::onDocumentSymbol);
  bind("textDocument/foldingRange", &Server::onFoldingRange);
  bind("textDocument/semanticTokens/full", &Server::onSemanticTokens);
  bind("textDocument/formatting", &Server::onFormatting);
  bind("textDocument/codeLens", &Server::onCodeLens);
  bind("textDocument/documentLink", &Server::onDocumentLink);
  bind("textDocument/codeAction", &Server::onCodeAction);
  bind("textDocument/inlayHint", &Server::onInlayHint);
  bind("workspace/symbol", &Server::onWorkspaceSymbol);
  bind("workspace/executeCommand", &Server::onExecuteCommand);
  bind("mlir/convertToBytecode", &Server::onToBytecode);
  bind("mlir/convertFromBytecode", &Server::onFromBytecode);
  bind("$/memoryUsage", &Server::onMemoryUsage);

  bind("tessera/compile", &Server::onCompile);
  for (const char *method :
       {"tessera/passes", "tessera/irAfterPass", "tessera/dispatches"})
    requestHandlers[method] = [this, method](const Value &params, Reply reply) {
      onPassRequest(method, params, std::move(reply));
    };
}

Server::~Server() = default;

int Server::run() {
  std::string message;
  while (transport.read(message)) {
    handle(message);
    if (exitRequested)
      break;
  }
  scheduler.drain();
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
  if (!object) {
    // LSP has no batches; anything but an object is no message.
    log(LogLevel::Error, "a message that is not a JSON object: " + text);
    transport.replyError(nullptr, InvalidRequest,
                         "a message must be a JSON object");
    return;
  }
  const Value *methodValue = object->get("method");
  const Value *id = object->get("id");
  if (!methodValue) {
    // A reply to a request of ours (a refresh), or nonsense.
    if (!id)
      log(LogLevel::Error, "a message without method or id: " + text);
    return;
  }
  std::optional<llvm::StringRef> method = methodValue->getAsString();
  bool validId =
      id && (id->getAsString() || id->getAsInteger() || id->getAsNumber());
  if (id && (!validId || !method)) {
    transport.replyError(validId ? *id : Value(nullptr), InvalidRequest,
                         !validId ? "a request id must be a string or a number"
                                  : "the method must be a string");
    return;
  }
  if (!method) {
    log(LogLevel::Error, "a notification whose method is no string: " + text);
    return;
  }
  Value params = nullptr;
  if (const Value *given = object->get("params"))
    params = *given;

  if (!id) {
    log(LogLevel::Verbose, "<-- " + method->str());
    // Before initialize only exit and cancellations count.
    if (!initialized && *method != "exit" && *method != "$/cancelRequest")
      return;
    auto handler = notificationHandlers.find(*method);
    if (handler != notificationHandlers.end())
      handler->second(params);
    else if (!method->starts_with("$/"))
      log(LogLevel::Info, "ignored notification " + method->str());
    return;
  }

  log(LogLevel::Verbose,
      "<-- " + method->str() + "(" + RequestTracker::keyOf(*id) + ")");
  Reply reply(transport, requests, *id);
  if (!initialized && *method != "initialize")
    return reply.error(ServerNotInitialized, "the server is not initialized");
  if (shutdownRequested)
    return reply.error(InvalidRequest, "the server is shutting down");
  auto handler = requestHandlers.find(*method);
  if (handler == requestHandlers.end())
    return reply.error(MethodNotFound, "no method " + method->str());
  handler->second(params, std::move(reply));
}

//===----------------------------------------------------------------------===//
// Lifetime
//===----------------------------------------------------------------------===//

void Server::onInitialize(const Value &params, Reply reply) {
  initialized = true;
  // The first document's context, while the client is still setting up.
  scheduler.warmUp();
  if (const llvm::json::Object *object = params.getAsObject()) {
    if (auto root = object->getString("rootUri")) {
      if (auto parsed = llvm::lsp::URIForFile::fromURI(*root))
        workspaceRoot = parsed->file().str();
      else
        llvm::consumeError(parsed.takeError());
    } else if (auto path = object->getString("rootPath")) {
      workspaceRoot = path->str();
    }
    if (const llvm::json::Object *options =
            object->getObject("initializationOptions"))
      settings.update(*options, "initializationOptions");
    settings.setCapabilities(ClientCapabilities::fromInitialize(*object));
  }
  reply(llvm::json::Object{
      {"serverInfo",
       llvm::json::Object{{"name", "tessera-lsp"}, {"version", "0.1"}}},
      {"capabilities",
       capabilities(!settings.getCapabilities().clientCommands)}});
}

void Server::onShutdown(const Value &, Reply reply) {
  shutdownRequested = true;
  scheduler.drain();
  reply(nullptr);
}

void Server::onExit(const Value &) { exitRequested = true; }

void Server::onCancelRequest(const Value &params) {
  const llvm::json::Object *object = params.getAsObject();
  if (const Value *id = object ? object->get("id") : nullptr)
    requests.cancel(*id);
}

void Server::onInitialized(const Value &) {}

void Server::onDidChangeConfiguration(const Value &params) {
  const llvm::json::Object *object = params.getAsObject();
  const llvm::json::Object *given =
      object ? object->getObject("settings") : nullptr;
  if (given && given->getObject("tessera"))
    given = given->getObject("tessera");
  if (given)
    settings.update(*given, "configuration");
}

//===----------------------------------------------------------------------===//
// Document sync
//===----------------------------------------------------------------------===//

void Server::onDidOpen(const llvm::lsp::DidOpenTextDocumentParams &params) {
  scheduler.opened(documents.open(params.textDocument.uri.uri(),
                                  params.textDocument.text,
                                  params.textDocument.version));
}

void Server::onDidChange(const Value &params) {
  // The ranges are read from the JSON itself (DocumentStore::change says
  // why); the rest is checked here.
  const llvm::json::Object *object = params.getAsObject();
  const llvm::json::Object *textDocument =
      object ? object->getObject("textDocument") : nullptr;
  std::optional<llvm::StringRef> uri =
      textDocument ? textDocument->getString("uri") : std::nullopt;
  std::optional<int64_t> version =
      textDocument ? textDocument->getInteger("version") : std::nullopt;
  const llvm::json::Array *changes =
      object ? object->getArray("contentChanges") : nullptr;
  if (!uri || !version || !changes) {
    log(LogLevel::Error, "didChange needs textDocument.uri, "
                         "textDocument.version and contentChanges; ignored");
    return;
  }
  auto snapshot = documents.change(*uri, *version, *changes);
  if (!snapshot) {
    log(LogLevel::Error, llvm::toString(snapshot.takeError()));
    return;
  }
  scheduler.changed(*snapshot);
}

void Server::onDidSave(const llvm::lsp::DocumentSymbolParams &params) {
  scheduler.saved(params.textDocument.uri.uri().str());
}

void Server::onDidClose(const llvm::lsp::DidCloseTextDocumentParams &params) {
  std::string uri = params.textDocument.uri.uri().str();
  documents.close(uri);
  passRequests.forget(uri);
  scheduler.closed(uri);
}

//===----------------------------------------------------------------------===//
// Features answered from a document's analysis
//===----------------------------------------------------------------------===//

void Server::answerAtPosition(
    const llvm::lsp::TextDocumentPositionParams &params,
    std::function<llvm::Expected<Value>(MLIRDocument &,
                                        const llvm::lsp::Position &)>
        answer,
    Reply reply) {
  if (!isValidPosition(params.position))
    return reply.error(InvalidParams, "a position is never negative");
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [position = params.position, answer = std::move(answer)](
          MLIRDocument &document) { return answer(document, position); },
      std::move(reply));
}

void Server::onHover(const llvm::lsp::TextDocumentPositionParams &params,
                     Reply reply) {
  answerAtPosition(
      params,
      [](MLIRDocument &document, const llvm::lsp::Position &position) {
        std::optional<llvm::lsp::Hover> hover = document.hover(position);
        return hover ? own(toJSON(*hover)) : Value(nullptr);
      },
      std::move(reply));
}

void Server::onDefinition(const llvm::lsp::TextDocumentPositionParams &params,
                          Reply reply) {
  answerAtPosition(
      params,
      [](MLIRDocument &document, const llvm::lsp::Position &position) {
        return ownedArray(document.definition(position));
      },
      std::move(reply));
}

void Server::onReferences(const llvm::lsp::ReferenceParams &params,
                          Reply reply) {
  answerAtPosition(
      params,
      [includeDeclaration = params.context.includeDeclaration](
          MLIRDocument &document, const llvm::lsp::Position &position) {
        return ownedArray(document.references(position, includeDeclaration));
      },
      std::move(reply));
}

void Server::onCompletion(const llvm::lsp::TextDocumentPositionParams &params,
                          Reply reply) {
  answerAtPosition(
      params,
      [](MLIRDocument &document, const llvm::lsp::Position &position) {
        return own(toJSON(document.completion(position)));
      },
      std::move(reply));
}

void Server::onSignatureHelp(
    const llvm::lsp::TextDocumentPositionParams &params, Reply reply) {
  answerAtPosition(
      params,
      [](MLIRDocument &document, const llvm::lsp::Position &position) {
        std::optional<llvm::lsp::SignatureHelp> help =
            document.signatureHelp(position);
        return help ? own(toJSON(*help)) : Value(nullptr);
      },
      std::move(reply));
}

void Server::onRename(const Value &params, Reply reply) {
  llvm::lsp::TextDocumentPositionParams parsed;
  llvm::json::Path::Root root;
  const llvm::json::Object *object = params.getAsObject();
  std::optional<llvm::StringRef> newName =
      object ? object->getString("newName") : std::nullopt;
  if (!fromJSON(params, parsed, root) || !newName ||
      !isValidPosition(parsed.position))
    return reply.error(InvalidParams,
                       "rename needs textDocument, position and newName");
  std::string uri = parsed.textDocument.uri.uri().str();
  scheduler.runOnDocument(
      uri,
      [uri, position = parsed.position,
       name = newName->str()](MLIRDocument &document) -> llvm::Expected<Value> {
        auto edits = document.rename(position, name);
        if (!edits)
          return makeLSPError(InvalidParams, llvm::toString(edits.takeError()));
        return Value(llvm::json::Object{
            {"changes", llvm::json::Object{{uri, ownedArray(*edits)}}}});
      },
      std::move(reply));
}

void Server::onDocumentSymbol(const llvm::lsp::DocumentSymbolParams &params,
                              Reply reply) {
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [](MLIRDocument &document) {
        return ownedArray(document.documentSymbols());
      },
      std::move(reply));
}

void Server::onFoldingRange(const llvm::lsp::DocumentSymbolParams &params,
                            Reply reply) {
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [](MLIRDocument &document) {
        llvm::json::Array ranges;
        for (const auto &range : document.foldingRanges()) {
          llvm::json::Object object{{"startLine", range.startLine},
                                    {"endLine", range.endLine}};
          if (!range.kind.empty())
            object["kind"] = range.kind;
          ranges.push_back(std::move(object));
        }
        return Value(std::move(ranges));
      },
      std::move(reply));
}

void Server::onSemanticTokens(const llvm::lsp::DocumentSymbolParams &params,
                              Reply reply) {
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [](MLIRDocument &document) {
        llvm::json::Array data;
        for (int value : document.semanticTokens())
          data.push_back(value);
        return Value(llvm::json::Object{{"data", std::move(data)}});
      },
      std::move(reply));
}

void Server::onFormatting(const llvm::lsp::DocumentSymbolParams &params,
                          Reply reply) {
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [](MLIRDocument &document) -> llvm::Expected<Value> {
        auto formatted = document.format();
        if (!formatted)
          // RequestFailed, with the reason for the user.
          return makeLSPError(
              static_cast<int>(llvm::lsp::ErrorCode::RequestFailed),
              llvm::toString(formatted.takeError()));
        int lines = std::count(document.getText().begin(),
                               document.getText().end(), '\n') +
                    1;
        llvm::lsp::Range whole(llvm::lsp::Position(0, 0),
                               llvm::lsp::Position(lines, 0));
        return Value(llvm::json::Array{llvm::json::Object{
            {"range", own(toJSON(whole))}, {"newText", *formatted}}});
      },
      std::move(reply));
}

void Server::onCodeLens(const llvm::lsp::DocumentSymbolParams &params,
                        Reply reply) {
  bool clientCommands = settings.getCapabilities().clientCommands;
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [clientCommands](MLIRDocument &document) {
        llvm::json::Array lenses;
        for (const auto &lens : document.codeLenses(clientCommands)) {
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
      },
      std::move(reply));
}

void Server::onDocumentLink(const llvm::lsp::DocumentSymbolParams &params,
                            Reply reply) {
  scheduler.runOnDocument(
      params.textDocument.uri.uri().str(),
      [root = workspaceRoot](MLIRDocument &document) {
        llvm::json::Array links;
        for (const auto &[range, target] : document.documentLinks(root))
          links.push_back(llvm::json::Object{{"range", own(toJSON(range))},
                                             {"target", target}});
        return Value(std::move(links));
      },
      std::move(reply));
}

void Server::onCodeAction(const Value &params, Reply reply) {
  const llvm::json::Object *object = params.getAsObject();
  const llvm::json::Object *context =
      object ? object->getObject("context") : nullptr;
  const llvm::json::Array *diagnostics =
      context ? context->getArray("diagnostics") : nullptr;
  std::optional<std::string> uri = documentURI(params);
  if (!uri)
    return reply.error(InvalidParams, "codeAction needs textDocument.uri");
  // The checks of the diagnostics that parse (an editor may send kinds of
  // its own); none: no action, once the document is known to be open.
  std::vector<DiagnosticCheck> checks = diagnostics
                                            ? checksForDiagnostics(*diagnostics)
                                            : std::vector<DiagnosticCheck>();
  scheduler.runOnDocument(
      *uri,
      [uri = *uri, checks](MLIRDocument &document) -> Value {
        if (checks.empty())
          return llvm::json::Array();
        return expectedDiagnosticsAction(document, uri, checks);
      },
      std::move(reply));
}

void Server::onInlayHint(const llvm::lsp::DocumentSymbolParams &params,
                         Reply reply) {
  scheduler.inlayHints(params.textDocument.uri.uri().str(), std::move(reply));
}

void Server::onWorkspaceSymbol(const Value &params, Reply reply) {
  const llvm::json::Object *object = params.getAsObject();
  const Value *given = object ? object->get("query") : nullptr;
  if (!object || (given && !given->getAsString()))
    return reply.error(InvalidParams,
                       "workspace/symbol needs params {query: string}");
  std::string query = given ? given->getAsString()->str() : "";
  scheduler.runOnAnalyses(
      [query, root = workspaceRoot](DocumentAnalyses &analyses) {
        return workspaceSymbols(query, root, analyses);
      },
      std::move(reply));
}

void Server::onToBytecode(const Value &params, Reply reply) {
  std::optional<std::string> uri = documentURI(params);
  if (!uri)
    return reply.error(InvalidParams, "convertToBytecode needs uri");
  scheduler.runOnDocument(
      *uri,
      [](MLIRDocument &document) -> llvm::Expected<Value> {
        auto bytes = document.toBytecode();
        if (!bytes)
          return bytes.takeError();
        return Value(
            llvm::json::Object{{"output", llvm::encodeBase64(*bytes)}});
      },
      std::move(reply));
}

void Server::onFromBytecode(const Value &params, Reply reply) {
  std::optional<std::string> uri = documentURI(params);
  auto parsedURI = uri ? llvm::lsp::URIForFile::fromURI(*uri)
                       : llvm::Expected<llvm::lsp::URIForFile>(
                             llvm::createStringError("no uri"));
  if (!parsedURI)
    return reply.error(InvalidParams, llvm::toString(parsedURI.takeError()));
  auto text = convertFromBytecode(parsedURI->file());
  if (!text)
    return reply.error(InternalError, llvm::toString(text.takeError()));
  reply(llvm::json::Object{{"output", *text}});
}

void Server::onMemoryUsage(const Value &, Reply reply) {
  reply(memoryUsage(documents.size()));
}

//===----------------------------------------------------------------------===//
// Compiles
//===----------------------------------------------------------------------===//

void Server::runInBackground(std::function<void()> task, Reply reply) {
  passRequests.runInBackground(std::move(task), [reply] {
    log(LogLevel::Error, "a compile for a request crashed");
    reply.error(InternalError,
                "the compiler crashed, a Tessera bug; the server goes on");
  });
}

void Server::onCompile(const Value &params, Reply reply) {
  const llvm::json::Object *object = params.getAsObject();
  std::optional<std::string> uri = documentURI(params);
  std::optional<llvm::StringRef> output =
      object ? object->getString("output") : std::nullopt;
  if (!uri || !output)
    return reply.error(InvalidParams,
                       "tessera/compile needs textDocument.uri and output");
  auto request = prepareDocumentRequest(*uri, object, documents, settings);
  if (!request)
    return reply(request.takeError());
  // A relative output goes next to the document.
  llvm::SmallString<256> path(*output);
  if (!llvm::sys::path::is_absolute(path)) {
    path = llvm::sys::path::parent_path(request->file);
    llvm::sys::path::append(path, *output);
  }
  std::optional<Value> token;
  if (const Value *given = object->get("workDoneToken"))
    token = *given;
  runInBackground(
      [this, reply, token, request = std::move(*request),
       path = path.str().str()] {
        auto progress = [&](llvm::json::Object value) {
          if (token)
            transport.notify("$/progress",
                             llvm::json::Object{{"token", *token},
                                                {"value", std::move(value)}});
        };
        reply(Value(compileDocument(request, path, progress,
                                    [&] { return reply.isCancelled(); })));
      },
      reply);
}

void Server::onPassRequest(llvm::StringRef method, const Value &params,
                           Reply reply) {
  const llvm::json::Object *object = params.getAsObject();
  std::optional<std::string> uri = documentURI(params);
  if (!uri)
    return reply.error(InvalidParams, method.str() + " needs textDocument.uri");
  if (method == "tessera/irAfterPass" && !object->getInteger("index"))
    return reply.error(InvalidParams, "tessera/irAfterPass needs index");
  if (const Value *diff = object->get("diff"); diff && !diff->getAsBoolean())
    return reply.error(InvalidParams, "diff must be true or false");
  auto request = prepareDocumentRequest(*uri, object, documents, settings);
  if (!request)
    return reply(request.takeError());
  int64_t index = object->getInteger("index").value_or(-1);
  bool diff = object->getBoolean("diff").value_or(false);
  runInBackground(
      [this, reply, method = method.str(), request = std::move(*request), index,
       diff]() -> void {
        auto capture =
            passRequests.get(request.snapshot.uri, request.snapshot.version,
                             *request.snapshot.text, request.file,
                             request.config.compileTo, request.config.targets);
        if (reply.isCancelled())
          return reply(nullptr);
        if (method == "tessera/passes")
          return reply(PassRequests::passesToJSON(*capture));
        if (method == "tessera/dispatches")
          return reply(PassRequests::dispatchesToJSON(*capture));
        auto result = PassRequests::irAfterPassToJSON(*capture, index, diff);
        if (!result)
          return reply.error(InvalidParams, llvm::toString(result.takeError()));
        reply(std::move(*result));
      },
      reply);
}

void Server::onExecuteCommand(const Value &params, Reply reply) {
  const llvm::json::Object *object = params.getAsObject();
  std::optional<llvm::StringRef> command =
      object ? object->getString("command") : std::nullopt;
  const llvm::json::Array *arguments =
      object ? object->getArray("arguments") : nullptr;
  std::optional<llvm::StringRef> uri = arguments && !arguments->empty()
                                           ? arguments->front().getAsString()
                                           : std::nullopt;
  if (!command)
    return reply.error(InvalidParams, "executeCommand needs command");
  if (*command != kCompileCommand && *command != kShowPassesCommand)
    return reply.error(InvalidParams, "no command " + command->str() +
                                          " (the server runs " +
                                          kCompileCommand + " and " +
                                          kShowPassesCommand + ")");
  if (!uri)
    return reply.error(InvalidParams,
                       command->str() + " needs the document's URI");
  auto request = prepareDocumentRequest(*uri, nullptr, documents, settings);
  if (!request)
    return reply(request.takeError());
  if (*command == kCompileCommand) {
    runInBackground(
        [this, reply, request = std::move(*request)] {
          llvm::json::Object result = compileDocument(
              request, defaultModulePath(request.file),
              [](llvm::json::Object) {}, [&] { return reply.isCancelled(); });
          transport.notify("window/showMessage", compileMessage(result));
          reply(Value(std::move(result)));
        },
        reply);
    return;
  }
  runInBackground(
      [this, reply, request = std::move(*request)] {
        auto capture =
            passRequests.get(request.snapshot.uri, request.snapshot.version,
                             *request.snapshot.text, request.file,
                             request.config.compileTo, request.config.targets);
        size_t changed = llvm::count_if(
            capture->records, [](const mlir::tessera::PassRecord &record) {
              return record.changed;
            });
        transport.notify(
            "window/showMessage",
            llvm::json::Object{
                {"type", 3},
                {"message",
                 "Tessera: " + std::to_string(capture->records.size()) +
                     " passes (" + std::to_string(changed) +
                     " changed the IR) compiling " +
                     llvm::sys::path::filename(request.file).str() + " to " +
                     request.config.compileTo}});
        reply(PassRequests::passesToJSON(*capture));
      },
      reply);
}

} // namespace tessera::lsp
