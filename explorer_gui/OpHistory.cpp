//===- OpHistory.cpp - The passes that changed one op ---------------------===//

#include "OpHistory.h"

#include <algorithm>

using namespace mlir::tessera;

namespace tessera::explorer {

std::string OpHistory::linesFrom(const CapturedIR &snapshot, unsigned line) {
  std::vector<uint32_t> wanted;
  for (const IRSourceLine &entry : snapshot.sources)
    if (entry.sourceLine == line &&
        (wanted.empty() || wanted.back() != entry.irLine))
      wanted.push_back(entry.irLine);
  std::string text;
  if (wanted.empty())
    return text;
  // Sources are sorted by IR line: one walk over the pieces finds them all.
  auto next = wanted.begin();
  for (size_t p = 0; p < snapshot.pieces.size() && next != wanted.end(); ++p) {
    const CapturedIR::Piece &piece = snapshot.pieces[p];
    uint32_t end = p + 1 < snapshot.pieces.size()
                       ? snapshot.pieces[p + 1].firstLine
                       : UINT32_MAX;
    if (*next >= end)
      continue;
    llvm::StringRef rest = *piece.text;
    uint32_t at = piece.firstLine;
    while (next != wanted.end() && *next < end && !rest.empty()) {
      auto [current, after] = rest.split('\n');
      if (at == *next) {
        text += current.str();
        text += '\n';
        ++next;
      }
      rest = after;
      ++at;
    }
  }
  return text;
}

std::vector<int>
OpHistory::passesChanging(const std::vector<PassRecord> &records,
                          unsigned line) {
  if (line != cachedLine) {
    cache.clear();
    cachedLine = line;
  }
  auto linesOf = [&](const CapturedIR *snapshot) -> const std::string & {
    auto [it, inserted] = cache.try_emplace(snapshot);
    if (inserted)
      it->second = linesFrom(*snapshot, line);
    return it->second;
  };
  std::vector<int> changing;
  for (const PassRecord &record : records) {
    if (!record.changed || !record.irBefore || !record.irAfter)
      continue;
    const std::string &before = linesOf(record.irBefore.get());
    const std::string &after = linesOf(record.irAfter.get());
    if (before != after)
      changing.push_back(record.index);
  }
  return changing;
}

} // namespace tessera::explorer
