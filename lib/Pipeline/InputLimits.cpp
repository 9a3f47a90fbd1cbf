//===- InputLimits.cpp - Refusing input the parser cannot survive ---------===//

#include "Pipeline/InputLimits.h"

#include "mlir/IR/Operation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::tessera {

namespace {

enum class Limit { Nesting, Operators };

struct Excess {
  size_t offset;
  Limit limit;
};

bool isIdentifierChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '%' ||
         c == '#' || c == '@' || c == '!' || c == '^';
}

/// One pass over `text` for both limits. The operator count of an
/// expression starts from that of the expression around its bracket (the
/// tree's depth grows through brackets) and restarts at `,` `:` `=` and in
/// a region; a closing bracket keeps it, since a parenthesized operand
/// followed by more terms sits that much deeper.
std::optional<Excess> scan(llvm::StringRef text, unsigned nestingLimit,
                           unsigned operatorLimit) {
  // Per open bracket: the operator count its expression started from.
  llvm::SmallVector<unsigned, 64> base = {0};
  unsigned operators = 0;
  // An attribute or type alias is as deep as its value: a use of it nests
  // that much deeper (aliases defined from aliases build values as deep as
  // the chain, which the printer and walks recurse through).
  llvm::StringMap<unsigned> aliasDepth;
  std::optional<std::string> defining;
  unsigned definedDepth = 0;
  auto isAliasChar = [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.';
  };
  auto isWord = [&](size_t i, llvm::StringRef word) {
    return text.substr(i).starts_with(word) &&
           (i == 0 || !isIdentifierChar(text[i - 1])) &&
           (i + word.size() == text.size() ||
            !isIdentifierChar(text[i + word.size()]));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    char next = i + 1 < text.size() ? text[i + 1] : '\0';
    if (c == '\n' && defining && base.size() == 1) {
      aliasDepth[*defining] = definedDepth;
      defining.reset();
    }
    if ((c == '#' || c == '!') && (llvm::isAlpha(next) || next == '_')) {
      size_t end = i + 1;
      while (end < text.size() && isAliasChar(text[end]))
        ++end;
      llvm::StringRef name = text.slice(i, end);
      size_t after = text.find_first_not_of(" \t", end);
      // `#name = ...` first on a line at the top level defines it.
      size_t lineStart = i;
      while (lineStart > 0 &&
             (text[lineStart - 1] == ' ' || text[lineStart - 1] == '\t'))
        --lineStart;
      bool definition = base.size() == 1 && !defining &&
                        (lineStart == 0 || text[lineStart - 1] == '\n') &&
                        after != llvm::StringRef::npos && text[after] == '=' &&
                        (after + 1 == text.size() || text[after + 1] != '=');
      if (definition) {
        defining = name.str();
        definedDepth = 0;
      } else if (auto it = aliasDepth.find(name); it != aliasDepth.end()) {
        unsigned depth = base.size() - 1 + it->second;
        if (depth > nestingLimit)
          return Excess{i, Limit::Nesting};
        definedDepth = std::max(definedDepth, depth);
      }
      i = end - 1;
      continue;
    }
    if (c == '"') {
      // Skip the string, escapes included.
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      continue;
    }
    if (c == '/' && next == '/') {
      i = text.find('\n', i);
      if (i == llvm::StringRef::npos)
        break;
      continue;
    }
    bool isOperator = false;
    switch (c) {
    case '-':
      if (next == '>') { // `->`
        ++i;
        continue;
      }
      isOperator = true;
      break;
    case '>':
    case '<':
    case '=':
      if (next == '=') { // `>=`, `<=`, `==`: an affine constraint
        ++i;
        isOperator = true;
        break;
      }
      if (c == '=') {
        operators = base.back();
        continue;
      }
      if (c == '>') {
        if (base.size() > 1)
          base.pop_back();
        continue;
      }
      [[fallthrough]];
    case '(':
    case '[':
      if (base.size() > nestingLimit)
        return Excess{i, Limit::Nesting};
      base.push_back(operators);
      definedDepth = std::max<unsigned>(definedDepth, base.size() - 1);
      continue;
    case '{':
      if (base.size() > nestingLimit)
        return Excess{i, Limit::Nesting};
      base.push_back(0);
      definedDepth = std::max<unsigned>(definedDepth, base.size() - 1);
      operators = 0;
      continue;
    case ')':
    case ']':
      if (base.size() > 1)
        base.pop_back();
      continue;
    case '}':
      if (base.size() > 1)
        base.pop_back();
      operators = base.back();
      continue;
    case ',':
    case ':':
      operators = base.back();
      continue;
    case '+':
    case '*':
      isOperator = true;
      break;
    case 'f':
    case 'c':
    case 'm':
      isOperator =
          isWord(i, "floordiv") || isWord(i, "ceildiv") || isWord(i, "mod");
      break;
    default:
      break;
    }
    if (isOperator && ++operators > operatorLimit)
      return Excess{i, Limit::Operators};
  }
  return std::nullopt;
}

} // namespace

namespace {

/// Upstream's custom parsers of linalg.transpose (`permutation = [...]`),
/// linalg.broadcast and linalg.reduce (`dimensions = [...]`) store the
/// result of a failed array parse, a null attribute, and crash (MLIR 22).
/// The first such value that is not a well-formed integer list (or another
/// attribute form: `array<`, `dense<`, an alias), found before parsing.
std::optional<InputLimitViolation>
findMalformedIntegerList(llvm::StringRef text) {
  for (llvm::StringRef keyword : {"permutation", "dimensions"}) {
    for (size_t at = text.find(keyword); at != StringRef::npos;
         at = text.find(keyword, at + 1)) {
      auto isWordChar = [](char c) { return llvm::isAlnum(c) || c == '_'; };
      if ((at > 0 && isWordChar(text[at - 1])) ||
          (at + keyword.size() < text.size() &&
           isWordChar(text[at + keyword.size()])))
        continue;
      // Not in a comment or a string (of the same line).
      size_t lineStart = text.rfind('\n', at);
      llvm::StringRef before = text.slice(
          lineStart == llvm::StringRef::npos ? 0 : lineStart + 1, at);
      if (before.contains("//") || before.count('"') % 2 == 1)
        continue;
      llvm::StringRef rest = text.drop_front(at + keyword.size()).ltrim();
      if (!rest.consume_front("="))
        continue;
      rest = rest.ltrim();
      size_t valueOffset = text.size() - rest.size();
      if (rest.starts_with("array<") || rest.starts_with("dense<") ||
          rest.starts_with("#"))
        continue;
      bool wellFormed = rest.consume_front("[");
      if (wellFormed) {
        rest = rest.ltrim();
        bool first = true;
        while (!rest.consume_front("]")) {
          if (!first && !rest.consume_front(",")) {
            wellFormed = false;
            break;
          }
          rest = rest.ltrim();
          rest.consume_front("-");
          size_t digits = 0;
          while (digits < rest.size() && llvm::isDigit(rest[digits]))
            ++digits;
          if (digits == 0) {
            wellFormed = false;
            break;
          }
          rest = rest.drop_front(digits).ltrim();
          first = false;
        }
      }
      if (!wellFormed)
        return InputLimitViolation{valueOffset,
                                   "`" + keyword.str() +
                                       " =` must be followed by a list of "
                                       "integers like [1, 0]"};
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<InputLimitViolation>
findInputLimitViolation(llvm::StringRef text) {
  auto excess = scan(text, kMaxNestingDepth, kMaxExpressionOperators);
  if (!excess)
    return findMalformedIntegerList(text);
  if (excess->limit == Limit::Nesting)
    return InputLimitViolation{
        excess->offset,
        "nesting deeper than " + std::to_string(kMaxNestingDepth) + " levels"};
  return InputLimitViolation{excess->offset,
                             "an expression of more than " +
                                 std::to_string(kMaxExpressionOperators) +
                                 " operators"};
}

std::optional<size_t> findExcessiveNesting(llvm::StringRef text,
                                           unsigned limit) {
  auto excess = scan(text, limit, ~0u);
  if (!excess)
    return std::nullopt;
  return excess->offset;
}

bool isBytecode(llvm::StringRef bytes) {
  return bytes.starts_with("ML\xef"
                           "R");
}

std::optional<InputLimitViolation>
findBytecodeLimitViolation(llvm::StringRef bytes) {
  // Textual attributes and types are NUL-terminated strings.
  for (size_t start = 0; start < bytes.size();) {
    size_t end = bytes.find('\0', start);
    if (end == llvm::StringRef::npos)
      end = bytes.size();
    llvm::StringRef piece = bytes.slice(start, end);
    size_t text =
        std::min(piece.find("affine_map<"), piece.find("affine_set<"));
    if (text == llvm::StringRef::npos && piece.size() > 1 &&
        (piece[0] == '#' || piece[0] == '!') && llvm::isAlpha(piece[1]))
      text = 0;
    if (text != llvm::StringRef::npos)
      if (auto violation = findInputLimitViolation(piece.substr(text)))
        return InputLimitViolation{start + text + violation->offset,
                                   violation->message};
    start = end + 1;
  }
  return std::nullopt;
}

namespace {

/// How deep attributes and types nest (an array of arrays...), each
/// computed once, without recursion.
class AttributeDepths {
public:
  /// The depth of `root`, or more than `limit` as soon as that is certain.
  unsigned get(const void *root, bool isAttribute, unsigned limit) {
    if (auto it = depths.find(root); it != depths.end())
      return it->second;
    // Post-order: a node is done once every child is.
    llvm::SmallVector<std::pair<const void *, bool>> stack = {
        {root, isAttribute}};
    llvm::DenseSet<const void *> expanded;
    while (!stack.empty()) {
      auto [node, attribute] = stack.back();
      if (depths.count(node)) {
        stack.pop_back();
        continue;
      }
      unsigned deepest = 0;
      bool pending = false;
      auto visit = [&](const void *child, bool childIsAttribute) {
        auto it = depths.find(child);
        if (it != depths.end()) {
          deepest = std::max(deepest, it->second);
        } else if (!expanded.contains(node)) {
          stack.push_back({child, childIsAttribute});
          pending = true;
        }
      };
      auto walk = [&](auto element) {
        element.walkImmediateSubElements(
            [&](Attribute a) { visit(a.getAsOpaquePointer(), true); },
            [&](Type t) { visit(t.getAsOpaquePointer(), false); });
      };
      if (attribute)
        walk(Attribute::getFromOpaquePointer(node));
      else
        walk(Type::getFromOpaquePointer(node));
      expanded.insert(node);
      if (pending)
        continue;
      stack.pop_back();
      depths[node] = deepest + 1;
      if (deepest + 1 > limit)
        return deepest + 1;
    }
    return depths[root];
  }

private:
  llvm::DenseMap<const void *, unsigned> depths;
};

} // namespace

Operation *findExcessiveNesting(Operation *root, unsigned limit) {
  AttributeDepths attributeDepths;
  llvm::SmallVector<std::pair<Operation *, unsigned>> worklist = {{root, 0}};
  while (!worklist.empty()) {
    auto [op, depth] = worklist.pop_back_val();
    if (depth > limit)
      return op;
    // Printing or walking the op goes as deep as its attributes and types.
    unsigned deepest = 0;
    auto check = [&](const void *element, bool isAttribute) {
      if (element)
        deepest = std::max(
            deepest, attributeDepths.get(element, isAttribute, limit + 1));
    };
    check(op->getRawDictionaryAttrs().getAsOpaquePointer(), true);
    if (Attribute properties = op->getPropertiesAsAttribute())
      check(properties.getAsOpaquePointer(), true);
    for (Type type : op->getResultTypes())
      check(type.getAsOpaquePointer(), false);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Type type : block.getArgumentTypes())
          check(type.getAsOpaquePointer(), false);
    // A flat attribute (depth 1) adds no level.
    if (depth + (deepest ? deepest - 1 : 0) > limit)
      return op;
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Operation &nested : block)
          worklist.push_back({&nested, depth + 1});
  }
  return nullptr;
}

void eraseWithoutRecursion(Operation *root) {
  // Every op, parents before children; erased in reverse, each op's regions
  // are empty by the time it goes.
  llvm::SmallVector<Operation *> order;
  llvm::SmallVector<Operation *> worklist = {root};
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    order.push_back(op);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Operation &nested : block)
          worklist.push_back(&nested);
  }
  for (Operation *op : order) {
    // Only the op's own uses: dropAllReferences would recurse.
    for (OpOperand &operand : op->getOpOperands())
      operand.drop();
    for (BlockOperand &successor : op->getBlockOperands())
      successor.drop();
  }
  for (Operation *op : llvm::reverse(order))
    op->erase();
}

} // namespace mlir::tessera
