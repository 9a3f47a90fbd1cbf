//===- LspBench.cpp - tessera-lsp against mlir-lsp-server, side by side ---===//
//
// Generated files of 40-op functions of linalg.matmul (1k, 10k, 50k lines)
// go to both servers in one run: didOpen -> publishDiagnostics, a
// one-character didChange -> publishDiagnostics, hover and definition
// latency (median, p95), peak RSS. Prints a markdown table (and writes it
// with --markdown=FILE).
//
//===----------------------------------------------------------------------===//

#include "client/LspClient.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <fstream>

using llvm::json::Object;
using llvm::json::Value;
using tessera::lsp::LspClient;
namespace cl = llvm::cl;
using Clock = std::chrono::steady_clock;

namespace {

struct Document {
  std::string text;
  /// A line in the middle function and the column of the value it
  /// defines.
  int probeLine = 0, probeColumn = 0;
  int lines = 0;
};

Document generate(int targetLines) {
  Document doc;
  const char *type = "tensor<16x16xf32>";
  int function = 0;
  std::string &text = doc.text;
  int middleFunction = targetLines / 43 / 2;
  while (doc.lines < targetLines) {
    text += llvm::formatv("func.func @f{0}(%a: {1}, %b: {1}) -> {1} {{\n",
                          function, type);
    text += llvm::formatv("  %e = tensor.empty() : {0}\n", type);
    doc.lines += 2;
    for (int i = 0; i < 40; ++i) {
      std::string lhs = i == 0 ? "%a" : "%" + std::to_string(i - 1);
      std::string line = llvm::formatv(
          "  %{0} = linalg.matmul ins({1}, %b : {2}, {2}) outs(%e : {2}) -> "
          "{2}\n",
          i, lhs, type);
      if (function == middleFunction && i == 20) {
        doc.probeLine = doc.lines;
        doc.probeColumn = 2; // The result defined on the line.
      }
      text += line;
      ++doc.lines;
    }
    text += llvm::formatv("  return %39 : {0}\n}\n", type);
    doc.lines += 2;
    ++function;
  }
  return doc;
}

struct Figures {
  double openMs = 0, changeMs = 0, hoverMedian = 0, hoverP95 = 0,
         definitionMedian = 0, definitionP95 = 0, peakRssMiB = 0;
  bool ok = true;
};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::pair<double, double> medianP95(std::vector<double> samples) {
  if (samples.empty())
    return {0, 0};
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2],
          samples[std::min(samples.size() - 1, samples.size() * 95 / 100)]};
}

double peakRssMiB(int pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0)
      return std::stod(line.substr(6)) / 1024.0;
  return 0;
}

Figures measure(const std::string &program, std::vector<std::string> args,
                const Document &doc, int samples) {
  Figures figures;
  LspClient client(program, std::move(args), /*quiet=*/true);
  Value initialized = client.call(
      "initialize", Object{{"processId", nullptr},
                           {"rootUri", nullptr},
                           {"capabilities", Object{}},
                           {"initializationOptions",
                            Object{{"pipelineDiagnostics", "off"}}}});
  const Object *capabilities =
      initialized.getAsObject()
          ? initialized.getAsObject()->getObject("capabilities")
          : nullptr;
  if (!capabilities) {
    figures.ok = false;
    return figures;
  }
  // Send edits the way the server asks for them: whole texts (1) or ranges
  // (2), as an editor does.
  bool incremental = false;
  if (const Object *sync = capabilities->getObject("textDocumentSync"))
    incremental = sync->getInteger("change") == 2;
  else if (auto kind = capabilities->getInteger("textDocumentSync"))
    incremental = *kind == 2;
  client.notify("initialized", Object{});
  const char *uri = "file:///bench/generated.mlir";
  auto diagnosticsOf = [&](int64_t version) {
    return client.waitForNotification(
        "textDocument/publishDiagnostics",
        [&](const Object &message) {
          return message.getObject("params")->getInteger("version") == version;
        },
        std::chrono::milliseconds(120000));
  };
  auto start = Clock::now();
  client.notify("textDocument/didOpen",
                Object{{"textDocument", Object{{"uri", uri},
                                               {"languageId", "mlir"},
                                               {"version", 1},
                                               {"text", doc.text}}}});
  figures.ok &= diagnosticsOf(1).has_value();
  figures.openMs = ms(Clock::now() - start);

  // One character: a space at the start of the probe line.
  Object change{{"text", " "}};
  if (incremental) {
    change["range"] =
        Object{{"start", Object{{"line", doc.probeLine}, {"character", 0}}},
               {"end", Object{{"line", doc.probeLine}, {"character", 0}}}};
  } else {
    std::string edited = doc.text;
    size_t offset = 0;
    for (int line = 0; line < doc.probeLine; ++line)
      offset = edited.find('\n', offset) + 1;
    edited.insert(offset, " ");
    change["text"] = std::move(edited);
  }
  start = Clock::now();
  client.notify(
      "textDocument/didChange",
      Object{{"textDocument", Object{{"uri", uri}, {"version", 2}}},
             {"contentChanges", llvm::json::Array{std::move(change)}}});
  figures.ok &= diagnosticsOf(2).has_value();
  figures.changeMs = ms(Clock::now() - start);

  Object position{{"textDocument", Object{{"uri", uri}}},
                  {"position", Object{{"line", doc.probeLine},
                                      {"character", doc.probeColumn + 2}}}};
  // (+1 for the inserted space, +1 to be inside the value's name.)
  std::vector<double> hover, definition;
  for (int i = 0; i < samples; ++i) {
    start = Clock::now();
    Value result = client.call("textDocument/hover", Object(position));
    hover.push_back(ms(Clock::now() - start));
    figures.ok &= result.getAsObject() != nullptr;
    start = Clock::now();
    result = client.call("textDocument/definition", Object(position));
    definition.push_back(ms(Clock::now() - start));
    figures.ok &= result.getAsArray() ? !result.getAsArray()->empty()
                                      : !!result.getAsObject();
  }
  std::tie(figures.hoverMedian, figures.hoverP95) = medianP95(hover);
  std::tie(figures.definitionMedian, figures.definitionP95) =
      medianP95(definition);
  figures.peakRssMiB = peakRssMiB(client.getPid());
  client.call("shutdown", nullptr);
  client.notify("exit", nullptr);
  client.waitForExit();
  return figures;
}

} // namespace

int main(int argc, char **argv) {
  cl::list<int> sizes{"lines", cl::desc("Document sizes in lines"),
                      cl::CommaSeparated};
  cl::opt<int> samples{"samples", cl::desc("Hover/definition requests"),
                       cl::init(200)};
  cl::opt<std::string> upstream{
      "upstream", cl::desc("mlir-lsp-server"),
      cl::init(TESSERA_LLVM_BINDIR "/mlir-lsp-server")};
  cl::opt<std::string> ours{"ours", cl::desc("tessera-lsp"),
                            cl::init(TESSERA_LSP_PATH)};
  cl::opt<std::string> markdown{"markdown",
                                cl::desc("Also write the table to FILE")};
  cl::ParseCommandLineOptions(argc, argv, "tessera-lsp benchmark\n");
  std::vector<int> lineCounts(sizes.begin(), sizes.end());
  if (lineCounts.empty())
    lineCounts = {1000, 10000, 50000};

  std::string table;
  llvm::raw_string_ostream os(table);
  os << "| lines | server | open→diagnostics ms | 1-char change→diagnostics "
        "ms | hover median / p95 ms | definition median / p95 ms | peak RSS "
        "MiB |\n|---|---|---|---|---|---|---|\n";
  bool ok = true;
  for (int lines : lineCounts) {
    Document doc = generate(lines);
    Figures reference = measure(upstream, {}, doc, samples);
    // The debounce is set to 0 to time the analysis itself; by default an
    // edit waits min(max(2 x last analysis, 50 ms), 500 ms).
    Figures figures = measure(
        ours, {"--debounce-min-ms=0", "--debounce-max-ms=0"}, doc, samples);
    ok &= reference.ok && figures.ok;
    for (auto [name, f] :
         {std::pair<const char *, Figures &>{"mlir-lsp-server", reference},
          {"tessera-lsp", figures}})
      os << llvm::formatv("| {0} | {1} | {2:f1} | {3:f1} | {4:f2} / {5:f2} | "
                          "{6:f2} / {7:f2} | {8:f0} |{9}\n",
                          doc.lines, name, f.openMs, f.changeMs, f.hoverMedian,
                          f.hoverP95, f.definitionMedian, f.definitionP95,
                          f.peakRssMiB, f.ok ? "" : " (failed)");
    os << llvm::formatv(
        "| {0} | ratio ours/upstream | {1:f2} | {2:f2} | {3:f2} | {4:f2} | "
        "{5:f2} |\n",
        doc.lines, figures.openMs / reference.openMs,
        figures.changeMs / reference.changeMs,
        figures.hoverP95 / std::max(reference.hoverP95, 1e-3),
        figures.definitionP95 / std::max(reference.definitionP95, 1e-3),
        figures.peakRssMiB / std::max(reference.peakRssMiB, 1e-3));
  }
  llvm::outs() << table;
  if (!markdown.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream file(markdown, ec);
    if (ec) {
      llvm::errs() << "cannot write " << markdown << ": " << ec.message()
                   << "\n";
      return 1;
    }
    file << table;
  }
  return ok ? 0 : 1;
}
