//===- CommandLine.h - How every Tessera tool reads its options -*- C++ -*-===//
//
// The tools parse with llvm::cl, and every one links the whole of LLVM: its
// backends register hundreds of options (--amdgpu-*, --arm-*, ...) that a
// Tessera user never needs. parseToolCommandLine shows and accepts a tool's
// own options first: --help lists only them, grouped, with examples; an
// unknown option gets the closest known one; a bad value of an enumerated
// option lists the valid ones. LLVM's options stay reachable (--help-hidden
// lists them all).
//
//===----------------------------------------------------------------------===//

#ifndef TESSERA_TOOL_COMMANDLINE_H
#define TESSERA_TOOL_COMMANDLINE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/CommandLine.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tessera {

/// An option whose value is one of a fixed set, checked before parsing so
/// that a bad value lists the valid ones.
struct OptionChoices {
  const llvm::cl::Option *option;
  std::vector<std::string> values;
};

/// The values a cl::opt declared with cl::values accepts.
template <typename T> OptionChoices choicesOf(const llvm::cl::opt<T> &option) {
  OptionChoices choices{&option, {}};
  const auto &parser = const_cast<llvm::cl::opt<T> &>(option).getParser();
  for (unsigned i = 0, e = parser.getNumOptions(); i != e; ++i)
    choices.values.push_back(parser.getOption(i).str());
  return choices;
}

/// How a tool presents itself in --help and in its messages.
struct ToolDescription {
  /// Names the tool in messages: "tessera compile".
  std::string name;
  /// What follows the name on the usage line: "[options] <input.mlir>...".
  std::string usage;
  /// One or two sentences.
  std::string overview;
  /// The tool's option groups, in the order --help shows them.
  std::vector<llvm::cl::OptionCategory *> categories;
  /// Example command lines, each with an optional "# comment".
  std::vector<std::string> examples;
  /// Options whose values are checked before parsing.
  std::vector<OptionChoices> choices;
};

/// Parses argv against the tool's options. Returns std::nullopt when the
/// tool should go on, or the exit code to return: 0 after --help, 2 (usage
/// error, reported on stderr) for an unknown option or a bad value.
std::optional<int> parseToolCommandLine(int argc, char **argv,
                                        const ToolDescription &tool);

/// Prints the tool's --help to `os`.
void printToolHelp(const ToolDescription &tool, llvm::raw_ostream &os);

/// The closest of `candidates` to `value` when it is close enough to be a
/// likely typo (or a unique prefix), else an empty string.
std::string closestMatch(llvm::StringRef value,
                         llvm::ArrayRef<std::string> candidates);

/// "unknown VALUE 'flo' for --compile-to (did you mean 'flow'?); valid
/// values: input, global-opt, ..." — the message for a value outside a set.
std::string describeBadChoice(llvm::StringRef what, llvm::StringRef value,
                              llvm::StringRef optionName,
                              llvm::ArrayRef<std::string> valid);

} // namespace mlir::tessera

#endif // TESSERA_TOOL_COMMANDLINE_H
