//===- ModuleInfo.cpp - What a module file holds --------------------------===//

#include "ModuleInfo.h"
#include "JsonText.h"
#include "VerifiedModule.h"

#include "tessera/runtime/ModuleSignature.h"
#include "tessera/schema/module_generated.h"

#include <cstdio>
#include <cstring>

namespace tessera::rt::tooling {

unsigned ModuleDescription::dispatchCount() const {
  unsigned count = 0;
  for (const FunctionDescription &function : functions)
    count += function.dispatches;
  return count;
}

uint64_t ModuleDescription::executableBytes() const {
  uint64_t total = 0;
  for (const ExecutableDescription &executable : executables)
    total += executable.bytes;
  return total;
}

StatusOr<ModuleDescription> describeModule(const void *data, size_t size) {
  auto verified = readVerifiedModule(data, size);
  if (!verified)
    return verified.status();
  const schema::Module &fb = *verified->module;
  const std::vector<FunctionSignature> *signatures = &verified->signatures;

  ModuleDescription module;
  module.name = fb.name() ? fb.name()->str() : "";
  module.version = fb.version();
  module.bytes = size;
  module.signer = moduleSigner(static_cast<const uint8_t *>(data), size);
  for (unsigned f = 0; f < signatures->size(); ++f) {
    FunctionDescription function;
    function.signature = (*signatures)[f];
    const schema::Function *program = fb.functions()->Get(f);
    if (program->instructions()) {
      function.instructions = program->instructions()->size();
      for (const schema::Instruction *inst : *program->instructions())
        function.dispatches += inst->op_type() == schema::Op::Dispatch;
    }
    module.functions.push_back(std::move(function));
  }
  if (fb.executables())
    for (const schema::Executable *exe : *fb.executables()) {
      ExecutableDescription executable;
      executable.name = exe->name()->str();
      executable.format = exe->format()->str();
      executable.bytes = exe->data()->size();
      executable.hash = exe->data_hash();
      if (exe->exports())
        for (unsigned e = 0; e < exe->exports()->size(); ++e) {
          const schema::ExportInfo *info = exe->exports()->Get(e);
          ExportDescription exportInfo;
          exportInfo.name = info->name()->str();
          exportInfo.ordinal = e;
          exportInfo.pushConstants = info->push_constant_count();
          if (info->binding_read_only())
            for (bool readOnly : *info->binding_read_only())
              exportInfo.bindingReadOnly.push_back(readOnly);
          exportInfo.flops = info->flop_count();
          executable.exports.push_back(std::move(exportInfo));
        }
      module.executables.push_back(std::move(executable));
    }
  if (fb.constants())
    for (const schema::ConstantRef *constant : *fb.constants()) {
      module.constantBytes.push_back(constant->length());
      module.constantTotalBytes += constant->length();
    }
  return module;
}

namespace {

/// FNV-1a hashes as 16 hex digits (JSON numbers lose bits past 2^53).
std::string hashText(uint64_t hash) {
  char text[24];
  std::snprintf(text, sizeof(text), "%016llx",
                static_cast<unsigned long long>(hash));
  return text;
}

/// "0:read-only 1:read-write".
std::string bindingsText(const std::vector<bool> &readOnly) {
  std::string text;
  for (size_t b = 0; b < readOnly.size(); ++b)
    text += (b ? " " : "") + std::to_string(b) +
            (readOnly[b] ? ":read-only" : ":read-write");
  return text.empty() ? "none" : text;
}

} // namespace

std::string toText(const ModuleDescription &module) {
  std::string out = "module '" + module.name + "' (format version " +
                    std::to_string(module.version) + ", " +
                    std::to_string(module.bytes) + " bytes)\n";
  if (!module.signer.empty())
    out += "signed by Ed25519 key " + module.signer +
           " (run --trusted-keys checks it)\n";
  out += "\nfunctions (" + std::to_string(module.functions.size()) + "):\n";
  for (const FunctionDescription &function : module.functions)
    out += "  @" + function.signature.name + function.signature.str() + "\n" +
           "      " + std::to_string(function.dispatches) + " dispatches, " +
           std::to_string(function.instructions) + " host instructions\n";
  out += "\nexecutables (" + std::to_string(module.executables.size()) + "):\n";
  for (const ExecutableDescription &executable : module.executables) {
    out += "  " + executable.name + "  " + executable.format + ", " +
           std::to_string(executable.bytes) + " bytes, hash " +
           hashText(executable.hash) + ", " +
           std::to_string(executable.exports.size()) + " exports\n";
    for (const ExportDescription &e : executable.exports) {
      out += "    [" + std::to_string(e.ordinal) + "] " + e.name +
             "  push constants " + std::to_string(e.pushConstants) +
             ", bindings " + bindingsText(e.bindingReadOnly);
      if (e.flops)
        out += ", " + std::to_string(e.flops) + " flops";
      out += "\n";
    }
  }
  out += "\nconstants (" + std::to_string(module.constantBytes.size()) + ", " +
         std::to_string(module.constantTotalBytes) + " bytes):";
  for (size_t c = 0; c < module.constantBytes.size(); ++c)
    out += (c % 8 ? " " : "\n  ") + std::to_string(c) + ":" +
           std::to_string(module.constantBytes[c]);
  return out + "\n";
}

std::string toJson(const ModuleDescription &module) {
  std::string out = "{\n  \"name\": " + jsonQuoted(module.name) +
                    ",\n  \"version\": " + std::to_string(module.version) +
                    ",\n  \"bytes\": " + std::to_string(module.bytes) +
                    ",\n  \"signer\": " +
                    (module.signer.empty() ? std::string("null")
                                           : jsonQuoted(module.signer)) +
                    ",\n  \"functions\": [";
  for (size_t f = 0; f < module.functions.size(); ++f) {
    const FunctionDescription &function = module.functions[f];
    out += std::string(f ? "," : "") +
           "\n    {\"name\": " + jsonQuoted(function.signature.name) +
           ", \"inputs\": [";
    for (size_t i = 0; i < function.signature.inputs.size(); ++i)
      out += (i ? ", " : "") + jsonQuoted(function.signature.inputs[i].str());
    out += "], \"outputs\": [";
    for (size_t i = 0; i < function.signature.outputs.size(); ++i)
      out += (i ? ", " : "") + jsonQuoted(function.signature.outputs[i].str());
    out += "], \"dispatches\": " + std::to_string(function.dispatches) +
           ", \"instructions\": " + std::to_string(function.instructions) + "}";
  }
  out += "\n  ],\n  \"executables\": [";
  for (size_t x = 0; x < module.executables.size(); ++x) {
    const ExecutableDescription &executable = module.executables[x];
    out += std::string(x ? "," : "") +
           "\n    {\"name\": " + jsonQuoted(executable.name) +
           ", \"format\": " + jsonQuoted(executable.format) +
           ", \"bytes\": " + std::to_string(executable.bytes) +
           ", \"hash\": " + jsonQuoted(hashText(executable.hash)) +
           ", \"exports\": [";
    for (size_t e = 0; e < executable.exports.size(); ++e) {
      const ExportDescription &info = executable.exports[e];
      out += std::string(e ? "," : "") +
             "\n      {\"name\": " + jsonQuoted(info.name) +
             ", \"ordinal\": " + std::to_string(info.ordinal) +
             ", \"push_constants\": " + std::to_string(info.pushConstants) +
             ", \"bindings\": [";
      for (size_t b = 0; b < info.bindingReadOnly.size(); ++b)
        out += std::string(b ? ", " : "") +
               (info.bindingReadOnly[b] ? "\"read-only\"" : "\"read-write\"");
      out += "], \"flops\": " + std::to_string(info.flops) + "}";
    }
    out += executable.exports.empty() ? "]}" : "\n    ]}";
  }
  out += module.executables.empty() ? "],\n" : "\n  ],\n";
  out += "  \"constants\": {\"count\": " +
         std::to_string(module.constantBytes.size()) +
         ", \"bytes\": " + std::to_string(module.constantTotalBytes) +
         ", \"sizes\": [";
  for (size_t c = 0; c < module.constantBytes.size(); ++c)
    out += (c ? ", " : "") + std::to_string(module.constantBytes[c]);
  return out + "]}\n}\n";
}

} // namespace tessera::rt::tooling
