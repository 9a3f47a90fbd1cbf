//===- ParityTest.cpp - At least what mlir-lsp-server gives ---------------===//
//
// The same documents (upstream dialects only) go to the upstream
// mlir-lsp-server and to tessera-lsp; at every identifier position, ours
// must answer wherever upstream does: diagnostics, hover, definition (same
// place), references (a superset), document symbols and completion labels
// (supersets).
//
//===----------------------------------------------------------------------===//

#include "client/LspClient.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include <set>

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;
using tessera::lsp::LspClient;

namespace {

const char *kUpstream = TESSERA_LLVM_BINDIR "/mlir-lsp-server";

const char *kDocuments[] = {
    // Functions, calls, values, block arguments, branches.
    "func.func @callee(%a: i32, %b: i32) -> i32 {\n"
    "  %0 = arith.addi %a, %b : i32\n"
    "  %1 = arith.muli %0, %a : i32\n"
    "  return %1 : i32\n"
    "}\n"
    "func.func @caller(%x: i32, %c: i1) -> i32 {\n"
    "  %r = func.call @callee(%x, %x) : (i32, i32) -> i32\n"
    "  cf.cond_br %c, ^bb1(%r : i32), ^bb2\n"
    "^bb1(%v: i32):\n"
    "  return %v : i32\n"
    "^bb2:\n"
    "  return %x : i32\n"
    "}\n",
    // Tensors, linalg with a region, aliases, a nested module.
    "#map = affine_map<(d0, d1) -> (d0, d1)>\n"
    "!t = tensor<4x8xf32>\n"
    "module @outer {\n"
    "  func.func @ew(%a: !t, %b: !t) -> !t {\n"
    "    %e = tensor.empty() : !t\n"
    "    %r = linalg.generic {indexing_maps = [#map, #map, #map],\n"
    "        iterator_types = [\"parallel\", \"parallel\"]}\n"
    "        ins(%a, %b : !t, !t) outs(%e : !t) {\n"
    "    ^bb0(%x: f32, %y: f32, %o: f32):\n"
    "      %s = arith.addf %x, %y : f32\n"
    "      linalg.yield %s : f32\n"
    "    } -> !t\n"
    "    return %r : !t\n"
    "  }\n"
    "}\n",
    // Errors in two chunks.
    "func.func @ok() {\n"
    "  return\n"
    "}\n"
    "// -----\n"
    "func.func @bad(%a: i32) -> i64 {\n"
    "  return %a : i32\n"
    "}\n"
    "// -----\n"
    "func.func @syntax() {\n"
    "  %0 = arith.constant : i32\n"
    "}\n",
};

std::string show(const Value &value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << value;
  return text;
}

void start(LspClient &client) {
  ASSERT_TRUE(
      client
          .call("initialize", Object{{"processId", nullptr},
                                     {"rootUri", nullptr},
                                     {"capabilities", Object{}},
                                     {"initializationOptions",
                                      Object{{"pipelineDiagnostics", "off"}}}})
          .getAsObject());
  client.notify("initialized", Object{});
}

std::set<std::string> diagnosticLines(LspClient &client, const char *uri) {
  std::set<std::string> lines;
  auto published = client.waitForNotification(
      "textDocument/publishDiagnostics", [&](const Object &message) {
        return message.getObject("params")->getString("uri") == uri;
      });
  EXPECT_TRUE(published);
  if (!published)
    return lines;
  for (const Value &d :
       *published->getObject("params")->getArray("diagnostics"))
    lines.insert(std::to_string(
        *d.getAsObject()->getObject("range")->getObject("start")->getInteger(
            "line")));
  return lines;
}

std::string startOf(const Value &location) {
  const Object *object = location.getAsObject();
  const Object *range = object ? object->getObject("range") : nullptr;
  if (!range)
    return "?";
  const Object *start = range->getObject("start");
  return std::to_string(*start->getInteger("line")) + ":" +
         std::to_string(*start->getInteger("character"));
}

std::set<std::string> locations(const Value &result) {
  std::set<std::string> starts;
  if (const Array *array = result.getAsArray())
    for (const Value &location : *array)
      starts.insert(startOf(location));
  else if (result.getAsObject())
    starts.insert(startOf(result));
  return starts;
}

void collectNames(const Array &symbols, std::set<std::string> &names) {
  for (const Value &symbol : symbols) {
    names.insert(symbol.getAsObject()->getString("name")->str());
    if (const Array *children = symbol.getAsObject()->getArray("children"))
      collectNames(*children, names);
  }
}

std::set<std::string> completionLabels(const Value &result) {
  std::set<std::string> labels;
  const Array *items = result.getAsArray();
  if (const Object *list = result.getAsObject())
    items = list->getArray("items");
  if (items)
    for (const Value &item : *items)
      labels.insert(item.getAsObject()->getString("label")->str());
  return labels;
}

class Parity : public testing::TestWithParam<int> {};

TEST_P(Parity, OursAnswersWhereverUpstreamDoes) {
  ASSERT_TRUE(llvm::sys::fs::can_execute(kUpstream)) << kUpstream;
  std::string text = kDocuments[GetParam()];
  const char *uri = "file:///parity/doc.mlir";
  // mlir-lsp-server logs every message on stderr.
  LspClient upstream(kUpstream, {}, /*quiet=*/true), ours(TESSERA_LSP_PATH);
  start(upstream);
  start(ours);
  for (LspClient *client : {&upstream, &ours})
    client->notify("textDocument/didOpen",
                   Object{{"textDocument", Object{{"uri", uri},
                                                  {"languageId", "mlir"},
                                                  {"version", 1},
                                                  {"text", text}}}});
  std::set<std::string> upstreamDiagnostics = diagnosticLines(upstream, uri);
  std::set<std::string> ourDiagnostics = diagnosticLines(ours, uri);
  EXPECT_EQ(ourDiagnostics, upstreamDiagnostics);

  Object documentParams{{"textDocument", Object{{"uri", uri}}}};
  std::set<std::string> upstreamSymbols, ourSymbols;
  Value upstreamOutline =
      upstream.call("textDocument/documentSymbol", Object(documentParams));
  Value ourOutline =
      ours.call("textDocument/documentSymbol", Object(documentParams));
  if (upstreamOutline.getAsArray())
    collectNames(*upstreamOutline.getAsArray(), upstreamSymbols);
  ASSERT_TRUE(ourOutline.getAsArray()) << show(ourOutline);
  collectNames(*ourOutline.getAsArray(), ourSymbols);
  for (const std::string &name : upstreamSymbols)
    EXPECT_TRUE(ourSymbols.count(name)) << "outline lacks " << name;

  // Every position that starts or sits inside an identifier-like token.
  int line = 0, character = 0, checked = 0;
  for (size_t i = 0; i < text.size(); ++i, ++character) {
    if (text[i] == '\n') {
      ++line;
      character = -1;
      continue;
    }
    if (!(isalnum(text[i]) || llvm::StringRef("%@^#!_").contains(text[i])))
      continue;
    Object position{
        {"textDocument", Object{{"uri", uri}}},
        {"position", Object{{"line", line}, {"character", character}}}};
    std::string where = std::to_string(line) + ":" + std::to_string(character);

    Value upstreamHover = upstream.call("textDocument/hover", Object(position));
    Value ourHover = ours.call("textDocument/hover", Object(position));
    if (upstreamHover.getAsObject()) {
      EXPECT_TRUE(ourHover.getAsObject())
          << "no hover at " << where << "; upstream: " << show(upstreamHover);
    }

    Value upstreamDefinition =
        upstream.call("textDocument/definition", Object(position));
    Value ourDefinition =
        ours.call("textDocument/definition", Object(position));
    // The same definition: upstream points at the defining op, ours at
    // the defined name within it (a symbol's `@name`), on the same line.
    std::set<std::string> upstreamTargets = locations(upstreamDefinition);
    auto lines = [](const std::set<std::string> &starts) {
      std::set<std::string> result;
      for (const std::string &start : starts)
        result.insert(start.substr(0, start.find(':')));
      return result;
    };
    if (!upstreamTargets.empty()) {
      EXPECT_EQ(lines(locations(ourDefinition)), lines(upstreamTargets))
          << "definition at " << where;
    }

    Object referenceParams = position;
    referenceParams["context"] = Object{{"includeDeclaration", true}};
    std::set<std::string> upstreamReferences = locations(
        upstream.call("textDocument/references", Object(referenceParams)));
    std::set<std::string> ourReferences = locations(
        ours.call("textDocument/references", Object(referenceParams)));
    for (const std::string &reference : upstreamReferences)
      EXPECT_TRUE(ourReferences.count(reference))
          << "references at " << where << " lack " << reference;

    std::set<std::string> upstreamCompletions = completionLabels(
        upstream.call("textDocument/completion", Object(position)));
    std::set<std::string> ourCompletions = completionLabels(
        ours.call("textDocument/completion", Object(position)));
    // mlir-lsp-server also registers MLIR's own test dialects.
    for (const char *test :
         {"test", "test_dyn", "!test", "!test_dyn", "#test", "#test_dyn"})
      upstreamCompletions.erase(test);
    for (const std::string &label : upstreamCompletions)
      EXPECT_TRUE(ourCompletions.count(label))
          << "completion at " << where << " lacks " << label;
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

INSTANTIATE_TEST_SUITE_P(Documents, Parity, testing::Range(0, 3));

} // namespace
