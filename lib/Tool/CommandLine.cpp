//===- CommandLine.cpp - How every Tessera tool reads its options ---------===//

#include "Tool/CommandLine.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

namespace cl = llvm::cl;

namespace mlir::tessera {

namespace {

/// How the option is spelled on a command line: "-o", "--opt-level".
std::string spelling(llvm::StringRef name) {
  return (name.size() == 1 ? "-" : "--") + name.str();
}

bool isInCategories(const cl::Option &option, const ToolDescription &tool) {
  return llvm::any_of(option.Categories, [&](cl::OptionCategory *category) {
    return llvm::is_contained(tool.categories, category);
  });
}

bool isShown(const cl::Option &option, const ToolDescription &tool) {
  return option.getOptionHiddenFlag() == cl::NotHidden &&
         !option.isPositional() && !option.isSink() &&
         isInCategories(option, tool);
}

bool takesPrefixValue(const cl::Option &option) {
  return option.getFormattingFlag() == cl::Prefix ||
         option.getFormattingFlag() == cl::AlwaysPrefix;
}

const OptionChoices *choicesFor(const cl::Option *option,
                                const ToolDescription &tool) {
  for (const OptionChoices &choices : tool.choices)
    if (choices.option == option)
      return &choices;
  return nullptr;
}

/// "--opt-level=<value>", "-j<N>", "--timing".
std::string synopsis(const cl::Option &option) {
  std::string value =
      "<" + (option.ValueStr.empty() ? "value" : option.ValueStr.str()) + ">";
  if (takesPrefixValue(option))
    return spelling(option.ArgStr) + value;
  if (option.getValueExpectedFlag() == cl::ValueRequired)
    return spelling(option.ArgStr) + (option.ArgStr.size() == 1 ? " " : "=") +
           value;
  return spelling(option.ArgStr);
}

/// Help lines wrap at this column.
constexpr size_t kHelpColumns = 100;

/// "  LEFT  RIGHT", RIGHT wrapped at kHelpColumns under its first column.
void printRow(llvm::raw_ostream &os, llvm::StringRef left,
              llvm::StringRef right, size_t width) {
  os << "  " << left;
  size_t column = 2 + left.size();
  if (left.size() < width) {
    os.indent(width - left.size());
    column = 2 + width;
  }
  size_t indent = 2 + width + 2;
  while (!right.empty()) {
    os << "  ";
    column += 2;
    llvm::StringRef line = right;
    if (column + right.size() > kHelpColumns) {
      size_t room = kHelpColumns > column ? kHelpColumns - column : 0;
      // The last space that fits, outside quotes, brackets and calls: a
      // value such as "2x2xi32=[[1 2][3 4]]" or max(1, x) stays whole.
      size_t cut = llvm::StringRef::npos, firstCut = llvm::StringRef::npos;
      int depth = 0;
      bool quoted = false;
      for (size_t i = 0; i < right.size(); ++i) {
        char c = right[i];
        if (c == '"')
          quoted = !quoted;
        else if (c == '[' || (c == '(' && i > 0 && llvm::isAlnum(right[i - 1])))
          ++depth;
        else if ((c == ']' || c == ')') && depth > 0)
          --depth;
        else if (c == ' ' && depth == 0 && !quoted && i > 0) {
          if (firstCut == llvm::StringRef::npos)
            firstCut = i;
          if (i > room)
            break;
          cut = i;
        }
      }
      if (cut == llvm::StringRef::npos)
        cut = firstCut;
      line = right.substr(0, cut);
    }
    os << line;
    right = right.drop_front(line.size()).ltrim(' ');
    if (!right.empty()) {
      os << "\n";
      os.indent(indent - 2);
      column = indent - 2;
    }
  }
  os << "\n";
}

/// Every option name the tool shows, for suggestions.
std::vector<std::string> shownNames(const ToolDescription &tool) {
  std::vector<std::string> names = {"help", "help-hidden", "version"};
  for (auto &entry : cl::getRegisteredOptions())
    if (isShown(*entry.second, tool))
      names.push_back(entry.first.str());
  return names;
}

int usageError(const ToolDescription &tool, const llvm::Twine &message) {
  llvm::errs() << tool.name << ": error: " << message << " (see " << tool.name
               << " --help)\n";
  return 2;
}

/// "lgo" for "log": two neighbouring letters swapped, the commonest typo,
/// which edit distance counts twice.
bool isTransposition(llvm::StringRef a, llvm::StringRef b) {
  if (a.size() != b.size())
    return false;
  size_t first = 0;
  while (first < a.size() && a[first] == b[first])
    ++first;
  return first + 1 < a.size() && a[first] == b[first + 1] &&
         a[first + 1] == b[first] &&
         a.drop_front(first + 2) == b.drop_front(first + 2);
}

} // namespace

std::string closestMatch(llvm::StringRef value,
                         llvm::ArrayRef<std::string> candidates) {
  // Close enough to be a typo: one edit in short words, up to a third of
  // the word in long ones.
  unsigned allowed =
      value.size() <= 3 ? 1 : std::clamp<unsigned>(value.size() / 3, 2, 3);
  std::string best;
  unsigned bestDistance = allowed + 1;
  for (const std::string &candidate : candidates) {
    unsigned distance = value.edit_distance(candidate, true, allowed);
    if (isTransposition(value, candidate))
      distance = 1;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (!best.empty() || value.size() < 2)
    return best;
  // Else an abbreviation of exactly one candidate.
  std::string prefixed;
  for (const std::string &candidate : candidates) {
    if (!llvm::StringRef(candidate).starts_with(value))
      continue;
    if (!prefixed.empty())
      return "";
    prefixed = candidate;
  }
  return prefixed;
}

std::string describeBadChoice(llvm::StringRef what, llvm::StringRef value,
                              llvm::StringRef optionName,
                              llvm::ArrayRef<std::string> valid) {
  std::string message = "unknown " + what.str() + " '" + value.str() +
                        "' for " + spelling(optionName);
  std::string closest = closestMatch(value, valid);
  if (!closest.empty())
    message += "; did you mean '" + closest + "'?";
  return message + " (valid: " + llvm::join(valid, ", ") + ")";
}

void printToolHelp(const ToolDescription &tool, llvm::raw_ostream &os) {
  os << "USAGE: " << tool.name << " " << tool.usage << "\n\n"
     << tool.overview << "\n";
  // One row per option; an option registered under several names (an
  // alias) appears once.
  std::vector<const cl::Option *> options;
  for (auto &entry : cl::getRegisteredOptions())
    if (isShown(*entry.second, tool) &&
        !llvm::is_contained(options, entry.second))
      options.push_back(entry.second);
  llvm::sort(options, [](const cl::Option *a, const cl::Option *b) {
    return a->ArgStr < b->ArgStr;
  });
  size_t width = 0;
  for (const cl::Option *option : options)
    width = std::max(width, synopsis(*option).size());
  width = std::clamp<size_t>(width, sizeof("--version") - 1, 30);

  for (cl::OptionCategory *category : tool.categories) {
    bool header = false;
    for (const cl::Option *option : options) {
      if (!llvm::is_contained(option->Categories, category))
        continue;
      if (!std::exchange(header, true))
        os << "\n" << category->getName() << ":\n";
      std::string help = option->HelpStr.str();
      if (const OptionChoices *choices = choicesFor(option, tool))
        help += "; one of: " + llvm::join(choices->values, ", ");
      printRow(os, synopsis(*option), help, width);
    }
  }
  os << "\nGeneric options:\n";
  printRow(os, "--help",
           "This help; --help-hidden lists every option, LLVM's too", width);
  printRow(os, "--version", "The version of the tool and of LLVM", width);
  if (!tool.examples.empty()) {
    os << "\nExamples:\n";
    for (const std::string &example : tool.examples)
      os << "  " << example << "\n";
  }
}

std::optional<int> parseToolCommandLine(int argc, char **argv,
                                        const ToolDescription &tool) {
  llvm::SmallVector<llvm::StringRef> args(argv + 1, argv + argc);
  auto &registered = cl::getRegisteredOptions();
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (arg == "--")
      break;
    if (!arg.starts_with("-") || arg == "-")
      continue;
    if (arg == "-h" || arg == "-help" || arg == "--help") {
      printToolHelp(tool, llvm::outs());
      return 0;
    }
    llvm::StringRef body = arg.drop_front(arg.starts_with("--") ? 2 : 1);
    auto [name, value] = body.split('=');
    bool hasValue = body.contains('=');
    auto found = registered.find(name);
    if (found == registered.end()) {
      // "-j4": an option that takes its value glued to its name.
      // Not --jobs=2 for -j: a glued value does not start with a letter.
      bool prefixed = llvm::any_of(registered, [&](auto &entry) {
        return takesPrefixValue(*entry.second) &&
               name.starts_with(entry.first) &&
               name.size() > entry.first.size() &&
               !llvm::isAlpha(name[entry.first.size()]);
      });
      if (prefixed)
        continue;
      std::string closest = closestMatch(name, shownNames(tool));
      std::string message = "unknown option '" + arg.str() + "'";
      if (!closest.empty())
        message += "; did you mean '" + spelling(closest) +
                   (hasValue ? "=" + value.str() : "") + "'?";
      return usageError(tool, message);
    }
    const cl::Option &option = *found->second;
    bool separateValue = !hasValue && !takesPrefixValue(option) &&
                         option.getValueExpectedFlag() == cl::ValueRequired;
    if (separateValue && i + 1 < args.size())
      value = args[++i];
    else if (separateValue)
      return usageError(tool, spelling(name) + " needs a value");
    if (const OptionChoices *choices = choicesFor(&option, tool))
      if (!llvm::is_contained(choices->values, value.str()))
        return usageError(
            tool, describeBadChoice("value", value, name, choices->values));
  }

  // What is left for LLVM to refuse (a value of the wrong type, too many
  // positional arguments) it reports as "TOOL: MESSAGE"; say it like the
  // rest: "TOOL: error: MESSAGE (see TOOL --help)".
  std::vector<const char *> cliArgs(argv, argv + argc);
  cliArgs[0] = tool.name.c_str();
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (cl::ParseCommandLineOptions(static_cast<int>(cliArgs.size()),
                                  cliArgs.data(), tool.overview, &errorStream))
    return std::nullopt;
  llvm::SmallVector<llvm::StringRef> lines;
  llvm::StringRef(errors).split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    line.consume_front(tool.name);
    line.consume_front(": ");
    // LLVM's own pointer to its help names the tool by a path.
    if (line.starts_with("Try:") || line.contains("Try: '"))
      line = line.take_until([](char c) { return c == '.'; });
    if (!line.trim().empty())
      llvm::errs() << tool.name << ": error: " << line.trim() << "\n";
  }
  llvm::errs() << "(see " << tool.name << " --help)\n";
  return 2;
}

} // namespace mlir::tessera
