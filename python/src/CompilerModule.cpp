//===- CompilerModule.cpp - tessera._compiler: the compiler in-process ----===//
//
// The Python face of CompileSession, the class the CLI, the language server
// and the explorer compile through: a program (text, bytecode or an .onnx
// path) compiled to a phase, handed back as the bytes `tessera compile
// --emit=` writes, with the pass records of the capture. The GIL is
// released while a compile runs. Failures raise tessera.CompileError with
// the located diagnostics; warnings become Python warnings.
//
//===----------------------------------------------------------------------===//

#include "PythonErrors.h"

#include "Import/ONNX/ImportONNX.h"
#include "Pipeline/CapturedIR.h"
#include "Pipeline/CompileSession.h"
#include "Pipeline/EmitKind.h"
#include "Pipeline/TargetOptionsCheck.h"
#include "Pipeline/Version.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/stl.h>

#include <algorithm>

namespace py = pybind11;
using namespace mlir::tessera;

namespace {

/// What a successful compile hands back.
struct CompileResult {
  py::bytes output;
  std::vector<Diagnostic> diagnostics;
  std::vector<PassRecord> passes;
  std::vector<std::pair<std::string, double>> phaseMs;
};

std::string joined(llvm::ArrayRef<std::string> names) {
  std::string text;
  for (const std::string &name : names)
    text += (text.empty() ? "" : ", ") + name;
  return text;
}

std::string formatAll(const std::vector<Diagnostic> &diagnostics) {
  std::string text;
  for (const Diagnostic &diagnostic : diagnostics) {
    text += (text.empty() ? "" : "\n") + diagnostic.format();
    for (const Diagnostic &note : diagnostic.notes)
      text += "\n" + note.format();
  }
  return text;
}

/// Raises tessera.CompileError carrying `diagnostics`.
[[noreturn]] void
raiseCompileError(const std::string &summary,
                  const std::vector<Diagnostic> &diagnostics) {
  py::object type = py::module_::import("tessera.errors").attr("CompileError");
  std::string text = formatAll(diagnostics);
  py::object error = type(text.empty() ? summary : summary + "\n" + text,
                          py::cast(diagnostics));
  PyErr_SetObject(type.ptr(), error.ptr());
  throw py::error_already_set();
}

/// Warnings and remarks of a successful compile, as Python warnings.
void warnAbout(const std::vector<Diagnostic> &diagnostics) {
  py::object category =
      py::module_::import("tessera.errors").attr("CompileWarning");
  for (const Diagnostic &diagnostic : diagnostics)
    if (diagnostic.severity == Diagnostic::Severity::Warning &&
        PyErr_WarnEx(category.ptr(), diagnostic.format().c_str(), 2) < 0)
      throw py::error_already_set();
}

/// Loads a program: `source` bytes (text or bytecode) named `name`, or
/// the file `path`.
bool loadProgram(CompileSession &session,
                 const std::optional<py::bytes> &source,
                 const std::string &path, const std::string &name) {
  if (!source) {
    py::gil_scoped_release release;
    return succeeded(session.loadFile(path));
  }
  std::string text = *source;
  py::gil_scoped_release release;
  return succeeded(session.loadBuffer(text, name));
}

CompileResult compile(std::optional<py::bytes> source, const std::string &path,
                      const std::string &name,
                      const std::vector<std::string> &targets,
                      const std::string &triple, const std::string &cpu,
                      const std::string &cpuFeatures, unsigned optLevel,
                      const std::string &compileTo,
                      std::optional<std::string> emit, bool capturePasses,
                      bool linkExecutables,
                      const std::string &vulkanDeviceType) {
  CompileOptions options;
  // Checked before anything is parsed, as the CLI checks its flags.
  if (targets.empty())
    throw py::value_error("targets is empty; known: " +
                          joined(getTargetBackends()));
  options.targets = targets;
  std::optional<Phase> phase = parsePhase(compileTo);
  if (!phase) {
    std::vector<std::string> phases;
    for (Phase known : getAllPhases())
      phases.push_back(getPhaseName(known).str());
    throw py::value_error("unknown compile_to '" + compileTo +
                          "'; phases: " + joined(phases));
  }
  options.compileTo = *phase;
  EmitKind emitKind =
      *phase == Phase::Loader ? EmitKind::Module : EmitKind::MLIR;
  if (emit) {
    std::optional<EmitKind> parsed = parseEmitKind(*emit);
    if (!parsed) {
      std::vector<std::string> kinds;
      for (EmitKind known : getAllEmitKinds())
        kinds.push_back(getEmitName(known).str());
      throw py::value_error("unknown emit '" + *emit +
                            "'; known: " + joined(kinds));
    }
    emitKind = *parsed;
  }
  std::vector<llvm::StringRef> artifactKinds = getArtifactKinds(emitKind);
  if (emitKind == EmitKind::Module && *phase != Phase::Loader)
    throw py::value_error("emit='module' needs compile_to='loader'");
  if (!artifactKinds.empty() && *phase < Phase::Serialize)
    throw py::value_error("emit='" + getEmitName(emitKind).str() +
                          "' needs compile_to='serialize' or later");
  if (optLevel > 3)
    throw py::value_error("opt_level must be 0-3, got " +
                          std::to_string(optLevel));
  options.targetTriple = triple;
  options.cpu = cpu;
  options.cpuFeatures = cpuFeatures;
  options.optLevel = optLevel;
  options.vulkanDeviceType = vulkanDeviceType;
  if (std::string problem = checkTargetOptions(
          options,
          [](llvm::StringRef option) {
            std::string keyword = option == "target" ? "targets" : option.str();
            std::replace(keyword.begin(), keyword.end(), '-', '_');
            return keyword + "=";
          });
      !problem.empty())
    throw py::value_error(problem);
  options.linkExecutables = linkExecutables;
  options.captureIR = capturePasses;
  options.buildModule = emitKind == EmitKind::Module;
  options.keepArtifacts = !artifactKinds.empty();

  CompileSession session;
  if (!loadProgram(session, source, path, name))
    raiseCompileError("cannot load " + name, session.getDiagnostics());
  bool ok;
  {
    py::gil_scoped_release release;
    ok = succeeded(session.compile(options));
  }
  if (!ok || session.hasErrors())
    raiseCompileError("compiling " + name + " failed",
                      session.getDiagnostics());

  CompileResult result;
  result.diagnostics = session.getDiagnostics();
  if (capturePasses)
    result.passes = session.getPassRecords();
  for (auto &[phaseRun, ms] : session.getPhaseTimes())
    result.phaseMs.emplace_back(getPhaseName(phaseRun).str(), ms);
  if (emitKind == EmitKind::Module) {
    result.output = py::bytes(session.getModuleBytes());
  } else if (emitKind == EmitKind::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    session.getModule()->print(os);
    result.output = py::bytes(text);
  } else {
    std::vector<const Artifact *> found;
    for (const Artifact &artifact : session.getArtifacts())
      if (llvm::is_contained(artifactKinds, artifact.kind))
        found.push_back(&artifact);
    if (found.empty())
      raiseCompileError(name + ": the program has no dispatches, so no "
                               "executable was produced",
                        {});
    if (found.size() > 1)
      throw py::value_error(
          name + ": emit='" + getEmitName(emitKind).str() + "' made " +
          std::to_string(found.size()) +
          " files (one per executable); link_executables=True links each "
          "target's into one");
    result.output = py::bytes(found.front()->bytes);
  }
  warnAbout(result.diagnostics);
  return result;
}

py::bytes importOnnx(const std::string &path, bool bytecode) {
  if (!isONNXPath(path))
    throw py::value_error(path + ": not an .onnx model");
  CompileSession session;
  if (!loadProgram(session, std::nullopt, path, path))
    raiseCompileError("cannot import " + path, session.getDiagnostics());
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (bytecode) {
    if (failed(mlir::writeBytecodeToFile(session.getModule(), os)))
      raiseCompileError("cannot write bytecode for " + path,
                        session.getDiagnostics());
  } else {
    session.getModule()->print(os);
  }
  return py::bytes(bytes);
}

std::optional<std::string>
capturedText(const std::shared_ptr<const CapturedIR> &ir) {
  if (!ir)
    return std::nullopt;
  return ir->str();
}

} // namespace

PYBIND11_MODULE(_compiler, m) {
  m.doc() = "Tessera's compiler, in-process (the CompileSession every tool "
            "uses).";

  py::class_<Diagnostic>(m, "Diagnostic", "A located compiler message.")
      .def_property_readonly(
          "severity",
          [](const Diagnostic &diagnostic) {
            return std::string(Diagnostic::severityName(diagnostic.severity));
          })
      .def_readonly("file", &Diagnostic::file)
      .def_readonly("line", &Diagnostic::line)
      .def_readonly("column", &Diagnostic::column)
      .def_readonly("message", &Diagnostic::message)
      .def_readonly("phase", &Diagnostic::phase,
                    "The phase running when it was reported ('' while "
                    "parsing).")
      .def_readonly("pass_name", &Diagnostic::pass)
      .def_readonly("notes", &Diagnostic::notes)
      .def("__str__", &Diagnostic::format)
      .def("__repr__",
           [](const Diagnostic &diagnostic) {
             return "Diagnostic(" + diagnostic.format() + ")";
           })
      // __reduce__ (not py::pickle, whose protocol 0 and 1 path aborts):
      // rebuilt from the state tuple by tessera.compiler._diagnostic, a
      // Python function (every protocol pickles those by name).
      .def("__reduce__", [](const Diagnostic &diagnostic) {
        py::tuple state = py::make_tuple(
            int(diagnostic.severity), diagnostic.file, diagnostic.line,
            diagnostic.column, diagnostic.message, diagnostic.phase,
            diagnostic.pass, diagnostic.notes);
        return py::make_tuple(
            py::module_::import("tessera.compiler").attr("_diagnostic"),
            py::make_tuple(state));
      });
  m.def(
      "_diagnostic_from_state",
      [](const py::tuple &state) {
        if (state.size() != 8)
          throw py::value_error("not a pickled Diagnostic");
        Diagnostic diagnostic;
        int severity = state[0].cast<int>();
        if (severity < 0 || severity > int(Diagnostic::Severity::Remark))
          throw py::value_error("not a pickled Diagnostic");
        diagnostic.severity = Diagnostic::Severity(severity);
        diagnostic.file = state[1].cast<std::string>();
        diagnostic.line = state[2].cast<unsigned>();
        diagnostic.column = state[3].cast<unsigned>();
        diagnostic.message = state[4].cast<std::string>();
        diagnostic.phase = state[5].cast<std::string>();
        diagnostic.pass = state[6].cast<std::string>();
        diagnostic.notes = state[7].cast<std::vector<Diagnostic>>();
        return diagnostic;
      },
      "Rebuilds a pickled Diagnostic.");

  py::class_<PassRecord>(m, "PassRecord", "One pass as the capture saw it.")
      .def_readonly("index", &PassRecord::index)
      .def_readonly("phase", &PassRecord::phase)
      .def_readonly("name", &PassRecord::passName)
      .def_readonly("argument", &PassRecord::passArgument)
      .def_readonly("anchor", &PassRecord::anchorOpName,
                    "The op it ran on ('func.func').")
      .def_readonly("symbol", &PassRecord::anchorSymbol)
      .def_readonly("nesting", &PassRecord::nesting)
      .def_readonly("wall_ms", &PassRecord::wallMs)
      .def_readonly("changed", &PassRecord::changed)
      .def_readonly("failed", &PassRecord::failed)
      .def_property_readonly(
          "ir_before",
          [](const PassRecord &record) {
            return capturedText(record.irBefore);
          },
          "The anchor's IR before the pass (large constants elided).")
      .def_property_readonly(
          "ir_after",
          [](const PassRecord &record) { return capturedText(record.irAfter); },
          "The anchor's IR after the pass (large constants elided).")
      .def("__repr__", [](const PassRecord &record) {
        return "PassRecord(" + std::to_string(record.index) + " " +
               record.phase + " " + record.passArgument + " on " +
               record.anchorOpName +
               (record.anchorSymbol.empty() ? "" : " @" + record.anchorSymbol) +
               (record.changed ? ", changed" : "") + ")";
      });

  py::class_<CompileResult>(m, "CompileResult")
      .def("__repr__",
           [](const CompileResult &result) {
             return "<tessera.compiler.CompileResult " +
                    std::to_string(py::len(result.output)) + " bytes, " +
                    std::to_string(result.passes.size()) + " passes, " +
                    std::to_string(result.diagnostics.size()) + " diagnostics>";
           })
      .def_readonly("output", &CompileResult::output,
                    "The module, MLIR text or executable, as bytes.")
      .def_readonly("diagnostics", &CompileResult::diagnostics,
                    "Warnings and remarks (a failed compile raises).")
      .def_readonly("passes", &CompileResult::passes,
                    "With capture_passes=True: every pass run, in order.")
      .def_readonly("phase_ms", &CompileResult::phaseMs,
                    "Wall time per phase, in order.");

  m.def("compile", &compile, py::arg("source"), py::arg("path"),
        py::arg("name"), py::arg("targets"), py::arg("triple"), py::arg("cpu"),
        py::arg("cpu_features"), py::arg("opt_level"), py::arg("compile_to"),
        py::arg("emit"), py::arg("capture_passes"), py::arg("link_executables"),
        py::arg("vulkan_device_type"));
  m.def("import_onnx", &importOnnx, py::arg("path"), py::arg("bytecode"));
  m.def("target_backends", [] { return getTargetBackends(); });
  m.def("phases", [] {
    std::vector<std::string> names;
    for (Phase phase : getAllPhases())
      names.push_back(getPhaseName(phase).str());
    return names;
  });
  m.def("version", [] {
    return getTesseraVersion().str() + " (" + getTesseraGitCommit().str() + ")";
  });
}
