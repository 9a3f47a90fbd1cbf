//===- ModelFile.cpp ------------------------------------------------------===//

#include "Import/ONNX/ModelFile.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Path.h"

#include "onnx/checker.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>

namespace mlir::tessera::onnx_import {

ModelFile::ModelFile() = default;
ModelFile::~ModelFile() = default;
ModelFile::ModelFile(ModelFile &&) = default;

/// The directory external data paths are relative to.
static std::string modelDirectory(llvm::StringRef path) {
  llvm::StringRef dir = llvm::sys::path::parent_path(path);
  return dir.empty() ? "." : dir.str();
}

static int64_t defaultDomainOpset(const onnx::ModelProto &model) {
  for (const auto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      return opset.version();
  return 0;
}

/// What the importer assumes of a graph: names defined once, each node's
/// inputs defined by a graph input, an initializer or an earlier node.
static llvm::Error checkGraph(const onnx::GraphProto &graph) {
  llvm::StringSet<> defined;
  auto define = [&](const std::string &name,
                    llvm::StringRef what) -> llvm::Error {
    if (name.empty())
      return llvm::createStringError(what.str() + " without a name");
    // An initializer may share its name with a graph input (a default).
    defined.insert(name);
    return llvm::Error::success();
  };
  for (const auto &init : graph.initializer())
    if (auto error = define(init.name(), "an initializer"))
      return error;
  for (const auto &input : graph.input())
    if (auto error = define(input.name(), "a graph input"))
      return error;
  for (const auto &node : graph.node()) {
    for (const std::string &input : node.input())
      if (!input.empty() && !defined.contains(input))
        return llvm::createStringError(
            "node '" + node.name() + "' (" + node.op_type() + ") reads '" +
            input +
            "', which no graph input, initializer or earlier node "
            "defines (the nodes must be in topological order)");
    for (const std::string &output : node.output()) {
      if (output.empty())
        continue;
      if (defined.contains(output))
        return llvm::createStringError("node '" + node.name() + "' (" +
                                       node.op_type() + ") defines '" + output +
                                       "' a second time");
      defined.insert(output);
    }
  }
  if (graph.output_size() == 0)
    return llvm::createStringError("the graph has no outputs");
  for (const auto &output : graph.output())
    if (!defined.contains(output.name()))
      return llvm::createStringError("graph output '" + output.name() +
                                     "' is not defined by any node");
  return llvm::Error::success();
}

llvm::Expected<ModelFile> readModelFile(llvm::StringRef bytes,
                                        llvm::StringRef path) {
  ModelFile file;
  file.model = std::make_unique<onnx::ModelProto>();
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t *>(bytes.data()), int(bytes.size()));
  if (bytes.size() > size_t(INT32_MAX))
    return llvm::createStringError(
        "larger than 2 GiB: protobuf cannot hold it; keep the weights as "
        "external data beside the model");
  stream.SetTotalBytesLimit(INT32_MAX);
  if (!file.model->ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage())
    return llvm::createStringError(
        "not a valid ONNX model (the protobuf does not parse: truncated or "
        "not an .onnx file)");
  if (!file.model->has_graph())
    return llvm::createStringError("not a valid ONNX model: it has no graph "
                                   "(truncated or not an .onnx file)");
  file.fileOpset = defaultDomainOpset(*file.model);
  if (file.fileOpset == 0)
    return llvm::createStringError(
        "the model imports no opset of the default ONNX domain");
  if (file.fileOpset > kMaxOpset)
    return llvm::createStringError(
        "opset " + std::to_string(file.fileOpset) +
        " is newer than the importer knows (opsets up to " +
        std::to_string(kMaxOpset) + "; older than " +
        std::to_string(kMinOpset) +
        " are converted first); export with "
        "opset_version=" +
        std::to_string(kMaxOpset));
  for (const auto &opset : file.model->opset_import())
    if (!opset.domain().empty() && opset.domain() != "ai.onnx" &&
        opset.domain() != "ai.onnx.ml")
      for (const auto &node : file.model->graph().node())
        if (node.domain() == opset.domain())
          return llvm::createStringError(
              "node '" + node.name() + "' (" + node.op_type() +
              ") is of domain '" + node.domain() +
              "', which the importer does not know (only ONNX's own ops)");
  // External data stays inside the model's directory (checked before
  // ONNX's checker looks for the files).
  for (const auto &init : file.model->graph().initializer())
    for (const auto &entry : init.external_data())
      if (entry.key() == "location") {
        llvm::StringRef location(entry.value());
        if (llvm::sys::path::is_absolute(location) ||
            llvm::is_contained(
                llvm::make_range(llvm::sys::path::begin(location),
                                 llvm::sys::path::end(location)),
                ".."))
          return llvm::createStringError(
              "initializer '" + init.name() + "': external data location '" +
              entry.value() + "' leaves the model's directory");
      }
  if (file.model->ir_version() > onnx::Version::IR_VERSION)
    return llvm::createStringError(
        "IR version " + std::to_string(file.model->ir_version()) +
        " is newer than the ONNX library knows (" +
        std::to_string(onnx::Version::IR_VERSION) + ")");
  try {
    // check_model, with the model's directory for its external data.
    onnx::checker::CheckerContext context;
    context.set_ir_version(int(file.model->ir_version()));
    std::unordered_map<std::string, int> opsets;
    for (const auto &opset : file.model->opset_import())
      opsets[opset.domain()] = int(opset.version());
    context.set_opset_imports(opsets);
    context.set_schema_registry(onnx::OpSchemaRegistry::Instance());
    context.set_model_dir(modelDirectory(path));
    onnx::checker::LexicalScopeContext scope;
    onnx::checker::check_graph(file.model->graph(), context, scope);
    if (file.fileOpset < kMinOpset) {
      onnx::ModelProto converted =
          onnx::version_conversion::ConvertVersion(*file.model, kMinOpset);
      *file.model = std::move(converted);
    }
  } catch (const std::exception &error) {
    std::string message = error.what();
    // The checker's messages end with a newline and a context dump.
    message = message.substr(0, message.find('\n'));
    return llvm::createStringError("not a valid ONNX model: " + message);
  }
  file.opset = defaultDomainOpset(*file.model);
  if (auto error = checkGraph(file.model->graph()))
    return error;
  return file;
}

} // namespace mlir::tessera::onnx_import
